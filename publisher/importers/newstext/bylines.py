"""Bylines (``By Jane Doe``, ``Khánh Phong - Nhật Minh / PL&XH``, ``Theo VnExpress``), bare
names and initials signing an article, and outlets named after a headline. Source tags opening
a lead are in ``sourcetags``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from publisher.importers.newstext.dates import FoundDate, find_datetime
from publisher.importers.newstext.sourcetags import BARE_OUTLETS, looks_like_outlet

_OUTLETS = {
    "tuổi trẻ", "tuổi trẻ online", "thanh niên", "dân trí", "vietnamnet", "lao động",
    "người lao động", "tiền phong", "vietnamplus", "báo mới", "kenh14", "cafef", "zing news",
    "pháp luật & xã hội", "an ninh thủ đô", "sài gòn giải phóng", "nhân dân", "quân đội nhân dân",
}  # fmt: skip
_PARTICLES = {"de", "da", "del", "van", "von", "der", "bin", "al", "la", "le", "du", "dos", "di"}
# Outlets and agencies named after a comma in English bylines (``By Jane Doe, Reuters``).
_ORG_WORDS = re.compile(
    r"\b(?:Reuters|AP|AFP|Associated Press|Bloomberg|CNN|BBC|NBC|CBS|ABC|NPR|News|Times|Post"
    r"|Press|Agency|Journal|Tribune|Guardian|Herald|Daily|Magazine|Online|Network|Wire|Team|Desk"
    r"|TTXVN|TTO|VnExpress|Zing|VTV|VOV|\w+\.(?:vn|com|net|org))\b"
)
_ROLES = re.compile(
    r"^(?:staff(?: writer| reporter)?|(?:senior |chief |special )?(?:correspondent|reporter"
    r"|editor|writer|contributor)|for .+|in [A-Z].*)$",
    re.I,
)
# A writer's job after the name, and a user name a blog signs with.
_JOB = re.compile(
    r"(?i)\b(?:engineer|manager|director|producer|officer|executive|president|founder|analyst"
    r"|designer|developer|scientist|specialist|strategist|consultant|evangelist|intern)s?\b"
)
_HANDLE = re.compile(r"(?!(?:email|mail|phone|fax|post|hand)$)[a-z][a-z0-9_.-]{2,30}")
_COMPILED = re.compile(r"^(?:t/?h|tổng hợp|th|tổng hợp từ nhiều nguồn)$", re.I)
_NAME_WORD = re.compile(r"^(?:[A-ZĐÀ-Ỹ][\w'’.-]*|[A-Z]\.|Mc\w+|O'\w+)$")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\s-\s|\s–\s|&|\band\b|\bvà\b)\s*")
_BY = re.compile(
    r"^(?:by|(?:(?:this )?(?:post|article|story|piece)(?: was)? )?written by(?: guest \w+)?"
    r"|guest (?:post|article) by|story by|words by|text by|reporting by|posted by|submitted by"
    r"|published by|viết bởi"
    r"|đăng bởi"
    r"|bài(?:,| và)? ảnh|bài|tin,? ảnh|text and photos|words and pictures"
    r"|(?:tác giả|author|phóng viên|reporter|thực hiện|nhóm thực hiện|nội dung|người viết"
    r"|tổng hợp)\s*:|tổng hợp(?=\s+(?-i:[A-ZĐÀ-Ỹ])))"
    r"\s*:?\s+"
    r"(?P<rest>.+)$",
    re.I,
)
# A blog's ``Posted on March 3, 2023 by Jane Roe``: the date before the name.
_POSTED_ON = re.compile(
    r"^(?:(?:posted|published|modified|updated|last updated|created)(?:\s+on)?\s*,?\s+)?"
    r"(?P<date>[^,/|]{3,30}(?:,[^,/|]{2,30}){0,2}?)(?:,|\s+[/|])?\s+by\s+(?P<rest>.+)$",
    re.I,
)
# An agency straight after the name, without a comma, as the AP prints its bylines.
_AGENCIES = r"(?:The )?Associated Press|Reuters|AFP|Agence France-Presse|Bloomberg(?: News)?|TTXVN"
_AGENCY_AFTER = re.compile(rf"(?<=[\w.])\s+(?P<agency>{_AGENCIES})$")
_AGENCY_ALONE = re.compile(_AGENCIES, re.I)
_THEO = re.compile(
    r"^\(?\s*(?:theo|nguồn|source|via|(?:tổng hợp|lược dịch|dịch) (?:từ|theo))\s*:?\s+"
    r"(?P<src>[^()]+?(?:\([^()]*\))?)\s*\)?\.?$",
    re.I,
)
_READER = re.compile(
    r"^\(\s*(?:bạn đọc|độc giả|tác giả|reader|author)\s*:\s*(?P<names>[^)]+)\)$", re.I
)
_SLASH = re.compile(r"^(?P<names>[^/]{2,80}?)\s*/\s*(?P<src>[^/]{2,40})$")
_PAREN = re.compile(r"^(?P<names>[^()]{2,60}?)\s*\((?P<paren>[^()]{1,60})\)\s*(?P<tail>.*)$")
_PIPE = re.compile(r"^(?P<head>[^|]{2,60}?)(?:\s*[|–—-]\s*|\s+(?P<on>on)\s+)(?P<date>.+)$")
_EDITING = re.compile(r";?\s*(?:editing|edited|writing|additional reporting) by .*$", re.I)
_NAME_ROLE = re.compile(
    r"^(?P<names>.+?)\s+(?:\w+\s+)?(?:correspondent|editor|reporter|writer|columnist|phóng viên)$",
    re.I,
)
_DASH_SIGN = re.compile(r"^[-–—]{1,2}\s*(?P<names>.+)$")


@dataclass
class Byline:
    """What a byline says: names, an outlet, maybe a date."""

    authors: list[str] = field(default_factory=list)
    source: str = ""
    date: FoundDate | None = None
    explicit: bool = True  # False for a bare name with nothing saying it is a byline


def is_name(text: str, *, min_words: int = 1, max_words: int = 5) -> bool:
    """Looks like a person's name: capitalised words, no digits, not a sentence."""
    words = text.split()
    if not min_words <= len(words) <= max_words or len(text) > 50 or re.search(r"\d", text):
        return False
    if text[-1:] in ".!?:;,":
        return text.endswith(".") and len(words[-1]) == 2  # ``Jane D.``
    capital = [w for w in words if w.lower() not in _PARTICLES]
    return bool(capital) and all(_NAME_WORD.match(w) for w in capital)


def tidy_name(name: str) -> str:
    """``SCOTT SHANE`` → ``Scott Shane``; other names as written."""
    name = name.strip(" .,;:-–—")
    if name.isupper() and len(name) > 3:
        return " ".join(_capitalize(w) for w in name.split())
    # A surname in capitals, as some write it (``Ian LYNAM``).
    return " ".join(_capitalize(w) if w.isalpha() and w.isupper() and len(w) >= 3 else w
                    for w in name.split())  # fmt: skip


def _capitalize(word: str) -> str:
    """``JUNG-AH`` → ``Jung-Ah``: each part of a hyphenated name; initials stay (``J.D.``)."""
    if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?\.?", word):
        return word
    return "-".join(part.capitalize() for part in word.split("-"))


def tidy_source(source: str) -> str:
    source = re.sub(r"^(?:báo|tạp chí|trang|tờ)\s+", "", source.strip(" .,;:-–—()"), flags=re.I)
    return source.strip()


def split_names(text: str, *, min_words: int = 1) -> list[str] | None:
    """Names separated by commas, dashes, ``and``/``và``; None when any part is not a name."""
    parts = [tidy_name(p) for p in _NAME_SPLIT.split(text.strip()) if p.strip(" .")]
    if parts and all(is_name(p, min_words=min_words) for p in parts):
        return parts
    return None


def parse_byline(text: str, language: str) -> Byline | None:
    """The byline ``text`` is, or None. Bare names are left to ``parse_bare_name``."""
    text = re.sub(r"^[+•·]\s+", "", text.strip().strip("*_").strip())  # a bullet before it
    if len(text) > 120:
        return None
    for parse in (_by, _reader, _theo, _slash, _paren, _dated, _signature, _with_role):
        found = parse(text, language)
        if found is not None:
            return found
    return None


def parse_bare_name(text: str) -> Byline | None:
    """A line that is only a name or names (``Hoàng Cường``, ``Lucas Massey``), a writer's
    initials (``M.Q``), or an outlet's name (``VnExpress``)."""
    if re.fullmatch(r"[A-ZĐ]\.[A-ZĐ](?:\.[A-ZĐ])?\.?|[A-ZĐ]\.\s?[A-ZĐÀ-Ỹ][^\W\d_]+", text):
        return Byline([tidy_name(text)], explicit=False)  # ``M.Q``, ``L.Phong``, ``K. LIỆP``
    if re.fullmatch(r"[A-ZĐÀ-Ỹ][^\W\d_]+(?:\s+[-–]\s+[A-ZĐÀ-Ỹ][^\W\d_]+)+", text):
        return Byline(re.split(r"\s+[-–]\s+", text), explicit=False)  # ``Tâm - Vinh``
    if re.fullmatch(r"\S+", text) and (_ORG_WORDS.fullmatch(text) or text.casefold() in _OUTLETS):
        return Byline([], text, explicit=False)
    parts = [p.strip() for p in text.split(",")]
    source = ""
    if len(parts) > 1 and _ORG_WORDS.search(parts[-1]):  # ``Jane Doe, Associated Press``
        source = tidy_source(parts.pop())
    names = split_names(", ".join(parts), min_words=2)
    if names and len(names) == 1 and not source and _ORG_WORDS.search(names[0]):
        return Byline([], tidy_source(names[0]), explicit=False)  # ``Chicago Sun Times``
    if names and len(names) <= 4:
        return Byline(names, source, explicit=False)
    return None


def split_title_suffix(title: str) -> tuple[str, str]:
    """(title, outlet) for a page title like ``Giá xăng giảm - VnExpress``; else (title, "")."""
    match = re.match(r"^(?P<title>.{5,}?)\s+(?P<sep>[|–—-])\s+(?P<outlet>[^|–—-]{2,40})$", title)
    if not match:
        return title, ""
    outlet = match.group("outlet").strip()
    known = _ORG_WORDS.search(outlet) or outlet.casefold() in _OUTLETS
    if looks_like_outlet(outlet) and (known or match.group("sep") == "|"):
        return match.group("title").strip(), outlet
    return title, ""


def _by(text: str, language: str) -> Byline | None:
    posted = _POSTED_ON.match(text)
    if posted and find_datetime(posted["date"], language):
        text = f"by {posted['rest']} on {posted['date']}"
    match = _BY.match(text)
    if not match:
        return None
    rest = _EDITING.sub("", match.group("rest")).strip()
    # ``By NBC News and wire services``: the outlet, with the agencies it drew on.
    rest = re.sub(
        r"\s+(?:and|with|&)\s+(?:wire (?:services|reports)|(?:news )?agencies)$", "", rest
    )
    rest = re.sub(r"\s+at\s+\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?$", "", rest, flags=re.I)
    date = find_datetime(rest, language)
    if date:
        before, after = rest[: date.start].strip(" |/,–—-"), rest[date.end :].strip(" |/,–—-")
        # Names before the date, and a scrap of the page after it (``… 06:34 pm Larry``).
        before = re.sub(
            r"(?:\s+(?:on|at|posted|published|updated))?"
            r"(?:\s+(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?)?"
            r"\s*,?\s*$",
            "",
            before,
            flags=re.I,
        )
        rest = before if split_names(before) and len(after.split()) <= 3 else f"{before} {after}"
        rest = rest.strip(" |,–—-")
        rest = re.sub(r"\s+(?:on|at|published|updated)\s*$", "", rest, flags=re.I)
    rest = re.split(r"\s*(?:[|·•]|//)\s*", rest)[0]
    # A link's label after the name: ``By Jeremy Glass info``; the blog's category after it:
    # ``By Jean-Pierre Gassin in Inspiration``.
    rest = re.sub(r"(?<=[A-Za-zÀ-ỹ])\s+(?:info|bio|more|email|e-mail|contact)$", "", rest)
    # A job after the name without a comma: ``by Sinan Kubba Writer``.
    rest = re.sub(
        r"(?<=\w)\s+(?:Staff\s+)?(?:Writer|Reporter|Editor|Correspondent|Columnist)$", "", rest
    )
    # ``Written by Clark filed under General Finance Print This Post``.
    rest = re.sub(r"(?i)\s+(?:filed under\b.*|print this (?:post|article|page))$", "", rest)
    if split_names(rest) is None:
        rest = re.sub(r"\s+in\s+[A-Z][\w&]*(?:\s+[A-Z&][\w&]*){0,2}$", "", rest)
    rest = re.sub(r"\s+for\s+(?=[A-Z])", ", ", rest)
    if _AGENCY_ALONE.fullmatch(rest):
        return Byline([], tidy_source(rest), date)  # ``By The Associated Press``
    rest = _AGENCY_AFTER.sub(r", \g<agency>", rest)  # ``By ANNA LEE Associated Press``
    parts = [p.strip() for p in re.split(r",\s*", rest) if p.strip()]
    source = ""
    while len(parts) > 1 and (_ROLES.match(parts[-1]) or _ORG_WORDS.search(parts[-1])):
        last = parts.pop()
        if _JOB.search(last):
            continue  # ``Product Marketing Manager Team``: a job, not the outlet
        if not _ROLES.match(last) or last.lower().startswith("for "):
            source = re.sub(r"^for\s+", "", last, flags=re.I)
    job = next((k for k, p in enumerate(parts) if k and _JOB.search(p)), None)
    if job is not None:  # ``Karl Schmidt, Software Engineer, Google Maps``
        source = source or (parts[job + 1] if job + 1 < len(parts) else "")
        parts = parts[:job]
    if len(parts) == 1 and _ORG_WORDS.search(parts[0]) and re.search(r"\b[A-Z]{2,5}\b", parts[0]):
        return Byline([], tidy_source(parts[0]), date)  # ``By NBC News``: an outlet's initials
    names = split_names(", ".join(parts))
    if names is None:
        if len(parts) == 1 and _ORG_WORDS.search(parts[0]) and is_name(parts[0]):
            return Byline([], tidy_source(parts[0]), date)
        if date and len(parts) == 1 and _HANDLE.fullmatch(parts[0]):
            return Byline([parts[0]], "", date)  # ``by randfish on November 5, 2010``
        return None
    return Byline(names, tidy_source(source), date)


def _reader(text: str, language: str) -> Byline | None:
    match = _READER.match(text)
    names = split_names(match.group("names")) if match else None
    return Byline(names) if names else None


def _theo(text: str, language: str) -> Byline | None:
    match = _THEO.match(text)
    if not match:
        return None
    source = re.sub(r"^(?:báo|tạp chí|trang|tờ)\s+", "", match.group("src").strip(), flags=re.I)
    inner = _PAREN.match(source)
    if inner and not inner.group("tail") and split_names(inner.group("names")):
        return Byline(split_names(inner.group("names")) or [], tidy_source(inner.group("paren")))
    slashed = _slash(source, language)  # ``Theo Tường Vy / Reatimes``: the writer, the outlet
    if slashed is not None:
        return slashed
    if (
        not source
        or len(source.split()) > 8
        or source[:1].islower()
        or re.search(r"[.!?]\s", source)
    ):
        return None
    return Byline([], tidy_source(source))


def _slash(text: str, language: str) -> Byline | None:
    match = _SLASH.match(text)
    if not match or not looks_like_outlet(match.group("src")):
        return None
    names = split_names(match.group("names"))
    if names is None:
        return None
    if len(names) == 1 and (names[0].upper() in BARE_OUTLETS or _ORG_WORDS.fullmatch(names[0])):
        return Byline([], tidy_source(text))  # ``TTXVN/Tin Tức``: two outlets
    return Byline(names, tidy_source(match.group("src")))


def _paren(text: str, language: str) -> Byline | None:
    match = _PAREN.match(text)
    if not match:
        return None
    names = split_names(match.group("names"))
    paren, tail = match.group("paren").strip(), match.group("tail").strip()
    if names is None:
        return None
    byline = Byline(names)
    theo = _theo(paren, language)
    if theo is not None:
        byline.source = theo.source
    elif not _COMPILED.match(paren):
        if not is_name(paren, max_words=6):
            return None
        byline.source = tidy_source(paren)
    if tail:
        more = _theo(tail, language)
        if more is None:
            return None
        byline.source = more.source or byline.source
    return byline


def _dated(text: str, language: str) -> Byline | None:
    """``Thể Thao Việt Nam | 09:05 07/02/2017``: an outlet or names, then a date."""
    match = _PIPE.match(text)
    if not match:
        return None
    date = find_datetime(match.group("date"), language)
    if date is None or len(match.group("date")) - (date.end - date.start) > 12:
        return None
    head = match.group("head").strip()
    names = split_names(head, min_words=2)
    if names and not _ORG_WORDS.search(head) and (len(names) > 1 or match.group("on")):
        # ``Orion Jones on November 7, 2012``: a blog's writer and the day they posted.
        return Byline(names, date=date)
    if not is_name(head, max_words=6):
        return None
    return Byline([], tidy_source(head), date)


def _signature(text: str, language: str) -> Byline | None:
    match = _DASH_SIGN.match(text)
    names = split_names(match.group("names"), min_words=2) if match else None
    return Byline(names) if names else None


def _with_role(text: str, language: str) -> Byline | None:
    """``Jane Doe Environment correspondent``: a name and the writer's job, no ``By``."""
    match = _NAME_ROLE.match(text)
    names = split_names(match.group("names"), min_words=2) if match else None
    return Byline(names) if names else None


def parse_outlet_line(text: str) -> str:
    """``BBC News, Hanoi`` under a byline: the outlet, else empty."""
    first = text.split(",")[0].strip()
    if len(text.split()) <= 6 and _ORG_WORDS.search(first) and looks_like_outlet(first):
        return first
    return ""
