"""Bounces and complaints recorded against subscribers, and the suppression they lead to.

A hard bounce marks the subscriber ``bounced``; a complaint (a spam report) ``complained``;
soft bounces are counted, and ``[bounces] soft_limit`` of them within ``soft_days`` mark the
subscriber ``bounced`` too. Either is never sent to again (the ledger suppresses every status
but ``active``) and never made active by an import. Each report counts once per subscriber,
however often it is read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from publisher.audience.subscribers import SubscriberList
from publisher.config import Config
from publisher.model import Subscriber

KINDS = ("hard", "soft", "complaint")


@dataclass(frozen=True)
class Recorded:
    """What one report did to one subscriber."""

    subscriber: Subscriber
    kind: str
    new: bool  # False: this report was read before
    status: str  # the subscriber's status afterwards


class BounceBook:
    """The ``bounce_events`` of one store."""

    def __init__(self, subscribers: SubscriberList, config: Config):
        self.subscribers = subscribers
        self.store = subscribers.store
        table = config.table("bounces")
        self.soft_limit = int(table["soft_limit"])
        self.soft_days = float(table["soft_days"])

    def record(
        self, subscriber: Subscriber, kind: str, *, source: str, detail: str, report_id: str
    ) -> Recorded:
        """Record one report about one subscriber, and suppress the address when it calls for it."""
        assert kind in KINDS, kind
        assert subscriber.id is not None
        now = time.time()
        with self.store.transaction():
            cursor = self.store.execute(
                "INSERT INTO bounce_events (subscriber_id, kind, source, detail, report_id, at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (subscriber.id, kind, source, detail[:1000], report_id[:500], now),
            )
            new = cursor.rowcount == 1
            status = self._verdict(subscriber, kind, now)
        if status != subscriber.status:
            subscriber = self.subscribers.set_status(subscriber, status, source=f"{source} {kind}")
        return Recorded(subscriber, kind, new, status)

    def _verdict(self, subscriber: Subscriber, kind: str, now: float) -> str:
        """The status the subscriber should have after this report."""
        if kind == "complaint":
            return "complained"  # whatever it was: never mail them again
        if subscriber.status not in ("active", "pending"):
            return subscriber.status  # unsubscribed or complained stays so
        if kind == "hard":
            return "bounced"
        soft = self.store.scalar(
            "SELECT COUNT(*) FROM bounce_events WHERE subscriber_id = ? AND kind = 'soft'"
            " AND at >= ?",
            (subscriber.id, now - self.soft_days * 86400),
        )
        return "bounced" if int(soft or 0) >= self.soft_limit else subscriber.status

    def counts(self) -> dict[str, int]:
        """Reports recorded, by kind."""
        rows = self.store.rows("SELECT kind, COUNT(*) FROM bounce_events GROUP BY kind")
        found = dict.fromkeys(KINDS, 0)
        found.update({kind: int(n) for kind, n in rows})
        return found
