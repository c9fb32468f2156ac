"""Re-importing a source the library already has, without losing what an editor changed.

Every import records a hash of each field as the importer made it (``Provenance.fields``).
When the source is imported again, each field is settled on its own:

- the source did not change it (its new value has the recorded hash): the library's value
  stays, whether or not the editor changed it;
- the editor did not change it (the library's value has the recorded hash): the source's new
  value is taken;
- both changed it to different values: a conflict; the library's value stays and the
  conflict is reported, unless ``overwrite`` asks for the source's.

A figure's fields (``src``, ``alt``, ``caption``...) are settled one by one while the source
has as many figures as the library's copy, so a picture attached by hand survives a corrected
caption. The recorded hashes are then those of the new import.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from publisher.model import Article, Figure

FIELDS = (
    "title", "kicker", "published", "source", "authors", "language", "lead", "paragraphs",
    "keywords",
)  # fmt: skip
FIGURE_FIELDS = ("src", "alt", "caption", "credit", "after_paragraph")


@dataclass(frozen=True)
class Merged:
    """The article to save, and the fields where the library's value was kept over the source's."""

    article: Article
    conflicts: tuple[str, ...] = ()


def fingerprint(value: Any) -> str:
    """A short hash of a field's value (stable across runs and machines)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def field_values(article: Article) -> dict[str, Any]:
    """Every field a re-import settles, by name (``figures[0].src`` for a figure's)."""
    values: dict[str, Any] = {name: getattr(article, name) for name in FIELDS}
    values = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
    values["figures"] = [figure.to_dict() for figure in article.figures]
    for number, figure in enumerate(article.figures):
        for key in FIGURE_FIELDS:
            values[f"figures[{number}].{key}"] = getattr(figure, key)
    return values


def with_fingerprints(article: Article) -> Article:
    """The article with the hash of each of its fields recorded as the import's."""
    fields = {name: fingerprint(value) for name, value in field_values(article).items()}
    return article.with_(provenance=replace(article.provenance, fields=fields))


def merge(library_copy: Article, imported: Article, *, overwrite: bool = False) -> Merged:
    """``imported`` (a fresh import of the source) merged into the library's copy."""
    imported = with_fingerprints(imported.with_(slug=library_copy.slug))
    if overwrite:
        return Merged(imported)
    base = library_copy.provenance.fields
    ours, theirs = field_values(library_copy), field_values(imported)
    conflicts: list[str] = []

    def settle(name: str) -> Any:
        mine, new = ours.get(name), theirs.get(name)
        if mine == new:
            return mine
        recorded = base.get(name)
        if recorded is not None and fingerprint(new) == recorded:
            return mine  # the source did not change it: the editor's value (if any) stays
        if recorded is not None and fingerprint(mine) == recorded:
            return new  # the editor did not touch it: the source's correction comes in
        conflicts.append(name)
        return mine

    chosen = {name: settle(name) for name in FIELDS}
    if len(library_copy.figures) == len(imported.figures):
        figures = tuple(
            Figure(**{key: settle(f"figures[{n}].{key}") for key in FIGURE_FIELDS})
            for n in range(len(imported.figures))
        )
    else:
        figures = tuple(Figure(**item) for item in settle("figures"))
    tuples = {k: tuple(v) for k, v in chosen.items() if isinstance(v, list)}
    merged = imported.with_(**{**chosen, **tuples}, figures=figures)
    return Merged(merged, tuple(conflicts))
