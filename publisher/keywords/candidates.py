"""Candidate phrases: the runs of units that occur at least twice, and what the text says of them.

Only a repeated run can become a keyword (``rules.MIN_OCCURRENCES``), and every part of a
repeated run is repeated too, so the runs are grown one unit at a time from the repeated ones
(as Apriori grows frequent item sets): the many runs that occur once are never built.
"""

from __future__ import annotations

from publisher.keywords.document import Block, Document, Unit
from publisher.keywords.rules import MAX_SYLLABLES, MAX_WORDS_EN, MIN_OCCURRENCES, Stat
from publisher.keywords.words import stopwords

Key = tuple[str, ...]
Places = list[tuple[Block, int]]  # (block, index of the run's first unit)


def max_units(language: str) -> int:
    """The longest candidate: six syllables in Vietnamese, four English words."""
    return MAX_WORDS_EN if language == "en" else MAX_SYLLABLES


def candidates(document: Document) -> dict[Key, Stat]:
    """Every repeated run of units up to the length limit: counts, spellings, neighbours, cuts."""
    stop = stopwords("vi" if document.language == "vi" else "en")
    vietnamese = document.language == "vi"
    return {
        key: _stat(key, places, stop, vietnamese) for key, places in repeated_runs(document).items()
    }


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


def _stat(key: Key, places: Places, stop: frozenset[str], vietnamese: bool) -> Stat:
    """The statistics of one run from its occurrences (the first one gives its units)."""
    size = len(key)
    first, at = places[0]
    stat = Stat(first[at : at + size], count=len(places))
    for block, start in places:
        end = start + size
        units = block[start:end]
        weak = any(u.weak_case for u in units)
        stat.surfaces[" ".join(u.text for u in units)] += 1 if weak else 2
        before = block[start - 1] if start > 0 else None
        after = block[end] if end < len(block) else None
        if before is not None:
            stat.left[before.key] += 1
        if after is not None:
            stat.right[after.key] += 1
        # Names capitalise every syllable or word: a phrase must not split ``Hà | Nội``.
        if _joined(before, units[0], stop, vietnamese) or _joined(
            units[-1], after, stop, vietnamese
        ):
            stat.cuts += 1
    return stat


def _joined(a: Unit | None, b: Unit | None, stop: frozenset[str], vietnamese: bool) -> bool:
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
