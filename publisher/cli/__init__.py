"""The command line: a thin layer that parses options, calls one function and prints."""

from __future__ import annotations

import gc
import importlib
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
    """Loads commands on first use; turns ``PublisherError`` into ``Error: ...`` and its exit code.

    With ``--debug`` the traceback is shown instead.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module_name, attribute = COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

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


# name -> "module:attribute". Commands are imported only when used, so ``publisher build``
# does not pay for the SMTP, database and NLP modules of other commands at every start.
COMMANDS = {
    "import": "publisher.cli.articles:import_command",
    "articles": "publisher.cli.articles:articles",
    "issue": "publisher.cli.issue:issue",
    "build": "publisher.cli.build:build_command",
    "check": "publisher.cli.check:check_command",
    "preview": "publisher.cli.preview:preview_command",
    "site": "publisher.cli.site:site_command",
    "subscribers": "publisher.cli.subscribers:subscribers",
    "send": "publisher.cli.send:send_command",
    "serve": "publisher.cli.serve:serve_command",
    "upload": "publisher.cli.upload:upload_command",
    "database": "publisher.cli.database:database",
    "dkim": "publisher.cli.dkim:dkim",
    "bounces": "publisher.cli.bounces:bounces",
}


def run() -> None:
    """The ``publisher`` command: ``main`` as a program, which ends when the command does."""
    try:
        main()
    finally:
        # The process is about to end: spare Python's exit a last garbage collection over every
        # object the imports made (a tenth of a short build). Not in ``main``, which may be
        # called from a long-lived process.
        gc.freeze()
