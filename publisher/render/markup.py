"""Article Markdown → well-formed HTML (email, print) or wrapped plain text with numbered links.

Article text is untrusted (scraped from the web): Markdown is parsed with raw HTML disabled, so
``<script>`` and ``<img onerror=…>`` arrive as text, and markdown-it drops ``javascript:`` links.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

# Images inside paragraphs are off: figures (with caption and credit) are the way to show one.
_MD = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True}).disable("image")
TEXT_WIDTH = 76
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# A paragraph's HTML depends on its text alone; every output renders it again, and the preview
# renders the same issue after every save: each distinct paragraph is parsed once.
@functools.lru_cache(maxsize=8192)
def to_html(markdown: str) -> Markup:
    """Markdown as HTML that is well-formed XML too (mjml-python rejects anything less).

    markdown-it already writes XHTML (escaped text and attributes, closed tags, ``<br />``);
    only characters that XML forbids (C0 controls) could pass through from the source.
    """
    if not markdown.strip():
        return Markup("")
    return Markup(_NOT_XML.sub("\ufffd", _MD.render(markdown)).strip())


@functools.lru_cache(maxsize=8192)
def to_plain(markdown: str) -> str:
    """Markdown as one line of plain text (links and emphasis dropped, text kept)."""
    links = LinkRefs()
    text = " ".join(
        _inline_text(token, links, with_refs=False)
        for token in _MD.parse(markdown)
        if token.type == "inline"
    )
    return " ".join(text.split(" ")).strip()


class LinkRefs:
    """Numbered references for the plain-text part: each distinct URL gets one number."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def ref(self, url: str) -> int:
        """The number of ``url``, giving it the next one on first sight."""
        return self._numbers.setdefault(url, len(self._numbers) + 1)

    def items(self) -> list[tuple[int, str]]:
        """``(number, url)`` in order of first appearance."""
        return [(n, url) for url, n in self._numbers.items()]


def to_text(markdown: str, links: LinkRefs, width: int = TEXT_WIDTH, indent: str = "") -> str:
    """Markdown as wrapped plain text; links become ``text [n]`` with ``n`` from ``links``."""
    blocks: list[str] = []
    tight = False  # items of a tight list follow each other without a blank line
    fresh = False  # a list just started: a blank line before its first item
    prefix: list[str] = []  # list bullets and quote marks of the enclosing blocks
    ordered: list[int] = []
    for token in _MD.parse(markdown):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            ordered.append(int(token.attrs.get("start", 1)) if token.type[0] == "o" else 0)
            fresh = len(ordered) == 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            ordered.pop()
        elif token.type == "list_item_open":
            number = ordered[-1]
            prefix.append(f"{number}. " if number else "- ")
            if number:
                ordered[-1] += 1
        elif token.type == "list_item_close" or token.type == "blockquote_close":
            prefix.pop()
        elif token.type == "blockquote_open":
            prefix.append("> ")
        elif token.type == "paragraph_open":
            tight, fresh = token.hidden and bool(blocks) and not fresh, False
        elif token.type == "inline":
            spaced = [p if p == "> " else " " * len(p) for p in prefix]
            first = indent + "".join(spaced[:-1] + prefix[-1:])
            rest = indent + "".join(spaced)
            text = wrap(_inline_text(token, links), width, first, rest)
            if tight:
                blocks[-1] += "\n" + text
            else:
                blocks.append(text)
        elif token.type in ("fence", "code_block"):
            lines = token.content.rstrip("\n").split("\n")
            blocks.append("\n".join(f"{indent}    {line}" for line in lines))
        elif token.type == "hr":
            blocks.append(indent + "* * *")
    return "\n\n".join(blocks)


def _inline_text(token: Token, links: LinkRefs, with_refs: bool = True) -> str:
    out: list[str] = []
    hrefs: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "link_open":
            hrefs.append(str(child.attrs.get("href", "")))
        elif child.type == "link_close" and hrefs:
            href = hrefs.pop()
            if with_refs:
                out.append(f" [{links.ref(href)}]")
    return "".join(out)


def width_of(text: str) -> int:
    """Columns a string takes in a terminal: combining marks take none, wide letters two."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def wrap(text: str, width: int = TEXT_WIDTH, first: str = "", rest: str | None = None) -> str:
    """Greedy wrap at ASCII spaces only: NBSP, hyphens in ``15-7-2016`` and URLs never break."""
    rest = first if rest is None else rest
    lines: list[str] = []
    for hard in text.split("\n"):
        line, line_width = "", 0
        for word in filter(None, hard.replace("\t", " ").split(" ")):
            lead = rest if lines else first
            word_width = width_of(word)
            if line and width_of(lead) + line_width + 1 + word_width > width:
                lines.append(line)
                line, line_width = word, word_width
            else:
                line = f"{line} {word}" if line else word
                line_width += word_width + (1 if line_width else 0)
        lines.append(line)
    return "\n".join((first if i == 0 else rest) + line for i, line in enumerate(lines)).rstrip()
