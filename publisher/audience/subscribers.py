"""The subscriber list in SQLite: CSV import and export, listing, unsubscribing.

An import never resubscribes an address that unsubscribed or bounced: consent withdrawn is
only given back by the subscriber, not by an old spreadsheet.
"""

from __future__ import annotations

import csv
import re
import secrets
import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from email_validator import EmailNotValidError, validate_email

from publisher.audience.database import transaction
from publisher.errors import SubscriberError
from publisher.model import SUBSCRIBER_STATUSES, Subscriber

REQUIRED_COLUMNS = ("email", "name", "language")
OPTIONAL_COLUMNS = ("consent_source", "consent_time", "status")
EXPORT_COLUMNS = ("email", "name", "language", "status", "consent_source", "consent_time")
MAX_NAME = 200
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


def _row_subscriber(row: dict[str, str], source: str) -> Subscriber:
    """One CSV row as a subscriber (no id, no token yet); ``ValueError`` says what is wrong."""
    email = normalise_email(row.get("email") or "")
    language = clean_text(row.get("language") or "").lower()
    if language and not LANGUAGE.match(language):
        raise ValueError(f"language {language!r} is not a language code like vi or en")
    status = clean_text(row.get("status") or "").lower() or "active"
    if status not in SUBSCRIBER_STATUSES:
        raise ValueError(f"status {status!r} is not one of {', '.join(SUBSCRIBER_STATUSES)}")
    consent_time = (row.get("consent_time") or "").strip()
    return Subscriber(
        email=email,
        name=clean_text(row.get("name") or ""),
        language=language,
        status=status,
        consent_source=clean_text(row.get("consent_source") or "") or source,
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
            return _read_rows(handle, f"import:{path.name}")
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SubscriberError(f"not a UTF-8 CSV file: {exc}", where=str(path)) from exc


def _read_rows(handle: IO[str], source: str) -> tuple[list[Subscriber], list[str]]:
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
            subscriber = _row_subscriber(row, source)
        except ValueError as exc:
            problems.append(f"line {start}: {exc}")
            continue
        key = subscriber.email.lower()
        merged[key] = merge(merged[key], subscriber) if key in merged else subscriber
    return list(merged.values()), problems


def merge(old: Subscriber, new: Subscriber) -> Subscriber:
    """Later non-empty values win; a withdrawn consent (unsubscribed, bounced) always stays."""
    status = new.status if old.status == "active" else old.status
    return Subscriber(
        email=old.email,
        name=new.name or old.name,
        language=new.language or old.language,
        status=status,
        consent_source=new.consent_source or old.consent_source,
        consent_time=new.consent_time or old.consent_time,
        token=old.token,
        id=old.id,
    )


def _subscriber(row: sqlite3.Row) -> Subscriber:
    return Subscriber(
        email=row["email"],
        name=row["name"],
        language=row["language"],
        status=row["status"],
        consent_source=row["consent_source"],
        consent_time=row["consent_time"],
        token=row["token"],
        id=row["id"],
    )


class SubscriberList:
    """The ``subscribers`` table of the project database."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def get(self, email: str) -> Subscriber | None:
        """The subscriber with this address (case-insensitive), if any."""
        try:
            email = normalise_email(email)
        except ValueError:
            return None
        row = self.conn.execute("SELECT * FROM subscribers WHERE email = ?", (email,)).fetchone()
        return _subscriber(row) if row else None

    def by_token(self, token: str) -> Subscriber | None:
        """The subscriber whose unsubscribe token this is, if any."""
        row = self.conn.execute("SELECT * FROM subscribers WHERE token = ?", (token,)).fetchone()
        return _subscriber(row) if row else None

    def all(self, status: str | None = None) -> Iterator[Subscriber]:
        """Every subscriber (or those with one status), oldest first."""
        if status is None:
            rows = self.conn.execute("SELECT * FROM subscribers ORDER BY id")
        else:
            rows = self.conn.execute(
                "SELECT * FROM subscribers WHERE status = ? ORDER BY id", (status,)
            )
        for row in rows:
            yield _subscriber(row)

    def counts(self) -> dict[str, int]:
        """How many subscribers have each status."""
        counts = dict.fromkeys(SUBSCRIBER_STATUSES, 0)
        for status, count in self.conn.execute(
            "SELECT status, COUNT(*) FROM subscribers GROUP BY status"
        ):
            counts[status] = count
        return counts

    def import_csv(self, path: Path) -> ImportReport:
        """Add or update every valid row of a CSV file, in one transaction."""
        subscribers, problems = read_csv(path)
        report = ImportReport(problems=problems)
        with transaction(self.conn):
            for subscriber in subscribers:
                action = self.save(subscriber)
                setattr(report, action, getattr(report, action) + 1)
        return report

    def save(self, subscriber: Subscriber) -> str:
        """Insert or merge one subscriber: ``added``, ``updated`` or ``unchanged``."""
        old = self.get(subscriber.email)
        stamp = now()
        if old is None:
            self.conn.execute(
                "INSERT INTO subscribers (email, name, language, status, consent_source,"
                " consent_time, token, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    subscriber.email, subscriber.name, subscriber.language, subscriber.status,
                    subscriber.consent_source, subscriber.consent_time or stamp,
                    subscriber.token or new_token(), stamp, stamp,
                ),
            )  # fmt: skip
            return "added"
        new = merge(old, subscriber)
        if new == old:
            return "unchanged"
        self.conn.execute(
            "UPDATE subscribers SET name=?, language=?, status=?, consent_source=?,"
            " consent_time=?, updated_at=? WHERE id=?",
            (new.name, new.language, new.status, new.consent_source, new.consent_time, stamp,
             old.id),
        )  # fmt: skip
        return "updated"

    def unsubscribe(self, *, email: str | None = None, token: str | None = None) -> Subscriber:
        """Mark one subscriber unsubscribed (idempotent); ``SubscriberError`` if unknown."""
        found = self.by_token(token) if token else self.get(email or "")
        if found is None:
            raise SubscriberError("no such subscriber" if token else f"no subscriber {email!r}")
        return self.set_status(found, "unsubscribed")

    def set_status(self, subscriber: Subscriber, status: str) -> Subscriber:
        """Change one subscriber's status (a no-op when it already has it)."""
        if subscriber.status != status:
            self.conn.execute(
                "UPDATE subscribers SET status=?, updated_at=? WHERE id=?",
                (status, now(), subscriber.id),
            )
        return Subscriber(**{**subscriber.__dict__, "status": status})

    def export_csv(self, out: IO[str], status: str | None = None) -> int:
        """Write the list as CSV (formula-safe cells, no tokens); returns the row count."""
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        count = 0
        for subscriber in self.all(status):
            writer.writerow([escape_cell(getattr(subscriber, c)) for c in EXPORT_COLUMNS])
            count += 1
        return count
