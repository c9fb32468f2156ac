"""The email: theme MJML (Jinja2) → HTML (mjml-python) → CSS inlined (premailer, ``inline``).

DESIGN.md lists the traps measured in mjml-python; each one is handled here:
- it reports UTF-8 *byte* offsets: turned into line and column of the rendered MJML;
- its ``include_loader`` gets paths verbatim (``../`` too): only theme files are served;
- its default fonts import Google Fonts: no remote font unless ``[fonts.import]`` asks.
"""

from __future__ import annotations

import re

import mjml
from jinja2 import Environment

from publisher.errors import PublisherError, RenderError
from publisher.render import templates
from publisher.render.context import IssueView
from publisher.render.inline import CSS_TEMPLATE
from publisher.render.theme import Theme

_POSITION = re.compile(r"at position (\d+):(\d+)")
TEMPLATE = "email.mjml"


def render_mjml(env: Environment, theme: Theme, view: IssueView) -> str:
    """The theme's MJML for this issue."""
    return templates.render(env, theme, TEMPLATE, issue=view)


def render_css(env: Environment, theme: Theme) -> str:
    """The theme's CSS to inline into the email's elements.

    It gets the theme's settings only, never the issue: the same CSS for every issue of a theme,
    known before the issue is rendered, so premailer can parse it while the rest renders.
    """
    return templates.render(env, theme, CSS_TEMPLATE)


def mjml_to_html(source: str, theme: Theme) -> str:
    """Compile MJML; errors name the line and column in the rendered MJML."""
    failures: list[PublisherError] = []

    def include(path: str) -> str:
        try:
            return theme.read_include(path)
        except PublisherError as exc:
            failures.append(exc)
            raise

    fonts = {str(k): str(v) for k, v in theme.settings.get("fonts", {}).get("import", {}).items()}
    try:
        return mjml.mjml2html(source, fonts=fonts, include_loader=include)
    except ValueError as exc:
        if failures:
            raise failures[0] from None
        line, column = _error_position(source, str(exc))
        excerpt = source.splitlines()[line - 1].strip()[:160] if source else ""
        raise RenderError(
            f"MJML error: {exc}",
            where=f"{TEMPLATE} of theme {theme.name!r} (rendered), line {line}, column {column}",
            problems=[f"line {line}: {excerpt}"],
        ) from None


def line_column(text: str, byte_offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a UTF-8 byte offset into ``text``."""
    prefix = text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")
    return prefix.count("\n") + 1, len(prefix) - (prefix.rfind("\n") + 1) + 1


def _error_position(source: str, message: str) -> tuple[int, int]:
    match = _POSITION.search(message)
    if match:
        return line_column(source, int(match.group(1)))
    # Some mjml-python errors carry no position: a strict XML parse points at the first fault.
    from lxml import etree

    try:
        etree.fromstring(source.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        return exc.position  # 1-based, in characters
    return 1, 1
