"""The subscriber list: CSV import (validation, merging, line numbers), listing, export."""

from __future__ import annotations

import csv
import io

import pytest

from publisher.audience.listfile import clean_text, escape_cell, unescape_cell
from publisher.audience.subscribers import SubscriberList
from publisher.errors import SubscriberError
from publisher.model import Subscriber
from tests.mailkit import project_store

# Every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.usefixtures("engine")

CSV = (
    "Email,Name,Language,consent_source,consent_time\n"
    "an@example.org,Nguyễn Văn An,vi,form,2024-05-01T08:00:00+07:00\n"
    "not-an-address,Bad,vi,,\n"
    "BINH@Example.ORG,Trần Thị Bình,vi,,\n"
    "binh@example.org,,,,\n"
    'carol@example.com,"Carol\r\nBcc: evil@example.com",en,,\n'
    'dave@example.com,=HYPERLINK("http://x"),en,,\n'
    "eve@example.com,Eve,english!,,\n"
    "fay@example.com,Fay,en,,yesterday\n"
)


def _write(project, text, name="list.csv"):
    path = project / name
    path.write_text(text, encoding="utf-8")
    return path


def _subs(project):
    return SubscriberList(project_store(project))


def test_import_keeps_good_rows_and_reports_bad_ones_by_line(cli, project):
    result = cli("subscribers", "import", str(_write(project, CSV)))
    assert result.exit_code == 10
    lines = [line for line in result.stderr.splitlines() if line.startswith("rejected")]
    assert len(lines) == 3
    assert lines[0].startswith("rejected line 3: invalid email address 'not-an-address'")
    assert lines[1].startswith("rejected line 9: language 'english!'")
    assert lines[2].startswith("rejected line 10: consent_time 'yesterday'")
    assert "4 added, 0 updated, 0 unchanged, 3 rejected" in result.stderr
    subs = {s.email: s for s in _subs(project).all()}
    assert set(subs) == {
        "an@example.org",
        "BINH@example.org",
        "carol@example.com",
        "dave@example.com",
    }
    an = subs["an@example.org"]
    assert an.name == "Nguyễn Văn An" and an.language == "vi" and an.status == "active"
    assert an.consent_source == "form" and an.consent_time == "2024-05-01T01:00:00+00:00"
    # The duplicate (same address, other case) merged: its empty cells kept the first values.
    assert subs["BINH@example.org"].name == "Trần Thị Bình"
    assert subs["BINH@example.org"].consent_source == "import:list.csv"
    assert subs["carol@example.com"].name == "Carol Bcc: evil@example.com"
    assert len({s.token for s in subs.values()}) == 4
    assert all(len(s.token) >= 32 for s in subs.values())


def test_reimport_merges_and_never_resubscribes(cli, project):
    path = _write(project, "email,name,language\nan@example.org,An,vi\nbo@example.org,Bo,vi\n")
    assert cli("subscribers", "import", str(path)).exit_code == 0
    token = _subs(project).get("an@example.org").token
    assert cli("subscribers", "unsubscribe", "AN@example.org").exit_code == 0
    again = _write(
        project, "email,name,language,status\nan@example.org,An Nguyễn,vi,active\n", "b.csv"
    )
    result = cli("subscribers", "import", str(again))
    assert result.exit_code == 0, result.stderr
    assert "0 added, 1 updated" in result.stderr
    an = _subs(project).get("an@example.org")
    assert an.status == "unsubscribed" and an.name == "An Nguyễn" and an.token == token
    listed = cli("subscribers", "list", "--status", "active").stdout
    assert listed.splitlines() == ["bo@example.org\tactive\tvi\tBo"]


def test_missing_columns_and_missing_file(cli, project):
    result = cli("subscribers", "import", str(_write(project, "email,name\na@b.org,A\n")))
    assert result.exit_code == 10
    assert "lacks the column(s) language" in result.stderr
    assert cli("subscribers", "import", str(project / "nope.csv")).exit_code == 10


def test_unsubscribe_by_token_is_idempotent_and_unknown_is_an_error(cli, project):
    cli("subscribers", "import", str(_write(project, "email,name,language\na@b.org,A,vi\n")))
    token = _subs(project).get("a@b.org").token
    for _ in range(2):
        result = cli("subscribers", "unsubscribe", "--token", token)
        assert result.exit_code == 0 and "unsubscribed a@b.org" in result.stderr
    assert cli("subscribers", "unsubscribe", "--token", "nope").exit_code == 10
    assert cli("subscribers", "unsubscribe", "x@b.org").exit_code == 10
    assert cli("subscribers", "unsubscribe").exit_code == 2


def test_export_is_formula_safe_and_imports_back_unchanged(cli, project):
    text = 'email,name,language\n-x@example.org,=1+2,vi\nb@example.org,"Bình, ""B""",vi\n'
    cli("subscribers", "import", str(_write(project, text)))
    exported = cli("subscribers", "export").stdout
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == ["email", "name", "language", "status", "consent_source", "consent_time"]
    assert rows[1][:2] == ["'-x@example.org", "'=1+2"]
    assert rows[2][1] == 'Bình, "B"'
    before = [(s.email, s.name) for s in _subs(project).all()]
    result = cli("subscribers", "import", str(_write(project, exported, "back.csv")))
    assert "0 added, 0 updated, 2 unchanged" in result.stderr
    assert [(s.email, s.name) for s in _subs(project).all()] == before


def test_text_cleaning():
    assert clean_text("  A\u2028B\x00C\r\nD  ") == "A B C D"
    assert clean_text("Nguye\u0302\u0303n") == "Nguyễn"
    assert unescape_cell(escape_cell("@home")) == "@home"
    assert escape_cell("plain") == "plain"


def test_an_empty_consent_source_keeps_the_earlier_one(cli, project):
    rows = (
        "email,name,language,consent_source\n"
        "an@example.org,An,vi,form\n"
        "AN@example.org,An B,,\n"
        "bo@example.org,Bo,en,\n"
    )
    assert cli("subscribers", "import", str(_write(project, rows))).exit_code == 0
    subs = _subs(project)
    assert subs.get("an@example.org").consent_source == "form"
    assert subs.get("an@example.org").name == "An B"
    assert subs.get("bo@example.org").consent_source == "import:list.csv"
    # Imported again without the column: the recorded sources stay.
    again = _write(project, "email,name,language\nan@example.org,An C,vi\n", "again.csv")
    assert cli("subscribers", "import", str(again)).exit_code == 0
    assert _subs(project).get("an@example.org").consent_source == "form"


def test_unknown_language_codes_are_rejected_with_their_line(cli, project):
    rows = "email,name,language\na@example.org,A,zz\nb@example.org,B,en-GB\nc@example.org,C,xx-yy\n"
    result = cli("subscribers", "import", str(_write(project, rows)))
    assert result.exit_code == 10
    assert "rejected line 2: language 'zz' is not a known language code" in result.stderr
    assert "rejected line 4: language 'xx-yy' is not a known language code" in result.stderr
    assert _subs(project).get("b@example.org").language == "en-gb"


def test_add_records_a_cli_consent_and_never_resubscribes(cli, project):
    result = cli("subscribers", "add", "Chi@Example.org", "--name", "Chị\r\nBa", "--language", "vi")
    assert result.exit_code == 0 and "added Chi@example.org" in result.stderr
    subs = _subs(project)
    chi = subs.get("chi@example.org")
    assert (chi.name, chi.language, chi.status, chi.consent_source) == (
        "Chị Ba", "vi", "active", "cli",
    )  # fmt: skip
    assert [(a, s) for _, a, s, _ in subs.consents(chi)] == [("active", "cli")]
    assert "updated" in cli("subscribers", "add", "chi@example.org", "--name", "Ba").stderr
    cli("subscribers", "unsubscribe", "chi@example.org")
    result = cli("subscribers", "add", "chi@example.org")
    assert result.exit_code == 0 and "(still unsubscribed)" in result.stderr
    assert _subs(project).get("chi@example.org").status == "unsubscribed"
    bad = cli("subscribers", "add", "not-an-address")
    assert bad.exit_code == 10 and "invalid email address" in bad.stderr and "(EMAIL)" in bad.stderr
    bad = cli("subscribers", "add", "d@example.org", "--language", "klingon")
    assert bad.exit_code == 10 and "(--language)" in bad.stderr
    assert _subs(project).get("d@example.org") is None


def test_pending_subscribers_are_listed_apart_and_never_sent_to(cli, project):
    from publisher.model import Subscriber

    _subs(project).save(Subscriber(email="wait@example.org", status="pending"))
    cli("subscribers", "add", "ok@example.org")
    assert cli("subscribers", "list", "--status", "pending").stdout.startswith(
        "wait@example.org\tpending"
    )
    assert "wait@example.org" not in cli("subscribers", "list", "--status", "active").stdout
    from publisher.mail.ledger import Ledger

    ledger = Ledger(project_store(project), "so-1")
    ledger.enqueue()
    assert (ledger.counts()["queued"], ledger.counts()["suppressed"]) == (1, 1)


def test_an_import_of_several_batches_adds_updates_and_records_each_once(cli, project):
    """More rows than one batch writes (400), old and new mixed across the batches."""
    subs = _subs(project)
    with subs.store.transaction():
        for i in range(0, 1000, 100):  # already there: every hundredth, some unsubscribed
            subs.save(Subscriber(email=f"p{i:04d}@example.org", name="Old",
                                 status="unsubscribed" if i % 200 else "active"))  # fmt: skip
    before = {s.email: s for s in subs.all()}
    rows = "".join(f"p{i:04d}@example.org,P {i},vi\n" for i in range(1000))
    result = cli("subscribers", "import", str(_write(project, "email,name,language\n" + rows)))
    assert result.exit_code == 0, result.stderr
    assert "990 added, 10 updated, 0 unchanged, 0 rejected" in result.stderr
    after = {s.email: s for s in _subs(project).all()}
    assert len(after) == 1000 and len({s.token for s in after.values()}) == 1000
    for email, old in before.items():  # renamed, but never resubscribed, same token
        assert (after[email].name, after[email].status, after[email].token) == (
            f"P {int(email[1:5])}", old.status, old.token,
        )  # fmt: skip
    with project_store(project) as store:
        record = store.rows(
            "SELECT s.email, c.action, c.source FROM consents c"
            " JOIN subscribers s ON s.id = c.subscriber_id ORDER BY c.id"
        )
    added = [row for row in record if row[0] not in before]
    assert len(added) == 990 and {row[1:] for row in added} == {("active", "import:list.csv")}
    assert len([row for row in record if row[0] in before]) == 10  # their first save only


def test_addresses_the_database_takes_as_one_are_merged_in_one_batch(project):
    subs = _subs(project)
    with subs.store.transaction():
        actions = subs.save_many(
            [Subscriber(email="An@example.org", name="An"), Subscriber(email="an@example.org",
             name="An Nguyễn")], source="test",
        )  # fmt: skip
    assert actions == ["added", "updated"]
    (only,) = list(subs.all())
    assert only.name == "An Nguyễn" and only.email == "An@example.org"
    assert len(subs.consents(only)) == 1
    # The twin's empty consent cells did not become a new consent: the first one's stays.
    assert only.consent_source == "test"
    first_time = only.consent_time
    with subs.store.transaction():
        subs.save_many(
            [Subscriber(email="bo@example.org", consent_source="form",
                        consent_time="2024-05-01T01:00:00+00:00"),
             Subscriber(email="BO@example.org", name="Bo")], source="later",
        )  # fmt: skip
    bo = subs.get("bo@example.org")
    assert (bo.consent_source, bo.consent_time, bo.name) == (
        "form", "2024-05-01T01:00:00+00:00", "Bo",
    )  # fmt: skip
    assert subs.get("an@example.org").consent_time == first_time


def test_a_token_that_is_another_subscriber_s_is_refused_by_address(project):
    subs = _subs(project)
    subs.save(Subscriber(email="an@example.org", token="t" * 32))
    with pytest.raises(SubscriberError, match=r"cannot add bo@example\.org: its token"):
        subs.save(Subscriber(email="bo@example.org", token="t" * 32))
    assert [s.email for s in subs.all()] == ["an@example.org"]
