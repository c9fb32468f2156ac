"""Articles already in the article file format (written by hand, or copied from a library)."""

from __future__ import annotations

from typing import ClassVar

from publisher.articles import file as articlefile
from publisher.importers.base import ImportResult, Source
from publisher.model import Provenance
from publisher.text import detect_language


class ArticleFileImporter:
    """Reads ``---`` YAML front matter plus a Markdown body (see ``publisher.articles.file``)."""

    name: ClassVar[str] = "article"

    def detect(self, source: Source) -> float:
        head = source.text.lstrip()[:4000]
        if not head.startswith("---"):
            return 0.0
        return 0.95 if "\ntitle:" in head or head.startswith("---\ntitle:") else 0.6

    def parse(self, source: Source, *, language: str | None = None) -> ImportResult:
        article = articlefile.loads(source.text, where=source.name)
        warnings = []
        if not article.language:
            article = article.with_(
                language=language or detect_language(article.lead + " ".join(article.paragraphs))
            )
        elif language and language != article.language:
            warnings.append(f"language {article.language!r} in the file kept over --language")
        provenance = Provenance(source.name, self.name, source.content_hash)
        return ImportResult(article.with_(provenance=provenance), warnings)
