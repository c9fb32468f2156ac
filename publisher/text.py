"""Text at the door: Unicode NFC, clean whitespace, Vietnamese-aware slugs and search keys."""

from __future__ import annotations

import difflib
import re
import unicodedata

# Characters scrapers leave behind that are spaces in all but name.
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Letters that NFD does not decompose into a base letter plus marks.
# ``Ð`` (U+00D0) stands in for ``Đ`` in text converted from old Vietnamese encodings.
_FOLD_EXTRA = str.maketrans(
    {"đ": "d", "Đ": "D", "Ð": "D", "ð": "d", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae"}
)


def nfc(text: str) -> str:
    """Unicode NFC; Vietnamese typed on some keyboards arrives decomposed (NFD)."""
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC, invisible characters removed, every run of whitespace (NBSP included) one space."""
    text = _INVISIBLE.sub("", nfc(text))
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def is_blank(text: str) -> bool:
    """True for empty, whitespace-only and NBSP-only text."""
    return not clean(text)


def fold(text: str) -> str:
    """A search key: no accents, lower case (``Đồng Tháp`` → ``dong thap``)."""
    decomposed = unicodedata.normalize("NFD", clean(text).translate(_FOLD_EXTRA))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def slugify(text: str, *, max_length: int = 80) -> str:
    """ASCII slug: ``Tăng cường giao lưu, trao đổi kinh nghiệm`` → ``tang-cuong-giao-luu-...``."""
    ascii_text = fold(text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "article"


# Letters that only Vietnamese uses among the languages we import.
_VIETNAMESE = re.compile(
    "[ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    "ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ]"
)


def detect_language(text: str) -> str:
    """``vi`` when Vietnamese letters are frequent enough, otherwise ``en``."""
    sample = nfc(text[:20000])
    letters = sum(1 for c in sample if c.isalpha())
    if not letters:
        return "en"
    return "vi" if len(_VIETNAMESE.findall(sample)) / letters > 0.01 else "en"


def suggest(word: str, choices: list[str]) -> str:
    """`` (did you mean: a, b?)`` for the closest choices (or those it begins), or nothing."""
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    if len(close) < 3 and len(word) >= 3:
        close += [c for c in sorted(choices) if c.startswith(word) and c not in close][
            : 3 - len(close)
        ]
    return f" (did you mean: {', '.join(close)}?)" if close else ""
