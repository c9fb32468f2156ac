"""Source tags that open a lead (``(PL&XH) -``, ``AMMAN (Reuters) -``, ``(AP) HONOLULU -``,
``TTO -``) and datelines without a source (``WASHINGTON, Dec 11 -``, ``SEOUL—``)."""

from __future__ import annotations

import re

# A source tag opening the lead: ``(PL&XH) - ``, ``AMMAN (Reuters) - ``, ``(AP) HONOLULU - ``,
# ``TTO - ``. The dateline, when there is one, goes with the tag.
_TAG_PAREN_FIRST = re.compile(
    r"^\((?P<src>[^()]{1,40})\)\s*(?:(?P<place>[A-ZĐÀ-Ỹ][^()\-–—]{0,60}?)\s*)?[-–—]{1,2}\s*(?=\S)"
)
_TAG_PLACE_FIRST = re.compile(
    r"^(?P<place>[A-ZĐÀ-Ỹ][\w .,'’/]{0,60}?)\s*\((?P<src>[^()]{1,40})\)\s*[-–—]{1,2}\s*(?=\S)"
)
# Outlets and agencies that sign a lead with their initials alone (``TTO - ``, ``AFP — ``);
# any other word in capitals there is the dateline's place (``WASHINGTON — ``).
BARE_OUTLETS = {
    "TTO", "TTXVN", "VNA", "VOV", "VTV", "VTC", "VNE", "NLĐO", "PLO", "SGGP", "SGGPO", "QĐND",
    "CAND", "ANTĐ", "PL&XH", "TPO", "VTCNEWS", "AFP", "AP", "UPI", "DPA", "EFE", "ANSA", "PTI",
    "ANI", "CNA", "KYODO", "XINHUA", "TASS", "YONHAP", "BERNAMA", "ANTARA", "PNA", "BBC", "CNN",
}  # fmt: skip
_TAG_DAY = re.compile(r"\s+\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?$")
_TAG_BARE = re.compile(r"^(?P<src>[A-ZĐ][\w.&]*[A-ZĐ][\w.&]*)\s+[-–—]\s+(?=\S)")
# A dateline with its state (or province: ``HALIFAX, N.S. - ``) or its day and no source:
# ``WASHINGTON, Dec 11 - ``,
# ``MADISON, Wis., Aug. 21 -- ``, ``BOISE, Idaho – ``.
_DATELINE = re.compile(
    r"^[A-Z]{3,}(?:[ .'-][A-Z]{2,})*"
    r"(?:,\s*(?:[A-Z][a-z]+\.?(?:\s[A-Z][a-z]+\.?)?|(?:[A-Z]\.){2,3}))?"
    r"(?:,\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2})?"
    r"(?:\s+[-–—]{1,2}\s+|—)(?=[A-Z0-9\"“‘'])"  # ``SEOUL—Demand …``: an em dash needs no space
)


def take_source_tag(lead: str) -> tuple[str, str] | None:
    """(source, lead without the tag) when the lead opens with a source tag; a dateline alone
    (``WASHINGTON — ``) is taken off the lead with an empty source."""
    for pattern in (_TAG_PAREN_FIRST, _TAG_PLACE_FIRST, _TAG_BARE):
        match = pattern.match(lead)
        if not match:
            continue
        if pattern is _TAG_BARE and match.group("src").upper() not in BARE_OUTLETS:
            rest = lead[match.end() :].strip()
            place = match.group("src")
            # A place in capitals: a dateline, not who published it.
            if len(place) >= 4 and place.isalpha() and rest:
                return "", rest[0].upper() + rest[1:]
            continue
        # TTXVN's tags carry the day of the dispatch: ``(TTXVN 12/3)``, ``(TTXVN/Vietnam+)``.
        source = _TAG_DAY.sub("", match.group("src")).strip()
        if not looks_like_outlet(source):
            continue
        rest = lead[match.end() :].strip()
        if rest:
            return source, rest[0].upper() + rest[1:]
    dateline = _DATELINE.match(lead)
    place = dateline.group(0) if dateline else ""
    # A place of two or three words in capitals needs no comma: ``NEW YORK -- ``.
    bare = re.fullmatch(
        r"[A-Z]{2,}(?: [A-Z]{2,}){1,2}\s+[-–—]{1,2}\s+|[A-Z]{3,}(?: [A-Z]{2,}){0,2}—", place
    )
    if dateline and ("," in place or bare) and lead[dateline.end() :].strip():
        rest = lead[dateline.end() :].strip()
        return "", rest[0].upper() + rest[1:]
    return None


def looks_like_outlet(source: str) -> bool:
    words = source.split()
    if not 1 <= len(words) <= 5 or source.endswith(".") or re.fullmatch(r"[\d\s/.-]+", source):
        return False
    return source[:1].isupper() or source[:1].isdigit() or bool(re.match(r"^[a-z]+[A-Z]", source))
