"""Acronyms defined in the text as ``full phrase (ACRONYM)``, collected into a glossary.

The expansion is found as in Schwartz and Hearst (2003), restricted to word initials: walk
back from the parenthesis through the words of the same clause, matching the acronym's letters
against the words' initials from the last letter to the first. Initials are compared without
accents and with ``Đ`` read as ``D`` (``HĐND`` ← ``Hội đồng nhân dân``); small joining words
(``of``, ``and``, ``và``, ``-``) may be skipped or may supply a letter (``DOH`` ← ``Department of
Health``).
"""

from __future__ import annotations

import re

from publisher.text import clean, fold

# An acronym in parentheses: 2 to 10 letters, upper case (``&``, ``-``, ``.`` allowed inside).
DEFINITION = re.compile(r"\(\s*([^\W\d_][^\W_&.\-]*(?:[&.\-]?[^\W_&.\-]+)*)\s*\)")
# Where a clause starts: the expansion never reaches back past one of these.
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]\"“”«»]")
_JOINERS = frozenset(
    {"of", "and", "the", "for", "on", "in", "to", "at", "&", "-", "–", "và", "của"}
)


def acronym_letters(acronym: str) -> str:
    """The letters an acronym stands for, folded (``HĐND`` → ``HDND``); empty if not one."""
    letters = [c for c in acronym if c.isalpha()]
    if letters and letters[-1] == "s" and len(letters) > 2:  # plural: ``NGOs``
        letters = letters[:-1]
    if not 2 <= len(letters) <= 10 or not all(c.isupper() for c in letters):
        return ""
    return fold("".join(letters)).upper()


def is_acronym(word: str) -> bool:
    """True for a word written like an acronym: two or more letters, all upper case."""
    return bool(acronym_letters(word)) and not word.endswith("s")


def find_glossary(text: str) -> dict[str, str]:
    """Every ``phrase (ACRONYM)`` definition in the text: {acronym: phrase}, first one wins."""
    text = clean(text)
    glossary: dict[str, str] = {}
    for match in DEFINITION.finditer(text):
        acronym = match.group(1)
        letters = acronym_letters(acronym)
        if not letters or acronym in glossary:
            continue
        clause = _CLAUSE_BREAK.split(text[: match.start()])[-1]
        phrase = _expansion(clause.split(), letters)
        if phrase:
            glossary[acronym] = phrase
    return glossary


def _expansion(words: list[str], letters: str) -> str:
    """The shortest run of trailing words whose initials spell ``letters``, or ``""``."""
    start = _match(words, len(words) - 1, letters, len(letters) - 1)
    return "" if start is None else " ".join(words[start:])


def _match(words: list[str], i: int, letters: str, j: int) -> int | None:
    """Index of the first word when ``letters[: j + 1]`` match initials of ``words[: i + 1]``."""
    if i < 0:
        return None
    word = words[i]
    initial = fold(word[:1]).upper()
    if initial == letters[j]:
        if j == 0:
            return i
        found = _match(words, i - 1, letters, j - 1)
        if found is not None:
            return found
    if word.casefold() in _JOINERS and j < len(letters) - 1:
        return _match(words, i - 1, letters, j)
    return None
