"""The whole ledger of one issue, every run and sender together: what ``send`` reports."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from publisher.audience.migrations import open_store
from publisher.config import Config
from publisher.errors import SendError
from publisher.mail.built import load_built_issue
from publisher.mail.ledger import Failure, Ledger


@dataclass(frozen=True)
class Status:
    """The whole ledger of one issue: every sender's rows together."""

    counts: dict[str, int]
    failures: list[Failure]
    replies: list[tuple[str, int]]  # the commonest failure replies, with how many had each

    @property
    def unsent(self) -> int:
        return self.counts["queued"] + self.counts["sending"]

    @property
    def complete(self) -> bool:
        """Every row sent or suppressed: none failed, unknown or still waiting."""
        return not self.unsent and not self.counts["failed"] and not self.counts["unknown"]


class WholeSend:
    """How many rows of the whole send (every sender's) were settled since a run began.

    ``unsent`` counts the ledger's rows still to send: at most once a second, and at most 2%
    of the time (it reads every row of the send, and holds the ledger meanwhile); the run's
    own count fills in between.
    """

    def __init__(self, unsent: Callable[[], int], clock: Callable[[], float] = time.monotonic):
        self._unsent, self._clock = unsent, clock
        self._first = self._last = unsent()
        self._at, self._done_then, self._every = clock(), 0, 1.0

    def settled(self, done: int) -> int:
        """The whole send's settled rows, given the ``done`` rows of this run so far."""
        start = self._clock()
        if start - self._at >= self._every:
            self._last = self._unsent()
            self._at, self._done_then = self._clock(), done
            self._every = max(1.0, 50 * (self._at - start))
        return max(0, self._first - self._last) + done - self._done_then


def ledger_status(ledger: Ledger) -> Status:
    return Status(ledger.counts(), ledger.failures(), ledger.common_replies())


def issue_status(config: Config, issue: str) -> Status:
    """The ledger of an issue (all senders together), its failures and their commonest replies."""
    try:
        slug = load_built_issue(config, issue).slug
    except SendError:
        slug = Path(issue).name.removesuffix(".yaml")  # the ledger outlives the build folder
    with open_store(config, readonly=True) as store:
        return ledger_status(Ledger(store, slug))
