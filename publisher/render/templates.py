"""Jinja2 for themes: autoescape (except ``.txt``), StrictUndefined, errors with file and line."""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
)
from markupsafe import Markup

from publisher.errors import PublisherError, RenderError
from publisher.render import markup
from publisher.render.theme import Theme


def _autoescape(name: str | None) -> bool:
    # The text part is not HTML: escaping would print "&amp;" to subscribers.
    return not (name or "").endswith(".txt")


def css_string(value: Any) -> Markup:
    """A CSS string literal safe inside ``<style>``: quotes, ``<`` and newlines escaped."""
    out = []
    for char in str(value):
        if char.isalnum() or char in " ,.-_:;!?()/'&+" or ord(char) > 127:
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x}")
    return Markup('"' + "".join(out) + '"')


class _QuietBytecodeCache(FileSystemBytecodeCache):
    """Compiled templates kept between runs; a cache that cannot be used is simply skipped."""

    def load_bytecode(self, bucket: Any) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> BytecodeCache | None:
    # Compiling the theme's templates is most of a cold build's time; Jinja keys the cache on
    # each template's name and source, so an edited template is compiled again.
    try:
        return _QuietBytecodeCache()  # a private folder per user under the system's temp folder
    except (OSError, RuntimeError):
        return None


def environment(theme: Theme) -> Environment:
    """A Jinja environment whose loader searches the theme's folders in order."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in theme.dirs]),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["css_string"] = css_string
    env.filters["wrap"] = markup.wrap
    return env


def render(env: Environment, theme: Theme, name: str, **context: Any) -> str:
    """Render a theme template with ``issue``, ``theme`` settings, ``labels`` and ``context``.

    Without ``issue`` the template gets ``theme`` and ``context`` only.

    Any failure becomes a RenderError naming the template file and line.
    """
    view = context.pop("issue", None)
    if view is None:  # a template of the theme alone
        values = {"theme": theme.settings, **context}
    else:
        values = {"issue": view, "theme": view.theme, "labels": view.labels, **context}
    try:
        return env.get_template(name).render(values)
    except PublisherError:
        raise
    except TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name}:{exc.lineno}"
        raise RenderError(f"template syntax error: {exc.message}", where=where) from None
    except TemplateNotFound as exc:
        dirs = ", ".join(str(d) for d in theme.dirs)
        message = f"template {exc.name!r} not found in theme {theme.name!r}"
        raise RenderError(message, where=dirs) from None
    except Exception as exc:
        where = _template_line(exc.__traceback__, theme) or name
        raise RenderError(f"template error: {exc}", where=where) from None


def _template_line(tb: TracebackType | None, theme: Theme) -> str | None:
    """The innermost traceback frame inside a theme file (Jinja maps frames to template lines)."""
    found = None
    roots = [str(d.resolve()) for d in theme.dirs]
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if any(str(Path(filename).resolve()).startswith(root) for root in roots):
            found = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found
