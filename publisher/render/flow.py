"""Figures in the PDF: one that does not fit at the foot of a page lets the text flow past it.

A figure is never split (``break-inside: avoid``), so one that does not fit in what is left of
a page goes to the next and leaves the rest of this one empty: up to a third of an A4 page for
a photograph. Print editions do what papers do instead: the text that follows fills the page,
and the figure comes after it. WeasyPrint lays out; its public ``Page.anchors`` say where each
figure landed and where the text before it ended. Then the first paragraph after a figure that
left too much of its page empty moves before it, and the document is laid out again.
"""

from __future__ import annotations

from typing import Any

from lxml import html as lxml_html

GAP_SHARE = 0.2  # a page may end this much of its height early before a figure, at most
MAX_MOVES = 6  # layouts beyond the first, in all (each costs a whole WeasyPrint layout)
MOVES_PER_FIGURE = 3  # paragraphs a figure may move down from where the editor put it
_END, _TOP, _MARK, _FIGURE = "pb-flow-end", "pb-flow-top", "pb-flow-mark-", "pb-flow-figure-"
_VOID = {"img", "br", "hr", "input", "wbr"}


def render_flowed(weasyprint: Any, html: str, fetcher: Any) -> Any:
    """WeasyPrint's laid-out ``Document`` of ``html``, its figures moved as above."""
    tree = lxml_html.document_fromstring(html)
    body = tree.find("body")
    if body is None:
        return weasyprint.HTML(string=html, url_fetcher=fetcher).render()
    # Fixed boxes repeat on every page at the edges of its content area: its top and foot.
    for name, edge in ((_END, "bottom"), (_TOP, "top")):
        body.insert(0, lxml_html.fromstring(
            f'<div id="{name}" style="position: fixed; {edge}: 0; height: 0"></div>'))  # fmt: skip
    figures = tree.xpath("//article//figure")
    for number, figure in enumerate(figures):
        figure.set("id", figure.get("id") or f"{_FIGURE}{number}")
    moved = dict.fromkeys(range(len(figures)), 0)
    for _ in range(MAX_MOVES + 1):
        _mark(tree, figures)
        document = weasyprint.HTML(string=lxml_html.tostring(tree, encoding="unicode"),
                                   url_fetcher=fetcher).render()  # fmt: skip
        pushed = [n for n in _pushed(document, figures) if moved[n] < MOVES_PER_FIGURE]
        if not pushed or sum(moved.values()) >= MAX_MOVES or not _move_down(figures[pushed[0]]):
            return document
        moved[pushed[0]] += 1
    return document


def _mark(root: Any, figures: list[Any]) -> None:
    """A zero-width mark at the end of the text before each figure (where its line ends)."""
    for old in root.xpath(f'//span[starts-with(@id, "{_MARK}")]'):
        old.drop_tree()
    for number, figure in enumerate(figures):
        holder = figure.getprevious()
        if holder is None:
            continue
        # Into the last element only when no text follows it: the mark must end the text.
        while len(holder) and holder[-1].tag not in _VOID and not (holder[-1].tail or "").strip():
            holder = holder[-1]
        if holder.tag in _VOID:
            continue
        holder.append(lxml_html.fromstring(f'<span id="{_MARK}{number}"></span>'))


def _pushed(document: Any, figures: list[Any]) -> list[int]:
    """The figures that went to the next page and left too much of the previous one empty."""
    where: dict[str, tuple[int, tuple[float, float, float, float]]] = {}
    edges: dict[int, tuple[float, float]] = {}
    for index, page in enumerate(document.pages):
        for name, box in page.anchors.items():
            where.setdefault(name, (index, box))
        if _END in page.anchors and _TOP in page.anchors:
            edges[index] = (page.anchors[_TOP][1], page.anchors[_END][1])
    found = []
    for number, figure in enumerate(figures):
        mark, placed = where.get(f"{_MARK}{number}"), where.get(figure.get("id"))
        if mark is None or placed is None or placed[0] != mark[0] + 1 or mark[0] not in edges:
            continue
        top, bottom = edges[mark[0]]
        if bottom - mark[1][3] > GAP_SHARE * (bottom - top):
            found.append(number)
    return found


def _move_down(figure: Any) -> bool:
    """Put the block (a paragraph, a list...) after ``figure`` before it; False when none."""
    after = figure.getnext()
    if after is None or after.tag != "div" or "body" not in after.get("class", "").split():
        return False
    if not len(after):
        return False
    before = figure.getprevious()
    if before is None or before.tag != "div" or "body" not in before.get("class", "").split():
        before = lxml_html.fromstring('<div class="body"></div>')
        figure.addprevious(before)
    before.append(after[0])
    if not len(after) and not (after.text or "").strip():
        after.drop_tree()
    return True
