"""``publisher serve``: subscribe, confirm and unsubscribe pages on a local port."""

from __future__ import annotations

import click

from publisher.cli import Project, pass_project
from publisher.web.app import AudienceApp
from publisher.web.server import ThreadingServer, serve


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
    help="Port to listen on (0 picks a free one).",
)  # fmt: skip
@pass_project
def serve_command(project: Project, host: str, port: int) -> None:
    """Serve subscribe, confirm and one-click unsubscribe pages (Ctrl-C to stop).

    Links in mail point at [web] base_url; put a reverse proxy (TLS) in front, or run
    publisher.web.app:application under a WSGI server such as gunicorn.
    """
    config = project.config
    app = AudienceApp(config)

    def ready(server: ThreadingServer) -> None:
        click.echo(f"serving on http://{host}:{server.server_port}/ (Ctrl-C to stop)", err=True)

    if not config.table("web")["base_url"]:
        click.echo(
            "warning: [web] base_url is not set: subscribe answers with an error page until it"
            " is (confirmation links need it)",
            err=True,
        )
    try:
        serve(
            app, host, port, timeout=float(config.table("web")["timeout"]),
            log=lambda line: click.echo(line, err=True), ready=ready,
        )  # fmt: skip
    finally:
        app.stores.close()
