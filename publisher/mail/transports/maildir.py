"""A transport that writes each message into a Maildir an editor can open in a mail client."""

from __future__ import annotations

import mailbox
import threading
from collections.abc import Sequence
from pathlib import Path

from publisher.config import Config
from publisher.mail.transports.base import (
    DEFERRED,
    SENT,
    Envelope,
    Outcome,
    Transport,
    TransportError,
)


class MaildirTransport(Transport):
    """Delivers into ``[send] outbox`` (a Maildir, created when missing)."""

    name = "maildir"
    # mailbox.Maildir names files by time, pid and a class counter: one writer at a time.
    _lock = threading.Lock()

    def __init__(self, path: Path):
        self.path = Path(path)
        self._box: mailbox.Maildir | None = None

    @classmethod
    def from_config(cls, config: Config) -> MaildirTransport:
        return cls(config.project / config.table("send")["outbox"])

    @property
    def is_open(self) -> bool:
        return self._box is not None

    def open(self) -> None:
        try:
            self._box = mailbox.Maildir(self.path, factory=None, create=True)
        except OSError as exc:
            raise TransportError(f"cannot open the Maildir: {exc}", where=str(self.path)) from exc

    def close(self) -> None:
        self._box = None

    def send(self, messages: Sequence[Envelope]) -> list[Outcome]:
        if self._box is None:
            self.open()
        assert self._box is not None
        outcomes = []
        for message in messages:
            # Maildir files use the local line ending; SMTP's CRLF is for the wire only.
            try:
                with self._lock:
                    key = self._box.add(message.data.replace(b"\r\n", b"\n"))
            except OSError as exc:
                outcomes.append(Outcome(message.recipient, DEFERRED, 0, f"write failed: {exc}"))
                continue
            outcomes.append(Outcome(message.recipient, SENT, 250, f"saved as {key}"))
        return outcomes

    def describe(self) -> str:
        return f"the Maildir {self.path}"
