"""The issue file format: ``issues/<slug>.yaml`` read and checked field by field.

Read with ``yamlfile`` (YAML 1.2, every key and item with its line), so every problem can name
the line of the offending entry. Editing is ``issues.edit``'s job; resolving slugs against the
library is ``compose``'s.
"""

from __future__ import annotations

import contextlib
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
    "sender", "base_url", "not_after", "sections", "editions",
)  # fmt: skip
SENDER_KEYS = tuple(f.name for f in fields(Sender))
# Far beyond any newsletter, low enough that a file made by mistake is an error, not a hang.
MAX_FILE_BYTES = 1024 * 1024

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_THEME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


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
            problems.add(line_of(data, key), f"{key}: unknown field{hint or known(ISSUE_KEYS)}")
    slug = path.stem
    if slug != slugify(slug, max_length=200):
        problems.add(None, f"the file name {path.name!r} must be a slug, e.g. {slugify(slug)}.yaml")
    title = text_field(data, "title", problems)
    if not title and not isinstance(data.get("title"), bool | dict | list):  # those are reported
        problems.add(line_of(data, "title"), "title: required (the issue's headline)")
    header: dict[str, Any] = {
        "slug": slug,
        "title": title,
        "number": _number(data, problems),
        "date": _date(data, problems),
        "subject": text_field(data, "subject", problems) or title,
        "preheader": text_field(data, "preheader", problems),
        "intro": text_field(data, "intro", problems, multiline=True),
        "not_after": _moment(data, "not_after", problems),
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
        return text_field(data, key, problems), line_of(data, key)
    return clean(str(defaults[key])), None


def _language(value: tuple[str, int | None], problems: Problems) -> str:
    code, line = value
    if not is_language(code):
        where = "language" if line else "language (from [newsletter] in publisher.toml)"
        problems.add(line, f"{where}: {code!r} is not a language code such as vi or en")
    return code


def is_language(code: str) -> bool:
    """Whether ``code`` is a language code Babel knows (``vi``, ``en``, ``en-GB``)."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


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
                    line_of(given, key), f"sender.{key}: unknown field{known(SENDER_KEYS)}"
                )
            elif given[key] is not None:
                values[key], lines[key] = (
                    text_field(given, key, problems, label="sender."),
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


def text_field(
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


def _moment(data: Any, key: str, problems: Problems) -> datetime | None:
    """A date and time with its zone (``2024-05-11T08:00+07:00``)."""
    value = data.get(key)
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else None
    if moment is None and not isinstance(value, Date | bool | int | float | list | dict):
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(str(value).strip())
    if moment is None or moment.tzinfo is None:
        problems.add(
            line_of(data, key),
            f"{key}: {value!s} is not a date and time with its zone, like 2024-05-11T08:00+07:00",
        )
        return None
    return moment


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


def known(choices: Iterable[str]) -> str:
    return f" (known: {', '.join(choices)})"
