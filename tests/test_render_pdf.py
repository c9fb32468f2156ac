"""print.pdf through WeasyPrint: page numbers, and contents that point at the right pages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from publisher.config import load_config
from publisher.output.build import build_issue
from tests.conftest import require_module
from tests.sample_issue import sample_issue, write_sample_images


def pdf_tool(name: str) -> str:
    if shutil.which(name) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed (apt-get install poppler-utils)")
        pytest.skip(f"{name} is not installed (poppler-utils)")
    return name


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    require_module("weasyprint", "pip install -e '.[pdf]'")
    project = tmp_path_factory.mktemp("project")
    # a project image stands in for the published one: the PDF never touches the network
    write_sample_images(project)
    result = build_issue(load_config(project), sample_issue(), pdf=True)
    return result.out / "print.pdf"


def page_texts(path) -> list[str]:
    text = subprocess.run(
        [pdf_tool("pdftotext"), "-layout", str(path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return text.split("\f")[:-1]


def test_every_page_is_numbered(pdf):
    texts = page_texts(pdf)
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert re.search(rf"\b{number}\s*/\s*{len(texts)}\s*$", text.rstrip()), number


def test_contents_point_at_the_right_pages(pdf):
    texts = page_texts(pdf)
    entries = re.findall(r"^(\S.*?)\s*\.{3,}\s*(\d+)\s*$", texts[0], re.M)
    titles = [e.article.title for e in sample_issue().entries]
    assert [title for title, _ in entries] == titles
    for title, page in entries:
        # the contents fill page 1, so every article starts later, exactly where it says
        others = [t for n, t in enumerate(texts[1:], start=2) if n != int(page)]
        assert int(page) > 1 and title in texts[int(page) - 1], f"{title!r} not on page {page}"
        assert not any(title in text for text in others)


def test_local_images_are_embedded(pdf):
    listing = subprocess.run(
        [pdf_tool("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert len(listing.strip().splitlines()) == 4  # header, rule, the two local images


def test_the_colophon_never_has_a_page_to_itself(tmp_path):
    from tests.conftest import ROOT
    from tests.sample_issue import example_issue

    require_module("weasyprint", "pip install -e '.[pdf]'")
    # The example issue's last article ends at the foot of a page: the colophon came after.
    result = build_issue(load_config(ROOT), example_issue(), out=tmp_path / "out", pdf=True)
    last = page_texts(result.out / "print.pdf")[-1]
    colophon = {"Tòa soạn Bản tin Ví dụ", "https://news.example.org/issues/ban-tin-vi-du-so-1/",
                "Bản tin Ví dụ · Số 1"}  # fmt: skip
    assert "Tòa soạn Bản tin Ví dụ" in last
    rest = [line.strip() for line in last.splitlines() if line.strip()
            and line.strip() not in colophon and not line.strip().startswith("Tầng 3")
            and not re.fullmatch(r"\d+\s*/\s*\d+", line.strip())]  # fmt: skip
    assert rest, "the last page holds only the colophon"
