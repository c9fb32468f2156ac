"""The web service over real HTTP on loopback, on both engines: subscribe, confirm, unsubscribe."""

from __future__ import annotations

import email
import re
import socket
import time
import urllib.error
from email import policy

import pytest

from publisher.model import Subscriber
from tests.mailkit import add_subscribers
from tests.smtpserver import RecordingHandler, SmtpServer, free_port
from tests.webkit import Service, confirmation_link, form, request

pytestmark = pytest.mark.usefixtures("engine")


def settings(port: int, smtp: SmtpServer, extra: str = "") -> str:
    return (
        '[newsletter]\nname = "Bản tin Dân tộc"\nfrom_email = "bantin@news.example.org"\n'
        f'[web]\nbase_url = "http://127.0.0.1:{port}/"\nsubscribe_limit = 2\n{extra}'
        '[send]\ntransport = "smtp"\n' + smtp.settings()
    )


@pytest.fixture
def smtp():
    with SmtpServer(RecordingHandler()) as server:
        yield server


@pytest.fixture
def service(project, smtp):
    port = free_port()
    (project / "publisher.toml").write_text(settings(port, smtp), encoding="utf-8")
    running = Service(project, port)
    yield running
    running.close()


@pytest.fixture
def subscribers(project, service):
    return add_subscribers(
        project,
        [
            Subscriber(email="an@example.org", name="An <b>", language="vi"),
            Subscriber(email="bo@example.org", name="Bo", language="en"),
        ],
    )


# Unsubscribe


def test_get_only_confirms_and_post_unsubscribes_once(service, subscribers):
    url = service.url + "unsubscribe/" + subscribers.get("an@example.org").token
    status, body, headers = request(url)
    assert status == 200 and '<form method="post">' in body
    assert 'name="List-Unsubscribe" value="One-Click"' in body and "Bản tin Dân tộc" in body
    assert "a***@example.org" in body and "an@example.org" not in body
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    assert subscribers.get("an@example.org").status == "active"
    for _ in range(2):
        status, body, _ = request(url, b"List-Unsubscribe=One-Click")
        assert status == 200 and "Đã hủy đăng ký" in body
    assert subscribers.get("an@example.org").status == "unsubscribed"
    assert subscribers.get("bo@example.org").status == "active"
    status, body, _ = request(url)
    assert status == 200 and "đã hủy đăng ký trước đây" in body and "<form" not in body
    record = subscribers.consents(subscribers.get("an@example.org"))
    assert [(action, source) for _, action, source, _ in record] == [
        ("active", ""), ("unsubscribed", "web"),
    ]  # fmt: skip
    assert record[-1][3] == "127.0.0.1"


def test_multipart_post_as_rfc_8058_suggests(service, subscribers):
    token = subscribers.get("bo@example.org").token
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
        b"One-Click\r\n--XyZ--\r\n"
    )
    status, text, _ = request(
        service.url + "unsubscribe/" + token, body, "multipart/form-data; boundary=XyZ"
    )
    assert status == 200 and "will not receive" in text
    assert subscribers.get("bo@example.org").status == "unsubscribed"


def test_unknown_tokens_and_bad_requests_tell_nothing(service, subscribers):
    base = service.url + "unsubscribe/"
    token = subscribers.get("an@example.org").token
    not_found = {request(base + t)[1] for t in ("x" * 32, "short", "<script>", "")}
    assert len(not_found) == 1 and request(base + "x" * 32)[0] == 404
    assert "example.org" not in not_found.pop()
    assert request(base + "y" * 32, b"List-Unsubscribe=One-Click")[0] == 404
    assert request(base + token, b"List-Unsubscribe=Yes")[0] == 400
    assert request(base + token, b"")[0] == 400
    assert request(base + token, b"\xff\xfe", "application/x-www-form-urlencoded")[0] == 400
    assert request(base + token, b"--x\r\n", "multipart/form-data")[0] == 400
    assert request(base + token, method="DELETE")[0] == 405
    assert request(service.url + "confirm/" + "z" * 32)[0] == 404
    assert subscribers.get("an@example.org").status == "active"


# Subscribe and confirm


def test_subscribe_confirm_then_active(service, smtp, subscribers):
    status, body, _ = request(service.url + "subscribe")
    assert status == 200 and 'name="email"' in body and 'name="website"' in body
    status, body, _ = request(
        service.url + "subscribe", form(email="Chi@Example.org", name="Chị Ba", language="vi")
    )
    assert status == 200 and "Hãy kiểm tra hộp thư" in body
    pending = subscribers.get("chi@example.org")
    assert pending.status == "pending" and pending.consent_source == "web"
    assert pending.consent_address == "127.0.0.1"
    mail = email.message_from_bytes(smtp.handler.messages[-1].data, policy=policy.default)
    assert mail["Subject"] == "Xác nhận đăng ký nhận Bản tin Dân tộc"
    assert mail["Auto-Submitted"] == "auto-generated"
    link = confirmation_link(smtp, "Chi@example.org")
    assert link.startswith(service.url + "confirm/")
    # A GET (a link scanner) changes nothing.
    status, body, _ = request(link)
    assert status == 200 and '<form method="post">' in body and "C***@example.org" in body
    assert subscribers.get("chi@example.org").status == "pending"
    status, body, _ = request(link, b"")
    assert status == 200 and "Đã xác nhận" in body
    confirmed = subscribers.get("chi@example.org")
    assert confirmed.status == "active" and confirmed.name == "Chị Ba"
    assert [a for _, a, _, _ in subscribers.consents(confirmed)] == ["pending", "active"]
    # Used once: the link does not work again.
    assert request(link, b"")[0] == 410


def test_the_answer_is_the_same_whoever_is_on_the_list(service, smtp, subscribers):
    def answer(address: str) -> tuple[int, str]:
        status, body, _ = request(service.url + "subscribe", form(email=address, language="en"))
        return status, body.replace(address, "ADDRESS")

    assert answer("an@example.org") == answer("new@example.org")  # active vs new
    assert "an@example.org" not in {r for m in smtp.handler.messages for r in m.recipients}
    # Someone else cannot rename or re-language an active subscriber through the form.
    request(service.url + "subscribe", form(email="an@example.org", name="Mallory"))
    assert subscribers.get("an@example.org").name == "An <b>"


def test_an_unsubscribed_address_comes_back_only_by_its_own_confirmation(
    service, smtp, subscribers
):
    subscribers.unsubscribe(email="bo@example.org")
    request(service.url + "subscribe", form(email="bo@example.org", language="en"))
    assert subscribers.get("bo@example.org").status == "unsubscribed"
    link = confirmation_link(smtp, "bo@example.org")
    mail = email.message_from_bytes(smtp.handler.messages[-1].data, policy=policy.default)
    assert mail["Subject"] == "Confirm your subscription to Bản tin Dân tộc"
    assert request(link, b"")[0] == 200
    assert subscribers.get("bo@example.org").status == "active"


def test_honeypot_rate_limit_and_bad_forms(service, smtp, subscribers):
    url = service.url + "subscribe"
    status, _, _ = request(url, form(email="robot@example.org", website="http://spam"))
    assert status == 200 and subscribers.get("robot@example.org") is None
    for _ in range(4):  # the limit is 2 an hour for one address
        assert request(url, form(email="many@example.org"))[0] == 200
    sent = [m for m in smtp.handler.messages if "many@example.org" in m.recipients]
    assert len(sent) == 2
    status, body, _ = request(url, form(email="not an address"))
    assert status == 400 and "invalid email address" in body
    status, body, _ = request(url, form(email="x@example.org", language="klingon"))
    assert status == 400 and "language" in body
    assert request(url, b"email=<script>", "text/plain")[0] == 400
    assert "<script>" not in request(url, form(email="<script>@x"))[1]


def test_an_expired_link_confirms_nobody(smtp, subscribers, service):
    request(service.url + "subscribe", form(email="late@example.org"))
    first = confirmation_link(smtp, "late@example.org")
    # Eight days later (the links work for seven): the clock of the database moved on.
    subscribers.store.execute("UPDATE confirmations SET expires_at = expires_at - 8 * 86400")
    request(service.url + "subscribe", form(email="late@example.org"))
    second = confirmation_link(smtp, "late@example.org")
    status, body, _ = request(first, b"")
    assert status == 410 and "hết hạn" in body and "<form" not in body
    assert request(first)[0] == 410
    assert subscribers.get("late@example.org").status == "pending"
    assert request(second, b"")[0] == 200
    assert subscribers.get("late@example.org").status == "active"


def test_health_and_an_idle_client_does_not_block_others(service):
    idle = socket.create_connection(("127.0.0.1", service.server.server_port))
    silent = socket.create_connection(("127.0.0.1", service.server.server_port))
    try:
        idle.sendall(b"POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
        # Each holds a thread for up to 5 s; one server thread would not answer this in time.
        status, body, _ = request(service.url + "health", timeout=4)
        assert status == 200 and body == "ok\n"
        # Then the server gives up on them: an error page for the body that never came, and
        # the connection closed for the request that never came.
        idle.settimeout(30)
        silent.settimeout(30)
        assert b" 503 " in idle.recv(200)
        assert silent.recv(200) == b""
    finally:
        idle.close()
        silent.close()


def test_the_serve_command(project, smtp):
    import subprocess

    from tests.conftest import PYTHON, subprocess_env

    port = free_port()
    (project / "publisher.toml").write_text(settings(port, smtp), encoding="utf-8")
    subs = add_subscribers(project, [Subscriber(email="bo@example.org", language="en")])
    process = subprocess.Popen(
        [PYTHON, "-m", "publisher", "--project", str(project), "serve", "--port", str(port)],
        env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        token = subs.get("bo@example.org").token
        url = f"http://127.0.0.1:{port}/unsubscribe/{token}"
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, _ = request(url, b"List-Unsubscribe=One-Click")
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.05)
        assert status == 200
        assert subs.get("bo@example.org").status == "unsubscribed"
        assert request(f"http://127.0.0.1:{port}/health")[:2] == (200, "ok\n")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    log = stderr.decode()
    assert f"serving on http://127.0.0.1:{port}/" in log and "POST 200" in log
    assert token not in log


def test_a_taken_port_and_a_missing_base_url_are_clear(cli, project, smtp):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert result.exit_code == 1 and "cannot listen" in result.stderr
    assert f"(127.0.0.1:{port})" in result.stderr and "Traceback" not in result.output
    # Without [web] base_url a confirmation link cannot be made: nothing is recorded.
    text = re.sub(r'base_url = "[^"]*"\n', "", settings(free_port(), smtp))
    (project / "publisher.toml").write_text(text, encoding="utf-8")
    service = Service(project, free_port())
    try:
        status, body, _ = request(service.url + "subscribe", form(email="a@example.org"))
    finally:
        service.close()
    assert status == 503 and "<script" not in body
    assert add_subscribers(project, []).get("a@example.org") is None
    assert smtp.handler.messages == []
