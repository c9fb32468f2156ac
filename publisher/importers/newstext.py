"""Plain text scraped from news sites."""

from __future__ import annotations

from typing import ClassVar

from publisher.errors import InputError
from publisher.importers.base import ImportResult, Source
from publisher.model import Article, Provenance
from publisher.text import clean, detect_language


class NewsTextImporter:
    """Scraped article text: title, lead and body paragraphs."""

    name: ClassVar[str] = "news-text"

    def detect(self, source: Source) -> float:
        return 0.5

    def parse(self, source: Source, *, language: str | None = None) -> ImportResult:
        lines = [clean(line) for line in source.text.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            raise InputError("no text", where=source.name)
        title, *rest = lines
        article = Article(
            title=title,
            language=language or detect_language(source.text),
            lead=rest[0] if rest else "",
            paragraphs=tuple(rest[1:]),
            provenance=Provenance(source.name, self.name, source.content_hash),
        )
        return ImportResult(article)
