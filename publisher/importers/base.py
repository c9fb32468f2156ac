"""What every importer shares: reading a source file safely, and the importer contract."""

from __future__ import annotations

import codecs
import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from publisher.errors import InputError
from publisher.model import Article

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
    """Bytes → (text, encoding): UTF-8 (BOM or not), UTF-16 with BOM, else cp1258/cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[2:].decode(name), "utf-16"
            except UnicodeDecodeError as exc:
                raise InputError(f"broken UTF-16 text: {exc.reason}", where=where) from exc
    if b"\x00" in data[:8192]:
        raise InputError("binary file, not text", where=where)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data), "cp1258/cp1252"


def _decode_legacy(data: bytes) -> str:
    # cp1258 (Vietnamese Windows) and cp1252 share most bytes; cp1258 text uses combining tone
    # marks (0xCC, 0xEC, 0xD2, 0xDE, 0xF2) right after letters, which cp1252 reads as accented
    # capitals in the middle of words. Pick the reading with fewer such oddities.
    candidates = []
    for codec in ("cp1258", "cp1252"):
        text = data.decode(codec, errors="replace")
        odd = sum(
            1
            for a, b in itertools.pairwise(text)
            if a.islower() and b.isupper() and not b.isascii()
        )
        candidates.append((odd, text.count("\ufffd"), codec == "cp1252", text))
    return min(candidates)[3]


def read_source(path: Path) -> Source:
    """Read a source file, refusing what is not an article's text."""
    where = str(path)
    try:
        if path.is_dir():
            raise InputError("is a folder, not a file", where=where)
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise InputError(f"file too large for an article ({size} bytes)", where=where)
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", where=where) from None
    except PermissionError:
        raise InputError("permission denied", where=where) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where=where) from exc
    text, encoding = decode(data, where=where)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise InputError("empty file", where=where)
    content_hash = "sha256:" + hashlib.sha256(data).hexdigest()
    return Source(name=path.name, text=text, content_hash=content_hash, encoding=encoding)
