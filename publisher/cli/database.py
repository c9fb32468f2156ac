"""``publisher database pull|push``."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.cli import Project, pass_project
from publisher.upload.state import pull_database, push_database

DEFAULT_DATABASE = "publisher.db"


def _database_path(project: Project, file: Path | None) -> Path:
    if file is not None:
        return file
    name = project.config.table("send").get("database") or DEFAULT_DATABASE
    return (project.config.project / name).resolve()


_file_option = click.option(
    "--file", type=click.Path(dir_okay=False, path_type=Path),
    help="The local database (default: [send] database, else publisher.db).",
)  # fmt: skip
_endpoint_option = click.option(
    "--endpoint-url", metavar="URL", help="S3-compatible endpoint (default: AWS_ENDPOINT_URL)."
)


@click.group()
def database() -> None:
    """Keep the database (subscribers and send ledger) in a bucket between CI runs."""


@database.command("pull")
@click.argument("source")
@_file_option
@click.option("--overwrite", is_flag=True, help="Replace a database that is already here.")
@_endpoint_option
@pass_project
def pull_command(
    project: Project, source: str, file: Path | None, overwrite: bool, endpoint_url: str | None
) -> None:
    """Fetch the database from SOURCE (s3://bucket/key or a file path)."""
    path = _database_path(project, file)
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
    """Store a consistent copy of the database at TARGET (s3://bucket/key or a file path)."""
    path = _database_path(project, file)
    size = push_database(path, target, endpoint_url=endpoint_url)
    click.echo(f"stored {path} → {target} ({size} bytes)", err=True)
