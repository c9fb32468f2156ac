"""``publisher subscribers``: add, import, list, unsubscribe, export."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from publisher.audience.listfile import clean_text, normalise_email, normalise_language
from publisher.audience.migrations import open_store
from publisher.audience.subscribers import SubscriberList
from publisher.cli import Project, pass_project
from publisher.errors import SubscriberError
from publisher.model import SUBSCRIBER_STATUSES, Subscriber

STATUS = click.Choice(SUBSCRIBER_STATUSES)


@contextmanager
def _list(project: Project, *, readonly: bool = False) -> Iterator[SubscriberList]:
    with open_store(project.config, readonly=readonly) as store:
        yield SubscriberList(store)


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
    with _list(project) as subscribers:
        report = subscribers.import_csv(csv_file)
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
    """List subscribers: email, status, language, name (``--status pending``: unconfirmed)."""
    with _list(project, readonly=True) as subscribers:
        for s in subscribers.all(status):
            click.echo(f"{s.email}\t{s.status}\t{s.language or '-'}\t{s.name}")


@subscribers.command("unsubscribe")
@click.argument("email", required=False)
@click.option("--token", help="Unsubscribe by the token of an unsubscribe link instead.")
@pass_project
def unsubscribe_command(project: Project, email: str | None, token: str | None) -> None:
    """Unsubscribe EMAIL (or the owner of --token); doing it twice is harmless."""
    if bool(email) == bool(token):
        raise click.UsageError("give either EMAIL or --token")
    with _list(project) as subscribers:
        subscriber = subscribers.unsubscribe(email=email, token=token)
    click.echo(f"unsubscribed {subscriber.email}", err=True)


@subscribers.command("export")
@click.option("--status", type=STATUS, help="Only subscribers with this status.")
@pass_project
def export_command(project: Project, status: str | None) -> None:
    """Write the list to stdout as CSV (the import format; cells are formula-safe)."""
    with _list(project, readonly=True) as subscribers:
        subscribers.export_csv(sys.stdout, status)


@subscribers.command("add")
@click.argument("email")
@click.option("--name", default="", help="The subscriber's name (for the greeting).")
@click.option("--language", default="", help="A language code like vi or en.")
@pass_project
def add_command(project: Project, email: str, name: str, language: str) -> None:
    """Add EMAIL as an active subscriber (consent source: cli), or update their name/language.

    An address that unsubscribed or bounced stays so: only the subscriber can take it back.
    """
    try:
        subscriber = Subscriber(
            email=normalise_email(email), name=clean_text(name),
            language=normalise_language(language),
        )  # fmt: skip
    except ValueError as exc:
        where = "EMAIL" if "address" in str(exc) else "--language"
        raise SubscriberError(str(exc), where=where) from None
    with _list(project) as subscribers:
        found, action = subscribers.add(subscriber, source="cli")
    note = f" (still {found.status})" if found.status != "active" else ""
    click.echo(f"{action} {found.email}{note}", err=True)
