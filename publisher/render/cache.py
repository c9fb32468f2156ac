"""A per-user cache of derived files that are slow to make and depend only on their inputs.

Entries are named by a hash of everything they depend on, so a changed input is simply a new
entry and nothing is ever stale; entries unused for ``KEEP_DAYS`` are removed (checked at most
once a day). The folder is ``$PUBLISHER_CACHE_DIR``, else ``$XDG_CACHE_HOME/publisher``, else
``~/.cache/publisher``. A cache that cannot be read or written is skipped: it only ever saves
time, never decides an output.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

ENV = "PUBLISHER_CACHE_DIR"
KEEP_DAYS = 60
_OPENED: dict[Path, Cache] = {}
_PRUNED = ".pruned"  # its modification time: when unused entries were last removed


def cache_root() -> Path:
    explicit = os.environ.get(ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "publisher"


class Cache:
    """One kind of entry (``images``...): a JSON record and an optional blob per key."""

    def __init__(self, folder: Path):
        self.folder = folder

    @classmethod
    def open(cls, kind: str) -> Cache | None:
        """The cache for ``kind``, or None when its folder cannot be made.

        Its folder is made and pruned once per process (a build opens it for every image).
        """
        folder = cache_root() / kind
        if folder not in _OPENED:
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError:
                return None
            _OPENED[folder] = cls(folder)
            _OPENED[folder].prune()
        return _OPENED[folder]

    def prune(self, now: float | None = None) -> None:
        """Remove entries unused for ``KEEP_DAYS``; at most once a day, as it lists the folder."""
        now = time.time() if now is None else now
        marker = self.folder / _PRUNED
        with contextlib.suppress(OSError):
            if now - marker.stat().st_mtime < 86400:
                return
        with contextlib.suppress(OSError):
            marker.touch()
            os.utime(marker, (now, now))
            for record in self.folder.glob("*.json"):
                with contextlib.suppress(OSError):
                    if now - record.stat().st_mtime > KEEP_DAYS * 86400:
                        record.unlink()
                        record.with_suffix(".bin").unlink(missing_ok=True)
            # Blobs without a record and temporary files: left by a process that was stopped.
            for stray in [*self.folder.glob("*.bin"), *self.folder.glob(".*.tmp")]:
                with contextlib.suppress(OSError):
                    orphan = stray.suffix == ".tmp" or not stray.with_suffix(".json").exists()
                    if orphan and now - stray.stat().st_mtime > 86400:
                        stray.unlink()

    @staticmethod
    def key(*parts: bytes | str) -> str:
        digest = hashlib.sha256()
        for part in parts:
            data = part.encode("utf-8") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> tuple[dict[str, Any], bytes | None] | None:
        """The record and blob stored under ``key``; None when missing or damaged."""
        path = self.folder / f"{key}.json"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            os.utime(path)  # used now: kept another KEEP_DAYS
            blob_hash = record.get("blob_sha256")
            if blob_hash is None:
                return record, None
            blob = (self.folder / f"{key}.bin").read_bytes()
        except (OSError, ValueError, AttributeError):
            return None
        if hashlib.sha256(blob).hexdigest() != blob_hash:
            return None
        return record, blob

    def put(self, key: str, record: dict[str, Any], blob: bytes | None = None) -> None:
        """Store ``record`` (and ``blob``); the blob goes first, so a record never lacks it."""
        record = dict(record)
        with contextlib.suppress(OSError):
            if blob is not None:
                record["blob_sha256"] = hashlib.sha256(blob).hexdigest()
                self._write(f"{key}.bin", blob)
            self._write(f"{key}.json", json.dumps(record, sort_keys=True).encode("utf-8"))

    def _write(self, name: str, data: bytes) -> None:
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, self.folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
