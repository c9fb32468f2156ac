"""``publisher bounces import``: bounces and complaints from a mailbox, applied to the list."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.cli import Project, pass_project


@click.group()
def bounces() -> None:
    """Bounces and complaints: suppress the addresses that bounce or report spam."""


@bounces.command("import")
@click.option(
    "--maildir", type=click.Path(file_okay=False, path_type=Path),
    help="A Maildir the bounce address delivers to.",
)  # fmt: skip
@click.option(
    "--imap", metavar="URL",
    help="imaps://USER@HOST[:PORT]/FOLDER (password in PUBLISHER_IMAP_PASSWORD).",
)  # fmt: skip
@click.option(
    "--processed-folder", default="Processed", show_default=True,
    help="Where read reports are moved (never deleted); others stay where they are.",
)  # fmt: skip
@pass_project
def import_command(
    project: Project, maildir: Path | None, imap: str | None, processed_folder: str
) -> None:
    """Read delivery reports (RFC 3464, and the non-standard ones) and spam complaints (ARF).

    A hard bounce marks the subscriber bounced, a complaint complained, soft bounces suppress
    after [bounces] soft_limit within soft_days. Each report counts once however often read.
    """
    from publisher.bounces.importing import Mailbox, import_bounces
    from publisher.bounces.mailboxes import ImapBox, MaildirBox

    if bool(maildir) == bool(imap):
        raise click.UsageError("give either --maildir DIR or --imap URL")
    if not processed_folder.strip() or "/" in processed_folder or processed_folder.startswith("."):
        raise click.BadParameter("a folder name", param_hint="--processed-folder")
    box: Mailbox
    if maildir is not None:
        box = MaildirBox(maildir, processed_folder)
    else:
        assert imap is not None
        box = ImapBox(imap, processed_folder)
    try:
        result = import_bounces(project.config, box)
    finally:
        box.close()
    for email in result.suppressed:
        click.echo(f"suppressed {email}")
    click.echo(
        f"{result.read} read: {result.hard} hard bounce(s), {result.soft} soft, "
        f"{result.complaints} complaint(s), {result.again} read before; "
        f"{result.processed} moved to {processed_folder}; left in the mailbox: "
        f"{result.unknown} about addresses not on the list, {result.unrecognised} not reports",
        err=True,
    )
