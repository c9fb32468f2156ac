from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher.articles import file as articlefile
from publisher.errors import InputError
from publisher.model import Article, Figure, Provenance

VN = timezone(timedelta(hours=7))


def sample() -> Article:
    return Article(
        title="Tăng cường giao lưu, trao đổi kinh nghiệm",
        slug="tang-cuong",
        kicker="Ban Dân tộc Hà Nội",
        published=datetime(2017, 8, 12, 15, 42, tzinfo=VN),
        source="PL&XH",
        authors=("Khánh Phong", "Nhật Minh"),
        language="vi",
        lead="Cùng với việc thực hiện tốt: các chương trình.",
        paragraphs=("Một *hai* ba.", "Bốn # năm", "---"),
        figures=(Figure("img/a.jpg", "", "Chụp ảnh lưu niệm.", "Kim Nhung", 2),),
        keywords=(),
        suggested_keywords=("công tác dân tộc",),
        glossary={"CTDT": "công tác dân tộc"},
        provenance=Provenance("000.txt", "news-text", "sha256:ab"),
    )


def test_round_trip_sample():
    article = sample()
    text = articlefile.dumps(article)
    assert text.startswith("---\ntitle: ")
    assert articlefile.loads(text, slug="tang-cuong") == article
    assert articlefile.dumps(articlefile.loads(text, slug="tang-cuong")) == text


def test_hand_written_file():
    text = """---
title: A hand-written piece
published: 2024-03-01T09:00:00+00:00
authors: Jane Doe, John Roe
lead: The lead.
---

First paragraph
continues here.

Second paragraph.
"""
    article = articlefile.loads(text, slug="a")
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.published == datetime(2024, 3, 1, 9, tzinfo=UTC)
    assert article.paragraphs == ("First paragraph\ncontinues here.", "Second paragraph.")


def test_errors_are_reported_together_with_fields():
    text = (
        "---\ntitle: ''\npublished: 2024-03-01 09:00\n"
        "figures: [{src: a, after_paragraph: -1}]\ncolour: red\n---\n"
    )
    with pytest.raises(InputError) as info:
        articlefile.loads(text, where="articles/x.md")
    message = str(info.value)
    for expected in ("articles/x.md", "title: required", "published:", "after_paragraph", "colour"):
        assert expected in message


def test_yaml_error_has_line():
    with pytest.raises(InputError, match=r"x\.md:[34]\)"):
        articlefile.loads("---\ntitle: a\nlead: [unclosed\n---\n", where="x.md")


def test_missing_front_matter():
    with pytest.raises(InputError, match="front matter"):
        articlefile.loads("just text", where="x.md")


_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Zs", "Cf")),
        min_size=1,
    )
    .map(str.strip)
    .filter(bool)
)


@given(
    title=_text,
    kicker=st.one_of(st.just(""), _text),
    authors=st.lists(_text.filter(lambda s: "," not in s), max_size=3),
    paragraphs=st.lists(_text, max_size=4),
    keywords=st.lists(_text, max_size=3),
)
def test_round_trip_property(title, kicker, authors, paragraphs, keywords):
    from publisher.text import clean

    article = Article(
        title=clean(title),
        slug="s",
        kicker=clean(kicker),
        authors=tuple(clean(a) for a in authors if clean(a)),
        language="vi",
        lead=clean(title),
        paragraphs=tuple(clean(p) for p in paragraphs if clean(p)),
        keywords=tuple(clean(k) for k in keywords if clean(k)),
    )
    if not article.title:
        return
    assert articlefile.loads(articlefile.dumps(article), slug="s") == article


def test_values_written_as_text_stay_text():
    # YAML 1.1 reads these as False, 750 and 1000; YAML 1.2 (and an editor) reads text.
    text = "---\ntitle: No\nkicker: 12:30\nsource: 1_000\nauthors: [2024, 1e3]\nlead: 0o17\n---\n"
    article = articlefile.loads(text)
    assert (article.title, article.kicker, article.source) == ("No", "12:30", "1_000")
    assert (article.authors, article.lead) == (("2024", "1e3"), "0o17")
    again = articlefile.dumps(article)
    assert "title: 'No'\nkicker: '12:30'\n" in again  # quoted for YAML 1.1 readers too
    assert articlefile.loads(again) == article


def test_field_problems_name_their_line():
    text = "---\ntitle: T\nkicker: [a]\nfigures:\n- src: a.jpg\n- caption: b\n  size: 3\n---\n"
    with pytest.raises(InputError) as info:
        articlefile.loads(text, where="x.md")
    assert info.value.problems == [
        "line 3: kicker: must be text",
        "line 6: figures[1].size: unknown field",
    ]
