"""The group commit: writes asked for while one is on its way go together in the next one."""

from __future__ import annotations

import threading
import time

import pytest

from publisher.errors import DatabaseError
from publisher.mail.groupcommit import GroupCommit
from publisher.mail.ledger import Ledger
from tests.mailkit import add_subscribers, people, project_store, write_settings


class Writes:
    """A ``write`` that records what it was given; the first one waits to be let go."""

    def __init__(self, fail_on: object = None):
        self.calls: list[list[object]] = []
        self.first = threading.Event()
        self.fail_on = fail_on

    def __call__(self, params: list[object]) -> None:
        if not self.calls:
            self.calls.append(params)
            assert self.first.wait(10)
        else:
            self.calls.append(params)
        if self.fail_on in params:
            raise DatabaseError("database error: refused")


def commit_in_thread(group: GroupCommit, params: list[object], outcomes: dict) -> threading.Thread:
    def run() -> None:
        try:
            group.commit(params)
            outcomes[params[0]] = "written"
        except DatabaseError as exc:
            outcomes[params[0]] = exc.message

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_for(condition) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "the threads did not get there"
        time.sleep(0.001)


def choreography(group: GroupCommit, writes: Writes, later: list[list[object]]) -> dict:
    """One commit whose write is held, then ``later`` ones waiting behind it, then let go."""
    outcomes: dict = {}
    threads = [commit_in_thread(group, ["a", 1], outcomes)]
    wait_for(lambda: len(writes.calls) == 1)
    for queued, params in enumerate(later, start=1):
        threads.append(commit_in_thread(group, params, outcomes))
        wait_for(lambda queued=queued: len(group._waiting) == queued)
    writes.first.set()
    for thread in threads:
        thread.join(10)
        assert not thread.is_alive()
    return outcomes


def test_commits_waiting_behind_a_write_go_together_in_the_next():
    writes = Writes()
    group = GroupCommit(writes, limit=100)
    outcomes = choreography(group, writes, [["b", 2], ["c", 3]])
    assert writes.calls == [["a", 1], ["b", 2, "c", 3]]
    assert outcomes == {"a": "written", "b": "written", "c": "written"}
    group.commit(["d", 4])  # nobody waiting: written at once, alone
    assert writes.calls[-1] == ["d", 4]


def test_a_write_takes_no_more_than_the_limit_and_the_rest_go_next():
    writes = Writes()
    group = GroupCommit(writes, limit=4)
    outcomes = choreography(group, writes, [["b", 2], ["c", 3], ["d", 4]])
    assert writes.calls == [["a", 1], ["b", 2, "c", 3], ["d", 4]]
    assert set(outcomes.values()) == {"written"}


def test_a_failed_write_fails_every_commit_it_had_and_no_other():
    writes = Writes(fail_on="bad")
    group = GroupCommit(writes, limit=100)
    outcomes = choreography(group, writes, [["b", "bad"], ["c", 3]])
    assert outcomes == {"a": "written", "b": "database error: refused",
                        "c": "database error: refused"}  # fmt: skip
    group.commit(["d", 4])
    assert writes.calls[-1] == ["d", 4]


@pytest.mark.usefixtures("engine")
def test_sending_threads_advancing_at_once_record_every_row(project):
    """Eight threads advance their own rows through one ledger connection, as a send's do:
    every row ends as its thread left it, however the statements were grouped."""
    write_settings(project)
    add_subscribers(project, people(160))
    ledger = Ledger(project_store(project), "so-1")
    ledger.enqueue()
    ledger.register()
    jobs = [job for job in ledger.pending() if job is not None]
    assert len(jobs) == 160
    lanes = [jobs[i::8] for i in range(8)]

    def lane(mine) -> None:
        ledger.advance([], mine[0])
        for done, following in zip(mine, [*mine[1:], None], strict=True):
            state = "failed" if done.id % 7 == 0 else "sent"
            ledger.advance([(done, state, f"250 ok {done.id}", False)], following)

    threads = [threading.Thread(target=lane, args=(mine,)) for mine in lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with project_store(project) as store:
        rows = store.rows("SELECT id, state, last_reply, attempts FROM deliveries")
    expected = {
        (job.id, "failed" if job.id % 7 == 0 else "sent", f"250 ok {job.id}", 1) for job in jobs
    }
    assert set(rows) == expected
