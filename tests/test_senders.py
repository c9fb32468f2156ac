"""Several senders on one send (PostgreSQL), one of them SIGKILLed at varied moments.

Each trial starts three ``publisher send`` processes on a fresh database against one real SMTP
server, kills one once the server has received a chosen number of messages, and lets the others
finish: they take the dead sender's rows over when its lease runs out. Every active subscriber
must get the issue, no unsubscribed one, and the repeats must not pass what the dead sender had
in flight (one message per connection).
"""

from __future__ import annotations

import itertools
import json
import time

import pytest

from publisher.mail.ledger import Ledger, claim_sql
from tests.mailkit import (
    add_subscribers,
    make_build,
    people,
    project_store,
    start_send,
    write_settings,
)
from tests.smtpserver import RecordingHandler, SmtpServer

# Senders sharing a send claim 25 rows per connection at a time: 150 subscribers make six
# claims, so that all three senders get rows.
ACTIVE, UNSUBSCRIBED, SENDERS, CONNECTIONS = 150, 4, 3, 1
# (messages received in all before the kill, which sender is killed)
TRIALS = [(1, 0), (20, 1), (45, 2), (75, 0), (100, 1), (130, 2), (60, 1), (10, 2)]
LEASE = 2.0


def run_trial(project, received_before_kill: int, victim: int) -> dict[str, int]:
    make_build(project)
    subs = add_subscribers(project, people(ACTIVE, unsubscribed=UNSUBSCRIBED))
    active = {s.email for s in subs.all("active")}
    handler = RecordingHandler(reply_delay=0.01)
    with SmtpServer(handler) as server:
        write_settings(project, f"lease = {LEASE}\n" + server.settings())
        senders = [start_send(project, CONNECTIONS) for _ in range(SENDERS)]
        deadline = time.monotonic() + 60
        while len(handler.messages) < received_before_kill and senders[victim].poll() is None:
            assert time.monotonic() < deadline, "the senders made no progress"
            time.sleep(0.002)
        senders[victim].kill()
        senders[victim].wait()
        for index, sender in enumerate(senders):
            if index != victim:
                _, stderr = sender.communicate(timeout=120)
                assert sender.returncode == 0, stderr.decode()
        received = handler.received_by()
    assert set(received) == active, f"missed: {sorted(active - set(received))}"
    duplicates = sum(received.values()) - len(received)
    assert duplicates <= CONNECTIONS
    with project_store(project) as store:
        counts = Ledger(store, "so-1").counts()
    assert counts == {"queued": 0, "sending": 0, "sent": ACTIVE, "failed": 0, "unknown": 0,
                      "suppressed": UNSUBSCRIBED}  # fmt: skip
    return {"duplicates": duplicates}


@pytest.mark.parametrize(("received_before_kill", "victim"), TRIALS)
def test_three_senders_one_killed_nobody_missed(
    tmp_path, postgres, monkeypatch, received_before_kill, victim
):
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", postgres.new_database())
    project = tmp_path / "project"
    project.mkdir()
    result = run_trial(project, received_before_kill, victim)
    print(f"trial kill@{received_before_kill} sender {victim}: {result['duplicates']} repeated")


def test_senders_share_the_work_and_the_progress_counts_the_whole_send(
    tmp_path, postgres, monkeypatch
):
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", postgres.new_database())
    project = tmp_path / "project"
    project.mkdir()
    make_build(project)
    add_subscribers(project, people(200))
    handler = RecordingHandler(reply_delay=0.005)
    with SmtpServer(handler) as server:
        write_settings(project, server.settings())
        senders = [start_send(project, CONNECTIONS) for _ in range(2)]
        outputs = [s.communicate(timeout=120)[1].decode() for s in senders]
    assert all(s.returncode == 0 for s in senders), outputs
    assert handler.received_by() == {f"nguoi{i:04d}@example.org": 1 for i in range(200)}
    # Each reports its own messages and the whole ledger: 200 sent by both together.
    mine = [int(out.split(" sent,")[0].rsplit("\n", 1)[-1].split()[-1]) for out in outputs]
    assert sum(mine) == 200 and all(n > 0 for n in mine), outputs
    assert all("0 queued, 0 sending, 200 sent" in out for out in outputs)


def test_a_claim_reads_about_the_rows_it_takes_however_far_the_send_has_gone(
    project, postgres, monkeypatch
):
    """A claim once walked every subscriber before the ones it took: a quadratic send."""
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", postgres.new_database())
    write_settings(project)
    add_subscribers(project, people(3000))
    ledger = Ledger(project_store(project), "so-1")
    ledger.enqueue()
    ledger.register()
    store = ledger.store
    store.execute(
        "UPDATE deliveries SET state = 'sent' WHERE subscriber_id IN"
        " (SELECT id FROM subscribers ORDER BY id LIMIT 2000)"
    )
    after = store.scalar("SELECT max(subscriber_id) FROM deliveries WHERE state = 'sent'")
    with store.transaction():
        ((plan,),) = store.rows(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + claim_sql(store.dialect),
            ("so-1", "queued", after, after, 60.0, 25),
        )
    plan = json.loads(plan) if isinstance(plan, str) else plan
    assert rows_read(plan[0]["Plan"], "subscribers") <= 50
    assert rows_read(plan[0]["Plan"], "deliveries") <= 50
    taken = [job.recipient.email for job in itertools.islice(ledger.pending(batch=25), 25)]
    assert taken == [f"nguoi{i:04d}@example.org" for i in range(2000, 2025)]


def rows_read(node: dict, table: str) -> int:
    """Rows the scans of ``table`` in an EXPLAIN ANALYZE plan returned, over all their loops."""
    own = node["Actual Rows"] * node["Actual Loops"] if node.get("Relation Name") == table else 0
    return own + sum(rows_read(child, table) for child in node.get("Plans", []))
