"""Keyword suggestions with underthesea's word segmentation (the ``nlp`` extra)."""

from __future__ import annotations

import subprocess
import textwrap

from publisher.keywords import segment, suggest_keywords
from tests.conftest import PYTHON, ROOT, require_module, subprocess_env
from tests.keywords_support import SEED_EXPECTED, fixture, nfd, plain_text, seed_article

require_module("underthesea", "pip install -e '.[nlp]'")


def test_auto_picks_underthesea_when_installed():
    assert segment.resolve("auto") == "underthesea"


def test_seed_top_six_with_the_extra(seed_path):
    article = seed_article(seed_path)
    suggestions = suggest_keywords(article, segmenter="underthesea")
    assert len(suggestions) == 6
    assert len(SEED_EXPECTED & set(suggestions)) >= 3, suggestions
    assert all(len(s.split()) >= 2 for s in suggestions), suggestions
    assert not {"CTDT", "CSDT", "DTTS", "HĐND", "UBND", "TP"} & set(suggestions)
    assert suggest_keywords(article) == suggestions  # auto


def test_vietnamese_fixtures_and_nfd():
    for name, expected in [
        ("vi-nuoc-sach", {"Quảng Nam", "nước sạch"}),
        ("vi-sot-xuat-huyet", {"sốt xuất huyết", "Bộ Y tế"}),
    ]:
        article = fixture(name)
        suggestions = suggest_keywords(article, segmenter="underthesea")
        assert expected <= set(suggestions), suggestions
        assert all(s in plain_text(article) for s in suggestions)
        assert suggest_keywords(nfd(article), segmenter="underthesea") == suggestions


def test_spelling_is_the_articles_not_normalised():
    # underthesea's normaliser would write ``Ủy ban``; a keyword keeps the article's ``Uỷ ban``.
    words = segment._underthesea_words(["Uỷ", "ban", "Dân", "tộc", "họp"])
    assert " ".join(words) == "Uỷ ban Dân tộc họp"


def test_nothing_is_downloaded():
    """Suggesting with the extra opens no network connection (the model ships in the wheel)."""
    script = textwrap.dedent(
        """
        import socket

        def refuse(*args, **kwargs):
            raise AssertionError("network access")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        from publisher.keywords import suggest_keywords
        from tests.keywords_support import fixture

        print(suggest_keywords(fixture("vi-nuoc-sach"), segmenter="underthesea"))
        """
    )
    done = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=subprocess_env(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "nước sạch" in done.stdout
