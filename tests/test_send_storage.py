"""``publisher send`` when the database is read-only, full or unreadable: a clear error, exit 8.

The sender runs as a subprocess: as a user who may not write the files (when the tests run as
root, whom permissions do not stop, the subprocess runs without root's override of them), or
with a limit on the size of the files it may write, which fails its writes as a full disk does.
"""

from __future__ import annotations

import resource
import signal
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from publisher.mail.ledger import Ledger
from tests.conftest import PYTHON, subprocess_env
from tests.mailkit import add_subscribers, make_build, people, project_store, write_settings
from tests.permissions import publisher_as_user
from tests.smtpserver import RecordingHandler, SmtpServer

ACTIVE = 30


def publisher(project: Path, *args: str, **options: object) -> subprocess.CompletedProcess:
    command = [PYTHON, "-m", "publisher", "--project", str(project), *args]
    return subprocess.run(
        command, env=subprocess_env(), stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=120, check=False, **options,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.fixture
def sent_once(project):
    """A project whose send has begun: 5 of 30 sent over SMTP, the rest queued."""
    make_build(project)
    add_subscribers(project, people(ACTIVE)).store.close()
    handler = RecordingHandler()
    with SmtpServer(handler) as server:
        write_settings(project, server.settings())
        first = publisher(project, "send", "so-1", "--transport", "smtp", "--yes", "--limit", "5")
    assert first.returncode == 8, first.stderr  # 25 not sent yet
    return project


@pytest.fixture
def read_only(sent_once):
    """The project's database file and folder made read-only, for the test's length."""
    project = sent_once
    files = [project / "publisher.db", project]
    for path in files:
        path.chmod(0o555 if path.is_dir() else 0o444)
    yield project
    for path in files:
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_status_and_the_list_are_read_from_a_read_only_database(read_only):
    status = publisher_as_user(read_only, "send", "so-1", "--status")
    assert status.returncode == 0, status.stderr
    assert "sent       5" in status.stdout and "queued     25" in status.stdout
    listed = publisher_as_user(read_only, "subscribers", "list")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == ACTIVE
    exported = publisher_as_user(read_only, "subscribers", "export")
    assert exported.returncode == 0 and len(exported.stdout.splitlines()) == ACTIVE + 1


def test_a_send_to_a_read_only_database_is_refused_clearly(read_only):
    result = publisher_as_user(read_only, "send", "so-1", "--transport", "memory", "--yes")
    assert result.returncode == 8, result.stderr
    assert result.stderr.startswith("Error: cannot open the database: attempt to write a readonly")
    assert str(read_only / "publisher.db") in result.stderr and "Traceback" not in result.stderr


def test_a_read_only_send_lock_is_refused_clearly(sent_once):
    lock = sent_once / "publisher.db-send-so-1.lock"
    lock.chmod(0o444)
    result = publisher_as_user(sent_once, "send", "so-1", "--transport", "memory", "--yes")
    assert result.returncode == 8, result.stderr
    assert result.stderr.startswith("Error: cannot open the send lock: Permission denied")
    assert str(lock) in result.stderr and "Traceback" not in result.stderr
    with project_store(sent_once) as store:
        assert Ledger(store, "so-1").counts()["sent"] == 5  # nothing happened


def test_a_database_that_cannot_be_opened_is_a_clear_error(cli, project):
    make_build(project)
    write_settings(project)
    (project / "publisher.db").write_bytes(b"these are not the droids\n" * 200)
    result = cli("send", "so-1", "--yes")
    assert result.exit_code == 8
    assert result.stderr.startswith("Error: cannot open the database: file is not a database")
    assert "Traceback" not in result.stderr and "publisher.db" in result.stderr
    assert cli("send", "so-1", "--status").exit_code == 8


def _limit_file_size(size: int):
    def limit() -> None:
        # Past the limit a write fails (EFBIG), as on a full disk, instead of killing us.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def test_a_full_disk_while_recording_stops_the_send_and_loses_nothing(sent_once):
    project = sent_once
    handler = RecordingHandler()
    with SmtpServer(handler) as server:
        write_settings(project, server.settings())
        database = project / "publisher.db"
        # The database may not grow; its write-ahead log fills after a few commits.
        full = publisher(
            project, "send", "so-1", "--transport", "smtp", "--yes",
            preexec_fn=_limit_file_size(database.stat().st_size + 24 * 1024),
        )  # fmt: skip
        assert full.returncode == 8, full.stderr
        assert "Error: database error: disk I/O error; the send stopped" in full.stderr
        assert "Traceback" not in full.stderr
        stopped_at = len(handler.messages)
        assert 0 < stopped_at < ACTIVE - 5  # it stopped during the send, not before or after
        again = publisher(project, "send", "so-1", "--transport", "smtp", "--yes")
        assert again.returncode == 0, again.stderr
    received = handler.received_by()
    assert len(received) == ACTIVE - 5  # the first 5 were sent by the fixture's run
    assert sum(received.values()) - len(received) <= 1  # at most the message in flight
    with project_store(project) as store:
        counts = Ledger(store, "so-1").counts()
    assert counts["sent"] == ACTIVE and counts["sending"] == 0


def test_status_and_the_list_need_only_a_read_only_postgresql_login(
    cli, project, postgres, monkeypatch
):
    import psycopg

    url = postgres.new_database()
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", url)
    make_build(project)
    write_settings(project)
    add_subscribers(project, people(3)).store.close()
    assert cli("send", "so-1", "--transport", "memory", "--yes", "--limit", "1").exit_code == 8
    reader = "reader_" + urlsplit(url).path.strip("/")  # roles are the whole cluster's
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {reader} LOGIN")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}")
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", url.replace("postgres@", f"{reader}@"))
    status = cli("send", "so-1", "--status")
    assert status.exit_code == 0, status.output
    assert "sent       1" in status.stdout and "queued     2" in status.stdout
    listed = cli("subscribers", "list")
    assert listed.exit_code == 0 and len(listed.stdout.splitlines()) == 3
    refused = cli("send", "so-1", "--transport", "memory", "--yes")
    assert refused.exit_code == 8 and "permission denied" in refused.stderr
