"""Local article images prepared for the build: copied, resized for email, named by content.

A figure's ``src`` is a path relative to the project (``images/giao-luu.jpg``) or a full URL.
Local images go to ``web/images/<name>-<hash>.<ext>`` under the issue's build folder, at most
``MAX_WIDTH`` pixels wide (600 px shown at 2x), re-encoded so camera metadata such as GPS
positions never leaves the newsroom. The hash in the name lets the site cache them forever.
Remote images are used as they are.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from publisher.errors import RenderError
from publisher.text import slugify

MAX_WIDTH = 1200
IMAGES_DIR = "images"
# Formats written back as they are; everything else Pillow reads becomes JPEG (or PNG with alpha).
KEPT_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
VERBATIM_SUFFIXES = {".svg", ".gif"}  # vector, or possibly animated: never re-encoded
REMOTE_PREFIXES = ("http://", "https://", "//", "data:")


@dataclass(frozen=True)
class PreparedImage:
    """An image ready to be referenced: its URL and pixel size (None when unknown)."""

    url: str
    width: int | None = None
    height: int | None = None
    file: Path | None = None


class ImageStore:
    """Prepares each image source once per build; ``resolve`` gives its URL and size."""

    def __init__(self, project: Path, out_dir: Path, base: str = "", max_width: int = MAX_WIDTH):
        self.project = Path(project).resolve()
        self.out_dir = Path(out_dir)
        # ``base`` is the web edition's URL (Issue.web_url); empty gives relative URLs.
        self.base = base
        self.max_width = max_width
        self._done: dict[str, PreparedImage] = {}

    def resolve(self, src: str) -> PreparedImage:
        """The prepared image for a figure's ``src`` (raises ``RenderError`` if unusable)."""
        if src not in self._done:
            self._done[src] = self._prepare(src)
        return self._done[src]

    def _prepare(self, src: str) -> PreparedImage:
        if src.startswith(REMOTE_PREFIXES):
            return PreparedImage(url=src)
        path = self.source_path(src)
        data, suffix, size = encode_for_web(path, self.max_width)
        digest = hashlib.sha256(data).hexdigest()[:10]
        name = f"{slugify(path.stem) or 'image'}-{digest}{suffix}"
        target = self.out_dir / IMAGES_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_bytes(data)
        url = f"{self.base}{IMAGES_DIR}/{name}"
        return PreparedImage(url=url, width=size[0], height=size[1], file=target)

    def source_path(self, src: str) -> Path:
        """The image file inside the project; anything outside it is refused."""
        path = (self.project / PurePosixPath(src)).resolve()
        if not path.is_relative_to(self.project):
            raise RenderError("an image must be inside the project folder", where=src)
        if not path.is_file():
            raise RenderError("the image file does not exist", where=str(path))
        return path


def encode_for_web(
    path: Path, max_width: int = MAX_WIDTH
) -> tuple[bytes, str, tuple[int | None, int | None]]:
    """The bytes to publish, their suffix and ``(width, height)`` (both None for SVG)."""
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return raw, suffix, (None, None)
    try:
        from PIL import Image, ImageOps, UnidentifiedImageError
    except ImportError as exc:  # pragma: no cover - Pillow is a core dependency
        raise RenderError("images need Pillow: pip install pillow", where=str(path)) from exc
    try:
        with Image.open(io.BytesIO(raw)) as opened:
            if suffix in VERBATIM_SUFFIXES:
                return raw, suffix, opened.size
            image = ImageOps.exif_transpose(opened)
            fmt = opened.format or ""
            if image.width > max_width:
                height = max(1, round(image.height * max_width / image.width))
                image = image.resize((max_width, height), Image.Resampling.LANCZOS)
            return _save(image, fmt)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise RenderError(f"cannot read the image: {exc}", where=str(path)) from exc


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
