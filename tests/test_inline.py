"""premailer's part of the email: the theme's CSS inlined through its public options."""

from __future__ import annotations

from publisher.render import inline

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


def test_no_legacy_attribute_lands_on_inline_text():
    html = "<!doctype html><html><body><span class='k'>x</span><p class='k'>y</p></body></html>"
    out = inline.inline_css(html, ".k { background-color: #ffeecc; text-align: center }")
    assert '<span class="k" style="background-color:#fec; text-align:center">x</span>' in out
    assert "bgcolor" not in out and "align=" not in out


def test_remote_stylesheets_are_never_fetched():
    html = "<html><head><link rel='stylesheet' href='https://example.org/x.css'></head></html>"
    out = inline.inline_css(html, ".a { color: #111111 }")
    assert "example.org/x.css" in out  # left as it was, not fetched and inlined
