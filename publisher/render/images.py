"""Article images: where each one is published, and the files the build publishes for them.

A figure's ``src`` is a full URL, used as it is, or a path relative to the project
(``images/giao-luu.jpg``). While a build runs, an ``ImageStore`` (``preparing_images``) copies
each local image to ``web/images/<name>-<hash>.<ext>`` under the issue's build folder, at most
``MAX_WIDTH`` pixels wide (600 px shown at 2x), re-encoded so camera metadata such as GPS
positions never leaves the newsroom (an image already small enough and free of such metadata is
published byte for byte). The hash in the name lets the site cache them forever. Every output
asks ``resolve_image`` for an image's address, and nothing else decides it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import io
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

from publisher.errors import RenderError
from publisher.model import Figure, Issue
from publisher.render.cache import Cache
from publisher.render.svg import sanitize_svg
from publisher.text import slugify

MAX_WIDTH = 1200
CACHE_FORMAT = "2"  # bump when encode_for_web changes what it makes of (or checks in) an image
IMAGES_DIR = "images"
# Formats written back as they are; everything else Pillow reads becomes JPEG (or PNG with alpha).
KEPT_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
VERBATIM_SUFFIXES = {".svg", ".gif"}  # vector, or possibly animated: not resized
GIF_METADATA = {"comment", "xmp", "exif"}  # what a GIF may say about its maker, not its picture
REMOTE_PREFIXES = ("https://",)
# What an image may carry and still be published byte for byte: encoding details and the colour
# profile. Anything else (EXIF with GPS, XMP, comments, text chunks) means re-encoding.
HARMLESS_INFO = {
    "jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive", "progression",
    "adobe", "adobe_transform", "icc_profile", "transparency", "gamma", "srgb", "chromaticity",
    "aspect", "interlace", "lossless",
}  # fmt: skip


@dataclass(frozen=True)
class PreparedImage:
    """An image ready to be referenced: its URL and pixel size (None when unknown)."""

    url: str
    width: int | None = None
    height: int | None = None
    name: str = ""  # path under the web edition (``images/<name>``); empty for remote images


class ImageStore:
    """Prepares each image source once per build and keeps the bytes until the build writes them.

    ``roots`` are the folders a relative ``src`` is looked up in, in order (the project, then the
    article library); a file outside them is refused. With ``collect``, an unusable image is noted
    in ``problems`` (and keeps a plain URL) instead of raising, so a build reports them all.
    """

    def __init__(
        self, roots: Sequence[Path], base: str = "", max_width: int = MAX_WIDTH,
        collect: bool = False,
    ):  # fmt: skip
        self.roots = [Path(root).resolve() for root in roots]
        # ``base`` is the web edition's URL (Issue.web_url); empty gives relative URLs.
        self.base = base
        self.max_width = max_width
        self.files: dict[str, bytes] = {}
        self.sources: dict[str, Path] = {}  # published name -> the original file
        self.collect = collect
        self._done: dict[str, PreparedImage] = {}
        self._refused: dict[str, tuple[str, list[str]]] = {}  # src -> (why, articles using it)

    @property
    def problems(self) -> list[str]:
        """Each unusable image once, with the articles that use it."""
        return [
            f"{why} (used by {', '.join(users)})" if users else why
            for why, users in self._refused.values()
        ]

    def resolve(self, src: str, used_by: str = "") -> PreparedImage:
        """The prepared image for ``src``; ``RenderError`` if unusable (see ``collect``).

        ``used_by`` names the article, so that a problem says where the image is used.
        """
        if src in self._refused:
            self.refuse(src, self._refused[src][0], used_by)
        if src not in self._done:
            try:
                self._done[src] = self._prepare(src)
            except RenderError as exc:
                if not self.collect:
                    raise
                self.refuse(src, str(exc), used_by)
                name = quote(PurePosixPath(src).name)
                self._done[src] = PreparedImage(url=f"{self.base}{IMAGES_DIR}/{name}")
        return self._done[src]

    def refuse(self, src: str, why: str, used_by: str = "") -> None:
        """Note that ``src`` cannot be used (reported with the build's other problems)."""
        _, users = self._refused.setdefault(src, (why, []))
        if used_by and used_by not in users:
            users.append(used_by)

    def _prepare(self, src: str) -> PreparedImage:
        if src.startswith(REMOTE_PREFIXES):
            return PreparedImage(url=src)
        path = self.source_path(src)
        data, suffix, size = encode_for_web(path, self.max_width)
        digest = hashlib.sha256(data).hexdigest()[:10]
        name = f"{IMAGES_DIR}/{slugify(path.stem) or 'image'}-{digest}{suffix}"
        self.files[name] = data
        self.sources[name] = path
        return PreparedImage(url=f"{self.base}{name}", width=size[0], height=size[1], name=name)

    def source_path(self, src: str) -> Path:
        """The image file under one of the roots; anything outside them is refused."""
        relative = PurePosixPath(src.strip())
        for root in self.roots:
            path = (root / relative).resolve()
            if not path.is_relative_to(root):
                raise RenderError("an image must be inside the project folder", where=src)
            if path.is_file():
                return path
        raise RenderError("the image file does not exist", where=src)

    def write(self, out_dir: Path) -> None:
        """Write the prepared images under ``out_dir`` (``out_dir/images/...``)."""
        for name, data in self.files.items():
            target = out_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def encode_for_web(
    path: Path, max_width: int = MAX_WIDTH
) -> tuple[bytes, str, tuple[int | None, int | None]]:
    """The bytes to publish, their suffix and ``(width, height)`` (both None for SVG).

    Results are cached by the image's content (with the width limit and Pillow's version), so a
    rebuild neither loads Pillow nor re-encodes a photo it has seen before.
    """
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return sanitize_svg(raw, str(path)), suffix, (None, None)
    cache = Cache.open("images")
    key = Cache.key(CACHE_FORMAT, _pillow_version(), str(max_width), suffix, raw)
    found = cache.get(key) if cache is not None else None
    if found is not None:
        record, blob = found
        with contextlib.suppress(KeyError, TypeError):
            size = (record["width"], record["height"])
            return raw if blob is None else blob, str(record["suffix"]), size
    data, out_suffix, size = _encode(raw, path, suffix, max_width)
    if cache is not None:
        record = {"suffix": out_suffix, "width": size[0], "height": size[1]}
        cache.put(key, record, None if data is raw else data)
    return data, out_suffix, size


@functools.cache
def _pillow_version() -> str:
    """Pillow's installed version, from its package metadata: no need to import it."""
    try:
        return importlib.metadata.version("pillow")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a core dependency
        return ""


def _encode(
    raw: bytes, path: Path, suffix: str, max_width: int
) -> tuple[bytes, str, tuple[int, int]]:
    try:
        from PIL import Image, ImageOps, UnidentifiedImageError
    except ImportError as exc:  # pragma: no cover - Pillow is a core dependency
        raise RenderError("images need Pillow: pip install pillow", where=str(path)) from exc
    try:
        # A picture larger than Pillow's safety limit (89 million pixels) is refused, not tried:
        # decoding it could take all the memory of the machine.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(raw))
        with opened:
            # Decode every frame before publishing anything: a truncated or corrupt file fails
            # here, not in a subscriber's mail client. (PNG text chunks after the pixels only
            # show up once loaded, too.)
            for frame in range(getattr(opened, "n_frames", 1)):
                opened.seek(frame)
                opened.load()
            opened.seek(0)
            if suffix in VERBATIM_SUFFIXES:
                if not set(opened.info) & GIF_METADATA:
                    return raw, suffix, opened.size
                return _without_metadata(opened), suffix, opened.size
            fmt = opened.format or ""
            if _publishable_as_is(opened, max_width):
                # Already small and clean: re-encoding would only lose quality and time.
                return raw, KEPT_FORMATS[fmt], opened.size
            image = ImageOps.exif_transpose(opened)
            if image.width > max_width:
                height = max(1, round(image.height * max_width / image.width))
                image = image.resize((max_width, height), Image.Resampling.LANCZOS)
            return _save(image, fmt)
    except UnidentifiedImageError:
        message = "cannot read the image: not a picture in a format Pillow reads (JPEG, PNG...)"
        raise RenderError(message, where=str(path)) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        message = f"the image is too large to decode safely: {exc}"
        raise RenderError(message, where=str(path)) from None
    except (OSError, ValueError) as exc:
        raise RenderError(f"cannot read the image: {exc}", where=str(path)) from exc


def _without_metadata(image: Any) -> bytes:
    """An animated or still GIF saved again, every frame kept, without comments or XMP."""
    for key in GIF_METADATA:
        image.info.pop(key, None)
    out = io.BytesIO()
    image.save(out, "GIF", save_all=True)
    return out.getvalue()


def _publishable_as_is(image, max_width: int) -> bool:
    return (
        image.format in KEPT_FORMATS
        and image.width <= max_width
        and not getattr(image, "is_animated", False)
        and set(image.info) <= HARMLESS_INFO
    )


def _save(image, fmt: str) -> tuple[bytes, str, tuple[int, int]]:
    out = io.BytesIO()
    # Keep the colour profile (photos in Adobe RGB look wrong without it), drop the rest of EXIF.
    extra = {"icc_profile": image.info["icc_profile"]} if image.info.get("icc_profile") else {}
    suffix = KEPT_FORMATS.get(fmt)
    if suffix is None:
        has_alpha = image.mode in {"RGBA", "LA"} or "transparency" in image.info
        suffix, fmt = (".png", "PNG") if has_alpha else (".jpg", "JPEG")
    if fmt == "JPEG":
        if image.mode not in {"RGB", "L"}:
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True, **extra)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True, **extra)
    else:
        image.save(out, fmt, quality=85, **extra)
    return out.getvalue(), suffix, image.size


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


def resolve_image(
    issue: Issue, figure: Figure, used_by: str = ""
) -> tuple[str, int | None, int | None]:
    """``(url, width, height)`` of a figure's image; width and height are None when unknown.

    ``used_by`` is the article's slug, for the problem that an unusable image raises (or, while
    a build collects them, adds to its store's problems).
    """
    src = figure.src.strip()
    parts = urlsplit(src)
    store = _STORE.get()
    if parts.scheme == "https" and parts.netloc:
        return src, None, None
    if parts.scheme or parts.netloc or not parts.path:
        # http: would be mixed content in the web edition and is unencrypted in mail clients;
        # javascript:, data:, file: and the like never reach a subscriber.
        why = f"unsupported image address {src!r}: use https:// or a project path"
        if store is None or not store.collect:
            raise RenderError(why, where=used_by or None)
        store.refuse(src, why, used_by)
        return "", None, None
    if store is not None:
        prepared = store.resolve(parts.path, used_by)
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
