"""What the tests' real parts (servers, browsers, tools) share: how a missing one is reported,
and how a server process is stopped."""

from __future__ import annotations

import os
import subprocess
from typing import NoReturn

import pytest


def unavailable(message: str) -> NoReturn:
    """A part the test needs is missing: skip locally, fail in CI (where it must be there)."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """Stop a server process: politely, then for good after ten seconds."""
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
