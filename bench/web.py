"""The web service's database work: one-click unsubscribes per second, SQLite and PostgreSQL.

    python bench/web.py [--subscribers 25000] [--requests 2000] [--threads 8]
                        [--database postgresql://USER@HOST/DB | --postgres] [--repeat 3]

Calls the WSGI application in this process from ``--threads`` threads (no HTTP: what is timed
is the application and its database), for ``GET /unsubscribe/<token>`` (the page) and
``POST /unsubscribe/<token>`` (RFC 8058 one-click: a write), each request a different
subscriber. Each runs twice side by side: with the connections the service shares between
requests (``[web] database_connections``), and, as the baseline, with a connection opened and
closed for each request. With ``--database URL`` (an empty PostgreSQL database: the bench
deletes its rows) or ``--postgres`` (a throwaway cluster, as the tests start) PostgreSQL runs
too, beside the SQLite file.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pgcluster import database  # noqa: E402

from publisher.audience.migrations import open_store  # noqa: E402
from publisher.audience.store import Store  # noqa: E402
from publisher.config import Config, load_config  # noqa: E402
from publisher.web.app import AudienceApp  # noqa: E402


class ConnectionPerRequest:
    """The baseline: what the service did before it shared connections."""

    def __init__(self, config: Config):
        self.config = config

    @contextmanager
    def store(self) -> Iterator[Store]:
        with open_store(self.config) as store:
            yield store

    def close(self) -> None:
        pass


def prepare(project: Path, url: str, count: int) -> Config:
    os.environ["PUBLISHER_DATABASE_URL"] = url
    config = load_config(project)
    with open_store(config) as store, store.transaction():
        for table in ("deliveries", "consents", "confirmations", "senders", "bounce_events",
                      "rate_events", "subscribers"):  # fmt: skip
            store.execute(f"DELETE FROM {table}")
        stamp = "2024-01-01T00:00:00+00:00"
        store.executemany(
            "INSERT INTO subscribers (email, name, language, token, consent_source,"
            " consent_time, created_at, updated_at) VALUES (?, ?, 'vi', ?, 'bench', ?, ?, ?)",
            [(f"nguoi{i}@example.net", f"Nguyễn Văn {i}", f"token-{i:016d}", stamp, stamp, stamp)
             for i in range(count)],
        )  # fmt: skip
    return config


def rate(app: AudienceApp, method: str, first: int, requests: int, threads: int) -> float:
    """Requests per second, each for another subscriber."""
    body = b"List-Unsubscribe=One-Click" if method == "POST" else b""
    failures: list[str] = []

    def call(index: int) -> None:
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": f"/unsubscribe/token-{index:016d}",
            "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded", "REMOTE_ADDR": "127.0.0.1",
        }  # fmt: skip
        app(environ, lambda status, headers: None if status.startswith("200") else
            failures.append(status))  # fmt: skip

    def work(lane: int) -> None:
        for index in range(first + lane, first + requests, threads):
            call(index)

    workers = [threading.Thread(target=work, args=(lane,)) for lane in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    if failures:
        sys.exit(f"{len(failures)} requests failed, the first with {failures[0]}")
    return requests / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=25_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each; the best counts.")
    parser.add_argument("--database", metavar="URL", help="An empty PostgreSQL database too.")
    parser.add_argument(
        "--postgres", action="store_true", help="A throwaway PostgreSQL cluster (Debian's)."
    )
    args = parser.parse_args()
    # Each run takes other subscribers: an unsubscribe that changes nothing would cost less.
    if args.subscribers < args.requests * args.repeat * 4:
        sys.exit("--subscribers must be at least 4 × --requests × --repeat")
    with database(args.database, args.postgres) as postgres, tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "publisher.toml").write_text(
            '[web]\nbase_url = "https://news.example.org/"\n', encoding="utf-8"
        )
        engines = [("SQLite", f"sqlite:///{project / 'publisher.db'}")]
        if postgres:
            engines.append(("PostgreSQL", postgres))
        print(f"{args.threads} threads, {args.requests} requests a run, best of {args.repeat}")
        for name, url in engines:
            bench(name, prepare(project, url, args.subscribers), args)


def bench(name: str, config: Config, args: argparse.Namespace) -> None:
    shared = AudienceApp(config)
    baseline = AudienceApp(config)
    baseline.stores = ConnectionPerRequest(config)  # type: ignore[assignment]
    first = 0
    for method in ("GET", "POST"):
        best = {"shared": 0.0, "baseline": 0.0}
        for _ in range(args.repeat):
            for kind, app in (("shared", shared), ("baseline", baseline)):
                best[kind] = max(best[kind], rate(app, method, first, args.requests, args.threads))
                first += args.requests
        print(
            f"  {name} {method} /unsubscribe: {best['shared']:6.0f} req/s with shared"
            f" connections, {best['baseline']:6.0f} with one per request"
            f" ({best['shared'] / best['baseline']:.1f}×)",
            flush=True,
        )
    shared.stores.close()


if __name__ == "__main__":
    main()
