"""Figures without an image yet (scraped text has none): their captions still reach readers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from publisher.model import Figure, Section
from publisher.render.issue import render_issue
from tests.sample_issue import article, entry, issue_of

NOTE = Figure(
    src="", caption="Hai cơ quan chụp ảnh lưu niệm.", credit="Kim Nhung", after_paragraph=2
)
PHOTO = Figure(src="https://cdn.example.org/a.jpg", alt="Ảnh", caption="Quang cảnh.", credit="KN")
EMPTY = Figure(src="", after_paragraph=1)  # nothing to show: not even a caption
BODY = ("Đoạn một.", "Đoạn hai.", "Đoạn ba.")


def rendered(*figures: Figure, **fields):
    art = article("bai", paragraphs=BODY, figures=figures)
    return render_issue(issue_of(Section("Tin", (entry(art, **fields),))))


def flat(text: str) -> str:
    return " ".join(text.split())


def test_in_full_the_caption_stands_at_its_place_in_every_output():
    result = rendered(NOTE, EMPTY, excerpt="full")
    print_html, page = flat(result.print_html), flat(result.web["bai/index.html"])
    for text in (print_html, page):
        assert '<figure class="note"> <figcaption>Hai cơ quan chụp ảnh lưu niệm.' in text
        assert text.index("Đoạn hai.") < text.index("Hai cơ quan") < text.index("Đoạn ba.")
        assert "<img" not in text.split("Hai cơ quan")[0].rsplit("<figure", 1)[-1]
    txt = flat(result.email_txt)
    assert txt.index("Đoạn hai.") < txt.index("[Hai cơ quan chụp ảnh lưu niệm. Ảnh: Kim Nhung]")
    assert txt.index("Kim Nhung]") < txt.index("Đoạn ba.")
    html = flat(result.email_html)
    assert "Hai cơ quan chụp ảnh lưu niệm." in html and "Ảnh: Kim Nhung" in html
    assert html.count("<img") == 0  # no broken image for the caption


def test_an_excerpt_shows_the_caption_when_there_is_no_picture_to_show():
    result = rendered(NOTE, excerpt="lead")
    assert "[Hai cơ quan chụp ảnh lưu niệm. Ảnh: Kim Nhung]" in flat(result.email_txt)
    entry_view = result.view.entries[0]
    assert entry_view.teaser is not None and entry_view.teaser.url == ""
    assert entry_view.picture is None  # the digest's thumbnail is a picture or nothing


@pytest.mark.parametrize("excerpt", ["lead", 2])
def test_a_picture_is_the_teaser_before_a_caption_without_one(excerpt):
    result = rendered(NOTE, PHOTO, excerpt=excerpt)
    entry_view = result.view.entries[0]
    assert entry_view.teaser is not None and entry_view.teaser.url == PHOTO.src
    assert entry_view.picture == entry_view.teaser


def test_images_off_hide_captions_too():
    result = rendered(NOTE, PHOTO, excerpt="full", image=False)
    assert "Hai cơ quan" not in result.email_txt and "Quang cảnh" not in result.email_txt


def test_the_digest_shows_the_caption_of_an_item_without_a_picture():
    art = article("bai", paragraphs=BODY, figures=(NOTE,))
    issue = issue_of(Section("Tin", (entry(article("dau"), excerpt="lead"), entry(art))))
    result = render_issue(replace(issue, theme="digest"))
    assert "Hai cơ quan chụp ảnh lưu niệm." in flat(result.email_html)
