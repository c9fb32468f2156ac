"""The web service in a thread for tests, and a small HTTP client with its forms."""

from __future__ import annotations

import email
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from email import policy
from pathlib import Path

from publisher.config import load_config
from publisher.web.app import AudienceApp
from publisher.web.server import ThreadingServer, make_handler
from tests.smtpserver import SmtpServer


class Service:
    """``publisher serve``'s server in a thread, for one project; ``url`` ends in ``/``."""

    def __init__(self, project: Path, port: int, timeout: float = 5.0):
        self.app = app = AudienceApp(load_config(project))
        handler = make_handler(timeout, lambda line: None)
        self.server = ThreadingServer(("127.0.0.1", port), handler)
        self.server.set_app(app)
        self.url = f"http://127.0.0.1:{port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.app.stores.close()


def request(
    url, data=None, content_type="application/x-www-form-urlencoded", method=None, timeout=10
):
    headers = {"Content-Type": content_type} if data is not None else {}
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def form(**fields: str) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def confirmation_link(smtp: SmtpServer, address: str) -> str:
    mails = [m for m in smtp.handler.messages if address in m.recipients]
    assert mails, f"no confirmation was sent to {address}"
    message = email.message_from_bytes(mails[-1].data, policy=policy.default)
    body = message.get_content()
    return re.search(r"http://\S+/confirm/[A-Za-z0-9_-]+", body).group(0)
