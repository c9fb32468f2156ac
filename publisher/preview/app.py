"""The preview's WSGI application: the issue's outputs as a subscriber and a reader see them.

The built files link to the public site (``web_url``), which may not exist yet; the preview
points those links at its own copy of the web edition and its images instead, fills the
email's tokens with the sample subscriber's values, and can show the email in dark mode by
applying the theme's dark rules as a client that honours them would.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import parse_qs

from publisher.preview import pages
from publisher.preview.session import PreviewSession, State

LONG_POLL_SECONDS = 25.0  # a page waiting for the next build asks again after this
_DARK_QUERY = re.compile(r"@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)")
_LIGHT_QUERY = re.compile(r"@media\s*\(\s*prefers-color-scheme\s*:\s*light\s*\)")
_COLOR_SCHEME = re.compile(r"color-scheme\s*:\s*light dark")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class PreviewApp:
    """Routes: ``/`` the frame, ``/email``, ``/text``, ``/print``, ``/web/…``, ``/changes``;
    a language edition's ``/en/email``, ``/en/text``, ``/en/print`` and ``/web/en/…``."""

    def __init__(self, session: PreviewSession, *, poll_seconds: float = LONG_POLL_SECONDS):
        self.session = session
        self.poll_seconds = poll_seconds

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return _answer(start_response, "405 Method Not Allowed", "text/plain", b"GET only\n")
        path = environ.get("PATH_INFO") or "/"
        query = parse_qs(environ.get("QUERY_STRING") or "", keep_blank_values=True)
        if path == "/changes":
            after = _integer(query.get("after", ["0"])[0])
            state = self.session.wait(after, self.poll_seconds)
            return _answer(start_response, "200 OK", "application/json", pages.changes(state))
        state = self.session.state
        if path == "/":
            view = query.get("view", ["desktop"])[0]
            edition = query.get("edition", [state.own_edition])[0]
            if edition not in state.editions:
                edition = ""
            page = pages.shell(state, view if view in pages.VIEWS else "desktop", edition)
            return _answer(start_response, "200 OK", "text/html", page)
        if not state.files:
            return _answer(start_response, "200 OK", "text/html", pages.error_page(state))
        found = self._output(state, path, query)
        if found is None:
            return _answer(start_response, "404 Not Found", "text/plain", b"not in this build\n")
        body, kind = found
        return _answer(start_response, "200 OK", kind, body)

    def _output(
        self, state: State, path: str, query: dict[str, list[str]]
    ) -> tuple[str | bytes, str] | None:
        # A language edition's email is under its code (/en/email), its web edition where it
        # is published, in the issue's (/web/en/...), so that the editions' links between
        # each other work here too.
        first, _, rest = path.removeprefix("/").partition("/")
        web_first, _, web_rest = path.removeprefix("/web/").partition("/")
        edition = ""
        if first in state.editions:
            edition, path = first, f"/{rest}"
        elif path.startswith("/web/") and web_first in state.editions:
            edition, path = web_first, f"/web/{web_rest}"
        folder = f"{edition}/" if edition else ""
        if path == "/email":
            page = _local(state, edition, "email.html")
            page = self.session.fill(page, state, markup=True, edition=edition)
            if query.get("dark") == ["1"]:
                page = dark(page)
            return page, "text/html"
        if path == "/text":
            text = state.files[f"{folder}email.txt"].decode("utf-8")
            return self.session.fill(text, state, markup=False, edition=edition), "text/plain"
        if path in ("/print", "/web/print.html"):
            return _local(state, edition, "print.html"), "text/html"
        name = _web_name(path)
        if name is None or f"{folder}{name}" not in state.files:
            return None
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind == "text/html":
            return _local(state, edition, name), kind
        return state.files[f"{folder}{name}"], kind


def _local(state: State, edition: str, name: str) -> str:
    """A built page with its links to the public site pointing at the preview's copy."""
    folder = f"{edition}/" if edition else ""
    page = state.files[f"{folder}{name}"].decode("utf-8")
    web_url = str(state.manifest_of(edition).get("issue", {}).get("web_url") or "")
    return page.replace(web_url, f"/web/{folder}") if web_url else page


def _web_name(path: str) -> str | None:
    """The build's name for ``/web/…`` (``web/x/index.html`` for ``/web/x/``), or None."""
    if not path.startswith("/web/"):
        return None
    relative = path.removeprefix("/web/")  # PATH_INFO is decoded already
    parts = PurePosixPath(relative).parts
    if any(part in ("..", ".") for part in parts):
        return None
    name = "/".join(("web", *parts))
    return f"{name}/index.html" if relative.endswith("/") or not relative else name


def dark(page: str) -> str:
    """The email as a client in dark mode shows it: the theme's dark rules always apply."""
    page = _DARK_QUERY.sub("@media all", page)
    page = _LIGHT_QUERY.sub("@media not all", page)
    return _COLOR_SCHEME.sub("color-scheme: dark", page)


def _integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _answer(
    start_response: StartResponse, status: str, kind: str, body: str | bytes
) -> list[bytes]:
    data = body.encode("utf-8") if isinstance(body, str) else body
    if kind.startswith("text/") or kind == "application/json":
        kind += "; charset=utf-8"
    start_response(
        status,
        [
            ("Content-Type", kind),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),  # every build is new: never show an old one
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [data]
