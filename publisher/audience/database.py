"""The project's SQLite database: subscribers and the send ledger, in WAL mode.

WAL with ``synchronous=NORMAL`` keeps every committed transaction across a killed process
(only a power cut may lose the last ones), which is what the ledger's resume relies on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from publisher.config import Config
from publisher.errors import PublisherError

SCHEMA = """
CREATE TABLE IF NOT EXISTS subscribers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'unsubscribed', 'bounced')),
    consent_source TEXT NOT NULL DEFAULT '',
    consent_time TEXT NOT NULL DEFAULT '',
    token TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    issue TEXT NOT NULL,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers(id),
    email TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'suppressed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_reply TEXT NOT NULL DEFAULT '',
    queued_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    UNIQUE (issue, subscriber_id)
);
"""


def database_path(config: Config) -> Path:
    """Where the database lives: ``[send] database``, relative to the project."""
    return (config.project / config.table("send")["database"]).resolve()


def connect(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """Open (and create) the database; autocommit, so each statement is its own transaction."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            path, timeout=30, isolation_level=None, check_same_thread=check_same_thread
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.executescript(SCHEMA)
    except (OSError, sqlite3.Error) as exc:
        raise PublisherError(f"cannot open the database: {exc}", where=str(path)) from exc
    return conn


def open_project_db(config: Config, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """The project's database, from ``[send] database``."""
    return connect(database_path(config), check_same_thread=check_same_thread)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction on an autocommit connection: committed whole or rolled back."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
