"""Amazon SES: each message, signed as it is, through SESv2 ``SendEmail`` with raw content.

Credentials, region and endpoint come from boto3's standard chain (``AWS_ACCESS_KEY_ID``,
``AWS_PROFILE``, instance roles; ``AWS_REGION``; ``AWS_ENDPOINT_URL``), the region also from
``[ses] region``. The account's quota is read once per send: messages are paced to its
maximum send rate across every sending thread, and stop being handed over when the day's quota
is used up. Throttling answers are retried by botocore (its "standard" mode: exponential
backoff with jitter); what is still throttled after that is deferred, and slows the run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

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
    Settle,
    Transport,
    TransportError,
)

QUOTA = "the SES account's sending quota for the last 24 hours is used up: run send again later"
THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException",
             "LimitExceededException"}  # fmt: skip


@dataclass
class Account:
    """What the sending threads of one send share: the client, the pace, the day's quota."""

    region: str
    configuration_set: str
    client: Any = None
    rate: float = 0.0  # messages per second the account allows (0: not read yet)
    left_today: float = 0.0
    _next: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def connect(self) -> None:
        with self._lock:
            if self.client is not None:
                return
            try:
                import boto3
                from botocore.config import Config as BotoConfig
                from botocore.exceptions import BotoCoreError, ClientError
            except ImportError:
                raise TransportError(
                    "the SES transport needs boto3: pip install 'publisher[ses]'", permanent=True
                ) from None
            config = BotoConfig(retries={"mode": "standard", "max_attempts": 5},
                                connect_timeout=10, read_timeout=30)  # fmt: skip
            session = boto3.session.Session(region_name=self.region or None)
            try:
                client = session.client("sesv2", config=config)
                # SESv2's GetAccount holds the same quota; v1's GetSendQuota is the call every
                # SES endpoint (and the test server) answers.
                quota = session.client("ses", config=config).get_send_quota()
            except ClientError as exc:
                error = exc.response.get("Error", {})
                raise TransportError(
                    f"SES refused to read the account's quota: {error.get('Code')}:"
                    f" {error.get('Message')}",
                    permanent=True,
                ) from exc
            except BotoCoreError as exc:
                raise TransportError(f"cannot reach SES: {exc}") from exc
            self.rate = float(quota.get("MaxSendRate") or 1.0)
            self.left_today = float(quota.get("Max24HourSend", 0)) - float(
                quota.get("SentLast24Hours", 0)
            )
            self.client = client

    def take(self) -> bool:
        """Wait for this message's turn at the account's rate; False once the day's quota is
        spent."""
        with self._lock:
            if self.left_today < 1:
                return False
            self.left_today -= 1
            now = time.monotonic()
            turn = max(now, self._next)
            self._next = turn + 1.0 / self.rate
        if turn > now:
            time.sleep(turn - now)
        return True


class SesTransport(Transport):
    """Hands each message to SES; the ledger records SES's message id."""

    name = "ses"
    eight_bit = False  # SES asks for 7-bit content: parts are quoted-printable or base64
    # SES rewrites these: a signature covering them would break (its manual DKIM guidance).
    unsigned_headers = ("Message-ID", "Date")

    def __init__(self, account: Account):
        self.account = account

    @classmethod
    def from_config(cls, config: Config) -> SesTransport:
        return cls(account_from_config(config))

    @property
    def is_open(self) -> bool:
        return self.account.client is not None and self.account.left_today >= 1

    def describe(self) -> str:
        return f"Amazon SES ({self.account.region or 'the default region'})"

    def open(self) -> None:
        self.account.connect()
        if self.account.left_today < 1:
            # Permanent for this run: it stops, and everyone not sent to stays queued.
            raise TransportError(
                "the SES account's sending quota for the last 24 hours is used up", permanent=True
            )

    def send(self, messages: Sequence[Envelope]) -> list[Outcome]:
        try:
            self.account.connect()
        except TransportError as exc:
            status = FAILED if exc.permanent else DEFERRED
            return [Outcome(m.recipient, status, 0, str(exc)) for m in messages]
        return [
            self._send_one(m) if self.account.take() else Outcome(m.recipient, DEFERRED, 0, QUOTA)
            for m in messages
        ]

    def stream(self, first: Envelope, more: Callable[[], Envelope | None], settle: Settle) -> None:
        """As the base class, each message waiting for its turn at the account's rate first;
        once the day's quota is spent, the message in hand goes back untried."""
        done: Done = []
        message: Envelope | None = first
        while message is not None:
            if not self.account.take():
                done.append((message, Outcome(message.recipient, UNTRIED, 0, QUOTA)))
                break
            settle(done, message)
            done = [(message, self._send_one(message))]
            message = more()
        settle(done, None)

    def _send_one(self, message: Envelope) -> Outcome:
        from botocore.exceptions import BotoCoreError, ClientError

        account = self.account
        # No FromEmailAddress: SES sends from the From header's (verified) address and sets its
        # own Return-Path; bounces come back as notifications, not as mail to ours.
        request: dict[str, Any] = {
            "Destination": {"ToAddresses": [message.recipient]},
            "Content": {"Raw": {"Data": message.data}},
        }
        if account.configuration_set:
            request["ConfigurationSetName"] = account.configuration_set
        try:
            answer = account.client.send_email(**request)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code, text = str(error.get("Code", "")), str(error.get("Message", ""))
            reply = f"SES {code}: {text}".strip()
            if code in THROTTLED:
                return Outcome(message.recipient, DEFERRED, 454, reply, slow_down=True)
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
            if status >= 500:
                return Outcome(message.recipient, DEFERRED, 451, reply)
            return Outcome(message.recipient, FAILED, 554, reply)
        except BotoCoreError as exc:
            return Outcome(message.recipient, DEFERRED, 0, f"cannot reach SES: {exc}")
        return Outcome(message.recipient, SENT, 250, f"SES message id {answer['MessageId']}")


def account_from_config(config: Config) -> Account:
    table = config.table("ses")
    name = table["configuration_set"]
    if name and not name.replace("-", "").replace("_", "").isalnum():
        raise ConfigError(f"ses.configuration_set: {name!r} is not a configuration set name")
    return Account(table["region"], name)
