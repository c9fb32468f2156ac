"""A sender's heartbeat: how the senders sharing a send tell the living from the dead."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from publisher.audience.store import Store
from publisher.errors import PublisherError


class Heartbeat:
    """Tells the other senders, every ``lease``/4 seconds, that this one is alive.

    On a connection of its own, in a thread of its own: a busy sender must not lose its rows.
    """

    def __init__(self, connect: Callable[[], Store], sender: int, lease: float):
        self._connect = connect
        self._sender = sender
        self._lease = lease
        self._stop = threading.Event()
        self._ok = time.monotonic()
        self._thread = threading.Thread(target=self._beat, name="send-heartbeat", daemon=True)
        self._thread.start()

    def silent_for(self) -> float:
        """Seconds since the database last heard from this sender."""
        return time.monotonic() - self._ok

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            store = self._connect()
        except PublisherError:
            return  # the lease then runs out, and the sender stops (see SendRun.may_send)
        with store:
            clock = store.dialect.now
            while not self._stop.wait(self._lease / 4):
                try:
                    store.execute(
                        f"UPDATE senders SET heartbeat = {clock} WHERE id = ?", (self._sender,)
                    )
                    self._ok = time.monotonic()
                except PublisherError:
                    continue  # a database that does not answer: try again, the lease decides
