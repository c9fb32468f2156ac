"""One-click unsubscribe over real HTTP on loopback."""

from __future__ import annotations

import subprocess
import threading
import time
import urllib.error
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from publisher.model import Subscriber
from publisher.web.unsubscribe import make_app
from tests.conftest import PYTHON, subprocess_env
from tests.mailkit import add_subscribers
from tests.smtpserver import free_port


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def subscribers(project):
    return add_subscribers(
        project,
        [
            Subscriber(email="an@example.org", name="An <b>", language="vi"),
            Subscriber(email="bo@example.org", name="Bo", language="en"),
        ],
    )


@pytest.fixture
def base_url(project, subscribers):
    server = make_server("127.0.0.1", 0, make_app(project), handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/unsubscribe/"
    server.shutdown()
    server.server_close()


def request(url, data=None, content_type="application/x-www-form-urlencoded", method=None):
    headers = {"Content-Type": content_type} if data is not None else {}
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_get_only_confirms_and_post_unsubscribes_once(base_url, subscribers):
    token = subscribers.get("an@example.org").token
    status, body, headers = request(base_url + token)
    assert status == 200 and '<form method="post">' in body
    assert 'name="List-Unsubscribe" value="One-Click"' in body
    assert "a***@example.org" in body and "an@example.org" not in body
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    assert subscribers.get("an@example.org").status == "active"
    for _ in range(2):
        status, body, _ = request(base_url + token, b"List-Unsubscribe=One-Click")
        assert status == 200 and "Đã huỷ đăng ký" in body
    assert subscribers.get("an@example.org").status == "unsubscribed"
    assert subscribers.get("bo@example.org").status == "active"
    status, body, _ = request(base_url + token)
    assert status == 200 and "đã huỷ đăng ký trước đây" in body and "<form" not in body


def test_multipart_post_as_rfc_8058_suggests(base_url, subscribers):
    token = subscribers.get("bo@example.org").token
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
        b"One-Click\r\n--XyZ--\r\n"
    )
    status, text, _ = request(base_url + token, body, "multipart/form-data; boundary=XyZ")
    assert status == 200 and "will not receive" in text
    assert subscribers.get("bo@example.org").status == "unsubscribed"


def test_unknown_tokens_and_bad_requests_tell_nothing(base_url, subscribers):
    token = subscribers.get("an@example.org").token
    not_found = {request(base_url + t)[1] for t in ("x" * 32, "short", "<script>", "")}
    assert len(not_found) == 1 and request(base_url + "x" * 32)[0] == 404
    assert "example.org" not in not_found.pop()
    assert request(base_url + "y" * 32, b"List-Unsubscribe=One-Click")[0] == 404
    assert request(base_url + token, b"List-Unsubscribe=Yes")[0] == 400
    assert request(base_url + token, b"")[0] == 400
    assert request(base_url + token, method="DELETE")[0] == 405
    assert subscribers.get("an@example.org").status == "active"


def test_serve_unsubscribe_command(project, subscribers):
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "publisher", "--project", str(project), "serve-unsubscribe",
         "--port", str(port)],
        env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        token = subscribers.get("bo@example.org").token
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
        assert subscribers.get("bo@example.org").status == "unsubscribed"
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert token not in stderr.decode()
