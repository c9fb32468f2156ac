"""Subscriber lists as CSV files, and the rules every address, name and language obeys.

Cells are cleaned (NFC, no control characters: nothing reaches a mail header), addresses are
validated and normalised, and exports are safe to open in a spreadsheet (no formulas).
"""

from __future__ import annotations

import csv
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from babel import Locale, UnknownLocaleError
from email_validator import EmailNotValidError, validate_email

from publisher.errors import SubscriberError
from publisher.model import SUBSCRIBER_STATUSES, Subscriber

REQUIRED_COLUMNS = ("email", "name", "language")
OPTIONAL_COLUMNS = ("consent_source", "consent_time", "status")
EXPORT_COLUMNS = ("email", "name", "language", "status", "consent_source", "consent_time")
MAX_NAME = 200
# Only the subscriber gives these back (through a confirmed subscription), never a list.
WITHDRAWN = ("unsubscribed", "bounced", "complained")
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
# Every control character and Unicode line/paragraph separator: none may reach a header.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def now() -> str:
    """The current UTC time as stored in the database."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_token() -> str:
    """An unguessable token (192 bits) for a subscriber's unsubscribe link."""
    return secrets.token_urlsafe(24)


def clean_text(value: str, *, limit: int = MAX_NAME) -> str:
    """NFC, control characters (CR/LF too) turned into spaces, whitespace collapsed."""
    value = unicodedata.normalize("NFC", unescape_cell(value))
    return " ".join(_CONTROL.sub(" ", value).split())[:limit]


def normalise_email(value: str) -> str:
    """The address validated (syntax only, no DNS) and normalised; ``ValueError`` if invalid."""
    value = unescape_cell(value).strip()
    if not value:
        raise ValueError("the email address is empty")
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(f"invalid email address {value!r}: {exc}") from None
    return result.ascii_email or result.normalized


def normalise_language(value: str) -> str:
    """A language code like ``vi`` or ``en-gb`` (empty stays empty); ``ValueError`` if unknown."""
    code = clean_text(value).lower().replace("_", "-")
    if not code:
        return ""
    if not LANGUAGE.match(code):
        raise ValueError(f"language {code!r} is not a language code like vi or en")
    try:
        Locale.parse(code.partition("-")[0])
    except (UnknownLocaleError, ValueError):
        raise ValueError(
            f"language {code!r} is not a known language code (like vi or en)"
        ) from None
    return code


def normalise_time(value: str) -> str:
    """An ISO 8601 date or date-time as UTC ISO text (no zone given: UTC)."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"consent_time {value!r} is not an ISO 8601 date or time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="seconds")


def escape_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unescape_cell(value: str) -> str:
    """Undo ``escape_cell``, so an exported list imports back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


@dataclass
class ImportReport:
    """What an import did; ``problems`` holds one ``line N: why`` per rejected row."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


def _row_subscriber(row: dict[str, str]) -> Subscriber:
    """One CSV row as a subscriber (no id, no token yet); ``ValueError`` says what is wrong."""
    email = normalise_email(row.get("email") or "")
    language = normalise_language(row.get("language") or "")
    status = clean_text(row.get("status") or "").lower() or "active"
    if status not in SUBSCRIBER_STATUSES:
        raise ValueError(f"status {status!r} is not one of {', '.join(SUBSCRIBER_STATUSES)}")
    consent_time = (row.get("consent_time") or "").strip()
    return Subscriber(
        email=email,
        name=clean_text(row.get("name") or ""),
        language=language,
        status=status,
        # An empty cell stays empty, so that merging keeps an earlier row's source; the file's
        # name becomes the source of a new subscriber only when saved.
        consent_source=clean_text(row.get("consent_source") or ""),
        consent_time=normalise_time(consent_time) if consent_time else "",
    )


def read_csv(path: Path) -> tuple[list[Subscriber], list[str]]:
    """Valid subscribers of a CSV file (duplicates merged) and a problem per bad row."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise SubscriberError(f"cannot read the list: {exc.strerror}", where=str(path)) from exc
    with handle:
        try:
            return _read_rows(handle)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SubscriberError(f"not a UTF-8 CSV file: {exc}", where=str(path)) from exc


def _read_rows(handle: IO[str]) -> tuple[list[Subscriber], list[str]]:
    reader = csv.reader(handle)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise SubscriberError(f"the header lacks the column(s) {', '.join(missing)}")
    merged: dict[str, Subscriber] = {}
    problems = []
    line = reader.line_num + 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        try:
            if len(cells) > len(header):
                raise ValueError(f"{len(cells)} cells but the header has {len(header)}")
            row = dict(zip(header, cells, strict=False))
            subscriber = _row_subscriber(row)
        except ValueError as exc:
            problems.append(f"line {start}: {exc}")
            continue
        key = subscriber.email.lower()
        merged[key] = merge(merged[key], subscriber) if key in merged else subscriber
    return list(merged.values()), problems


def merge(old: Subscriber, new: Subscriber) -> Subscriber:
    """Later non-empty values win; a withdrawn consent (unsubscribed, bounced) always stays."""
    status = old.status if old.status in WITHDRAWN else new.status
    return Subscriber(
        email=old.email,
        name=new.name or old.name,
        language=new.language or old.language,
        status=status,
        consent_source=new.consent_source or old.consent_source,
        consent_time=new.consent_time or old.consent_time,
        consent_address=new.consent_address or old.consent_address,
        token=old.token,
        id=old.id,
    )
