"""Link checking for a built site: every internal href/src must name a built file."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if (tag, name) in LINK_ATTRIBUTES and value is not None:
                self.links.append(value)
        if tag == "meta" and values.get("content") is not None:
            key = values.get("property") or values.get("name")
            if key:
                self.meta[key] = values["content"] or ""


def parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def target_key(link: str, page_key: str, base_url: str) -> str | None:
    """The site key a link points at, or None when it leaves the site (another host, mailto)."""
    parts = urlsplit(link)
    if parts.scheme in ("mailto", "tel", "data"):
        return None
    if parts.scheme or parts.netloc:
        if not base_url or not link.startswith(base_url):
            return None
        path = link[len(base_url) :]
    else:
        if not parts.path:
            return page_key  # "#fragment" on the same page
        path = posixpath.join(posixpath.dirname(page_key), parts.path)
    path = unquote(urlsplit(path).path)
    path = posixpath.normpath(path) if path else "."
    if path == ".":
        path = ""
    if path.startswith(".."):
        return "../" + path  # above the site root: never a built file
    if link.split("#")[0].split("?")[0].endswith("/") or path == "":
        path = posixpath.join(path, "index.html")
    return path


def broken_links(site: Path, base_url: str) -> list[str]:
    """``page: link`` for every internal link of every HTML page that names no built file."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        key = page.relative_to(site).as_posix()
        for link in parse(page.read_text(encoding="utf-8")).links:
            target = target_key(link, key, base_url)
            if target is not None and not (site / target).is_file():
                broken.append(f"{key}: {link}")
    return broken
