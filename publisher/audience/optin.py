"""Double opt-in: a subscribe request makes a confirmation token; confirming makes it active.

Only the token's hash is stored, so a copy of the database cannot confirm anyone. A request
for an address that is already on the list changes nothing until it is confirmed: a stranger
cannot rename a subscriber, and the answer to the form is the same whatever the list holds.
An address that unsubscribed, bounced or complained becomes active again only through its own
confirmation.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from publisher.audience.listfile import now
from publisher.audience.store import Store
from publisher.audience.subscribers import SubscriberList
from publisher.model import Subscriber

HOUR = 3600.0


@dataclass(frozen=True)
class Request:
    """One subscribe request from the form, its fields already cleaned and checked."""

    email: str
    name: str = ""
    language: str = ""
    address: str = ""  # where the form was sent from


@dataclass(frozen=True)
class Pending:
    """A confirmation to mail: the raw token (never stored) and to whom."""

    token: str
    subscriber: Subscriber
    language: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def allowed(store: Store, keys: dict[str, int]) -> bool:
    """Count one request under each key; False when any key is over its hourly limit."""
    clock = store.dialect.now
    with store.transaction():
        store.execute(f"DELETE FROM rate_events WHERE at < {clock} - ?", (HOUR,))
        over = False
        for key, limit in keys.items():
            seen = store.scalar(
                f"SELECT COUNT(*) FROM rate_events WHERE key = ? AND at >= {clock} - ?",
                (key, HOUR),
            )
            over = over or int(seen) >= limit
        if not over:
            for key in keys:
                store.execute(f"INSERT INTO rate_events (key, at) VALUES (?, {clock})", (key,))
    return not over


def request(store: Store, form: Request, *, days: float) -> Pending | None:
    """Record a request; the confirmation to mail, or None when there is nothing to confirm."""
    subscribers = SubscriberList(store)
    found = subscribers.get(form.email)
    if found is not None and found.status == "active":
        return None  # already subscribed: nothing to confirm, and nothing changes
    with store.transaction():
        if found is None:
            subscribers.save(
                Subscriber(
                    email=form.email, name=form.name, language=form.language, status="pending",
                    consent_source="web", consent_address=form.address,
                ),
                source="web",
            )  # fmt: skip
            found = subscribers.get(form.email)
        assert found is not None and found.id is not None
        token = secrets.token_urlsafe(24)
        stamp = time.time()
        store.execute(
            "INSERT INTO confirmations (token_hash, subscriber_id, name, language, address,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (token_hash(token), found.id, form.name, form.language, form.address, stamp,
             stamp + days * 86400),
        )  # fmt: skip
    return Pending(token, found, form.language or found.language)


def look_up(store: Store, token: str) -> tuple[Subscriber, str] | None:
    """The subscriber a confirmation token is for, and its state: ``valid`` or ``expired``."""
    row = store.one(
        "SELECT subscriber_id, expires_at, used_at FROM confirmations WHERE token_hash = ?",
        (token_hash(token),),
    )
    if row is None:
        return None
    subscriber = SubscriberList(store).by_id(row[0])
    if subscriber is None:
        return None
    if row[2] is not None:
        return subscriber, "used"
    return subscriber, "valid" if row[1] > time.time() else "expired"


def confirm(store: Store, token: str, address: str) -> Subscriber | None:
    """Make the token's subscriber active; None when the token is unknown, used or expired."""
    digest = token_hash(token)
    subscribers = SubscriberList(store)
    with store.transaction():
        row = store.one(
            "SELECT subscriber_id, name, language FROM confirmations WHERE token_hash = ?"
            " AND used_at IS NULL AND expires_at > ?",
            (digest, time.time()),
        )
        if row is None:
            return None
        subscriber_id, name, language = row
        store.execute(
            "UPDATE confirmations SET used_at = ? WHERE token_hash = ?", (time.time(), digest)
        )
        old = subscribers.by_id(subscriber_id)
        if old is None:
            return None
        # The form's name and language count now that the owner of the address confirmed.
        store.execute(
            "UPDATE subscribers SET status = 'active', name = ?, language = ?,"
            " consent_source = 'web', consent_time = ?, consent_address = ?, updated_at = ?"
            " WHERE id = ?",
            (name or old.name, language or old.language, now(), address, now(), old.id),
        )
        subscribers.record(old.id, "active", "web", address)
    return subscribers.by_id(subscriber_id)
