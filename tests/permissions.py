"""Running ``publisher`` as a process that file permissions apply to, even when tests run as root.

Root reads and writes files whatever their mode (the capabilities ``CAP_DAC_OVERRIDE`` and
``CAP_DAC_READ_SEARCH``); without them, root is an owner like any other, so a file made
read-only or unreadable by ``chmod`` is one for the command under test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import PYTHON, subprocess_env


def publisher_as_user(project: Path, *args: str) -> subprocess.CompletedProcess:
    """``publisher --project PROJECT ARGS`` in a subprocess that permissions apply to."""
    command = [PYTHON, "-m", "publisher", "--project", str(project), *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "util-linux's setpriv is needed to test permissions as root"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    return subprocess.run(
        command, env=subprocess_env(), stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
