"""Golden files of the example issue's outputs; rewrite them with ``pytest --update-golden``."""

from __future__ import annotations

import difflib
import functools
from pathlib import Path

import pytest

from publisher.config import load_config
from publisher.output.build import build_issue
from tests.conftest import ROOT
from tests.sample_issue import EXAMPLE, example_issue

GOLDEN = Path(__file__).resolve().parent / "golden"


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare with the golden file, or rewrite it when ``--update-golden`` was given."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    assert path.exists(), f"{path} is missing: run pytest --update-golden and review the diff"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "golden", "rendered", lineterm="", n=1
        )
        pytest.fail(f"{path.name} differs from its golden file:\n" + "\n".join(list(diff)[:60]))


@functools.cache
def built(theme: str, folder: Path) -> dict[str, str]:
    """The example issue built in ``theme`` as ``publisher build`` builds it (images included)."""
    out = folder / theme
    build_issue(load_config(ROOT), example_issue(theme), out=out)
    return {
        name: (out / name).read_text(encoding="utf-8")
        for name in ("email.html", "email.txt", "print.html", "manifest.json", *WEB_PAGES)
    }


# The built files themselves, from the real build: an image that goes missing, or a photo
# published larger than before, changes manifest.json (names, sizes and hashes of every file).
# The digest theme has its own email and shares the text, print and web templates of default.
WEB_PAGES = ("web/index.html", "web/tang-cuong-giao-luu-trao-doi-kinh-nghiem/index.html")
CASES = [
    *(("default", name) for name in ("email.html", "email.txt", "print.html", "manifest.json")),
    *(("default", name) for name in WEB_PAGES),
    ("digest", "email.html"),
]


@pytest.fixture(scope="module")
def build_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("golden-build")


@pytest.mark.parametrize(("theme", "name"), CASES)
def test_example_issue_builds_its_golden_files(theme, name, build_folder, update_golden):
    content = built(theme, build_folder)[name]
    check_golden(GOLDEN / f"{EXAMPLE}-{theme}" / name, content, update_golden)


def test_every_output_shows_the_caption_of_a_figure_without_an_image(build_folder):
    # The seed article's only photo came as text: its caption and credit still reach readers.
    files = built("default", build_folder)
    for name in ("email.html", "email.txt", "print.html", WEB_PAGES[1]):
        text = " ".join(files[name].split())
        assert "Hai cơ quan làm công tác dân tộc chụp ảnh lưu niệm." in text, name
        assert "Kim Nhung" in text, name
