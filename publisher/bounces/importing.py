"""``import_bounces``: every report in a mailbox applied to the list; ``apply_report`` for one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Protocol

from publisher.audience.bounces import BounceBook
from publisher.audience.migrations import open_store
from publisher.audience.subscribers import SubscriberList
from publisher.bounces.reports import Report, read_report
from publisher.config import Config


class Mailbox(Protocol):
    def messages(self) -> Iterator[tuple[str, Message]]: ...
    def processed(self, key: str) -> None: ...
    def close(self) -> None: ...


@dataclass
class BounceImport:
    """What an import did."""

    read: int = 0
    processed: int = 0  # moved to the processed folder
    hard: int = 0
    soft: int = 0
    complaints: int = 0
    again: int = 0  # reports read before (counted once)
    suppressed: list[str] = field(default_factory=list)  # addresses no longer sent to
    unknown: int = 0  # bounces naming nobody on the list: left in the mailbox
    unrecognised: int = 0  # neither a bounce nor a complaint: left in the mailbox

    def add(self, other: BounceImport) -> None:
        for name in ("hard", "soft", "complaints", "again"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.suppressed += other.suppressed


def apply_report(book: BounceBook, report: Report) -> BounceImport | None:
    """Record the report's findings; ``None`` when it names nobody on the list."""
    subscribers, done, matched = book.subscribers, BounceImport(), False
    for finding in report.findings:
        subscriber = (
            subscribers.by_token(finding.token) if finding.token else subscribers.get(finding.email)
        )
        if subscriber is None:
            continue
        matched = True
        was = subscriber.status
        recorded = book.record(
            subscriber, finding.kind, source=report.source, detail=finding.detail,
            report_id=report.report_id,
        )  # fmt: skip
        if not recorded.new:
            done.again += 1
            continue
        if finding.kind == "complaint":
            done.complaints += 1
        else:
            setattr(done, finding.kind, getattr(done, finding.kind) + 1)
        if was in ("active", "pending") and recorded.status not in ("active", "pending"):
            done.suppressed.append(subscriber.email)
    return done if matched else None


def import_bounces(config: Config, box: Mailbox) -> BounceImport:
    """Read every message of ``box``; move those that named a subscriber."""
    result = BounceImport()
    return_path = config.table("send")["return_path"]
    with open_store(config) as store:
        book = BounceBook(SubscriberList(store), config)
        for key, message in box.messages():
            result.read += 1
            report = read_report(message, return_path=return_path)
            if not report.findings:
                result.unrecognised += 1
                continue
            done = apply_report(book, report)
            if done is None:
                result.unknown += 1
                continue
            result.add(done)
            box.processed(key)
            result.processed += 1
    return result
