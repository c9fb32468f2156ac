"""The keyword stages: annotate an imported article, and the editor's keyword commands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from publisher.articles.library import Library
from publisher.keywords.suggest import article_glossary, suggest_keywords
from publisher.model import Article
from publisher.text import clean


@dataclass(frozen=True)
class KeywordSettings:
    """The ``[keywords]`` settings: how many suggestions, and which Vietnamese segmenter."""

    limit: int = 6
    segmenter: str = "auto"

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> KeywordSettings:
        """From ``config.table("keywords")``."""
        return cls(limit=table["limit"], segmenter=table["segmenter"])


@dataclass(frozen=True)
class KeywordEdit:
    """What an editor's keyword command did to an article (saved only when ``changed``)."""

    article: Article
    changed: bool
    not_found: tuple[str, ...] = ()


def annotate(article: Article, settings: KeywordSettings | None = None) -> Article:
    """The glossary always; suggestions only for an article without keywords of its own."""
    settings = settings or KeywordSettings()
    glossary = article_glossary(article)
    article = article.with_(glossary=glossary)
    if article.keywords:
        return article.with_(suggested_keywords=())
    suggested = suggest_keywords(
        article, settings.limit, segmenter=settings.segmenter, glossary=glossary
    )
    return article.with_(suggested_keywords=tuple(suggested))


def edit_keywords(
    library: Library,
    slug: str,
    *,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    accept: bool = False,
    suggest: bool = False,
    settings: KeywordSettings | None = None,
) -> KeywordEdit:
    """Suggest again, accept the suggestions, add, then remove; save the article if it changed.

    Keywords are NFC with clean spaces and unique regardless of case (the first spelling
    stays). Removing takes a keyword out of the keywords and the suggestions alike.
    """
    settings = settings or KeywordSettings()
    original = library.get(slug)
    article = original
    if suggest:
        glossary = article_glossary(article)
        suggested = suggest_keywords(
            article, settings.limit, segmenter=settings.segmenter, glossary=glossary
        )
        article = article.with_(glossary=glossary, suggested_keywords=tuple(suggested))
    keywords = list(article.keywords)
    suggested = list(article.suggested_keywords)
    if accept:
        keywords, suggested = _merge(keywords, suggested), []
    keywords = _merge(keywords, add)
    suggested = [s for s in suggested if not _member(s, keywords)]
    not_found = []
    for word in (clean(w) for w in remove):
        if word and not (_member(word, keywords) or _member(word, suggested)):
            not_found.append(word)
        keywords = [k for k in keywords if k.casefold() != word.casefold()]
        suggested = [s for s in suggested if s.casefold() != word.casefold()]
    article = article.with_(keywords=tuple(keywords), suggested_keywords=tuple(suggested))
    changed = article != original
    if changed:
        library.replace(article)
    return KeywordEdit(article, changed, tuple(not_found))


def _merge(keywords: list[str], more: Iterable[str]) -> list[str]:
    """``keywords`` followed by the new ones in ``more``, each cleaned, none twice by case."""
    merged = list(keywords)
    for word in (clean(w) for w in more):
        if word and not _member(word, merged):
            merged.append(word)
    return merged


def _member(word: str, words: Iterable[str]) -> bool:
    return word.casefold() in {w.casefold() for w in words}
