"""The subscriber list in the store: adding, importing, listing, exporting, unsubscribing.

An import never resubscribes an address that unsubscribed, bounced or complained: consent is
only given back by the subscriber (a confirmed subscription), not by an old spreadsheet. Every
change of consent is also written to ``consents``, the record of who agreed to what, when and
from where.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from publisher.audience.listfile import (
    EXPORT_COLUMNS,
    ImportReport,
    escape_cell,
    merge,
    new_token,
    normalise_email,
    now,
    read_csv,
)
from publisher.audience.store import Store
from publisher.errors import SubscriberError
from publisher.model import SUBSCRIBER_STATUSES, Subscriber

COLUMNS = "id, email, name, language, status, consent_source, consent_time, consent_address, token"
_PREFIXED = ", ".join(f"s.{column.strip()}" for column in COLUMNS.split(","))
# Subscribers an import writes at a time: two parameters each in the statement that finds
# them, under SQLite's old limit of 999.
BATCH = 400


def _subscriber(row: tuple[Any, ...]) -> Subscriber:
    id_, email, name, language, status, source, time, address, token = row
    return Subscriber(
        email=email, name=name, language=language, status=status, consent_source=source,
        consent_time=time, consent_address=address, token=token, id=id_,
    )  # fmt: skip


class SubscriberList:
    """The ``subscribers`` table (and its ``consents``) of one store."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, email: str) -> Subscriber | None:
        """The subscriber with this address (case-insensitive), if any."""
        return self._matching([email]).get(0)

    def by_id(self, id_: int) -> Subscriber | None:
        row = self.store.one(f"SELECT {COLUMNS} FROM subscribers WHERE id = ?", (id_,))
        return _subscriber(row) if row else None

    def by_token(self, token: str) -> Subscriber | None:
        """The subscriber whose unsubscribe token this is, if any."""
        row = self.store.one(f"SELECT {COLUMNS} FROM subscribers WHERE token = ?", (token,))
        return _subscriber(row) if row else None

    def all(self, status: str | None = None) -> Iterator[Subscriber]:
        """Every subscriber (or those with one status), oldest first, a page at a time."""
        last = -1
        where = "" if status is None else " AND status = ?"
        while True:
            rows = self.store.rows(
                f"SELECT {COLUMNS} FROM subscribers WHERE id > ?{where} ORDER BY id LIMIT 1000",
                (last,) if status is None else (last, status),
            )
            if not rows:
                return
            for row in rows:
                yield _subscriber(row)
            last = rows[-1][0]

    def counts(self) -> dict[str, int]:
        """How many subscribers have each status."""
        counts = dict.fromkeys(SUBSCRIBER_STATUSES, 0)
        for status, count in self.store.rows(
            "SELECT status, COUNT(*) FROM subscribers GROUP BY status"
        ):
            counts[status] = count
        return counts

    def import_csv(self, path: Path) -> ImportReport:
        """Add or update every valid row of a CSV file, in one transaction."""
        subscribers, problems = read_csv(path)
        report = ImportReport(problems=problems)
        with self.store.transaction():
            for start in range(0, len(subscribers), BATCH):
                batch = subscribers[start : start + BATCH]
                for action in self.save_many(batch, source=f"import:{path.name}"):
                    setattr(report, action, getattr(report, action) + 1)
        return report

    def add(self, subscriber: Subscriber, *, source: str) -> tuple[Subscriber, str]:
        """Add (or update) one subscriber in its own transaction: the row and what happened."""
        with self.store.transaction():
            action = self.save(subscriber, source=source)
        found = self.get(subscriber.email)
        assert found is not None
        return found, action

    def save(self, subscriber: Subscriber, *, source: str = "") -> str:
        """Insert or merge one subscriber: ``added``, ``updated`` or ``unchanged``.

        ``source`` is the consent source of a new subscriber whose own is empty.
        """
        return self.save_many([subscriber], source=source)[0]

    def save_many(self, batch: list[Subscriber], *, source: str = "") -> list[str]:
        """``save`` for each of ``batch`` (distinct addresses), in a few statements whatever
        its size: a statement per subscriber made an import of 20,000 take 160 s with the
        database 2 ms away. What each one became, in order."""
        stamp = now()
        found = self._matching([s.email for s in batch])
        actions: list[str] = []
        added: list[tuple[int, Subscriber]] = []  # new rows, their tokens made here
        updates: list[tuple[Any, ...]] = []
        consents: list[tuple[Any, ...]] = []
        for index, subscriber in enumerate(batch):
            old = found.get(index)
            if old is None:
                added.append((index, replace(
                    subscriber, consent_source=subscriber.consent_source or source,
                    consent_time=subscriber.consent_time or stamp,
                    token=subscriber.token or new_token(),
                )))  # fmt: skip
                actions.append("added")
                continue
            new = merge(old, subscriber)
            if new == old:
                actions.append("unchanged")
                continue
            updates.append((new.name, new.language, new.status, new.consent_source,
                            new.consent_time, new.consent_address, stamp, old.id))  # fmt: skip
            if new.status != old.status:
                consents.append((old.id, stamp, new.status, source or new.consent_source, ""))
            actions.append("updated")
        if added:
            self.store.executemany(
                "INSERT INTO subscribers (email, name, language, status, consent_source,"
                " consent_time, consent_address, token, created_at, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                [(s.email, s.name, s.language, s.status, s.consent_source, s.consent_time,
                  s.consent_address, s.token, stamp, stamp) for _, s in added],
            )  # fmt: skip
            rows = self._matching([s.email for _, s in added])
            for place, (index, subscriber) in enumerate(added):
                row = rows.get(place)
                if row is None:  # not added, and no row has its address: its token is taken
                    raise SubscriberError(
                        f"cannot add {subscriber.email}: its token is another subscriber's"
                    )
                if row.token != subscriber.token:
                    # Added meanwhile (the web service, a twin in the batch): merged into it
                    # as given (not with the consent defaults filled in for a new row).
                    actions[index] = self.save(batch[index], source=source)
                    continue
                consents.append((row.id, stamp, subscriber.status, subscriber.consent_source,
                                 subscriber.consent_address))  # fmt: skip
        if updates:
            self.store.executemany(
                "UPDATE subscribers SET name=?, language=?, status=?, consent_source=?,"
                " consent_time=?, consent_address=?, updated_at=? WHERE id=?",
                updates,
            )
        if consents:
            self.store.executemany(
                "INSERT INTO consents (subscriber_id, at, action, source, address)"
                " VALUES (?, ?, ?, ?, ?)",
                consents,
            )
        return actions

    def _matching(self, emails: list[str]) -> dict[int, Subscriber]:
        """The subscribers with these addresses (as the database compares them), by place."""
        params: list[object] = []
        for index, email in enumerate(emails):
            try:
                params += (normalise_email(email), index)
            except ValueError:
                continue  # no row can have it
        if not params:
            return {}
        values = ", ".join(["(?, CAST(? AS INTEGER))"] * (len(params) // 2))
        rows = self.store.rows(
            f"WITH v (email, i) AS (VALUES {values}) SELECT v.i, {_PREFIXED} FROM v"
            f" JOIN subscribers s ON {self.store.dialect.email_join}",
            params,
        )
        return {row[0]: _subscriber(row[1:]) for row in rows}

    def record(self, subscriber_id: int | None, action: str, source: str, address: str) -> None:
        """One line of the consent record."""
        self.store.execute(
            "INSERT INTO consents (subscriber_id, at, action, source, address)"
            " VALUES (?, ?, ?, ?, ?)",
            (subscriber_id, now(), action, source, address),
        )

    def consents(self, subscriber: Subscriber) -> list[tuple[str, str, str, str]]:
        """The consent record of one subscriber: (time, action, source, address), oldest first."""
        rows = self.store.rows(
            "SELECT at, action, source, address FROM consents WHERE subscriber_id = ? ORDER BY id",
            (subscriber.id,),
        )
        return [(at, action, source, address) for at, action, source, address in rows]

    def unsubscribe(
        self, *, email: str | None = None, token: str | None = None, source: str = "cli"
    ) -> Subscriber:
        """Mark one subscriber unsubscribed (idempotent); ``SubscriberError`` if unknown."""
        found = self.by_token(token) if token else self.get(email or "")
        if found is None:
            raise SubscriberError("no such subscriber" if token else f"no subscriber {email!r}")
        return self.set_status(found, "unsubscribed", source=source)

    def set_status(
        self, subscriber: Subscriber, status: str, *, source: str = "", address: str = ""
    ) -> Subscriber:
        """Change one subscriber's status (a no-op when it already has it), and record it."""
        if subscriber.status != status:
            with self.store.transaction():
                self.store.execute(
                    "UPDATE subscribers SET status=?, updated_at=? WHERE id=?",
                    (status, now(), subscriber.id),
                )
                self.record(subscriber.id, status, source, address)
        return Subscriber(**{**subscriber.__dict__, "status": status})

    def export_csv(self, out: IO[str], status: str | None = None) -> int:
        """Write the list as CSV (formula-safe cells, no tokens); returns the row count."""
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        count = 0
        for subscriber in self.all(status):
            writer.writerow([escape_cell(getattr(subscriber, c)) for c in EXPORT_COLUMNS])
            count += 1
        return count
