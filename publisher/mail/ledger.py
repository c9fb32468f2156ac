"""The send ledger: one row per issue and recipient, and the lock that keeps one sender per issue.

States: ``queued → sending → sent | failed | suppressed``. A row is committed as ``sending``
before its message is handed to the transport, and as ``sent`` once the server accepted it and
before the next message on that connection is handed over (in the same transaction as that
one's ``sending``), so after a crash only the rows left in ``sending`` (at most one per
connection) can have been delivered without being recorded: a rerun sends every row not
``sent``, repeating at most those.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from publisher.audience.database import transaction
from publisher.audience.subscribers import now
from publisher.errors import SendError
from publisher.mail.message import Recipient

STATES = ("queued", "sending", "sent", "failed", "suppressed")
BATCH = 500


@dataclass(frozen=True)
class Job:
    """One delivery to attempt; ``attempts`` counts the tries before this one.

    ``in_doubt``: its row was left ``sending`` by a run that died, so it may have been
    delivered already.
    """

    id: int
    recipient: Recipient
    attempts: int = 0
    in_doubt: bool = False

    def again(self) -> Job:
        """The next try, once this one's outcome is recorded (so no longer in doubt)."""
        return replace(self, attempts=self.attempts + 1, in_doubt=False)


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
        self._stamp = (0, "")

    def _now(self) -> str:
        """``now()``, formatted once a second rather than once a message."""
        second = int(time.time())
        if self._stamp[0] != second:
            self._stamp = (second, now())
        return self._stamp[1]

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
        """Rows still to send: first those left ``sending`` by a run that died, then ``queued``.

        The in-doubt rows come first so that they are sent again (or settled) before new ones
        are marked ``sending``: the rows in ``sending`` then never outnumber the connections.
        """
        in_doubt = [replace(job, in_doubt=True) for job in self._rows("sending")]
        yield from in_doubt
        seen = {job.id for job in in_doubt}
        for job in self._rows("queued"):
            if job.id not in seen:  # one of those, put back to ``queued`` by this run
                yield job

    def _rows(self, state: str) -> Iterator[Job]:
        """The rows in one state, in batches.

        Paged by subscriber id, which the ``(issue, subscriber_id)`` index serves in order, so
        each batch costs its own rows only (paging by row id made SQLite sort what was left).
        """
        last = -1
        while True:
            with self.lock:
                rows = self.conn.execute(
                    "SELECT d.subscriber_id, d.id, s.email, s.name, s.token, d.attempts"
                    " FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id"
                    " WHERE d.issue = ? AND d.subscriber_id > ? AND d.state = ?"
                    " AND s.status = 'active' ORDER BY d.subscriber_id LIMIT ?",
                    (self.issue, last, state, BATCH),
                ).fetchall()
            if not rows:
                return
            for _, row_id, email, name, token, attempts in rows:
                yield Job(row_id, Recipient(email, name, token), attempts)
            last = rows[-1][0]

    def advance(self, finished: Sequence[Finished], sending: Job | None = None) -> None:
        """Record outcomes and mark the next message ``sending``, committed together.

        ``sending`` is committed before its message leaves: a crash from then on may repeat
        it. One transaction for both halves the commits per message.
        """
        stamp = self._now()
        rows = [
            (state, reply[:1000], stamp, state, stamp, int(counted), job.id)
            for job, state, reply, counted in finished
        ]
        with self.lock:
            if len(rows) + (sending is not None) > 1:
                with transaction(self.conn):
                    self.conn.executemany(_RECORD, rows)
                    if sending is not None:
                        self.conn.execute(_SENDING, (stamp, sending.id))
            elif rows:
                self.conn.execute(_RECORD, rows[0])
            elif sending is not None:
                self.conn.execute(_SENDING, (stamp, sending.id))


# An outcome: the job, its new state (``sent``, ``failed``, or ``queued`` for a retry), the
# server's reply, and whether to count an attempt (not yet counted by ``sending``).
Finished = tuple[Job, str, str, bool]
_RECORD = (
    "UPDATE deliveries SET state = ?, last_reply = ?, updated_at = ?,"
    " sent_at = CASE ? WHEN 'sent' THEN ? ELSE sent_at END, attempts = attempts + ? WHERE id = ?"
)
_SENDING = (
    "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?"
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
