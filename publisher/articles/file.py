"""The article file: YAML front matter (metadata, lead, figures) plus a Markdown body.

```
---
title: Tăng cường giao lưu, trao đổi kinh nghiệm
kicker: Ban Dân tộc Hà Nội
published: '2017-08-12T15:42:00+07:00'
...
---

First body paragraph.

Second body paragraph.
```

Body paragraphs are separated by blank lines; ``dumps`` then ``loads`` gives the same article.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any

from publisher import yamlfile
from publisher.errors import InputError
from publisher.model import Article, Figure, Provenance
from publisher.text import clean, nfc
from publisher.yamledit import Splice

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
_KNOWN = {
    "title", "kicker", "published", "source", "authors", "language", "lead", "figures",
    "keywords", "suggested_keywords", "glossary", "provenance",
}  # fmt: skip
_FIGURE_KEYS = {"src", "alt", "caption", "credit", "after_paragraph"}


def dumps(article: Article) -> str:
    """The article as the text of its file."""
    meta: dict[str, Any] = {"title": article.title}
    if article.kicker:
        meta["kicker"] = article.kicker
    meta["published"] = article.published.isoformat() if article.published else None
    meta["source"] = article.source
    meta["authors"] = list(article.authors)
    meta["language"] = article.language
    meta["lead"] = article.lead
    if article.figures:
        meta["figures"] = [f.to_dict() for f in article.figures]
    meta["keywords"] = list(article.keywords)
    if article.suggested_keywords:
        meta["suggested_keywords"] = list(article.suggested_keywords)
    if article.glossary:
        meta["glossary"] = dict(article.glossary)
    if article.provenance != Provenance():
        meta["provenance"] = article.provenance.to_dict()
    front = yamlfile.dump(meta)
    body = "\n\n".join(article.paragraphs)
    return f"---\n{front}---\n\n{body}\n" if body else f"---\n{front}---\n"


def set_figure(text: str, number: int, values: dict[str, str], *, where: str) -> str:
    """The article file's text with fields of figure ``number`` (1-based) set, in place.

    Only those values change: the rest of the file, comments included, stays as it was.
    """
    text = nfc(text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    loads(text, where=where)  # a file with problems is not edited
    match = _FRONT.match(text)
    assert match is not None  # loads checked it
    front = match.group(1) or ""
    figures = yamlfile.load(front).get("figures")
    count = len(figures) if isinstance(figures, list) else 0
    if not 1 <= number <= count:
        has = f"has {count} figure{'s' * (count != 1)}" if count else "has no figures"
        raise InputError(f"there is no figure {number}: the article {has}", where=where)
    figure = figures[number - 1]
    splice = Splice(front)
    for key, value in values.items():
        splice.set(figure, key, value)
    edited = text[: match.start(1)] + splice.result() + text[match.end(1) :]
    loads(edited, where=where)
    return edited


def loads(text: str, *, slug: str = "", where: str = "<article>") -> Article:
    """Parse an article file; every problem is reported at once with its field."""
    return _parsed(text, slug, where)


# Parsing the YAML is most of reading an article, and a build reads each one more than once
# (composing, checking), the preview after every save: the same text parses to the same
# (frozen) article. A file that fails raises each time: failures are not kept.
@functools.lru_cache(maxsize=1024)
def _parsed(text: str, slug: str, where: str) -> Article:
    text = nfc(text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    match = _FRONT.match(text)
    if not match:
        raise InputError("no YAML front matter: the file must start with a '---' line", where=where)
    try:
        meta = yamlfile.load(match.group(1) or "") or {}
    except yamlfile.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"{where}:{mark.line + 2}" if mark else where
        problem = getattr(exc, "problem", exc)
        raise InputError(f"invalid YAML front matter: {problem}", where=line) from None
    if not isinstance(meta, dict):
        raise InputError("front matter must be a mapping of fields", where=where)
    problems: list[str] = []
    article = _from_meta(meta, text[match.end() :], slug, problems)
    if problems:
        placed = sorted((_placed(meta, p) for p in problems), key=_line_order)
        raise InputError("invalid article file", where=where, problems=placed)
    assert article is not None
    return article


def _from_meta(meta: dict, body: str, slug: str, problems: list[str]) -> Article | None:
    for key in meta:
        if key not in _KNOWN:
            problems.append(f"{key}: unknown field (known: {', '.join(sorted(_KNOWN))})")
    title = _text(meta, "title", problems)
    if not title:
        problems.append("title: required")
    published = _datetime(meta.get("published"), problems)
    figures = _figures(meta.get("figures") or [], problems)
    glossary = meta.get("glossary") or {}
    if not isinstance(glossary, dict):
        problems.append("glossary: must be a mapping of acronym to expansion")
        glossary = {}
    prov = meta.get("provenance") or {}
    if not isinstance(prov, dict):
        problems.append("provenance: must be a mapping")
        prov = {}
    paragraphs = tuple(p.strip() for p in re.split(r"\n[ \t]*\n", body) if p.strip())
    article = Article(
        title=title,
        slug=slug,
        kicker=_text(meta, "kicker", problems),
        published=published,
        source=_text(meta, "source", problems),
        authors=_texts(meta, "authors", problems),
        language=_text(meta, "language", problems),
        lead=nfc(str(yamlfile.written(meta, "lead") or "")).strip(),
        paragraphs=paragraphs,
        figures=figures,
        keywords=_texts(meta, "keywords", problems),
        suggested_keywords=_texts(meta, "suggested_keywords", problems),
        glossary={clean(str(k)): clean(str(yamlfile.written(glossary, k))) for k in glossary},
        provenance=_provenance(prov, problems),
    )
    return None if problems else article


def _provenance(prov: Any, problems: list[str]) -> Provenance:
    texts = {
        k: str(yamlfile.written(prov, k) or "")
        for k in ("source_file", "importer", "content_hash", "url")
    }
    fields = prov.get("fields") or {}
    if not isinstance(fields, dict):
        problems.append("provenance: fields: must be a mapping of field to hash")
        fields = {}
    return Provenance(**texts, fields={str(k): str(v) for k, v in fields.items()})


_FIELD = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def _placed(meta: Any, problem: str) -> str:
    """The problem with the line of its field in the file (the front matter opens on line 2)."""
    match = _FIELD.match(problem)
    key, item = (match.group(1), match.group(2)) if match else ("", None)
    line = getattr(meta, "lines", {}).get(key)
    items = meta.get(key)
    if item is not None and isinstance(items, yamlfile.LinedList) and int(item) < len(items):
        line = items.lines[int(item)]
    return f"line {line + 1}: {problem}" if line else problem


def _line_order(problem: str) -> int:
    match = re.match(r"line (\d+): ", problem)
    return int(match.group(1)) if match else 0


def _text(meta: dict, key: str, problems: list[str]) -> str:
    value = yamlfile.written(meta, key)  # a number or a date as the editor typed it
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        problems.append(f"{key}: must be text")
        return ""
    return clean(str(value))


def _texts(meta: dict, key: str, problems: list[str]) -> tuple[str, ...]:
    value = meta.get(key)
    if value is None:
        return ()
    if isinstance(value, str):  # hand-written ``authors: Jane Doe, John Roe``
        value = [v for v in value.split(",")]
    if not isinstance(value, list):
        problems.append(f"{key}: must be a list")
        return ()
    texts = (yamlfile.written(value, n) for n in range(len(value)))
    return tuple(t for t in (clean(str(v)) for v in texts) if t)


def _datetime(value: Any, problems: list[str]) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            problems.append(f"published: {value!r} is not an ISO 8601 date-time")
            return None
    if parsed.tzinfo is None:
        problems.append(f"published: {value!s} needs a UTC offset, e.g. +07:00")
        return None
    return parsed


def _figures(value: Any, problems: list[str]) -> tuple[Figure, ...]:
    if not isinstance(value, list):
        problems.append("figures: must be a list")
        return ()
    figures = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            problems.append(f"figures[{i}]: must be a mapping")
            continue
        for key in item:
            if key not in _FIGURE_KEYS:
                problems.append(f"figures[{i}].{key}: unknown field")
        position = item.get("after_paragraph", 0)
        if not isinstance(position, int) or position < 0:
            problems.append(f"figures[{i}].after_paragraph: must be a whole number ≥ 0")
            position = 0
        figures.append(
            Figure(
                src=str(item.get("src") or "").strip(),
                alt=clean(str(item.get("alt") or "")),
                caption=clean(str(item.get("caption") or "")),
                credit=clean(str(item.get("credit") or "")),
                after_paragraph=position,
            )
        )
    return tuple(figures)
