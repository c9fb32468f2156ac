"""The transport contract: open, send messages, close; one outcome per recipient."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

from publisher.errors import SendError

SENT, DEFERRED, FAILED = "sent", "deferred", "failed"


@dataclass(frozen=True)
class Envelope:
    """One message for one recipient: SMTP envelope and the message bytes (CRLF lines).

    ``stuffed``: the data is already dot-stuffed for SMTP (only for transports that say
    ``wants_stuffed``).
    """

    mail_from: str
    recipient: str
    data: bytes
    stuffed: bool = False


@dataclass(frozen=True)
class Outcome:
    """What became of one recipient: ``sent``, ``deferred`` (try again later) or ``failed``.

    ``slow_down`` says the server asked for fewer messages or connections (421, "too many").
    """

    recipient: str
    status: str
    code: int = 250
    reply: str = ""
    slow_down: bool = False

    @property
    def text(self) -> str:
        """The reply as recorded in the ledger: ``250 2.0.0 Ok``."""
        return f"{self.code} {self.reply}".strip() if self.code else self.reply


class TransportError(SendError):
    """Raised by a transport that cannot open; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False, where: str | None = None):
        super().__init__(message, where=where)
        self.permanent = permanent


class Transport(ABC):
    """Sends messages somewhere. Not thread-safe: each sending thread gets its own."""

    name = "base"
    # Whether 8bit bodies may be sent (the SMTP server offered 8BITMIME); known after open().
    eight_bit = True
    # Whether it takes SMTP dot-stuffed data (saves the sender a pass over every message).
    wants_stuffed = False

    @property
    def is_open(self) -> bool:
        return True

    def open(self) -> None:  # noqa: B027 (optional: only some transports connect)
        """Get ready to send (connect, log in); ``TransportError`` if that fails."""

    def close(self) -> None:  # noqa: B027
        """Release what ``open`` took; harmless when not open."""

    @abstractmethod
    def send(self, messages: Sequence[Envelope]) -> list[Outcome]:
        """Hand over the messages; one outcome per message, in order, never raising for one."""

    def describe(self) -> str:
        """Where messages go, for the confirmation prompt."""
        return self.name

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
