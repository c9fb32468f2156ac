"""The article being assembled, and the warnings about what was guessed."""

from __future__ import annotations

from dataclasses import dataclass, field

from publisher.importers.newstext.bylines import Byline
from publisher.importers.newstext.dates import FoundDate
from publisher.model import Figure


@dataclass
class ArticleDraft:
    """Mutable fields filled in by the header, body and footer passes."""

    language: str
    kicker: str = ""
    title: str = ""
    published: FoundDate | None = None
    source: str = ""
    authors: list[str] = field(default_factory=list)
    lead: str = ""
    standfirst: str = ""  # a summary line above the byline, used as the lead
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def date(self, found: FoundDate | None) -> None:
        """Keep the first date found (the header's, before any in a byline or footer)."""
        if found is not None and self.published is None:
            self.published = found

    def set_source(self, source: str) -> None:
        if source and not self.source:
            self.source = source
        elif source and _outlet(source) != _outlet(self.source):
            self.warn(f"two sources named: kept {self.source!r}, not {source!r}")

    def byline(self, byline: Byline) -> None:
        for name in byline.authors:
            # The same name in the byline and the signature, with ' or ’.
            if _folded(name) not in (_folded(a) for a in self.authors):
                self.authors.append(name)
        self.set_source(byline.source)
        self.date(byline.date)


# An agency named in full in one place and by its initials in another is one source.
_INITIALS = {
    "associated press": "ap", "agence france-presse": "afp", "agence france presse": "afp",
    "thông tấn xã việt nam": "ttxvn", "vietnam news agency": "ttxvn", "vna": "ttxvn",
}  # fmt: skip


def _folded(name: str) -> str:
    return name.casefold().replace("’", "'")


def _outlet(source: str) -> str:
    name = source.casefold().strip()
    return _INITIALS.get(name, name)
