"""Handing jobs to sending threads: due retries first, then the ledger's queue; pacing.

The dispatcher never holds more than one batch of the ledger in memory, so a list of any
size is sent in constant memory.
"""

from __future__ import annotations

import heapq
import itertools
import random
import threading
import time
from collections.abc import Iterator

from publisher.mail.ledger import Job

_END = object()


class Throttle:
    """A shared pace (messages per second) and a number of connections, both lowered on demand."""

    MIN_RATE = 0.2

    def __init__(self, rate: float, connections: int):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.target = self.interval  # the pace asked for (0: none); recovery stops there
        self._ceiling = 0.0  # unpaced, the rate a slow-down started from
        self.connections = max(1, connections)
        self.slowdowns = 0
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Sleep until this thread may send its next message."""
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(self._next, now)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)

    def slow_down(self, observed_rate: float) -> None:
        """Halve the connections and the pace (the server said 421 or "too many")."""
        with self._lock:
            self.slowdowns += 1
            self.connections = max(1, self.connections // 2)
            current = 1.0 / self.interval if self.interval else observed_rate
            self._ceiling = max(self._ceiling, current)
            self.interval = 1.0 / max(self.MIN_RATE, current / 2)

    def recover(self) -> None:
        """One message accepted: after a slow-down, a little faster again (additive increase).

        About one message per second more each second, up to the pace asked for; with none,
        until the rate is back where the first slow-down found it, and then unpaced.
        """
        with self._lock:
            if self.interval <= self.target or not self.interval:
                return
            rate = 1.0 / self.interval
            rate += 1.0 / rate
            if not self.target and rate >= self._ceiling:
                self.interval = 0.0
            else:
                self.interval = max(self.target, 1.0 / rate)


class Dispatcher:
    """Gives each thread its next job until none is left, none is in flight and none waits."""

    # How long to wait before asking again when the source has nothing now (other senders
    # hold the rest of the send).
    POLL = 1.0

    def __init__(self, source: Iterator[Job | None], limit: int | None = None):
        self._source = source
        self._limit = limit
        self._taken = 0
        self._exhausted = False
        self._ask_at = 0.0  # when the source said "nothing now": when to ask again
        self._ahead: Job | None = None  # read from the source, not taken yet
        self._retries: list[tuple[float, int, Job]] = []
        self._seq = itertools.count()
        self._in_flight = 0
        self._cond = threading.Condition()
        self.stopped = False

    def next(self, *, wait: bool = True) -> Job | None:
        """The next job (a due retry first), waiting for retries; ``None`` when all is done.

        ``wait=False`` (the caller has one in flight): ``None`` at once when no job is ready or
        the next is in doubt. An in-doubt job goes only to a thread with nothing in flight,
        which marks it ``sending`` again: so the rows in ``sending`` never outnumber the
        connections.
        """
        with self._cond:
            while not self.stopped:
                now = time.monotonic()
                job = self._peek(now)
                if job is not None and (wait or not job.in_doubt):
                    return self._take(job)
                if not wait or (job is None and self._finished()):
                    return None
                wake = [self._retries[0][0]] if self._retries else []
                if self._ask_at > now:
                    wake.append(self._ask_at)
                self._cond.wait(min(wake) - now if wake else None)
            return None

    def _finished(self) -> bool:
        """Nothing waits for a retry, nothing is in flight, and the source has nothing more."""
        limited = self._limit is not None and self._taken >= self._limit
        return not self._retries and not self._in_flight and (self._exhausted or limited)

    def _peek(self, now: float) -> Job | None:
        """The job next in line (a due retry first), not taken yet."""
        if self._retries and self._retries[0][0] <= now:
            return self._retries[0][2]
        if self._limit is not None and self._taken >= self._limit:
            return None
        if self._ahead is None and not self._exhausted and now >= self._ask_at:
            item = next(self._source, _END)
            if isinstance(item, Job):
                self._ahead = item
            elif item is None:
                self._ask_at = now + self.POLL
            else:
                self._exhausted = True
        return self._ahead

    def _take(self, job: Job) -> Job:
        if job is self._ahead:
            self._ahead = None
            self._taken += 1
        else:
            heapq.heappop(self._retries)
        self._in_flight += 1
        return job

    def done(self, job: Job, *, retry_in: float | None = None) -> None:
        """A job came back: finished, or to be tried again after ``retry_in`` seconds."""
        with self._cond:
            self._in_flight -= 1
            if retry_in is not None:
                due = time.monotonic() + retry_in
                heapq.heappush(self._retries, (due, next(self._seq), job))
            self._cond.notify_all()

    def stop(self) -> None:
        """Hand out nothing more (an error or an interrupt); waiting threads return ``None``."""
        with self._cond:
            self.stopped = True
            self._cond.notify_all()


class Breaker:
    """Stops a run whose first replies are mostly the same permanent refusal.

    A server that answers ``554 5.7.1 blocked`` to the first 45 of 50 recipients is refusing
    the list (a blocklist, a suspended account), not those addresses: sending on would mark
    every subscriber failed in seconds. ``share`` 0 turns it off.
    """

    def __init__(self, window: int, share: float):
        self.window = window
        self.share = share
        self.seen = 0
        self.refusals: dict[str, list[int]] = {}  # reply code -> the rows that got it
        self.reply = ""  # once tripped: the refusal, as the server gave it
        self.rows: list[int] = []  # once tripped: every row refused so, to queue again

    def add(self, row: int, state: str, reply: str) -> bool:
        """Count one settled row (``sent`` or ``failed``); True once the breaker has tripped."""
        code = reply[:9].strip() if state == "failed" and reply[:1] == "5" else ""
        if self.reply:
            if code and reply.startswith(self.reply[:9].strip()):
                self.rows.append(row)  # settled after the stop, refused the same way
            return True
        if not self.share or self.seen >= self.window:
            return False
        self.seen += 1
        if code:
            self.refusals.setdefault(code, []).append(row)
            if len(self.refusals[code]) >= self.share * self.window:
                self.reply, self.rows = reply, self.refusals[code]
        return bool(self.reply)

    def message(self) -> str:
        return (
            f"the server is refusing the whole list: {len(self.rows)} of the first {self.seen}"
            f" recipients were refused with {self.reply!r}; nothing more was sent and everyone"
            " not sent to stays queued. Fix the cause (a blocklist, the account, the sender's"
            " domain) and run send again"
        )


def backoff(attempt: int, base: float, ceiling: float) -> float:
    """Seconds before try number ``attempt + 1``: doubling from ``base``, jittered, capped."""
    return min(ceiling, base * 2 ** max(0, attempt - 1)) * random.uniform(0.8, 1.0)
