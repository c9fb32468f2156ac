"""The command line: a thin layer that parses options, calls one function and prints."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from publisher import __version__
from publisher.config import Config, load_config
from publisher.errors import PublisherError


class Project:
    """What every command gets: the project folder and its settings (read on first use)."""

    def __init__(self, root: Path, debug: bool):
        self.root = root
        self.debug = debug
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.root)
        return self._config


class PublisherGroup(click.Group):
    """Turns ``PublisherError`` into ``Error: ...`` and its exit code (a traceback with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PublisherError as exc:
            if "--debug" in sys.argv[1:] or (ctx.obj is not None and ctx.obj.debug):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


pass_project = click.make_pass_decorator(Project)


@click.group(cls=PublisherGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The newsletter project folder (holds publisher.toml, articles/, issues/).",
)
@click.option("--debug", is_flag=True, help="Show a full traceback on errors.")
@click.version_option(__version__, prog_name="publisher")
@click.pass_context
def main(ctx: click.Context, project: Path, debug: bool) -> None:
    """Import news articles, compose themed issues, build, send and publish them."""
    ctx.obj = Project(project, debug)


def _register() -> None:
    # Command modules import ``main``'s helpers from here, so they are added after it exists.
    from publisher.cli import articles, build, issue, send, subscribers, unsubscribe

    main.add_command(articles.import_command)
    main.add_command(articles.articles)
    main.add_command(issue.issue)
    main.add_command(build.build_command)
    main.add_command(subscribers.subscribers)
    main.add_command(send.send_command)
    main.add_command(unsubscribe.serve_unsubscribe)


_register()
