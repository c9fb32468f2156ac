"""``publisher import`` through the CLI: bad input, the library, slugs, dry runs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.permissions import publisher_as_user

GOOD_VI = FIXTURES / "newstext" / "vi_kicker_tag_caption.txt"
GOOD_EN = FIXTURES / "newstext" / "en_reuters.txt"


def _failed(stderr: str) -> dict[str, str]:
    """``failed   <path>: <reason>`` lines by file name."""
    lines = [line for line in stderr.splitlines() if line.startswith("failed")]
    return {Path(line.split()[1].rstrip(":")).name: line.split(": ", 1)[1] for line in lines}


def _library(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "articles").glob("*"))


def test_mixed_folder_imports_the_good_and_reports_the_bad(cli, project, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(GOOD_VI, folder / "good-vi.txt")
    shutil.copy(GOOD_EN, folder / "good-en.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("\u00a0\n  \n\t\n", encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (folder / "numbers.txt").write_text("12345 67890\n----\n2017-08-12\n", encoding="utf-8")
    (folder / "page.html").write_text("<html><body><div>a</div><p>b</p></body></html>")
    (folder / "gone.txt").symlink_to(folder / "missing-target.txt")
    (folder / ".hidden.txt").write_text("ignored")
    result = cli("import", str(folder))
    assert result.exit_code == 4, result.stderr
    failed = _failed(result.stderr)
    assert failed == {
        "blank.txt": "no text: only blank lines",
        "empty.txt": "empty file",
        "gone.txt": "broken link",
        "image.png": "binary file, not text",
        "numbers.txt": "no recognisable text: mostly symbols or numbers",
        "page.html": "not an article: 2 words of running text (a home page, a gallery, an error"
        " page or a login wall?)",
    }
    assert len(_library(project)) == 2
    assert "2 imported, 6 failed" in result.stderr


def test_path_that_does_not_exist(cli, project, tmp_path):
    result = cli("import", str(tmp_path / "nope.txt"), str(GOOD_EN))
    assert result.exit_code == 4
    assert _failed(result.stderr) == {"nope.txt": "no such file"}
    assert len(_library(project)) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_pipe_in_a_folder_is_reported_not_read(cli, project, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")  # reading it would block forever
    shutil.copy(GOOD_EN, folder / "a.txt")
    result = cli("import", str(folder))
    assert result.exit_code == 4
    assert _failed(result.stderr) == {"pipe.txt": "not a regular file (a device, pipe or socket)"}


def test_unreadable_file_and_folder(project, tmp_path):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    shutil.copy(GOOD_EN, folder / "secret.txt")
    (folder / "secret.txt").chmod(0)
    (folder / "locked").chmod(0)
    try:
        result = publisher_as_user(project, "import", str(folder))
    finally:
        (folder / "secret.txt").chmod(0o644)
        (folder / "locked").chmod(0o755)
    assert result.returncode == 4, result.stderr
    assert _failed(result.stderr) == {
        "secret.txt": "permission denied",
        "locked": "folder cannot be read",
    }


def test_file_with_no_title_fails_with_its_reason(cli, tmp_path):
    bad = tmp_path / "furniture.txt"
    bad.write_text("Từ khóa:\nDự báo thời tiết các tỉnh thành\nChia sẻ | In bài\n", "utf-8")
    result = cli("import", str(bad), "--json")
    assert result.exit_code == 4
    assert "no recognisable" in _failed(result.stderr)["furniture.txt"]
    assert json.loads(result.stdout) == []


def test_library_path_that_is_a_file(cli, project):
    (project / "articles").write_text("not a folder")
    result = cli("import", str(GOOD_EN))
    assert result.exit_code == 5
    assert "the article library path is not a folder" in result.stderr
    assert (project / "articles").read_text() == "not a folder"


def test_failed_write_leaves_nothing_half_written(cli, project, monkeypatch):
    assert cli("import", str(GOOD_EN)).exit_code == 0
    (before,) = _library(project)
    text = (project / "articles" / before).read_text(encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("publisher.articles.library.os.replace", broken_replace)
    changed = project / "changed.txt"
    changed.write_text(GOOD_EN.read_text(encoding="utf-8").replace("Thursday", "Friday"))
    result = cli("import", str(GOOD_VI), str(changed))
    assert result.exit_code == 5
    assert "No space left on device" in result.stderr
    assert _library(project) == [before]  # no temporary files left behind
    assert (project / "articles" / before).read_text(encoding="utf-8") == text


def test_dry_run_writes_nothing(cli, project):
    result = cli("import", str(GOOD_VI), str(GOOD_EN), "--dry-run", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 2
    assert "would be created" in result.stderr
    assert not (project / "articles").exists()


def test_same_title_other_source_gets_a_new_slug(cli, project, tmp_path):
    first, second = tmp_path / "one.txt", tmp_path / "two.txt"
    shutil.copy(GOOD_EN, first)
    text = GOOD_EN.read_text(encoding="utf-8").replace("100,000 homes", "90,000 homes")
    second.write_text(text, encoding="utf-8")
    assert cli("import", str(first)).exit_code == 0
    result = cli("import", str(second), "--json")
    assert result.exit_code == 0
    slug = "jordan-opens-new-solar-plant-as-energy-imports-fall"
    assert json.loads(result.stdout)[0]["slug"] == f"{slug}-2"
    assert _library(project) == [f"{slug}-2.md", f"{slug}.md"]


def test_reimporting_a_source_updates_it(cli, project, tmp_path):
    source = tmp_path / "piece.txt"
    shutil.copy(GOOD_VI, source)
    assert cli("import", str(source)).exit_code == 0
    again = cli("import", str(source))
    assert again.exit_code == 0 and again.stderr.startswith("unchanged")
    source.write_text(source.read_text("utf-8").replace("40 km", "42 km"), encoding="utf-8")
    updated = cli("import", str(source), "--json")
    assert updated.stderr.startswith("updated")
    (slug,) = _library(project)
    assert "42 km" in (project / "articles" / slug).read_text(encoding="utf-8")
    assert json.loads(updated.stdout)[0]["slug"] + ".md" == slug


def test_warnings_are_printed(cli, tmp_path):
    result = cli("import", str(FIXTURES / "newstext" / "vi_one_line.txt"), "--dry-run")
    assert result.exit_code == 0
    assert "  warning: title and lead on one line" in result.stderr


def test_example_raw_articles_import_cleanly(cli):
    """The Quick start's ``publisher import examples/raw/``: every example imports."""
    from tests.conftest import ROOT

    result = cli("import", str(ROOT / "examples" / "raw"), "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    articles = json.loads(result.stdout)
    assert len(articles) == 3
    assert {a["language"] for a in articles} == {"vi", "en"}
    for article in articles:
        assert article["title"] and article["lead"] and article["source"]
        assert any("example article" in p or "bài viết ví dụ" in p for p in article["paragraphs"])
