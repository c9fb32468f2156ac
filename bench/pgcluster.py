"""The PostgreSQL database a benchmark runs against: the one given, or a throwaway cluster's."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def database(url: str | None, throwaway: bool) -> Iterator[str | None]:
    """``url``; without one and with ``throwaway`` (``--postgres``), a new database in a
    cluster started as the tests start theirs (Debian's postgresql), stopped afterwards."""
    if url or not throwaway:
        yield url
        return
    from tests.pgserver import Cluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        sys.exit("--postgres needs Debian's postgresql (apt-get install postgresql)")
    cluster = Cluster(bindir).start()
    try:
        yield cluster.new_database()
    finally:
        cluster.stop()
