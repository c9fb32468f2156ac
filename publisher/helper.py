"""A helper process that runs part of a build on a second core.

Most of a cold ``publisher build`` is Python importing its libraries; premailer alone (with
cssutils) takes about as long to import and warm up as everything the rest of the build needs.
``Helper.start`` forks before those imports, the helper imports what it is told to preload, and
the build then hands it function calls (by ``"module:function"`` name, arguments pickled over a
pipe) and collects the results when it needs them, while it renders the other outputs itself.

Where forking is impossible or unsafe (no ``os.fork``, or other threads running whose locks a
child could inherit held), the calls run in this process instead, with the same results. A
helper that dies mid-call is reported as a ``PublisherError``, never waited on forever.
"""

from __future__ import annotations

import importlib
import os
import pickle
import select
import struct
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from publisher.errors import PublisherError

_LENGTH = struct.Struct("!Q")
_UNREAPED: list[int] = []  # helpers closed without waiting, reaped when the next one starts


def resolve(name: str) -> Callable[..., Any]:
    """The function named ``"package.module:function"``."""
    module, _, attribute = name.partition(":")
    return getattr(importlib.import_module(module), attribute)  # type: ignore[no-any-return]


class Pending:
    """The result of a call: ``result()`` returns it or raises what the call raised."""

    def __init__(
        self, helper: Helper | None, value: Any = None, error: BaseException | None = None
    ):
        self._helper = helper
        self._value = value
        self._error = error
        self._done = helper is None

    def result(self) -> Any:
        if not self._done:
            assert self._helper is not None
            self._helper._collect(self)
        if self._error is not None:
            raise self._error
        return self._value

    def _settle(self, value: Any, error: BaseException | None) -> None:
        self._value, self._error, self._done = value, error, True


class Helper:
    """Runs calls in a forked process (``start``) or, failing that, in this one (``local``)."""

    def __init__(self, pid: int | None = None, send: int | None = None, receive: int | None = None):
        self._pid = pid
        self._send = send
        self._receive = receive
        self._waiting: list[Pending] = []  # sent, in order; the helper answers in that order

    @classmethod
    def local(cls) -> Helper:
        """A helper that runs every call in this process, when it is made."""
        return cls()

    @classmethod
    def start(cls, preload: Iterable[str] = ()) -> Helper:
        """Fork a helper process that loads ``preload`` straight away.

        Each name is a module to import or a ``"module:function"`` to call without arguments.
        """
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return cls.local()
        _reap()
        sys.stdout.flush()
        sys.stderr.flush()
        fds: list[int] = []
        try:
            fds.extend(os.pipe())
            fds.extend(os.pipe())
            pid = os.fork()
        except OSError:  # out of file descriptors or processes: build in this process instead
            for fd in fds:
                os.close(fd)
            return cls.local()
        requests_r, requests_w, replies_r, replies_w = fds
        if pid == 0:  # the helper: never returns into the caller's code
            code = 0
            try:
                os.close(requests_w)
                os.close(replies_r)
                _serve(requests_r, replies_w, tuple(preload))
            except BaseException:
                code = 1
            finally:
                os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
        os.close(requests_r)
        os.close(replies_w)
        os.set_blocking(requests_w, False)
        return cls(pid, requests_w, replies_r)

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def call(self, function: str, *args: Any) -> Pending:
        """Start ``function(*args)``; its result is collected by ``Pending.result()``."""
        if self._send is None:
            try:
                return Pending(None, value=resolve(function)(*args))
            except Exception as exc:
                return Pending(None, error=exc)
        pending = Pending(self)
        self._waiting.append(pending)
        data = _frame((function, args))
        send = self._send
        try:
            # A request and an earlier reply may both outgrow a pipe's buffer: read replies
            # while the helper cannot take more, or each side would wait for the other.
            while data and not pending._done:
                if self._waiting[0] is pending:  # nothing left to read: just write
                    os.set_blocking(send, True)
                    _write_all(send, data)
                    break
                readable, writable, _ = select.select([self._receive], [send], [])
                if writable:
                    data = data[os.write(send, data) :]
                elif readable:
                    self._collect_one()
        except OSError:
            self._fail()
        finally:
            os.set_blocking(send, False)
        return pending

    def _collect(self, target: Pending) -> None:
        while not target._done:
            self._collect_one()

    def _collect_one(self) -> None:
        pending = self._waiting.pop(0)
        try:
            frame = _read_frame(self._receive)  # type: ignore[arg-type]
        except (OSError, EOFError):
            self._waiting.insert(0, pending)
            self._fail()
            return
        try:
            ok, payload = pickle.loads(frame)
        except Exception as exc:  # e.g. an error class this process cannot import
            pending._settle(None, PublisherError(f"the helper's answer cannot be read: {exc}"))
            return
        pending._settle(payload if ok else None, None if ok else payload)

    def _fail(self) -> None:
        for pending in self._waiting:
            pending._settle(None, PublisherError("the build's helper process stopped unexpectedly"))
        self._waiting.clear()

    def close(self, wait: bool = True) -> None:
        """End the helper process: it exits once its requests pipe closes.

        ``wait`` reaps it; a process that is about to end anyway can leave that to the system.
        """
        self._fail()  # calls never collected: their results are gone with the helper
        for fd in (self._send, self._receive):
            if fd is not None:
                os.close(fd)
        self._send = self._receive = None
        if self._pid is not None:
            if wait:
                os.waitpid(self._pid, 0)
            else:
                _UNREAPED.append(self._pid)
        self._pid = None

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _reap() -> None:
    for pid in list(_UNREAPED):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _UNREAPED.remove(pid)


def _serve(requests: int, replies: int, preload: tuple[str, ...]) -> None:
    for name in preload:
        if ":" in name:
            resolve(name)()
        else:
            importlib.import_module(name)
    while True:
        try:
            function, args = _read(requests)
        except EOFError:
            return
        try:
            reply: tuple[bool, Any] = (True, resolve(function)(*args))
        except Exception as exc:
            reply = (False, _portable(exc))
        _write_all(replies, _frame(reply))


def _portable(exc: Exception) -> BaseException:
    """The exception itself when it survives pickling, else a PublisherError saying what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return PublisherError(f"{type(exc).__name__}: {exc}")
    return exc


def _frame(value: Any) -> memoryview:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return memoryview(_LENGTH.pack(len(data)) + data)


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        data = data[os.write(fd, data) :]


def _read(fd: int) -> Any:
    return pickle.loads(_read_frame(fd))


def _read_frame(fd: int) -> bytes:
    (length,) = _LENGTH.unpack(_read_exactly(fd, _LENGTH.size))
    return _read_exactly(fd, length)


def _read_exactly(fd: int, count: int) -> bytes:
    chunks, left = [], count
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
