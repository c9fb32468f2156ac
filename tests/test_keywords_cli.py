"""Keywords through the command line: import, show, ``articles keywords``, ``list --keyword``."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest

from publisher.articles import file as articlefile
from publisher.keywords import segment
from tests.keywords_support import FIXTURES


@pytest.fixture(autouse=True)
def plain(monkeypatch):
    """The plain segmenter keeps these tests fast and the same with or without the extra."""
    monkeypatch.setattr(segment, "nlp_available", lambda: False)


@pytest.fixture
def imported(cli, project: Path) -> Path:
    """The project with the four fixture articles imported."""
    result = cli("import", str(FIXTURES))
    assert result.exit_code == 0, result.output
    return project / "articles"


def stored(articles: Path, slug: str):
    return articlefile.loads((articles / f"{slug}.md").read_text(encoding="utf-8"), slug=slug)


HEAT = "heat-pump-installations-double-as-grant-demand-surges"
WATER = "quang-nam-dua-nuoc-sach-ve-cac-xa-mien-nui"


def test_import_stores_and_shows_suggestions(cli, imported):
    article = stored(imported, HEAT)
    assert article.keywords == ()
    assert article.suggested_keywords[:3] == (
        "Energy Saving Trust",
        "Boiler Upgrade Scheme",
        "heat pump",
    )
    assert article.glossary == {"EST": "Energy Saving Trust"}
    shown = cli("articles", "show", HEAT)
    assert "suggested: Energy Saving Trust, Boiler Upgrade Scheme" in shown.output
    assert "glossary:  EST = Energy Saving Trust" in shown.output
    data = json.loads(cli("articles", "show", HEAT, "--json").output)
    assert data["keywords"] == []
    assert data["suggested_keywords"][0] == "Energy Saving Trust"
    assert data["glossary"] == {"EST": "Energy Saving Trust"}


def test_import_prints_suggestions(cli, project):
    result = cli("import", str(FIXTURES / "vi-nuoc-sach.md"), "--json")
    assert result.exit_code == 0, result.output
    assert "suggested keywords: Quảng Nam, Nam Trà My, nước sạch" in result.stderr
    data = json.loads(result.stdout)
    assert data[0]["suggested_keywords"][:3] == ["Quảng Nam", "Nam Trà My", "nước sạch"]
    assert data[0]["glossary"] == {"CTMTQG": "chương trình mục tiêu quốc gia"}


def test_source_keywords_are_kept_and_the_glossary_still_found(cli, project, tmp_path):
    source = tmp_path / "tagged.md"
    text = (FIXTURES / "en-river-sewage.md").read_text(encoding="utf-8")
    source.write_text(text.replace("keywords: []", "keywords: [rivers, pollution]"), "utf-8")
    result = cli("import", str(source), "--json")
    data = json.loads(result.stdout)[0]
    assert data["keywords"] == ["rivers", "pollution"]
    assert data["suggested_keywords"] == []
    assert data["glossary"] == {"EA": "Environment Agency"}
    assert "suggested keywords" not in result.stderr


def test_accept_add_remove(cli, imported):
    before = stored(imported, WATER).suggested_keywords
    result = cli("articles", "keywords", WATER, "--accept", "--remove", before[1])
    assert result.exit_code == 0, result.output
    after = stored(imported, WATER)
    assert after.keywords == tuple(k for k in before if k != before[1])
    assert after.suggested_keywords == ()
    assert "(saved)" in result.output
    assert f"keywords:  {', '.join(after.keywords)}" in result.output

    nfd = unicodedata.normalize("NFD", "Nông thôn mới")
    result = cli("articles", "keywords", WATER, "--add", nfd, "--add", "QUẢNG NAM", "--add", " ")
    after_add = stored(imported, WATER)
    assert after_add.keywords == (*after.keywords, "Nông thôn mới")  # NFC, no case duplicate
    assert unicodedata.is_normalized("NFC", after_add.keywords[-1])

    result = cli("articles", "keywords", WATER, "--remove", "nông thôn MỚI", "--remove", "bão")
    assert stored(imported, WATER).keywords == after.keywords
    assert "'bão' is neither a keyword nor a suggestion" in result.stderr


def test_suggest_again_and_no_change_writes_nothing(cli, imported):
    path = imported / f"{HEAT}.md"
    cli("articles", "keywords", HEAT, "--accept")
    assert stored(imported, HEAT).suggested_keywords == ()
    mtime = path.stat().st_mtime_ns
    result = cli("articles", "keywords", HEAT)
    assert "(saved)" not in result.output and path.stat().st_mtime_ns == mtime
    result = cli("articles", "keywords", HEAT, "--suggest", "--remove", "grant", "--json")
    data = json.loads(result.stdout)
    assert "grant" not in data["keywords"] and data["suggested_keywords"] == []
    data = json.loads(cli("articles", "keywords", HEAT, "--suggest", "--json").stdout)
    # Suggestions already among the keywords are not suggested twice; ``grant`` comes back.
    assert data["suggested_keywords"] == ["grant"]
    assert not list(imported.glob(".*.tmp"))  # atomic writes leave nothing behind


def test_keywords_of_an_unknown_article(cli, imported):
    result = cli("articles", "keywords", "no-such-article", "--accept")
    assert result.exit_code == 5
    assert "no article 'no-such-article'" in result.stderr


def test_list_by_keyword_ignores_accents_and_case(cli, imported):
    sot = "so-ca-sot-xuat-huyet-tang-manh-benh-vien-tuyen-cuoi-qua-tai"
    cli("articles", "keywords", WATER, "--add", "Dân tộc thiểu số")
    for query in ("dan toc", "DÂN TỘC thiểu số", "Dan Toc Thieu So"):
        assert cli("articles", "list", "--keyword", query).output.split()[0] == WATER
    found = cli("articles", "list", "--keyword", "sot xuat huyet").output
    assert found.split()[0] == sot  # a suggestion counts until an editor decides
    assert cli("articles", "list", "--keyword", "an").output == ""  # whole words only
    assert cli("articles", "list", "--keyword", "toc thieu").output.startswith(WATER)


def test_reimport_keeps_the_editors_keywords(cli, project, tmp_path):
    source = tmp_path / "heat.md"
    shutil.copy(FIXTURES / "en-heat-pumps.md", source)
    cli("import", str(source))
    cli("articles", "keywords", HEAT, "--accept", "--add", "home energy")
    keywords = stored(project / "articles", HEAT).keywords
    source.write_text(source.read_text("utf-8").replace("doubled", "more than doubled"), "utf-8")
    result = cli("import", str(source))
    assert "updated" in result.stderr
    again = stored(project / "articles", HEAT)
    assert again.keywords == keywords and again.suggested_keywords == ()


def test_settings_choose_the_number_and_the_segmenter(cli, project):
    (project / "publisher.toml").write_text('[keywords]\nlimit = 2\nsegmenter = "plain"\n')
    data = json.loads(cli("import", str(FIXTURES / "en-heat-pumps.md"), "--json").stdout)
    assert data[0]["suggested_keywords"] == ["Energy Saving Trust", "Boiler Upgrade Scheme"]
    (project / "publisher.toml").write_text('[keywords]\nsegmenter = "jieba"\n')
    result = cli("import", str(FIXTURES / "en-heat-pumps.md"))
    assert result.exit_code == 3
    assert "keywords.segmenter: 'jieba' is not one of auto, plain, underthesea" in result.stderr
