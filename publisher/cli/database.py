"""``publisher database upgrade|copy|pull|push``."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.audience.copy import copy_store
from publisher.audience.migrations import open_store, upgrade
from publisher.audience.store import connect, database_url, sqlite_path
from publisher.cli import Project, pass_project
from publisher.errors import DatabaseError
from publisher.upload.state import pull_database, push_database


def _sqlite_file(project: Project, file: Path | None) -> Path:
    """The SQLite file to back up or restore: ``--file``, else the project's database."""
    if file is not None:
        return file
    url = database_url(project.config)
    if not url.startswith("sqlite:"):
        raise DatabaseError(
            "pull and push back up and restore a SQLite file; this project's database is"
            " PostgreSQL (back it up with pg_dump)",
            where="database.url",
        )
    return sqlite_path(url, project.config.project)


_file_option = click.option(
    "--file", type=click.Path(dir_okay=False, path_type=Path),
    help="The SQLite file (default: the project's, from [database] url).",
)  # fmt: skip
_endpoint_option = click.option(
    "--endpoint-url", metavar="URL", help="S3-compatible endpoint (default: AWS_ENDPOINT_URL)."
)


@click.group()
def database() -> None:
    """The audience database: schema upgrades, copies between engines, SQLite backups."""


@database.command("upgrade")
@click.option("--url", metavar="URL", help="The database (default: the project's).")
@pass_project
def upgrade_command(project: Project, url: str | None) -> None:
    """Bring the database's schema to the version this publisher needs (back it up first)."""
    with connect(url or database_url(project.config), project.config.project) as store:
        before, after = upgrade(store)
        if before == after:
            click.echo(f"{store.url}: schema version {after}, nothing to do", err=True)
        else:
            click.echo(f"{store.url}: schema version {before} → {after}", err=True)


@database.command("copy")
@click.option("--from", "source", metavar="URL", help="Copy from (default: the project's).")
@click.option("--to", "target", metavar="URL", required=True, help="Copy into (must be empty).")
@pass_project
def copy_command(project: Project, source: str | None, target: str) -> None:
    """Copy subscribers, consents, tokens and every ledger into an empty database.

    For example from the embedded SQLite file to PostgreSQL, before pointing
    PUBLISHER_DATABASE_URL at it. Both must be at the current schema version (see
    `publisher database upgrade`).
    """
    config = project.config
    with open_store(config, source) as origin, open_store(config, target) as destination:
        report = copy_store(origin, destination)
        counts = ", ".join(f"{n} {table}" for table, n in report.rows.items())
        click.echo(f"copied {origin.url} → {destination.url}: {counts}", err=True)


@database.command("pull")
@click.argument("source")
@_file_option
@click.option("--overwrite", is_flag=True, help="Replace a database that is already here.")
@_endpoint_option
@pass_project
def pull_command(
    project: Project, source: str, file: Path | None, overwrite: bool, endpoint_url: str | None
) -> None:
    """Restore a SQLite database from a backup at SOURCE (s3://bucket/key or a file path)."""
    path = _sqlite_file(project, file)
    size = pull_database(source, path, overwrite=overwrite, endpoint_url=endpoint_url)
    click.echo(f"fetched {source} → {path} ({size} bytes)", err=True)


@database.command("push")
@click.argument("target")
@_file_option
@_endpoint_option
@pass_project
def push_command(
    project: Project, target: str, file: Path | None, endpoint_url: str | None
) -> None:
    """Back up a consistent copy of a SQLite database to TARGET (s3://bucket/key or a file)."""
    path = _sqlite_file(project, file)
    size = push_database(path, target, endpoint_url=endpoint_url)
    click.echo(f"stored {path} → {target} ({size} bytes)", err=True)
