"""SMTP: one connection per transport, pipelined when the server allows, reopened when lost."""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from publisher.config import Config
from publisher.errors import ConfigError
from publisher.mail.transports.base import (
    DEFERRED,
    FAILED,
    SENT,
    Envelope,
    Outcome,
    Transport,
    TransportError,
)

SECURITIES = {"none": 25, "starttls": 587, "tls": 465}
ENV = "PUBLISHER_SMTP_"
LOST = (smtplib.SMTPServerDisconnected, OSError)


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
        problems = []
        security = str(values["security"]).lower()
        if security not in SECURITIES:
            problems.append(f"smtp.security: {security!r} is not one of none, starttls, tls")
        try:
            port = int(values["port"]) or SECURITIES.get(security, 25)
            if not 0 < port < 65536:
                raise ValueError
        except ValueError:
            port = 0
            problems.append(f"smtp.port: {values['port']!r} is not a port number")
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
    wants_stuffed = True

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.conn: smtplib.SMTP | None = None
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
        if conn.sock is not None:
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
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
        return [self._send_one(m) for m in messages]

    def _send_one(self, message: Envelope) -> Outcome:
        if self.conn is None:
            try:
                self.open()
            except TransportError as exc:
                return Outcome(
                    message.recipient, FAILED if exc.permanent else DEFERRED, 0, str(exc)
                )
        try:
            outcome = self._transaction(message)
        except LOST as exc:
            self._drop()
            return Outcome(message.recipient, DEFERRED, 0, f"connection lost: {exc}")
        if outcome.code == 421:
            self._drop()  # the server is closing this connection
        return outcome

    def _transaction(self, message: Envelope) -> Outcome:
        conn = self.conn
        assert conn is not None
        body = " BODY=8BITMIME" if self.eight_bit and not message.data.isascii() else ""
        commands = [
            f"MAIL FROM:<{message.mail_from}>{body}",
            f"RCPT TO:<{message.recipient}>",
            "DATA",
        ]
        if self.pipelining:
            conn.send("".join(c + "\r\n" for c in commands).encode("ascii"))
        replies: list[tuple[int, str]] = []
        for command in commands:
            if not self.pipelining:
                conn.putcmd(command)
            replies.append(_getreply(conn))
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
        data = message.data
        if not message.stuffed:
            data = dot_stuff(data)
        elif data.endswith(b"\r\n"):
            data += b".\r\n"
        else:
            data += b"\r\n.\r\n"
        conn.send(data)
        return classify(message.recipient, *_getreply(conn))

    def _abort(self, recipient: str, code: int, reply: str, data_open: bool) -> Outcome:
        """Close a failed transaction so the connection can carry the next message."""
        conn = self.conn
        assert conn is not None
        if data_open:
            # A pipelined DATA was accepted although a command before it failed (RFC 2920).
            conn.send(b".\r\n")
            _getreply(conn)
        conn.rset()
        return classify(recipient, code, reply)


def _getreply(conn: smtplib.SMTP) -> tuple[int, str]:
    code, reply = conn.getreply()
    return code, reply.decode("utf-8", "replace").replace("\n", " ")


def _reply(exc: smtplib.SMTPResponseException) -> str:
    error = exc.smtp_error
    return (
        f"{exc.smtp_code} {error.decode('utf-8', 'replace') if isinstance(error, bytes) else error}"
    )
