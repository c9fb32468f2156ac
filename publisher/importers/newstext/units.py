"""Scraped text → units: one cleaned line each, with the blank lines before it counted.

Scrapers break a paragraph wherever the page had a link (``Theo tiết lộ của \\nNew York
Times\\n, ông...``); those fragments are joined back here, before anything is classified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from publisher.importers.newstext.dates import parse_date_line
from publisher.text import clean, is_blank

_SENTENCE_END = re.compile(r"[.!?…]['\"’”»)\]]*$")
_CLOSING_START = re.compile(r"^[,.;:!?)\]}…’”%]")
_LIST_ITEM = re.compile(r"^(?:[-*+•·▪●]|–(?=\s))\s+\S")
_LABEL_ALONE = re.compile(r"(?i)^(?:image|photo|picture) (?:caption|source|copyright)\s*[,:]?$")
_CELL_BORDER = re.compile(r"^\|\s+|\s+\|$")
# A wire service's reference to another story, for its subscribers' terminals: ``[ID:nL1N0O02AC]``.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")  # an address alone on its line
# A related story's headline set in brackets between two sentences:
# ``… miền Nam Myanmar. [Máy bay quân sự của Myanmar chở 116 người bị mất tích] Hãng tin …``.
_INLINE_LINK = re.compile(r"(?<=[.!?…\"”])\s+\[(?:[^\[\].!?\s]+\s){2,}[^\[\].!?\s]+\](?=\s+\S)")
_WIRE_ID = re.compile(r"\s*\[ID:\w{6,16}\]")
# ``1. Cấu trúc``, ``2.1 Thi thử``, ``IV. Kết luận``: a number and its dot (not ``3 hours ago``).
NUMBERED_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}[.)]|[IVX]{1,4}\.)\s+\w")


@dataclass
class Line:
    """One line of text (or several joined), and the number of blank lines before it."""

    text: str
    gap: int = 0
    lead_space: bool = False
    trail_space: bool = False
    indent: int = 0  # columns of space before the text (a tab counts four)

    @property
    def words(self) -> int:
        return len(self.text.split())


def ends_sentence(text: str) -> bool:
    """True when the text ends like a sentence (full stop, ?, !, … maybe inside quotes)."""
    return bool(_SENTENCE_END.search(text))


def strip_inline_links(text: str) -> tuple[str, list[str]]:
    """The text without related stories' headlines set in brackets between its sentences, and
    those headlines."""
    found = [m.group(0).strip() for m in _INLINE_LINK.finditer(text)]
    return (_INLINE_LINK.sub("", text), found) if found else (text, [])


def is_email(text: str) -> bool:
    """A line that is an e-mail address and nothing else."""
    return bool(_EMAIL.fullmatch(text))


def is_list_item(text: str) -> bool:
    return bool(_LIST_ITEM.match(text))


def is_numbered_heading(text: str) -> bool:
    """``1. Cấu trúc đề thi``, ``2.1. Thi thử:``: a short numbered line that is not a sentence."""
    return (
        bool(NUMBERED_HEADING.match(text))
        and len(text.split()) <= 14
        and not ends_sentence(text)
        and not re.match(r"^\d{1,2}\.\d{1,2}\.\d{2,4}\b", text)  # a date, not a heading
    )


def split_units(text: str) -> list[Line]:
    """Non-blank lines as units (NBSP-only lines are blank), link fragments joined."""
    units: list[Line] = []
    gap = 0
    for raw in text.split("\n"):
        if is_blank(raw):
            gap += 1
            continue
        # ``| Caption - Ảnh X |``: the borders of a table cell, from a page that set its
        # photos in tables. A line of borders alone parts paragraphs, as a blank line does.
        text = _WIRE_ID.sub("", _CELL_BORDER.sub("", clean(raw)))
        if not text.strip("| "):
            gap += 1
            continue
        indent = len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())
        units.append(
            Line(text, gap, raw[:1].isspace(), trail_space=raw[-1:].isspace(), indent=indent)
        )
        gap = 0
    return join_fragments(_indented_lists(units))


def _indented_lists(units: list[Line]) -> list[Line]:
    """Two or more indented lines in a row, under a line that is not: a list as a browser
    copies it, each item indented and without its bullet. The items get a bullet when the line
    above ends with a colon or every item is short (indented paragraphs are no list)."""
    k = 1
    while k < len(units):
        end = k
        while end < len(units) and units[end].indent >= 2 and (end == k or units[end].gap == 0):
            end += 1
        run = units[k:end]
        above = units[k - 1]
        short = all(u.words <= 12 for u in run)
        introduced = above.text.endswith(":") and all(u.words <= 60 for u in run)
        if len(run) >= 2 and above.indent < 2 and (short or introduced):
            for unit in run:
                if not is_list_item(unit.text):
                    unit.text = "- " + unit.text
        k = max(end, k + 1)
    return units


def join_fragments(units: list[Line]) -> list[Line]:
    """Join lines that a scraper split off a paragraph (link text, dates, punctuation)."""
    out: list[Line] = []
    for unit in units:
        previous = out[-1] if out else None
        if previous is not None and unit.gap == 0 and _continues(previous, unit):
            glue = "" if _CLOSING_START.match(unit.text) else " "
            previous.text = previous.text + glue + unit.text
            previous.trail_space = unit.trail_space
            continue
        out.append(unit)
    return out


def _continues(previous: Line, unit: Line) -> bool:
    """Whether ``unit`` is the rest of ``previous``'s paragraph rather than a new line."""
    text, before = unit.text, previous.text
    if is_list_item(text) or is_numbered_heading(before) or is_list_item(before):
        return False
    if _LABEL_ALONE.match(before):  # ``Image caption,`` and the caption on the next line
        return True
    if _CLOSING_START.match(text):
        return not (text.startswith(("…", "...")) and len(text) > 3)
    if ends_sentence(before) or is_email(text):
        return False
    if re.match(r"by\s+[A-Z]\S*(?:\s+[A-Z]\S*){0,3}(?:\s|$)", text):
        return False  # ``by Byron`` under the headline: its byline, not its end
    if unit.words <= 12 and not ends_sentence(text) and parse_date_line(before, "en") is not None:
        return False  # a date line, then a headline in lower case: two lines of their own
    if text[:1].islower():
        return True
    if unit.lead_space:
        return True
    if before.endswith(":") and previous.words <= 2 and (previous.trail_space or unit.lead_space):
        return not text.endswith(":")  # ``13h30: `` then ``Tập trung thí sinh``
    short = unit.words <= 5 and not text.endswith(":")
    return previous.trail_space and not before.endswith(":") and short
