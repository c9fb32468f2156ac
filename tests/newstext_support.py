"""Text through the news-text importer, for the tests of its rules."""

from __future__ import annotations

from publisher.importers.base import ImportResult, Source
from publisher.importers.newstext import NewsTextImporter


def imported(text: str) -> ImportResult:
    """The news-text importer's result for ``text``, as a file ``x.txt``."""
    return NewsTextImporter().parse(Source("x.txt", text, "", "utf-8"))
