"""The print edition's HTML: self-contained, paged media, full articles with their extras."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from publisher.model import Section
from publisher.render.issue import render_issue
from tests.sample_issue import article, entry, issue_of, sample_issue


@pytest.fixture(scope="module")
def printed() -> str:
    return render_issue(sample_issue()).print_html


def test_self_contained(printed):
    tree = lxml_html.document_fromstring(printed)
    assert not tree.findall(".//script") and not tree.findall(".//link")
    assert tree.get("lang") == "vi"
    css = tree.findtext(".//style")
    assert "size: A4" in css and "@page :first" in css
    assert "counter(page)" in css and "target-counter(attr(href), page)" in css
    assert "column-count" not in css and "justify" not in css


def test_running_header_holds_the_name_and_the_number_once(printed):
    header = re.search(r"@top-center \{\s*content: (\"[^\"]*\");", printed).group(1)
    assert header.endswith(' · Số 12"') and header.count("12") == 1


def test_full_articles_with_figures_keywords_glossary_and_address(printed):
    tree = lxml_html.document_fromstring(printed)
    first = tree.get_element_by_id("article-1")
    text = first.text_content()
    assert "Buổi giao lưu là cơ hội" in text  # the whole body, not the email's excerpt
    captions = [f.text_content() for f in first.iter("figcaption")]
    assert captions[0] == "Hai cơ quan làm công tác dân tộc chụp ảnh lưu niệm. Ảnh: Kim Nhung"
    assert [d.text for d in first.iter("dt")] == ["CSDT", "CTDT"]
    assert "công tác dân tộc" in [d.text for d in first.iter("dd")]
    assert "Từ khóa: dân tộc · Hà Nội · Thanh Hóa" in " ".join(text.split())
    address = first.find_class("url")[0].find("a").get("href")
    assert address.endswith("/tang-cuong-giao-luu-trao-doi-kinh-nghiem/")
    toc = [a.get("href") for a in tree.find_class("toc")[0].iter("a")]
    assert toc == ["#article-1", "#article-2", "#article-3"]


def test_no_glossary_when_empty(printed):
    tree = lxml_html.document_fromstring(printed)
    assert not list(tree.get_element_by_id("article-3").iter("dl"))


def test_hostile_issue_title_cannot_leave_the_css_string():
    issue = issue_of(
        Section("S", (entry(article("a")),)), title='Số "1" </style><script>x()</script>\\'
    )
    printed = render_issue(issue).print_html
    tree = lxml_html.document_fromstring(printed)
    assert not tree.findall(".//script")
    assert len(tree.findall(".//style")) == 1
