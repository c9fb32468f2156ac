"""What makes a candidate phrase a keyword, and how the final list is picked and spelled."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from publisher.keywords.candidates import MAX_SYLLABLES, MIN_OCCURRENCES, Stat
from publisher.keywords.words import generic, stopwords
from publisher.text import fold

NESTED = 0.75  # share of occurrences with the same neighbour that marks a cut phrase
INNER_EN = frozenset({"of", "and", "for"})


def acceptable(stat: Stat, language: str, names: list[str], acronyms: set[str]) -> bool:
    """True when the candidate reads as a phrase of its own (module docstring of ``suggest``).

    ``names`` (bylines, credits) and ``acronyms`` are folded (``publisher.text.fold``). The
    phrase's own words are looked at before its occurrences' surroundings.
    """
    units = stat.units
    syllables = [s for u in units for s in u.key.split(" ")]
    if stat.count < MIN_OCCURRENCES:
        return False
    if language == "vi" and not 2 <= len(syllables) <= MAX_SYLLABLES:
        return False
    if language == "vi" and (units[0].acronym or units[-1].acronym):
        return False
    if language == "en" and units[-1].text.endswith(("'s", "’s")):
        return False
    if _stopwords_in(syllables, language) or _generic(syllables, language):
        return False
    if 2 * stat.context.cuts >= stat.count or _nested(stat, stopwords(language)):
        return False
    text = fold(" ".join(syllables))
    return text not in acronyms and not any(_overlaps(text, name) for name in names)


def _stopwords_in(syllables: list[str], language: str) -> bool:
    """A stopword (of one to three syllables) at either end, or inside a Vietnamese phrase.

    English names keep their small inner words (``Bank of England``); Vietnamese keywords do
    not have any, and YAKE's scores for phrases with inner stopwords are unreliable.
    """
    stop = stopwords(language)
    for size in range(1, min(3, len(syllables)) + 1):
        if " ".join(syllables[:size]) in stop or " ".join(syllables[-size:]) in stop:
            return True
    inner = syllables[1:-1]
    if language == "vi":
        return any(
            " ".join(inner[i : i + 2]) in stop or inner[i] in stop for i in range(len(inner))
        )
    return any(w in stop and w not in INNER_EN for w in inner)


def _generic(syllables: list[str], language: str) -> bool:
    """The phrase is made only of generic news words and stopwords (``thực hiện tốt``)."""
    return _covered(" ".join(syllables), [], language)


def _nested(stat: Stat, stop: frozenset[str]) -> bool:
    """Nearly always preceded or followed by the same word: a piece of a longer phrase."""
    for neighbours in (stat.context.left, stat.context.right):
        counts = [n for key, n in neighbours.items() if key not in stop]
        if counts and max(counts) >= NESTED * stat.count:
            return True
    return False


def _overlaps(text: str, name: str) -> bool:
    """The folded phrase and a folded name share a whole word run (either inside the other)."""
    a, b = f" {text} ", f" {name} "
    return a in b or b in a


def surface(stat: Stat) -> str:
    """The spelling the article uses most, mid-sentence spellings counting double."""
    return stat.context.surfaces.most_common(1)[0][0]


@dataclass(frozen=True)
class Ranked:
    """An acceptable candidate with its score (lower is better) and its spellings."""

    text: str
    key: str  # lower case
    score: float

    @cached_property
    def folded(self) -> str:
        return fold(self.text)


def select(ranked: list[Ranked], limit: int, language: str) -> list[str]:
    """The best ``limit`` phrases that each add something the ones before them do not say.

    Skipped: a lower-case word that is the shared head of two or more candidates (``dân tộc``
    beside ``công tác dân tộc`` and ``chính sách dân tộc``), a phrase inside one already chosen,
    and a phrase made of chosen ones plus generic words (``Ban Dân tộc Hà Nội`` once ``Ban Dân
    tộc`` and ``Hà Nội`` are in). Duplicates by case or accents are dropped the same way.
    """
    keys = [r.key for r in ranked]
    chosen: list[Ranked] = []
    for candidate in ranked:
        if _broad(candidate, keys):
            continue
        if any(_inside(candidate.folded, c.folded) for c in chosen):
            continue
        if _covered(candidate.key, chosen, language):
            continue
        chosen.append(candidate)
        if len(chosen) == limit:
            break
    return [c.text for c in chosen]


def _broad(candidate: Ranked, keys: list[str]) -> bool:
    """A lower-case word of at most two syllables heading two or more longer candidates."""
    if not candidate.text.islower() or candidate.key.count(" ") > 1:
        return False
    return sum(_inside(candidate.key, k) for k in keys if k != candidate.key) >= 2


def _inside(part: str, whole: str) -> bool:
    """``part`` is ``whole`` or a run of whole words of it."""
    return f" {part} " in f" {whole} "


def _covered(key: str, chosen: list[Ranked], language: str) -> bool:
    """The phrase is nothing but chosen phrases, generic words and stopwords."""
    words = (generic(language), stopwords(language), {c.key for c in chosen})
    syllables = key.split()
    covered = [True] + [False] * len(syllables)
    for end in range(1, len(syllables) + 1):
        covered[end] = any(
            covered[start] and any(" ".join(syllables[start:end]) in w for w in words)
            for start in range(max(0, end - MAX_SYLLABLES), end)
        )
    return covered[-1]
