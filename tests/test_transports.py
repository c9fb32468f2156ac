"""One contract, every transport: open, send, close; per-recipient outcomes; bytes intact."""

from __future__ import annotations

import mailbox
import ssl
from email import message_from_bytes, policy

import pytest

from publisher.config import load_config
from publisher.errors import ConfigError
from publisher.mail.transports import (
    DEFERRED,
    SENT,
    Envelope,
    MemoryTransport,
    transport_factory,
)
from publisher.mail.transports.smtp import SmtpSettings, dot_stuff

BODY = "Xin chào Nguyễn Văn An,\r\n.một dòng bắt đầu bằng dấu chấm\r\n..hai chấm\r\nHết.\r\n"


def message(recipient: str, body: str = BODY) -> Envelope:
    data = (
        f"From: bantin@news.example.org\r\nTo: {recipient}\r\nSubject: test\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n'
        f"Message-ID: <{recipient}>\r\n\r\n{body}"
    ).encode()
    return Envelope("bantin@news.example.org", recipient, data)


@pytest.fixture(params=["memory", "maildir", "smtp", "ses"])
def kind(request, project, smtp_server, monkeypatch):
    """A transport kind, configured, and a function listing what it delivered."""
    (project / "publisher.toml").write_text(smtp_server.settings(), encoding="utf-8")
    MemoryTransport.outbox.clear()
    if request.param == "ses":
        from tests.s3server import ses_sent, ses_server

        with ses_server(monkeypatch):
            before = len(ses_sent())
            yield "ses", lambda: ses_sent()[before:]
        return

    def delivered() -> list[tuple[str, bytes]]:
        if request.param == "memory":
            return [(m.recipient, m.data) for m in MemoryTransport.outbox]
        if request.param == "maildir":
            box = mailbox.Maildir(project / "outbox", create=False)
            found = [box.get_bytes(key) for key in box.iterkeys()]
            return [(message_from_bytes(d)["To"], d.replace(b"\n", b"\r\n")) for d in found]
        return [(m.recipients[0], m.data) for m in smtp_server.handler.messages]

    yield request.param, delivered


def test_every_transport_delivers_the_bytes_it_was_given(kind, project):
    name, delivered = kind
    factory = transport_factory(name, load_config(project))
    sent = [message(f"nguoi{i}@example.org") for i in range(3)]
    with factory() as transport:
        assert transport.eight_bit is (name != "ses")  # SES asks for 7-bit parts
        outcomes = transport.send(sent[:2])
        outcomes += transport.send(sent[2:])
    assert [o.recipient for o in outcomes] == [m.recipient for m in sent]
    assert all(o.status == SENT and 200 <= o.code < 300 for o in outcomes), outcomes
    got = sorted(delivered())
    assert [r for r, _ in got] == [m.recipient for m in sent]
    for (_, data), original in zip(got, sent, strict=True):
        assert data.rstrip(b"\r\n") == original.data.rstrip(b"\r\n")
        parsed = message_from_bytes(data, policy=policy.default)
        assert parsed.get_content().replace("\r\n", "\n") == BODY.replace("\r\n", "\n")


def test_every_transport_settles_each_message_before_the_next_leaves(kind, project):
    name, delivered = kind
    sent = [message(f"nguoi{i}@example.org") for i in range(4)]
    queue = sent[1:]
    settled: list[str] = []
    handed: list[str | None] = []

    def settle(done, handing):
        arrived = {recipient for recipient, _ in delivered()}
        for envelope, outcome in done:
            assert outcome.status == SENT and envelope.recipient in arrived
            settled.append(envelope.recipient)
        assert handing is None or handing.recipient not in arrived
        assert len(arrived) == len(settled)  # nothing handed over is left unsettled
        handed.append(handing.recipient if handing else None)

    with transport_factory(name, load_config(project))() as transport:
        transport.stream(sent[0], lambda: queue.pop(0) if queue else None, settle)
    assert settled == [m.recipient for m in sent]
    assert handed == [*settled, None]


def test_every_transport_closes_twice_and_reopens(kind, project):
    name, delivered = kind
    transport = transport_factory(name, load_config(project))()
    transport.open()
    transport.close()
    transport.close()
    assert transport.send([message("late@example.org")])[0].status == SENT
    transport.close()
    assert [r for r, _ in delivered()] == ["late@example.org"]


def test_smtp_reports_each_recipient_and_goes_on(project, smtp_server):
    handler = smtp_server.handler
    handler.faults["bad@example.org"] = ["550 5.1.1 No such user"]
    handler.faults["later@example.org"] = ["451 4.3.0 Try again later"]
    handler.faults["full@example.org"] = ["data:452 4.3.1 Insufficient storage"]
    (project / "publisher.toml").write_text(smtp_server.settings(), encoding="utf-8")
    names = ["bad", "ok1", "later", "full", "ok2"]
    with transport_factory("smtp", load_config(project))() as transport:
        outcomes = transport.send([message(f"{n}@example.org") for n in names])
    assert [(o.status, o.code) for o in outcomes] == [
        ("failed", 550), ("sent", 250), ("deferred", 451), ("deferred", 452), ("sent", 250),
    ]  # fmt: skip
    assert outcomes[0].text == "550 5.1.1 No such user"
    assert sorted(handler.received_by()) == ["ok1@example.org", "ok2@example.org"]


@pytest.mark.parametrize("pipelining", [True, False])
def test_smtp_421_and_dropped_connections_are_deferred_then_reopened(project, pipelining):
    from tests.smtpserver import RecordingHandler, SmtpServer

    handler = RecordingHandler(pipelining=pipelining)
    handler.faults["busy@example.org"] = ["421 4.7.0 Too many connections"]
    handler.faults["drop@example.org"] = ["drop"]
    with SmtpServer(handler) as server:
        (project / "publisher.toml").write_text(server.settings(), encoding="utf-8")
        with transport_factory("smtp", load_config(project))() as transport:
            outcomes = transport.send(
                [message(f"{n}@example.org") for n in ("a", "busy", "b", "drop", "c")]
            )
    busy, drop = outcomes[1], outcomes[3]
    assert busy.status == DEFERRED and busy.code == 421 and busy.slow_down
    assert drop.status == DEFERRED and "connection lost" in drop.reply
    assert [o.status for o in outcomes[::2]] == [SENT] * 3
    assert handler.connections == 3
    assert sorted(handler.received_by()) == ["a@example.org", "b@example.org", "c@example.org"]


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_smtp_over_tls_delivers_pipelined_messages_intact(project, security, tmp_path, monkeypatch):
    import trustme

    from tests.smtpserver import RecordingHandler, SmtpServer

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))  # the client trusts it
    if security == "starttls":
        options = {"tls_context": context, "require_starttls": True}
    else:
        options = {"ssl_context": context}
    handler = RecordingHandler()
    sent = [message(f"nguoi{i}@example.org") for i in range(3)]
    with SmtpServer(handler, security=security, **options) as server:
        (project / "publisher.toml").write_text(server.settings(), encoding="utf-8")
        with transport_factory("smtp", load_config(project))() as transport:
            assert transport.pipelining
            outcomes = transport.send(sent)
    assert [o.status for o in outcomes] == [SENT] * 3
    assert [m.data.rstrip(b"\r\n") for m in handler.messages] == [
        m.data.rstrip(b"\r\n") for m in sent
    ]


def test_logging_in_without_tls_is_refused_unless_allowed(project, monkeypatch):
    from aiosmtpd.smtp import AuthResult

    from tests.smtpserver import RecordingHandler, SmtpServer

    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    monkeypatch.setenv("PUBLISHER_SMTP_PASSWORD", "s3cret")
    handler = RecordingHandler()
    options = {"authenticator": authenticator, "auth_require_tls": False}
    with SmtpServer(handler, **options) as server:
        settings = project / "publisher.toml"
        settings.write_text(server.settings(username="editor"), encoding="utf-8")
        with pytest.raises(ConfigError) as error:
            transport_factory("smtp", load_config(project))
        problem = str(error.value)
        assert "password in clear" in problem and "allow_plaintext_auth" in problem
        assert handler.connections == 0  # refused before anything crossed the wire
        settings.write_text(server.settings(username="editor", allow_plaintext_auth=True))
        with transport_factory("smtp", load_config(project))() as transport:
            outcomes = transport.send([message("a@example.org")])
    assert outcomes[0].status == SENT
    assert logins == [(b"editor", b"s3cret")]


def test_smtp_without_8bitmime_and_an_unreachable_server(project):
    from tests.smtpserver import RecordingHandler, SmtpServer, free_port

    handler = RecordingHandler(eight_bit=False, pipelining=False)
    with SmtpServer(handler) as server:
        (project / "publisher.toml").write_text(server.settings(), encoding="utf-8")
        with transport_factory("smtp", load_config(project))() as transport:
            assert transport.eight_bit is False
            transport.send([message("a@example.org", "ascii only\r\n")])
    assert handler.messages[0].mail_options == []
    (project / "publisher.toml").write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {free_port()}\n')
    transport = transport_factory("smtp", load_config(project))()
    outcome = transport.send([message("a@example.org")])[0]
    assert outcome.status == DEFERRED and "cannot connect" in outcome.reply


def test_smtp_settings_from_environment(project):
    (project / "publisher.toml").write_text(
        '[smtp]\nhost = "mail.example.org"\nsecurity = "tls"\nusername = "file"\n'
    )
    config = load_config(project)
    assert SmtpSettings.from_config(config, {}).port == 465
    env = {
        "PUBLISHER_SMTP_HOST": "relay.example.org",
        "PUBLISHER_SMTP_PORT": "2525",
        "PUBLISHER_SMTP_SECURITY": "starttls",
        "PUBLISHER_SMTP_USERNAME": "env",
        "PUBLISHER_SMTP_PASSWORD": "s3cret",
    }
    settings = SmtpSettings.from_config(config, env)
    assert (settings.host, settings.port, settings.security) == (
        "relay.example.org",
        2525,
        "starttls",
    )
    assert (settings.username, settings.password) == ("env", "s3cret")
    with pytest.raises(ConfigError) as error:
        SmtpSettings.from_config(
            config, {"PUBLISHER_SMTP_SECURITY": "ssl", "PUBLISHER_SMTP_PORT": "x"}
        )
    assert "smtp.security" in str(error.value) and "smtp.port" in str(error.value)
    (project / "publisher.toml").write_text('[smtp]\npassword = "no"\n')
    with pytest.raises(ConfigError):
        load_config(project)


def test_dot_stuffing():
    assert dot_stuff(b".a\r\nb\r\n.\r\n") == b"..a\r\nb\r\n..\r\n.\r\n"
    assert dot_stuff(b"x") == b"x\r\n.\r\n"
