"""The plain-text part: its own template, wrapped, links numbered, same order as the email."""

from __future__ import annotations

import re

import pytest

from publisher.model import Section
from publisher.render.issue import render_issue
from publisher.render.markup import LinkRefs, to_text, width_of, wrap
from tests.sample_issue import article, entry, issue_of, sample_issue


@pytest.fixture(scope="module")
def rendered():
    return render_issue(sample_issue())


def test_lines_are_wrapped_at_76_columns(rendered):
    for line in rendered.email_txt.splitlines():
        # only a link reference or a lone word longer than a line may pass the margin
        assert width_of(line) <= 76 or re.match(r"^\[\d+\] \S+$", line) or " " not in line


def test_same_order_as_the_email(rendered):
    titles = [e.article.title for e in sample_issue().entries]
    for part in (rendered.email_txt, rendered.email_html):
        positions = [part.index(title) for title in titles]
        assert positions == sorted(positions)


def test_links_are_numbered_references(rendered):
    text = rendered.email_txt
    refs = dict(re.findall(r"^\[(\d+)\] (\S+)$", text, re.M))
    seed_url = sample_issue().entries[0].url
    number = next(n for n, url in refs.items() if url == seed_url)
    assert f"Tăng cường giao lưu, trao đổi kinh nghiệm [{number}]" in text
    assert "https://news.example.org/" in refs.values()  # the link in the intro
    assert "trang web [" in text


def test_captions_credits_dates_and_footer(rendered):
    text = rendered.email_txt
    assert "[Hai cơ quan làm công tác dân tộc chụp ảnh lưu niệm. Ảnh: Kim Nhung]" in text
    assert "Thứ Bảy, 12/08/2017 · Khánh Phong và Nhật Minh · PL&XH" in text
    assert "Hủy đăng ký: %%UNSUBSCRIBE_URL%%" in text
    assert "12 Phố Ví Dụ, Hoàn Kiếm, Hà Nội, Việt Nam" in text
    assert "&amp;" not in text and "<p>" not in text  # text, not HTML


def test_excerpt_modes_match_the_email():
    art = article("x", lead="Lead.", paragraphs=("Body one.", "Body two."))
    text = render_issue(issue_of(Section("S", (entry(art, excerpt="lead"),)))).email_txt
    assert "Lead." in text and "Body one." not in text and "Đọc tiếp: [" in text


def test_wrap_is_vietnamese_safe():
    text = "Ngày 15-7-2016 giá 10\u00a0000 đồng " * 6
    lines = wrap(text, 30).splitlines()
    assert all(width_of(line) <= 30 for line in lines)
    assert all("15-7-2016" in line or "15-" not in line for line in lines)
    assert "10\u00a0000" in wrap(text, 30)
    # decomposed accents take no column of their own
    assert width_of("Vie\u0302\u0323t") == 4


def test_markdown_lists_quotes_and_links_as_text():
    links = LinkRefs()
    out = to_text("Xem [đây](https://a.example/)\n\n- một\n- hai\n\n> trích dẫn", links)
    assert out == "Xem đây [1]\n\n- một\n- hai\n\n> trích dẫn"
    assert links.items() == [(1, "https://a.example/")]
