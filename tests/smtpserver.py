"""A real SMTP server on loopback for tests: aiosmtpd with recording and scripted faults."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import defaultdict
from dataclasses import dataclass

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    recipients: list[str]
    data: bytes
    mail_options: list[str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Records every message; ``faults[address]`` lists replies to give that address in turn.

    A fault is an SMTP reply (``"451 4.3.0 Try later"``) given to its RCPT, ``"data:<reply>"``
    given after its DATA, ``"drop"``: the connection is closed after its DATA, unanswered, or
    ``"cut"``: the connection is closed halfway through its content. A 421 reply also closes
    the connection, as real servers do. ``burst(n, reply)`` gives the next ``n`` RCPTs,
    whoever they are for, that reply.
    """

    def __init__(
        self,
        *,
        pipelining: bool = True,
        eight_bit: bool = True,
        delay: float = 0.0,
        reply_delay: float = 0.0,
        max_connections: int | None = None,
    ):
        self.pipelining = pipelining
        self.eight_bit = eight_bit
        self.delay = delay
        # Seconds between accepting a message and saying so: a kill then leaves it in flight.
        self.reply_delay = reply_delay
        self.messages: list[Received] = []
        self.faults: dict[str, list[str]] = defaultdict(list)
        self.attempts: dict[str, int] = defaultdict(int)
        self.connections = 0
        # More connections at once than this get "421" instead of the greeting.
        self.max_connections = max_connections
        self.open_connections = 0
        self.turned_away = 0
        self.lock = threading.Lock()
        self._burst: list[str] = []

    def burst(self, count: int, reply: str) -> None:
        with self.lock:
            self._burst = [reply] * count

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            self.connections += 1
        if not self.eight_bit:
            responses = [r for r in responses if "8BITMIME" not in r]
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    def _next_fault(self, address: str, stage: str) -> str | None:
        with self.lock:
            faults = self.faults.get(address)
            if not faults:
                return None
            is_data = faults[0].startswith("data:") or faults[0] in ("drop", "cut")
            if is_data != (stage == "data"):
                return None
            return faults.pop(0).removeprefix("data:")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.attempts[address] += 1
            burst = self._burst.pop() if self._burst else None
        fault = burst or self._next_fault(address, "rcpt")
        if fault:
            if fault.startswith("421"):
                asyncio.get_running_loop().call_soon(server.transport.close)
            return fault
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        fault = self._next_fault(envelope.rcpt_tos[0], "data")
        if fault == "drop":
            server.transport.close()
            return "250 dropped (never seen by the client)"
        if fault:
            return fault
        with self.lock:
            self.messages.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.original_content or envelope.content,
                    list(envelope.mail_options),
                )
            )
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return "250 2.0.0 Ok: queued"

    def received_by(self) -> dict[str, int]:
        """How many messages each address received."""
        counts: dict[str, int] = defaultdict(int)
        with self.lock:
            for message in self.messages:
                for rcpt in message.recipients:
                    counts[rcpt] += 1
        return dict(counts)


class _LimitedSMTP(SMTP):
    """aiosmtpd's SMTP, turning away connections beyond the handler's ``max_connections``."""

    def connection_made(self, transport):
        handler = self.event_handler
        with handler.lock:
            handler.open_connections += 1
            over = handler.max_connections is not None and (
                handler.open_connections > handler.max_connections
            )
            if over:
                handler.turned_away += 1
        self.turned_away = over
        if over:
            transport.write(b"421 4.7.0 Too many connections, try again later\r\n")
            transport.close()
            return
        super().connection_made(transport)

    def connection_lost(self, exc):
        with self.event_handler.lock:
            self.event_handler.open_connections -= 1
        if not self.turned_away:
            super().connection_lost(exc)

    async def smtp_DATA(self, arg):
        handler, envelope = self.event_handler, self.envelope
        rcpt = envelope.rcpt_tos[0] if envelope is not None and envelope.rcpt_tos else None
        with handler.lock:
            faults = handler.faults.get(rcpt) if rcpt else None
            cut = bool(faults) and faults[0] == "cut"
            if cut:
                faults.pop(0)
        if not cut:
            return await super().smtp_DATA(arg)
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        await self._reader.readuntil(b"\r\n")  # the first line of the content, then gone
        self.transport.close()
        return None


class _Controller(Controller):
    def factory(self):
        return _LimitedSMTP(self.handler, **self.SMTP_kwargs)


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 and a free port, running in a thread."""

    def __init__(self, handler: RecordingHandler, *, security: str = "none", **tls: object):
        """``tls``: aiosmtpd's ``tls_context`` (STARTTLS) or ``ssl_context`` (TLS) options."""
        self.handler = handler
        self.host = "127.0.0.1"
        self.port = free_port()
        self.security = security
        self.controller = _Controller(handler, hostname=self.host, port=self.port, **tls)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()

    def settings(self, **extra: object) -> str:
        """The ``[smtp]`` table pointing at this server."""
        lines = [f'host = "{self.host}"', f"port = {self.port}", f'security = "{self.security}"']
        lines += [f"{k} = {_toml(v)}" for k, v in extra.items()]
        return "\n[smtp]\n" + "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value).replace("'", '"')
