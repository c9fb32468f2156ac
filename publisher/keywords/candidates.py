"""Candidate phrases: the runs of units that occur at least twice, and what the text says of them.

Only a repeated run can become a keyword, and every part of a repeated run is repeated too, so
the runs are grown one unit at a time from the repeated ones (as Apriori grows frequent item
sets): the many runs that occur once are never built. What surrounds a run's occurrences is
gathered only when a rule asks for it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from publisher.keywords.document import Block, Document, Word
from publisher.keywords.words import stopwords

MIN_OCCURRENCES = 2
MAX_SYLLABLES = 6  # ``đồng bào dân tộc thiểu số``
MAX_WORDS_EN = 4

Key = tuple[str, ...]
Places = list[tuple[Block, int]]  # (block, index of the run's first unit)


@dataclass(frozen=True)
class Context:
    """Around a phrase's occurrences: spellings, neighbours, and cuts through a name."""

    surfaces: Counter[str]
    left: Counter[str]
    right: Counter[str]
    cuts: int


@dataclass(eq=False)
class Stat:
    """What the text says about one candidate phrase (keyed by its units' lower case)."""

    units: tuple[Word, ...]  # as at its first occurrence
    places: Places
    language: str

    @property
    def count(self) -> int:
        return len(self.places)

    @cached_property
    def context(self) -> Context:
        return _context(len(self.units), self.places, self.language == "vi")


def max_units(language: str) -> int:
    """The longest candidate: six syllables in Vietnamese, four English words."""
    return MAX_WORDS_EN if language == "en" else MAX_SYLLABLES


def candidates(document: Document) -> dict[Key, Stat]:
    """Repeated runs that neither start nor end with a stopword (as in YAKE)."""
    stop = stopwords("vi" if document.language == "vi" else "en")
    found = {}
    for key, places in repeated_runs(document).items():
        if key[0] not in stop and key[-1] not in stop:
            block, start = places[0]
            found[key] = Stat(block[start : start + len(key)], places, document.language)
    return found


def repeated_runs(document: Document) -> dict[Key, Places]:
    """Where each run of at most the limit in units and in syllables occurs, if twice or more."""
    limit = max_units(document.language)
    runs: dict[Key, Places] = {}
    for sentence in document.sentences:
        for block in sentence:
            for start, unit in enumerate(block):
                if unit.syllables <= limit:
                    runs.setdefault((unit.key,), []).append((block, start))
    found: dict[Key, Places] = {}
    for size in range(1, limit + 1):
        runs = {key: places for key, places in runs.items() if len(places) >= MIN_OCCURRENCES}
        found.update(runs)
        if size < limit:
            runs = _longer(runs, size, limit)
    return found


def _longer(runs: dict[Key, Places], size: int, limit: int) -> dict[Key, Places]:
    """The runs one unit longer than the given runs of ``size`` units, within the limit."""
    longer: dict[Key, Places] = {}
    for key, places in runs.items():
        first, at = places[0]
        syllables = sum(u.syllables for u in first[at : at + size])
        for block, start in places:
            end = start + size
            if end < len(block) and syllables + block[end].syllables <= limit:
                longer.setdefault((*key, block[end].key), []).append((block, start))
    return longer


def _context(size: int, places: Places, vietnamese: bool) -> Context:
    """What surrounds the occurrences of a run of ``size`` units."""
    stop = stopwords("vi" if vietnamese else "en")
    surfaces: Counter[str] = Counter()
    left: Counter[str] = Counter()
    right: Counter[str] = Counter()
    cuts = 0
    for block, start in places:
        end = start + size
        units = block[start:end]
        weak = any(u.weak_case for u in units)
        surfaces[" ".join(u.text for u in units)] += 1 if weak else 2
        before = block[start - 1] if start > 0 else None
        after = block[end] if end < len(block) else None
        if before is not None:
            left[before.key] += 1
        if after is not None:
            right[after.key] += 1
        # Names capitalise every syllable or word: a phrase must not split ``Hà | Nội``.
        if _joined(before, units[0], stop, vietnamese) or _joined(
            units[-1], after, stop, vietnamese
        ):
            cuts += 1
    return Context(surfaces, left, right, cuts)


def _joined(a: Word | None, b: Word | None, stop: frozenset[str], vietnamese: bool) -> bool:
    """Two units meeting at capitalised syllables (``Hà`` ``Nội``, not ``Dân tộc`` ``Hà Nội``).

    English capitals at the start of a sentence or in a title case headline say nothing, nor
    does a capitalised stopword opening a sentence (``Theo Bộ Y tế``).
    """
    if a is None or b is None or a.acronym or b.acronym:
        return False
    if (a.weak_case and a.key in stop) or (b.weak_case and b.key in stop):
        return False
    if not vietnamese and (a.weak_case or b.weak_case):
        return False
    return a.text.rsplit(" ", 1)[-1][:1].isupper() and b.capitalised
