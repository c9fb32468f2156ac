"""Design details that a reader notices, checked in the built example issue."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from publisher.config import load_config
from publisher.output.build import build_issue
from tests.conftest import ROOT
from tests.sample_issue import EXAMPLE, example_issue


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("design") / EXAMPLE
    build_issue(load_config(ROOT), example_issue(), out=out)
    return out


def page(built, name: str):
    return lxml_html.document_fromstring((built / name).read_text(encoding="utf-8"))


def test_an_article_given_in_full_has_no_read_more_link(built):
    email = page(built, "email.html")
    full = "https://news.example.org/issues/ban-tin-vi-du-so-1/thu-vien-luu-dong-vung-cao-ha-giang/"
    more = [a for a in email.iter("a") if a.get("href") == full and "Đọc tiếp" in a.text_content()]
    assert more == []
    assert any("Đọc tiếp" in a.text_content() for a in email.iter("a"))  # the others have one


def test_keyword_tags_come_before_the_read_more_link(built):
    html = (built / "email.html").read_text(encoding="utf-8")
    first_tags, first_more = html.index('class="pb-tags"'), html.index('class="pb-more"')
    assert first_tags < first_more


def test_no_divider_right_before_the_footer(built):
    html = (built / "email.html").read_text(encoding="utf-8")
    footer = html.index('class="pb-footer-org"')
    last_article = html.rindex('class="pb-title"', 0, footer)
    assert 'class="pb-rule"' not in html[last_article:footer]
    assert html.count('class="pb-rule"') == 7  # between the eight articles


def test_web_navigation_is_labelled_and_the_standfirst_not_all_bold(built):
    for name in ("web/index.html", "web/tang-cuong-giao-luu-trao-doi-kinh-nghiem/index.html"):
        navs = list(page(built, name).iter("nav"))
        assert navs and all(nav.get("aria-label") for nav in navs), name
    css = (built / "web" / "tang-cuong-giao-luu-trao-doi-kinh-nghiem" / "index.html").read_text()
    assert ".lead { font-size: 1.15em; line-height: 1.5; }" in css  # larger, not bold


def test_print_has_a_viewport_a_description_image_sizes_and_a_glossary_heading(built):
    printed = page(built, "print.html")
    metas = {m.get("name"): m.get("content") for m in printed.iter("meta") if m.get("name")}
    assert metas["viewport"].startswith("width=device-width")
    assert metas["description"].startswith("Tám bài từ Đà Nẵng")
    images = list(printed.iter("img"))
    assert images and all(img.get("width") and img.get("height") for img in images)
    headings = [h.text_content() for h in printed.iter("h4") if h.get("class") == "glossary-title"]
    assert headings == ["Chữ viết tắt"]


def test_the_digest_lead_story_opens_its_section_under_the_heading(tmp_path):
    out = tmp_path / EXAMPLE
    build_issue(load_config(ROOT), example_issue(theme="digest"), out=out)
    html = (out / "email.html").read_text(encoding="utf-8")
    issue = example_issue()
    first_section, lead = issue.sections[0].title, issue.entries[0].article.title
    heading = html.index(f">{first_section}</h2>")
    assert html.count(f">{first_section}</h2>") == 1
    assert heading < html.index(lead, heading)  # the story, under its section's heading
    assert html[:heading].count(lead) == 1  # above it, only the band's list of contents


def test_one_greeting_the_intros_own_or_the_themes(built):
    from dataclasses import replace

    from publisher.render.issue import render_issue

    for name in ("email.html", "email.txt"):
        text = (built / name).read_text(encoding="utf-8")
        assert text.count("Chào bạn đọc,") == 1 and "Xin chào" not in text, name
    plain = replace(example_issue(), intro="Tuần này có tám bài.")
    rendered = render_issue(plain, ROOT / "templates")
    for text in (rendered.email_html, rendered.email_txt):
        assert text.count("Xin chào %%SUBSCRIBER_NAME%%,") == 1  # filled with the given name
