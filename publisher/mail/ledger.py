"""The send ledger: one row per issue and recipient, and the lock that keeps one sender per issue.

States: ``queued → sending → sent | failed | suppressed``. A row is committed as ``sending``
before its message is handed to the transport and as ``sent`` as soon as the server accepted it,
so after a crash only the rows left in ``sending`` can have been delivered without being
recorded: a rerun sends every row not ``sent``, repeating at most those.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from publisher.db import transaction
from publisher.errors import SendError
from publisher.mail.message import Recipient
from publisher.subscribers import now

STATES = ("queued", "sending", "sent", "failed", "suppressed")
BATCH = 500


@dataclass(frozen=True)
class Job:
    """One delivery to attempt; ``attempts`` counts the tries before this one."""

    id: int
    recipient: Recipient
    attempts: int = 0

    def again(self) -> Job:
        return replace(self, attempts=self.attempts + 1)


@dataclass(frozen=True)
class Failure:
    """A recipient that could not be sent to, with the server's last reply."""

    email: str
    attempts: int
    reply: str


class Ledger:
    """The ``deliveries`` rows of one issue. Thread-safe: one connection behind a lock."""

    def __init__(self, conn: sqlite3.Connection, issue: str):
        self.conn = conn
        self.issue = issue
        self.lock = threading.Lock()

    def enqueue(self) -> None:
        """Queue every subscriber without a row; suppress everyone no longer active."""
        stamp = now()
        with self.lock, transaction(self.conn):
            self.conn.execute(
                "INSERT INTO deliveries (issue, subscriber_id, email, state, queued_at,"
                " updated_at, last_reply) SELECT ?, s.id, s.email,"
                " CASE s.status WHEN 'active' THEN 'queued' ELSE 'suppressed' END, ?, ?,"
                " CASE s.status WHEN 'active' THEN '' ELSE 'subscriber is ' || s.status END"
                " FROM subscribers s WHERE NOT EXISTS (SELECT 1 FROM deliveries d"
                " WHERE d.issue = ? AND d.subscriber_id = s.id) ORDER BY s.id",
                (self.issue, stamp, stamp, self.issue),
            )
            self.conn.execute(
                "UPDATE deliveries SET state = 'suppressed', updated_at = ?,"
                " last_reply = (SELECT 'subscriber is ' || status FROM subscribers"
                " WHERE id = subscriber_id)"
                " WHERE issue = ? AND state IN ('queued', 'sending', 'failed') AND subscriber_id"
                " IN (SELECT id FROM subscribers WHERE status != 'active')",
                (stamp, self.issue),
            )

    def retry_failed(self) -> int:
        """Queue the failed rows again with a fresh count of attempts; how many there were."""
        with self.lock:
            cursor = self.conn.execute(
                "UPDATE deliveries SET state = 'queued', attempts = 0, updated_at = ?"
                " WHERE issue = ? AND state = 'failed'",
                (now(), self.issue),
            )
        return cursor.rowcount

    def counts(self) -> dict[str, int]:
        """How many rows are in each state."""
        counts = dict.fromkeys(STATES, 0)
        with self.lock:
            rows = self.conn.execute(
                "SELECT state, COUNT(*) FROM deliveries WHERE issue = ? GROUP BY state",
                (self.issue,),
            ).fetchall()
        counts.update(dict(rows))
        return counts

    def failures(self, limit: int = 50) -> list[Failure]:
        """The failed recipients with their last reply."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT email, attempts, last_reply FROM deliveries WHERE issue = ?"
                " AND state = 'failed' ORDER BY id LIMIT ?",
                (self.issue, limit),
            ).fetchall()
        return [Failure(*row) for row in rows]

    def pending(self) -> Iterator[Job]:
        """Rows still to send (``queued``, or ``sending`` from a run that died), in batches."""
        last = 0
        while True:
            with self.lock:
                rows = self.conn.execute(
                    "SELECT d.id, s.email, s.name, s.token, d.attempts FROM deliveries d"
                    " JOIN subscribers s ON s.id = d.subscriber_id WHERE d.issue = ?"
                    " AND d.id > ? AND d.state IN ('queued', 'sending') AND s.status = 'active'"
                    " ORDER BY d.id LIMIT ?",
                    (self.issue, last, BATCH),
                ).fetchall()
            if not rows:
                return
            for row_id, email, name, token, attempts in rows:
                yield Job(row_id, Recipient(email, name, token), attempts)
            last = rows[-1][0]

    def mark_sending(self, job: Job) -> None:
        """Committed before the message leaves: a crash from here on may repeat this one."""
        with self.lock:
            self.conn.execute(
                "UPDATE deliveries SET state = 'sending', attempts = attempts + 1,"
                " updated_at = ? WHERE id = ?",
                (now(), job.id),
            )

    def record(self, job: Job, state: str, reply: str) -> None:
        """The outcome of one attempt: ``sent``, ``failed`` or back to ``queued`` (a retry)."""
        stamp = now()
        with self.lock:
            self.conn.execute(
                "UPDATE deliveries SET state = ?, last_reply = ?, updated_at = ?,"
                " sent_at = CASE ? WHEN 'sent' THEN ? ELSE sent_at END WHERE id = ?",
                (state, reply[:1000], stamp, state, stamp, job.id),
            )


class SendLock:
    """An exclusive lock on one issue's sending, held by an open file (``fcntl.flock``).

    The kernel drops the lock when its process dies, however it dies, so a killed sender
    never leaves a lock that has to be broken by hand; the pid inside is for the message only.
    """

    def __init__(self, database: Path, issue: str):
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", issue)
        self.path = database.with_name(f"{database.name}-send-{safe}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise SendError(
                f"another send of this issue is running (pid {holder})", where=str(self.path)
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SendLock:
        self.acquire()
        return self

    def __exit__(self, *_: object) -> None:
        self.release()
