"""The words around each article follow the article's language, in every output."""

from __future__ import annotations

from dataclasses import replace

from lxml import html as lxml_html

from publisher.model import Section
from publisher.render.issue import render_issue
from tests.sample_issue import article, entry, issue_of, sample_issue


def outputs(issue) -> dict[str, str]:
    rendered = render_issue(issue)
    return {
        "email": lxml_html.document_fromstring(rendered.email_html).text_content(),
        "text": rendered.email_txt,
        "print": lxml_html.document_fromstring(rendered.print_html).text_content(),
        "web": lxml_html.document_fromstring(rendered.web["index.html"]).text_content(),
    }


def test_an_english_article_in_a_vietnamese_issue_has_english_labels():
    english = sample_issue().sections[1].entries[0].article
    english = replace(english, authors=("Jane Roe", "John Doe"))
    issue = issue_of(Section("Quốc tế", (entry(english, excerpt=12),)))
    for name, text in outputs(issue).items():
        assert "Saturday, 12 August 2017" in text, name
        assert "Jane Roe and John Doe" in text, name
        assert "Thứ Bảy" not in text and " và " not in text.split("Quốc tế", 1)[-1], name
    found = outputs(issue)
    assert "Read more" in found["email"] and "Read more" in found["text"]
    assert "Read more" in found["web"] and "Đọc tiếp" not in found["web"]
    assert "Keywords: environment, volunteers" in found["text"]
    assert "Read online" in found["print"] and "Đọc trên web" not in found["print"]


def test_a_vietnamese_article_in_an_english_issue_has_vietnamese_labels():
    seed = article("giao-luu", authors=("Khánh Phong", "Nhật Minh"), keywords=("dân tộc",),
                   paragraphs=("Đoạn một.", "Đoạn hai.", "Đoạn ba."))  # fmt: skip
    issue = issue_of(Section("News", (entry(seed, excerpt="lead"),)), language="en")
    found = outputs(issue)
    for name, text in found.items():
        assert "Thứ Bảy, 12/08/2017" in text and "Khánh Phong và Nhật Minh" in text, name
    assert "Đọc tiếp" in found["email"] and "Read more" not in found["email"]
    assert "Từ khóa: dân tộc" in found["text"]
    # The email marks the article's text, its tags and its link with its language.
    email = lxml_html.document_fromstring(render_issue(issue).email_html)
    more = email.find_class("pb-more")[0]
    assert more.get("lang") == "vi" and more.text_content().startswith("Đọc tiếp")
    assert email.find_class("pb-tags")[0].get("lang") == "vi"
    assert all(e.get("lang") == "vi" for e in email.find_class("pb-heading"))
