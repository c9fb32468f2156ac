"""``publisher send`` against a real SMTP server on loopback: headers, parts, ledger, faults."""

from __future__ import annotations

import re
import shutil
from email import message_from_bytes, policy

import pytest

from publisher.mail.lock import SendLock
from publisher.mail.message import given_name
from publisher.mail.status import WholeSend
from publisher.model import Subscriber
from tests.mailkit import (
    SUBJECT,
    add_subscribers,
    make_build,
    people,
    project_store,
    write_settings,
)
from tests.smtpserver import RecordingHandler, SmtpServer

TRICKY = "Lê Hoà <b>&</b>"  # greeted by the given name, the last word: "<b>&</b>"


@pytest.fixture
def issue(project):
    """A built issue; 8 active subscribers (one with HTML in the name), 3 not active."""
    make_build(project)
    subs = [
        *people(7, unsubscribed=2),
        Subscriber(email="tricky@example.org", name=TRICKY, language="vi"),
        Subscriber(email="bounced@example.org", name="B", status="bounced"),
    ]
    return add_subscribers(project, subs)


def ledger_counts(cli):
    result = cli("send", "so-1", "--status")
    assert result.exit_code == 0, result.output
    return {line.split()[0]: int(line.split()[1]) for line in result.stdout.splitlines()[:6]}


def active(subs):
    return {s.email: s for s in subs.all("active")}


def content(part):
    return part.get_content().replace("\r\n", "\n")


@pytest.mark.parametrize("eight_bit", [True, False])
@pytest.mark.usefixtures("engine")
def test_send_reaches_every_active_subscriber_with_their_own_values(cli, project, issue, eight_bit):
    handler = RecordingHandler(eight_bit=eight_bit, pipelining=eight_bit)
    with SmtpServer(handler) as server:
        write_settings(project, server.settings())
        result = cli("send", "so-1", "--transport", "smtp", "--yes", "--connections", "3")
    assert result.exit_code == 0, result.output
    assert "8 sent, 0 failed" in result.stderr
    everyone = active(issue)
    assert handler.received_by() == dict.fromkeys(everyone, 1)
    for received in handler.messages:
        subscriber = everyone[received.recipients[0]]
        assert received.mail_from == "bantin@news.example.org"
        assert received.mail_options == (["BODY=8BITMIME"] if eight_bit else [])
        parsed = message_from_bytes(received.data, policy=policy.default)
        url = f"https://news.example.org/unsubscribe/{subscriber.token}"
        assert parsed["Subject"] == SUBJECT
        assert parsed["To"].addresses[0].display_name == subscriber.name
        assert parsed["List-Unsubscribe"].startswith(f"<{url}>, <mailto:")
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert parsed["Message-ID"].endswith("@news.example.org>")
        text, rich = parsed.iter_parts()
        assert [text.get_content_type(), rich.get_content_type()] == ["text/plain", "text/html"]
        expected = {"8bit"} if eight_bit else {"base64", "quoted-printable"}
        assert text["Content-Transfer-Encoding"] in expected
        assert rich["Content-Transfer-Encoding"] in expected
        given = given_name(subscriber.name, subscriber.language)
        assert f"Xin chào {given}," in content(text)
        assert url in content(text) and f'href="{url}"' in content(rich)
        assert subscriber.email in content(text) and subscriber.email in content(rich)
        if subscriber.name == TRICKY:
            assert "Xin chào &lt;b&gt;&amp;&lt;/b&gt;," in content(rich)
    assert len({m.data.split(b"Message-ID: ")[1][:40] for m in handler.messages}) == 8
    counts = ledger_counts(cli)
    assert counts == {
        "queued": 0,
        "sending": 0,
        "sent": 8,
        "failed": 0,
        "unknown": 0,
        "suppressed": 3,
    }


@pytest.mark.usefixtures("engine")
def test_rerun_sends_nothing_and_newly_unsubscribed_are_suppressed(cli, project, issue):
    issue.unsubscribe(email="nguoi0000@example.org")
    with SmtpServer(RecordingHandler()) as server:
        write_settings(project, server.settings())
        first = cli("send", "so-1", "--transport", "smtp", "--yes", "--limit", "3")
        # Not everyone got it yet: the exit status says so, whatever this run did.
        assert first.exit_code == 8 and "4 recipient(s) not sent yet: run send again" in (
            first.stderr
        )
        issue.unsubscribe(email="nguoi0006@example.org")
        assert cli("send", "so-1", "--transport", "smtp", "--yes").exit_code == 0
        again = cli("send", "so-1", "--transport", "smtp", "--yes")
        received = server.handler.received_by()
    assert again.exit_code == 0 and "nothing to send now" in again.stderr
    assert "the send is complete" in again.stderr
    assert len(received) == 6 and set(received.values()) == {1}
    assert "nguoi0000@example.org" not in received and "nguoi0006@example.org" not in received
    assert ledger_counts(cli)["suppressed"] == 5


def test_confirmation_and_test_copies_leave_the_ledger_alone(cli, project, issue, smtp_server):
    write_settings(project, smtp_server.settings())
    declined = cli("send", "so-1", "--transport", "smtp", input="n\n")
    assert declined.exit_code == 1
    assert "to 8 recipient(s) via SMTP 127.0.0.1" in declined.stderr
    test = cli("send", "so-1", "--transport", "smtp", "--to", "editor@example.org", "--to",
               "nguoi0001@example.org")  # fmt: skip
    assert test.exit_code == 0, test.output
    assert sorted(smtp_server.handler.received_by()) == [
        "editor@example.org",
        "nguoi0001@example.org",
    ]
    parsed = [
        message_from_bytes(m.data, policy=policy.default) for m in smtp_server.handler.messages
    ]
    assert {p["Subject"] for p in parsed} == {"[TEST] " + SUBJECT}
    counts = ledger_counts(cli)
    assert counts["sent"] == counts["sending"] == 0 and counts["queued"] == 8
    accepted = cli("send", "so-1", "--transport", "smtp", input="y\n")
    assert accepted.exit_code == 0 and "8 sent" in accepted.stderr
    assert cli("send", "so-1", "--to", "not an address").exit_code == 8


def test_a_second_sender_of_the_same_issue_is_refused(cli, project, issue):
    write_settings(project)
    database = project / "publisher.db"
    with SendLock(database, "so-1"):
        result = cli("send", "so-1", "--yes")
    assert result.exit_code == 8
    assert "another send of this issue is running" in result.stderr
    assert cli("send", "so-1", "--yes").exit_code == 0


def test_faults_are_retried_failed_and_recorded(cli, project, issue):
    handler = RecordingHandler()
    handler.faults.update(
        {
            "nguoi0000@example.org": ["451 4.3.0 Try again later"] * 2,
            "nguoi0001@example.org": ["550 5.1.1 No such user"],
            "nguoi0002@example.org": ["421 4.7.0 Too many connections"],
            "nguoi0003@example.org": ["drop"],
            "nguoi0004@example.org": ["451 4.3.0 Greylisted"] * 5,
            "nguoi0005@example.org": ["data:554 5.6.0 Message rejected"],
        }
    )
    with SmtpServer(handler) as server:
        write_settings(project, server.settings())
        result = cli("send", "so-1", "--transport", "smtp", "--yes", "--connections", "2")
        assert result.exit_code == 8, result.output
        assert "5 sent, 3 failed" in result.stderr
        assert "asked to slow down 1 time(s)" in result.stderr
        status = cli("send", "so-1", "--status").stdout
        assert "failed: nguoi0001@example.org (1 attempts): 550 5.1.1 No such user" in status
        assert "nguoi0004@example.org (3 attempts): gave up after 3 attempts: 451 4.3.0" in status
        assert "nguoi0005@example.org (1 attempts): 554 5.6.0 Message rejected" in status
        assert handler.attempts["nguoi0000@example.org"] == 3
        assert handler.attempts["nguoi0003@example.org"] == 2
        received = handler.received_by()
        assert {a for a in received if "0000" in a or "0002" in a or "0003" in a} == {
            "nguoi0000@example.org",
            "nguoi0002@example.org",
            "nguoi0003@example.org",
        }
        # The server is fixed; the failed ones are tried again on request only.
        handler.faults.clear()
        # A run with nothing left to try still tells the truth about the whole send.
        idle = cli("send", "so-1", "--transport", "smtp", "--yes")
        assert idle.exit_code == 8 and "nothing to send now" in idle.stderr
        assert "3 recipient(s) failed" in idle.stderr and "--retry-failed" in idle.stderr
        assert "1 failed with: 550 5.1.1 No such user" in idle.stderr
        retry = cli("send", "so-1", "--transport", "smtp", "--yes", "--retry-failed")
        assert retry.exit_code == 0 and "3 sent, 0 failed" in retry.stderr
    assert set(handler.received_by()) == set(active(issue))
    assert set(handler.received_by().values()) == {1}


@pytest.mark.parametrize("pipelining", [True, False])
@pytest.mark.usefixtures("engine")
def test_a_lost_connection_costs_the_next_message_no_attempt(cli, project, issue, pipelining):
    # Pipelined, the next message's envelope leaves with the dropped message's content.
    handler = RecordingHandler(pipelining=pipelining)
    handler.faults["nguoi0001@example.org"] = ["drop"]
    with SmtpServer(handler) as server:
        write_settings(project, server.settings())
        result = cli("send", "so-1", "--transport", "smtp", "--yes")
    assert result.exit_code == 0, result.output
    assert handler.received_by() == dict.fromkeys(active(issue), 1)
    with project_store(project) as store:
        attempts = dict(store.rows("SELECT email, attempts FROM deliveries WHERE state = 'sent'"))
    assert attempts.pop("nguoi0001@example.org") == 2
    assert set(attempts.values()) == {1}


@pytest.mark.parametrize("pipelining", [True, False])
def test_a_connection_cut_halfway_through_a_message_costs_a_try_not_a_copy(
    cli, project, issue, pipelining
):
    handler = RecordingHandler(pipelining=pipelining)
    handler.faults["nguoi0001@example.org"] = ["cut"]
    handler.faults["nguoi0003@example.org"] = ["cut", "cut"]  # max_attempts is 3
    with SmtpServer(handler) as server:
        write_settings(project, server.settings())
        result = cli("send", "so-1", "--transport", "smtp", "--yes", "--connections", "2")
        assert result.exit_code == 0, result.output
        assert "8 sent, 0 failed" in result.stderr
        rerun = cli("send", "so-1", "--transport", "smtp", "--yes")
        assert rerun.exit_code == 0 and "nothing to send now" in rerun.stderr
    assert handler.received_by() == dict.fromkeys(active(issue), 1)
    with project_store(project) as store:
        attempts = dict(store.rows("SELECT email, attempts FROM deliveries WHERE state = 'sent'"))
    assert (attempts.pop("nguoi0001@example.org"), attempts.pop("nguoi0003@example.org")) == (2, 3)
    assert set(attempts.values()) == {1}


def test_a_burst_of_temporary_refusals_then_acceptance_reaches_everyone_once(cli, project, issue):
    handler = RecordingHandler()
    handler.burst(10, "451 4.7.1 Greylisted, please try again later")  # 8 recipients
    with SmtpServer(handler) as server:
        write_settings(project, server.settings())
        result = cli("send", "so-1", "--transport", "smtp", "--yes", "--connections", "2")
        assert result.exit_code == 0, result.output
        assert "8 sent, 0 failed" in result.stderr
        assert "the send is complete" in result.stderr
        rerun = cli("send", "so-1", "--transport", "smtp", "--yes")
        assert rerun.exit_code == 0 and "nothing to send now" in rerun.stderr
    assert handler.received_by() == dict.fromkeys(active(issue), 1)
    assert sum(handler.attempts.values()) == 8 + 10


@pytest.mark.usefixtures("engine")
def test_a_header_injection_fails_that_recipient_only(cli, project, issue):
    with project_store(project) as store:
        store.execute(
            "UPDATE subscribers SET name = 'X\r\nBcc: victim@example.org' WHERE email = ?",
            ("nguoi0002@example.org",),
        )
    with SmtpServer(RecordingHandler()) as server:
        write_settings(project, server.settings())
        result = cli("send", "so-1", "--transport", "smtp", "--yes")
        received = server.handler.received_by()
    assert result.exit_code == 8 and "7 sent, 1 failed" in result.stderr
    assert "nguoi0002@example.org" not in received and len(received) == 7
    assert "refused: To contains a line break" in cli("send", "so-1", "--status").stdout


@pytest.mark.usefixtures("engine")
def test_unreachable_server_stops_the_run_and_keeps_everyone_queued(cli, project, issue):
    from tests.smtpserver import free_port

    write_settings(project, f'\n[smtp]\nhost = "127.0.0.1"\nport = {free_port()}\n')
    result = cli("send", "so-1", "--transport", "smtp", "--yes")
    assert result.exit_code == 8
    assert "cannot connect" in result.stderr and "run send again" in result.stderr
    # What is retried, how often, and when it stops: said at each try, not only at the end.
    assert "trying again in" in result.stderr and "(try 2 of 3;" in result.stderr
    assert "(try 3 of 3;" in result.stderr and "gave up after 3 tries" in result.stderr
    assert ledger_counts(cli)["queued"] == 8


def test_maildir_is_the_default_and_an_unbuilt_issue_is_explained(cli, project, issue):
    write_settings(project)
    assert cli("send", "so-1", "--yes").exit_code == 0
    assert len(list((project / "outbox" / "new").iterdir())) == 8
    missing = cli("send", "so-2", "--yes")
    assert missing.exit_code == 8 and "run `publisher build so-2` first" in missing.stderr
    shutil.rmtree(project / "build")
    assert ledger_counts(cli)["sent"] == 8  # the ledger outlives the build folder


def test_a_server_refusing_the_whole_list_stops_the_run_and_keeps_everyone_queued(cli, project):
    make_build(project)
    add_subscribers(project, people(60))
    handler = RecordingHandler()
    blocked = "554 5.7.1 Service unavailable; client host [127.0.0.1] blocked using zen"
    for i in range(60):
        handler.faults[f"nguoi{i:04d}@example.org"] = [blocked]
    with SmtpServer(handler) as server:
        write_settings(project, "breaker_window = 20\n" + server.settings())
        result = cli("send", "so-1", "--transport", "smtp", "--yes")
        assert result.exit_code == 8
        assert "the server is refusing the whole list: 18 of the first 18 recipients" in (
            result.stderr
        )
        assert "554 5.7.1 Service unavailable" in result.stderr
        assert "Traceback" not in result.output
        counts = ledger_counts(cli)
        assert counts["failed"] == 0 and counts["queued"] == 60 and counts["sent"] == 0
        assert sum(handler.attempts.values()) <= 20, result.stderr  # it stopped early
        # The blocklist is lifted: the next run sends to everyone, no --retry-failed needed.
        handler.faults.clear()
        again = cli("send", "so-1", "--transport", "smtp", "--yes")
    assert again.exit_code == 0 and "60 sent, 0 failed" in again.stderr
    assert handler.received_by() == {f"nguoi{i:04d}@example.org": 1 for i in range(60)}


def test_scattered_refusals_do_not_stop_a_run(cli, project):
    make_build(project)
    add_subscribers(project, people(30))
    handler = RecordingHandler()
    for i in range(0, 30, 3):
        handler.faults[f"nguoi{i:04d}@example.org"] = ["550 5.1.1 No such user"]
    with SmtpServer(handler) as server:
        write_settings(project, "breaker_window = 20\n" + server.settings())
        result = cli("send", "so-1", "--transport", "smtp", "--yes")
    assert result.exit_code == 8 and "20 sent, 10 failed" in result.stderr
    assert "10 failed with: 550 5.1.1 No such user" in result.stderr


def test_a_server_allowing_fewer_connections_gets_fewer_and_the_run_goes_on(cli, project, issue):
    # Which threads the server turns away changes from run to run: several runs, several
    # orders (the first thread turned away while others work must not hang or end the run).
    for number in range(1, 6):
        make_build(project, f"so-{number}")
        handler = RecordingHandler(max_connections=2)
        with SmtpServer(handler) as server:
            write_settings(project, server.settings())
            result = cli("send", f"so-{number}", "--transport", "smtp", "--yes",
                         "--connections", "4")  # fmt: skip
            rerun = cli("send", f"so-{number}", "--transport", "smtp", "--yes")
        assert rerun.exit_code == 0 and "nothing to send now" in rerun.stderr
        assert result.exit_code == 0, result.output
        assert "8 sent, 0 failed" in result.stderr
        assert re.search(r"the server took [12] connection\(s\), not 4", result.stderr)
        assert handler.turned_away >= 1
        assert handler.received_by() == dict.fromkeys(active(issue), 1)


def test_no_reply_after_the_message_is_tried_once_more_then_unknown(cli, project):
    make_build(project)
    add_subscribers(project, people(2))
    # The server takes each message but answers later than [smtp] timeout.
    handler = RecordingHandler(reply_delay=1.5)
    with SmtpServer(handler) as server:
        write_settings(project, server.settings(timeout=0.3))
        result = cli("send", "so-1", "--transport", "smtp", "--yes")
        assert result.exit_code == 8, result.output
        assert "2 recipient(s) of unknown outcome" in result.stderr
        assert "--retry-unknown" in result.stderr
        # Two copies each at most (the same Message-ID), never three.
        assert handler.received_by() == {"nguoi0000@example.org": 2, "nguoi0001@example.org": 2}
        ids = {m.data.split(b"Message-ID: ")[1].split(b"\r\n")[0] for m in handler.messages}
        assert len(ids) == 2
        status = cli("send", "so-1", "--status").stdout
        assert "unknown    2" in status and "it may have been delivered" in status
        # Neither a plain rerun nor --retry-failed sends them again.
        handler.reply_delay = 0.0
        assert cli("send", "so-1", "--transport", "smtp", "--yes").exit_code == 8
        assert cli("send", "so-1", "--transport", "smtp", "--yes", "--retry-failed").exit_code == 8
        assert len(handler.messages) == 4
        again = cli("send", "so-1", "--transport", "smtp", "--yes", "--retry-unknown")
    assert again.exit_code == 0 and "2 sent, 0 failed" in again.stderr
    assert len(handler.messages) == 6


def test_nothing_is_sent_after_the_deadline(cli, project, issue):
    write_settings(project)
    late = cli("send", "so-1", "--yes", "--not-after", "2024-05-11T08:00+07:00")
    assert late.exit_code == 8 and "the deadline 2024-05-11T08:00:00+07:00" in late.stderr
    assert "Traceback" not in late.output
    assert not (project / "outbox").exists() or not any((project / "outbox").rglob("*.eml"))
    for bad in ("tomorrow", "2030-01-01T08:00"):
        refused = cli("send", "so-1", "--yes", "--not-after", bad)
        assert refused.exit_code == 2 and "--not-after" in refused.stderr
    on_time = cli("send", "so-1", "--yes", "--not-after", "2999-01-01T00:00+00:00")
    assert on_time.exit_code == 0, on_time.output


def test_the_whole_send_is_counted_often_when_cheap_and_seldom_when_slow():
    clock = [0.0]
    counts: list[float] = []
    unsent = iter(range(1000, 0, -100))

    def count() -> int:  # the ledger's count; this one takes 0.1 s after the first
        counts.append(clock[0])
        clock[0] += 0.1 if counts[1:] else 0.0
        return next(unsent)

    whole = WholeSend(count, clock=lambda: clock[0])
    assert whole.settled(0) == 0
    clock[0] = 0.5
    assert whole.settled(3) == 3  # within the second: this run's own count
    clock[0] = 1.0
    # Counted again: 100 settled in all since the start (other senders' too), then 2 of ours.
    assert whole.settled(5) == 100
    assert whole.settled(7) == 102
    clock[0] = 3.0  # two seconds on, but the count took 0.1 s: the next waits 5 s
    assert whole.settled(8) == 103 and len(counts) == 2
    clock[0] = 6.2
    assert whole.settled(9) == 200 and len(counts) == 3
