"""Photo captions and credits: ``… ảnh: Kim Nhung``, ``(Ảnh: X)``, ``Photo: X``, ``Nguồn: X``,
``(Photo by X/Getty Images)``, credits glued to the caption, and credit-only lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from publisher.importers.newstext.units import ends_sentence

_LABEL = (
    r"(?:ảnh|hình|hình ảnh|photo|photos|photograph|photographer|picture|pic|image|credit"
    r"|illustration|graphic|đồ họa|đồ hoạ|nguồn ảnh|nguồn video|nguồn clip|nguồn|source)"
)
_AGENCY = (
    r"(?:Getty Images|Agence France-Presse|Associated Press|Reuters|REUTERS|AFP|EPA|Bloomberg"
    r"|The New York Times|European Pressphoto Agency|AP Photo|Shutterstock|TTXVN|VNA)"
)
_PAREN_CREDIT = re.compile(
    rf"^(?P<caption>.*?)\s*[(\[]\s*(?P<label>{_LABEL})\s*(?:by\s*)?[:/]?\s*"
    r"(?P<credit>[^()\[\]]{1,80})"
    r"[)\]]\s*\.?$",
    re.I,
)
# ``(AP Photo/Ben Lim)``: the agency's own form, in brackets.
_PAREN_AGENCY = re.compile(
    r"^(?P<caption>.*?)\s*[(\[]\s*(?P<credit>(?:AP|AFP|EPA|Reuters|REUTERS) Photo/[^()\[\]]{2,60})"
    r"[)\]]\s*\.?$"
)
_COLON_CREDIT = re.compile(
    rf"^(?P<caption>(?:.*?(?:[.!?…)\"”’]|(?P<dash>\s[-–—|]))\s*)?)(?P<label>{_LABEL})\s*:\s*"
    r"(?P<credit>(?:[^.!?]|\.(?=[a-z]{2}))+?)\s*\.?$",  # a site's name may have dots
    re.I,
)
_NOTE_CREDIT = re.compile(
    r"^(?P<caption>.*?[.!?…)\"”’]?)\s*"
    r"(?P<credit>(?:Ảnh|Hình|Hình ảnh) (?:minh họa|minh hoạ|cắt từ (?:clip|video)"
    r"|chụp (?:từ )?(?:màn hình|clip|video)|tư liệu|internet|NVCC|nhân vật cung cấp"
    r"|do [^.!?]{2,40} cung cấp))\.?$",
    re.I,
)
# ``Ein Artikel im Extrablatt © Ivo Mayr / Correctiv``: a copyright sign before the credit.
_COPYRIGHT_CREDIT = re.compile(r"^(?P<caption>.*?)\s*(?:©|\(c\))\s*(?P<credit>[^©\s][^©]{1,60})$")
# ``The mayor at city hall.Credit...Jane Roe for The New York Times``
_CREDIT_DOTS = re.compile(r"^(?P<caption>.*?)\s*Credit(?:\.\.\.|…)\s*(?P<credit>\S.{1,80})$")
# American papers' credits: ``(Staff photo by Tom Baker)``, ``(Contributed photo)``,
# ``Photo courtesy of Hill School``, ``(Ansel Adams photo)``, ``Submitted photo``.
_KIND_CREDIT = (
    r"(?:(?:staff|file|contributed|submitted|courtesy|handout|special|pool) photo(?:graph)?"
    r"(?: by [^()]{2,60})?|photo(?:graph)? courtesy(?: of)? [^()]{2,60}|courtesy of [^()]{2,60})"
)
_US_CREDIT = re.compile(
    rf"^(?P<caption>(?:.*?[.!?…\"”’])?)\s*(?:\((?:(?P<kind>{_KIND_CREDIT})"
    r"|(?P<name>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}) photo)\)"
    rf"|(?P<bare>{_KIND_CREDIT}))\s*\.?$",
    re.I,
)
# ``Photo by Sara Bjork``, ``The pier at dawn. Photos by Jane Roe/The Ledger``.
_BY_CREDIT = re.compile(
    r"^(?P<caption>(?:.*?[.!?…\"”’])?)\s*(?:(?:top|lead|header|featured|cover|main)\s+)?"
    r"(?:photos?|photographs?|images?|pictures?|illustration)"
    r"\s+by\s+(?P<credit>[A-Z][^.!?]{1,60}?)\.?$",
    re.I,
)
# ``… tại hội nghị ẢNH: NGỌC DƯƠNG``: a label and credit in capitals, straight after the caption.
_CAPITALS_CREDIT = re.compile(
    r"^(?P<caption>\S.{8,}?)\s+(?:ẢNH|HÌNH|PHOTO|PHOTOS)\s*:\s*(?P<credit>[^\W\d_][^.!?:;]{1,60}?)\.?$"
)
_AGENCY_CREDIT = re.compile(
    rf"^(?P<caption>.*?[.!?…)\"”’])\s*(?P<credit>(?:AP Photo|Photo|REUTERS|AFP|EPA)/[^.]{{2,60}}"
    rf"|[A-Z][\w.'’ -]{{1,40}}/{_AGENCY}[\w /]{{0,30}})\.?$"
)
# ``Đội ngũ phóng viên - Ảnh HN cung cấp``, ``The harbour – Photo Jane Roe``: a label after a
# dash, without a colon. Label and credit start with capitals: ``- ảnh hưởng`` is no credit,
# and ``ảnh`` alone is also a pronoun.
_DASH_CREDIT = re.compile(
    r"^(?P<caption>\S.{8,}?)\s*[-–—|]\s+(?:Ảnh|ẢNH|Hình|Photos?|PHOTO|Picture)(?:\s+by)?"
    r"\s+(?P<credit>[^\W\d_][^.!?:;]{0,60}?)\s*\.?$"
)
_GLUED_CREDIT = re.compile(
    rf"^(?P<caption>.{{10,}}?[.!?”’])(?P<credit>[A-Z][^.!?]{{1,80}}?{_AGENCY}(?: via {_AGENCY})?)"
    r"(?P<rest>[A-Z\"“].*)?$"
)
# BBC-style pairs: ``Image copyright Getty Images`` then ``Image caption The bridge...``.
_IMAGE_CREDIT = re.compile(
    r"^(?:image|photo|picture) (?:copyright|source|credit)\s*[:,]?\s+(?P<credit>.{1,80})$", re.I
)
_IMAGE_CAPTION = re.compile(r"^(?:image|photo|picture) caption\s*[:,]?\s+(?P<caption>.+)$", re.I)
_VIDEO = re.compile(r"^(?:video|clip)\s*:\s*\S", re.I)
_PHOTO_WORDS = re.compile(
    r"^(?:(?:this|in this|an?|the)\s+)?(?:(?:undated|file|handout|recent|aerial)\s+)*"
    r"(?:photo|picture|image|photograph)\b.*\b(?:shows?|taken|provided|released|made)\b"
    r"|^(?:\(?từ\s+)?trái sang(?: phải)?\s*[:,)]|^\(?(?:from left|left to right|l-r)\s*[:,)]"
    r"|\((?:pictured|left|right|center|centre|L|R|C|bên trái|bên phải|trái|phải|giữa"
    r"|thứ (?:\w+ )?từ (?:trái|phải)(?: sang)?)\)",
    re.I,
)


_PHOTO_TAIL = re.compile(r"(?<=[.!?…\"”])\s*(?:Photos?|Ảnh|Hình)\s*:\s*(?P<credit>[^.!?]{1,120})$")


# Captions inside a paragraph, where a page's figures were flattened into its text:
# ``… lượt về. Fellaini mở tỷ số. (Nguồn: Daily Mail) Tuy nhiên, …`` and
# ``… trên xa lộ. Ảnh: Velez. Kênh Fox 11 …``: a credit between two sentences, its caption the
# sentence before it.
_INLINE_PAREN = re.compile(
    rf"\s*[(\[]\s*{_LABEL}(?:\s*:\s*|\s+(?-i:(?=[A-ZĐ])))(?P<credit>[^()\[\]]{{1,60}})[)\]]:?\s+",
    re.I,
)
# The credit ends at its full stop; without one (``Ảnh: Reuters Trong khi …``) only a credit
# that cannot run into the next sentence: an agency, initials in capitals, a stock phrase.
_INLINE_COLON = re.compile(
    r"(?<=[.!?…\"”])\s+(?:(?P<stock>(?:Ảnh|Hình) minh (?:họa|hoạ))|Ảnh|Hình|Photos?)\s*:\s*"
    r"(?:(?P<initials>[A-ZĐ]\.[A-ZĐ](?:\.[A-ZĐ])*)\.?(?=\s)|(?P<credit>[^.!?:;()\[\]]{1,50}?)\."
    rf"|(?P<bare>{_AGENCY}|[A-ZĐ]{{2,6}}|[Nn]hân vật cung cấp|NVCC|[Ii]nternet)(?=\s))\s+"
)
# A stock photo's note in the middle of the text: ``… bản thân ta (Ảnh minh họa) Cô hỏi …``
# (the caption before it), ``… nhớ đến. Ảnh minh họa Sau nhiều lần …`` (no caption).
_INLINE_NOTE = re.compile(
    r"\s*\((?P<credit>(?:Ảnh|Hình|ảnh|hình) minh (?:họa|hoạ))\)\s+"
    r"|(?<=[.!?…\"”])\s+(?P<alone>(?:Ảnh|Hình) minh (?:họa|hoạ))\.?\s+"
)
# ``Ảnh minh họa. Nguồn: VTV Cụ thể, …``, ``Ảnh minh họa - Internet Tấn công …``: a stock
# photo's note opening the text. Without a full stop after it, the credit is one word.
_OPENING_NOTE = re.compile(
    r"^(?P<caption>(?:Ảnh|Hình) (?:minh (?:họa|hoạ)|tư liệu))"
    r"(?:\s*[.,]\s*(?:nguồn|source)\s*:?\s*|\s+[-–—]\s+)(?P<credit>[^\s.,:;]{2,30})\.?\s+",
    re.I,
)
_SENTENCE_BREAK = re.compile(r"[.!?…][\"”’)]?\s+(?=[\"“]?[^\W\d_])")


@dataclass(frozen=True)
class Caption:
    """A figure's caption (may be empty) and credit (may be empty)."""

    caption: str
    credit: str


def parse_caption(text: str) -> Caption | None:
    """The caption and credit in a line, when the line is a photo caption with a credit."""
    if len(text.split()) > 70:
        return None
    labelled = _IMAGE_CREDIT.match(text)
    if labelled:
        return Caption("", _tidy_credit(labelled.group("credit")))
    labelled = _IMAGE_CAPTION.match(text)
    if labelled:
        return Caption(labelled.group("caption").strip(), "")
    for pattern in (_PAREN_AGENCY, _PAREN_CREDIT, _NOTE_CREDIT, _AGENCY_CREDIT, _COLON_CREDIT):
        match = pattern.match(text)
        if match and _credit_ok(match.group("credit")):
            caption = match.group("caption").strip()
            dashed = pattern is _COLON_CREDIT and match.group("dash")  # ``… đồ đạc – Ảnh: X``
            if dashed:
                # A photo's credit after a short caption; ``… – Nguồn: Bộ Y tế`` after a
                # sentence names where a figure in the text came from: it stays text.
                photo = match.group("label").lower() not in ("nguồn", "source")
                if not photo or len(caption.split()) > 30:
                    continue
                caption = caption[:-1].rstrip()
            if pattern is _NOTE_CREDIT:
                caption = re.sub(r"\s*[-–—|]$", "", caption)  # ``… – Ảnh NVCC``
            unended = caption and not (ends_sentence(caption) or caption[-1] in ')"”’')
            if unended and pattern is _COLON_CREDIT and not dashed:
                continue  # ``Tiếng Anh: ...`` mid-sentence is no credit
            cited = pattern is _COLON_CREDIT and match.group("label").lower() in ("nguồn", "source")
            if cited and len(caption.split()) > 30:
                continue  # a paragraph ending with where it came from: the footer's to read
            return Caption(caption, _tidy_credit(match.group("credit")))
    signed = _COPYRIGHT_CREDIT.match(text)
    if (
        signed
        and (signed["credit"][0].isupper() or signed["credit"][0].isdigit())  # not ``(c) play``
        and _credit_ok(signed["credit"])
        and len(signed["credit"].split()) <= 8
    ):
        return Caption(signed["caption"].strip(), _tidy_credit(signed["credit"]))
    dots = _CREDIT_DOTS.match(text)
    if dots and _credit_ok(dots["credit"]):
        return Caption(dots["caption"].strip(), _tidy_credit(dots["credit"]))
    american = _US_CREDIT.match(text)
    if (
        american
        and _credit_ok(american["name"] or american["kind"] or american["bare"])
        and "," not in (american["bare"] or "")  # ``Courtesy of the mayor, everyone ate``
    ):
        credit = american["name"] or american["kind"] or american["bare"]
        return Caption(american["caption"].strip(), _tidy_credit(credit[:1].upper() + credit[1:]))
    by = _BY_CREDIT.match(text)
    if by and by["credit"][0].isupper() and _credit_ok(by["credit"]):
        return Caption(by["caption"].strip(), _tidy_credit(by["credit"]))
    capitals = _CAPITALS_CREDIT.match(text)
    if (
        capitals
        and capitals["credit"].isupper()
        and not capitals["caption"].isupper()  # a headline in capitals about a photo contest
        and _dash_credit_ok(*capitals.group(1, 2))
    ):
        return Caption(capitals["caption"].strip(), _tidy_credit(capitals["credit"]))
    dashed = _DASH_CREDIT.match(text)
    if dashed and _dash_credit_ok(dashed.group("caption"), dashed.group("credit")):
        return Caption(dashed.group("caption").strip(), _tidy_credit(dashed.group("credit")))
    glued = _GLUED_CREDIT.match(text)
    if glued:
        return Caption(glued.group("caption").strip(), _tidy_credit(glued.group("credit")))
    return None


def is_credit_only(found: Caption | None) -> bool:
    return found is not None and not found.caption


def looks_like_caption(text: str) -> bool:
    """A photo or video caption without a credit (``Video: ...``, ``This undated photo shows``)."""
    return len(text.split()) <= 60 and bool(_VIDEO.match(text) or _PHOTO_WORDS.search(text))


def split_photo_tail(text: str) -> tuple[str, str] | None:
    """(paragraph, credit) when a long paragraph ends with a glued ``Photo: …`` credit."""
    match = _PHOTO_TAIL.search(text)
    if not match or len(text[: match.start()].split()) < 20:
        return None
    return text[: match.start()].strip(), _tidy_credit(match.group("credit"))


def split_inline_figures(text: str) -> list[str | Caption] | None:
    """A paragraph with figures flattened into it: its text pieces and captions, in order."""
    pieces: list[str | Caption] = []
    opening = _OPENING_NOTE.match(text)
    if opening and _starts_sentence(text[opening.end() :]):
        pieces.append(Caption(opening["caption"], _tidy_credit(opening["credit"])))
        text = text[opening.end() :]
    found = [*_INLINE_PAREN.finditer(text), *_INLINE_COLON.finditer(text)]
    marks = sorted([*found, *_INLINE_NOTE.finditer(text)], key=_start)
    done = 0
    for mark in marks:
        before = text[done : mark.start()]
        groups = mark.groupdict()
        if mark.start() < done:
            continue
        if groups.get("alone") and _starts_sentence(text[mark.end() :]):
            if before.strip():
                pieces.append(before.strip())
            pieces.append(Caption("", groups["alone"]))
            done = mark.end()
            continue
        noted = bool(groups.get("credit")) and mark.re is _INLINE_NOTE
        breaks = list(_SENTENCE_BREAK.finditer(before.rstrip()))
        cut = breaks[-1].end() if breaks else 0
        caption = before[cut:].strip()
        # ``(Ảnh minh họa)``, ``(Ảnh Vietnamnet)`` close their own caption; a source cited in
        # brackets (``(Nguồn: …)``) does after a full stop only, unless it is a clip's
        # (``Video tổng hợp … (nguồn VTV): …``).
        photo = mark.re is _INLINE_PAREN and (
            bool(re.match(r"(?i)(?:video|clip)\b", caption))
            or not re.match(r"(?i)\s*[(\[]\s*(?:nguồn|source)", mark[0])
        )
        ended = ends_sentence(before) or noted or photo
        if not ended or not _starts_sentence(text[mark.end() :]):
            continue
        if groups.get("stock"):  # ``Ảnh minh họa: AP``: the note is the caption
            cut, caption = len(before), groups["stock"].strip()
        credit = groups.get("initials") or groups.get("credit") or groups.get("bare") or ""
        if noted:
            credit = credit[:1].upper() + credit[1:]
        if not _credit_ok(credit) or not 2 <= len(caption.split()) <= 50:
            continue
        if before[:cut].strip():
            pieces.append(before[:cut].strip())
        pieces.append(Caption(caption, _tidy_credit(credit)))
        done = mark.end()
    if not pieces:
        return None
    if text[done:].strip():
        pieces.append(text[done:].strip())
    return pieces


def _start(match: re.Match[str]) -> int:
    return match.start()


def _starts_sentence(text: str) -> bool:
    first = text.lstrip('"“ ')[:1]
    return first.isupper() or first.isdigit()


def _credit_ok(credit: str) -> bool:
    credit = credit.strip()
    return 0 < len(credit.split()) <= 12 and not ends_sentence(credit.rstrip(".") + "x")


def _dash_credit_ok(caption: str, credit: str) -> bool:
    """A short caption, and a credit of a few words that starts like a name."""
    words = len(credit.split())
    return len(caption.split()) <= 30 and 0 < words <= 6 and credit[0].isupper()


def _tidy_credit(credit: str) -> str:
    credit = re.sub(r"\s+:\s*", ": ", credit.strip())
    # The Guardian's ``Photograph Christopher Furlong/Getty Images``: the label is no credit.
    credit = re.sub(r"^(?i:photograph|photo|picture)\s+(?!courtesy|by\b)(?=[A-Z])", "", credit)
    return credit.strip(" .;,")
