"""The end of a scraped article: the byline and whatever the page put after it (notes,
related-article lists, reader comments), and page furniture anywhere in the text."""

from __future__ import annotations

import re

from publisher.importers.newstext import boiler
from publisher.importers.newstext.bylines import Byline, parse_bare_name, parse_byline
from publisher.importers.newstext.captions import Caption, is_credit_only, parse_caption
from publisher.importers.newstext.dates import parse_date_line
from publisher.importers.newstext.draft import ArticleDraft
from publisher.importers.newstext.units import Line, ends_sentence, is_list_item

_GLUED_THEO = re.compile(
    r"(?<=[\w.!?…\"”);])\s+(?=(?:Theo|Nguồn\s*:?|Source\s*:)\s+[A-ZĐÀ-Ỹ][^.!?]{1,60}$)"
)
# Agencies' credit line in parentheses after the last sentence: ``(Reporting by Jane Doe)``.
_GLUED_CREDIT = re.compile(
    r"(?<=[.!?…\"”])\s*\((?P<credit>(?:(?:additional )?reporting|writing|text|story) by"
    r" [^()]{2,160})\)\s*$",
    re.I,
)
# Two to four capitalised words after the last sentence, nothing after them: a signature.
_GLUED_NAME = re.compile(r"(?<=[.!?…\"”])\s+(?P<name>(?:[A-ZĐÀ-Ỹ][\w'’.-]*\s?){2,4})$")


def strip_page(units: list[Line], draft: ArticleDraft) -> list[Line]:
    """Drop widget, share and copyright lines; take the keywords from keyword lines, and the
    kicker from a breadcrumb above the title (``Trang chủ > Thời sự > Giao thông``)."""
    for unit in units[:3]:
        section = boiler.breadcrumb_section(unit.text)
        if section:
            draft.kicker = draft.kicker or section
            break
    kept = [u for u in units if not boiler.is_widget(u.text)]
    out: list[Line] = []
    i = 0
    while i < len(kept):
        words = boiler.keyword_line(kept[i].text)
        if words is None:
            # A line the page printed twice in a row (an image's alt text and its caption, a
            # title and its copy): the text is kept once.
            if not (out and kept[i].text == out[-1].text and kept[i].words >= 4):
                out.append(kept[i])
            i += 1
            continue
        i += 1
        if not words:  # tags may follow an empty label, one per line, to the end of the block
            j = i
            while j < len(kept) and kept[j].gap == 0 and kept[j].words <= 5:
                j += 1
            if j == len(kept) or kept[j].gap >= 2:
                words = [u.text for u in kept[i:j] if not ends_sentence(u.text)]
                i = j
        draft.keywords.extend(w for w in words if w not in draft.keywords)
    return out


def take_trailing_lead(units: list[Line]) -> tuple[list[Line], Line | None]:
    """The lead some scrapers put last, after a wider gap than any other in the text."""
    if len(units) < 4:
        return units, None
    last = units[-1]
    widest = max(u.gap for u in units[1:-1])
    wide = last.gap >= 2 and last.gap > widest
    if wide and last.words >= 8 and ends_sentence(last.text) and not _is_meta(last.text):
        return units[:-1], last
    return units, None


def _is_meta(text: str) -> bool:
    return parse_byline(text, "vi") is not None or boiler.is_comment_meta(text)


# Marks Vietnamese newsrooms leave alone on the last line: "(T/h)" says the piece was compiled
# from other outlets (no one's name, no outlet's); "PV" (phóng viên) stands for a staff
# reporter, which is a byline.
# "St" (sưu tầm) says it was collected from elsewhere.
_COMPILED = re.compile(r"(?i)^\(?\s*(?:t\s*/\s*h|th|tổng\s+hợp|st|sưu\s+tầm)\s*\)?\.?$")
# The same marks glued after the last sentence: ``… để ngày mai tính... St``.
_GLUED_MARK = re.compile(r"(?<=[.!?…\"”])\s+\(?(?:T/h|St|Tổng hợp|Sưu tầm)\)?\.?$")
# A series' marks: ``(Còn nữa)``, ``(Còn tiếp)``, ``(Hết)``, ``(Kỳ sau: …)``, ``(To be continued)``.
_SERIES = re.compile(
    r"(?i)^\(\s*(?:còn nữa|còn tiếp|hết|kỳ sau|kỳ tới|bài sau|bài tới|đón đọc kỳ|to be continued"
    r"|continued (?:on|next)|next week)\b[^()]{0,80}\)\.?$"
)
_REPORTER = re.compile(r"^\(?(?:PV|Nhóm PV|P\.V\.?)\)?\.?$")
_END_MARK = re.compile(r"\.?\s*/\s*\.\s*$")
# ``Jane Roe is a transport reporter for the City Times.`` ending an article: who wrote it.
_BIO = re.compile(
    r"^(?P<name>(?:[A-ZĐÀ-Ỹ][\w'’.-]*\s){1,3}[A-ZĐÀ-Ỹ][\w'’.-]*) (?:is|was) (?:an? |the )"
    r"[^.!?]{0,60}\b(?:reporter|correspondent|writer|editor|columnist|journalist|contributor"
    r"|photographer|freelancer)\b[^.!?]{0,80}\.(?:\s+\S.{0,120})?$"
)
# ``Associated Press writer Tran Van Minh in Hanoi contributed to this report.``
_CONTRIBUTED = re.compile(
    r"^[^.!?]{3,160}\b(?:contributed|contributing)\b(?: reporting)?(?: to)?"
    r" (?:this|the) (?:report|story|article)\.?$",
    re.I,
)


# ``This story has been corrected to show …``, ``A version of this article appears in print on
# …``: the editors' notes on the piece, not its text.
_CORRECTED = re.compile(
    r"(?i)^(?:(?:this|the|an earlier version of this) (?:story|article|report|version)"
    r" (?:has been|was|had been|is) (?:corrected|updated|changed|amended|clarified)\b.{0,240}"
    r"|a version of this (?:article|story) appear(?:s|ed) in print\b.{0,300}"
    r"|readers (?:may|can) (?:submit|send|e-?mail|write)\b.{0,200})$"  # a column's mailbox
)
# How to reach the author, and where the piece first ran: notes that end English articles.
_REACHED = re.compile(
    r"^(?P<name>(?:[A-Z][\w'’.-]*\s){1,3}[A-Z][\w'’.-]*) (?:can be|may be) (?:reached|contacted)"
    r" (?:at|by|on) (?=.*(?:\S@\S|\d{3}[-.\s]\d{4}|@\w)).{3,160}$"  # an address or a number
)
_CONTACT = re.compile(
    r"^(?:contact|email|e-mail|reach|write to) (?:(?:the )?(?:reporter|writer|author|columnist)"
    r" )?(?P<name>(?:[A-Z][\w'’.-]*\s?){1,4}) at \S+@\S+.{0,120}$",
    re.I,
)
_ORIGINALLY = re.compile(
    r"^(?:this|the) (?:article|story|piece|report) (?:was )?(?:originally|first) (?:appeared"
    r"|published|ran) (?:in|on|at|by) (?P<source>[^.!?]{2,60}?)"
    r"(?: under the (?:headline|title) .{2,200})?\.?$",
    re.I,
)


def strip_marks(body: list[Line], draft: ArticleDraft) -> list[Line]:
    """The body without the editorial marks left as its last lines (``(T/h)``, ``PV``), the
    agencies' end mark ``./.`` and their note of who else reported."""
    body = list(body)
    while len(body) > 1:
        text = body[-1].text.strip()
        if _COMPILED.match(text):
            draft.warn(f"dropped the mark {text!r} (compiled from other sources) at the end")
        elif _SERIES.match(text):
            draft.warn(f"dropped the series' mark {text[:60]!r} at the end")
        elif _CORRECTED.match(text):
            draft.warn(f"dropped the editors' note: {text[:60]!r}")
        elif _REPORTER.match(text):
            draft.byline(Byline(authors=["PV"]))
        elif _CONTRIBUTED.match(text):
            draft.warn(f"dropped the note of who else reported: {text[:60]!r}")
        elif (note := _REACHED.match(text) or _CONTACT.match(text)) and parse_bare_name(
            note["name"].strip()
        ) is not None:
            draft.byline(Byline(authors=[note["name"].strip()]))
            draft.warn(f"dropped the note of how to reach the author: {text[:60]!r}")
        elif first := _ORIGINALLY.match(text):
            draft.set_source(first["source"].strip())
            draft.warn(f"took the source from the note of where the piece first ran: {text[:60]!r}")
        elif (bio := _BIO.match(text)) and parse_bare_name(bio["name"]) is not None:
            draft.byline(Byline(authors=[bio["name"]]))
            draft.warn(f"took the byline from the note about the author: {text[:60]!r}")
        else:
            break
        body.pop()
    if body and _GLUED_MARK.search(body[-1].text):
        mark = _GLUED_MARK.search(body[-1].text)
        assert mark is not None
        draft.warn(
            f"dropped the mark {mark.group(0).strip()!r} (compiled from other sources) at the end"
        )
        body[-1] = Line(body[-1].text[: mark.start()], body[-1].gap)
    if body and _END_MARK.search(body[-1].text):  # TTXVN's "end of dispatch": ``dự án./.``
        body[-1] = Line(_END_MARK.sub(".", body[-1].text), body[-1].gap)
    return body


def split_footer(body: list[Line], language: str) -> tuple[list[Line], list[Line]]:
    """The body before the article's end, and the end (byline, notes, lists, comments)."""
    body = _unglue_last(body, language)
    # Where a comment section or a related list opens: what is near the article's end is
    # near it, however long the comments below.
    end = next((k for k, u in enumerate(body) if k and _opens_section(u.text)), len(body))
    for idx in range(1, len(body)):
        if _starts_footer(body, idx, language, end):
            return body[:idx], body[idx:]
    return body, []


def apply_footer(footer: list[Line], draft: ArticleDraft, paragraphs: int) -> None:
    """Bylines, dates and credits from the end of the article; the rest is dropped."""
    dropped: list[str] = []
    section = ""
    for unit in footer:
        text = unit.text
        if boiler.is_comments_heading(text) or (
            section != "related" and boiler.is_comment_meta(text)
        ):
            section = "comments"
        elif boiler.related_heading(text) == "bare":
            section = "related"
        if section == "comments" or boiler.related_heading(text):
            continue
        found = _footer_byline(text, draft.language, unit is footer[0])
        credit = parse_caption(text)
        dated = parse_date_line(text, draft.language)
        if dated is not None:
            draft.date(dated)
        elif found is not None:
            draft.byline(found)
        elif is_credit_only(credit):
            draft.figures.append(_credit_figure(credit, paragraphs))
        elif section != "related" or not boiler.is_link_title(text):
            dropped.append(text)
    if dropped:
        sample = dropped[0] if len(dropped[0]) <= 60 else dropped[0][:57] + "..."
        draft.warn(f"dropped {len(dropped)} line(s) after the article's byline: {sample!r}")


def _starts_footer(body: list[Line], idx: int, language: str, end: int) -> bool:
    text = body[idx].text
    if idx == end:
        return True
    if boiler.is_comment_meta(text) and idx >= len(body) // 2:
        return True
    found = parse_byline(text, language)
    if found is not None and _in_list(body, idx):
        found = None  # ``– Zoom Length`` among other dashed lines: a list, not a signature
    if found is not None and (found.authors or found.source):
        late = idx >= len(body) // (2 if re.match(r"(?i)by\s", text) else 3)
        return late or all(_footerish(u.text, language) for u in body[idx + 1 :])
    if end - 3 <= idx < end and parse_date_line(text, language) is not None:
        # A paragraph after it: the time of a live report's entry, not the article's end.
        return not any(u.words >= 8 and ends_sentence(u.text) for u in body[idx + 1 : end])
    if parse_bare_name(text) is not None:
        rest = body[idx + 1 :]
        ends = [k for k, u in enumerate(rest) if _opens_section(u.text)]
        return all(_footerish(u.text, language) for u in rest[: ends[0] if ends else None])
    return False


def _in_list(body: list[Line], idx: int) -> bool:
    """Line ``idx`` is a list item with another item right above or below it."""
    near = [body[k] for k in (idx - 1, idx + 1) if 0 <= k < len(body)]
    return is_list_item(body[idx].text) and any(u.gap == 0 and is_list_item(u.text) for u in near)


def _opens_section(text: str) -> bool:
    return boiler.related_heading(text) == "bare" or boiler.is_comments_heading(text)


def _footerish(text: str, language: str) -> bool:
    """Lines that may follow a bare-name byline at the end of an article."""
    return (
        is_credit_only(parse_caption(text))
        or parse_date_line(text, language) is not None
        or parse_byline(text, language) is not None
        or boiler.related_heading(text) is not None
        or boiler.is_comments_heading(text)
    )


def _footer_byline(text: str, language: str, first: bool) -> Byline | None:
    found = parse_byline(text, language)
    if found is None and first:
        found = parse_bare_name(text)
    if found is not None and (found.authors or found.source or found.date):
        return found
    return None


def _unglue_last(body: list[Line], language: str) -> list[Line]:
    """Split a byline glued to the end of the last paragraph: ``... mới. Theo Lyn (Khám
    Phá)``, ``... said. (Reporting by Jane Doe; Editing by John Roe)``, or a name alone after
    the last sentence (``... thí điểm. Minh Châu``)."""
    if not body:
        return body
    last = body[-1]
    credits = _glued_credits(last.text, language)
    if credits is not None:
        return [*body[:-1], Line(credits[0], last.gap), *(Line(c, 0) for c in credits[1:])]
    parts = _GLUED_THEO.split(last.text)
    if len(parts) >= 2 and parse_byline(parts[-1], language) is not None:
        head = " ".join(parts[:-1]).strip()
        return [*body[:-1], Line(head, last.gap), Line(parts[-1], 0)]
    credit = _GLUED_CREDIT.search(last.text)
    if credit and parse_byline(credit["credit"], language) is not None:
        return [*body[:-1], Line(last.text[: credit.start()].rstrip(), last.gap),
                Line(credit["credit"], 0)]  # fmt: skip
    name = _GLUED_NAME.search(last.text)
    head = last.text[: name.start()].rstrip() if name else ""
    if name and len(head.split()) >= 8 and parse_bare_name(name["name"]) is not None:
        return [*body[:-1], Line(head, last.gap), Line(name["name"], 0)]
    return body


def _glued_credits(text: str, language: str) -> list[str] | None:
    """The last sentence, then each credit glued after it (``Hòa Bình (theo Sputnik)``,
    ``Trung Hiếu/VOV.VN Theo New York Post``, a name and a dash), when every one reads as a
    byline."""
    if parse_caption(text) is not None:  # ``Clip: … (Nguồn: Cảnh Tuấn)`` credits a video
        return None
    # A link to more, glued between the last sentence and the byline: ``… này Xem thêm Video
    # Công Tuấn``.
    text = re.sub(
        r"\s+(?:xem thêm|xem video|mời xem)(?:\s+(?:video|ảnh|clip))?"
        r"(?=\s+[A-ZĐÀ-Ỹ]\S*(?:\s+[A-ZĐÀ-Ỹ]\S*){0,3}$)",
        ".",
        text,
        flags=re.I,
    )
    words = text.split()
    cut = len(words)
    while cut > 0 and not ends_sentence(words[cut - 1]):
        cut -= 1
    if cut < 8 or not 1 <= len(words) - cut <= 15:
        return None
    parts: list[str] = []
    for part in _credit_runs(words[cut:]):
        # ``* Anh Tuấn``, ``Minh Quang -``, ``PV/VOV.VN (ghi)`` (who took it down).
        part = re.sub(
            r"^\*\s*|\s+[-–—]$|\s*\((?:ghi|ghi lại|lược dịch|dịch|biên dịch)\)$", "", part
        )
        part = part.strip()
        # A credit said twice, top and bottom of the page, glued to the one before it.
        again = next((p for p in parts if part.endswith(" " + p)), "")
        parts += [part[: -len(again)].strip(), again] if again else [part]
    if not all(parse_byline(p, language) or parse_bare_name(p) for p in parts):
        return None
    return [" ".join(words[:cut]), *parts]


def _credit_runs(words: list[str]) -> list[str]:
    """Credits glued in a row, divided before ``Theo`` and after a ``Name/Outlet``."""
    runs: list[list[str]] = [[]]
    for at, word in enumerate(words):
        if word == "Theo" and runs[-1]:
            runs.append([])
        if word.startswith("(") and any(runs):
            (runs[-1] or runs[-2]).append(word)  # a note in brackets: the credit before it
            continue
        named = [w for w in runs[-1] if not w.startswith("(")]
        # After a ``Name/Outlet``, a new credit only when another ``Name/Outlet`` follows;
        # else the outlet's name goes on (``Phan Long/Báo Tin Tức``).
        more = any("/" in w.strip("/") for w in words[at:])
        if named and "/" in named[-1].strip("/") and more:
            runs.append([])
        runs[-1].append(word)
    return [" ".join(run) for run in runs if run]


def _credit_figure(credit: Caption | None, paragraphs: int):
    from publisher.model import Figure

    assert credit is not None
    return Figure(caption="", credit=credit.credit, after_paragraph=paragraphs)
