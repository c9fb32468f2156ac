"""YAKE's scores (Campos et al., 2020), computed from the document's own units.

Campos, Mangaravite, Pasquali, Jorge, Nunes and Jatowt, "YAKE! Keyword extraction from single
documents using multiple local features", Information Sciences 509 (2020) 257-289. The
formulas below are those of the ``yake`` package (0.7: ``yake/data/single_word.py`` and
``composed_word.py``, stopwords inside a phrase weighted the "bi" way, co-occurrence window 1),
given what these suggestions used to give it: one term per unit and blocks split at
punctuation. They are computed here with plain dictionaries over the units the document already
has, instead of writing the text out for ``yake`` to tokenise again and build a networkx graph
of: the same scores, without that cost or numpy and networkx.

For a term (a unit's key) with ``tf`` occurrences:

- WCase = max(acronym occurrences, other capitalised ones) / (1 + ln tf); a sentence's
  first word counts as capitalised
- WFreq = tf / (mean + standard deviation of the non-stopword terms' tf)
- WRel = (0.5 + DL/TL * tf/max_tf) + (0.5 + DR/TR * tf/max_tf), DL (DR) the number of different
  terms just before (after) it, TL (TR) the number of times any term is
- WPos = ln(ln(3 + median index of the sentences it occurs in)), WSpread = its share of them
- H = WPos * WRel / (WCase + WFreq/WRel + WSpread/WRel)

and for a phrase occurring ``tf`` times, H = prod(H) / ((1 + sum(H)) * tf) over its terms, where
a stopword counts as 2 - p and -(1 - p) instead, p being the product of the probabilities of
its two bigrams in the phrase. Lower is better.

The article always reached ``yake`` as a single sentence (its splitter does not end a sentence
at a full stop written after a space, as the text given to it was), so WPos and WSpread are the
same for every term, and only the article's first word is not read as capitalised mid-sentence.
The suggestions' rules were tuned on those scores, so they are kept exactly (scoring real
sentences was tried: it ranks lone English words such as ``search`` or ``island`` higher).
"""

from __future__ import annotations

import math
from collections import Counter

from publisher.keywords.document import Document

Key = tuple[str, ...]

# WPos and WSpread of every term: one sentence, index 0 (see above).
_POSITION = math.log(math.log(3.0))
_SPREAD = 1.0


class Scorer:
    """YAKE's H for the terms of one document, and for any phrase of them."""

    def __init__(self, document: Document, stop: frozenset[str]) -> None:
        self.stop = stop
        self.tf: Counter[str] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.term: dict[str, float] = {}
        acronym: Counter[str] = Counter()
        capitalised: Counter[str] = Counter()
        for sentence in document.sentences:
            opening = True  # written capitalised for yake, like a name
            for block in sentence:
                previous = None
                for unit in block:
                    key = unit.key
                    self.tf[key] += 1
                    if unit.acronym:
                        acronym[key] += 1
                    elif unit.capitalised or opening:
                        capitalised[key] += 1
                    opening = False
                    if previous is not None:
                        self.pairs[previous, key] += 1
                    previous = key
        if document.sentences and not document.sentences[0][0][0].acronym:
            capitalised[document.sentences[0][0][0].key] -= 1  # it opens the only sentence
        self._terms(acronym, capitalised)

    def _terms(self, acronym: Counter[str], capitalised: Counter[str]) -> None:
        """H of every term that is not a stopword (a stopword's own H is never used)."""
        tfs = [tf for key, tf in self.tf.items() if key not in self.stop]
        if not tfs:
            return
        mean = sum(tfs) / len(tfs)
        norm = mean + math.sqrt(sum((tf - mean) ** 2 for tf in tfs) / len(tfs))
        top = max(self.tf.values())
        after: Counter[str] = Counter()  # different terms just after it
        followed: Counter[str] = Counter()  # times any term is just after it
        before: Counter[str] = Counter()
        preceded: Counter[str] = Counter()
        for (left, right), n in self.pairs.items():
            after[left] += 1
            followed[left] += n
            before[right] += 1
            preceded[right] += n
        for key, tf in self.tf.items():
            if key in self.stop:
                continue
            pl = before[key] / preceded[key] if preceded[key] else 0.0
            pr = after[key] / followed[key] if followed[key] else 0.0
            rel = (0.5 + pl * (tf / top)) + (0.5 + pr * (tf / top))
            case = max(acronym[key], capitalised[key]) / (1.0 + math.log(tf))
            self.term[key] = _POSITION * rel / (case + tf / norm / rel + _SPREAD / rel)

    def phrase(self, key: Key, count: int) -> float:
        """YAKE's H of a phrase occurring ``count`` times (0 when it cannot be scored)."""
        total, product = 0.0, 1.0
        for t, term in enumerate(key):
            if term not in self.stop:
                h = self.term.get(term, 0.0)
                total += h
                product *= h
                continue
            left = self.pairs[key[t - 1], term] / self.tf[key[t - 1]] if t > 0 else 0.0
            last = t + 1 == len(key)
            right = 0.0 if last else self.pairs[term, key[t + 1]] / self.tf[key[t + 1]]
            product *= 1.0 + (1.0 - left * right)
            total -= 1.0 - left * right
        return 0.0 if total == -1.0 else product / ((total + 1.0) * count)
