"""A web server on loopback for the import tests: pages, pictures, redirects, errors, robots.txt."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = tuple[int, dict[str, str], bytes]


@contextmanager
def web_server(routes: dict[str, Route], *, slow: dict[str, float] | None = None) -> Iterator[
    tuple[str, list[tuple[str, str]]]
]:  # fmt: skip
    """Serve ``routes`` (path -> status, headers, body) on 127.0.0.1; yields the base address
    and the log of requests (path, User-Agent). ``slow`` delays the answer to some paths."""
    log: list[tuple[str, str]] = []
    delays = slow or {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            log.append((self.path, self.headers.get("User-Agent", "")))
            time.sleep(delays.get(self.path, 0))
            status, headers, body = routes.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers:  # a route may lie about it, as broken servers do
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()
