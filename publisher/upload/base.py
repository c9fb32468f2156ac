"""What every destination shares: the file list, headers per kind, upload order, the report.

A destination (``directory.py``, ``s3.py``) only knows how to say whether a file is already
there and how to put one; the order, the skipping and the failure rules live here, once.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from publisher.config import SCHEMA

# Text types get an explicit charset: without one, browsers guess (and guess wrong for Vietnamese).
TEXT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
}
FEED_NAMES = {"feed.xml": "application/atom+xml"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".ico"}

# Cache-Control per kind of file, from ``[upload]`` in publisher.toml (see its schema).
DEFAULT_CACHE = {
    key: default for key, (_, default) in SCHEMA["upload"].items() if key.startswith("cache_")
}


def content_type_for(key: str) -> str:
    """The Content-Type for a key, with ``charset=utf-8`` on every text type."""
    path = PurePosixPath(key)
    suffix = path.suffix.lower()
    text = FEED_NAMES.get(path.name) or TEXT_TYPES.get(suffix)
    if text:
        return f"{text}; charset=utf-8"
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def kind_of(key: str) -> str:
    """``page``, ``feed``, ``image`` or ``file``: what decides headers and upload order."""
    path = PurePosixPath(key)
    if path.name in FEED_NAMES:
        return "feed"
    if path.suffix.lower() in {".html", ".htm"}:
        return "page"
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return "image"
    return "file"


def cache_control_for(key: str, policy: Mapping[str, str] | None = None) -> str:
    """The Cache-Control for a key, from ``[upload]`` settings or the defaults."""
    policy = {**DEFAULT_CACHE, **(policy or {})}
    setting = {"page": "cache_pages", "feed": "cache_feed", "image": "cache_images"}
    return policy[setting.get(kind_of(key), "cache_files")]


def upload_rank(key: str) -> tuple[int, int]:
    """Upload rank: assets first, then pages deepest first, the feed last.

    A page links to deeper pages (the archive to issues, an issue to its articles) and to
    assets, so uploading in this order means a page never goes live before what it links to.
    """
    kind = kind_of(key)
    if kind == "feed":
        return (2, 0)
    if kind == "page":
        return (1, -len(PurePosixPath(key).parts))
    return (0, 0)


@dataclass(frozen=True)
class LocalFile:
    """One built file and where it goes: its key relative to the destination root."""

    key: str
    path: Path
    sha256: str
    size: int
    content_type: str
    cache_control: str

    @classmethod
    def from_path(cls, key: str, path: Path, policy: Mapping[str, str] | None = None) -> LocalFile:
        data = path.read_bytes()
        return cls(
            key=key,
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            content_type=content_type_for(key),
            cache_control=cache_control_for(key, policy),
        )

    def read(self) -> bytes:
        return self.path.read_bytes()


class Destination(ABC):
    """Where built files go. ``open`` reads the remote state once; ``close`` saves it."""

    #: what users see in messages (``/srv/www``, ``s3://bucket/prefix``)
    name: str = ""

    def open(self, verify: bool = False) -> None:  # noqa: B027 - optional hook
        """Read what is already there (a manifest, a listing); called once before any put.

        ``verify``: trust no record of earlier uploads; ``is_current`` asks the destination
        itself about each file.
        """

    @abstractmethod
    def is_current(self, file: LocalFile) -> bool:
        """True when the destination already holds exactly this file (bytes and headers)."""

    @abstractmethod
    def put(self, file: LocalFile) -> None:
        """Store one file, replacing any older one; raise ``UploadFailed`` on failure."""

    def checkpoint(self) -> None:  # noqa: B027 - optional hook
        """Called after each put: a destination with a record of its own may save it now, so
        that a run killed halfway does not send everything again."""

    def close(self, changed: bool) -> None:  # noqa: B027 - optional hook
        """Persist the state after the run (``changed``: something was put)."""


class UploadFailed(Exception):
    """Raised by a destination's ``put`` with a short reason for the report."""


@dataclass
class UploadReport:
    """What a run did: keys uploaded, skipped (unchanged), failed (with reason), held back."""

    destination: str
    dry_run: bool = False
    uploaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    held: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.held


def ordered(files: Iterable[LocalFile]) -> list[LocalFile]:
    """Files in upload order (see ``upload_rank``), then by key for a stable listing."""
    return sorted(files, key=lambda f: (upload_rank(f.key), f.key))


def run_upload(
    files: Iterable[LocalFile],
    destination: Destination,
    *,
    dry_run: bool = False,
    verify: bool = False,
    progress: Callable[[str, str], None] | None = None,
) -> UploadReport:
    """Upload what changed in ``ordered`` order; the first failure holds back everything after.

    Stopping outright (rather than going on with the other files) is what keeps the live site
    consistent: whatever links to the failed file comes later, so it stays at its old version.
    """
    report = UploadReport(destination=destination.name, dry_run=dry_run)
    destination.open(verify=verify)
    for file in ordered(files):
        if destination.is_current(file):
            report.skipped.append(file.key)
            continue
        if report.failed:
            report.held.append(file.key)
            continue
        if dry_run:
            report.uploaded.append(file.key)
            _notify(progress, "would upload", file.key)
            continue
        try:
            destination.put(file)
        except UploadFailed as exc:
            report.failed.append((file.key, str(exc)))
            _notify(progress, "failed", f"{file.key}: {exc}")
            continue
        report.uploaded.append(file.key)
        _notify(progress, "uploaded", file.key)
        # Only a record of progress: if it cannot be saved now, close() tries again and reports.
        with contextlib.suppress(UploadFailed):
            destination.checkpoint()
    if not dry_run:
        try:
            destination.close(changed=bool(report.uploaded))
        except UploadFailed as exc:
            # Only the record of what is there failed: the next run re-sends, never skips.
            report.failed.append(("(upload state)", str(exc)))
    return report


def _notify(progress: Callable[[str, str], None] | None, action: str, what: str) -> None:
    if progress is not None:
        progress(action, what)
