"""RSS and Atom feeds: the items of a feed, and the article an item gives on its own.

A feed names articles rather than holding them: the import stage fetches each item's page
and imports it as a web page, and falls back to the feed's own text (``article_from_item``)
when the page cannot be fetched. Which items of a feed were imported is remembered in the
library (``FeedMemory``), so each new run takes only the new ones, and an article an editor
deleted does not come back.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from publisher.errors import InputError
from publisher.importers.base import Source
from publisher.model import Article, Provenance
from publisher.text import clean, detect_language

_FEED = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.I | re.S
)
MEMORY = ".feeds.json"  # in the article library; hidden, so not taken for an article


def is_feed(text: str) -> bool:
    return bool(_FEED.match(text[:4000]))


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: its page's address and what the feed itself says about it."""

    link: str
    title: str
    summary: str  # HTML
    content: str  # HTML, when the feed carries the whole text
    published: datetime | None
    authors: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Feed:
    title: str
    language: str
    items: tuple[FeedItem, ...]


def read_feed(source: Source) -> Feed:
    """The feed's title, language and items, newest first as the feed lists them."""
    import feedparser  # only an import that meets a feed needs it

    parsed = feedparser.parse(source.text)
    if not parsed.entries:
        reason = parsed.get("bozo_exception") or "it has no items"
        raise InputError(f"not a readable feed: {reason}", where=source.name)
    items = []
    for entry in parsed.entries:
        link = str(entry.get("link") or "")
        if not link:
            continue
        content = "".join(str(part.get("value", "")) for part in entry.get("content", []))
        items.append(
            FeedItem(
                link=link,
                title=clean(str(entry.get("title") or "")),
                summary=str(entry.get("summary") or ""),
                content=content,
                published=_time(entry.get("published_parsed") or entry.get("updated_parsed")),
                authors=tuple(
                    clean(str(a.get("name", ""))) for a in entry.get("authors", []) if a.get("name")
                ),
                tags=tuple(clean(str(t.get("term", ""))) for t in entry.get("tags", [])),
            )
        )
    channel = parsed.get("feed", {})
    language = clean(str(channel.get("language") or "")).split("-")[0].lower()
    return Feed(clean(str(channel.get("title") or "")), language, tuple(items))


def _time(value: Any) -> datetime | None:
    """feedparser's UTC time tuple as an aware datetime."""
    if not value:
        return None
    year, month, day, hour, minute, second = value[:6]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def article_from_item(item: FeedItem, feed: Feed) -> Article:
    """The article an item gives on its own: its summary as the lead, its content (if any)."""
    paragraphs = _paragraphs(item.content) if item.content else []
    lead_parts = _paragraphs(item.summary)
    lead = lead_parts[0] if lead_parts else ""
    if paragraphs and lead and paragraphs[0] == lead:
        paragraphs = paragraphs[1:]
    if not item.title or not (lead or paragraphs):
        raise InputError("the feed's item has no title or no text", where=item.link)
    text = " ".join([lead, *paragraphs])
    return Article(
        title=item.title,
        published=item.published,
        source=feed.title,
        authors=item.authors,
        language=feed.language if feed.language in ("vi", "en") else detect_language(text),
        lead=lead,
        paragraphs=tuple(paragraphs),
        keywords=tuple(t for t in item.tags if t),
        provenance=Provenance(item.link, "feed", _item_hash(item), url=item.link),
    )


def _item_hash(item: FeedItem) -> str:
    """The item's own content hash (the feed's would make every item the same content)."""
    text = "\n".join((item.link, item.title, item.summary, item.content))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _paragraphs(fragment: str) -> list[str]:
    """The paragraphs of an HTML fragment as plain text (a feed's HTML is not trusted)."""
    from lxml import etree
    from lxml import html as lxml_html

    if not fragment.strip():
        return []
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.LxmlError, ValueError):  # a fragment lxml cannot make a tree of
        return [clean(fragment)] if clean(fragment) else []
    blocks = [clean(p.text_content()) for p in root.iter("p", "li", "h2", "h3", "blockquote")]
    blocks = [b for b in blocks if b]
    return blocks or ([clean(root.text_content())] if clean(root.text_content()) else [])


class FeedMemory:
    """Which items of each feed were imported, kept beside the articles (``.feeds.json``)."""

    def __init__(self, library_root: Path):
        self.path = Path(library_root) / MEMORY
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        feeds = data.get("feeds") if isinstance(data, dict) else None
        self.seen: dict[str, list[str]] = feeds if isinstance(feeds, dict) else {}

    def knows(self, feed: str, link: str) -> bool:
        return link in self.seen.get(feed, [])

    def remember(self, feed: str, link: str) -> None:
        links = self.seen.setdefault(feed, [])
        if link not in links:
            links.append(link)

    def save(self) -> None:
        from publisher.articles.library import write_atomic

        body = json.dumps({"feeds": self.seen}, ensure_ascii=False, indent=1, sort_keys=True)
        write_atomic(self.path, body + "\n")
