"""One-click unsubscribe (RFC 8058) as a small WSGI application.

``POST <anything>/<token>`` with ``List-Unsubscribe=One-Click`` in the body unsubscribes the
token's subscriber; ``GET`` only shows a page with a button that makes that POST, because mail
scanners follow links and must never unsubscribe anyone. An unknown token gets the same 404 page
whatever it looks like, so the endpoint tells nothing about who is on the list.

Deploy with any WSGI server: ``publisher.web.unsubscribe:application`` reads the project folder from
``PUBLISHER_PROJECT`` (default: the current folder).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Iterable
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from publisher.audience.database import connect, database_path
from publisher.audience.subscribers import SubscriberList
from publisher.config import load_config

StartResponse = Callable[..., Any]
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
MAX_BODY = 64 * 1024
PAGES = {
    "vi": {
        "confirm": ("Huỷ đăng ký", "Huỷ đăng ký nhận bản tin cho địa chỉ {email}?", "Huỷ đăng ký"),
        "done": ("Đã huỷ đăng ký", "Địa chỉ {email} sẽ không nhận bản tin nữa.", ""),
        "already": ("Đã huỷ đăng ký", "Địa chỉ {email} đã huỷ đăng ký trước đây.", ""),
    },
    "en": {
        "confirm": ("Unsubscribe", "Stop sending the newsletter to {email}?", "Unsubscribe"),
        "done": ("Unsubscribed", "{email} will not receive the newsletter any more.", ""),
        "already": ("Unsubscribed", "{email} had already unsubscribed.", ""),
    },
}
NOT_FOUND = ("Không tìm thấy · Not found", "Liên kết này không hợp lệ. · This link is not valid.")
BAD_REQUEST = ("Yêu cầu không hợp lệ · Bad request", "List-Unsubscribe=One-Click is required.")


def mask(email: str) -> str:
    """``n***@example.org``: enough for the subscriber to recognise, little for anyone else."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def page(title: str, message: str, button: str = "", lang: str = "vi") -> bytes:
    """A small self-contained HTML page; every value escaped."""
    form = (
        '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
        f'<button type="submit">{html.escape(button)}</button></form>'
        if button
        else ""
    )
    return (
        f'<!doctype html>\n<html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head>"
        '<body style="font-family:sans-serif;max-width:32em;margin:3em auto;padding:0 1em">'
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>{form}</body></html>\n"
    ).encode()


def _is_one_click(environ: dict[str, Any]) -> bool:
    """Whether the POST body says ``List-Unsubscribe=One-Click`` (urlencoded or multipart)."""
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
    except ValueError:
        return False
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    content_type = environ.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        return any(
            part.get_param("name", header="content-disposition") == "List-Unsubscribe"
            and _payload(part) == b"One-Click"
            for part in message.iter_parts()
        )
    fields = parse_qs(body.decode("latin-1"))
    return fields.get("List-Unsubscribe") == ["One-Click"]


class UnsubscribeApp:
    """The WSGI application for one project database."""

    def __init__(self, database: Path):
        self.database = database

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        status, body, extra = self.handle(environ)
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "no-referrer"),  # the token is in the URL
            ("X-Robots-Tag", "noindex"),
            *extra,
        ]
        start_response(status, headers)
        return [body]

    def handle(self, environ: dict[str, Any]) -> tuple[str, bytes, list[tuple[str, str]]]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method not in ("GET", "POST"):
            return "405 Method Not Allowed", page(*BAD_REQUEST), [("Allow", "GET, POST")]
        token = environ.get("PATH_INFO", "").rstrip("/").rpartition("/")[2]
        conn = connect(self.database) if TOKEN.match(token) else None
        try:
            subscribers = SubscriberList(conn) if conn else None
            subscriber = subscribers.by_token(token) if subscribers else None
            if subscribers is None or subscriber is None:
                return "404 Not Found", page(*NOT_FOUND), []
            lang = subscriber.language if subscriber.language in PAGES else "vi"
            texts, email = PAGES[lang], mask(subscriber.email)
            if method == "POST":
                if not _is_one_click(environ):
                    return "400 Bad Request", page(*BAD_REQUEST), []
                subscribers.set_status(subscriber, "unsubscribed")
                title, message, _ = texts["done"]
                return "200 OK", page(title, message.format(email=email), lang=lang), []
            key = "confirm" if subscriber.status == "active" else "already"
            title, message, button = texts[key]
            return "200 OK", page(title, message.format(email=email), button, lang), []
        finally:
            if conn is not None:
                conn.close()


def make_app(project: Path) -> UnsubscribeApp:
    """The application for a project folder (its ``[send] database``)."""
    return UnsubscribeApp(database_path(load_config(project)))


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """WSGI entry point for deployment; the project comes from ``PUBLISHER_PROJECT``."""
    app = make_app(Path(os.environ.get("PUBLISHER_PROJECT", ".")))
    return app(environ, start_response)


def _payload(part: Any) -> bytes:
    """A form part's bytes, without the spaces and line ends around them."""
    data = part.get_payload(decode=True)
    return data.strip() if isinstance(data, bytes) else b""
