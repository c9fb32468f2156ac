"""The transport contract: open, send messages, close; one outcome per recipient."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from publisher.errors import SendError

SENT, DEFERRED, FAILED = "sent", "deferred", "failed"
# Never offered: the connection failed before this message's turn. No attempt to count.
UNTRIED = "untried"


@dataclass(frozen=True)
class Envelope:
    """One message for one recipient: SMTP envelope and the message bytes (CRLF lines).

    ``tag``: the caller's own reference, carried along untouched.
    """

    mail_from: str
    recipient: str
    data: bytes
    tag: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class Outcome:
    """What became of one recipient: ``sent``, ``deferred`` (try again later) or ``failed``.

    ``slow_down`` says the server asked for fewer messages or connections (421, "too many").
    ``unknown``: the whole message went out but no reply came (a timeout after the end of
    DATA), so it was probably delivered.
    """

    recipient: str
    status: str
    code: int = 250
    reply: str = ""
    slow_down: bool = False
    unknown: bool = False

    @property
    def text(self) -> str:
        """The reply as recorded in the ledger: ``250 2.0.0 Ok``."""
        return f"{self.code} {self.reply}".strip() if self.code else self.reply


Done = list[tuple[Envelope, Outcome]]
# settle(done, handing): record these outcomes; ``handing`` (if any) is about to be handed over.
Settle = Callable[[Done, "Envelope | None"], None]


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
    # Header fields the service rewrites on the way, which a DKIM signature must leave out.
    unsigned_headers: tuple[str, ...] = ()

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

    def stream(self, first: Envelope, more: Callable[[], Envelope | None], settle: Settle) -> None:
        """Send ``first``, then each message ``more()`` gives, until it gives ``None``.

        ``settle(done, handing)`` runs just before each message's content is handed over, with
        the outcomes learnt since the last call, after a refused envelope (``handing=None``,
        so that the caller learns of refusals as they come), and once at the end with
        ``handing=None``. A
        message's outcome is settled before the next message on this transport is handed over,
        so at most one message per transport is ever out of the caller's hands unsettled.
        Every message taken (``first`` and each from ``more()``) is settled exactly once.
        """
        done: Done = []
        message: Envelope | None = first
        while message is not None:
            settle(done, message)
            done = [(message, self.send([message])[0])]
            message = more()
        settle(done, None)

    def describe(self) -> str:
        """Where messages go, for the confirmation prompt."""
        return self.name

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
