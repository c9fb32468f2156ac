"""An article as keyword extraction sees it: sentences of blocks of units.

A *block* is a run of words between punctuation, numbers and symbols; a keyword never crosses a
block's edge. A *unit* is what a keyword is made of: an English word, or for Vietnamese either a
syllable (the plain segmenter) or a word of one or more syllables (underthesea's segmenter, the
``nlp`` extra). Acronyms whose expansion is known are replaced by the expansion's words, so that
``CTDT`` counts as ``công tác dân tộc``; their ``(ACRONYM)`` definitions are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from publisher.keywords.acronyms import is_acronym
from publisher.keywords.words import stopwords
from publisher.model import Article
from publisher.text import clean

Segment = Callable[[list[str]], list[str]]


@dataclass(frozen=True)
class Word:
    """One word of a block, as written (NFC), with what keyword rules need to know about it."""

    text: str
    key: str
    syllables: int
    capitalised: bool
    acronym: bool
    weak_case: bool  # opens a sentence, sits in the title or expands an acronym


Block = tuple[Word, ...]


@dataclass(frozen=True)
class Document:
    """Sentences (lists of blocks) in reading order: title first, then kicker, lead, body."""

    language: str
    sentences: tuple[tuple[Block, ...], ...]
    words: int


_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_HTML = re.compile(r"<[^>]+>")
_MARKUP = re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s|>\s?|[-*+]\s|\d+[.)]\s)|[*_`~]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+")
_TOKEN_VI = re.compile(r"[^\W_]+|\S")
_TOKEN_EN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*|\S")


def article_texts(article: Article) -> list[tuple[str, bool]]:
    """The article's own text as (paragraph, is_title): no bylines, credits or links."""
    texts = [(article.title, True)]
    texts += [(article.kicker, False), (_plain(article.lead), False)]
    texts += [(_plain(p), False) for p in article.paragraphs]
    texts += [(f.caption, False) for f in article.figures]
    cleaned = [(clean(t), title) for t, title in texts]
    return [(t, title) for t, title in cleaned if t]


def _plain(markdown: str) -> str:
    """Markdown reduced to its words (link text kept, images and markup dropped)."""
    text = _IMAGE.sub(" ", markdown)
    text = _LINK.sub(r"\1", text)
    return _MARKUP.sub("", _HTML.sub(" ", text))


def build_document(
    texts: list[tuple[str, bool]], language: str, glossary: Mapping[str, str],
    segment: Segment | None,
) -> Document:  # fmt: skip
    """Tokenise ``article_texts``, expand known acronyms, and segment every block into units."""
    expansions = {a: _words(e, language) for a, e in glossary.items()}
    sentences, words = [], 0
    for text, is_title in texts:
        for sentence in _SENTENCE_END.split(text):
            blocks: list[Block] = []
            for raw in _blocks(sentence, language, expansions):
                words += len(raw)
                groups = segment([w for w, _ in raw]) if segment else [w for w, _ in raw]
                blocks.append(_units(raw, groups, language, is_title, first=not blocks))
            if blocks:
                sentences.append(tuple(blocks))
    return Document(language, tuple(sentences), words)


def _words(text: str, language: str) -> list[str]:
    pattern = _TOKEN_EN if language == "en" else _TOKEN_VI
    return [t for t in pattern.findall(text) if t[0].isalpha()]


def _blocks(
    sentence: str, language: str, expansions: dict[str, list[str]]
) -> Iterator[list[tuple[str, bool]]]:
    """Runs of (word, from_expansion) between anything that is not a word."""
    pattern = _TOKEN_EN if language == "en" else _TOKEN_VI
    tokens = pattern.findall(sentence)
    block: list[tuple[str, bool]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (
            token == "("
            and i + 2 < len(tokens)
            and tokens[i + 2] == ")"
            and (tokens[i + 1] in expansions)
        ):
            i += 3  # ``(CTDT)`` restates the phrase just before it
            if block:
                yield block
            block = []
            continue
        if token in expansions:
            block.extend((w, True) for w in expansions[token])
        elif token.isalpha() or (language == "en" and token[0].isalpha() and _is_word(token)):
            block.append((token, False))
        else:
            if block:
                yield block
            block = []
        i += 1
    if block:
        yield block


def _is_word(token: str) -> bool:
    return all(c.isalpha() or c in "'’-" for c in token)


def unit_key(text: str, language: str, weak_case: bool = True) -> str:
    """What occurrences of a unit share: lower case, and in English no plural ``s`` (as YAKE).

    An English stopword capitalised mid-sentence is part of a name (``Hoi An``), so it keeps
    its capital and is a word of its own.
    """
    key = text.casefold()
    if language != "en":
        return key
    if key in stopwords("en"):
        return text if text[:1].isupper() and not weak_case else key
    if len(key) > 3 and key.endswith("s") and not key.endswith(("ss", "'s", "’s")):
        key = key[:-1]
    return key


def _units(
    raw: list[tuple[str, bool]], groups: list[str], language: str, is_title: bool, first: bool
) -> Block:
    """Units from segmented groups; ``raw`` says which words came from an acronym."""
    units, position = [], 0
    for group in groups:
        size = group.count(" ") + 1
        # An expansion is spelled as at its definition, which may have opened a sentence.
        expanded = any(flag for _, flag in raw[position : position + size])
        weak = is_title or expanded or (first and position == 0)
        units.append(_unit(group, language, weak))
        position += size
    return tuple(units)


@lru_cache(maxsize=1 << 16)
def _unit(group: str, language: str, weak: bool) -> Word:
    """One unit (units are immutable, and most words of a text come back many times)."""
    size = group.count(" ") + 1
    return Word(
        text=group,
        key=unit_key(group, language, weak),
        syllables=size,
        capitalised=group[:1].isupper(),
        acronym=size == 1 and is_acronym(group),
        weak_case=weak,
    )
