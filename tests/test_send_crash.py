"""``publisher send`` killed with SIGKILL at several points, then run again until done.

The sender runs as a subprocess against a real SMTP server in this process. Every active
subscriber must receive the issue, no unsubscribed one, and the duplicates must not exceed
the messages that were in flight (at most one per connection) at each kill.
"""

from __future__ import annotations

import signal
import time

import pytest

from publisher.mail.ledger import Ledger
from tests.mailkit import (
    add_subscribers,
    make_build,
    people,
    project_store,
    start_send,
    write_settings,
)
from tests.smtpserver import RecordingHandler, SmtpServer

ACTIVE, UNSUBSCRIBED = 30, 5


def kill_after(project, handler, received: int, connections: int) -> None:
    """Start a sender and SIGKILL it once the server has ``received`` messages in all."""
    process = start_send(project, connections)
    deadline = time.monotonic() + 60
    while len(handler.messages) < received and process.poll() is None:
        assert time.monotonic() < deadline, "the sender made no progress"
        time.sleep(0.005)
    process.kill()
    process.wait()


def ledger_counts(project) -> dict[str, int]:
    with project_store(project) as store:
        return Ledger(store, "so-1").counts()


@pytest.fixture
def crash_project(project):
    make_build(project)
    subs = add_subscribers(project, people(ACTIVE, unsubscribed=UNSUBSCRIBED))
    return (
        project,
        {s.email for s in subs.all("active")},
        {s.email for s in subs.all("unsubscribed")},
    )


@pytest.mark.parametrize("connections", [1, 3])
def test_killed_at_several_points_then_resumed(crash_project, connections):
    project, active, unsubscribed = crash_project
    handler = RecordingHandler(reply_delay=0.01)
    kills = 0
    with SmtpServer(handler) as server:
        write_settings(project, server.settings())
        # Early (at the first message), in the middle, then during a slow server reply.
        for target in (1, ACTIVE // 2):
            kill_after(project, handler, target, connections)
            kills += 1
            assert ledger_counts(project)["sending"] <= connections
        handler.reply_delay = 5.0
        kill_after(project, handler, len(handler.messages) + connections, connections)
        kills += 1
        in_flight = ledger_counts(project)["sending"]
        assert 1 <= in_flight <= connections
        handler.reply_delay = 0.0
        for _ in range(3):
            finish = start_send(project, connections)
            _, stderr = finish.communicate(timeout=60)
            if finish.returncode == 0:
                break
        assert finish.returncode == 0, stderr.decode()
    received = handler.received_by()
    assert set(received) == active
    assert not set(received) & unsubscribed
    duplicates = sum(received.values()) - len(received)
    assert duplicates <= kills * connections
    assert duplicates >= 1  # the kill during the slow reply left accepted messages unrecorded
    counts = ledger_counts(project)
    assert counts == {"queued": 0, "sending": 0, "sent": ACTIVE, "failed": 0, "unknown": 0,
                      "suppressed": UNSUBSCRIBED}  # fmt: skip


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_records_every_message_in_flight(crash_project, signum):
    project, active, _ = crash_project
    # Slow replies: when the signal comes, every connection has a message out.
    handler = RecordingHandler(reply_delay=0.3)
    with SmtpServer(handler) as server:
        write_settings(project, server.settings())
        process = start_send(project, 3)
        deadline = time.monotonic() + 60
        while len(handler.messages) < 4:
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.01)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 8, stderr.decode()
        assert "interrupted: every message in flight was recorded" in stderr.decode()
        counts = ledger_counts(project)
        assert counts["sending"] == 0  # nothing left in doubt
        assert counts["sent"] == len(handler.messages)
        handler.reply_delay = 0.0
        finish = start_send(project, 3)
        _, stderr = finish.communicate(timeout=60)
        assert finish.returncode == 0, stderr.decode()
    received = handler.received_by()
    assert set(received) == active
    assert set(received.values()) == {1}  # the next run repeated nothing


def test_ctrl_c_at_varied_moments_never_leaves_a_row_in_doubt(project):
    make_build(project)
    active = {s.email for s in add_subscribers(project, people(60)).all("active")}
    handler = RecordingHandler(reply_delay=0.05)
    # Each trial's signal comes once the server has this many more messages (0: once the
    # sender has connected, before it has sent anything).
    moments = [0, 1, 2, 3, 4, 6, 8]
    with SmtpServer(handler) as server:
        write_settings(project, server.settings())
        for more in moments:
            before, connected = len(handler.messages), handler.connections
            process = start_send(project, 2)
            deadline = time.monotonic() + 60
            while process.poll() is None and (
                handler.connections == connected or len(handler.messages) < before + more
            ):
                assert time.monotonic() < deadline, "the sender made no progress"
                time.sleep(0.002)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
            assert process.returncode == 8, stderr.decode()
            assert "Traceback" not in stderr.decode()
            counts = ledger_counts(project)
            assert counts["sending"] == 0  # every message in flight was settled
            assert counts["sent"] == len(handler.messages)  # and every accepted one recorded
        finish = start_send(project, 2)
        _, stderr = finish.communicate(timeout=60)
        assert finish.returncode == 0, stderr.decode()
    received = handler.received_by()
    assert set(received) == active
    assert set(received.values()) == {1}  # no trial, nor the last run, repeated anyone
