"""Importers, one module per source format, picked by name or by detection."""

from __future__ import annotations

from publisher.errors import InputError
from publisher.importers.articlefile import ArticleFileImporter
from publisher.importers.base import Importer, ImportResult, Source, read_source
from publisher.importers.html import HtmlImporter
from publisher.importers.newstext import NewsTextImporter

IMPORTERS: dict[str, Importer] = {
    ArticleFileImporter.name: ArticleFileImporter(),
    HtmlImporter.name: HtmlImporter(),
    NewsTextImporter.name: NewsTextImporter(),
}

# Former names of formats, still accepted: ``markdown`` was the article file's.
ALIASES = {"markdown": ArticleFileImporter.name}

__all__ = ["IMPORTERS", "ImportResult", "Importer", "Source", "pick_importer", "read_source"]


def pick_importer(source: Source, fmt: str = "auto") -> Importer:
    """The importer named by ``fmt``, or the one that scores the source highest."""
    if fmt != "auto":
        try:
            return IMPORTERS[ALIASES.get(fmt, fmt)]
        except KeyError:
            known = ", ".join(["auto", *IMPORTERS])
            raise InputError(f"unknown format {fmt!r} (known: {known})") from None
    return max(IMPORTERS.values(), key=lambda importer: importer.detect(source))
