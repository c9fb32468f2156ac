"""print.pdf through WeasyPrint: page numbers, and contents that point at the right pages."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from publisher.config import load_config
from publisher.output.build import build_issue
from tests.conftest import require_module
from tests.parts import unavailable
from tests.sample_issue import sample_issue, write_sample_images


def pdf_tool(name: str) -> str:
    if shutil.which(name) is None:
        unavailable(f"{name} is not installed (apt-get install poppler-utils)")
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


def long_issue_with_figures(variant: int):
    """Six long articles, each with a photograph after a different paragraph."""
    from publisher.model import Figure, Section
    from tests.sample_issue import article, entry, issue_of

    entries = []
    for n in range(6):
        paragraphs = tuple(
            f"Đoạn văn thứ {i} của bài {n}, viết dài để lấp trang in. "
            * (6 + (n * 3 + i + variant) % 9)
            for i in range(8)
        )
        figure = Figure(src="images/giao-luu.jpg", caption=f"Ảnh của bài {n}.", credit="Ví dụ",
                        after_paragraph=2 + (n + variant) % 4)  # fmt: skip
        art = article(f"bai-{n}", title=f"Bài số {n}", paragraphs=paragraphs, figures=(figure,))
        entries.append(entry(art, excerpt="full"))
    return issue_of(Section("Thử", tuple(entries)))


def page_ends(path) -> list[float]:
    """How far above the foot of its content area each page's text ends, as a share of it."""
    out = subprocess.run([pdf_tool("pdftotext"), "-bbox", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    ends = []
    top, bottom = 22 / 25.4 * 72, 842 - 22 / 25.4 * 72  # A4 in points, 22 mm margins
    for page in out.split("<page ")[1:]:
        lows = [float(y) for y in re.findall(r'yMax="([\d.]+)"', page)]
        body = [y for y in lows if y < bottom]  # not the page number in the bottom margin
        ends.append((bottom - max(body)) / (bottom - top))
    return ends


@pytest.mark.parametrize("variant", [1, 2])
def test_a_figure_that_does_not_fit_lets_the_text_fill_the_page(tmp_path, monkeypatch, variant):
    require_module("weasyprint", "pip install -e '.[pdf]'")
    import publisher.render.flow as flow

    project = tmp_path / "project"
    project.mkdir()
    write_sample_images(project, size=(1200, 800))
    issue = long_issue_with_figures(variant)
    config = load_config(project)
    # Laid out as it is written, a pushed photograph leaves a quarter of a page or more empty.
    monkeypatch.setattr(flow, "MAX_MOVES", 0)
    plain = build_issue(config, issue, out=tmp_path / "plain", pdf=True).out / "print.pdf"
    assert max(page_ends(plain)[1:-1]) > 0.3
    monkeypatch.undo()
    flowed = build_issue(config, issue, out=tmp_path / "flowed", pdf=True).out / "print.pdf"
    ends = page_ends(flowed)
    assert max(ends[1:-1]) <= flow.GAP_SHARE + 0.02, ends  # the contents page ends as it must
    # Nothing is lost or reordered: every paragraph is there, in order, and each photograph
    # stays in its own article.
    text = " ".join(" ".join(page_texts(flowed)).split())
    positions = []
    for entry in issue.entries:
        for paragraph in entry.article.paragraphs:
            positions.append(text.index(" ".join(paragraph.split())[:60]))
    assert positions == sorted(positions)
    for n in range(len(issue.entries)):
        caption = text.index(f"Ảnh của bài {n}.")
        assert text.index(f"Đoạn văn thứ 0 của bài {n}") < caption
        assert caption < text.index(f"Đoạn văn thứ 7 của bài {n}")
    # The print edition in the build is as the theme wrote it: only the PDF's layout differs.
    assert (tmp_path / "flowed" / "print.html").read_bytes() == (
        tmp_path / "plain" / "print.html"
    ).read_bytes()


def test_the_mark_before_a_figure_ends_the_text_before_it():
    from lxml import html as lxml_html

    from publisher.render import flow

    tree = lxml_html.document_fromstring(
        '<html><body><article><div class="body"><p>One.</p><p>Two <a href="#">link</a> and'
        ' more words.</p></div><figure><img src="x.jpg"></figure><div class="body"><p>After'
        " <em>it</em></p></div><figure></figure></article></body></html>"
    )
    figures = tree.xpath("//figure")
    flow._mark(tree, figures)
    flow._mark(tree, figures)  # marked again after a move: the old marks go
    marks = tree.xpath('//span[starts-with(@id, "pb-flow-mark-")]')
    assert [m.getparent().tag for m in marks] == ["p", "em"]
    assert marks[0].getprevious().tag == "a" and marks[0].getprevious().tail == " and more words."
    # A move puts the block after a figure before it, in the block before.
    assert flow._move_down(figures[0])
    bodies = tree.xpath("//div[@class='body']")
    assert [len(b) for b in bodies] == [3]  # the only paragraph after it moved up
    assert tree.xpath("//article/*")[1].tag == "figure"
    assert not flow._move_down(figures[0])  # nothing left to move
