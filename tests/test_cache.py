"""The per-user cache of derived files: entries by key, damage ignored, unused entries pruned."""

from __future__ import annotations

import hashlib
import os
import time

from publisher.render.cache import KEEP_DAYS, Cache

DAY = 86400


def aged(path, days: float, now: float) -> None:
    os.utime(path, (now - days * DAY, now - days * DAY))


def test_records_and_blobs_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path))
    cache = Cache.open("things")
    key = Cache.key("v1", b"\x00bytes")
    assert key != Cache.key("v1\x00", b"bytes")  # parts are length-prefixed, never run together
    assert cache.get(key) is None
    cache.put(key, {"width": 3}, b"blob")
    cache.put(Cache.key("other"), {"width": 4})
    record, blob = cache.get(key)
    assert blob == b"blob"
    assert record == {"width": 3, "blob_sha256": hashlib.sha256(b"blob").hexdigest()}
    assert cache.get(Cache.key("other")) == ({"width": 4}, None)
    assert sorted(
        p.name for p in (tmp_path / "things").iterdir() if not p.name.startswith(".")
    ) == sorted([f"{key}.json", f"{key}.bin", f"{Cache.key('other')}.json"])


def test_unused_entries_are_pruned_once_a_day(tmp_path):
    cache = Cache(tmp_path)
    now = time.time()
    for name, days in (("old", KEEP_DAYS + 1), ("recent", KEEP_DAYS - 1)):
        cache.put(name, {"n": 1}, b"blob")
        aged(tmp_path / f"{name}.json", days, now)
        aged(tmp_path / f"{name}.bin", days, now)
    (tmp_path / "orphan.bin").write_bytes(b"x")  # its record never written
    aged(tmp_path / "orphan.bin", 2, now)
    (tmp_path / ".left.tmp").write_bytes(b"x")
    aged(tmp_path / ".left.tmp", 2, now)
    cache.prune(now)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".pruned", "recent.bin", "recent.json"]
    cache.put("old", {"n": 2})
    aged(tmp_path / "old.json", KEEP_DAYS + 1, now)
    cache.prune(now + DAY / 2)  # pruned less than a day ago: nothing is listed
    assert (tmp_path / "old.json").exists()
    cache.prune(now + DAY + 1)
    assert not (tmp_path / "old.json").exists()


def test_reading_an_entry_keeps_it(tmp_path):
    cache = Cache(tmp_path)
    now = time.time()
    cache.put("used", {"n": 1})
    aged(tmp_path / "used.json", KEEP_DAYS + 1, now)
    assert cache.get("used") == ({"n": 1}, None)  # a hit marks it used today
    cache.prune(now)
    assert (tmp_path / "used.json").exists()
