"""Functions a build helper process runs in ``tests/test_helper.py``."""

from __future__ import annotations

import os
import signal
import sys
import types

from publisher.errors import RenderError


def pid() -> int:
    return os.getpid()


def echo(value: object) -> object:
    return value


def sized(count: int) -> bytes:
    return b"x" * count


def fail() -> None:
    raise RenderError("the template broke", where="email.mjml:3", problems=["line 3: <mj-x>"])


class _Unpicklable(Exception):
    def __init__(self, message: str, extra: object):
        super().__init__(message)
        self.extra = extra

    def __reduce__(self) -> object:
        raise TypeError("not picklable")


def fail_oddly() -> None:
    raise _Unpicklable("odd failure", lambda: None)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


LOADED: list[str] = []


def load() -> None:
    LOADED.append("loaded")


def loaded() -> list[str]:
    return LOADED


def unreadable() -> object:
    """A value whose class exists only in the helper process."""
    module = types.ModuleType("only_in_the_helper")
    exec("class Thing:\n    pass\n", module.__dict__)
    sys.modules["only_in_the_helper"] = module
    return module.Thing()
