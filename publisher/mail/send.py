"""``send_issue``: a built issue to every active subscriber, through the ledger, resumable."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from publisher.audience.migrations import open_store
from publisher.audience.store import Store, connect, database_url
from publisher.config import Config
from publisher.errors import SendError
from publisher.mail.built import BuiltIssue, check_current, load_built_issue
from publisher.mail.dispatch import Breaker, Dispatcher, Throttle, backoff
from publisher.mail.editions import EditionMessages
from publisher.mail.headers import HeaderError
from publisher.mail.heartbeat import Heartbeat
from publisher.mail.ledger import BATCH, SHARED_BATCH, Finished, Job, Ledger
from publisher.mail.lock import SendLock
from publisher.mail.message import MessageSettings
from publisher.mail.options import SendOptions, SendReport
from publisher.mail.status import Status, WholeSend, ledger_status
from publisher.mail.transports import (
    DEFERRED,
    FAILED,
    SENT,
    UNTRIED,
    Done,
    Envelope,
    Outcome,
    Transport,
    TransportError,
    transport_factory,
)

Progress = Callable[[int, float], None]


class SendRun:
    """One send of one issue: ``with SendRun(...) as run: run.pending; run.run()``.

    With PostgreSQL, several runs (on any machines) share the send; with SQLite a lock file
    beside the database keeps one run per issue.
    """

    def __init__(self, config: Config, issue: str, options: SendOptions):
        self.built: BuiltIssue = load_built_issue(config, issue)
        self.options = options.with_issue_deadline(self.built.not_after)
        self.options.check_deadline()
        check_current(config, self.built)
        self.settings = MessageSettings.from_config(config)
        self.factory = transport_factory(options.transport, config)
        self.config = config
        self.lease = float(config.table("send")["lease"])
        self.ledger: Ledger | None = None
        self.lock: SendLock | None = None
        self._messages: dict[tuple[bool, tuple[str, ...]], EditionMessages] = {}
        self._report = SendReport()
        self._report_lock = threading.Lock()
        self._error: BaseException | None = None
        self._ended = threading.Condition()  # notified as each sending thread ends
        self._lanes_open: set[int] = set()  # threads that have connected and not ended
        self._alive: set[int] = set()  # threads started and not ended
        self._connected_ever: set[int] = set()
        self._running = 0
        self.heartbeat: Heartbeat | None = None
        self.notice: Callable[[str], None] = lambda text: None  # what the run waits for

    def __enter__(self) -> SendRun:
        store = open_store(self.config)
        try:
            if store.path is not None:
                self.lock = SendLock(store.path, self.built.slug)
                self.lock.acquire()
            self.ledger = Ledger(store, self.built.slug, lease=self.lease)
            self.ledger.enqueue()
            sender = self.ledger.register(alone=self.lock is not None)
            url, project = database_url(self.config), self.config.project
            self.heartbeat = Heartbeat(lambda: connect(url, project), sender, self.lease)
        except BaseException:
            self._close(store)
            raise
        return self

    def __exit__(self, *_: object) -> None:
        assert self.ledger is not None
        self._close(self.ledger.store)

    def _close(self, store: Store) -> None:
        if self.heartbeat is not None:
            self.heartbeat.stop()
        try:
            if self.ledger is not None:
                self.ledger.leave()
        finally:
            store.close()
            if self.lock is not None:
                self.lock.release()

    @property
    def subject(self) -> str:
        return self.built.subject

    def describe_transport(self) -> str:
        return self.factory().describe()

    def retry(self, state: str) -> int:
        """Queue the ``failed`` or ``unknown`` recipients again."""
        assert self.ledger is not None
        return self.ledger.retry(state)

    def status(self) -> Status:
        """The whole ledger of this issue now."""
        assert self.ledger is not None
        return ledger_status(self.ledger)

    @property
    def pending(self) -> int:
        """How many recipients this run would send to (the limit applied)."""
        assert self.ledger is not None
        counts = self.ledger.counts()
        todo = counts["queued"] + counts["sending"]
        return min(todo, self.options.limit) if self.options.limit is not None else todo

    def message(self, eight_bit: bool, unsigned: tuple[str, ...] = ()) -> EditionMessages:
        """The compiled messages for a transport's 8BITMIME and unsigned headers, made once."""
        if (eight_bit, unsigned) not in self._messages:
            self._messages[eight_bit, unsigned] = EditionMessages(
                self.built, self.settings, eight_bit=eight_bit, unsigned=unsigned
            )
        return self._messages[eight_bit, unsigned]

    def run(self, progress: Progress | None = None) -> SendReport:
        """Send to every pending recipient; returns when done (or raises what stopped it)."""
        assert self.ledger is not None
        self.message(True)  # compile (and check the headers) before anything is sent
        self._progress = progress or (lambda done, rate: None)
        self._started = time.monotonic()
        ledger = self.ledger
        self._whole = WholeSend(lambda: Status(ledger.counts(), [], []).unsent)
        self.throttle = Throttle(self.options.rate, self.options.connections)
        table = self.config.table("send")
        self.breaker = Breaker(table["breaker_window"], table["breaker_share"])
        # Alone (SQLite's lock), a sender claims big batches; sharing, small ones.
        batch = BATCH if self.lock is not None else SHARED_BATCH * self.options.connections
        self.dispatcher = Dispatcher(
            self.ledger.pending(self.options.limit, min(BATCH, batch)), self.options.limit
        )
        threads = [
            threading.Thread(target=self._worker, args=(i,), name=f"send-{i}", daemon=True)
            for i in range(self.options.connections)
        ]
        self._running = len(threads)
        self._alive = set(range(len(threads)))
        for thread in threads:
            thread.start()
        try:
            self._wait_for_threads()
        except BaseException:
            # Ctrl-C or SIGTERM: each thread finishes the message it holds and records it;
            # the database and the lock close only once they all have (see __exit__).
            self.dispatcher.stop()
            while True:
                try:
                    self._wait_for_threads()
                    break
                except KeyboardInterrupt:
                    continue  # again: the threads are settling, bounded by [smtp] timeout
            raise
        report = self._report
        if self.breaker.reply:  # not these recipients' fault: they stay in the queue
            report.failed -= self.ledger.requeue(self.breaker.rows)
        report.slowdowns = self.throttle.slowdowns
        report.connections = len(self._connected_ever)
        report.elapsed = time.monotonic() - self._started
        if self._error is not None:
            raise self._error
        return report

    def _wait_for_threads(self) -> None:
        """Until every sending thread has ended. Not ``Thread.join``: on Python 3.11 and 3.12
        a join cut by Ctrl-C can mark a running thread stopped (and the ledger close under it).
        """
        with self._ended:
            while self._running:
                self._ended.wait(0.2)

    def _worker(self, index: int) -> None:
        lane = _Lane(self, index)
        try:
            lane.work()
        except BaseException as exc:
            self._error = self._error or exc
            self.dispatcher.stop()
        finally:
            with self._ended:
                self._running -= 1
                self._ended.notify_all()

    def may_send(self, index: int) -> bool:
        """Whether thread ``index`` may go on (a slow-down leaves fewer connections).

        The run stops (each thread settling what it holds) past ``--not-after``, or when its
        heartbeat has not reached the database for most of the lease (the other senders may
        be taking its rows over).
        """
        try:
            self.options.check_deadline()
            if self.heartbeat is not None and self.heartbeat.silent_for() > self.lease * 0.75:
                raise SendError("lost touch with the database for most of the lease; nothing"
                                " more was sent, run send again")  # fmt: skip
        except SendError as exc:
            self._error = self._error or exc
            self.dispatcher.stop()
            return False
        with self._report_lock:
            # Counted among the threads still going, so that one that stopped (a connection
            # the server refused) leaves its place to the next.
            rank = sum(1 for other in self._alive if other < index)
        return rank < self.throttle.connections

    def connect(self, transport: Transport, index: int) -> bool:
        """Connect before a job is marked ``sending``; False: this thread stops.

        A refused connection while another thread is connected (the server allows fewer than
        ``--connections``) stops this one; with none, it retries up to ``max_attempts``.
        """
        attempt = 0
        while not transport.is_open:
            try:
                transport.open()
            except TransportError as exc:
                attempt, tries = attempt + 1, self.options.max_attempts
                with self._report_lock:
                    others = bool(self._lanes_open - {index})
                if exc.permanent or (attempt >= tries and not others):
                    given_up = "" if exc.permanent else f"gave up after {tries} tries: "
                    message = f"{exc}; {given_up}nothing more was sent, run send again"
                    raise SendError(message) from exc
                if others:
                    return False
                wait = backoff(attempt, self.options.retry_backoff, 30.0)
                # Said at once, not after minutes of a progress bar that does not move.
                self.notice(f"{exc}; trying again in {wait:.1f}s (try {attempt + 1} of {tries};"
                            " then the run stops, and nothing is lost)")  # fmt: skip
                time.sleep(wait)
                continue
            with self._report_lock:
                self._lanes_open.add(index)
                self._connected_ever.add(index)
        return True

    def lane_ended(self, index: int) -> None:
        with self._report_lock:
            self._lanes_open.discard(index)
            self._alive.discard(index)

    def verdict(self, job: Job, outcome: Outcome, counted: bool) -> tuple[Finished, float | None]:
        """What the ledger records for one attempt, and when to try again (``None``: never)."""
        if outcome.slow_down:
            self.throttle.slow_down(self._rate())
        elif outcome.status == SENT:
            self.throttle.recover()
        tried = job.attempts + 1
        if outcome.unknown and job.unknowns >= 1:
            # Twice no reply after the whole message: it was probably delivered, twice. Never
            # a third copy; only ``--retry-unknown`` tries again.
            return (job, "unknown", outcome.text, counted), None
        if outcome.status == DEFERRED and (tried < self.options.max_attempts or outcome.unknown):
            delay = backoff(tried, self.options.retry_backoff, self.options.retry_backoff_max)
            return (job, "queued", outcome.text, counted), delay
        state = SENT if outcome.status == SENT else FAILED
        reply = outcome.text if state == SENT or outcome.status == FAILED else (
            f"gave up after {tried} attempts: {outcome.text}"
        )  # fmt: skip
        return (job, state, reply, counted), None

    def record(self, finished: list[Finished]) -> None:
        if not finished:
            return
        with self._report_lock:
            for job, state, reply, _ in finished:
                if state == SENT:
                    self._report.sent += 1
                elif state == FAILED:
                    self._report.failed += 1
                tripped = state in (SENT, FAILED) and self.breaker.add(job.id, state, reply)
                if tripped and self._error is None:  # the server refuses the whole list
                    self._error = SendError(self.breaker.message())
                    self.dispatcher.stop()
            done = self._report.sent + self._report.failed
            self._progress(self._whole.settled(done), self._rate(done))

    def _rate(self, done: int | None = None) -> float:
        if done is None:
            done = self._report.sent + self._report.failed
        return done / max(1e-6, time.monotonic() - self._started)


class _Lane:
    """One sending thread: its transport, and the jobs it took and has not settled yet."""

    def __init__(self, run: SendRun, index: int):
        self.run = run
        self.index = index
        self.transport = run.factory()
        self.held: dict[int, Job] = {}
        self.handed: set[int] = set()  # held jobs committed as ``sending`` (attempt counted)

    def work(self) -> None:
        """Take jobs until none is left, streaming each run of them over the transport."""
        run = self.run
        try:
            while run.may_send(self.index):
                job = run.dispatcher.next()
                if job is None:
                    return
                self.held[job.id] = job
                if not run.connect(self.transport, self.index):
                    del self.held[job.id]
                    run.dispatcher.done(job, retry_in=0.0)  # untried: to another thread
                    return
                first = self.envelope(job)
                if first is not None:
                    self.transport.stream(first, self.more, self.settle)
        finally:
            for job in self.held.values():
                run.dispatcher.done(job)
            self.transport.close()
            run.lane_ended(self.index)

    def more(self) -> Envelope | None:
        """The next message while one is in flight, if one is ready now."""
        while self.run.may_send(self.index):
            job = self.run.dispatcher.next(wait=False)
            if job is None:
                return None
            self.held[job.id] = job
            envelope = self.envelope(job)
            if envelope is not None:
                return envelope
        return None

    def envelope(self, job: Job) -> Envelope | None:
        """The job's message, paced; ``None`` when its headers are refused (settled failed)."""
        self.run.throttle.wait()
        messages = self.run.message(self.transport.eight_bit, self.transport.unsigned_headers)
        message = messages.choose(job.recipient)
        try:
            data = message.render(job.recipient)
        except HeaderError as exc:
            refused = Envelope(message.envelope_from, job.recipient.email, b"", tag=job)
            self.handed.add(job.id)  # nothing was tried: no attempt to count
            self.settle([(refused, Outcome(job.recipient.email, FAILED, 0, f"refused: {exc}"))])
            return None
        return Envelope(message.mail_from(job.recipient), job.recipient.email, data, tag=job)

    def settle(self, done: Done, handing: Envelope | None = None) -> None:
        """Record outcomes and the next ``sending`` in one commit, then give the jobs back."""
        run = self.run
        assert run.ledger is not None
        finished: list[Finished] = []
        back: list[tuple[Job, float | None]] = []
        for envelope, outcome in done:
            job: Job = envelope.tag
            if outcome.status == UNTRIED:
                back.append((job, 0.0))
                continue
            row, retry_in = run.verdict(job, outcome, counted=job.id not in self.handed)
            finished.append(row)
            again = row[0].again(outcome.unknown) if retry_in is not None else job
            back.append((again, retry_in))
        run.ledger.advance(finished, handing.tag if handing is not None else None)
        if handing is not None:
            self.handed.add(handing.tag.id)
        for envelope, _ in done:
            del self.held[envelope.tag.id]
            self.handed.discard(envelope.tag.id)
        for job, retry_in in back:
            run.dispatcher.done(job, retry_in=retry_in)
        run.record(finished)
