"""Shared fixtures: a fresh project folder and a CLI runner bound to it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from publisher.cli import main
from tests.parts import unavailable

# Shared CI machines are noisy: a per-example deadline only produces flaky failures there.
settings.register_profile("publisher", deadline=None)
settings.load_profile("publisher")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# shared/ sits beside the checkout; PUBLISHER_SHARED points elsewhere (e.g. from a worktree).
SHARED = Path(os.environ.get("PUBLISHER_SHARED") or ROOT.parent / "shared")
SEED = SHARED / "seeds" / "000_d67a38a087b4ae63.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite golden files instead of comparing."
    )


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Caches (``publisher.render.cache``) go to a folder of this test run, for subprocesses too."""
    old = os.environ.get("PUBLISHER_CACHE_DIR")
    os.environ["PUBLISHER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        del os.environ["PUBLISHER_CACHE_DIR"]
    else:
        os.environ["PUBLISHER_CACHE_DIR"] = old


@pytest.fixture(scope="session", autouse=True)
def embedded_database():
    """Tests use the embedded SQLite default unless they ask for an engine (``engine``)."""
    old = os.environ.pop("PUBLISHER_DATABASE_URL", None)
    yield
    if old is not None:
        os.environ["PUBLISHER_DATABASE_URL"] = old


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster (``tests/pgserver.py``) for this test session."""
    from tests.pgserver import Cluster, find_bindir

    require_module("psycopg", "pip install -e '.[test]'")
    bindir = find_bindir()
    if bindir is None:
        unavailable("PostgreSQL is not installed (apt-get install postgresql)")
    cluster = Cluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test once per engine; for PostgreSQL, PUBLISHER_DATABASE_URL names a new database."""
    if request.param == "postgresql":
        cluster = request.getfixturevalue("postgres")
        monkeypatch.setenv("PUBLISHER_DATABASE_URL", cluster.new_database())
    return str(request.param)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        unavailable(f"the seed article is missing ({SEED}): shared/ is not beside the checkout")
    return SEED


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty newsletter project folder."""
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.fixture
def cli(project: Path):
    """Run ``publisher --project <project> ARGS...`` in-process; stdout and stderr kept apart."""

    def run(*args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(main, ["--project", str(project), *args], input=input)

    return run


def subprocess_env() -> dict[str, str]:
    """Environment for running ``python -m publisher`` from this checkout in a subprocess."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


PYTHON = sys.executable


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (see ``tests/browser.py``)."""
    from tests.browser import launch

    with launch() as instance:
        yield instance


@pytest.fixture
def smtp_server():
    """A recording aiosmtpd server on 127.0.0.1 (``tests/smtpserver.py``)."""
    from tests.smtpserver import RecordingHandler, SmtpServer

    with SmtpServer(RecordingHandler()) as server:
        yield server


def require_module(name: str, install: str) -> Any:
    """The module ``name``; missing, it skips the test, or fails it when ``CI`` is set."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        unavailable(f"{name} is not installed ({install})")
