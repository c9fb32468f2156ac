"""Keyword suggestions: YAKE ranks candidate phrases, and rules keep only real phrases.

1. The article becomes blocks of units (``document``): words, or Vietnamese syllables or
   segmented words; known acronyms count as their expansions.
2. YAKE (Campos et al., 2020; the ``yake`` package) scores every run of up to a few units from
   the article alone: casing, position, frequency, spread over sentences and how many different
   words surround it. YAKE reads English text; it is given each unit as an opaque token that
   keeps only the unit's casing, so Vietnamese syllables and multi-syllable words are scored as
   units too.
3. A candidate is kept only if it reads as a phrase of its own: it occurs at least twice, has
   two to six syllables in Vietnamese, starts and ends with neither a stopword nor a date word,
   is not made only of generic news vocabulary, is not a name from the byline, and is not
   nested: when nearly every occurrence is preceded (or followed) by the same word, the phrase
   is a piece cut from a longer one (the idea of Frantzi et al.'s C-value), as ``tộc thiểu số``
   is cut from ``dân tộc thiểu số``.
4. The best-scored survivors are returned in the article's own spelling, duplicates by case or
   accents merged and phrases overlapping a better one left out.
"""

from __future__ import annotations

from publisher.keywords import segment as segmentation
from publisher.keywords.acronyms import find_glossary
from publisher.keywords.document import Block, Document, Unit, article_texts, build_document
from publisher.keywords.rules import (
    MAX_SYLLABLES,
    MAX_WORDS_EN,
    Ranked,
    Stat,
    acceptable,
    select,
    surface,
)
from publisher.keywords.words import stopwords
from publisher.model import Article
from publisher.text import clean, detect_language, fold

MIN_WORDS = 40  # below this an article is too short for a keyword to stand out


def suggest_keywords(article: Article, limit: int = 6, *, segmenter: str = "auto") -> list[str]:
    """Up to ``limit`` keyphrases of the article, best first, as the article spells them."""
    if limit <= 0:
        return []
    text = "\n".join(t for t, _ in article_texts(article))
    language = article.language if article.language in ("vi", "en") else detect_language(text)
    glossary = article_glossary(article)
    document = build_document(
        article, language, glossary, segmentation.segmenter(segmenter, language)
    )
    if document.words < MIN_WORDS:
        return []
    stats = _statistics(document)
    names = [fold(n) for n in (*article.authors, article.source, *_credits(article)) if n]
    acronyms = {fold(a) for a in glossary}
    ranked = [
        Ranked(surface(stats[key]), " ".join(key), _normalise(score, key, language))
        for key, score in _yake_scores(document)
        if score > 0 and key in stats and acceptable(stats[key], language, names, acronyms)
    ]
    ranked.sort(key=lambda r: (r.score, r.key))
    return select(ranked, limit, language)


def article_glossary(article: Article) -> dict[str, str]:
    """Acronyms the article defines, then the ones its glossary already holds (those win)."""
    found: dict[str, str] = {}
    for text, _ in article_texts(article):
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


def _max_units(language: str) -> int:
    return MAX_WORDS_EN if language == "en" else MAX_SYLLABLES


def _statistics(document: Document) -> dict[tuple[str, ...], Stat]:
    """Every run of units up to the length limit: counts, spellings, neighbours, cuts."""
    stats: dict[tuple[str, ...], Stat] = {}
    limit = _max_units(document.language)
    vietnamese = document.language == "vi"
    for sentence in document.sentences:
        for block in sentence:
            for start in range(len(block)):
                syllables = 0
                for end in range(start + 1, len(block) + 1):
                    syllables += block[end - 1].syllables
                    if syllables > limit or end - start > limit:
                        break
                    _count(stats, block, start, end, vietnamese)
    return stats


def _count(
    stats: dict[tuple[str, ...], Stat], block: Block, start: int, end: int, vietnamese: bool
) -> None:
    units = block[start:end]
    key = tuple(u.key for u in units)
    stat = stats.setdefault(key, Stat(units))
    stat.count += 1
    weak = any(u.weak_case for u in units)
    stat.surfaces[" ".join(u.text for u in units)] += 1 if weak else 2
    before = block[start - 1] if start > 0 else None
    after = block[end] if end < len(block) else None
    if before is not None:
        stat.left[before.key] += 1
    if after is not None:
        stat.right[after.key] += 1
    # Names capitalise every syllable or word: a phrase must not split ``Hà | Nội``.
    if _joined(before, units[0], vietnamese) or _joined(units[-1], after, vietnamese):
        stat.cuts += 1


def _joined(a: Unit | None, b: Unit | None, vietnamese: bool) -> bool:
    """Two units meeting at capitalised syllables (``Hà`` ``Nội``, not ``Dân tộc`` ``Hà Nội``).

    English capitals at the start of a sentence or in a title case headline say nothing, nor
    does a capitalised stopword opening a sentence (``Theo Bộ Y tế``).
    """
    if a is None or b is None or a.acronym or b.acronym:
        return False
    stop = stopwords("vi" if vietnamese else "en")
    if (a.weak_case and a.key in stop) or (b.weak_case and b.key in stop):
        return False
    if not vietnamese and (a.weak_case or b.weak_case):
        return False
    return a.text.rsplit(" ", 1)[-1][:1].isupper() and b.capitalised


def _yake_scores(document: Document) -> list[tuple[tuple[str, ...], float]]:
    """YAKE's score (lower is better) for every candidate, keyed by its units' lower case."""
    import yake  # half a second to import (networkx): only when suggesting

    vocabulary: dict[str, str] = {}
    keys: dict[str, str] = {}
    lines = []
    for sentence in document.sentences:
        tokens = []
        for b, block in enumerate(sentence):
            if b:
                tokens.append(",")
            for u, unit in enumerate(block):
                token = vocabulary.get(unit.key)
                if token is None:
                    token = vocabulary[unit.key] = _token(len(vocabulary))
                    keys[token] = unit.key
                tokens.append(_cased(token, unit, first=not b and not u))
        lines.append(" ".join(tokens) + " .")
    stop = {vocabulary[k] for k in vocabulary if k in stopwords(document.language)}
    extractor = yake.KeywordExtractor(
        lan=document.language, n=_max_units(document.language), dedup_lim=1.0,
        top=1_000_000, stopwords=stop, window_size=1,
    )  # fmt: skip
    scored = extractor.extract_keywords("\n\n".join(lines))
    return [(tuple(keys[t] for t in kw.lower().split()), score) for kw, score in scored]


def _token(number: int) -> str:
    """An opaque ASCII word for a unit: ``xax``, ``xbx``…; never shorter than YAKE's minimum."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters += chr(ord("a") + digit)
        if not number:
            return f"x{letters}x"


def _cased(token: str, unit: Unit, first: bool) -> str:
    """The token written with the unit's casing (YAKE scores acronyms and names higher)."""
    if unit.acronym:
        return token.upper()
    # Sentences start capitalised so that YAKE's sentence splitter sees where they begin.
    return token.capitalize() if unit.capitalised or first else token
