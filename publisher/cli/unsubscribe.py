"""``publisher serve-unsubscribe``: the one-click unsubscribe endpoint on a local port."""

from __future__ import annotations

import contextlib
from wsgiref.simple_server import WSGIRequestHandler, make_server

import click

from publisher.audience.database import database_path
from publisher.cli import Project, pass_project
from publisher.web.unsubscribe import UnsubscribeApp


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        # Paths hold subscribers' tokens: log the method and status, never the path.
        click.echo(f"{self.command} {args[1] if len(args) > 1 else ''}", err=True)


@click.command("serve-unsubscribe")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8025, show_default=True,
    help="Port to listen on (0 picks a free one).",
)  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@pass_project
def serve_unsubscribe(project: Project, port: int, host: str) -> None:
    """Serve one-click unsubscribe (RFC 8058) for local use; deploy the WSGI app for real.

    POST <path>/<token> with List-Unsubscribe=One-Click unsubscribes; GET shows a page
    with a button. The WSGI application is publisher.web.unsubscribe:application.
    """
    app = UnsubscribeApp(database_path(project.config))
    with make_server(host, port, app, handler_class=_QuietHandler) as server:
        click.echo(f"serving on http://{host}:{server.server_port}/ (Ctrl-C to stop)", err=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
