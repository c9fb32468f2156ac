"""The email's CSS inlined into its elements by premailer, configured around its traps.

DESIGN.md lists them; each is handled here through premailer's own options: it drops a
lowercase doctype (restored), strips ``!important`` (kept), chokes on nested ``@media`` and
fetches ``@import`` (MJML's own ``<style>`` blocks are left alone: only the theme's
``email.css`` is inlined, with every network and file access turned off), copies CSS into
legacy attributes such as ``bgcolor`` on any element, ``<span>`` included (turned off), and
needs cssutils' logging quiet.
"""

from __future__ import annotations

import logging
import re

from publisher.errors import RenderError

# Only real tags start with a literal "<style": article text arrives escaped ("&lt;style").
_STYLE_TAG = re.compile(r"<style(?=[\s>])")
_IGNORE_ATTR = re.compile(r'(<style\b[^>]*?) data-premailer="ignore"')
_DOCTYPE = re.compile(r"^\s*<!doctype[^>]*>\s*", re.IGNORECASE)
DOCTYPE = "<!doctype html>"
CSS_TEMPLATE = "email.css"


def inline_css(html: str, css: str) -> str:
    """Inline the theme's CSS with premailer, leaving MJML's ``<style>`` blocks untouched."""
    # Imported here: premailer (with cssutils and requests) is a tenth of a second to load,
    # which only the commands that render an email should pay.
    from premailer import Premailer

    marked = _STYLE_TAG.sub('<style data-premailer="ignore"', _DOCTYPE.sub("", html))
    premailer = Premailer(
        keep_style_tags=True,
        strip_important=False,
        allow_network=False,
        allow_loading_external_files=False,
        disable_basic_attributes=_BASIC_ATTRIBUTES,
        disable_leftover_css=True,
        disable_validation=True,
        align_floating_images=False,
        css_text=[css],
        cssutils_logging_level=logging.CRITICAL,
    )
    try:
        out = premailer.transform(marked, pretty_print=False)
    except Exception as exc:  # premailer raises whatever cssutils or lxml raise
        raise RenderError(f"inlining the email's CSS failed: {exc}", where=CSS_TEMPLATE) from None
    out = _IGNORE_ATTR.sub(r"\1", out)
    return DOCTYPE + "\n" + _DOCTYPE.sub("", out).rstrip("\n") + "\n"


# Every CSS property premailer would copy into an HTML attribute. MJML writes the attributes
# Outlook needs itself; premailer's copies land on any element (``bgcolor`` on a ``<span>``).
_BASIC_ATTRIBUTES = ["align", "valign", "bgcolor", "width", "height"]
