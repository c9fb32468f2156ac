"""Keyword suggestions with the plain segmenter (no ``nlp`` extra): seed, fixtures, edge cases."""

from __future__ import annotations

import re
import subprocess
import textwrap
import unicodedata

import pytest

from publisher.errors import ConfigError
from publisher.keywords import annotate, article_glossary, segment, suggest_keywords
from publisher.keywords.words import stopwords
from publisher.model import Article
from publisher.text import fold
from tests.conftest import PYTHON, ROOT, subprocess_env
from tests.keywords_support import (
    SEED_EXPECTED,
    fixture,
    fixture_names,
    nfd,
    plain_text,
    seed_article,
)


@pytest.fixture(autouse=True)
def no_extra(monkeypatch):
    """Every test here runs the fallback, as on a machine without ``publisher[nlp]``."""
    monkeypatch.setattr(segment, "nlp_available", lambda: False)


def assert_real_phrases(article: Article, suggestions: list[str]) -> None:
    """Each suggestion is written in the article as is, NFC, and is no stopword or acronym."""
    text = plain_text(article)
    glossary = article_glossary(article)
    expansions = " ".join(glossary.values())
    stop = stopwords(article.language)
    for phrase in suggestions:
        assert unicodedata.is_normalized("NFC", phrase), phrase
        pattern = rf"(?<!\w){re.escape(phrase)}(?!\w)"
        assert re.search(pattern, text) or phrase in expansions, phrase
        assert phrase.casefold() not in stop, phrase
        assert phrase not in glossary, phrase
        assert not re.search(r"\d", phrase), phrase
        for author in article.authors:
            assert fold(author) not in fold(phrase), phrase
    assert len({p.casefold() for p in suggestions}) == len(suggestions)


def test_seed_top_six_without_the_extra(seed_path):
    article = seed_article(seed_path)
    suggestions = suggest_keywords(article)
    assert len(suggestions) == 6
    assert len(SEED_EXPECTED & set(suggestions)) >= 3, suggestions
    assert all(len(s.split()) >= 2 for s in suggestions), suggestions
    assert not {"CTDT", "CSDT", "DTTS", "HĐND", "UBND", "TP"} & set(suggestions)
    assert_real_phrases(article, suggestions)


def test_auto_falls_back_to_plain_when_the_extra_is_absent(seed_path):
    article = seed_article(seed_path)
    assert segment.resolve("auto") == "plain"
    assert suggest_keywords(article) == suggest_keywords(article, segmenter="plain")
    with pytest.raises(ConfigError, match=r"publisher\[nlp\]"):
        suggest_keywords(article, segmenter="underthesea")
    with pytest.raises(ConfigError, match="unknown segmenter"):
        suggest_keywords(article, segmenter="jieba")


def test_seed_acronyms_count_for_their_expansions(seed_path):
    article = seed_article(seed_path)
    assert article_glossary(article) == {
        "CTDT": "công tác dân tộc",
        "CSDT": "chính sách dân tộc",
        "DTTS": "dân tộc thiểu số",
    }
    # ``công tác dân tộc`` is written out twice; its acronym carries it into the top six.
    assert "công tác dân tộc" in suggest_keywords(article)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("vi-nuoc-sach", {"Quảng Nam", "nước sạch", "Nam Trà My", "công trình cấp nước"}),
        ("vi-sot-xuat-huyet", {"sốt xuất huyết", "Bộ Y tế", "Bệnh viện Bệnh Nhiệt đới"}),
        ("en-heat-pumps", {"Energy Saving Trust", "Boiler Upgrade Scheme", "heat pump"}),
        ("en-river-sewage", {"River Wye", "Environment Agency", "water companies"}),
    ],
)
def test_fixture_articles(name, expected):
    article = fixture(name)
    suggestions = suggest_keywords(article)
    assert expected <= set(suggestions), suggestions
    assert_real_phrases(article, suggestions)
    if article.language == "vi":
        assert all(len(s.split()) >= 2 for s in suggestions), suggestions


def test_fixture_glossaries():
    assert article_glossary(fixture("vi-sot-xuat-huyet")) == {
        "TTKSBT": "Trung tâm Kiểm soát bệnh tật",
        "BYT": "Bộ Y tế",
    }
    assert article_glossary(fixture("en-heat-pumps")) == {"EST": "Energy Saving Trust"}
    assert article_glossary(fixture("en-river-sewage")) == {"EA": "Environment Agency"}


def test_bylines_and_credits_are_never_keywords():
    article = fixture("vi-nuoc-sach")
    # The byline is repeated as the last paragraph, as scraped text often has it.
    assert article.paragraphs[-1] == "Trần Minh Châu"
    repeated = article.with_(paragraphs=(*article.paragraphs, "Trần Minh Châu", "Hoàng Sơn"))
    for phrase in suggest_keywords(repeated, limit=20):
        assert "Minh Châu" not in phrase and "Hoàng Sơn" not in phrase


@pytest.mark.parametrize("name", ["vi-nuoc-sach", "vi-sot-xuat-huyet"])
def test_nfd_input_gives_the_same_nfc_suggestions(name):
    article = fixture(name)
    decomposed = nfd(article)
    assert decomposed.title != article.title  # really decomposed
    suggestions = suggest_keywords(decomposed)
    assert suggestions == suggest_keywords(article)
    assert all(unicodedata.is_normalized("NFC", s) for s in suggestions)


def test_nfd_seed(seed_path):
    article = seed_article(seed_path)
    assert suggest_keywords(nfd(article)) == suggest_keywords(article)


@pytest.mark.parametrize(
    "article",
    [
        Article(title="Mưa lớn ở Hà Nội", lead="Hà Nội mưa lớn chiều nay, nhiều tuyến phố ngập."),
        Article(title="Short note", lead="The library opens at nine on Monday.", language="en"),
        Article(title="Tin ngắn", lead="Ban Dân tộc (BDT) họp. Ban Dân tộc họp lại. BDT họp."),
    ],
)
def test_too_short_gets_no_suggestions(article):
    assert suggest_keywords(article) == []
    assert annotate(article).suggested_keywords == ()


def test_limit():
    article = fixture("en-river-sewage")
    assert suggest_keywords(article, limit=2) == suggest_keywords(article)[:2]
    assert suggest_keywords(article, limit=0) == []
    assert len(suggest_keywords(article, limit=12)) > 6


def test_words_without_meaning_are_not_keywords():
    # Long enough, but every repeated phrase is a function word, a date or generic news talk.
    sentence = "Theo kế hoạch, ngày 12 tháng 8 năm 2017 các cơ quan đã thực hiện tốt nhiệm vụ."
    article = Article(title="Thông báo", lead=" ".join([sentence] * 6), language="vi")
    assert suggest_keywords(article) == []


def test_annotate_keeps_given_keywords_and_still_finds_the_glossary():
    article = fixture("en-heat-pumps").with_(keywords=("heating",))
    annotated = annotate(article)
    assert annotated.keywords == ("heating",)
    assert annotated.suggested_keywords == ()
    assert annotated.glossary == {"EST": "Energy Saving Trust"}


def test_fixture_names():
    assert len([n for n in fixture_names() if n.startswith("vi-")]) >= 2
    assert len([n for n in fixture_names() if n.startswith("en-")]) >= 2


def test_english_names_keep_their_small_words():
    lead = (
        "Lantern makers in Hoi An say the old town draws more visitors each year. "
        "Workshops in Hoi An now train apprentices, and the silk lanterns of Hoi An sell "
        "abroad. Visitors to the old town buy silk lanterns from the workshops by the river, "
        "and the makers say orders from abroad keep the workshops busy all year round."
    )
    article = Article(title="Lantern makers", lead=lead, language="en")
    suggestions = suggest_keywords(article)
    assert "Hoi An" in suggestions and "Hoi" not in suggestions, suggestions


def test_suggesting_needs_no_heavy_modules():
    """The plain path scores with YAKE's formulas itself: no yake, numpy or networkx loaded."""
    script = textwrap.dedent(
        """
        import sys
        from publisher.keywords import suggest_keywords
        from tests.keywords_support import fixture

        for name in ("vi-nuoc-sach", "en-heat-pumps"):
            assert suggest_keywords(fixture(name), segmenter="plain"), name
        print(sorted({"yake", "numpy", "networkx"} & set(sys.modules)))
        """
    )
    done = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=subprocess_env(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
