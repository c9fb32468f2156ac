"""The whole ledger of one issue, every run and sender together: what ``send`` reports."""

from __future__ import annotations

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
