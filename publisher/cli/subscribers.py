"""``publisher subscribers``: import, list, unsubscribe, export."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from publisher.audience.database import open_project_db
from publisher.audience.subscribers import SubscriberList
from publisher.cli import Project, pass_project
from publisher.model import SUBSCRIBER_STATUSES

STATUS = click.Choice(SUBSCRIBER_STATUSES)


def _list(project: Project) -> SubscriberList:
    return SubscriberList(open_project_db(project.config))


@click.group()
def subscribers() -> None:
    """Manage the subscriber list (kept in the project database)."""


@subscribers.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@pass_project
def import_command(project: Project, csv_file: Path) -> None:
    """Import subscribers from CSV_FILE (header: email,name,language[,consent_source,...]).

    Good rows are kept even when others are bad; each bad row is reported with its line
    number and the exit status is then 10.
    """
    report = _list(project).import_csv(csv_file)
    for problem in report.problems:
        click.echo(f"rejected {problem}", err=True)
    click.echo(
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged,"
        f" {len(report.problems)} rejected",
        err=True,
    )
    if report.problems:
        raise SystemExit(10)


@subscribers.command("list")
@click.option("--status", type=STATUS, help="Only subscribers with this status.")
@pass_project
def list_command(project: Project, status: str | None) -> None:
    """List subscribers: email, status, language, name."""
    for s in _list(project).all(status):
        click.echo(f"{s.email}\t{s.status}\t{s.language or '-'}\t{s.name}")


@subscribers.command("unsubscribe")
@click.argument("email", required=False)
@click.option("--token", help="Unsubscribe by the token of an unsubscribe link instead.")
@pass_project
def unsubscribe_command(project: Project, email: str | None, token: str | None) -> None:
    """Unsubscribe EMAIL (or the owner of --token); doing it twice is harmless."""
    if bool(email) == bool(token):
        raise click.UsageError("give either EMAIL or --token")
    subscriber = _list(project).unsubscribe(email=email, token=token)
    click.echo(f"unsubscribed {subscriber.email}", err=True)


@subscribers.command("export")
@click.option("--status", type=STATUS, help="Only subscribers with this status.")
@pass_project
def export_command(project: Project, status: str | None) -> None:
    """Write the list to stdout as CSV (the import format; cells are formula-safe)."""
    _list(project).export_csv(sys.stdout, status)
