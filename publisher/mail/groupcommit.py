"""A group commit: the writes several threads ask for at once, made by one of them in one go.

The sending threads share one database connection, and each message needs its own committed
write before it leaves. One statement at a time, a server a few milliseconds away would take
one message per round trip whatever the number of connections to the mail server; grouped,
the writes asked for while a statement is on its way go together in the next one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Request:
    params: list[object]
    done: bool = False
    error: BaseException | None = None


class GroupCommit:
    """Calls ``write`` with the parameters of one or more ``commit`` calls joined, at most
    ``limit`` of them (unless one alone is more), one ``write`` at a time."""

    def __init__(self, write: Callable[[list[object]], None], limit: int):
        self._write = write
        self._limit = limit
        self._turn = threading.Condition()
        self._waiting: list[_Request] = []
        self._writing = False

    def commit(self, params: list[object]) -> None:
        """Returns once ``params`` are written, by this thread or another; raises what the
        ``write`` that had them raised (in every thread whose parameters it had)."""
        mine = _Request(params)
        with self._turn:
            self._waiting.append(mine)
        while True:
            with self._turn:
                while self._writing and not mine.done:
                    self._turn.wait()
                if mine.done:
                    if mine.error is not None:
                        raise mine.error
                    return
                # Whoever finds no write on its way writes the oldest requests, its own among
                # them unless the limit leaves it for the next turn.
                group = [self._waiting.pop(0)]
                size = len(group[0].params)
                while self._waiting and size + len(self._waiting[0].params) <= self._limit:
                    size += len(self._waiting[0].params)
                    group.append(self._waiting.pop(0))
                self._writing = True
            self._write_group(group)

    def _write_group(self, group: list[_Request]) -> None:
        error: BaseException | None = None
        try:
            self._write([value for request in group for value in request.params])
        except BaseException as exc:
            error = exc
        with self._turn:
            for request in group:
                request.done, request.error = True, error
            self._writing = False
            self._turn.notify_all()
