"""The web service deployed as the README says: gunicorn, two worker processes, four threads."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from publisher.audience.migrations import open_store
from publisher.config import load_config
from publisher.model import Subscriber
from tests.mailkit import add_subscribers
from tests.parts import unavailable
from tests.smtpserver import free_port
from tests.webkit import form, request

pytestmark = pytest.mark.usefixtures("engine")


def gunicorn() -> str:
    found = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if found is None:
        unavailable("gunicorn (pip install -e '.[test]')")
    return str(found)


def wait_for_health(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if request(f"http://127.0.0.1:{port}/health", timeout=2)[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        assert server.poll() is None, server.stderr.read().decode()  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "gunicorn did not answer"
        time.sleep(0.2)


def test_gunicorn_serves_a_burst_of_unsubscribes_from_two_processes(project):
    port = free_port()
    (project / "publisher.toml").write_text(
        f'[web]\nbase_url = "http://127.0.0.1:{port}/"\n', encoding="utf-8"
    )
    listed = add_subscribers(
        project, [Subscriber(email=f"p{i}@example.org", name=f"P {i}") for i in range(40)]
    )
    links = [f"http://127.0.0.1:{port}/unsubscribe/{s.token}" for s in listed.all()]
    listed.store.close()  # the database's connections are then gunicorn's alone
    env = dict(os.environ, PUBLISHER_PROJECT=str(project))
    server = subprocess.Popen(
        [gunicorn(), "--workers", "2", "--threads", "4", "--timeout", "30",
         "--bind", f"127.0.0.1:{port}", "publisher.web.app:application"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_for_health(server, port)
        answers: list[int] = []
        gate = threading.Barrier(len(links))

        def post(link: str) -> None:
            gate.wait()
            answers.append(request(link, form(**{"List-Unsubscribe": "One-Click"}))[0])

        threads = [threading.Thread(target=post, args=(link,)) for link in links]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert answers == [200] * len(links)
        with open_store(load_config(project)) as store:
            statuses = dict(store.rows("SELECT email, status FROM subscribers"))
            if store.engine == "postgresql":
                # Each process keeps its connections open, no more than its threads use.
                backends = store.scalar(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid != pg_backend_pid()"
                )
                assert 1 <= backends <= 8
        assert set(statuses.values()) == {"unsubscribed"}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
