"""``publisher preview``: the issue in a browser, rebuilt after every change."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import click

from publisher.cli import Project, pass_project

if TYPE_CHECKING:
    from publisher.preview.session import Sample


@click.command("preview")
@click.argument("issue")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
    help="Port to listen on (0 picks a free one).",
)  # fmt: skip
@click.option(
    "--as", "as_email", metavar="EMAIL",
    help="Fill the email in for this subscriber (name, address, language) instead of a sample.",
)  # fmt: skip
@pass_project
def preview_command(
    project: Project, issue: str, host: str, port: int, as_email: str | None
) -> None:
    """Show ISSUE as subscribers will see it, rebuilt after every change (Ctrl-C to stop).

    The email (desktop, phone, dark mode), its text part, the print and web editions, and
    what `publisher check` finds, with images served from the project. Nothing is written to
    build/.
    """
    from publisher.preview.app import PreviewApp
    from publisher.preview.session import PreviewSession, Sample, State
    from publisher.preview.watch import start_watching
    from publisher.web.server import ThreadingServer, serve

    config = project.config
    sample = _subscriber(project, as_email) if as_email else Sample()

    def built(state: State) -> None:
        if state.error:
            click.echo(f"build {state.generation} failed: {state.error}", err=True)
        else:
            errors = sum(f.severity == "error" for f in state.findings)
            click.echo(
                f"build {state.generation}: {state.seconds * 1000:.0f} ms,"
                f" {len(state.findings)} finding(s), {errors} error(s)",
                err=True,
            )

    session = PreviewSession(project.root, issue, sample, debug=project.debug)
    built(session.rebuild())
    stop = threading.Event()

    def ready(server: ThreadingServer) -> None:
        start_watching(
            session, config, stop, built, lambda text: click.echo(f"warning: {text}", err=True)
        )
        click.echo(f"preview on http://{host}:{server.server_port}/ (Ctrl-C to stop)", err=True)

    try:
        serve(
            PreviewApp(session), host, port, timeout=float(config.table("web")["timeout"]),
            log=lambda line: None, ready=ready,
        )  # fmt: skip
    finally:
        stop.set()


def _subscriber(project: Project, email: str) -> Sample:
    from publisher.audience.migrations import open_store
    from publisher.audience.subscribers import SubscriberList
    from publisher.errors import SubscriberError
    from publisher.preview.session import Sample

    with open_store(project.config, readonly=True) as store:
        subscriber = SubscriberList(store).get(email)
    if subscriber is None:
        raise SubscriberError("no subscriber with this address", where=email)
    return Sample(subscriber.email, subscriber.name, subscriber.language)
