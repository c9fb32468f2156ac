"""What every importer shares: reading a source file safely, and the importer contract."""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from publisher.errors import InputError
from publisher.model import Article
from publisher.text import is_blank

MAX_SOURCE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """A source file read and decoded: its text (line endings ``\\n``), name, hash, encoding."""

    name: str
    text: str
    content_hash: str
    encoding: str


@dataclass(frozen=True)
class ImportResult:
    """An importer's answer: the article (without slug) and what it was unsure of."""

    article: Article
    warnings: list[str] = field(default_factory=list)


class Importer(Protocol):
    """Turns a decoded source into an article. ``detect`` scores 0..1 how well it fits."""

    name: ClassVar[str]

    def detect(self, source: Source) -> float: ...

    def parse(self, source: Source, *, language: str | None = None) -> ImportResult: ...


def decode(data: bytes, *, where: str) -> tuple[str, str]:
    """Bytes → (text, encoding): UTF-8 (BOM or not), UTF-16/32 with BOM, else cp1258/cp1252."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(name), name
            except UnicodeDecodeError as exc:
                raise InputError(f"broken {name} text: {exc.reason}", where=where) from exc
    if b"\x00" in data[:8192]:
        raise InputError("binary file, not text", where=where)
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = _decode_legacy(data)
    if _looks_binary(text):
        raise InputError("binary file, not text", where=where)
    return text, encoding


# UTF-32 first: its little-endian BOM starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_CP1258_LETTERS = "ăâđêôơưĂÂĐÊÔƠƯ"


def _looks_binary(text: str) -> bool:
    """Control characters and undecodable bytes in more than a few places: not a text file."""
    sample = text[:20000]
    odd = sum(1 for c in sample if c == "\ufffd" or (c < " " and c not in "\t\n\r\f"))
    return odd > max(8, len(sample) // 50)


def _decode_legacy(data: bytes) -> tuple[str, str]:
    # Not UTF-8: Vietnamese Windows (cp1258) or Western Windows (cp1252). They share ASCII and
    # most letters; cp1258 writes Vietnamese as base letters (ă, ơ, ư, đ...) plus combining tone
    # marks, which cp1252 would read as stray accented capitals (Ì, Ò, Þ) and eth/thorn letters.
    # Read as cp1258 when that gives Vietnamese letters with tones that compose (NFC).
    vietnamese = data.decode("cp1258", errors="replace")
    composed = unicodedata.normalize("NFC", vietnamese)
    tones = sum(vietnamese.count(mark) for mark in _TONE_MARKS)
    loose = sum(1 for c in composed if unicodedata.combining(c))
    letters = sum(composed.count(c) for c in _CP1258_LETTERS)
    if tones + letters and loose <= (tones + letters) // 10:
        return composed, "cp1258"
    return data.decode("cp1252", errors="replace"), "cp1252"


def read_source(path: Path) -> Source:
    """Read a source file, refusing what is not an article's text."""
    where = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            readable = os.access(path, os.R_OK | os.X_OK)
            reason = "is a folder, not a file" if readable else "folder cannot be read"
            raise InputError(f"{reason}", where=where)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file (a device, pipe or socket)", where=where)
        size = info.st_size
        if size > MAX_SOURCE_BYTES:
            raise InputError(f"file too large for an article ({size} bytes)", where=where)
        data = path.read_bytes()
    except FileNotFoundError:
        reason = "broken link" if path.is_symlink() else "no such file"
        raise InputError(reason, where=where) from None
    except PermissionError:
        raise InputError("permission denied", where=where) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where=where) from exc
    text, encoding = decode(data, where=where)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if is_blank(text):
        raise InputError("empty file" if not data else "no text: only blank lines", where=where)
    content_hash = "sha256:" + hashlib.sha256(data).hexdigest()
    return Source(name=path.name, text=text, content_hash=content_hash, encoding=encoding)
