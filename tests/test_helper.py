"""The build's helper process: calls run in a forked process, results and errors come back.

Each case runs in a fresh interpreter, because the helper refuses to fork a process with other
threads running (as a pytest process may have, from servers other tests start).
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap

import pytest

from publisher.errors import PublisherError
from publisher.helper import Helper
from tests.conftest import PYTHON, ROOT, subprocess_env

T = "tests.helper_targets"


def run(code: str) -> dict:
    """Run ``code`` (which sets ``out``) in a fresh interpreter; ``out`` comes back as JSON."""
    script = "import json, os, threading\nfrom publisher.helper import Helper\n"
    script += textwrap.dedent(code) + "\nprint(json.dumps(out))\n"
    done = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=subprocess_env(), capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_calls_run_in_another_process_and_answer_in_order():
    out = run(f"""
        with Helper.start(["{T}:load"]) as helper:
            pending = [helper.call("{T}:echo", n) for n in range(20)]
            out = {{
                "forked": helper.forked,
                "pid": helper.call("{T}:pid").result(),
                "loaded": helper.call("{T}:loaded").result(),
                "values": [p.result() for p in pending],
                "own_pid": os.getpid(),
            }}
    """)
    assert out["forked"] is True
    assert out["pid"] != out["own_pid"]
    assert out["loaded"] == ["loaded"]  # the preload ran in the helper, not here
    assert out["values"] == list(range(20))


def test_large_requests_and_replies_do_not_deadlock():
    # Each reply and request is far larger than a pipe's buffer, and none is collected before
    # the next call is sent.
    out = run(f"""
        with Helper.start() as helper:
            big = [helper.call("{T}:sized", 3_000_000) for _ in range(3)]
            echoed = helper.call("{T}:echo", "é" * 2_000_000)
            out = {{
                "sizes": [len(p.result()) for p in big],
                "echoed": echoed.result() == "é" * 2_000_000,
            }}
    """)
    assert out == {"sizes": [3_000_000] * 3, "echoed": True}


def test_errors_come_back_with_their_details():
    out = run(f"""
        from publisher.errors import RenderError, PublisherError
        with Helper.start() as helper:
            failed, odd, after = (
                helper.call("{T}:fail"), helper.call("{T}:fail_oddly"), helper.call("{T}:echo", 1)
            )
            out = {{}}
            try:
                failed.result()
            except RenderError as exc:
                out["render"] = [exc.message, exc.where, exc.problems, exc.exit_code]
            try:
                odd.result()
            except PublisherError as exc:
                out["odd"] = str(exc)
            out["after"] = after.result()
    """)
    assert out["render"] == ["the template broke", "email.mjml:3", ["line 3: <mj-x>"], 7]
    assert out["odd"] == "_Unpicklable: odd failure"
    assert out["after"] == 1  # a failed call does not stop the helper


def test_an_answer_this_process_cannot_read_is_an_error():
    out = run(f"""
        from publisher.errors import PublisherError
        with Helper.start() as helper:
            odd, after = helper.call("{T}:unreadable"), helper.call("{T}:echo", 3)
            try:
                odd.result()
                out = {{"raised": False}}
            except PublisherError as exc:
                out = {{"raised": str(exc)}}
            out["after"] = after.result()
    """)
    assert out["raised"].startswith("the helper's answer cannot be read: ")
    assert out["after"] == 3


def test_a_helper_that_dies_is_an_error_not_a_hang():
    out = run(f"""
        from publisher.errors import PublisherError
        helper = Helper.start()
        first, second = helper.call("{T}:die"), helper.call("{T}:echo", 2)
        out = []
        for pending in (first, second):
            try:
                pending.result()
            except PublisherError as exc:
                out.append(str(exc))
        helper.close()
    """)
    assert out == ["the build's helper process stopped unexpectedly"] * 2


def test_no_fork_while_other_threads_run():
    out = run(f"""
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)
        thread.start()
        with Helper.start() as helper:
            out = {{"forked": helper.forked, "pid": helper.call("{T}:pid").result(),
                    "own_pid": os.getpid()}}
        stop.set()
    """)
    assert out["forked"] is False and out["pid"] == out["own_pid"]


def test_a_local_helper_runs_calls_at_once():
    helper = Helper.local()
    assert helper.call(f"{T}:echo", [1, 2]).result() == [1, 2]
    pending = helper.call(f"{T}:fail")
    with pytest.raises(PublisherError, match="the template broke"):
        pending.result()


def test_a_helper_closed_without_waiting_is_reaped_later():
    out = run(f"""
        import time
        from publisher import helper as module
        first = Helper.start()
        pid = first.call("{T}:pid").result()
        first.close(wait=False)
        time.sleep(0.3)  # it has exited by now, a zombie until reaped
        with Helper.start() as second:
            out = {{"unreaped": list(module._UNREAPED), "pid": pid}}
        try:
            os.waitpid(pid, os.WNOHANG)
            out["still_a_child"] = True
        except ChildProcessError:
            out["still_a_child"] = False
    """)
    assert out["unreaped"] == [] and out["still_a_child"] is False


def test_a_failed_fork_builds_in_this_process(monkeypatch):
    from publisher import helper as module

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(module.threading, "active_count", lambda: 1)
    monkeypatch.setattr(module.os, "fork", no_fork)
    before = len(os.listdir("/proc/self/fd"))
    helper = Helper.start([f"{T}:load"])
    assert helper.forked is False
    assert len(os.listdir("/proc/self/fd")) == before  # its pipes are closed again
    assert helper.call(f"{T}:echo", 5).result() == 5
