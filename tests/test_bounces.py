"""Bounces and complaints: the report corpus read from a Maildir, SES notifications, VERP."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from publisher.model import Subscriber
from tests.conftest import FIXTURES
from tests.mailkit import add_subscribers, make_build, project_store, write_settings
from tests.smtpserver import RecordingHandler, SmtpServer

CORPUS = FIXTURES / "bounces"
RETURN_PATH = 'return_path = "bounces+{token}@news.example.org"\n'
# (email, token) of the subscribers the corpus is about.
PEOPLE = [
    ("nguoi0001@example.org", "tokPostfix0000000001"),
    ("nguoi0002@example.org", "tokExim00000000000002"),
    ("nguoi0003@corp.example.com", "tokExchange000000003"),
    ("nguoi0004@gmail.com", "tokGmail0000000000004"),
    ("nguoi0005@yahoo.com", "tokYahoo0000000000005"),
    ("nguoi0006@example.org", "tokDelayed00000000006"),
    ("nguoi0007@example.org", "tokForwarded0000000007"),
    ("nguoi0008@yahoo.com", "tokArfYahoo000000008"),
    ("nguoi0009@outlook.example", "tokOutlook0000000009"),
    ("nguoi0010@example.org", "tokKept00000000000010"),
]


@pytest.fixture
def listed(project):
    write_settings(project, RETURN_PATH)
    subs = add_subscribers(
        project, [Subscriber(email=e, name="", language="vi", token=t) for e, t in PEOPLE]
    )
    subs.store.close()
    return project


def maildir(tmp_path: Path, names: list[str]) -> Path:
    box = tmp_path / "Maildir"
    for sub in ("tmp", "new", "cur"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        shutil.copy(CORPUS / name, box / "new" / f"1764550000.M{i}P1.mx1,S=1:{name}")
    return box


def statuses(project) -> dict[str, str]:
    with project_store(project) as store:
        return dict(store.rows("SELECT email, status FROM subscribers"))


@pytest.mark.usefixtures("engine")
def test_the_corpus_suppresses_who_bounced_or_complained(cli, listed, tmp_path):
    box = maildir(tmp_path, sorted(p.name for p in CORPUS.glob("*.eml")))
    result = cli("bounces", "import", "--maildir", str(box))
    assert result.exit_code == 0, result.output
    found = statuses(listed)
    assert found == {
        "nguoi0001@example.org": "bounced",  # Postfix DSN, 5.1.1
        "nguoi0002@example.org": "bounced",  # Exim's text bounce (X-Failed-Recipients)
        "nguoi0003@corp.example.com": "bounced",  # an old Exchange NDR
        "nguoi0004@gmail.com": "active",  # Gmail DSN, 4.2.2 mailbox full: one soft bounce
        "nguoi0005@yahoo.com": "bounced",  # Yahoo's text bounce
        "nguoi0006@example.org": "active",  # a delay warning is no bounce
        "nguoi0007@example.org": "bounced",  # the DSN names a forwarder's box; VERP names them
        "nguoi0008@yahoo.com": "complained",  # Yahoo ARF, address redacted: the token says
        "nguoi0009@outlook.example": "complained",  # ARF with the original's headers only
        "nguoi0010@example.org": "active",
    }
    assert "11 read: 5 hard bounce(s), 1 soft, 2 complaint(s), 0 read before" in result.stderr
    assert "8 moved to Processed" in result.stderr
    assert "1 about addresses not on the list, 2 not reports" in result.stderr
    assert sorted(result.stdout.split()) == sorted(
        ["suppressed"] * 7 + [e for e, _ in PEOPLE if found[e] != "active"]
    )
    # Moved, not deleted: the read ones are in the Maildir++ folder, the rest where they were.
    moved = sorted(p.name.split(":")[1] for p in (box / ".Processed" / "cur").iterdir())
    assert len(moved) == 8
    left = sorted(p.name.split(":")[1] for p in (box / "new").iterdir())
    assert left == ["not-a-bounce.eml", "postfix-delayed.eml", "unknown-address.eml"]
    # Read again, nothing changes; the same report delivered twice counts once.
    shutil.copy(CORPUS / "gmail-soft.eml", box / "new" / "again:gmail-soft.eml")
    again = cli("bounces", "import", "--maildir", str(box))
    assert again.exit_code == 0 and "0 soft, 0 complaint(s), 1 read before" in again.stderr
    with project_store(listed) as store:
        assert store.scalar("SELECT COUNT(*) FROM bounce_events WHERE kind = 'soft'") == 1


def test_soft_bounces_suppress_after_the_limit(cli, listed, tmp_path):
    box = maildir(tmp_path, [])
    original = (CORPUS / "gmail-soft.eml").read_bytes()
    for n in range(1, 4):
        copy = original.replace(b"9f01.GMR@", f"{n}.GMR@".encode())  # another report each time
        (box / "new" / f"soft{n}").write_bytes(copy)
        result = cli("bounces", "import", "--maildir", str(box))
        assert result.exit_code == 0, result.output
        expected = "bounced" if n == 3 else "active"  # [bounces] soft_limit = 3
        assert statuses(listed)["nguoi0004@gmail.com"] == expected


def test_soft_bounces_older_than_the_window_do_not_count(cli, listed, tmp_path):
    box = maildir(tmp_path, [])
    original = (CORPUS / "gmail-soft.eml").read_bytes()
    for n in (1, 2):
        (box / "new" / f"soft{n}").write_bytes(original.replace(b"9f01.GMR@", f"{n}.GMR@".encode()))
    assert cli("bounces", "import", "--maildir", str(box)).exit_code == 0
    with project_store(listed) as store:  # those two were 31 days ago
        store.execute("UPDATE bounce_events SET at = at - 31 * 86400")
    (box / "new" / "soft3").write_bytes(original.replace(b"9f01.GMR@", b"3.GMR@"))
    assert cli("bounces", "import", "--maildir", str(box)).exit_code == 0
    assert statuses(listed)["nguoi0004@gmail.com"] == "active"  # 1 within soft_days, not 3


def test_suppressed_addresses_are_not_sent_to_nor_brought_back(cli, listed, tmp_path):
    box = maildir(tmp_path, ["postfix-hard.eml", "arf-yahoo.eml"])
    assert cli("bounces", "import", "--maildir", str(box)).exit_code == 0
    csv = tmp_path / "list.csv"
    csv.write_text(
        "email,name,language\nnguoi0001@example.org,An,vi\nnguoi0008@yahoo.com,Ba,vi\n", "utf-8"
    )
    assert cli("subscribers", "import", str(csv)).exit_code == 0
    assert statuses(listed)["nguoi0001@example.org"] == "bounced"
    assert statuses(listed)["nguoi0008@yahoo.com"] == "complained"
    make_build(listed)
    handler = RecordingHandler()
    with SmtpServer(handler) as server:
        write_settings(listed, RETURN_PATH + server.settings())
        result = cli("send", "so-1", "--transport", "smtp", "--yes")
    assert result.exit_code == 0, result.output
    received = handler.received_by()
    assert "nguoi0001@example.org" not in received and "nguoi0008@yahoo.com" not in received
    assert len(received) == len(PEOPLE) - 2
    status = cli("send", "so-1", "--status").stdout
    assert "suppressed 2" in status
    # Each message's envelope sender names its subscriber (VERP).
    senders = {m.recipients[0]: m.mail_from for m in handler.messages}
    assert senders["nguoi0010@example.org"] == "bounces+tokKept00000000000010@news.example.org"


def test_a_maildir_that_is_not_one_and_a_bad_return_path(cli, listed, tmp_path):
    result = cli("bounces", "import", "--maildir", str(tmp_path))
    assert result.exit_code == 4 and "not a Maildir" in result.stderr
    assert cli("bounces", "import").exit_code == 2
    write_settings(listed, 'return_path = "bounces@news.example.org"\n')
    result = cli("bounces", "import", "--maildir", str(maildir(tmp_path, [])))
    assert result.exit_code == 3 and "{token} before the @" in result.stderr


SECRET = "s3cret-path-0123456789"


def sns(kind: str, event: dict) -> bytes:
    body = {"Type": kind, "MessageId": f"sns-{len(json.dumps(event))}"}
    if kind == "Notification":
        body["Message"] = json.dumps(event)
    else:
        body["SubscribeURL"] = "https://attacker.example/confirm"
    return json.dumps(body).encode()


@pytest.fixture
def service(listed, monkeypatch):
    from tests.smtpserver import free_port
    from tests.webkit import Service

    monkeypatch.setenv("PUBLISHER_SES_NOTIFICATIONS_SECRET", SECRET)
    server = Service(listed, free_port())
    yield server
    server.close()


def post(service, path: str, body: bytes) -> int:
    from tests.webkit import request

    # SNS posts its JSON as text/plain.
    return request(service.url + path, body, "text/plain; charset=UTF-8")[0]


@pytest.mark.usefixtures("engine")
def test_ses_notifications_bounce_and_complain(listed, service, monkeypatch):
    bounce = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bounceSubType": "General", "feedbackId": "b-1",
                   "bouncedRecipients": [{"emailAddress": "nguoi0001@example.org",
                                          "status": "5.1.1",
                                          "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]},
        "mail": {"messageId": "0100018c-aaaa"},
    }  # fmt: skip
    complaint = {
        "eventType": "Complaint",
        "complaint": {"feedbackId": "c-1", "complaintFeedbackType": "abuse",
                      "complainedRecipients": [{"emailAddress": "nguoi0010@example.org"}]},
        "mail": {"messageId": "0100018c-bbbb"},
    }  # fmt: skip
    transient = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Transient", "feedbackId": "b-2",
                   "bouncedRecipients": [{"emailAddress": "nguoi0004@gmail.com"}]},
        "mail": {"messageId": "0100018c-cccc"},
    }  # fmt: skip
    path = f"ses/notifications/{SECRET}"
    for event in (bounce, complaint, transient, bounce):  # the first again: counted once
        assert post(service, path, sns("Notification", event)) == 200
    # A confirmation whose link is not SNS's is logged, never fetched.
    assert post(service, path, sns("SubscriptionConfirmation", {})) == 200
    found = statuses(listed)
    assert found["nguoi0001@example.org"] == "bounced"
    assert found["nguoi0010@example.org"] == "complained"
    assert found["nguoi0004@gmail.com"] == "active"  # one soft bounce
    with project_store(listed) as store:
        assert store.scalar("SELECT COUNT(*) FROM bounce_events") == 3
    # The wrong secret: no such page; a body that is not SNS's: a bad request.
    assert (
        post(service, "ses/notifications/guess-0123456789abc", sns("Notification", bounce)) == 404
    )
    assert post(service, path, b"{not json") == 400
    monkeypatch.delenv("PUBLISHER_SES_NOTIFICATIONS_SECRET")  # unset: the path does not exist
    assert post(service, path, sns("Notification", bounce)) == 404


def test_the_corpus_read_from_an_imap_server(cli, listed, monkeypatch):
    from tests.imapserver import PASSWORD, dovecot

    with dovecot() as server:
        names = sorted(p.name for p in CORPUS.glob("*.eml"))
        for name in names:
            server.append((CORPUS / name).read_bytes())
        monkeypatch.setenv("SSL_CERT_FILE", server.ca_file)  # the client trusts its certificate
        monkeypatch.setenv("PUBLISHER_IMAP_PASSWORD", "wrong")
        refused = cli("bounces", "import", "--imap", server.url)
        assert refused.exit_code == 4 and "IMAP:" in refused.stderr
        assert "Traceback" not in refused.output
        monkeypatch.setenv("PUBLISHER_IMAP_PASSWORD", PASSWORD)
        result = cli("bounces", "import", "--imap", server.url)
        assert result.exit_code == 0, result.output
        assert "11 read: 5 hard bounce(s), 1 soft, 2 complaint(s)" in result.stderr
        assert "8 moved to Processed" in result.stderr
        # Moved, never deleted: 8 in the new folder, the 3 others still in the inbox.
        assert len(server.subjects("Processed")) == 8
        assert server.subjects("INBOX") == sorted(
            ["Re: Ban tin so 1", "Delayed Mail (still being retried)",
             "Undelivered Mail Returned to Sender"]
        )  # fmt: skip
        again = cli("bounces", "import", "--imap", server.url)
        assert again.exit_code == 0 and "3 read:" in again.stderr
    assert statuses(listed)["nguoi0008@yahoo.com"] == "complained"
    assert statuses(listed)["nguoi0001@example.org"] == "bounced"
