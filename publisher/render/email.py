"""The email: theme MJML (Jinja2) → HTML (mjml-python) → CSS inlined (premailer).

DESIGN.md lists the traps measured in both libraries; each one is handled here:
- mjml-python reports UTF-8 *byte* offsets: turned into line and column of the rendered MJML;
- its ``include_loader`` gets paths verbatim (``../`` too): only theme files are served;
- its default fonts import Google Fonts: no remote font unless ``[fonts.import]`` asks;
- premailer drops a lowercase doctype (restored), strips ``!important`` (kept), chokes on nested
  ``@media`` and fetches ``@import`` (MJML's own ``<style>`` blocks are left alone: premailer
  inlines only the theme's ``email.css``), and needs cssutils' logging quiet.
"""

from __future__ import annotations

import importlib
import logging
import re
import sys
import types

import mjml
from jinja2 import Environment
from lxml import etree

from publisher.errors import PublisherError, RenderError
from publisher.render import templates
from publisher.render.context import IssueView
from publisher.render.theme import Theme

_POSITION = re.compile(r"at position (\d+):(\d+)")
# Only real tags start with a literal "<style": article text arrives escaped ("&lt;style").
_STYLE_TAG = re.compile(r"<style(?=[\s>])")
_IGNORE_ATTR = re.compile(r'(<style\b[^>]*?) data-premailer="ignore"')
_DOCTYPE = re.compile(r"^\s*<!doctype[^>]*>\s*", re.IGNORECASE)
DOCTYPE = "<!doctype html>"
TEMPLATE = "email.mjml"
CSS_TEMPLATE = "email.css"


def render_mjml(env: Environment, theme: Theme, view: IssueView) -> str:
    """The theme's MJML for this issue."""
    return templates.render(env, theme, TEMPLATE, issue=view)


def render_css(env: Environment, theme: Theme, view: IssueView) -> str:
    """The theme's CSS to inline into the email's elements."""
    return templates.render(env, theme, CSS_TEMPLATE, issue=view)


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
    try:
        etree.fromstring(source.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        return exc.position  # 1-based, in characters
    return 1, 1


class _NoNetwork:
    """premailer's HTTP session: every fetch refused (remote CSS never enters an email)."""

    def get(self, url: str, *args: object, **kwargs: object) -> object:
        raise RenderError(f"the email's CSS tried to load {url}: remote stylesheets are refused")


def _premailer() -> types.ModuleType:
    # premailer imports requests (and with it urllib3 and ssl: ~0.1 s, a third of a build)
    # only to fetch remote stylesheets, which we refuse anyway. Give its import a stand-in and
    # take the stand-in away again, so later imports of requests get the real module.
    if "premailer.premailer" in sys.modules or "requests" in sys.modules:
        return importlib.import_module("premailer")
    sys.modules["requests"] = types.ModuleType("requests")
    try:
        return importlib.import_module("premailer")
    finally:
        del sys.modules["requests"]


def inline_css(html: str, css: str) -> str:
    """Inline the theme's CSS with premailer, leaving MJML's ``<style>`` blocks untouched."""
    marked = _STYLE_TAG.sub('<style data-premailer="ignore"', _DOCTYPE.sub("", html))
    premailer = _premailer().Premailer(
        session=_NoNetwork(),
        keep_style_tags=True,
        strip_important=False,
        allow_network=False,
        allow_loading_external_files=False,
        disable_leftover_css=True,
        disable_validation=True,
        align_floating_images=False,  # its parseStyle validates: 0.2 s of regex compiling
        css_text=[css],
        cssutils_logging_level=logging.CRITICAL,
    )
    try:
        out = premailer.transform(marked, pretty_print=False)
    except Exception as exc:  # premailer raises whatever cssutils or lxml raise
        raise RenderError(f"inlining the email's CSS failed: {exc}", where=CSS_TEMPLATE) from None
    out = _IGNORE_ATTR.sub(r"\1", out)
    return DOCTYPE + "\n" + _DOCTYPE.sub("", out).rstrip("\n") + "\n"
