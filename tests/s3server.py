"""moto's standalone S3 server on a free loopback port, for upload tests."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.parts import unavailable

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    # One attempt: a stopped server should fail a put at once, not after backoff.
    "AWS_MAX_ATTEMPTS": "1",
}


class S3Server:
    """A running ``ThreadedMotoServer``; ``stop()`` closes its socket so clients are refused."""

    def __init__(self) -> None:
        try:
            from moto.server import ThreadedMotoServer
        except ImportError:
            unavailable("moto[server] is not installed (pip install -e '.[test]')")
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.running = False
            self._server.stop()
            # shutdown() only ends the accept loop; without this the port still takes connections.
            self._server._server.server_close()

    def client(self):
        """A plain boto3 client for looking at what the server holds."""
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name="us-east-1")


@contextmanager
def s3_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Server]:
    """A server with fake credentials in the environment (and no real AWS settings leaking in)."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    server = S3Server()
    try:
        yield server
    finally:
        server.stop()


ACCOUNT = "123456789012"  # moto's default account


@contextmanager
def ses_server(monkeypatch: pytest.MonkeyPatch, *, rate: float = 50.0) -> Iterator[S3Server]:
    """moto's server as Amazon SES (``AWS_ENDPOINT_URL``), the test domains verified.

    moto's accounts allow one message a second; ``rate`` is this account's instead, as an
    account's limit is raised on request.
    """
    import boto3
    from moto.ses import models

    class Quota(models.SESQuota):
        def __init__(self, sent: int):
            super().__init__(sent)
            self.max_send_rate = rate

    monkeypatch.setattr(models, "SESQuota", Quota)
    with s3_server(monkeypatch) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        # moto keeps its accounts in this process: start from an empty one (moto's reset API).
        urllib.request.urlopen(
            urllib.request.Request(f"{server.url}/moto-api/reset", b"", method="POST")
        )
        client = boto3.client("sesv2", endpoint_url=server.url, region_name="us-east-1")
        for domain in ("news.example.org", "example.org"):
            client.create_email_identity(EmailIdentity=domain)
        yield server


def ses_sent() -> list[tuple[str, bytes]]:
    """(recipient, bytes) of every message moto's SES took, in order."""
    from moto.ses.models import ses_backends

    backend = ses_backends[ACCOUNT]["us-east-1"]
    return [(m.destinations[0], m.raw_data.encode("utf-8")) for m in backend.sent_messages]
