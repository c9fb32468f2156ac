"""The top of a scraped article: dates, kicker, title, bylines, a repeated title."""

from __future__ import annotations

import re

from publisher.importers.newstext.boiler import is_comments_heading, is_time_label
from publisher.importers.newstext.bylines import (
    Byline,
    parse_bare_name,
    parse_byline,
    parse_outlet_line,
    split_title_suffix,
)
from publisher.importers.newstext.captions import parse_caption
from publisher.importers.newstext.dates import FoundDate, parse_date_line
from publisher.importers.newstext.draft import ArticleDraft
from publisher.importers.newstext.sourcetags import take_source_tag
from publisher.importers.newstext.units import Line, ends_sentence, is_email
from publisher.model import Figure
from publisher.text import fold

MAX_TITLE_WORDS = 35
# A wire's dateline on its own line: the place in capitals, the day, the agency.
_WIRE_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z .,'-]{2,40}?\s+)?(?P<date>[^()]{6,40}?)\s*\((?P<src>[^()]{1,20})\)$"
)
# A byline's second line: the beat (``Transport correspondent``, ``Phóng viên thường trú``).
_ROLE = re.compile(
    r"(?i)^(?:[\w&-]+\s){0,3}(?:correspondent|reporter|editor|writer|columnist|phóng viên"
    r"(?:\s+thường trú)?)(?:\s+(?:at|in|for)\s+[\w .&-]{2,40})?$"
)


def parse_header(units: list[Line], draft: ArticleDraft) -> int:
    """Fill kicker, title, date and byline from the top; the index where the body starts."""
    i = _skip_meta(units, _skip_menu(units), draft)
    if i >= len(units):
        return i
    if _is_kicker(units, i):
        draft.kicker = units[i].text.rstrip(":： ").strip()
        i = _skip_meta(units, i + 1, draft)
    if i >= len(units):
        return i
    while i + 1 < len(units) and _top_photo(units[i].text, draft):
        i = _skip_meta(units, i + 1, draft)
    if i >= len(units):
        return i
    first = units[i]
    if is_title_like(first.text):
        title = re.sub(r"^#{1,6}\s+", "", first.text)  # a Markdown heading marker
        draft.title, outlet = split_title_suffix(title)
        draft.set_source(outlet)
        i += 1
    elif len(units) == i + 1 and _split_glued(first, draft):
        i += 1
    else:
        draft.title = title_from_text(first.text)
        draft.warn("no title line: the title was made from the opening sentence")
    return _after_title(units, i, draft)


def _top_photo(text: str, draft: ArticleDraft) -> bool:
    """A photo's caption and credit above the title (the page's lead photo): kept as the
    article's first figure. A headline never carries a photo credit."""
    found = parse_caption(text)
    if found is None or not found.caption or not found.credit:
        return False
    draft.figures.append(Figure(caption=found.caption, credit=found.credit, after_paragraph=0))
    return True


def is_title_like(text: str) -> bool:
    """A headline: short, and not a paragraph of sentences or a tagged lead."""
    words = len(text.split())
    if words > MAX_TITLE_WORDS or take_source_tag(text):
        return False
    return not (words > 22 and text.endswith("."))


def date_at(units: list[Line], i: int, language: str) -> tuple[FoundDate, int] | None:
    """A date on line ``i``, or split over up to five short lines (``23\\nJul\\n2012``)."""
    found = parse_date_line(units[i].text, language)
    if found and not found.has_time and i + 1 < len(units) and units[i + 1].words <= 4:
        # ``Chủ nhật, ngày 08 tháng 12 năm 2024`` and ``16:02 (GMT +7)`` on the next line.
        timed = parse_date_line(f"{units[i].text} {units[i + 1].text}", language)
        if timed and timed.has_time and timed.value.date() == found.value.date():
            return timed, 2
    if found:
        return found, 1
    joined, best = units[i].text, None
    for j in range(i + 1, min(i + 5, len(units))):
        if units[j - 1].words > 3 or units[j].words > 3:
            break
        joined += " " + units[j].text
        found = parse_date_line(joined, language)
        if found:
            best = found, j - i + 1  # keep going: the time may be on the next line
        elif best:
            break
    return best


def _skip_meta(units: list[Line], i: int, draft: ArticleDraft) -> int:
    """Past date lines and ``By`` bylines that come before the title."""
    while i < len(units):
        dated = date_at(units, i, draft.language)
        if dated:
            draft.date(dated[0])
            i += dated[1]
            continue
        text = units[i].text
        if is_time_label(text) or is_comments_heading(text):  # ``149comments`` on top
            i += 1
            continue
        labelled = re.match(r"([A-Z][a-z]+(?: [A-Z][a-z]+)??)\s+(\S.*)$", text)
        section_date = parse_date_line(labelled[2], draft.language) if labelled else None
        if labelled and section_date:  # ``Body November 5, 2012, 2:51 pm``: section, then date
            draft.kicker = draft.kicker or labelled[1]
            draft.date(section_date)
            i += 1
            continue
        byline = by_line(text, draft.language)
        if byline is None:
            return i
        draft.byline(byline)
        i += 1
        i += is_role(units, i)
    return i


def by_line(text: str, language: str) -> Byline | None:
    """The byline of a ``By …`` line, or of a date then ``By …`` (``November 2, 2012 10:28 am
    AEST — By Long Zheng``), else None."""
    if re.match(r"(?i)by\s", text):
        return parse_byline(text, language)
    found = parse_byline(text, language) if re.search(r"\b[Bb]y\s+[A-Z]", text) else None
    return found if found is not None and found.date is not None and found.authors else None


def is_role(units: list[Line], i: int) -> int:
    """1 when line ``i`` is the role under a byline (``Transport correspondent``), else 0."""
    return int(i < len(units) and bool(_ROLE.match(units[i].text)))


def _skip_menu(units: list[Line]) -> int:
    """Past a site's menu saved above the article: three or more lines of a word or two each
    (``Home``, ``News``, ``Sport``) before a longer line."""
    run = 0
    while run < len(units) and units[run].words <= 2 and not ends_sentence(units[run].text):
        if date_at(units, run, "en") or re.search(r"\d", units[run].text):
            break
        run += 1
    return run if run >= 3 and run < len(units) else 0


def _is_kicker(units: list[Line], i: int) -> bool:
    """A short line ending in ``:`` (or a short capitalised label) right above the title."""
    if i + 1 >= len(units):
        return False
    text, after = units[i].text, units[i + 1]
    if not is_title_like(after.text) or re.match(r"(?i)(?:by|theo)\s", after.text):
        return False
    if parse_byline(after.text, "en") is not None or parse_date_line(after.text, "en"):
        return False  # the line below is the byline or the date: this one is the title
    if after.words > 15 and ends_sentence(after.text):
        return False  # the line below is a lead, so this one is the title
    if text.endswith((":", "：")) and units[i].words <= 12:
        return True
    letters = re.sub(r"[^\w]", "", text)
    if units[i].words <= 4 and letters.isupper() and not letters.isdigit():
        return True
    # A section label (``Environment``) above a longer headline that is not a sentence.
    return (
        units[i].words <= 2
        and text[:1].isupper()
        and not ends_sentence(text)
        and not re.search(r"\d", text)
        and after.words >= 4
        and is_title_like(after.text)
        and not ends_sentence(after.text)
    )


def _after_title(units: list[Line], i: int, draft: ArticleDraft) -> int:
    """Dates, bylines and a repeated title between the title and the text."""
    start = i
    while i < len(units) and i - start < 6:
        unit = units[i]
        dated = date_at(units, i, draft.language)
        if dated:
            draft.date(dated[0])
            i += dated[1]
            continue
        byline = parse_byline(unit.text, draft.language)
        if byline is None and i == start and not draft.authors:
            byline = parse_bare_name(unit.text)
            if byline is not None and i + 1 < len(units):
                draft.warn(f"a line with only a name taken as the byline: {unit.text!r}")
            elif byline is not None:
                byline = None
        if byline is not None and (byline.authors or byline.source):
            draft.byline(byline)
            i += 1 + is_role(units, i + 1)
            continue
        if is_time_label(unit.text) or _is_top_furniture(unit.text):
            i += 1
            continue
        if _FIELDS.match(unit.text):
            _read_fields(unit.text, draft)
            i += 1
            continue
        wire = _WIRE_DATELINE.match(unit.text)
        wire_date = parse_date_line(wire["date"], draft.language) if wire else None
        if wire and wire_date:  # ``PHILADELPHIA July 24, 2012 (AP)``
            draft.date(wire_date)
            draft.set_source(wire["src"])
            i += 1
            continue
        if re.match(r"(?i)by\s", unit.text) and unit.words <= 5 and not ends_sentence(unit.text):
            # ``By SportsDayDFW sports``: a byline of no one's name (a desk, a handle).
            draft.warn(f"skipped a byline with no name in it: {unit.text!r}")
            i += 1
            continue
        # An outlet alone under the byline or the date (``The Canadian Press``).
        outlet = parse_outlet_line(unit.text) if draft.authors or draft.published else ""
        if outlet:
            draft.set_source(outlet)
            i += 1
            continue
        if draft.title and _repeats(unit.text, draft.title):
            i += 1
            continue
        if not draft.standfirst and _meta_follows(units, i + 1, draft.language):
            draft.standfirst = unit.text  # the summary some sites print above the byline
            i += 1
            continue
        break
    return i


_FIELDS = re.compile(
    r"(?i)^(?:(?:date|author|by|category|section)\s*:\s*[^|]+?\s*(?:\||$)\s*){2,}$"
)


def _read_fields(text: str, draft: ArticleDraft) -> None:
    """``Date:November 2, 2012 | Category:Tips & Advice | Author:Jane Doe``: a blog's labels."""
    for field in text.split("|"):
        label, _, value = field.partition(":")
        label, value = label.strip().casefold(), value.strip()
        if label == "date":
            draft.date(parse_date_line(value, draft.language))
        elif label in ("author", "by"):
            found = parse_bare_name(value) or parse_byline(f"By {value}", draft.language)
            if found is not None:
                draft.byline(found)


def _is_top_furniture(text: str) -> bool:
    """Under the headline: the link to the comments (``comments ()``, ``12 Comments``), the
    writer's address alone (``desk@paper.com``), a row of share counters (``0 (0) 0 SHARE``)."""
    return (
        is_comments_heading(text)
        or is_email(text)
        or bool(re.fullmatch(r"(?i)[\d\s()]*(?:shares?|tweets?|likes?|comments?)[\d\s()]*", text))
    )


def _meta_follows(units: list[Line], i: int, language: str) -> bool:
    """Whether a byline or date line comes next (so the line before it is a standfirst)."""
    if i >= len(units):
        return False
    text = units[i].text
    return parse_byline(text, language) is not None or date_at(units, i, language) is not None


def _repeats(text: str, title: str) -> bool:
    """A line that repeats the title (or its start), as video players and teasers do."""
    a, b = fold(text).strip(" .:"), fold(title).strip(" .:")
    if len(a.split()) < 3:
        return False
    return a == b or b.startswith(a) or (a.startswith(b) and len(a) < len(b) + 10)


def title_from_text(text: str) -> str:
    """A title from the opening sentence of a paragraph (at most 16 words)."""
    tagged = take_source_tag(text)
    if tagged:
        text = tagged[1]
    sentence = re.split(r"(?<=[.!?…])\s+(?=[A-ZĐÀ-Ỹ\"“])", text, maxsplit=1)[0]
    if len(sentence.split()) <= 16:
        return sentence.rstrip(".")
    clause = ""
    for part in sentence.split(", "):  # whole clauses read better than a cut mid-phrase
        longer = f"{clause}, {part}" if clause else part
        if len(longer.split()) > 16:
            break
        clause = longer
    if len(clause.split()) >= 6:
        return clause
    return " ".join(sentence.split()[:12]).rstrip(",;:") + "…"


def _split_glued(unit: Line, draft: ArticleDraft) -> bool:
    """One line holding the title and the lead run together: guess where the title ends."""
    words = unit.text.split()
    best, best_score = None, None
    for k in range(6, min(len(words) - 8, 26)):
        word, following = words[k], words[k + 1 : k + 3]
        if not word[:1].isupper() or not all(w[:1].islower() for w in following):
            continue
        if ends_sentence(words[k - 1]) or words[k - 1].endswith(","):
            continue
        score = abs(k - 12)
        if best_score is None or score < best_score:
            best, best_score = k, score
    if best is None:
        return False
    draft.title = " ".join(words[:best])
    draft.lead = " ".join(words[best:])
    draft.warn("title and lead on one line: the split between them was guessed")
    return True
