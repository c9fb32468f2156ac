"""SMTP: one connection per transport, pipelined when the server allows, reopened when lost."""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import BinaryIO

from publisher.config import Config, check_value
from publisher.errors import ConfigError
from publisher.mail.transports.base import (
    DEFERRED,
    FAILED,
    SENT,
    UNTRIED,
    Done,
    Envelope,
    Outcome,
    Settle,
    Transport,
    TransportError,
)

SECURITIES = {"none": 25, "starttls": 587, "tls": 465}
ENV = "PUBLISHER_SMTP_"
LOST = (smtplib.SMTPServerDisconnected, OSError)
MAX_REPLY_LINE = 8192  # as smtplib: far more than RFC 5321's 512


@dataclass(frozen=True)
class SmtpSettings:
    """``[smtp]`` with the environment's overrides; the password only from the environment."""

    host: str = "localhost"
    port: int = 25
    security: str = "none"
    username: str = ""
    password: str = ""
    timeout: float = 60.0

    @classmethod
    def from_config(cls, config: Config, environ: Mapping[str, str] = os.environ) -> SmtpSettings:
        table = config.table("smtp")
        values = {
            key: environ.get(ENV + key.upper()) or table[key]
            for key in ("host", "port", "security", "username")
        }
        # publisher.toml's values were checked when it was read; the environment's are here.
        security = str(values["security"]).lower()
        problems = [p for p in [check_value("smtp", "security", security)] if p]
        try:
            port = int(values["port"]) or SECURITIES.get(security, 25)
        except ValueError:
            port = -1
        if port <= 0 or check_value("smtp", "port", port):
            problems.append(f"smtp.port: {values['port']!r} is not a port number")
        if values["username"] and security == "none" and not table["allow_plaintext_auth"]:
            problems.append(
                "smtp.username: logging in without TLS would send the password in clear: set"
                ' security = "starttls" or "tls" (or allow_plaintext_auth = true)'
            )
        if problems:
            raise ConfigError("invalid SMTP settings", problems=problems)
        return cls(
            host=str(values["host"]),
            port=port,
            security=security,
            username=str(values["username"]),
            password=environ.get(ENV + "PASSWORD", ""),
            timeout=float(table["timeout"]),
        )


def classify(recipient: str, code: int, reply: str) -> Outcome:
    """An SMTP reply as an outcome: 2xx sent, 4xx deferred, 5xx failed."""
    slow = code == 421 or "too many" in reply.lower()
    status = SENT if 200 <= code < 300 else DEFERRED if 400 <= code < 500 else FAILED
    return Outcome(recipient, status, code, reply, slow_down=slow)


def dot_stuff(data: bytes) -> bytes:
    """The DATA payload with leading dots doubled and the end-of-data line added."""
    if data.startswith(b"."):
        data = b"." + data
    data = data.replace(b"\r\n.", b"\r\n..")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


class SmtpTransport(Transport):
    """Sends over one SMTP connection."""

    name = "smtp"

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.conn: smtplib.SMTP | None = None
        self._file: BinaryIO | None = None
        self.pipelining = False

    @classmethod
    def from_config(cls, config: Config) -> SmtpTransport:
        return cls(SmtpSettings.from_config(config))

    @property
    def is_open(self) -> bool:
        return self.conn is not None

    def describe(self) -> str:
        return f"SMTP {self.settings.host}:{self.settings.port} ({self.settings.security})"

    def open(self) -> None:
        s = self.settings
        where = f"{s.host}:{s.port}"
        try:
            conn: smtplib.SMTP
            if s.security == "tls":
                context = ssl.create_default_context()
                conn = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            conn.ehlo()
            if s.security == "starttls":
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            if s.username:
                conn.login(s.username, s.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise TransportError(f"SMTP login refused: {_reply(exc)}", permanent=True) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise TransportError(f"SMTP server: {exc}", permanent=True, where=where) from exc
        except ssl.SSLError as exc:
            raise TransportError(f"TLS failed: {exc}", permanent=True, where=where) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"cannot connect: {exc}", where=where) from exc
        # Small writes (pipelined commands) must not wait for Nagle's delayed ACK.
        if conn.sock is None:  # pragma: no cover - smtplib connected, or it raised
            raise TransportError("the SMTP connection closed at once", where=where)
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if conn.file is None:
            conn.file = conn.sock.makefile("rb")
        # Replies are read from the file smtplib reads them from, so nothing buffered is lost.
        self._file = conn.file
        self.conn = conn
        self.eight_bit = conn.has_extn("8bitmime")
        self.pipelining = conn.has_extn("pipelining")

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (*LOST, smtplib.SMTPException):
            conn.close()

    def _drop(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            conn.close()

    def send(self, messages: Sequence[Envelope]) -> list[Outcome]:
        """Each message in turn, pipelined as ``stream`` does; an untried one is offered again."""
        todo = deque(replace(m, tag=i) for i, m in enumerate(messages))
        outcomes: dict[int, Outcome] = {}

        def settle(done: Done, handing: Envelope | None) -> None:
            for message, outcome in reversed(done):
                if outcome.status == UNTRIED:
                    todo.appendleft(message)
                else:
                    outcomes[message.tag] = outcome

        while todo:
            # The first message of a stream always gets an outcome, so this loop ends.
            self.stream(todo.popleft(), lambda: todo.popleft() if todo else None, settle)
        return [outcomes[i] for i in range(len(messages))]

    def stream(self, first: Envelope, more: Callable[[], Envelope | None], settle: Settle) -> None:
        """The messages over this connection; with PIPELINING, each message's content goes out
        in one write with the next message's MAIL, RCPT and DATA (RFC 2920 3.1 allows message
        content first in a group), so a message costs one round trip.
        """
        if self.conn is None:
            try:
                self.open()
            except TransportError as exc:
                status = FAILED if exc.permanent else DEFERRED
                settle([(first, Outcome(first.recipient, status, 0, str(exc)))], None)
                return
        done: Done = []
        message: Envelope | None = first  # next to hand over; its envelope may be out already
        ahead: Envelope | None = None  # the one after it, taken early, nothing of it sent
        in_flight: Envelope | None = None  # handed over, its reply not read yet
        written = False  # the envelope of ``message`` went out with the previous content
        awaiting = False  # ``in_flight`` went out whole and its reply is awaited
        try:
            while message is not None:
                refusal = self._envelope(message, written)
                if refusal is not None:
                    done.append((message, refusal))
                    if refusal.code == 421:  # the server is closing this connection
                        message = None
                        break
                    # Settled before the next is taken: a run that stops on refusals (see
                    # ``Breaker``) must learn of them now, not after the whole list.
                    settle(done, None)
                    done = []
                    message, ahead, written = ahead or more(), None, False
                    continue
                following, ahead = ahead or more(), None
                settle(done, message)
                done = []
                in_flight, message = message, following
                written = message is not None and self.pipelining
                self._hand_over(in_flight, message if written else None)
                awaiting = True  # all of it went out: from now on, no reply means "unknown"
                if message is not None:
                    ahead = more()  # made while the server reads, not while it waits for us
                done.append((in_flight, classify(in_flight.recipient, *self._read_reply())))
                in_flight, awaiting = None, False
                if done[-1][1].code == 421:
                    break
        except LOST as exc:
            self._drop()
            lost = Outcome("", DEFERRED, 0, f"connection lost: {exc}")
            if awaiting and isinstance(exc, TimeoutError):
                lost = replace(lost, unknown=True, reply=(
                    f"no reply {self.settings.timeout:g}s after the whole message went out:"
                    " it may have been delivered"
                ))  # fmt: skip
            if in_flight is None and message is not None:
                in_flight, message = message, None  # lost in its own envelope: an attempt
            if in_flight is not None:
                done.append((in_flight, replace(lost, recipient=in_flight.recipient)))
        except BaseException:
            # What stopped us mid-stream (a ledger that cannot be written) left commands out
            # unanswered: a QUIT now would be read as message content, and wait for the timeout.
            self._drop()
            raise
        if any(outcome.code == 421 for _, outcome in done):
            self._drop()
        for left in (message, ahead):  # not offered: no attempt to count
            if left is not None:
                done.append((left, Outcome(left.recipient, UNTRIED, 0, "")))
        settle(done, None)

    def _commands(self, message: Envelope) -> list[bytes]:
        body = b" BODY=8BITMIME" if self.eight_bit and not message.data.isascii() else b""
        return [
            b"MAIL FROM:<%s>%s\r\n" % (message.mail_from.encode("ascii"), body),
            b"RCPT TO:<%s>\r\n" % message.recipient.encode("ascii"),
            b"DATA\r\n",
        ]

    def _envelope(self, message: Envelope, written: bool) -> Outcome | None:
        """MAIL, RCPT and DATA for one message: ``None`` once DATA got 354, else the refusal."""
        # Written (only ever pipelined): the three commands are out, their replies are left.
        commands = [b""] * 3 if written else self._commands(message)
        replies: list[tuple[int, str]] = []
        if self.pipelining and not written:
            self._write(b"".join(commands))
        for command in commands:
            if not self.pipelining:
                self._write(command)
            replies.append(self._read_reply())
            code, reply = replies[-1]
            if code == 421:  # the server closes the connection: no more replies come
                return classify(message.recipient, code, reply)
            if code >= 400 and not self.pipelining:
                break
        for code, reply in replies[:-1]:
            if code >= 300:
                return self._abort(message.recipient, code, reply, replies[-1][0] == 354)
        code, reply = replies[-1]
        if code != 354:
            return self._abort(message.recipient, code, reply, False)
        return None

    def _hand_over(self, message: Envelope, following: Envelope | None) -> None:
        """The content and its end-of-data line, and the next envelope if pipelined, at once."""
        parts = [dot_stuff(message.data)]
        if following is not None:
            parts += self._commands(following)
        self._write(b"".join(parts))

    def _abort(self, recipient: str, code: int, reply: str, data_open: bool) -> Outcome:
        """Close a failed transaction so the connection can carry the next message."""
        if data_open:
            # A pipelined DATA was accepted although a command before it failed (RFC 2920).
            self._write(b".\r\n")
            self._read_reply()
        self._write(b"RSET\r\n")
        self._read_reply()
        return classify(recipient, code, reply)

    def _write(self, data: bytes) -> None:
        assert self.conn is not None and self.conn.sock is not None
        self.conn.sock.sendall(data)

    def _read_reply(self) -> tuple[int, str]:
        """One reply, of one or more lines: its code and its text (lines joined by spaces)."""
        assert self._file is not None
        readline = self._file.readline
        lines = []
        while True:
            line = readline(MAX_REPLY_LINE + 1)
            if not line.endswith(b"\n"):
                closed = len(line) <= MAX_REPLY_LINE
                raise smtplib.SMTPServerDisconnected(
                    "closed by the server" if closed else "reply line too long"
                )
            lines.append(line[4:].strip())
            if line[3:4] != b"-":
                break
        if not line[:3].isdigit():
            raise smtplib.SMTPServerDisconnected(f"not an SMTP reply: {line[:40]!r}")
        return int(line[:3]), b" ".join(lines).decode("utf-8", "replace")


def _reply(exc: smtplib.SMTPResponseException) -> str:
    error = exc.smtp_error
    return (
        f"{exc.smtp_code} {error.decode('utf-8', 'replace') if isinstance(error, bytes) else error}"
    )
