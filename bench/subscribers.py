"""Importing a subscriber list: ``publisher subscribers import`` of a generated CSV file.

    python bench/subscribers.py [--rows 20000] [--repeat 3]
                                [--database postgresql://USER@HOST/DB | --postgres]
                                [--database-rtt MS ...]

Writes a CSV file of ``--rows`` new subscribers (Vietnamese names, a tenth of them twice, in
another case, as exports from other tools have them), then times the import command into an
empty SQLite file and, with ``--database URL`` (an empty PostgreSQL database: the bench
deletes its rows) or ``--postgres`` (a throwaway cluster, as the tests start), into
PostgreSQL, on loopback and with ``--database-rtt`` milliseconds of round trip added (a
proxy on loopback delays each way by half). Prints rows per second and the ratio to SQLite.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from delayproxy import DelayProxy, proxied  # noqa: E402
from pgcluster import database  # noqa: E402

from publisher.audience.migrations import open_store  # noqa: E402
from publisher.config import load_config  # noqa: E402


def write_list(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "name", "language"])
        for i in range(rows):
            writer.writerow([f"nguoi{i}@example.net", f"Nguyễn Văn {i}", "vi"])
            if i % 10 == 0:
                writer.writerow([f"NGUOI{i}@example.net", "", ""])


def empty(project: Path, url: str) -> None:
    os.environ["PUBLISHER_DATABASE_URL"] = url
    with open_store(load_config(project)) as store, store.transaction():
        for table in ("deliveries", "consents", "confirmations", "senders", "bounce_events",
                      "rate_events", "subscribers"):  # fmt: skip
            store.execute(f"DELETE FROM {table}")


def seconds(project: Path, url: str, listing: Path) -> float:
    env = dict(os.environ, PUBLISHER_DATABASE_URL=url, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "publisher", "--project", str(project), "subscribers",
               "import", str(listing)]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"the import failed:\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each; the best counts.")
    parser.add_argument("--database", metavar="URL", help="An empty PostgreSQL database too.")
    parser.add_argument(
        "--postgres", action="store_true", help="A throwaway PostgreSQL cluster (Debian's)."
    )
    parser.add_argument(
        "--database-rtt", type=float, nargs="+", default=[], metavar="MS",
        help="Also import with PostgreSQL this many milliseconds of round trip away.",
    )  # fmt: skip
    args = parser.parse_args()
    proxies: list[DelayProxy] = []
    with database(args.database, args.postgres) as postgres, tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "publisher.toml").write_text("", encoding="utf-8")
        listing = project / "list.csv"
        write_list(listing, args.rows)
        targets: list[tuple[str, str, str | None]] = [
            ("SQLite", f"sqlite:///{project / 'publisher.db'}", None)
        ]
        if postgres:
            targets.append(("PostgreSQL", postgres, postgres))
            for rtt in args.database_rtt:
                proxy, far = proxied(postgres, rtt / 1000)
                proxies.append(proxy)
                targets.append((f"PostgreSQL {rtt:g} ms away", far, postgres))
        print(f"{args.rows} subscribers (and {(args.rows + 9) // 10} twins), best of {args.repeat}")
        base = 0.0
        try:
            for name, url, direct in targets:
                best = float("inf")
                for _ in range(args.repeat):
                    empty(project, direct or url)
                    best = min(best, seconds(project, url, listing))
                rate = args.rows / best
                base = base or rate
                print(f"  {name}: {best:6.2f} s, {rate:7.0f} rows/s, {rate / base:.2f} of SQLite",
                      flush=True)  # fmt: skip
        finally:
            for proxy in proxies:
                proxy.close()


if __name__ == "__main__":
    main()
