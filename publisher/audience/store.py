"""The audience store: one connection to SQLite or PostgreSQL behind one small interface.

SQL is written once, with ``?`` placeholders and the subset both engines speak; the few places
where they differ are the fragments of ``Dialect``. Rows are plain tuples on both engines.

SQLite runs in WAL mode with ``synchronous=NORMAL``: every committed transaction survives a
killed process (only a power cut may lose the last ones), which is what the ledger's resume
relies on. PostgreSQL connections are in autocommit mode, like SQLite's, so each statement
outside ``transaction()`` is its own transaction.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from publisher.config import Config, database_url_problem
from publisher.errors import DatabaseError

ENV_URL = "PUBLISHER_DATABASE_URL"


@dataclass(frozen=True)
class Dialect:
    """The SQL fragments that differ between the engines."""

    begin: str
    # Seconds since the epoch by the database's clock: several machines share one clock.
    now: str
    # After a SELECT of ledger rows to claim: skip rows another sender is claiming.
    skip_locked: str
    # Addresses are unique whatever their case: how ``subscribers s`` meets a list ``v``.
    email_join: str


DIALECTS = {
    "sqlite": Dialect(
        begin="BEGIN IMMEDIATE",
        now="((julianday('now') - 2440587.5) * 86400.0)",
        skip_locked="",
        # The column is COLLATE NOCASE, and the left operand's collation applies.
        email_join="s.email = v.email",
    ),
    "postgresql": Dialect(
        begin="BEGIN",
        now="extract(epoch from clock_timestamp())::double precision",
        skip_locked="FOR UPDATE OF d SKIP LOCKED",
        email_join="lower(s.email) = lower(v.email)",  # served by the index on lower(email)
    ),
}


def database_url(config: Config) -> str:
    """The store's URL: ``PUBLISHER_DATABASE_URL``, else ``[database] url``, else the default."""
    return os.environ.get(ENV_URL) or config.table("database")["url"]


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    credentials, at, host = netloc.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.partition(":")[0]
    return urlunsplit((scheme, f"{user}:***@{host}", path, query, fragment))


def sqlite_path(url: str, project: Path) -> Path:
    """The file of a ``sqlite:///`` URL: relative paths are relative to the project folder."""
    return (project / url.removeprefix("sqlite:///")).resolve()


class Store:
    """One connection to the audience database. Not thread-safe: share it behind a lock."""

    def __init__(self, engine: str, conn: Any, url: str, path: Path | None = None):
        self.engine = engine
        self.dialect = DIALECTS[engine]
        self.conn = conn
        self.url = redact(url)
        self.path = path  # the SQLite file, for the send lock beside it
        self._errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
        self._cursor: Any = None
        if engine == "postgresql":
            import psycopg

            self._errors = (psycopg.Error,)
            self._cursor = conn.cursor()
        self._sql: dict[str, str] = {}

    def _translate(self, sql: str) -> str:
        """``?`` placeholders as the engine wants them (psycopg: ``%s``)."""
        if self.engine == "sqlite":
            return sql
        translated = self._sql.get(sql)
        if translated is None:
            translated = self._sql[sql] = sql.replace("%", "%%").replace("?", "%s")
        return translated

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; the cursor, for ``fetchone``/``fetchall``/``rowcount``.

        Read what it returns before the next statement: with PostgreSQL every statement goes
        through one cursor (making a cursor per statement was a quarter of psycopg's time).
        """
        try:
            if self._cursor is None:
                return self.conn.execute(sql, params)
            return self._cursor.execute(self._translate(sql), params)
        except self._errors as exc:
            raise self.error(exc) from exc

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""
        try:
            if self.engine == "sqlite":
                self.conn.executemany(sql, rows)
            else:
                with self.conn.cursor() as cursor:
                    cursor.executemany(self._translate(sql), list(rows))
        except self._errors as exc:
            raise self.error(exc) from exc

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.execute(sql, params).fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row = self.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return row[0] if row is not None else None

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction: committed whole, or rolled back."""
        self.execute(self.dialect.begin)
        try:
            yield self
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def has_table(self, name: str) -> bool:
        if self.engine == "sqlite":
            sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        else:
            sql = "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?"
        return self.one(sql, (name,)) is not None

    def error(self, exc: BaseException) -> DatabaseError:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return DatabaseError(f"database error: {message}", where=self.url)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def connect(url: str, project: Path, *, readonly: bool = False) -> Store:
    """Open a connection (a SQLite file is created); the schema is not looked at.

    ``readonly``: for commands that only read (``send --status``, ``subscribers list``), which
    must work on a database file or a login that may not write.
    """
    problem = database_url_problem(url)
    if problem:
        where = ENV_URL if os.environ.get(ENV_URL) == url else "database.url"
        raise DatabaseError(f"invalid database URL: {problem}", where=where)
    if url.startswith("sqlite:"):
        path = sqlite_path(url, project)
        if readonly and path.exists():
            return _connect_sqlite_readonly(url, path)
        return _connect_sqlite(url, path)
    store = _connect_postgresql(url)
    if readonly:
        store.execute("SET default_transaction_read_only = on")
    return store


def _connect_sqlite(url: str, path: Path) -> Store:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseError(f"cannot open the database: {exc}", where=str(path)) from exc
    return Store("sqlite", conn, url, path)


def _connect_sqlite_readonly(url: str, path: Path) -> Store:
    """A read-only connection: no journal-mode change, nothing written.

    A WAL database needs its ``-shm`` file; in a folder we may not write, where it cannot be
    made, the file is opened as immutable (nobody can be writing it there either).
    """
    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        conn = _sqlite_uri(uri)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            conn = _sqlite_uri(uri + "&immutable=1")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open the database: {exc}", where=str(path)) from exc
    return Store("sqlite", conn, url, path)


def _sqlite_uri(uri: str) -> sqlite3.Connection:
    return sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)


def _connect_postgresql(url: str) -> Store:
    try:
        import psycopg
    except ImportError:
        raise DatabaseError(
            "a PostgreSQL database needs psycopg: pip install 'publisher[postgres]'",
            where=redact(url),
        ) from None
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseError(f"cannot connect to the database: {first}", where=redact(url)) from exc
    return Store("postgresql", conn, url)
