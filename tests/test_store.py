"""The store on both engines: schema versions, upgrades, refusals, copies between engines."""

from __future__ import annotations

import sqlite3

import pytest

from publisher.audience import migrations
from publisher.audience.migrations import CURRENT, open_store, schema_version
from publisher.audience.store import connect, redact
from publisher.audience.subscribers import SubscriberList
from publisher.config import load_config
from publisher.errors import DatabaseError
from publisher.mail.ledger import Ledger
from publisher.model import Subscriber
from tests.mailkit import add_subscribers, people, project_store

# An audience as the first releases wrote it: schema version 1, no schema_version table.
LEGACY = """
CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'unsubscribed', 'bounced')),
    consent_source TEXT NOT NULL DEFAULT '', consent_time TEXT NOT NULL DEFAULT '',
    token TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY, issue TEXT NOT NULL,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers(id), email TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'suppressed')),
    attempts INTEGER NOT NULL DEFAULT 0, last_reply TEXT NOT NULL DEFAULT '',
    queued_at TEXT NOT NULL, updated_at TEXT NOT NULL, sent_at TEXT, UNIQUE (issue, subscriber_id));
INSERT INTO subscribers VALUES (7, 'an@example.org', 'An', 'vi', 'active', 'form',
    '2024-05-01T01:00:00+00:00', 'tok-an-0123456789abcdef', '2024-05-01', '2024-05-01');
INSERT INTO subscribers VALUES (9, 'bo@example.org', 'Bo', 'en', 'unsubscribed', 'import:x.csv',
    '2024-05-02T01:00:00+00:00', 'tok-bo-0123456789abcdef', '2024-05-02', '2024-05-03');
INSERT INTO deliveries VALUES (1, 'so-1', 7, 'an@example.org', 'sent', 1, '250 OK',
    '2024-06-01', '2024-06-01', '2024-06-01');
INSERT INTO deliveries VALUES (2, 'so-1', 9, 'bo@example.org', 'suppressed', 0,
    'subscriber is unsubscribed', '2024-06-01', '2024-06-01', NULL);
"""


def legacy_file(project):
    conn = sqlite3.connect(project / "publisher.db")
    conn.executescript(LEGACY)
    conn.close()


def everything(store):
    """Every row a copy must keep, in a form both engines print alike."""
    return {
        "subscribers": store.rows(
            "SELECT id, email, name, language, status, consent_source, consent_time, token"
            " FROM subscribers ORDER BY id"
        ),
        "deliveries": store.rows(
            "SELECT id, issue, subscriber_id, state, attempts, last_reply FROM deliveries"
            " ORDER BY id"
        ),
        "consents": store.rows(
            "SELECT subscriber_id, action, source, address FROM consents ORDER BY id"
        ),
    }


@pytest.mark.usefixtures("engine")
def test_a_new_database_gets_the_current_schema_and_upgrade_has_nothing_to_do(cli, project):
    with project_store(project) as store:
        assert schema_version(store) == CURRENT
    result = cli("database", "upgrade")
    assert result.exit_code == 0, result.output
    assert f"schema version {CURRENT}, nothing to do" in result.stderr


@pytest.mark.usefixtures("engine")
def test_addresses_are_unique_whatever_their_case(project):
    subs = add_subscribers(project, [Subscriber(email="An@Example.org", name="An")])
    assert subs.save(Subscriber(email="an@example.org", name="An B")) == "updated"
    assert subs.get("AN@EXAMPLE.ORG").name == "An B"
    assert subs.counts()["active"] == 1


def test_an_old_file_is_refused_until_upgraded_and_keeps_everything(cli, project):
    legacy_file(project)
    result = cli("subscribers", "list")
    assert result.exit_code == 11
    needs = f"schema is version 1, this publisher needs {CURRENT}"
    assert f"{needs}: run `publisher database upgrade`" in result.stderr
    assert "Traceback" not in result.output
    sending = cli("send", "so-1", "--status")  # send's failures are all exit status 8
    assert sending.exit_code == 8 and "run `publisher database upgrade`" in sending.stderr
    result = cli("database", "upgrade")
    assert result.exit_code == 0 and f"schema version 1 → {CURRENT}" in result.stderr
    with project_store(project) as store:
        subs = SubscriberList(store)
        an, bo = subs.get("an@example.org"), subs.get("bo@example.org")
        assert (an.id, an.token, an.consent_source, an.status) == (
            7, "tok-an-0123456789abcdef", "form", "active",
        )  # fmt: skip
        assert (bo.id, bo.status) == (9, "unsubscribed")
        assert Ledger(store, "so-1").counts()["sent"] == 1
        # Version 2's statuses work on the rebuilt table, and ids go on from the old ones.
        subs.save(Subscriber(email="chi@example.org", status="pending"))
        assert subs.get("chi@example.org").id == 10
        assert store.rows("PRAGMA foreign_key_check") == []
    assert "an@example.org\tactive" in cli("subscribers", "list").stdout


def test_a_postgresql_database_of_version_4_is_upgraded_in_place(cli, project, postgres,
                                                                 monkeypatch):  # fmt: skip
    url = postgres.new_database()
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", url)
    with monkeypatch.context() as patched, connect(url, project) as store:
        patched.setattr(migrations, "CURRENT", 4)  # the schema as the last release left it
        migrations.upgrade(store)
        SubscriberList(store).save(Subscriber(email="an@example.org", name="An"))
        Ledger(store, "so-1").enqueue()
    result = cli("subscribers", "list")
    assert result.exit_code == 11 and "schema is version 4" in result.stderr
    result = cli("database", "upgrade")
    assert result.exit_code == 0 and f"schema version 4 → {CURRENT}" in result.stderr
    with project_store(project) as store:
        # State changes no longer touch an index on the state: they are heap-only updates.
        assert (
            store.rows("SELECT indexname FROM pg_indexes WHERE indexname = 'deliveries_todo'") == []
        )
        assert store.scalar("SELECT reloptions FROM pg_class WHERE relname = 'deliveries'") == [
            "fillfactor=50"
        ]
        assert Ledger(store, "so-1").counts()["queued"] == 1
    assert "an@example.org\tactive" in cli("subscribers", "list").stdout


def test_a_sqlite_file_of_version_4_needs_no_upgrade_for_a_version_that_changes_only_postgresql(
    cli, project
):
    with project_store(project) as store:
        store.execute("UPDATE schema_version SET version = 4")
    add_subscribers(project, people(1))
    assert "nguoi0000@example.org\tactive" in cli("subscribers", "list").stdout
    result = cli("database", "upgrade")
    assert result.exit_code == 0 and f"schema version 4 → {CURRENT}" in result.stderr


def test_a_newer_schema_is_refused(cli, project):
    with project_store(project) as store:
        store.execute("UPDATE schema_version SET version = ?", (CURRENT + 1,))
    result = cli("subscribers", "list")
    assert result.exit_code == 11 and "newer than this publisher knows" in result.stderr
    assert "upgrade publisher" in result.stderr
    assert cli("database", "upgrade").exit_code == 11


def test_copy_sqlite_to_postgresql_and_back_keeps_everything(cli, project, postgres, tmp_path):
    add_subscribers(project, people(5, unsubscribed=2))
    with project_store(project) as store:
        subs = SubscriberList(store)
        subs.set_status(subs.get("nguoi0001@example.org"), "bounced", source="bounce")
        ledger = Ledger(store, "so-1")
        ledger.enqueue()
        ledger.register()
        ledger.advance([(next(ledger.pending()), "sent", "250 OK", True)])
        before = everything(store)
    pg = postgres.new_database()
    result = cli("database", "copy", "--to", pg)
    assert result.exit_code == 0, result.output
    assert "7 subscribers, 7 deliveries" in result.stderr
    config = load_config(project)
    with open_store(config, pg) as copy:
        assert everything(copy) == before
        # New rows get ids after the copied ones.
        SubscriberList(copy).save(Subscriber(email="moi@example.org"))
        assert SubscriberList(copy).get("moi@example.org").id == 8
    back = f"sqlite:///{tmp_path / 'back.db'}"
    assert cli("database", "copy", "--from", pg, "--to", back).exit_code == 0
    with open_store(config, back) as again:
        rows = everything(again)
        assert rows["subscribers"][:7] == before["subscribers"]
        assert rows["deliveries"] == before["deliveries"]
    # Into a database that holds a list: refused, and nothing in it changes.
    with open_store(config, pg) as copy:
        held = everything(copy)
    result = cli("database", "copy", "--to", pg)
    assert result.exit_code == 11 and "copy only into an empty database" in result.stderr
    with open_store(config, pg) as copy:
        assert everything(copy) == held


def test_bad_urls_and_unreachable_servers_are_clear_errors(cli, project, monkeypatch):
    (project / "publisher.toml").write_text('[database]\nurl = "mysql://x"\n', encoding="utf-8")
    result = cli("subscribers", "list")
    assert result.exit_code == 3 and "database.url: must be sqlite:///PATH or postgresql" in (
        result.stderr
    )
    (project / "publisher.toml").write_text('[send]\ndatabase = "old.db"\n', encoding="utf-8")
    result = cli("subscribers", "list")
    assert result.exit_code == 3 and "send.database: replaced by [database] url" in result.stderr
    (project / "publisher.toml").unlink()
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", "sqlite://relative.db")
    result = cli("subscribers", "list")
    assert result.exit_code == 11 and "(PUBLISHER_DATABASE_URL)" in result.stderr
    monkeypatch.setenv(
        "PUBLISHER_DATABASE_URL", "postgresql://who:s3cret@/nowhere?host=/nonexistent-dir"
    )
    result = cli("subscribers", "list")
    assert result.exit_code == 11 and "cannot connect to the database" in result.stderr
    assert "s3cret" not in result.output and "who:***@" in result.stderr
    assert "Traceback" not in result.output


def test_redact_hides_only_the_password():
    assert redact("postgresql://u:pw@h:5432/db?x=1") == "postgresql://u:***@h:5432/db?x=1"
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"
    assert redact("sqlite:///publisher.db") == "sqlite:///publisher.db"


def test_an_unopenable_sqlite_file_names_its_path(project):
    (project / "dir.db").mkdir()
    with pytest.raises(DatabaseError) as error:
        connect("sqlite:///dir.db", project)
    assert str(project / "dir.db") in str(error.value)
