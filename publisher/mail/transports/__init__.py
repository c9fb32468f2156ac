"""Transports behind one contract, picked by name from a registry."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from publisher.config import Config
from publisher.errors import ConfigError
from publisher.mail.transports.base import (
    DEFERRED,
    FAILED,
    SENT,
    UNTRIED,
    Done,
    Envelope,
    Outcome,
    Transport,
    TransportError,
)
from publisher.mail.transports.maildir import MaildirTransport
from publisher.mail.transports.memory import MemoryTransport
from publisher.mail.transports.ses import SesTransport, account_from_config
from publisher.mail.transports.smtp import SmtpTransport

TRANSPORTS: dict[str, type[MaildirTransport | MemoryTransport | SmtpTransport | SesTransport]] = {
    "maildir": MaildirTransport,
    "smtp": SmtpTransport,
    "memory": MemoryTransport,
    "ses": SesTransport,
}

__all__ = [
    "DEFERRED", "FAILED", "SENT", "TRANSPORTS", "UNTRIED", "Done", "Envelope", "Outcome",
    "Transport", "TransportError", "transport_factory",
]  # fmt: skip


def transport_factory(name: str, config: Config) -> Callable[[], Transport]:
    """A function making a new transport of this kind per call (one per sending thread)."""
    if name not in TRANSPORTS:
        raise ConfigError(f"unknown transport {name!r} (known: {', '.join(TRANSPORTS)})")
    cls = TRANSPORTS[name]
    if cls is SmtpTransport:
        # Read the settings once: every connection uses the same.
        return partial(SmtpTransport, SmtpTransport.from_config(config).settings)
    if cls is SesTransport:
        # One account for every thread: one client, one pace, one quota.
        return partial(SesTransport, account_from_config(config))
    return partial(cls.from_config, config)
