"""Plain, frozen data: what every stage passes around.

Models hold normalised values only (NFC text, clean whitespace, aware datetimes); the code
that builds them (importers, the library, compose) is responsible for that.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date as Date
from datetime import datetime
from typing import Any

# What the build leaves in the email for the send step to fill per subscriber, in this order.
TOKENS = ("%%SUBSCRIBER_NAME%%", "%%SUBSCRIBER_EMAIL%%", "%%UNSUBSCRIBE_URL%%")


@dataclass(frozen=True)
class Figure:
    """An image with its caption; ``after_paragraph`` counts the body paragraphs before it."""

    src: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""
    after_paragraph: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "src": self.src,
            "alt": self.alt,
            "caption": self.caption,
            "credit": self.credit,
            "after_paragraph": self.after_paragraph,
        }


@dataclass(frozen=True)
class Provenance:
    """Where an article came from: the source's path (from the project folder), the importer,
    the source's hash."""

    source_file: str = ""
    importer: str = ""
    content_hash: str = ""
    url: str = ""  # the page's canonical address, for an article imported from the web
    # A hash of each field as the importer made it (see importers.merge): a re-import keeps
    # what an editor changed since.
    fields: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source_file": self.source_file,
            "importer": self.importer,
            "content_hash": self.content_hash,
        }
        if self.url:
            data["url"] = self.url
        if self.fields:
            data["fields"] = dict(self.fields)
        return data


@dataclass(frozen=True)
class Article:
    """One news article. ``lead`` and ``paragraphs`` are Markdown strings (one paragraph each)."""

    title: str
    slug: str = ""
    kicker: str = ""
    published: datetime | None = None
    source: str = ""
    authors: tuple[str, ...] = ()
    language: str = ""
    lead: str = ""
    paragraphs: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    keywords: tuple[str, ...] = ()
    suggested_keywords: tuple[str, ...] = ()
    glossary: dict[str, str] = field(default_factory=dict)
    provenance: Provenance = field(default_factory=Provenance)

    def __post_init__(self) -> None:
        if self.published is not None and self.published.tzinfo is None:
            raise ValueError("Article.published must be timezone-aware")

    def with_(self, **changes: Any) -> Article:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """The article JSON of DESIGN.md (plus suggestions, glossary and provenance)."""
        return {
            "slug": self.slug,
            "kicker": self.kicker,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "source": self.source,
            "authors": list(self.authors),
            "language": self.language,
            "lead": self.lead,
            "paragraphs": list(self.paragraphs),
            "figures": [f.to_dict() for f in self.figures],
            "keywords": list(self.keywords),
            "suggested_keywords": list(self.suggested_keywords),
            "glossary": dict(self.glossary),
            "provenance": self.provenance.to_dict(),
        }


@dataclass(frozen=True)
class Sender:
    """Who sends the newsletter; the footer and the message headers come from here."""

    organisation: str = ""
    address: str = ""
    from_name: str = ""
    from_email: str = ""
    reply_to: str = ""


@dataclass(frozen=True)
class Entry:
    """An article placed in a section. ``excerpt`` is ``full``, ``lead`` or a word count."""

    article: Article
    excerpt: str | int = "lead"
    image: bool = True
    url: str = ""


@dataclass(frozen=True)
class Section:
    """A titled, ordered group of entries."""

    title: str
    entries: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Issue:
    """A composed newsletter issue: every article resolved, every field validated."""

    slug: str
    title: str
    number: int | None = None
    date: Date | None = None
    language: str = "vi"
    theme: str = "default"
    subject: str = ""
    preheader: str = ""
    intro: str = ""
    sections: tuple[Section, ...] = ()
    sender: Sender = field(default_factory=Sender)
    base_url: str = ""
    newsletter: str = ""  # the newsletter's name ([newsletter] name), for mastheads
    list_id: str = ""  # the List-Id of the mailing list ([newsletter] list_id)
    not_after: datetime | None = None  # nothing of it is sent after this moment
    # A language edition: its language code ("" for the issue itself, the default edition).
    edition: str = ""
    editions: tuple[Issue, ...] = ()  # the issue's other language editions
    # Every language the issue is published in, its own first (editions link to each other).
    languages: tuple[str, ...] = ()

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry in reading order."""
        return tuple(e for s in self.sections for e in s.entries)

    @property
    def web_url(self) -> str:
        """The web edition of this issue (its view-in-browser address); a language edition's
        is a folder in it (``…/issues/<slug>/en/``)."""
        if not self.base_url:
            return ""
        folder = f"{self.edition}/" if self.edition else ""
        return f"{self.base_url.rstrip('/')}/issues/{self.slug}/{folder}"

    def article_url(self, slug: str) -> str:
        """The web page of one article of this issue."""
        return f"{self.web_url}{slug}/" if self.web_url else ""


SUBSCRIBER_STATUSES = ("active", "pending", "unsubscribed", "bounced", "complained")


@dataclass(frozen=True)
class Subscriber:
    """One address on the list. ``token`` is secret: it alone can unsubscribe the address."""

    email: str
    name: str = ""
    language: str = ""
    status: str = "active"
    consent_source: str = ""
    consent_time: str = ""
    consent_address: str = ""  # where a web form was sent from
    token: str = ""
    id: int | None = None
