"""``send_issue``: a built issue to every active subscriber, through the ledger, resumable."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from publisher.config import Config
from publisher.db import database_path, open_project_db
from publisher.errors import ConfigError, SendError
from publisher.mail.built import BuiltIssue, load_built_issue
from publisher.mail.dispatch import Dispatcher, Throttle, backoff
from publisher.mail.headers import HeaderError
from publisher.mail.ledger import Job, Ledger, SendLock
from publisher.mail.message import CompiledMessage, MessageSettings, Recipient
from publisher.mail.transports import (
    DEFERRED,
    FAILED,
    SENT,
    Envelope,
    Outcome,
    Transport,
    TransportError,
    transport_factory,
)
from publisher.subscribers import SubscriberList, normalise_email


@dataclass(frozen=True)
class SendOptions:
    """How to send: transport, pace, parallel connections, retries (``[send]`` gives defaults)."""

    transport: str = "maildir"
    limit: int | None = None
    rate: float = 0.0
    connections: int = 1
    max_attempts: int = 5
    retry_backoff: float = 30.0
    retry_backoff_max: float = 900.0

    @classmethod
    def from_config(cls, config: Config, **overrides: object) -> SendOptions:
        table = config.table("send")
        values = {k: table[k] for k in ("transport", "rate", "connections", "max_attempts")}
        values |= {k: table[k] for k in ("retry_backoff", "retry_backoff_max")}
        values |= {k: v for k, v in overrides.items() if v is not None}
        options = cls(**values)  # type: ignore[arg-type]
        problems = []
        if options.connections < 1:
            problems.append("connections must be at least 1")
        if options.max_attempts < 1:
            problems.append("max_attempts must be at least 1")
        if options.rate < 0 or options.retry_backoff < 0:
            problems.append("rate and retry_backoff cannot be negative")
        if problems:
            raise ConfigError("invalid send options", problems=problems)
        return options


@dataclass
class SendReport:
    """What a run did, and the ledger's counts after it."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0
    slowdowns: int = 0
    elapsed: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


Progress = Callable[[int, float], None]


class SendRun:
    """One locked send of one issue: ``with SendRun(...) as run: run.pending; run.run()``."""

    def __init__(self, config: Config, issue: str, options: SendOptions):
        self.options = options
        self.built: BuiltIssue = load_built_issue(config, issue)
        self.settings = MessageSettings.from_config(config)
        self.factory = transport_factory(options.transport, config)
        self.lock = SendLock(database_path(config), self.built.slug)
        self.config = config
        self.ledger: Ledger | None = None
        self._messages: dict[bool, CompiledMessage] = {}
        self._report = SendReport()
        self._report_lock = threading.Lock()
        self._error: BaseException | None = None

    def __enter__(self) -> SendRun:
        self.lock.acquire()
        try:
            conn = open_project_db(self.config, check_same_thread=False)
            self.ledger = Ledger(conn, self.built.slug)
            self.ledger.enqueue()
        except BaseException:
            self.lock.release()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        if self.ledger is not None:
            self.ledger.conn.close()
        self.lock.release()

    @property
    def subject(self) -> str:
        return self.built.subject

    def describe_transport(self) -> str:
        return self.factory().describe()

    def retry_failed(self) -> int:
        """Queue the failed recipients again."""
        assert self.ledger is not None
        return self.ledger.retry_failed()

    @property
    def pending(self) -> int:
        """How many recipients this run would send to (the limit applied)."""
        assert self.ledger is not None
        counts = self.ledger.counts()
        todo = counts["queued"] + counts["sending"]
        return min(todo, self.options.limit) if self.options.limit is not None else todo

    def message(self, eight_bit: bool) -> CompiledMessage:
        """The compiled message for transports with (or without) 8BITMIME, made once each."""
        if eight_bit not in self._messages:
            self._messages[eight_bit] = CompiledMessage(
                self.built, self.settings, eight_bit=eight_bit
            )
        return self._messages[eight_bit]

    def run(self, progress: Progress | None = None) -> SendReport:
        """Send to every pending recipient; returns when done (or raises what stopped it)."""
        assert self.ledger is not None
        self.message(True)  # compile (and check the headers) before anything is sent
        self._progress = progress or (lambda done, rate: None)
        self._started = time.monotonic()
        self.throttle = Throttle(self.options.rate, self.options.connections)
        self.dispatcher = Dispatcher(self.ledger.pending(), self.options.limit)
        threads = [
            threading.Thread(target=self._worker, args=(i,), name=f"send-{i}", daemon=True)
            for i in range(self.options.connections)
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.2)
        except BaseException:
            self.dispatcher.stop()  # Ctrl-C: let each thread finish the message it holds
            for thread in threads:
                thread.join()
            raise
        report = self._report
        report.deferred = self.dispatcher.waiting
        report.slowdowns = self.throttle.slowdowns
        report.elapsed = time.monotonic() - self._started
        report.counts = self.ledger.counts()
        if self._error is not None:
            raise self._error
        return report

    def _worker(self, index: int) -> None:
        transport = self.factory()
        try:
            while index < self.throttle.connections or index == 0:
                job = self.dispatcher.next()
                if job is None:
                    return
                try:
                    self._open(transport)
                    self._deliver(transport, job)
                except BaseException:
                    self.dispatcher.done(job)
                    raise
        except BaseException as exc:
            self._error = self._error or exc
            self.dispatcher.stop()
        finally:
            transport.close()

    def _open(self, transport: Transport) -> None:
        """Connect before a job is marked ``sending``, retrying a server that is down."""
        for attempt in range(1, self.options.max_attempts + 1):
            if transport.is_open:
                return
            try:
                transport.open()
                return
            except TransportError as exc:
                if exc.permanent or attempt == self.options.max_attempts:
                    raise SendError(f"{exc}; nothing more was sent, run send again") from exc
                time.sleep(backoff(attempt, self.options.retry_backoff, 30.0))

    def _deliver(self, transport: Transport, job: Job) -> None:
        assert self.ledger is not None
        self.throttle.wait()
        message = self.message(transport.eight_bit)
        try:
            data = message.render(job.recipient, stuffed=transport.wants_stuffed)
        except HeaderError as exc:
            self._finish(job, Outcome(job.recipient.email, FAILED, 0, f"refused: {exc}"))
            return
        self.ledger.mark_sending(job)
        envelope = Envelope(
            message.envelope_from, job.recipient.email, data, stuffed=transport.wants_stuffed
        )
        outcome = transport.send([envelope])[0]
        if outcome.slow_down:
            self.throttle.slow_down(self._rate())
        self._finish(job, outcome)

    def _finish(self, job: Job, outcome: Outcome) -> None:
        """Record one attempt; a deferral goes back to the dispatcher until attempts run out."""
        assert self.ledger is not None
        tried = job.attempts + 1
        if outcome.status == DEFERRED and tried < self.options.max_attempts:
            self.ledger.record(job, "queued", outcome.text)
            delay = backoff(tried, self.options.retry_backoff, self.options.retry_backoff_max)
            self.dispatcher.done(job.again(), retry_in=delay)
            return
        state = SENT if outcome.status == SENT else FAILED
        reply = outcome.text if state == SENT or outcome.status == FAILED else (
            f"gave up after {tried} attempts: {outcome.text}"
        )  # fmt: skip
        self.ledger.record(job, state, reply)
        with self._report_lock:
            if state == SENT:
                self._report.sent += 1
            else:
                self._report.failed += 1
            done = self._report.sent + self._report.failed
            self._progress(done, self._rate(done))
        self.dispatcher.done(job)

    def _rate(self, done: int | None = None) -> float:
        if done is None:
            done = self._report.sent + self._report.failed
        return done / max(1e-6, time.monotonic() - self._started)


def issue_status(config: Config, issue: str) -> tuple[dict[str, int], list]:
    """The ledger's counts per state for an issue, and its failed recipients."""
    try:
        slug = load_built_issue(config, issue).slug
    except SendError:
        slug = Path(issue).name.removesuffix(".yaml")  # the ledger outlives the build folder
    ledger = Ledger(open_project_db(config), slug)
    return ledger.counts(), ledger.failures()


def send_test_copy(
    config: Config, issue: str, addresses: Sequence[str], transport: str
) -> list[Outcome]:
    """Send a ``[TEST]`` copy to these addresses only; the ledger is not touched."""
    built = load_built_issue(config, issue)
    settings = MessageSettings.from_config(config)
    subscribers = SubscriberList(open_project_db(config))
    recipients = []
    for address in addresses:
        try:
            email = normalise_email(address)
        except ValueError as exc:
            raise SendError(str(exc)) from None
        known = subscribers.get(email)
        recipients.append(Recipient(email, known.name if known else "", "test-send-token"))
    outcomes = []
    with transport_factory(transport, config)() as sender:
        message = CompiledMessage(built, settings, eight_bit=sender.eight_bit, test=True)
        for recipient in recipients:
            data = message.render(recipient)
            envelope = Envelope(message.envelope_from, recipient.email, data)
            outcomes += sender.send([envelope])
    return outcomes
