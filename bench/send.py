"""Send throughput and memory against Postfix's smtp-sink, compared with Postfix's smtp-source.

    python bench/send.py [--subscribers 10000 100000] [--connections 4]

Builds the example issue when the build step and an example issue exist (else a generated
issue of realistic size), generates subscribers, runs ``publisher send --transport smtp`` in a
subprocess to ``smtp-sink`` on 127.0.0.1, then has ``smtp-source`` (C) send as many messages of
the same size over as many connections to the same sink, and prints both rates, their ratio,
the encoded message size and our peak memory (RSS). smtp-sink and smtp-source come from the
Debian package ``postfix``, unpacked into a cache folder (``apt-get download`` + ``dpkg -x``)
when they are not installed; no mail daemon is installed or started.
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
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


def add_subscribers(database: Path, count: int) -> None:
    from publisher.audience.database import connect

    conn = connect(database)
    conn.execute("DELETE FROM deliveries")
    conn.execute("DELETE FROM subscribers")
    stamp = "2024-01-01T00:00:00+00:00"
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO subscribers (email, name, language, token, consent_source, consent_time,"
        " created_at, updated_at) VALUES (?, ?, 'vi', ?, 'bench', ?, ?, ?)",
        (
            (f"nguoi{i}@example.net", f"Nguyễn Văn {i}", secrets.token_urlsafe(24), stamp, stamp,
             stamp)
            for i in range(count)
        ),
    )  # fmt: skip
    conn.execute("COMMIT")
    conn.close()


def message_size(project: Path, slug: str) -> int:
    from publisher.config import load_config
    from publisher.mail.built import load_built_issue
    from publisher.mail.message import CompiledMessage, MessageSettings, Recipient

    config = load_config(project)
    message = CompiledMessage(
        load_built_issue(config, slug), MessageSettings.from_config(config), eight_bit=True
    )
    return len(message.render(Recipient("nguoi1@example.net", "Nguyễn Văn 1", "t" * 32)))


def run_ours(project: Path, slug: str, port: int, connections: int) -> tuple[float, float, int]:
    """Our send in a subprocess: (send-phase seconds, wall seconds, peak RSS in KiB)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PUBLISHER_SMTP_HOST="127.0.0.1",
               PUBLISHER_SMTP_PORT=str(port), PUBLISHER_SMTP_SECURITY="none")  # fmt: skip
    command = [sys.executable, "-m", "publisher", "--project", str(project), "send", slug,
               "--transport", "smtp", "--yes", "--connections", str(connections)]  # fmt: skip
    start = time.perf_counter()
    # From ROOT: `python -m` puts the working directory first on sys.path.
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    stderr = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"publisher send failed:\n{stderr}")
    found = re.search(r"(\d+) sent, (\d+) failed in ([\d.]+)s \(([\d.]+) msg/s\)", stderr)
    assert found, stderr
    # The rate is printed to 0.1 msg/s, the time only to 0.1 s (2% of a 5-second run).
    return int(found.group(1)) / float(found.group(4)), wall, usage.ru_maxrss


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
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--repeat", type=int, default=3,
        help="Runs of each, interleaved; the best of each counts (the machine may be shared).",
    )  # fmt: skip
    args = parser.parse_args()
    sink, source, env = postfix_tools()
    port = free_port()
    sink_command = [str(sink), *(["-u", "nobody"] if os.geteuid() == 0 else []),
                    f"127.0.0.1:{port}", "256"]  # fmt: skip
    sink_process = subprocess.Popen(sink_command, env=env, stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.3)
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp)
            (project / "publisher.toml").write_text(
                '[send]\nunsubscribe_url = "https://news.example.org/unsubscribe/{token}"\n'
                'unsubscribe_mailto = "mailto:unsubscribe@news.example.org?subject={token}"\n',
                encoding="utf-8",
            )
            slug = prepare_issue(project)
            size = message_size(project, slug)
            print(f"encoded message: {size} bytes (8bit), connections: {args.connections}")
            for count in args.subscribers:
                runs, sources = [], []
                for _ in range(args.repeat):
                    add_subscribers(project / "publisher.db", count)
                    runs.append(run_ours(project, slug, port, args.connections))
                    sources.append(run_source(source, env, port, count, size, args.connections))
                send_s, wall_s, _ = min(runs)
                ours, theirs = count / send_s, count / min(sources)
                print(
                    f"{count:>7} subscribers: publisher {ours:7.0f} msg/s"
                    f" ({count / wall_s:.0f} msg/s with start-up),"
                    f" smtp-source {theirs:7.0f} msg/s, ratio {ours / theirs:.2f},"
                    f" peak RSS {max(r[2] for r in runs) / 1024:.0f} MB"
                    f" (best of {args.repeat})",
                    flush=True,
                )
    finally:
        sink_process.terminate()
        sink_process.wait()


if __name__ == "__main__":
    main()
