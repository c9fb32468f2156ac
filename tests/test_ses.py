"""``publisher send --transport ses`` against moto's SES server on loopback."""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.request

import pytest

from publisher.mail.dkim import write_key_pair
from tests.dnsserver import dns_server, txt
from tests.mailkit import add_subscribers, make_build, people, project_store, write_settings
from tests.s3server import ses_sent, ses_server
from tests.test_dkim import verify_all


def test_a_send_through_ses_reaches_everyone_once_signed(cli, project, monkeypatch):
    make_build(project)
    active = {s.email for s in add_subscribers(project, people(6, unsubscribed=2)).all("active")}
    _, key = write_key_pair(project / ".dkim", "news", "rsa")
    zone = {"news.example.org": [f"news._domainkey IN TXT {txt(key.public_record())}"]}
    with ses_server(monkeypatch), dns_server(zone) as dns:
        write_settings(
            project,
            '\n[dkim]\ndomain = "news.example.org"\nselector = "news"\n'
            'key_file = ".dkim/news.private.pem"\n',
        )
        result = cli("send", "so-1", "--transport", "ses", "--yes")
        assert result.exit_code == 0, result.output
        assert "6 sent, 0 failed" in result.stderr
        sent = ses_sent()
        assert sorted(r for r, _ in sent) == sorted(active)
        for _, data in sent:
            assert verify_all(dns, data) == [True]
            head = data.partition(b"\r\n\r\n")[0].decode("ascii")
            signed = " ".join(head.split("h=")[1].split(";")[0].split())
            # SES rewrites Message-ID and Date: a signature over them would break.
            assert "message-id" not in signed and "date" not in signed
            assert "list-unsubscribe" in signed
            assert data.isascii()  # 7-bit parts, as SES asks
        again = cli("send", "so-1", "--transport", "ses", "--yes")
        assert again.exit_code == 0 and "nothing to send now" in again.stderr
        assert len(ses_sent()) == 6
    with project_store(project) as store:
        replies = [
            r for (r,) in store.rows("SELECT last_reply FROM deliveries WHERE state = 'sent'")
        ]
    assert len(replies) == 6 and all(r.startswith("250 SES message id ") for r in replies)


class _Throttler(http.server.BaseHTTPRequestHandler):
    """Forwards requests to moto; answers the first ``throttle`` sends with SES's Throttling."""

    target = ""
    throttle = 0
    throttled = 0
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        sending = self.path.endswith("/outbound-emails")
        with self.lock:
            refuse = sending and type(self).throttled < type(self).throttle
            type(self).throttled += refuse
        if refuse:
            answer = (
                b'{"__type":"TooManyRequestsException","message":"Maximum sending rate exceeded."}'
            )
            self.send_response(429)
            self.send_header("Content-Type", "application/json")
            self.send_header("x-amzn-ErrorType", "TooManyRequestsException")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            return
        request = urllib.request.Request(
            self.target + self.path, data=body, method="POST",
            headers={k: v for k, v in self.headers.items() if k.lower() != "host"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                status, headers, data = reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as exc:
            status, headers, data = exc.code, exc.headers, exc.read()
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in (
                "content-length",
                "transfer-encoding",
                "connection",
                "server",
                "date",
            ):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def throttling(monkeypatch):
    """SES behind a proxy that throttles the first sends; the proxy's class, to count."""
    with ses_server(monkeypatch) as server:
        handler = type("Throttler", (_Throttler,), {"target": server.url, "throttled": 0})
        proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=proxy.serve_forever, daemon=True)
        thread.start()
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{proxy.server_address[1]}")
        try:
            yield handler
        finally:
            proxy.shutdown()
            proxy.server_close()


def test_throttling_is_retried_with_backoff_and_nobody_is_sent_twice(cli, project, throttling):
    make_build(project)
    add_subscribers(project, people(4))
    throttling.throttle = 3  # three refusals: botocore's backoff, then the run's own retry
    write_settings(project)
    result = cli("send", "so-1", "--transport", "ses", "--yes")
    assert result.exit_code == 0, result.output
    assert throttling.throttled == 3
    assert sorted(r for r, _ in ses_sent()) == [f"nguoi{i:04d}@example.org" for i in range(4)]


def test_a_spent_daily_quota_stops_the_run_and_keeps_the_rest_queued(cli, project, monkeypatch):
    from moto.ses import models

    make_build(project)
    add_subscribers(project, people(5))
    write_settings(project)
    with ses_server(monkeypatch):
        quota = models.SESQuota

        class Small(quota):
            def __init__(self, sent):
                super().__init__(sent)
                self.max24_hour_send = 3

        monkeypatch.setattr(models, "SESQuota", Small)
        result = cli("send", "so-1", "--transport", "ses", "--yes")
        assert result.exit_code == 8
        assert "quota for the last 24 hours is used up" in result.stderr
        assert "Traceback" not in result.output
        assert len(ses_sent()) == 3
        status = cli("send", "so-1", "--status").stdout
        assert "sent       3" in status and "queued     2" in status and "failed     0" in status
