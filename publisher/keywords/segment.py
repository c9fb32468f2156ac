"""Vietnamese word segmentation: underthesea's when the ``nlp`` extra is installed, else none.

underthesea's ``word_tokenize`` runs a CRF model that ships inside the wheel; it downloads
nothing. Its token normaliser rewrites spellings (``Uỷ`` → ``Ủy``), so it is switched off: a
keyword must be spelled as the article spells it.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from typing import Any

from publisher.errors import ConfigError
from publisher.keywords.document import Segment

SEGMENTERS = ("auto", "plain", "underthesea")


def nlp_available() -> bool:
    """True when underthesea (the ``nlp`` extra) is installed; nothing is imported."""
    return importlib.util.find_spec("underthesea") is not None


def resolve(name: str) -> str:
    """``plain`` or ``underthesea`` for a setting of ``auto``, ``plain`` or ``underthesea``."""
    if name not in SEGMENTERS:
        raise ConfigError(f"unknown segmenter {name!r} (known: {', '.join(SEGMENTERS)})")
    if name == "auto":
        return "underthesea" if nlp_available() else "plain"
    if name == "underthesea" and not nlp_available():
        raise ConfigError("the underthesea segmenter needs: pip install 'publisher[nlp]'")
    return name


def segmenter(name: str, language: str) -> Segment | None:
    """The function grouping a block's syllables into words, or None to keep syllables."""
    if resolve(name) == "plain" or language != "vi":
        return None
    return _underthesea_words


@cache
def _tokenize() -> Any:
    from underthesea import word_tokenize  # slow to import: only when a Vietnamese text needs it

    return word_tokenize


def _underthesea_words(syllables: list[str]) -> list[str]:
    """Words of one block; the syllables themselves if the words do not line up with them."""
    words = _tokenize()(" ".join(syllables), use_token_normalize=False)
    if " ".join(words).split() != syllables:
        return syllables
    return [" ".join(w.split()) for w in words]
