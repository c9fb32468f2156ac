"""The email and the print edition in Debian's headless Chromium (one browser per session)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from publisher.model import Entry, Section
from publisher.render.images import ImageStore, local_images, preparing_images
from publisher.render.issue import render_issue
from tests.conftest import ROOT
from tests.parts import unavailable
from tests.sample_issue import article, example_issue

HEADER = "Bản tin Ví dụ · Số 1"  # the name and the number, never the number twice


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (90, 140, 190)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Open a rendered file at a width and colour scheme; images come from the project."""
    folder = tmp_path_factory.mktemp("browser")
    image = png()
    local = local_images(example_issue(), [ROOT])
    contexts = []

    def serve(route):
        path = local.get(route.request.url)
        if path is None:
            route.fulfill(body=image, content_type="image/png")
        else:
            route.fulfill(path=str(path))

    def open_page(browser, html: str, width: int = 800, dark: bool = False):
        path = folder / f"page-{len(contexts)}.html"
        path.write_text(html, encoding="utf-8")
        context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme="dark" if dark else "light"
        )
        contexts.append(context)
        page = context.new_page()
        # no network here: published images are served from the project's own files
        page.route(lambda url: url.startswith("http"), serve)
        page.goto(path.as_uri(), wait_until="load")
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def rendered():
    return render_issue(example_issue(), ROOT / "templates")


def shown_figures(rendered) -> list:
    """The figures the email shows: teasers and the figures of articles given in full."""
    figures = []
    for entry in rendered.view.entries:
        figures.extend([entry.teaser] if entry.teaser else [])
        figures.extend(b.figure for b in entry.excerpt if b.kind == "figure")
    return figures


def test_phone_width_has_no_horizontal_scroll_and_shows_every_figure(browser, pages, rendered):
    page = pages(browser, rendered.email_html, width=375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    images = page.evaluate(
        """[...document.images].map(i => {const r = i.getBoundingClientRect();
            return {ok: i.complete && i.naturalWidth > 0, left: r.left, right: r.right,
                    width: r.width, alt: i.alt}})"""
    )
    figures = shown_figures(rendered)
    assert [i["alt"] for i in images] == [f.alt for f in figures if f.url]
    for image in images:
        assert image["ok"] and image["width"] > 200 and image["left"] >= 0
        assert image["right"] <= 375
    captions = page.evaluate(
        """[...document.querySelectorAll('.pb-caption')].map(c => {
            const r = c.getBoundingClientRect();
            return {visible: c.checkVisibility(), left: r.left, right: r.right,
                    text: c.textContent}})"""
    )
    assert [" ".join(c["text"].split()) for c in captions] == [
        " ".join(f"{f.caption} {f.credit_line}".split()) for f in figures
    ]
    for caption in captions:
        assert caption["visible"] and caption["left"] >= 0 and caption["right"] <= 375


def test_desktop_width_has_a_600px_column(browser, pages, rendered):
    page = pages(browser, rendered.email_html, width=800)
    widths = page.evaluate(
        "[...document.querySelectorAll('div.pb-paper')].map(d => d.getBoundingClientRect().width)"
    )
    assert widths and set(widths) == {600}


def test_the_masthead_sets_the_newsletters_name_large(browser, pages, rendered):
    script = """(selector) => [...document.querySelectorAll(selector)].map(e => [
        e.textContent.trim(), parseFloat(getComputedStyle(e).fontSize)])"""
    for width in (800, 375):
        page = pages(browser, rendered.email_html, width=width)
        ((name, name_size),) = page.evaluate(script, ".pb-masthead-name")
        ((_, title_size),) = page.evaluate(script, ".pb-issue-title")
        assert name == "Bản tin Ví dụ"
        assert name_size >= 30 and name_size > title_size * 1.3  # a masthead, not a kicker
    for html in (rendered.web["index.html"], rendered.print_html):
        page = pages(browser, html, width=800)
        ((name, name_size),) = page.evaluate(script, ".masthead .masthead-name")
        ((_, title_size),) = page.evaluate(script, ".masthead h1")
        assert name == "Bản tin Ví dụ" and name_size > title_size * 1.3


def test_dark_mode_applies_the_dark_styles(browser, pages, rendered):
    script = """() => ({
        paper: getComputedStyle(document.querySelector('div.pb-paper')).backgroundColor,
        body: getComputedStyle(document.body).backgroundColor,
        title: getComputedStyle(document.querySelector('.pb-title a')).color})"""
    light = pages(browser, rendered.email_html).evaluate(script)
    dark = pages(browser, rendered.email_html, dark=True).evaluate(script)
    assert light == {"paper": "rgb(255, 255, 255)", "body": "rgb(243, 241, 236)",
                     "title": "rgb(28, 28, 28)"}  # fmt: skip
    assert dark == {"paper": "rgb(30, 30, 30)", "body": "rgb(18, 18, 18)",
                    "title": "rgb(236, 236, 236)"}  # fmt: skip


def pdf_pages(pdf: bytes, folder: Path) -> list[str]:
    """The text of each page, through poppler's pdftotext."""
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext is not installed (apt-get install poppler-utils)")
    path = folder / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]  # every page ends with a form feed


def bigger_issue():
    issue = example_issue()
    body = ("Một đoạn văn của bài thêm. " * 40,) * 3
    extra = tuple(
        Entry(article(f"extra-{n}", title=f"Bài thêm số {n}", paragraphs=body)) for n in range(8)
    )
    return replace(issue, sections=(*issue.sections, Section("Thêm", extra)))


def test_print_pages_fit_the_content_with_a_running_header(browser, pages, tmp_path):
    counts = []
    for issue in (example_issue(), bigger_issue()):
        page = pages(browser, render_issue(issue, ROOT / "templates").print_html)
        texts = pdf_pages(page.pdf(prefer_css_page_size=True), tmp_path)
        counts.append(len(texts))
        assert HEADER not in texts[0]
        for number, text in enumerate(texts[1:], start=2):
            assert HEADER in text, f"no running header on page {number}"
            body = re.sub(rf"{number}\s*/\s*{len(texts)}", "", text.replace(HEADER, ""))
            assert body.strip(), f"page {number} is empty"
        assert re.search(rf"\b1\s*/\s*{len(texts)}\b", texts[0])  # page numbers
        assert "Tòa soạn Bản tin Ví dụ" in texts[-1]  # the colophon closes the last page
    assert counts[0] >= 2 and counts[1] > counts[0]


def test_digest_theme_fits_a_phone_too(browser, pages):
    digest = render_issue(example_issue("digest"), ROOT / "templates").email_html
    page = pages(browser, digest, width=375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")


def test_digest_thumbnails_have_whole_pixel_sizes_and_keep_their_shape(browser, tmp_path):
    issue = example_issue("digest")
    store = ImageStore([ROOT], issue.web_url)
    with preparing_images(store):
        digest = render_issue(issue, ROOT / "templates").email_html
    published = {issue.web_url + name: data for name, data in store.files.items()}
    path = tmp_path / "digest.html"
    path.write_text(digest, encoding="utf-8")
    context = browser.new_context(viewport={"width": 375, "height": 900})
    try:
        page = context.new_page()
        page.route(
            lambda url: url.startswith("http"),
            lambda route: route.fulfill(body=published[route.request.url]),
        )
        page.goto(path.as_uri(), wait_until="load")
        thumbs = page.evaluate(
            """[...document.querySelectorAll('.pb-thumb img')].map(i => {
                const r = i.getBoundingClientRect();
                return {width: r.width, height: r.height, natural: i.naturalWidth / i.naturalHeight,
                        w: i.getAttribute('width'), h: i.getAttribute('height')}})"""
        )
    finally:
        context.close()
    assert len(thumbs) >= 3
    for thumb in thumbs:
        assert thumb["w"].isdigit() and thumb["h"].isdigit()  # Outlook needs whole pixels
        assert thumb["width"] < int(thumb["w"])  # a phone's column is narrower: it scales
        assert thumb["width"] / thumb["height"] == pytest.approx(thumb["natural"], rel=0.03)
