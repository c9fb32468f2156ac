"""A TCP proxy on loopback that delays what goes through it, as a network would.

For the send benchmark's ``--database-rtt``: the senders reach PostgreSQL through it, as
senders on a CI runner reach a database in another building. Each chunk read from one side is
written to the other ``rtt / 2`` seconds later, in order; nothing else changes.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from urllib.parse import quote


class DelayProxy:
    """Listens on 127.0.0.1 (``port``) and forwards to a PostgreSQL server's socket."""

    def __init__(self, target: str | tuple[str, int], rtt: float):
        self.target = target  # a Unix socket's path, or (host, port)
        self.delay = rtt / 2
        self._loop = asyncio.new_event_loop()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(asyncio.start_server(self._client, sock=self._sock))
        self._loop.run_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if isinstance(self.target, str):
            far_reader, far_writer = await asyncio.open_unix_connection(self.target)
        else:
            far_reader, far_writer = await asyncio.open_connection(*self.target)
        await asyncio.gather(
            self._pump(reader, far_writer), self._pump(far_reader, writer),
            return_exceptions=True,
        )  # fmt: skip

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        # call_later keeps the order: the same delay from later moments ends later.
        try:
            while data := await source.read(65536):
                self._loop.call_later(self.delay, sink.write, data)
        finally:
            self._loop.call_later(self.delay, sink.close)

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


def proxied(url: str, rtt: float) -> tuple[DelayProxy, str]:
    """A proxy to the database of ``url`` and the URL that goes through it."""
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(url)
    host, port = str(info.get("host") or "/var/run/postgresql"), int(info.get("port") or 5432)
    target: str | tuple[str, int] = f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (
        host, port
    )  # fmt: skip
    proxy = DelayProxy(target, rtt)
    user = quote(str(info.get("user") or ""), safe="")
    password = f":{quote(str(info['password']), safe='')}" if info.get("password") else ""
    login = f"{user}{password}@" if user else ""
    return proxy, f"postgresql://{login}127.0.0.1:{proxy.port}/{info.get('dbname', '')}"
