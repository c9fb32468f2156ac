"""Re-importing: sources are known by path and content, and an editor's changes survive."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from publisher.articles.library import Library
from tests.conftest import FIXTURES

VI = FIXTURES / "newstext" / "vi_kicker_tag_caption.txt"  # one figure, a caption without image
EN = FIXTURES / "newstext" / "en_reuters.txt"
SLUG = "them-ba-tuyen-buyt-nhanh-noi-cac-khu-do-thi-moi"
CAPTION = "Xe buýt nhanh chạy thử trên làn đường riêng."


def actions(result) -> list[str]:
    """The first word of each article's line (created, updated, unchanged)."""
    lines = result.stderr.splitlines()
    return [line.split(" ", 1)[0] for line in lines if "  " in line and line[0] != " "]


def library(project: Path) -> Library:
    return Library(project / "articles")


def test_another_folder_s_file_of_the_same_name_is_another_article(cli, project):
    (project / "d1").mkdir()
    (project / "d2").mkdir()
    shutil.copy(EN, project / "d1" / "article.txt")
    shutil.copy(VI, project / "d2" / "article.txt")
    assert actions(cli("import", str(project / "d1"))) == ["created"]
    assert actions(cli("import", str(project / "d2"))) == ["created"]
    articles = {a.language: a for a in library(project).articles()}
    assert set(articles) == {"en", "vi"}  # the English article was not overwritten
    assert articles["vi"].provenance.source_file == "d2/article.txt"


def test_the_same_content_under_a_new_name_changes_nothing(cli, project):
    shutil.copy(VI, project / "first.txt")
    shutil.copy(VI, project / "copy.txt")
    assert actions(cli("import", str(project / "first.txt"))) == ["created"]
    result = cli("import", str(project / "copy.txt"), "--json")
    assert result.stderr.startswith(f"unchanged (same as {SLUG}) ")
    assert json.loads(result.stdout)[0]["slug"] == SLUG
    assert library(project).slugs() == [SLUG]


def test_the_same_content_twice_in_one_dry_run(cli, project):
    shutil.copy(VI, project / "first.txt")
    shutil.copy(VI, project / "second.txt")
    result = cli("import", "--dry-run", str(project / "first.txt"), str(project / "second.txt"))
    assert result.exit_code == 0, result.stderr
    assert f"unchanged (same as {SLUG}) " in result.stderr
    assert library(project).slugs() == []  # nothing written


def correct(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.fixture
def imported(cli, project):
    """The source imported, then the editor's work on it: a photo attached, a title reworded."""
    shutil.copy(VI, project / "source.txt")
    assert actions(cli("import", str(project / "source.txt"))) == ["created"]
    (project / "images").mkdir()
    Image.new("RGB", (60, 40), (10, 120, 200)).save(project / "images" / "buyt.jpg")
    assert cli("articles", "figure", SLUG, "1", "--src", "images/buyt.jpg").exit_code == 0
    path = project / "articles" / f"{SLUG}.md"
    correct(path, "title: Thêm ba tuyến", "title: Ba tuyến")
    return project / "source.txt"


def test_a_corrected_source_keeps_what_the_editor_changed(cli, project, imported):
    correct(imported, "40 km", "42 km")  # the outlet corrected a figure of the body
    correct(imported, "Xe buýt nhanh chạy thử", "Xe buýt nhanh BRT chạy thử")  # and the caption
    result = cli("import", str(imported))
    assert actions(result) == ["updated"] and "warning" not in result.stderr
    article = library(project).get(SLUG)
    assert any("42 km" in p for p in article.paragraphs)  # the source's correction came in
    assert article.figures[0].caption == "Xe buýt nhanh BRT chạy thử trên làn đường riêng."
    assert article.figures[0].src == "images/buyt.jpg"  # the attached photo stayed
    assert article.title.startswith("Ba tuyến")  # the editor's title stayed
    assert actions(cli("import", str(imported))) == ["unchanged"]


def test_a_field_both_changed_is_a_conflict_and_overwrite_takes_the_source(cli, project, imported):
    correct(imported, "Thêm ba tuyến", "Mở ba tuyến")  # the source's title changed too
    result = cli("import", str(imported))
    assert actions(result)[0] == "updated"
    assert (
        "  warning: title: changed in the library and in the source; the library's value is kept"
        " (--overwrite takes the source's)" in result.stderr
    )
    assert library(project).get(SLUG).title.startswith("Ba tuyến")
    forced = cli("import", str(imported), "--overwrite")
    assert actions(forced) == ["updated"]
    article = library(project).get(SLUG)
    assert article.title.startswith("Mở ba tuyến")
    assert article.figures[0].src == ""  # --overwrite takes the source as it is
    assert article.figures[0].caption == CAPTION


def test_an_article_from_before_paths_were_recorded_is_matched_only_by_its_title(cli, project):
    shutil.copy(VI, project / "article.txt")
    cli("import", str(project / "article.txt"))
    path = project / "articles" / f"{SLUG}.md"
    text = path.read_text(encoding="utf-8")
    # As older versions wrote it: the bare file name, no field hashes.
    start = text.index("provenance:")
    end = text.index("---", start)
    legacy = text[:start] + "provenance:\n  source_file: article.txt\n  importer: news-text\n"
    path.write_text(legacy + text[end:], encoding="utf-8")
    (project / "other").mkdir()
    shutil.copy(EN, project / "other" / "article.txt")
    assert actions(cli("import", str(project / "other"))) == ["created"]  # another title
    correct(project / "article.txt", "40 km", "42 km")
    assert actions(cli("import", str(project / "article.txt"))) == ["updated"]
    assert len(library(project).slugs()) == 2
