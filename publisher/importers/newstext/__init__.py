"""Plain text scraped from news sites (Vietnamese and English) → an article.

The passes, in order: lines become units (link fragments joined); page furniture and keyword
lines go; a lead left at the end of the file is taken; the header gives kicker, title, date
and byline; the body gives lead, paragraphs and figures; the footer gives the byline at the
end and drops what the page put after it.
"""

from __future__ import annotations

import re
from typing import ClassVar

from publisher.errors import InputError
from publisher.importers.base import ImportResult, Source
from publisher.importers.newstext.body import assemble
from publisher.importers.newstext.draft import ArticleDraft
from publisher.importers.newstext.footer import strip_page, take_trailing_lead
from publisher.importers.newstext.header import parse_header
from publisher.importers.newstext.units import split_units
from publisher.model import Article, Provenance
from publisher.text import clean, detect_language

_LETTER = re.compile(r"[^\W\d_]")
_HTML = re.compile(r"<(?:html|head|body|div|p|span|script|table)\b[^>]*>", re.I)


class NewsTextImporter:
    """Scraped article text: kicker, title, date, byline, lead, paragraphs, captions."""

    name: ClassVar[str] = "news-text"

    def detect(self, source: Source) -> float:
        return 0.5

    def parse(self, source: Source, *, language: str | None = None) -> ImportResult:
        check_text(source.text, source.name)
        draft = ArticleDraft(language or detect_language(source.text))
        units = strip_page(split_units(source.text), draft)
        units, tail_lead = take_trailing_lead(units)
        start = parse_header(units, draft)
        if not draft.title:
            raise InputError("no recognisable title: only page furniture", where=source.name)
        assemble(units[start:], tail_lead, draft)
        return ImportResult(self._article(draft, source), draft.warnings)

    def _article(self, draft: ArticleDraft, source: Source) -> Article:
        published = draft.published.value if draft.published else None
        if draft.published is None or published is None:
            draft.warn("no publication date found")
        elif not draft.published.zone_given and draft.language != "vi":
            draft.warn(f"no time zone given: {published.isoformat()} assumed (UTC)")
        elif not draft.published.has_time:
            draft.warn("publication date without a time: midnight assumed")
        return Article(
            title=clean(draft.title),
            kicker=clean(draft.kicker),
            published=published,
            source=clean(draft.source),
            authors=tuple(clean(a) for a in draft.authors if clean(a)),
            language=draft.language,
            lead=clean(draft.lead),
            paragraphs=tuple(_clean_paragraph(p) for p in draft.paragraphs if clean(p)),
            figures=tuple(draft.figures),
            keywords=tuple(clean(k) for k in draft.keywords if clean(k)),
            provenance=Provenance(source.name, self.name, source.content_hash),
        )


def _clean_paragraph(text: str) -> str:
    """Clean each line of a paragraph (list items keep their line breaks)."""
    return "\n".join(clean(line) for line in text.split("\n") if clean(line))


def check_text(text: str, where: str) -> None:
    """Refuse text that resembles no article (markup, symbols, a few stray words)."""
    if _HTML.search(text[:5000]) and text.count("</") >= 3:
        raise InputError(
            "HTML, not plain text: import it with --format html (or auto)", where=where
        )
    visible = re.sub(r"\s", "", text[:50000])
    letters = len(_LETTER.findall(visible))
    if letters < 0.5 * len(visible):
        raise InputError("no recognisable text: mostly symbols or numbers", where=where)
    if not any(len(re.findall(r"[^\W\d_]{2,}", line)) >= 3 for line in text.split("\n")):
        raise InputError("no recognisable title or text: no line of three words", where=where)
