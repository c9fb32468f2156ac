"""Header values made safe: CR/LF refused, non-ASCII text as RFC 2047 encoded words."""

from __future__ import annotations

import base64
import re
from email.utils import formataddr

from publisher.errors import SendError

# An encoded word is at most 75 characters, and a line that holds one at most 76 (RFC 2047):
# "=?utf-8?b?" + base64 + "?=" leaves 63 for base64, i.e. 45 bytes of UTF-8 (cut only between
# characters), on a folded line (" " + word). The first line also holds the header's name.
WORD_BYTES = 45
LINE = 76
FOLD = "\r\n "
_UNSAFE = re.compile(r"[\r\n\x00]")


class HeaderError(SendError):
    """Raised by ``mail.headers`` when a header value holds CR, LF or NUL (header injection)."""


def check(name: str, value: str) -> str:
    """The value unchanged, or ``HeaderError`` when it could inject header lines."""
    if _UNSAFE.search(value):
        raise HeaderError(f"{name} contains a line break or NUL: {value!r}")
    return value


def encoded_words(text: str, used: int = 0) -> str:
    """``text`` as RFC 2047 base64 encoded words, folded between words.

    ``used``: characters already on the first line (``Subject: ``), so that it stays within
    76 characters too.
    """
    words: list[str] = []
    chunk: list[str] = []
    size = 0
    limit = min(WORD_BYTES, _bytes_for(LINE - used))
    for char in text:
        width = len(char.encode("utf-8"))
        if size + width > limit and chunk:
            words.append("".join(chunk))
            chunk, size, limit = [], 0, WORD_BYTES
        chunk.append(char)
        size += width
    words.append("".join(chunk))
    return FOLD.join(
        f"=?utf-8?b?{base64.b64encode(w.encode('utf-8')).decode('ascii')}?=" for w in words
    )


def _bytes_for(room: int) -> int:
    """How many bytes of UTF-8 one encoded word may carry in ``room`` characters."""
    return max(3, (room - len("=?utf-8?b??=")) // 4 * 3)


def then(value: str, tail: str) -> str:
    """``value`` and ``tail``, ``tail`` on a folded line when it would pass 76 characters."""
    last = value.rsplit("\r\n", 1)[-1]
    return f"{value} {tail}" if len(last) + 1 + len(tail) <= LINE else f"{value}{FOLD}{tail}"


def unstructured(name: str, text: str) -> str:
    """A Subject-like value: as it is when short ASCII, else encoded words."""
    check(name, text)
    if text.isascii() and len(text) + len(name) < 76 and "=?" not in text:
        return text
    return encoded_words(text, used=len(name) + 2)


def address(name: str, display: str, email: str) -> str:
    """``Display Name <email>`` with the display name quoted or RFC 2047-encoded as needed."""
    check(name, display)
    check(name, email)
    if not email.isascii() or any(c in email for c in '<>", '):
        raise HeaderError(f"{name} address {email!r} is not a plain ASCII address")
    if not display:
        return email
    if display.isascii() and "=?" not in display:
        return formataddr((display, email))
    return then(encoded_words(display, used=len(name) + 2), f"<{email}>")
