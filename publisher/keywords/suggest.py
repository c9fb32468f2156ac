"""Keyword suggestions: YAKE ranks candidate phrases, and rules keep only real phrases.

1. The article becomes blocks of units (``document``): words, or Vietnamese syllables or
   segmented words; known acronyms count as their expansions.
2. Candidates are the runs of up to a few units that occur at least twice (``candidates``).
3. YAKE (Campos et al., 2020) scores them from the article alone (``scoring``): casing,
   frequency and how many different words surround each unit. Vietnamese syllables and
   multi-syllable words are scored as units, as English words are.
4. A candidate is kept only if it reads as a phrase of its own: it occurs at least twice, has
   two to six syllables in Vietnamese, starts and ends with neither a stopword nor a date word,
   is not made only of generic news vocabulary, is not a name from the byline, and is not
   nested: when nearly every occurrence is preceded (or followed) by the same word, the phrase
   is a piece cut from a longer one (the idea of Frantzi et al.'s C-value), as ``tộc thiểu số``
   is cut from ``dân tộc thiểu số``.
5. The best-scored survivors are returned in the article's own spelling, duplicates by case or
   accents merged and phrases overlapping a better one left out."""

from __future__ import annotations

from collections.abc import Mapping

from publisher.keywords import segment as segmentation
from publisher.keywords.acronyms import find_glossary
from publisher.keywords.candidates import candidates
from publisher.keywords.document import article_texts, build_document
from publisher.keywords.rules import Ranked, acceptable, select, surface
from publisher.keywords.scoring import Scorer
from publisher.keywords.words import stopwords
from publisher.model import Article
from publisher.text import clean, detect_language, fold

MIN_WORDS = 40  # below this an article is too short for a keyword to stand out


def suggest_keywords(
    article: Article, limit: int = 6, *, segmenter: str = "auto",
    glossary: Mapping[str, str] | None = None,
) -> list[str]:  # fmt: skip
    """Up to ``limit`` keyphrases of the article, best first, as the article spells them.

    ``glossary`` is the article's ``article_glossary``, for a caller that has it already.
    """
    if limit <= 0:
        return []
    texts = article_texts(article)
    if glossary is None:
        glossary = _glossary(article, texts)
    language = article.language
    if language not in ("vi", "en"):
        language = detect_language("\n".join(t for t, _ in texts))
    document = build_document(
        texts, language, glossary, segmentation.segmenter(segmenter, language)
    )
    if document.words < MIN_WORDS:
        return []
    stop = stopwords(language)
    scorer = Scorer(document, stop)
    names = [fold(n) for n in (*article.authors, article.source, *_credits(article)) if n]
    acronyms = {fold(a) for a in glossary}
    ranked = []
    for key, stat in candidates(document).items():
        if not acceptable(stat, language, names, acronyms):
            continue
        score = scorer.phrase(key, stat.count)
        if score > 0:
            ranked.append(Ranked(surface(stat), " ".join(key), _normalise(score, key, language)))
    ranked.sort(key=lambda r: (r.score, r.key))
    return select(ranked, limit, language)


def article_glossary(article: Article) -> dict[str, str]:
    """Acronyms the article defines, then the ones its glossary already holds (those win)."""
    return _glossary(article, article_texts(article))


def _glossary(article: Article, texts: list[tuple[str, bool]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for text, _ in texts:
        for acronym, expansion in find_glossary(text).items():
            found.setdefault(acronym, expansion)
    given = {clean(a): clean(e) for a, e in article.glossary.items() if clean(a) and clean(e)}
    return {**found, **given}


def _normalise(score: float, key: tuple[str, ...], language: str) -> float:
    """YAKE's score as is for English; for Vietnamese its geometric mean over the units.

    YAKE multiplies one factor per unit, so a Vietnamese phrase of many syllables (or words)
    would win over the word it is built on only by being long (``thực hiện công tác dân tộc``
    over ``công tác dân tộc``).
    """
    return score if language == "en" else score ** (1 / len(key))


def _credits(article: Article) -> list[str]:
    return [f.credit for f in article.figures]
