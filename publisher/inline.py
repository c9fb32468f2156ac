"""The email's CSS inlined into its elements by premailer, configured around its traps.

DESIGN.md lists them; each is handled here: premailer drops a lowercase doctype (restored),
strips ``!important`` (kept), chokes on nested ``@media`` and fetches ``@import`` (MJML's own
``<style>`` blocks are left alone: only the theme's ``email.css`` is inlined), and needs
cssutils' logging quiet. This module imports nothing heavy itself, so a build's helper process
can load premailer (``load``) and parse the theme's CSS (``prepare``) while the rest of the
build is still importing and rendering.
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from typing import Any

from publisher.errors import RenderError

# Only real tags start with a literal "<style": article text arrives escaped ("&lt;style").
_STYLE_TAG = re.compile(r"<style(?=[\s>])")
_IGNORE_ATTR = re.compile(r'(<style\b[^>]*?) data-premailer="ignore"')
_DOCTYPE = re.compile(r"^\s*<!doctype[^>]*>\s*", re.IGNORECASE)
DOCTYPE = "<!doctype html>"
CSS_TEMPLATE = "email.css"


class _NoNetwork:
    """premailer's HTTP session: every fetch refused (remote CSS never enters an email)."""

    def get(self, url: str, *args: object, **kwargs: object) -> object:
        raise RenderError(f"the email's CSS tried to load {url}: remote stylesheets are refused")


def load() -> types.ModuleType:
    """premailer, imported without ``requests``."""
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


def _premailer(css: str) -> Any:
    import logging  # here, not above: the main process imports this module for its constants

    return load().Premailer(
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


def prepare(css: str) -> None:
    """Parse ``css`` ahead of ``inline_css`` (premailer keeps parsed CSS per process).

    Half of premailer's time goes to cssutils parsing the theme's rules, first as a stylesheet,
    then each rule's declarations; both results are cached by premailer, keyed by their text.
    Parsing is all this does, so a CSS error still surfaces from ``inline_css``.
    """
    try:
        premailer = _premailer(css)
        rules, _ = premailer._parse_style_rules(css, 0)
        pairs = importlib.import_module("premailer.merge_style").csstext_to_pairs
        for _, _, declarations in rules:
            pairs(declarations, validate=False)
    except Exception:  # premailer changed inside, or the CSS is bad: inline_css will tell
        return


def inline_css(html: str, css: str) -> str:
    """Inline the theme's CSS with premailer, leaving MJML's ``<style>`` blocks untouched."""
    marked = _STYLE_TAG.sub('<style data-premailer="ignore"', _DOCTYPE.sub("", html))
    try:
        out = _premailer(css).transform(marked, pretty_print=False)
    except Exception as exc:  # premailer raises whatever cssutils or lxml raise
        raise RenderError(f"inlining the email's CSS failed: {exc}", where=CSS_TEMPLATE) from None
    out = _IGNORE_ATTR.sub(r"\1", out)
    return DOCTYPE + "\n" + _DOCTYPE.sub("", out).rstrip("\n") + "\n"
