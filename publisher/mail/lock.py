"""``SendLock``: one sender per issue when the ledger is a SQLite file."""

from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path

from publisher.errors import SendError


class SendLock:
    """An exclusive lock on one issue's sending, held by an open file (``fcntl.flock``).

    The kernel drops the lock when its process dies, however it dies, so a killed sender
    never leaves a lock that has to be broken by hand; the pid inside is for the message only.
    """

    def __init__(self, database: Path, issue: str):
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", issue)
        self.path = database.with_name(f"{database.name}-send-{safe}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise SendError(
                f"cannot open the send lock: {exc.strerror}", where=str(self.path)
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise SendError(
                f"another send of this issue is running (pid {holder})", where=str(self.path)
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SendLock:
        self.acquire()
        return self

    def __exit__(self, *_: object) -> None:
        self.release()
