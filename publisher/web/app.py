"""The web service: subscribe, confirm and unsubscribe, as one WSGI application.

Paths, relative to ``[web] base_url``:

- ``GET /subscribe`` a form; ``POST /subscribe`` (``email``, ``name``, ``language``) records a
  pending subscriber and mails a confirmation link. The answer is the same page whatever the
  list holds, so the form tells nobody who is subscribed.
- ``GET /confirm/<token>`` a page with a button; ``POST`` confirms.
- ``GET /unsubscribe/<token>`` a page with a button; ``POST`` (RFC 8058 one-click body,
  urlencoded or multipart) unsubscribes at once.
- ``GET /health``: 200 when the database answers.
- ``POST /ses/notifications/<secret>``: Amazon SES bounce and complaint notifications (SNS).

A GET never changes anything: mail scanners and link previews fetch every link. Unknown tokens
get the same 404 page whatever they look like. Deploy with any WSGI server:
``publisher.web.app:application`` reads the project folder from ``PUBLISHER_PROJECT``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from publisher.audience import optin
from publisher.audience.listfile import clean_text, normalise_email, normalise_language
from publisher.audience.migrations import open_store
from publisher.audience.pool import StorePool
from publisher.audience.store import Store
from publisher.audience.subscribers import SubscriberList
from publisher.config import Config, load_config
from publisher.errors import PublisherError
from publisher.mail.notice import page_language, send_confirmation
from publisher.web.forms import BadRequest, read_form
from publisher.web.notifications import ses_notification
from publisher.web.pages import ONE_CLICK, Look, render, subscribe_fields

StartResponse = Callable[..., Any]
Answer = tuple[str, bytes, str]  # status, body, content type
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
HTML = "text/html; charset=utf-8"
log = logging.getLogger("publisher.web")


def mask(email: str) -> str:
    """``n***@example.org``: enough for the subscriber to recognise, little for anyone else."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


class AudienceApp:
    """The WSGI application of one project."""

    def __init__(self, config: Config):
        self.config = config
        self.web = config.table("web")
        self.language = page_language(config.table("newsletter")["language"], "vi")
        self.base = self.web["base_url"]
        self.prefix = urlsplit(self.base).path.rstrip("/") if self.base else ""
        self.look = Look.from_config(config)
        # Requests share a few connections; one waits for a free one at most as long as a
        # client may take to send its request.
        self.stores = StorePool(
            lambda: open_store(config), self.web["database_connections"], self.web["timeout"],
            where="web.database_connections",
        )  # fmt: skip

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            status, body, content_type = self.handle(environ)
        except BadRequest as exc:
            status, body, content_type = self.page("400 Bad Request", "bad_request",
                                                   reason=str(exc))  # fmt: skip
        except PublisherError as exc:
            # A database that does not answer, a mail server down: a page for the client and a
            # line for the log, never a traceback.
            log.error("request failed: %s", exc)
            status, body, content_type = self.page("503 Service Unavailable", "error")
        except Exception:
            log.exception("request failed")  # a bug: the log gets its traceback, not the client
            status, body, content_type = self.page("503 Service Unavailable", "error")
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "no-referrer"),  # tokens are in the URLs
            ("X-Robots-Tag", "noindex"),
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline';"
             " img-src https:; form-action 'self'; frame-ancestors 'none'"),
        ]  # fmt: skip
        if status.startswith("405"):
            headers.append(("Allow", "GET, POST"))
        start_response(status, headers)
        return [body]

    def page(self, status: str, kind: str, lang: str = "", **values: str) -> Answer:
        return status, render(self.look, kind, lang or self.language, **values), HTML

    def handle(self, environ: dict[str, Any]) -> Answer:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "") or "/"
        if self.prefix and path.startswith(self.prefix + "/"):
            path = path[len(self.prefix) :]  # served at the site's root by a proxy
        parts = [p for p in path.split("/") if p]
        if method not in ("GET", "POST", "HEAD"):
            return self.page("405 Method Not Allowed", "bad_request", reason=method)
        if parts == ["health"]:
            return self.health()
        if parts == ["subscribe"]:
            return self.subscribe(environ, method)
        if len(parts) == 3 and parts[:2] == ["ses", "notifications"] and method == "POST":
            return ses_notification(self.config, self.stores, environ, parts[2])
        if len(parts) == 2 and parts[0] in ("confirm", "unsubscribe") and TOKEN.match(parts[1]):
            with self.stores.store() as store:
                if parts[0] == "confirm":
                    return self.confirm(store, environ, method, parts[1])
                return self.unsubscribe(store, environ, method, parts[1])
        return self.page("404 Not Found", "not_found")

    def health(self) -> Answer:
        try:
            with self.stores.store():
                pass  # taking a connection checks it: the database answers, at the schema needed
        except PublisherError as exc:
            return "503 Service Unavailable", f"database: {exc.message}\n".encode(), "text/plain"
        return "200 OK", b"ok\n", "text/plain; charset=utf-8"

    def subscribe(self, environ: dict[str, Any], method: str) -> Answer:
        if method != "POST":
            return self.page("200 OK", "subscribe", button="subscribe",
                             form=subscribe_fields(self.language))  # fmt: skip
        if not self.base:
            # A confirmation link needs the service's address: nothing is recorded without it.
            log.error("subscribe refused: set [web] base_url (confirmation links need it)")
            return self.page("503 Service Unavailable", "error")
        form = read_form(environ)
        try:
            email = normalise_email(form.get("email", ""))
            language = normalise_language(form.get("language", ""))
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
        lang = page_language(language, self.language)
        answer = self.page("200 OK", "sent", lang, email=email)
        if form.get("website"):
            return answer  # the honeypot: a robot filled the field people never see
        address = environ.get("REMOTE_ADDR", "")
        request = optin.Request(email, clean_text(form.get("name", "")), language, address)
        with self.stores.store() as store:
            limits = {f"email:{email.lower()}": self.web["subscribe_limit"]}
            if address:
                limits[f"ip:{address}"] = self.web["subscribe_limit_ip"]
            if not optin.allowed(store, limits):
                return answer  # the same answer: a limit must not tell what the list holds
            pending = optin.request(store, request, days=self.web["confirm_days"])
        if pending is not None:
            send_confirmation(
                self.config, to=email, name=request.name,
                link=f"{self.base}confirm/{pending.token}", language=pending.language,
            )  # fmt: skip
        return answer

    def confirm(self, store: Store, environ: dict[str, Any], method: str, token: str) -> Answer:
        found = optin.look_up(store, token)
        if found is None:
            return self.page("404 Not Found", "not_found")
        subscriber, state = found
        lang = page_language(subscriber.language, self.language)
        email = mask(subscriber.email)
        if state != "valid":
            return self.page("410 Gone", "expired", lang)
        if method != "POST":
            return self.page("200 OK", "confirm", lang, button="confirm", email=email)
        read_form(environ)  # the button's (empty) form: read so the connection stays usable
        if optin.confirm(store, token, environ.get("REMOTE_ADDR", "")) is None:
            return self.page("410 Gone", "expired", lang)
        return self.page("200 OK", "confirmed", lang, email=email)

    def unsubscribe(self, store: Store, environ: dict[str, Any], method: str, token: str) -> Answer:
        subscribers = SubscriberList(store)
        subscriber = subscribers.by_token(token)
        if subscriber is None:
            return self.page("404 Not Found", "not_found")
        lang = page_language(subscriber.language, self.language)
        email = mask(subscriber.email)
        if method == "POST":
            if read_form(environ).get("List-Unsubscribe") != "One-Click":
                raise BadRequest("List-Unsubscribe=One-Click is required")
            subscribers.set_status(
                subscriber, "unsubscribed", source="web", address=environ.get("REMOTE_ADDR", "")
            )
            return self.page("200 OK", "unsubscribed", lang, email=email)
        if subscriber.status != "active":
            return self.page("200 OK", "already", lang, email=email)
        return self.page("200 OK", "unsubscribe", lang, button="unsubscribe", form=ONE_CLICK,
                         email=email)  # fmt: skip


def make_app(project: Path) -> AudienceApp:
    """The application for a project folder."""
    return AudienceApp(load_config(project))


_app: AudienceApp | None = None
_making = threading.Lock()


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """WSGI entry point for deployment; the project comes from ``PUBLISHER_PROJECT``.

    Made on the first request, in the worker process (a WSGI server may fork after importing
    this module: connections must not be shared across the fork); once, whatever the threads.
    """
    global _app
    if _app is None:
        with _making:
            if _app is None:
                _app = make_app(Path(os.environ.get("PUBLISHER_PROJECT", ".")))
    return _app(environ, start_response)
