"""The ledger's queue and the dispatcher: rows left ``sending`` by a run that died go first."""

from __future__ import annotations

import pytest

from publisher.mail.dispatch import Dispatcher
from publisher.mail.ledger import Job, Ledger
from publisher.mail.message import Recipient
from tests.mailkit import add_subscribers, people, project_store, write_settings

# Every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.usefixtures("engine")


def test_rows_in_doubt_come_first_then_the_queued_ones_each_once(project):
    write_settings(project)
    add_subscribers(project, people(6, unsubscribed=1))
    ledger = Ledger(project_store(project), "so-1")
    ledger.enqueue()
    ledger.register()
    ledger.store.execute(
        "UPDATE deliveries SET state = 'sending', attempts = 1 WHERE email IN (?, ?)",
        ("nguoi0004@example.org", "nguoi0002@example.org"),
    )
    pending = ledger.pending()
    first = next(pending)
    assert (first.recipient.email, first.in_doubt, first.attempts) == (
        "nguoi0002@example.org", True, 1,
    )  # fmt: skip
    # Deferred by this run, it is queued again, and left to the retries, not read twice.
    ledger.advance([(first, "queued", "451 4.3.0 Try later", False)])
    rest = [(job.recipient.email[5:9], job.in_doubt) for job in pending]
    assert rest == [("0004", True), ("0000", False), ("0001", False), ("0003", False),
                    ("0005", False)]  # fmt: skip
    assert not first.again().in_doubt


def test_a_job_in_doubt_goes_only_to_a_thread_with_nothing_in_flight():
    someone = Recipient("nguoi@example.org")
    doubt, fresh = Job(1, someone, 1, in_doubt=True), Job(2, someone)
    dispatcher = Dispatcher(iter([doubt, fresh]))
    assert dispatcher.next(wait=False) is None  # a thread with one in flight may not take it
    assert dispatcher.next() is doubt
    assert dispatcher.next(wait=False) is fresh
    assert dispatcher.next(wait=False) is None
    dispatcher.done(doubt, retry_in=0.0)  # untried: back in line, still in doubt
    assert dispatcher.next(wait=False) is None
    dispatcher.done(fresh)
    assert dispatcher.next() is doubt
    dispatcher.done(doubt)
    assert dispatcher.next() is None


def test_an_unsubscribe_during_a_send_is_seen_by_the_next_batch(project):
    write_settings(project)
    subs = add_subscribers(project, people(6))
    ledger = Ledger(project_store(project), "so-1")
    ledger.enqueue()
    ledger.register()
    pending = ledger.pending(batch=2)
    first = [next(pending), next(pending)]  # the first batch, claimed
    # Through the web service, on another connection, while the send goes on.
    subs.unsubscribe(email="nguoi0003@example.org", source="web")
    subs.unsubscribe(email="nguoi0001@example.org", source="web")  # claimed already
    rest = [job.recipient.email[5:9] for job in pending]
    assert [job.recipient.email[5:9] for job in first] == ["0000", "0001"]
    assert rest == ["0002", "0004", "0005"]
    assert ledger.counts()["suppressed"] == 1


def test_a_second_sender_takes_nothing_another_live_one_claimed(project):
    write_settings(project)
    add_subscribers(project, people(5))
    one, two = (Ledger(project_store(project), "so-1", lease=30) for _ in range(2))
    one.enqueue()
    one.register()
    two.register()
    mine = one.pending(batch=3)
    taken = [next(mine).recipient.email[5:9] for _ in range(3)]
    theirs = two.pending(batch=3)
    # The second claims the rows left; then, with none left, it is told to ask again later
    # (``None``) while the first still holds unsent rows.
    assert taken == ["0000", "0001", "0002"]
    assert [next(theirs).recipient.email[5:9] for _ in range(2)] == ["0003", "0004"]
    assert next(theirs) is None and next(theirs) is None
    one.leave()  # gone without sending them: the rows are free at once
    assert [job.recipient.email[5:9] for job in theirs if job] == ["0000", "0001", "0002"]


def test_the_pace_recovers_after_a_slow_down():
    from publisher.mail.dispatch import Throttle

    unpaced = Throttle(0, 4)
    unpaced.slow_down(observed_rate=100.0)
    unpaced.slow_down(observed_rate=100.0)  # halved twice: 25 msg/s, 1 connection
    assert unpaced.interval == pytest.approx(1 / 25) and unpaced.connections == 1
    for _ in range(200):
        unpaced.recover()
    assert 1 / unpaced.interval > 30  # one more message a second, each second
    for _ in range(20_000):
        unpaced.recover()
    assert unpaced.interval == 0.0  # back where it started: no pace at all
    paced = Throttle(20, 2)
    paced.slow_down(observed_rate=20.0)
    assert paced.interval == pytest.approx(1 / 10)
    for _ in range(10_000):
        paced.recover()
    assert paced.interval == pytest.approx(1 / 20)  # never above the rate asked for
