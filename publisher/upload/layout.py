"""The built files to publish, as ``LocalFile``s under their keys (see ``output.layout``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from publisher.errors import UploadError
from publisher.output.layout import issue_keys, tree_keys
from publisher.text import slugify
from publisher.upload.base import LocalFile


def issue_files(
    build_dir: Path, slug: str, policy: Mapping[str, str] | None = None
) -> list[LocalFile]:
    """The files to publish for one issue."""
    if slug != slugify(slug, max_length=200):  # "../x" or "a/b" would reach outside build/
        raise UploadError(f"{slug!r} is not an issue slug (like ban-tin-so-1)")
    keys = issue_keys(build_dir / slug, slug)
    return [LocalFile.from_path(key, path, policy) for key, path in keys.items()]


def site_files(site_dir: Path, policy: Mapping[str, str] | None = None) -> list[LocalFile]:
    """The files to publish for the whole site (``build/site/``: archive, feed, every issue)."""
    if not (site_dir / "index.html").is_file():
        raise UploadError("the site is not built: run publisher site", where=str(site_dir))
    return [LocalFile.from_path(key, path, policy) for key, path in tree_keys(site_dir).items()]
