"""The news-text importer on our own fixtures (tests/fixtures/newstext), the seed, and samples."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from publisher.articles import file as articlefile
from publisher.importers import pick_importer, read_source
from tests.conftest import FIXTURES, PYTHON, SHARED, subprocess_env

CASES = sorted((FIXTURES / "newstext").glob("*.txt"))


def _import(path: Path):
    source = read_source(path)
    importer = pick_importer(source)
    assert importer.name == "news-text"
    return importer.parse(source)


def _everything(article) -> list[str]:
    """Every text field of an article, for the ``absent`` checks."""
    fields = [article.kicker, article.title, article.source, article.lead, *article.paragraphs]
    fields += [*article.authors, *article.keywords]
    for figure in article.figures:
        fields += [figure.caption, figure.credit]
    return fields


def test_at_least_twenty_fixtures():
    assert len(CASES) >= 20


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture(path: Path):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    result = _import(path)
    article = result.article
    for key in ("title", "kicker", "source", "language"):
        assert getattr(article, key) == expected[key], key
    assert list(article.authors) == expected["authors"]
    assert list(article.keywords) == expected["keywords"]
    published = article.published.isoformat() if article.published else None
    assert published == expected["published"]
    assert article.lead.startswith(expected["lead_starts"])
    assert len(article.paragraphs) == len(expected["paragraph_starts"])
    for paragraph, start in zip(article.paragraphs, expected["paragraph_starts"], strict=True):
        assert paragraph.startswith(start)
    figures = [
        {"caption": f.caption, "credit": f.credit, "after_paragraph": f.after_paragraph}
        for f in article.figures
    ]
    assert figures == expected["figures"]
    assert all(f.src == "" and f.alt == "" for f in article.figures)
    text = "\n".join(_everything(article))
    for absent in expected["absent"]:
        assert absent not in text, absent
    for unit in expected["absent_paragraphs"]:
        assert unit not in (article.lead, *article.paragraphs)
    for warning in expected["warnings"]:
        assert any(w.startswith(warning) for w in result.warnings), warning
    assert len(result.warnings) == len(expected["warnings"]), result.warnings


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture_round_trips_through_article_file(path: Path):
    article = _import(path).article.with_(slug="s")
    assert articlefile.loads(articlefile.dumps(article), slug="s") == article


def test_text_is_nfc_and_clean():
    article = _import(FIXTURES / "newstext" / "vi_cp1258.txt").article
    import unicodedata

    for text in _everything(article):
        assert unicodedata.is_normalized("NFC", text)
        assert "  " not in text and "\u00a0" not in text


def test_seed_through_the_cli(seed_path: Path, project: Path):
    # An empty project, so the import is "would be created" whatever this repository holds.
    result = subprocess.run(
        [PYTHON, "-m", "publisher", "import", str(seed_path), "--dry-run", "--json"],
        cwd=project, env=subprocess_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (article,) = json.loads(result.stdout)
    assert article["kicker"] == "Ban Dân tộc Hà Nội"
    assert article["title"] == "Tăng cường giao lưu, trao đổi kinh nghiệm"
    assert article["published"] == "2017-08-12T15:42:00+07:00"
    assert article["source"] == "PL&XH"
    assert article["authors"] == ["Khánh Phong", "Nhật Minh"]
    assert article["lead"].startswith(
        "Cùng với việc thực hiện tốt các chương trình công tác theo kế hoạch"
    )
    assert len(article["paragraphs"]) == 6
    assert article["figures"] == [
        {
            "src": "",
            "alt": "",
            "caption": "Hai cơ quan làm công tác dân tộc chụp ảnh lưu niệm.",
            "credit": "Kim Nhung",
            "after_paragraph": 2,
        }
    ]
    assert article["keywords"] == []
    fields = [article["kicker"], article["title"], article["lead"], *article["paragraphs"]]
    fields += [f["caption"] for f in article["figures"]]
    assert "nh" not in fields
    for text in fields:
        assert "\u00a0" not in text
        assert "Từ khóa" not in text
        assert "Dự báo thời tiết các tỉnh thành" not in text
    assert "would be created" in result.stderr


SAMPLES = sorted((SHARED / "samples").glob("*.txt"))


@pytest.mark.skipif(not SAMPLES, reason="shared/samples is not beside this checkout")
@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_real_samples_give_an_article(path: Path):
    """Real scraped pages (not copied here): each gives a title, a lead and clean fields."""
    article = _import(path).article
    assert article.title and article.lead
    assert len(article.title.split()) <= 35
    for text in _everything(article):
        assert text == text.strip() and "\u00a0" not in text
    for paragraph in article.paragraphs:
        assert not paragraph.lower().startswith(("tin liên quan", "từ khóa", "bình luận"))
