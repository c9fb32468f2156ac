"""Dates and times as news sites print them, turned into timezone-aware datetimes.

Vietnamese dates are day first (``12/08/2017``); English numeric dates are month first unless
the first number cannot be a month. A time without a zone is Asia/Ho_Chi_Minh for Vietnamese
text (every Vietnamese outlet prints local time) and UTC for English text, where the zone cannot
be guessed; ``FoundDate.zone_given`` tells the caller which happened so it can warn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

VIETNAM = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh has had no DST since 1975

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATES = [
    re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<y>\d{{4}})\b", re.I
    ),
    re.compile(
        r"(?<!\d)(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s*(?:,|năm)?\s*(?P<y>\d{4})\b", re.I
    ),
    re.compile(r"(?<![\d/.])(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})(?![\d/])"),
]  # fmt: skip
_TIME = re.compile(
    r"(?<![\d/.:])(?P<h>\d{1,2})(?:(?:[:h]|\.(?=\d{2}\b))(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
    r"|h(?![\w]))\s*(?P<ap>[ap]\.?\s?m\b\.?)?(?![\d/])"
    r"|(?<![\d/.:])(?P<h2>\d{1,2})\s*(?P<ap2>[ap]\.?\s?m\b\.?)",
    re.I,
)
_OFFSET = re.compile(
    r"\b(?:GMT|UTC)\s*(?P<sign>[+\-−])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?"
    r"|(?<=\d)(?P<sign2>[+\-])(?P<oh2>\d{2}):?(?P<om2>\d{2})\b"
    r"|\b(?P<abbr>GMT|UTC|EDT|EST|CDT|CST|MDT|MST|PDT|PST|BST|CEST|CET|ICT|JST|KST|AEST|AEDT"
    r"|HKT|SGT|ET|PT|CT|MT|Z)\b"
)
_ABBR_HOURS = {
    "GMT": 0, "UTC": 0, "Z": 0, "EDT": -4, "EST": -5, "CDT": -5, "CST": -6, "MDT": -6,
    "MST": -7, "PDT": -7, "PST": -8, "BST": 1, "CET": 1, "CEST": 2, "ICT": 7, "JST": 9,
    "KST": 9, "AEST": 10, "AEDT": 11, "HKT": 8, "SGT": 8,
}  # fmt: skip
_DST_ZONES = {
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}  # fmt: skip
# Words that may surround a date on a date line without making it anything else.
_FILLER = re.compile(
    r"\b(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|t[2-7]|cn|ngày|lúc|cập\s*nhật"
    r"|đăng(?:\s*tải)?|giờ|sáng|chiều|tối|trưa|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?"
    r"|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|published|updated|posted"
    r"|first|last|modified|originally|on|at|date|time|am|pm"
    r"|tweet|share)\b\.?",  # a page's share buttons copied with the date beside them
    re.I,
)


# The section a date line ends with, after a slash or bar (``11.06.2012 / 4:54 PM / News``) or
# as a blog files it (``September 18, 2012 at 3:48 am as Information``).
_SECTION_AFTER = re.compile(
    r"(?:[/|]|\b(?:as|in|filed under)\s)\s*[A-Z][\w&]*(?:\s+[A-Z&][\w&]*){0,2}\s*$"
)


# The link to the comments printed after the date: ``Oct 30, 2012 - Leave a Comment``.
_COMMENT_LINK = re.compile(r"(?i)\s*[-–—|]\s*(?:leave a comment|\d+ comments?|no comments)\s*$")


@dataclass(frozen=True)
class FoundDate:
    """A date found in text: the aware datetime, where it was, and what the text said."""

    value: datetime
    start: int
    end: int
    has_time: bool
    zone_given: bool
    spans: tuple[tuple[int, int], ...] = ()


def find_datetime(text: str, language: str = "vi") -> FoundDate | None:
    """The first date in ``text`` with the time and zone printed next to it, if any."""
    for date_match, (year, month, day) in _date_matches(text, language):
        try:
            datetime(year, month, day)
        except ValueError:
            continue
        spans = [date_match.span()]
        time_match = _near(_TIME, text, date_match.span(), 40, spans)
        hour = minute = second = 0
        if time_match:
            parsed = _time(time_match)
            if parsed is None:
                time_match = None
            else:
                hour, minute, second = parsed
                spans.append(time_match.span())
        zone_match = _near(
            _OFFSET, text, (min(s for s, _ in spans), max(e for _, e in spans)), 25, spans
        )
        naive = datetime(year, month, day, hour, minute, second)
        zone = _zone(zone_match, naive) if zone_match else None
        if zone_match and zone is not None:
            spans.append(zone_match.span())
        default = VIETNAM if language == "vi" else UTC
        value = naive.replace(tzinfo=zone or default)
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        return FoundDate(value, start, end, time_match is not None, zone is not None, tuple(spans))
    return None


def parse_date_line(text: str, language: str = "vi") -> FoundDate | None:
    """A date when ``text`` is nothing but a date (with weekday, time, zone and filler words)."""
    if len(text) > 80:
        return None
    found = find_datetime(text, language)
    if found is None:
        return None
    rest = text
    for start, end in sorted(found.spans, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    rest = _FILLER.sub(" ", rest)
    rest = _SECTION_AFTER.sub(" ", _COMMENT_LINK.sub(" ", rest))
    return None if re.search(r"[^\W\d_]{2,}", rest) else found


def _date_matches(text: str, language: str):
    """Every candidate date in order of position, as (match, (year, month, day))."""
    found = []
    for pattern in _DATES:
        for match in pattern.finditer(text):
            ymd = _ymd(match, language)
            if ymd:
                found.append((match.start(), match, ymd))
    found.sort(key=lambda item: item[0])
    return [(match, ymd) for _, match, ymd in found]


def _ymd(match: re.Match, language: str) -> tuple[int, int, int] | None:
    groups = match.groupdict()
    year = int(groups["y"])
    if year < 100:
        year += 2000
    if groups.get("mon"):
        return year, _MONTHS[groups["mon"][:3].lower()], int(groups["d"])
    if groups.get("m"):
        return year, int(groups["m"]), int(groups["d"])
    first, second = int(groups["a"]), int(groups["b"])
    if first <= 12 < second:  # only month first can be right (``2/27/2018``), whatever the language
        return year, first, second
    if language != "vi" and first <= 12 and second <= 12:
        return year, first, second  # English numeric dates: month first (US style)
    return year, second, first


def _near(pattern: re.Pattern, text: str, span: tuple[int, int], reach: int, taken: list):
    """The match of ``pattern`` nearest ``span`` (within ``reach`` characters), not overlapping."""
    best, best_distance = None, reach + 1
    lo, hi = max(0, span[0] - reach), min(len(text), span[1] + reach)
    for match in pattern.finditer(text, lo, hi):
        if any(match.start() < e and s < match.end() for s, e in taken):
            continue
        distance = max(span[0] - match.end(), match.start() - span[1], 0)
        if distance < best_distance:
            best, best_distance = match, distance
    return best


def _time(match: re.Match) -> tuple[int, int, int] | None:
    groups = match.groupdict()
    hour = int(groups["h"] or groups["h2"])
    minute = int(groups["mi"] or 0)
    second = int(groups["s"] or 0)
    ampm = (groups["ap"] or groups["ap2"] or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _zone(match: re.Match, naive: datetime) -> tzinfo | None:
    groups = match.groupdict()
    sign = groups["sign"] or groups["sign2"]
    if sign:
        hours = int(groups["oh"] or groups["oh2"])
        minutes = int(groups["om"] or groups["om2"] or 0)
        if hours > 14 or minutes > 59:
            return None
        delta = timedelta(hours=hours, minutes=minutes)
        return timezone(-delta if sign in "-−" else delta)
    abbr = groups["abbr"]
    if abbr in _DST_ZONES:
        return _dst_zone(_DST_ZONES[abbr], naive)
    return timezone(timedelta(hours=_ABBR_HOURS[abbr]))


def _dst_zone(name: str, naive: datetime) -> tzinfo | None:
    """A fixed offset for a named zone at that moment (None without a zone database)."""
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover
        return None
    try:
        offset = naive.replace(tzinfo=ZoneInfo(name)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return timezone(offset) if offset is not None else None
