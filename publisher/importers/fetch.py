"""Fetching news pages and their images from the web, as a polite client.

Every request names the tool in its User-Agent, follows redirects (http and https only), gives
up after a timeout, refuses a body past a size limit, honours the site's ``robots.txt`` and
waits between two requests to one host. A failure is an ``InputError`` naming the address and
the reason (the HTTP status, a timeout), so the import of the other sources goes on.
"""

from __future__ import annotations

import hashlib
import http.client
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from publisher import __version__
from publisher.errors import InputError
from publisher.importers.base import Source, decode
from publisher.model import Article
from publisher.text import slugify

USER_AGENT = f"publisher/{__version__} (newsletter article import)"
TIMEOUT = 20.0
MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_BYTES = 20 * 1024 * 1024
PER_HOST_INTERVAL = 1.0  # seconds between two requests to one host


def is_url(text: str) -> bool:
    return urlsplit(text).scheme in ("http", "https") and bool(urlsplit(text).netloc)


@dataclass(frozen=True)
class Fetched:
    """A response: the address it finally came from (after redirects), its type and bytes."""

    url: str
    content_type: str
    data: bytes


@dataclass
class Fetcher:
    """One import's client: robots.txt read once per host, requests to a host spaced out."""

    # Read when a fetcher is made, so that a test (or a caller) may change them.
    timeout: float = field(default_factory=lambda: TIMEOUT)
    interval: float = field(default_factory=lambda: PER_HOST_INTERVAL)
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)

    def page(self, url: str) -> Source:
        """A page as a ``Source`` for the importers (named by its address)."""
        fetched = self.get(url, MAX_PAGE_BYTES)
        text, encoding = decode(fetched.data, where=url)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        digest = "sha256:" + hashlib.sha256(fetched.data).hexdigest()
        return Source(name=fetched.url, text=text, content_hash=digest, encoding=encoding)

    def get(self, url: str, limit: int) -> Fetched:
        """The response to ``GET url``; ``InputError`` for anything but a 2xx within limits."""
        if not is_url(url):
            raise InputError("not an http:// or https:// address", where=url)
        self._allowed(url)
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        self._wait(url)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                final = response.geturl()
                if not is_url(final):
                    raise InputError(f"redirected to {final!r}, which is not a web page", where=url)
                data = response.read(limit + 1)
                content_type = response.headers.get("Content-Type", "")
                declared = response.headers.get("Content-Length", "")
        except urllib.error.HTTPError as exc:
            raise InputError(f"cannot fetch it: HTTP {exc.code} {exc.reason}", where=url) from None
        except TimeoutError:
            raise InputError(f"no answer within {self.timeout:g} s", where=url) from None
        except (http.client.HTTPException, ValueError) as exc:  # a cut-off body, a bad address
            raise InputError(f"cannot fetch it: {exc!s}".rstrip(": "), where=url) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise InputError(f"cannot fetch it: {reason}", where=url) from None
        if len(data) > limit:
            raise InputError(f"larger than {limit:,} bytes: refused", where=url)
        if declared.isdigit() and len(data) < int(declared):
            message = f"the connection closed after {len(data):,} of {int(declared):,} bytes"
            raise InputError(message, where=url)
        return Fetched(final, content_type, data)

    def _wait(self, url: str) -> None:
        host = urlsplit(url).netloc
        ready = self._last.get(host, 0.0) + self.interval
        now = time.monotonic()
        if now < ready:
            time.sleep(ready - now)
        self._last[host] = time.monotonic()

    def _allowed(self, url: str) -> None:
        """Refuse what the site's robots.txt forbids to this tool (no robots.txt: allowed)."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            rules: urllib.robotparser.RobotFileParser | None = None
            request = urllib.request.Request(
                f"{host}/robots.txt", headers={"User-Agent": USER_AGENT}
            )
            self._wait(url)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    rules = urllib.robotparser.RobotFileParser()
                    text = response.read(512 * 1024).decode("utf-8", errors="replace")
                    rules.parse(text.splitlines())
            except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError):
                rules = None  # no robots.txt (or none that answers): nothing is forbidden
            self._robots[host] = rules
        rules = self._robots[host]
        if rules is not None and not rules.can_fetch(USER_AGENT, url):
            raise InputError("the site's robots.txt does not allow fetching it", where=url)


def fetch_figures(article: Article, fetcher: Fetcher, folder: Path) -> tuple[Article, list[str]]:
    """The article with each web picture downloaded into ``folder`` (``images/`` of the
    project) and pointing there, named by content so a picture is stored once; and a warning
    for each picture that could not be had (its figure keeps the web address)."""
    figures, warnings = [], []
    for figure in article.figures:
        if not is_url(figure.src):
            figures.append(figure)
            continue
        try:
            fetched = fetcher.get(figure.src, MAX_IMAGE_BYTES)
            suffix = _image_suffix(fetched.data, figure.src)
        except InputError as exc:
            warnings.append(f"picture not downloaded, its address is kept: {exc}")
            figures.append(figure)
            continue
        stem = slugify(PurePosixPath(urlsplit(fetched.url).path).stem) or "image"
        name = f"{stem}-{hashlib.sha256(fetched.data).hexdigest()[:10]}{suffix}"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        if not target.exists():
            target.write_bytes(fetched.data)
        figures.append(replace(figure, src=f"{folder.name}/{name}"))
    return article.with_(figures=tuple(figures)), warnings


def _image_suffix(data: bytes, where: str) -> str:
    """The file suffix of a downloaded picture, after decoding it whole (as the build will)."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            kind = image.format or ""
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InputError(f"the picture cannot be read: {exc}", where=where) from None
    suffixes = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
    if kind not in suffixes:
        raise InputError(f"a {kind or 'unknown'} picture: only JPEG, PNG, GIF, WebP", where=where)
    return suffixes[kind]
