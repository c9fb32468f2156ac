"""A news page's figures: the photos the extraction kept, with the page's own captions, and
those it left out (a photo above the text is often outside the block it keeps), each placed
after the paragraphs that come before it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from publisher.importers.newstext.captions import parse_caption
from publisher.model import Figure
from publisher.text import clean

HEADING = re.compile(r"^#+\s+")  # a Markdown heading's marks


def place_figures(
    figures: list[Figure], root: Any, captions: Mapping[str, str], base: str,
    paragraphs: list[str],
) -> list[Figure]:  # fmt: skip
    """The extracted figures, and those of the article's element (``root``, see
    ``article_root``) that the extraction left out (a photo above the text is often outside
    the block it keeps), each after the paragraphs before it."""
    figures = [captioned(f, captions) for f in figures]
    known = {f.src for f in figures}
    missing = [figure for figure in root.iter("figure")
               if any(img.get("src") for img in figure.iter("img"))
               and not sources(figure, base) & known]  # fmt: skip
    if not missing:  # the extraction kept every figure: nothing to place
        return sorted(figures, key=lambda f: f.after_paragraph)
    texts = {plain(p) for p in paragraphs}
    seen, added = 0, []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("p", "h2", "h3", "h4") and clean(element.text_content()) in texts:
            seen += 1
        elif tag == "figure" and not sources(element, base) & known:
            known |= sources(element, base)  # one picture, however many sizes it offers
            # The first image with an address (not a lazy loader's placeholder) is the photo.
            real = (i for i in element.iter("img") if not i.get("src", "data:").startswith("data:"))
            img = next(real, None)
            if img is None:
                continue
            src = urljoin(base, img.get("src", ""))
            line = captions.get(src, "")
            caption = parse_caption(line) if line else None
            text, credit = (caption.caption, caption.credit) if caption else (line, "")
            added.append(Figure(src, clean(img.get("alt", "")), text, credit, seen))
    return sorted([*figures, *added], key=lambda f: f.after_paragraph)


def captioned(figure: Figure, captions: Mapping[str, str]) -> Figure:
    """An extracted figure with the page's caption for it, when the extraction left it out."""
    line = captions.get(figure.src, "")
    if figure.caption or figure.credit or not line:
        return figure
    found = parse_caption(line)
    text, credit = (found.caption, found.credit) if found else (line, "")
    return Figure(figure.src, figure.alt, text, credit, figure.after_paragraph)


def sources(figure: Any, base: str) -> set[str]:
    """The addresses a ``<figure>`` may show: each image's ``src`` and the sizes its
    ``srcset`` offers (lazy loaders' ``data-`` ones too), ``<picture>`` sources included."""
    found = set()
    for element in figure.iter("img", "source"):
        for name in ("src", "data-src", "srcset", "data-srcset"):
            for candidate in (element.get(name) or "").split(","):
                if candidate.split():
                    found.add(urljoin(base, candidate.split()[0]))
    return found


def article_root(tree: Any) -> Any:
    for tag in ("article", "main"):
        found = next(tree.iter(tag), None)
        if found is not None:
            return found
    return tree


def plain(block: str) -> str:
    """A Markdown paragraph as the page shows its text."""
    return unmarked(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", HEADING.sub("", block)))


def unmarked(block: str) -> str:
    """A Markdown line as text: emphasis marks off (``Ảnh: *Quốc Bảo*``)."""
    return clean(re.sub(r"(?<!\w)[*_]{1,3}|[*_]{1,3}(?!\w)", "", block))
