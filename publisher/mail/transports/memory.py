"""A transport that keeps messages in a list, for tests (like Django's locmem backend)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import ClassVar

from publisher.config import Config
from publisher.mail.transports.base import SENT, Envelope, Outcome, Transport


class MemoryTransport(Transport):
    """Appends every message to ``MemoryTransport.outbox`` (shared by all instances)."""

    name = "memory"
    outbox: ClassVar[list[Envelope]] = []
    _lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Config) -> MemoryTransport:
        return cls()

    def send(self, messages: Sequence[Envelope]) -> list[Outcome]:
        with self._lock:
            self.outbox.extend(messages)
        return [Outcome(m.recipient, SENT, 250, "kept in memory") for m in messages]
