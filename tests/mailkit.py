"""Helpers for the sending tests: a built issue per the build contract, settings, subscribers."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from publisher.audience.migrations import open_store
from publisher.audience.store import Store
from publisher.audience.subscribers import SubscriberList
from publisher.config import load_config
from publisher.model import Subscriber

SUBJECT = "Bản tin Dân tộc số 1: Tăng cường giao lưu, trao đổi kinh nghiệm"
PARAGRAPH = (
    "Cùng với việc thực hiện tốt các chương trình công tác theo kế hoạch, Ban Dân tộc thành "
    "phố Hà Nội đã chủ động phối hợp với các cơ quan làm công tác dân tộc để trao đổi kinh "
    "nghiệm, nâng cao hiệu quả công tác."
)
TEXT = (
    "Xin chào %%SUBSCRIBER_NAME%%,\n\n"
    + "\n\n".join([PARAGRAPH] * 6)
    + "\n\n.Dòng bắt đầu bằng dấu chấm.\n\n"
    "Bạn nhận thư này tại %%SUBSCRIBER_EMAIL%%.\n"
    "Huỷ đăng ký: %%UNSUBSCRIBE_URL%%\n"
)
HTML = (
    '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8"><title>Bản tin</title>'
    "</head>\n<body>\n<p>Xin chào %%SUBSCRIBER_NAME%%,</p>\n"
    + "\n".join(f"<p>{PARAGRAPH}</p>" for _ in range(6))
    + '\n<p style="font-size:12px">Gửi tới %%SUBSCRIBER_EMAIL%% · '
    '<a href="%%UNSUBSCRIBE_URL%%">Huỷ đăng ký</a></p>\n</body></html>\n'
)
SETTINGS = """\
[send]
unsubscribe_url = "https://news.example.org/unsubscribe/{token}"
unsubscribe_mailto = "mailto:unsubscribe@news.example.org?subject=unsubscribe-{token}"
retry_backoff = 0.05
retry_backoff_max = 0.2
max_attempts = 3
dns_preflight = false
"""


def make_build(project: Path, slug: str = "so-1", *, text: str = TEXT, html: str = HTML) -> Path:
    """``build/<slug>/`` with email.html, email.txt and manifest.json as ``publisher build``."""
    folder = project / "build" / slug
    folder.mkdir(parents=True, exist_ok=True)
    files = {"email.html": html, "email.txt": text}
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    manifest = {
        "issue": {
            "slug": slug,
            "title": "Bản tin Dân tộc số 1",
            "number": 1,
            "date": "2017-08-12",
            "language": "vi",
            "theme": "default",
            "subject": SUBJECT,
            "preheader": "Tăng cường giao lưu",
            "base_url": "https://news.example.org/",
            "web_url": f"https://news.example.org/issues/{slug}/",
            "sender": {
                "organisation": "Ban Dân tộc",
                "address": "Hà Nội, Việt Nam",
                "from_name": "Bản tin Dân tộc",
                "from_email": "bantin@news.example.org",
                "reply_to": "toasoan@news.example.org",
            },
            "list_id": "ban-tin.news.example.org",
        },
        "articles": [],
        "files": {
            name: {
                "bytes": len(content.encode()),
                "sha256": hashlib.sha256(content.encode()).hexdigest(),
            }
            for name, content in files.items()
        },
        "email": {"mime_bytes": 0, "tokens": ["%%SUBSCRIBER_NAME%%"]},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return folder


def write_settings(project: Path, extra: str = "") -> None:
    (project / "publisher.toml").write_text(SETTINGS + extra, encoding="utf-8")


def project_store(project: Path) -> Store:
    """The project's store (SQLite, or the database of ``PUBLISHER_DATABASE_URL``)."""
    return open_store(load_config(project))


def add_subscribers(project: Path, subscribers: list[Subscriber]) -> SubscriberList:
    """Save the subscribers; the list, on a connection left open for the test to look."""
    subs = SubscriberList(project_store(project))
    with subs.store.transaction():
        for subscriber in subscribers:
            subs.save(subscriber)
    return subs


def people(count: int, *, unsubscribed: int = 0, domain: str = "example.org") -> list[Subscriber]:
    """``count`` active subscribers (Vietnamese names) and some unsubscribed ones."""
    active = [
        Subscriber(email=f"nguoi{i:04d}@{domain}", name=f"Người Đọc {i}", language="vi")
        for i in range(count)
    ]
    gone = [
        Subscriber(email=f"huy{i:04d}@{domain}", name=f"Đã Huỷ {i}", status="unsubscribed")
        for i in range(unsubscribed)
    ]
    return active + gone


def start_send(project: Path, connections: int, slug: str = "so-1") -> subprocess.Popen:
    """``publisher send SLUG`` over SMTP in a subprocess (stderr kept, to read at the end)."""
    from tests.conftest import PYTHON, subprocess_env

    command = [PYTHON, "-m", "publisher", "--project", str(project), "send", slug,
               "--transport", "smtp", "--yes", "--connections", str(connections)]  # fmt: skip
    return subprocess.Popen(
        command, env=subprocess_env(), stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
