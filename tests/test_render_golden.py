"""Golden files of the example issue's outputs; rewrite them with ``pytest --update-golden``."""

from __future__ import annotations

import difflib
import functools
from pathlib import Path

import pytest

from publisher.render.issue import render_issue
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
def rendered(theme: str):
    return render_issue(example_issue(theme), ROOT / "templates")


# The digest theme has its own email and shares the text and print templates of default.
CASES = [("default", "email.html"), ("default", "email.txt"), ("default", "print.html"),
         ("digest", "email.html")]  # fmt: skip


@pytest.mark.parametrize(("theme", "name"), CASES)
def test_sample_issue_matches_golden(theme, name, update_golden):
    result = rendered(theme)
    content = {"email.html": result.email_html, "email.txt": result.email_txt,
               "print.html": result.print_html}[name]  # fmt: skip
    check_golden(GOLDEN / f"{EXAMPLE}-{theme}" / name, content, update_golden)
