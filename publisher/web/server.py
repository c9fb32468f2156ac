"""``serve``: the web service on a port, for one machine or behind a reverse proxy.

A thread per connection, and a socket timeout on each, so that a client that connects and
sends nothing (or sends a body slowly) holds one thread for at most ``[web] timeout`` seconds
and never blocks the others. For production, run ``publisher.web.app:application`` under a
WSGI server such as gunicorn.
"""

from __future__ import annotations

import contextlib
import socketserver
from collections.abc import Callable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from publisher.errors import PublisherError


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a stuck client never keeps the process from stopping
    block_on_close = False
    # Connections the kernel holds until they are accepted. socketserver's 5 reset the rest
    # of a burst (mail providers post one-click unsubscribes as a send goes out).
    request_queue_size = 128


def make_handler(timeout: float, log: Callable[[str], None]) -> type[WSGIRequestHandler]:
    """A request handler whose connections time out, and whose log never shows a path."""

    class Handler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            # Paths hold subscribers' tokens: log the method and the status, never the path.
            status = args[1] if len(args) > 1 else ""
            log(f"{getattr(self, 'command', '-')} {status}")

    # StreamRequestHandler applies it to each connection's socket (reads of headers and body).
    Handler.timeout = timeout
    return Handler


def serve(
    app: Any, host: str, port: int, *, timeout: float, log: Callable[[str], None],
    ready: Callable[[ThreadingServer], None] | None = None,
) -> None:  # fmt: skip
    """Serve ``app`` until interrupted; ``ready`` is called once the socket listens."""
    handler = make_handler(timeout, log)
    try:
        server = make_server(host, port, app, server_class=ThreadingServer, handler_class=handler)
    except OSError as exc:  # the port is taken, or not ours to listen on
        where = f"{host}:{port}"
        raise PublisherError(f"cannot listen: {exc.strerror or exc}", where=where) from None
    with server, contextlib.suppress(KeyboardInterrupt):
        if ready is not None:
            ready(server)
        server.serve_forever(poll_interval=0.2)
