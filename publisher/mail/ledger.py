"""The send ledger: one row per issue and recipient, shared by the senders of a send.

States: ``queued → sending → sent | failed | suppressed``. A row is committed as ``sending``
before its message is handed to the transport, and as ``sent`` once the server accepted it and
before the next message on that connection is handed over (in the same transaction as that
one's ``sending``), so after a crash only the rows left in ``sending`` (at most one per
connection) can have been delivered without being recorded: a rerun sends every row not
``sent``, repeating at most those.

With PostgreSQL any number of senders share a send by claiming rows (``SKIP LOCKED``); with
SQLite, a file lock keeps one sender per issue.
"""

from __future__ import annotations

import functools
import os
import re
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from publisher.audience.listfile import now
from publisher.audience.store import Dialect, Store
from publisher.mail.groupcommit import GroupCommit
from publisher.mail.message import Recipient

STATES = ("queued", "sending", "sent", "failed", "unknown", "suppressed")
# An address in a server's reply: replies to different recipients are the same reply.
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>]+>?")
BATCH = 500
# Rows a sender sharing a send claims at a time, per connection: enough to keep its
# connections busy between claims, few enough that the other senders get their share.
SHARED_BATCH = 25
# Parameters of one advance statement at most (a group commit stops there), under the
# engines' limits (SQLite's was 999 before 3.32).
GROUP_PARAMS = 900


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
    unknowns: int = 0  # tries in this run whose outcome was unknown (no reply after the data)

    def again(self, unknown: bool = False) -> Job:
        """The next try, once this one's outcome is recorded (so no longer in doubt)."""
        return replace(
            self, attempts=self.attempts + 1, in_doubt=False, unknowns=self.unknowns + unknown
        )


@dataclass(frozen=True)
class Failure:
    """A recipient that could not be sent to (or of unknown outcome), with the last reply."""

    email: str
    attempts: int
    reply: str
    state: str = "failed"


class Ledger:
    """The ``deliveries`` rows of one issue. Thread-safe: one store connection behind a lock.

    Several senders share one send by claiming batches of rows: a row claimed by a sender
    whose heartbeat is fresher than ``lease`` seconds is that sender's; the rows of a sender
    that died (killed, a lost runner) go to the others once its lease has run out.
    """

    def __init__(self, store: Store, issue: str, *, lease: float = 60.0):
        self.store = store
        self.issue = issue
        self.lease = lease
        self.lock = threading.Lock()
        self.sender: int | None = None
        self._stamp = (0, "")
        self._group = GroupCommit(self._write, GROUP_PARAMS)

    def _now(self) -> str:
        """``now()``, formatted once a second rather than once a message."""
        second = int(time.time())
        if self._stamp[0] != second:
            self._stamp = (second, now())
        return self._stamp[1]

    def register(self, *, alone: bool = False) -> int:
        """Join the send as a sender; its id (heartbeats and claims carry it).

        ``alone``: the caller holds the send's lock, so every other sender of this issue is
        dead, and the rows they claimed are free at once rather than when their lease ends.
        """
        clock = self.store.dialect.now
        with self.lock, self.store.transaction():
            # Senders that died a day ago hold nothing any more.
            self.store.execute(f"DELETE FROM senders WHERE heartbeat < {clock} - 86400")
            if alone:
                self.store.execute("DELETE FROM senders WHERE issue = ?", (self.issue,))
            self.sender = self.store.scalar(
                "INSERT INTO senders (issue, host, pid, started_at, heartbeat)"
                f" VALUES (?, ?, ?, {clock}, {clock}) RETURNING id",
                (self.issue, socket.gethostname()[:200], os.getpid()),
            )
        return int(self.sender or 0)

    def leave(self) -> None:
        """Give back the rows this sender claimed and did not finish, and leave the send."""
        if self.sender is None:
            return
        with self.lock, self.store.transaction():
            self.store.execute(
                "UPDATE deliveries SET claimed_by = NULL WHERE issue = ?"
                " AND state IN ('queued', 'sending') AND claimed_by = ?",
                (self.issue, self.sender),
            )
            self.store.execute("DELETE FROM senders WHERE id = ?", (self.sender,))
        self.sender = None

    def enqueue(self) -> None:
        """Queue every subscriber without a row; suppress everyone no longer active."""
        stamp = now()
        with self.lock, self.store.transaction():
            added = self.store.execute(
                "INSERT INTO deliveries (issue, subscriber_id, email, state, queued_at,"
                " updated_at, last_reply) SELECT ?, s.id, s.email,"
                " CASE s.status WHEN 'active' THEN 'queued' ELSE 'suppressed' END, ?, ?,"
                " CASE s.status WHEN 'active' THEN '' ELSE 'subscriber is ' || s.status END"
                " FROM subscribers s WHERE NOT EXISTS (SELECT 1 FROM deliveries d"
                " WHERE d.issue = ? AND d.subscriber_id = s.id) ORDER BY s.id"
                " ON CONFLICT (issue, subscriber_id) DO NOTHING",
                (self.issue, stamp, stamp, self.issue),
            ).rowcount
            self.store.execute(
                "UPDATE deliveries SET state = 'suppressed', updated_at = ?,"
                " last_reply = (SELECT 'subscriber is ' || status FROM subscribers"
                " WHERE id = subscriber_id)"
                " WHERE issue = ? AND state IN ('queued', 'sending', 'failed') AND subscriber_id"
                " IN (SELECT id FROM subscribers WHERE status != 'active')",
                (stamp, self.issue),
            )
        if self.store.engine == "postgresql" and added:
            # Without statistics for the rows just added, the planner took a claim for a
            # handful of rows and sorted every queued one for each batch.
            with self.lock:
                self.store.execute("ANALYZE deliveries")

    def retry(self, state: str) -> int:
        """Queue the ``failed`` (or ``unknown``: a second copy may arrive) rows again, with a
        fresh count of attempts; how many there were."""
        assert state in ("failed", "unknown")
        with self.lock:
            cursor = self.store.execute(
                "UPDATE deliveries SET state = 'queued', attempts = 0, updated_at = ?,"
                " claimed_by = NULL WHERE issue = ? AND state = ?",
                (now(), self.issue, state),
            )
        return int(cursor.rowcount)

    def requeue(self, rows: list[int]) -> int:
        """Put failed rows back in the queue with a fresh count of attempts; how many."""
        if not rows:
            return 0
        with self.lock:
            cursor = self.store.execute(
                "UPDATE deliveries SET state = 'queued', attempts = 0, updated_at = ?"
                f" WHERE state = 'failed' AND id IN ({_marks(len(rows))})",
                (now(), *rows),
            )
        return int(cursor.rowcount)

    def counts(self) -> dict[str, int]:
        """How many rows are in each state, whoever sent them."""
        counts = dict.fromkeys(STATES, 0)
        with self.lock:
            rows = self.store.rows(
                "SELECT state, COUNT(*) FROM deliveries WHERE issue = ? GROUP BY state",
                (self.issue,),
            )
        counts.update(dict(rows))
        return counts

    def failures(self, limit: int = 50) -> list[Failure]:
        """The failed recipients, and those of unknown outcome, with their last reply."""
        with self.lock:
            rows = self.store.rows(
                "SELECT email, attempts, last_reply, state FROM deliveries WHERE issue = ?"
                " AND state IN ('failed', 'unknown') ORDER BY id LIMIT ?",
                (self.issue, limit),
            )
        return [Failure(*row) for row in rows]

    def common_replies(self, limit: int = 5) -> list[tuple[str, int]]:
        """The commonest replies of the failed rows (addresses left out), most frequent first."""
        with self.lock:
            rows = self.store.rows(
                "SELECT last_reply, COUNT(*) FROM deliveries WHERE issue = ? AND state = 'failed'"
                " GROUP BY last_reply",
                (self.issue,),
            )
        counts: dict[str, int] = {}
        for reply, count in rows:
            key = _ADDRESS.sub("<address>", reply)
            counts[key] = counts.get(key, 0) + count
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def pending(self, limit: int | None = None, batch: int = BATCH) -> Iterator[Job | None]:
        """Rows to send, claimed a batch at a time: those left ``sending`` first, then ``queued``.

        The in-doubt rows come first so that they are sent again (or settled) before new ones
        are marked ``sending``: the rows in ``sending`` then never outnumber the connections.
        ``None`` means that nothing can be claimed now while other senders hold rows: ask
        again later (they may finish them, or die and leave them).
        """
        taken = 0
        # Claims go on from the last subscriber claimed (PostgreSQL keeps the index entries of
        # rows already sent until it vacuums: a claim from the start would step over all of
        # them each time). When that finds nothing, one sweep from the start takes what was
        # left behind: in-doubt rows, and rows a dead sender held or a sender gave back.
        after, sweeping = -1, True
        while limit is None or taken < limit:
            size = batch if limit is None else min(batch, limit - taken)
            if sweeping:
                jobs, last = self._claim("sending", size, -1)
                if last is not None:  # in doubt: before any queued row, wherever they are
                    taken += len(jobs)
                    yield from jobs
                    continue
            jobs, last = self._claim("queued", size, -1 if sweeping else after)
            if last is None:
                if not sweeping:
                    sweeping = True
                    continue
                if not self._held_by_others():
                    return
                yield None  # ask again later, with another sweep
                continue
            sweeping, after = False, last
            taken += len(jobs)
            yield from jobs

    def _claim(self, state: str, size: int, after: int) -> tuple[list[Job], int | None]:
        """Claim up to ``size`` unclaimed rows (or rows of a dead sender) in one state.

        Only subscribers after ``after``; returns the jobs and the last subscriber id looked at
        (``None``: there was none). Rows of subscribers who left since the send started are
        suppressed here, so that an unsubscribe is seen by the next batch any sender claims.
        """
        with self.lock, self.store.transaction():
            rows = self.store.rows(
                claim_sql(self.store.dialect), (self.issue, state, after, after, self.lease, size)
            )
            jobs = [
                Job(
                    row_id,
                    Recipient(email, name, token, language),
                    attempts,
                    in_doubt=state == "sending",
                )
                for row_id, status, email, name, token, attempts, _, language in rows
                if status == "active"
            ]
            if jobs:  # one statement for the batch: a statement per row cost more than sending
                ids = [job.id for job in jobs]
                self.store.execute(
                    f"UPDATE deliveries SET claimed_by = ? WHERE id IN ({_marks(len(ids))})",
                    (self.sender, *ids),
                )
            gone = [(f"subscriber is {row[1]}", self._now(), row[0]) for row in rows
                    if row[1] != "active"]  # fmt: skip
            if gone:
                self.store.executemany(
                    "UPDATE deliveries SET state = 'suppressed', last_reply = ?,"
                    " updated_at = ?, claimed_by = NULL WHERE id = ?",
                    gone,
                )
        return jobs, (rows[-1][6] if rows else None)

    def _held_by_others(self) -> bool:
        """Whether rows still to send are claimed by other senders (alive or not yet expired)."""
        with self.lock:
            row = self.store.one(
                "SELECT 1 FROM deliveries WHERE issue = ? AND state IN ('queued', 'sending')"
                " AND claimed_by IS NOT NULL AND claimed_by != ? LIMIT 1",
                (self.issue, self.sender or 0),
            )
        return row is not None

    def advance(self, finished: Sequence[Finished], sending: Job | None = None) -> None:
        """Record outcomes and mark the next message ``sending``, committed together; returns
        once they are.

        ``sending`` is committed before its message leaves: a crash from then on may repeat
        it. One statement does both (one round trip to a database server, one commit), with
        the advances other threads ask for meanwhile (see ``groupcommit``).
        """
        params: list[object] = []
        for job, state, reply, counted in finished:
            params += (job.id, state, reply[:1000], int(counted))
        if sending is not None:
            params += (sending.id, "sending", "", 1)
        if not params:
            return
        self._group.commit(params)

    def _write(self, params: list[object]) -> None:
        stamp = self._now()
        with self.lock:
            self.store.execute(_advance_sql(len(params) // 4), (*params, stamp, stamp))


# An outcome: the job, its new state (``sent``, ``failed``, or ``queued`` for a retry), the
# server's reply, and whether to count an attempt (not yet counted by ``sending``).
Finished = tuple[Job, str, str, bool]


@functools.cache
def claim_sql(dialect: Dialect) -> str:
    """Rows to claim, locked: (issue, state, after, after, lease, limit)."""
    return (
        "SELECT d.id, s.status, s.email, s.name, s.token, d.attempts, d.subscriber_id,"
        " s.language FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id"
        # ``s.id > ?`` too: the planner does not carry a range across the join, and walked
        # the subscribers from the first one for each batch, a send quadratic in its size.
        " WHERE d.issue = ? AND d.state = ? AND d.subscriber_id > ? AND s.id > ?"
        " AND (d.claimed_by IS NULL OR NOT EXISTS (SELECT 1 FROM senders x"
        f" WHERE x.id = d.claimed_by AND x.heartbeat > {dialect.now} - ?))"
        f" ORDER BY d.subscriber_id LIMIT ? {dialect.skip_locked}"
    )


@functools.cache
def _marks(count: int) -> str:
    return ", ".join("?" * count)


@functools.cache
def _advance_sql(rows: int) -> str:
    """One UPDATE of ``rows`` rows: (id, new state, reply, attempts to add) each."""
    values = ", ".join(["(CAST(? AS BIGINT), ?, ?, CAST(? AS INTEGER))"] * rows)
    return (
        f"WITH v (id, state, reply, counted) AS (VALUES {values})"
        " UPDATE deliveries SET state = v.state,"
        " last_reply = CASE v.state WHEN 'sending' THEN deliveries.last_reply ELSE v.reply END,"
        " updated_at = ?, sent_at = CASE v.state WHEN 'sent' THEN ? ELSE deliveries.sent_at END,"
        " attempts = deliveries.attempts + v.counted FROM v WHERE deliveries.id = v.id"
    )
