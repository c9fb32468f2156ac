"""Where a figure's image lives once published: the one place that decides image URLs.

Absolute web addresses are used as they are; a path inside the project (``images/giao-luu.jpg``)
is published beside the web edition as ``{issue.web_url}images/<name>``. While a build runs, an
``ImageStore`` (``preparing_images``) copies and resizes those files and names them by content;
every output asks here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from publisher.errors import RenderError
from publisher.images import ImageStore
from publisher.model import Figure, Issue

# The build's image store while an issue renders: it copies, resizes and names local images.
_STORE: ContextVar[ImageStore | None] = ContextVar("image_store", default=None)


@contextmanager
def preparing_images(store: ImageStore) -> Iterator[ImageStore]:
    """Within this block, ``resolve_image`` prepares local images with ``store``."""
    token = _STORE.set(store)
    try:
        yield store
    finally:
        _STORE.reset(token)


def resolve_image(issue: Issue, figure: Figure) -> tuple[str, int | None, int | None]:
    """``(url, width, height)`` of a figure's image; width and height are None when unknown."""
    src = figure.src.strip()
    parts = urlsplit(src)
    if parts.scheme in ("http", "https") and parts.netloc:
        return src, None, None
    if parts.scheme or parts.netloc or not parts.path:
        # javascript:, data:, file: and the like never reach a subscriber.
        raise RenderError(f"unsupported image address {src!r}: use https:// or a project path")
    store = _STORE.get()
    if store is not None:
        prepared = store.resolve(parts.path)
        return prepared.url, prepared.width, prepared.height
    name = PurePosixPath(parts.path).name
    return f"{issue.web_url}images/{quote(name)}", None, None


def local_images(issue: Issue, roots: list[Path]) -> dict[str, Path]:
    """Published image URLs that a project file stands for (tried under each root in order)."""
    found: dict[str, Path] = {}
    for entry in issue.entries:
        for figure in entry.article.figures:
            src = figure.src.strip()
            if not src or urlsplit(src).scheme or urlsplit(src).netloc:
                continue
            url = resolve_image(issue, figure)[0]
            for root in roots:
                path = (root / src).resolve()
                if path.is_file() and path.is_relative_to(root.resolve()):
                    found[url] = path
                    break
    return found
