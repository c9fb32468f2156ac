"""The issue file format: ``issues/<slug>.yaml`` read and checked field by field.

Read with ``yamlfile`` (YAML 1.2, every key and item with its line), so every problem can name
the line of the offending entry. Editing is ``issues.edit``'s job; resolving slugs against the
library is ``compose``'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date as Date
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from publisher import yamlfile
from publisher.config import Config
from publisher.errors import ComposeError
from publisher.model import Article, Sender
from publisher.text import clean, nfc, slugify, suggest

ISSUE_KEYS = (
    "title", "number", "date", "language", "theme", "subject", "preheader", "intro",
    "sender", "base_url", "sections",
)  # fmt: skip
SENDER_KEYS = tuple(f.name for f in fields(Sender))
SECTION_KEYS = ("title", "articles")
ENTRY_KEYS = ("slug", "excerpt", "image")
EXCERPTS = ("full", "lead")
# Far beyond any newsletter, low enough that a file made by mistake is an error, not a hang.
MAX_FILE_BYTES = 1024 * 1024
MAX_SECTIONS = 100
MAX_ARTICLES = 1000

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_THEME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_WORDS = re.compile(r"^(\d+)(?:\s*words?)?$", re.I)
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


class Problems:
    """Problems of one file, each with its line when known; listed in line order."""

    def __init__(self) -> None:
        self._found: list[tuple[int, int, str]] = []

    def add(self, line: int | None, message: str) -> None:
        text = f"line {line}: {message}" if line else message
        self._found.append((line or 0, len(self._found), text))

    def __bool__(self) -> bool:
        return bool(self._found)

    def in_order(self) -> list[str]:
        """Problems without a line first (they concern the whole file), then by line."""
        return [text for *_, text in sorted(self._found)]


@dataclass(frozen=True)
class DraftEntry:
    """One article as listed in the file; ``article`` is None when it could not be loaded."""

    slug: str
    excerpt: str | int
    image: bool
    line: int | None
    article: Article | None


@dataclass(frozen=True)
class DraftSection:
    """One section as listed in the file, every entry kept (found or not)."""

    title: str
    line: int | None
    entries: tuple[DraftEntry, ...]


def load_issue_text(text: str, where: str) -> Any:
    """Parse an issue file's text, every key and item with its line; YAML errors raise."""
    try:
        data = yamlfile.load(text)
    except yamlfile.MarkedYAMLError as exc:
        raise _invalid(exc, where) from None
    except yamlfile.YAMLError as exc:
        raise ComposeError(f"the issue file is not valid YAML: {exc}", where=where) from None
    return _mapping(data, where)


def _invalid(exc: Any, where: str) -> ComposeError:
    mark = exc.problem_mark or exc.context_mark
    line = f"line {mark.line + 1}: " if mark else ""
    return ComposeError(
        "the issue file is not valid YAML", where=where, problems=[f"{line}{exc.problem}"]
    )


def _mapping(data: Any, where: str) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ComposeError("the issue file must be a mapping of fields (title: ...)", where=where)
    return data


def read_issue_file(path: Path) -> str:
    """The text of an issue file, NFC and with ``\\n`` line ends."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ComposeError(
                f"the issue file is {size:,} bytes: an issue file holds at most "
                f"{MAX_FILE_BYTES:,} (articles belong in articles/)",
                where=str(path),
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ComposeError(f"cannot read the issue file: {exc}", where=str(path)) from exc
    return nfc(text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")


def read_header(config: Config, data: Any, path: Path, problems: Problems) -> dict[str, Any]:
    """The issue's own fields, defaults from ``[newsletter]`` filled in and checked."""
    defaults = config.table("newsletter")
    for key in data:
        if key not in ISSUE_KEYS:
            hint = suggest(str(key), list(ISSUE_KEYS))
            problems.add(line_of(data, key), f"{key}: unknown field{hint or _known(ISSUE_KEYS)}")
    slug = path.stem
    if slug != slugify(slug, max_length=200):
        problems.add(None, f"the file name {path.name!r} must be a slug, e.g. {slugify(slug)}.yaml")
    title = _text(data, "title", problems)
    if not title and not isinstance(data.get("title"), bool | dict | list):  # those are reported
        problems.add(line_of(data, "title"), "title: required (the issue's headline)")
    header: dict[str, Any] = {
        "slug": slug,
        "title": title,
        "number": _number(data, problems),
        "date": _date(data, problems),
        "subject": _text(data, "subject", problems) or title,
        "preheader": _text(data, "preheader", problems),
        "intro": _text(data, "intro", problems, multiline=True),
        "newsletter": clean(defaults["name"]),
        "list_id": clean(defaults["list_id"]),
    }
    header["language"] = _language(_setting(data, defaults, "language", problems), problems)
    header["theme"] = _theme(_setting(data, defaults, "theme", problems), problems)
    header["base_url"] = _base_url(_setting(data, defaults, "base_url", problems), problems)
    header["sender"] = _sender(data, defaults, problems)
    return header


def _setting(data: Any, defaults: dict, key: str, problems: Problems) -> tuple[str, int | None]:
    """A value from the issue file, else from ``[newsletter]``, with where it came from."""
    if data.get(key) is not None:
        return _text(data, key, problems), line_of(data, key)
    return clean(str(defaults[key])), None


def _language(value: tuple[str, int | None], problems: Problems) -> str:
    code, line = value
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        where = "language" if line else "language (from [newsletter] in publisher.toml)"
        problems.add(line, f"{where}: {code!r} is not a language code such as vi or en")
    return code


def _theme(value: tuple[str, int | None], problems: Problems) -> str:
    name, line = value
    if not _THEME.match(name):
        where = "theme" if line else "theme (from [newsletter] in publisher.toml)"
        problems.add(line, f"{where}: {name!r} is not a theme name (a folder in templates/)")
    return name


def _base_url(value: tuple[str, int | None], problems: Problems) -> str:
    url, line = value
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        where = "base_url" if line else "base_url (from [newsletter] in publisher.toml)"
        problems.add(line, f"{where}: {url!r} must be a web address like https://news.example.org/")
        return url
    return url if url.endswith("/") else url + "/"


def _sender(data: Any, defaults: dict, problems: Problems) -> Sender:
    """``[newsletter]`` sender settings, overridden key by key by the issue's ``sender``."""
    values = {key: clean(str(defaults[key])) for key in SENDER_KEYS}
    lines: dict[str, int | None] = dict.fromkeys(SENDER_KEYS)
    given = data.get("sender")
    if isinstance(given, dict):
        for key in given:
            if key not in SENDER_KEYS:
                problems.add(
                    line_of(given, key), f"sender.{key}: unknown field{_known(SENDER_KEYS)}"
                )
            elif given[key] is not None:
                values[key], lines[key] = (
                    _text(given, key, problems, label="sender."),
                    line_of(given, key),
                )
    elif given is not None:
        problems.add(
            line_of(data, "sender"), f"sender: must be a mapping of {', '.join(SENDER_KEYS)}"
        )
    for key in ("from_email", "reply_to"):
        if values[key] and not _EMAIL.match(values[key]):
            where = (
                f"sender.{key}" if lines[key] else f"{key} (from [newsletter] in publisher.toml)"
            )
            problems.add(lines[key], f"{where}: {values[key]!r} is not an email address")
    return Sender(**values)


def read_sections(data: Any, problems: Problems, allow_empty: bool) -> list[DraftSection]:
    """The sections and their entries as written (articles not loaded yet)."""
    raw = data.get("sections")
    if raw is None or raw == []:
        if not allow_empty:
            problems.add(line_of(data, "sections"), "sections: the issue has no articles yet")
        return []
    if not isinstance(raw, list):
        problems.add(line_of(data, "sections"), "sections: must be a list of sections")
        return []
    if len(raw) > MAX_SECTIONS:
        problems.add(
            line_of(data, "sections"),
            f"sections: {len(raw)} sections; an issue has at most {MAX_SECTIONS}",
        )
        return []
    sections: list[DraftSection] = []
    titles: dict[str, int | None] = {}
    seen: dict[str, int | None] = {}
    for index, item in enumerate(raw, 1):
        line = item_line(raw, index - 1)
        if not isinstance(item, dict):
            problems.add(line, f"section {index}: must be a mapping with title and articles")
            continue
        for key in item:
            if key not in SECTION_KEYS:
                problems.add(line_of(item, key), f"section {index}: {key}: unknown field")
        title = _text(item, "title", problems, label=f"section {index}: ")
        if not title:
            problems.add(line_of(item, "title") or line, f"section {index}: title: required")
        label = f"section {title!r}" if title else f"section {index}"
        if title and title.casefold() in titles:
            first = titles[title.casefold()]
            problems.add(line, f"{label}: a second section with this title (first at line {first})")
        titles.setdefault(title.casefold(), line)
        if not item.get("articles") and isinstance(item.get("articles", []), list | None):
            problems.add(line_of(item, "articles") or line, f"{label}: the section has no articles")
        entries = _entries(item, label, problems, seen)
        sections.append(DraftSection(title, line, tuple(entries)))
    return sections


def _entries(
    section: Any, label: str, problems: Problems, seen: dict[str, int | None]
) -> list[DraftEntry]:
    raw = section.get("articles")
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(line_of(section, "articles"), f"{label}: articles: must be a list of slugs")
        return []
    entries = []
    if len(raw) + len(seen) > MAX_ARTICLES:
        problems.add(
            line_of(section, "articles"), f"{label}: an issue has at most {MAX_ARTICLES} articles"
        )
        return []
    for index in range(1, len(raw) + 1):
        line = item_line(raw, index - 1)
        where = f"{label}, article {index}"
        entry = _entry(yamlfile.written(raw, index - 1), line, where, problems)
        if entry is None:
            continue
        if entry.slug in seen:
            first = f" (first at line {seen[entry.slug]})" if seen[entry.slug] else ""
            problems.add(line, f"{where}: {entry.slug!r} is listed twice{first}")
            continue
        seen[entry.slug] = line
        entries.append(entry)
    return entries


def _entry(item: Any, line: int | None, where: str, problems: Problems) -> DraftEntry | None:
    """One list item: a slug, or ``{slug, excerpt, image}``."""
    if isinstance(item, str):
        return DraftEntry(clean(item), "lead", True, line, None) if clean(item) else None
    if not isinstance(item, dict):
        problems.add(line, f"{where}: must be a slug or a mapping with slug, excerpt and image")
        return None
    for key in item:
        if key not in ENTRY_KEYS:
            problems.add(
                line_of(item, key) or line, f"{where}: {key}: unknown field{_known(ENTRY_KEYS)}"
            )
    value = yamlfile.written(item, "slug")
    if isinstance(value, bool | dict | list):
        problems.add(line_of(item, "slug") or line, f"{where}: slug: must be text")
        return None
    slug = clean(str(value or ""))
    if not slug:
        problems.add(line, f"{where}: slug: required")
        return None
    excerpt = _excerpt(item.get("excerpt"), line_of(item, "excerpt") or line, where, problems)
    image = _image(item.get("image"), line_of(item, "image") or line, where, problems)
    return DraftEntry(slug, excerpt, image, line, None)


def _excerpt(value: Any, line: int | None, where: str, problems: Problems) -> str | int:
    """``full``, ``lead`` (the default) or a positive number of words (``60`` or ``60 words``)."""
    if value is None:
        return "lead"
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str):
        text = clean(value).casefold()
        if text in EXCERPTS:
            return text
        match = _WORDS.match(text)
        if match and int(match.group(1)) > 0:
            return int(match.group(1))
    problems.add(line, f"{where}: excerpt: {value!r} must be full, lead or a number of words (60)")
    return "lead"


def _image(value: Any, line: int | None, where: str, problems: Problems) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().casefold() in _BOOLS:
        return _BOOLS[value.strip().casefold()]
    problems.add(line, f"{where}: image: {value!r} must be true or false")
    return True


def _text(
    data: Any, key: str, problems: Problems, *, multiline: bool = False, label: str = ""
) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, bool | dict | list):
        problems.add(line_of(data, key), f"{label}{key}: must be text")
        return ""
    value = yamlfile.written(data, key)  # a number or a date as the editor typed it
    if multiline:
        return nfc(str(value)).strip()
    return clean(str(value))


def _number(data: Any, problems: Problems) -> int | None:
    value = data.get("number")
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    problems.add(line_of(data, "number"), f"number: {value!r} must be a whole number from 1 up")
    return None


def _date(data: Any, problems: Problems) -> Date | None:
    value = data.get("date")
    if value is None:
        return None
    if isinstance(value, Date) and not isinstance(value, datetime):
        return value
    try:
        return Date.fromisoformat(str(value).strip())
    except ValueError:
        problems.add(line_of(data, "date"), f"date: {value!s} is not a date like 2024-05-10")
        return None


def line_of(mapping: Any, key: Any) -> int | None:
    """The 1-based line of a key in a mapping read by ``load_issue_text``, when known."""
    lines = getattr(mapping, "lines", None)
    return lines.get(key) if isinstance(lines, dict) else None


def item_line(seq: Any, index: int) -> int | None:
    """The 1-based line of an item in a list read by ``load_issue_text``, when known."""
    lines = getattr(seq, "lines", None)
    if isinstance(lines, list):
        return lines[index] if 0 <= index < len(lines) else None
    return None


def _known(choices: Iterable[str]) -> str:
    return f" (known: {', '.join(choices)})"
