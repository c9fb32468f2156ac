"""Send throughput and memory against Postfix's smtp-sink, compared with Postfix's smtp-source.

    python bench/send.py [--subscribers 10000 100000] [--connections 4 16]
                         [--database postgresql://USER@HOST/DB | --postgres]
                         [--database-rtt MS ...] [--dkim rsa ed25519]

Builds the example issue when the build step and an example issue exist (else a generated
issue of realistic size), generates subscribers, runs ``publisher send --transport smtp`` in a
subprocess to ``smtp-sink`` on 127.0.0.1, then has ``smtp-source`` (C) send as many messages of
the same size over as many connections to the same sink, and prints both rates, their ratio,
the encoded message size and our peak memory (RSS). smtp-sink and smtp-source come from the
Debian package ``postfix``, unpacked into a cache folder (``apt-get download`` + ``dpkg -x``)
when they are not installed; no mail daemon is installed or started.

With ``--database URL`` (an empty PostgreSQL database: the bench deletes its rows) or
``--postgres`` (a throwaway PostgreSQL cluster, as the tests start), the same send also runs
with the ledger in PostgreSQL, by one sender and by two sharing the send, beside the SQLite run
and in the same invocation; the ratios compare them with the SQLite ledger. With
``--database-rtt 2 10`` the one-sender PostgreSQL send also runs with the database 2 ms and
10 ms of round trip away (a loopback proxy delays each way by half), as from a CI runner to a
database in another building: the figure to size ``--connections`` by.

With ``--dkim rsa`` (an RSA-2048 key) and/or ``--dkim ed25519``, the SQLite send also runs with
every message DKIM-signed, in the same invocation, and the cost of signing one message is
measured in this process (render with and without the signature).
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from delayproxy import DelayProxy, proxied  # noqa: E402
from pgcluster import database  # noqa: E402

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "publisher-bench"

PARAGRAPH = (
    "Cùng với việc thực hiện tốt các chương trình công tác theo kế hoạch, Ban Dân tộc thành phố "
    "Hà Nội đã chủ động phối hợp với các cơ quan làm công tác dân tộc ở các tỉnh, thành phố để "
    "trao đổi kinh nghiệm, nâng cao hiệu quả công tác dân tộc trên địa bàn."
)


def postfix_tools() -> tuple[Path, Path, dict[str, str]]:
    """Paths of smtp-sink and smtp-source, and the environment they need."""
    sink, source = shutil.which("smtp-sink"), shutil.which("smtp-source")
    if sink and source:
        return Path(sink), Path(source), dict(os.environ)
    root = CACHE / "postfix"
    if not (root / "usr/sbin/smtp-sink").exists():
        print("unpacking smtp-sink and smtp-source from the Debian package postfix...", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["apt-get", "download", "postfix"], cwd=tmp, check=True,
                           capture_output=True)  # fmt: skip
            deb = next(Path(tmp).glob("postfix_*.deb"))
            root.mkdir(parents=True, exist_ok=True)
            subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
    env = dict(os.environ, LD_LIBRARY_PATH=str(root / "usr/lib/postfix"))
    return root / "usr/sbin/smtp-sink", root / "usr/sbin/smtp-source", env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def generated_issue(folder: Path) -> None:
    """A built issue of realistic size (about 60 KB of HTML) per the build contract."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    articles = [
        f'<tr><td style="padding:16px 24px;font-family:Arial,sans-serif;font-size:16px;'
        f'line-height:24px;color:#222222"><h2 style="margin:0px 0px 8px 0px">Bài {i}: Tăng '
        f"cường giao lưu, trao đổi kinh nghiệm</h2><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>"
        f'<a href="https://news.example.org/issues/so-1/bai-{i}/" style="color:#0b5394">'
        f"Đọc tiếp</a></td></tr>"
        for i in range(1, 41)
    ]
    html = (
        '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8"><title>Bản tin</title>'
        "</head><body>\n<p>Xin chào %%SUBSCRIBER_NAME%%,</p>\n<table>\n"
        + "\n".join(articles)
        + '\n</table>\n<p>Gửi tới %%SUBSCRIBER_EMAIL%% · <a href="%%UNSUBSCRIBE_URL%%">'
        "Huỷ đăng ký</a></p>\n</body></html>\n"
    )
    text = (
        "Xin chào %%SUBSCRIBER_NAME%%,\n\n"
        + "\n\n".join(f"Bài {i}\n{PARAGRAPH}" for i in range(1, 41))
        + "\n\nHuỷ đăng ký: %%UNSUBSCRIBE_URL%%\n"
    )
    (folder / "email.html").write_text(html, encoding="utf-8")
    (folder / "email.txt").write_text(text, encoding="utf-8")
    sender = {"organisation": "Ban Dân tộc", "address": "Hà Nội", "from_name": "Bản tin Dân tộc",
              "from_email": "bantin@news.example.org", "reply_to": ""}  # fmt: skip
    manifest = {"issue": {"slug": folder.name, "title": "Bản tin số 1", "language": "vi",
                          "subject": "Bản tin Dân tộc số 1: Tăng cường giao lưu",
                          "sender": sender, "list_id": "ban-tin.news.example.org"}}  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


def prepare_issue(project: Path) -> str:
    """Build the repository's example issue into the project, or generate one."""
    from publisher.config import load_config

    try:
        build = importlib.import_module("publisher.output.build")
    except ImportError:
        build = None
    issues = sorted((ROOT / "issues").glob("*.yaml"))
    if build is not None and issues:
        slug = issues[0].stem
        build.build_issue(load_config(ROOT), slug, out=project / "build" / slug)
        print(f"issue: the example issue {slug!r}, built")
        return slug
    generated_issue(project / "build" / "bench")
    print("issue: generated (the example issue or the build step is not there yet)")
    return "bench"


def add_subscribers(project: Path, url: str, count: int) -> None:
    """Exactly ``count`` subscribers in the database, and no ledger rows."""
    from publisher.audience.migrations import open_store
    from publisher.config import load_config

    with open_store(load_config(project), url) as store, store.transaction():
        tables = (
            "deliveries",
            "consents",
            "confirmations",
            "senders",
            "bounce_events",
            "subscribers",
        )
        if store.engine == "postgresql":  # DELETE would check every reference row by row
            store.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            for table in tables:
                store.execute(f"DELETE FROM {table}")
        stamp = "2024-01-01T00:00:00+00:00"
        rows = [
            (f"nguoi{i}@example.net", f"Nguyễn Văn {i}", secrets.token_urlsafe(24), stamp, stamp,
             stamp)
            for i in range(count)
        ]  # fmt: skip
        store.executemany(
            "INSERT INTO subscribers (email, name, language, token, consent_source, consent_time,"
            " created_at, updated_at) VALUES (?, ?, 'vi', ?, 'bench', ?, ?, ?)",
            rows,
        )


SETTINGS = (
    '[send]\nunsubscribe_url = "https://news.example.org/unsubscribe/{token}"\n'
    'unsubscribe_mailto = "mailto:unsubscribe@news.example.org?subject={token}"\n'
)


def write_settings(project: Path, dkim: str | None) -> None:
    """publisher.toml, signing with a key of ``dkim``'s kind (made once) or not at all."""
    text = SETTINGS
    if dkim is not None:
        from publisher.mail.dkim import write_key_pair

        key = project / ".dkim" / f"bench-{dkim}.private.pem"
        if not key.exists():
            write_key_pair(key.parent, f"bench-{dkim}", dkim)
        text += (
            f'[dkim]\ndomain = "news.example.org"\nselector = "bench-{dkim}"\nkey_file = "{key}"\n'
        )
    (project / "publisher.toml").write_text(text, encoding="utf-8")


def signing_cost(project: Path, slug: str, dkim: str, count: int = 300) -> float:
    """Milliseconds that signing adds to making one message, in this process."""
    from publisher.config import load_config
    from publisher.mail.built import load_built_issue
    from publisher.mail.message import CompiledMessage, MessageSettings, Recipient

    times = []
    for kind in (None, dkim):
        write_settings(project, kind)
        config = load_config(project)
        message = CompiledMessage(
            load_built_issue(config, slug), MessageSettings.from_config(config), eight_bit=True
        )
        recipients = [Recipient(f"nguoi{i}@example.net", f"Nguyễn Văn {i}", "t" * 32)
                      for i in range(count)]  # fmt: skip
        start = time.perf_counter()
        for recipient in recipients:
            message.render(recipient)
        times.append((time.perf_counter() - start) / count * 1000)
    write_settings(project, None)
    return times[1] - times[0]


def message_size(project: Path, slug: str) -> int:
    from publisher.config import load_config
    from publisher.mail.built import load_built_issue
    from publisher.mail.message import CompiledMessage, MessageSettings, Recipient

    config = load_config(project)
    message = CompiledMessage(
        load_built_issue(config, slug), MessageSettings.from_config(config), eight_bit=True
    )
    return len(message.render(Recipient("nguoi1@example.net", "Nguyễn Văn 1", "t" * 32)))


def run_ours(
    project: Path, slug: str, port: int, connections: int, url: str, senders: int = 1
) -> tuple[float, float, int]:
    """Our send by ``senders`` processes at once: (seconds from the first message to the last,
    wall seconds from the start of the processes, peak RSS of one sender in KiB)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PUBLISHER_SMTP_HOST="127.0.0.1",
               PUBLISHER_SMTP_PORT=str(port), PUBLISHER_SMTP_SECURITY="none",
               PUBLISHER_DATABASE_URL=url)  # fmt: skip
    command = [sys.executable, "-m", "publisher", "--project", str(project), "send", slug,
               "--transport", "smtp", "--yes", "--connections", str(connections)]  # fmt: skip
    start = time.perf_counter()
    # From ROOT: `python -m` puts the working directory first on sys.path.
    processes = [
        subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        for _ in range(senders)
    ]
    peaks: dict[int, int] = {}
    watchers = [watch_peak(process.pid, peaks) for process in processes]
    sent, first, last, peak = 0, float("inf"), 0.0, 0
    for process, watcher in zip(processes, watchers, strict=True):
        assert process.stderr is not None
        stderr = process.stderr.read().decode()
        status = process.wait()
        watcher.join()
        ended = time.perf_counter() - start
        if status != 0:
            sys.exit(f"publisher send failed:\n{stderr}")
        found = re.search(r"(\d+) sent, (\d+) failed in ([\d.]+)s \(([\d.]+) msg/s\)", stderr)
        assert found, stderr
        mine = int(found.group(1))
        # The rate is printed to 0.1 msg/s, the time only to 0.1 s (2% of a 5-second run).
        seconds = mine / float(found.group(4)) if mine else float(found.group(3))
        sent += mine
        first, last = min(first, ended - seconds), max(last, ended)
        peak = max(peak, peaks.get(process.pid, 0))
    return last - first, last, peak


def watch_peak(pid: int, peaks: dict[int, int]) -> threading.Thread:
    """Follow a process's peak resident memory (``VmHWM``, KiB) until it ends.

    Not ``ru_maxrss``: that counts the pages the child shared with this process before its
    exec, so the bench's own memory (the subscribers it generated) showed as the sender's.
    """

    def follow() -> None:
        path = f"/proc/{pid}/status"
        while True:
            try:
                with open(path) as handle:
                    text = handle.read()
            except OSError:
                return
            found = re.search(r"VmHWM:\s+(\d+) kB", text)
            if found is None:  # exited (a zombie has no memory left)
                return
            peaks[pid] = max(peaks.get(pid, 0), int(found.group(1)))
            time.sleep(0.05)

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    return thread


def run_source(source: Path, env: dict[str, str], port: int, count: int, size: int,
               connections: int) -> float:  # fmt: skip
    """smtp-source sending ``count`` messages of ``size`` bytes; returns seconds."""
    command = [str(source), "-d", "-s", str(connections), "-m", str(count), "-l", str(size),
               "-f", "bantin@news.example.org", "-t", "nguoi@example.net",
               f"127.0.0.1:{port}"]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[10_000])
    parser.add_argument(
        "--connections", type=int, nargs="+", default=[4],
        help="Connections to the sink (several: each, and each ledger at its best).",
    )  # fmt: skip
    parser.add_argument(
        "--repeat", type=int, default=3,
        help="Runs of each, interleaved; the best of each counts (the machine may be shared).",
    )  # fmt: skip
    parser.add_argument("--database", metavar="URL", help="An empty PostgreSQL database too.")
    parser.add_argument(
        "--postgres", action="store_true", help="A throwaway PostgreSQL cluster (Debian's)."
    )
    parser.add_argument(
        "--database-rtt", type=float, nargs="+", default=[], metavar="MS",
        help="Also send with PostgreSQL this many milliseconds of round trip away.",
    )  # fmt: skip
    parser.add_argument(
        "--dkim", nargs="+", choices=["rsa", "ed25519"], default=[],
        help="Also send with every message signed by a key of this kind (SQLite ledger).",
    )  # fmt: skip
    args = parser.parse_args()
    with database(args.database, args.postgres) as args.database:
        bench(args)


def bench(args: argparse.Namespace) -> None:
    sink, source, env = postfix_tools()
    port = free_port()
    sink_command = [str(sink), *(["-u", "nobody"] if os.geteuid() == 0 else []),
                    f"127.0.0.1:{port}", "256"]  # fmt: skip
    sink_process = subprocess.Popen(sink_command, env=env, stdout=subprocess.DEVNULL)
    proxies: list[DelayProxy] = []
    try:
        time.sleep(0.3)
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp)
            write_settings(project, None)
            slug = prepare_issue(project)
            size = message_size(project, slug)
            print(f"encoded message: {size} bytes (8bit)")
            for kind in args.dkim:
                cost = signing_cost(project, slug, kind)
                print(f"DKIM {kind}: signing adds {cost:.3f} ms to making one message")
            sqlite = f"sqlite:///{project / 'publisher.db'}"
            # (name, ledger URL, senders, DKIM key kind, the URL to fill it through)
            ledgers: list[tuple[str, str, int, str | None, str]] = [
                ("SQLite", sqlite, 1, None, sqlite)
            ]
            ledgers += [(f"SQLite, DKIM {kind}", sqlite, 1, kind, sqlite) for kind in args.dkim]
            if args.database:
                ledgers += [("PostgreSQL", args.database, 1, None, args.database)]
                ledgers += [("PostgreSQL", args.database, 2, None, args.database)]
            for rtt in args.database_rtt if args.database else []:
                proxy, far = proxied(args.database, rtt / 1000)
                proxies.append(proxy)
                ledgers += [(f"PostgreSQL {rtt:g} ms away", far, 1, None, args.database)]
            for count in args.subscribers:
                best: dict[int, tuple[float, int]] = {}  # ledger -> best rate, its connections
                for connections in args.connections:
                    rates = measure(args, project, slug, port, ledgers, count, connections,
                                    (source, env, size))  # fmt: skip
                    for index, rate in enumerate(rates):
                        if rate > best.get(index, (0.0, 0))[0]:
                            best[index] = (rate, connections)
                if len(args.connections) > 1:
                    print(f"{count:>7} subscribers, each ledger at its best number of connections:")
                    for index, (name, _, senders, _, _) in enumerate(ledgers):
                        rate, connections = best[index]
                        print(f"  {name} ledger, {who(senders)}: {rate:7.0f} msg/s with"
                              f" {connections} connections, {rate / best[0][0]:.2f} of SQLite's"
                              " best")  # fmt: skip
    finally:
        for proxy in proxies:
            proxy.close()
        sink_process.terminate()
        sink_process.wait()


def who(senders: int) -> str:
    return "1 sender" if senders == 1 else f"{senders} senders sharing the send"


def measure(
    args: argparse.Namespace, project: Path, slug: str, port: int,
    ledgers: list[tuple[str, str, int, str | None, str]], count: int, connections: int,
    postfix: tuple[Path, dict[str, str], int],
) -> list[float]:  # fmt: skip
    """Each ledger's send and smtp-source, ``repeat`` times interleaved; prints the best of
    each and returns the ledgers' best rates."""
    source, env, size = postfix
    runs: dict[int, list[tuple[float, float, int]]] = {}
    sources = []
    for _ in range(args.repeat):
        for index, (_, url, senders, dkim, direct) in enumerate(ledgers):
            write_settings(project, dkim)
            add_subscribers(project, direct, count)
            runs.setdefault(index, []).append(
                run_ours(project, slug, port, connections, url, senders)
            )
        sources.append(run_source(source, env, port, count, size, connections))
    theirs = count / min(sources)
    base = count / min(runs[0])[0]
    print(f"{count:>7} subscribers, {connections} connections, smtp-source {theirs:7.0f} msg/s"
          f" (best of {args.repeat}):")  # fmt: skip
    rates = []
    for index, (name, _, senders, _, _) in enumerate(ledgers):
        send_s, wall_s, _ = min(runs[index])
        ours = count / send_s
        rates.append(ours)
        print(
            f"  {name} ledger, {who(senders)}: {ours:7.0f} msg/s"
            f" ({count / wall_s:.0f} msg/s with start-up),"
            f" {ours / theirs:.2f} of smtp-source, {ours / base:.2f} of SQLite,"
            f" peak RSS {max(r[2] for r in runs[index]) / 1024:.0f} MB per sender",
            flush=True,
        )
    return rates


if __name__ == "__main__":
    main()
