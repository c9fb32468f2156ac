"""A few store connections, shared by the threads of a long-running service.

The web service answers each request with a connection from here. Opening one per request cost
a PostgreSQL server a new backend process each time (7-8 times fewer requests a second, see
``bench/web.py``), and a burst of requests (mail providers post one-click unsubscribes as a
send goes out) opened as many connections as there were requests, more than a server allows:
the ones past its limit were refused, and those subscribers stayed on the list.

At most ``size`` connections are open; a request that finds them all busy waits for one, up to
``wait`` seconds. Each connection is checked as it is taken: its schema is still the one this
publisher needs (an upgrade may have run meanwhile), which also shows that it still works (a
server restart breaks them all). A broken one is replaced by a new one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from publisher.audience.migrations import check_schema
from publisher.audience.store import Store
from publisher.errors import DatabaseError


class StorePool:
    """Up to ``size`` open stores made by ``open_store``; ``opened`` counts those ever made."""

    def __init__(self, open_store: Callable[[], Store], size: int, wait: float, where: str = ""):
        self._open = open_store
        self.size = size
        self.wait = wait
        self.where = where  # the setting that sets ``size``, for the error when all are busy
        self.opened = 0
        self._free = threading.BoundedSemaphore(size)
        self._idle: list[Store] = []
        self._lock = threading.Lock()

    @contextmanager
    def store(self) -> Iterator[Store]:
        """A connection for this thread alone until the block ends.

        One that raised (a database error, a broken connection, a request cut short) is closed
        rather than given to the next request: its state is not known.
        """
        if not self._free.acquire(timeout=self.wait):
            raise DatabaseError(
                f"all {self.size} database connections stayed busy for {self.wait:g}s",
                where=self.where or None,
            )
        try:
            store = self._take()
            try:
                yield store
            except BaseException:
                store.close()
                raise
            with self._lock:
                self._idle.append(store)
        finally:
            self._free.release()

    def _take(self) -> Store:
        """The connection used last (the likeliest to be alive and warm), checked, or a new one."""
        with self._lock:
            store = self._idle.pop() if self._idle else None
        if store is not None:
            try:
                check_schema(store)
                return store
            except DatabaseError:
                # Broken, or the schema changed: a new connection says which (and raises).
                store.close()
        store = self._open()
        with self._lock:
            self.opened += 1
        return store

    def close(self) -> None:
        """Close the idle connections (those in use close when their block ends)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for store in idle:
            store.close()
