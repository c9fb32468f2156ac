"""The docs stay honest: every command has help text and appears in the README."""

from __future__ import annotations

import click
import pytest

from publisher.cli import main
from tests.conftest import ROOT


def _commands(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found += _commands(command, path)
    return found


ALL = _commands(main, "publisher")


@pytest.mark.parametrize(("path", "command"), ALL, ids=[p for p, _ in ALL])
def test_command_has_help_and_readme_entry(path, command):
    assert command.help and len(command.help.strip()) > 20, f"{path} needs --help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{path} {param.opts[0]} needs help text"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{path}" in readme or f"{path} " in readme, f"{path} is not in the README"
