"""The site's Atom feed (feedgen), one entry per issue, built from the issues' manifests.

Everything in the feed comes from the issues themselves (no clock), so building twice gives the
same bytes and an unchanged feed is never uploaded again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import date as Date
from html import escape
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class IssueSummary:
    """What the archive and the feed say about one built issue (from its ``manifest.json``)."""

    slug: str
    title: str
    number: int | None
    date: Date | None
    language: str
    subject: str
    preheader: str
    web_url: str
    organisation: str
    articles: tuple[tuple[str, str], ...]  # (title, url)
    first_lead: str = ""  # the first article's lead, as plain text
    editions: tuple[str, ...] = ()  # the codes of its other language editions

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any]) -> IssueSummary:
        issue = manifest["issue"]
        day = issue.get("date")
        return cls(
            slug=issue["slug"],
            title=issue.get("title") or issue["slug"],
            number=issue.get("number"),
            date=Date.fromisoformat(day) if day else None,
            language=issue.get("language") or "",
            subject=issue.get("subject") or "",
            preheader=issue.get("preheader") or "",
            web_url=issue.get("web_url") or "",
            organisation=(issue.get("sender") or {}).get("organisation") or "",
            articles=tuple((a["title"], a.get("url") or "") for a in manifest.get("articles", [])),
            first_lead=next((str(a.get("lead") or "") for a in manifest.get("articles", [])), ""),
            editions=tuple(sorted(str(c) for c in manifest.get("editions") or {})),
        )

    @property
    def moment(self) -> datetime:
        """The issue's date as an aware datetime (midnight UTC; the epoch when undated)."""
        if self.date is None:
            return EPOCH
        return datetime(self.date.year, self.date.month, self.date.day, tzinfo=UTC)


def newest_first(issues: Sequence[IssueSummary]) -> list[IssueSummary]:
    """Dated issues newest first, then undated ones; number and slug break ties."""
    return sorted(
        issues,
        key=lambda i: (i.date is not None, i.date or Date.min, i.number or 0, i.slug),
        reverse=True,
    )


def atom_feed(
    issues: Sequence[IssueSummary], *, title: str, site_url: str, language: str = "",
    author: str = "",
) -> bytes:  # fmt: skip
    """The Atom document (UTF-8) listing every issue, newest first."""
    from feedgen.feed import FeedGenerator

    ordered = newest_first(issues)
    base = site_url.rstrip("/") + "/" if site_url else ""
    feed = FeedGenerator()
    feed.id(base + "feed.xml" if base else "urn:publisher:feed")
    feed.title(title or "Newsletter")
    if base:
        feed.link(href=base + "feed.xml", rel="self", type="application/atom+xml")
        feed.link(href=base, rel="alternate", type="text/html")
    if language:
        feed.language(language)
    if author:
        feed.author({"name": author})
    feed.updated(max((i.moment for i in ordered), default=EPOCH))
    for issue in reversed(ordered):  # feedgen puts each new entry first
        _add_entry(feed, issue)
    return feed.atom_str(pretty=True)


def _add_entry(feed: Any, issue: IssueSummary) -> None:
    entry = feed.add_entry()
    entry.id(issue.web_url or f"urn:publisher:issue:{issue.slug}")
    entry.title(issue.title)
    if issue.web_url:
        entry.link(href=issue.web_url, rel="alternate", type="text/html")
    entry.updated(issue.moment)
    if issue.date is not None:
        entry.published(issue.moment)
    if issue.preheader or issue.subject:
        entry.summary(issue.preheader or issue.subject)
    if issue.articles:
        items = "".join(
            f'<li><a href="{escape(url)}">{escape(title)}</a></li>'
            if url
            else f"<li>{escape(title)}</li>"
            for title, url in issue.articles
        )
        entry.content(f"<ul>{items}</ul>", type="html")
