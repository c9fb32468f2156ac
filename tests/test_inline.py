"""premailer's part of the email: the theme's CSS inlined, prepared ahead in a helper."""

from __future__ import annotations

from publisher import inline

HTML = (
    "<!doctype html><html><head><style>@media (max-width:480px){.a{color:red !important}}"
    "</style></head><body><p class='a'>x</p><p class='b' style='margin:0px'>y</p></body></html>"
)
CSS = ".a { color: #111111; font-size: 15px } .b { padding: 0 0 4px; color: #222222 }"


def test_inlines_the_theme_css_and_keeps_the_rest():
    out = inline.inline_css(HTML, CSS)
    assert out.startswith("<!doctype html>\n")
    assert '<p class="a" style="color:#111; font-size:15px">x</p>' in out  # cssutils' shorthand
    assert 'style="padding:0 0 4px; color:#222; margin:0"' in out  # the element's own style wins
    assert "color:red !important" in out  # MJML's own <style> left as it was


def parsed(cache) -> set:
    """premailer's cached CSS parses (stylesheets and declaration lists, called with validate)."""
    return {key for key in cache if key[-1] == ("validate", False)}


def test_prepare_parses_ahead_what_inline_css_then_reuses():
    premailer = inline.load()
    cache = premailer.premailer.function_cache.__globals__["cache"]  # premailer's parse cache
    css = ".a { margin: 3px 5px } .b { padding: 7px } .c { border: 9px solid }"  # new here
    before = parsed(cache)
    inline.prepare(css)
    prepared = parsed(cache)
    # The stylesheet and each rule's declarations: if premailer's insides change, this says so.
    assert len(prepared - before) == 4
    assert inline.inline_css(HTML, css) == inline.inline_css(HTML, css)
    assert parsed(cache) == prepared  # nothing was left to parse


def test_prepare_never_raises():
    inline.prepare("this is { not css")
    inline.prepare("")
