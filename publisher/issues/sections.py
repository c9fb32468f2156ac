"""The sections of an issue file: each section's title and its articles, read field by field.

The articles are slugs, or ``{slug, excerpt, image}``; loading them from the library is
``compose``'s job.
"""

from __future__ import annotations

import re
from typing import Any

from publisher import yamlfile
from publisher.issues.file import (
    DraftEntry,
    DraftSection,
    Problems,
    item_line,
    known,
    line_of,
    text_field,
)
from publisher.text import clean

SECTION_KEYS = ("title", "articles")
ENTRY_KEYS = ("slug", "excerpt", "image")
EXCERPTS = ("full", "lead")
# Far beyond any newsletter, low enough that a file made by mistake is an error, not a hang.
MAX_SECTIONS = 100
MAX_ARTICLES = 1000

_WORDS = re.compile(r"^(\d+)(?:\s*words?)?$", re.I)
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def read_sections(data: Any, problems: Problems, allow_empty: bool) -> list[DraftSection]:
    """The sections and their entries as written (articles not loaded yet)."""
    raw = data.get("sections")
    if raw is None or raw == []:
        if not allow_empty:
            problems.add(line_of(data, "sections"), "sections: the issue has no articles yet")
        return []
    if not isinstance(raw, list):
        problems.add(line_of(data, "sections"), "sections: must be a list of sections")
        return []
    if len(raw) > MAX_SECTIONS:
        problems.add(
            line_of(data, "sections"),
            f"sections: {len(raw)} sections; an issue has at most {MAX_SECTIONS}",
        )
        return []
    sections: list[DraftSection] = []
    titles: dict[str, int | None] = {}
    seen: dict[str, int | None] = {}
    for index, item in enumerate(raw, 1):
        line = item_line(raw, index - 1)
        if not isinstance(item, dict):
            problems.add(line, f"section {index}: must be a mapping with title and articles")
            continue
        for key in item:
            if key not in SECTION_KEYS:
                problems.add(line_of(item, key), f"section {index}: {key}: unknown field")
        title = text_field(item, "title", problems, label=f"section {index}: ")
        if not title:
            problems.add(line_of(item, "title") or line, f"section {index}: title: required")
        label = f"section {title!r}" if title else f"section {index}"
        if title and title.casefold() in titles:
            first = titles[title.casefold()]
            problems.add(line, f"{label}: a second section with this title (first at line {first})")
        titles.setdefault(title.casefold(), line)
        if not item.get("articles") and isinstance(item.get("articles", []), list | None):
            problems.add(line_of(item, "articles") or line, f"{label}: the section has no articles")
        entries = _entries(item, label, problems, seen)
        sections.append(DraftSection(title, line, tuple(entries)))
    return sections


def _entries(
    section: Any, label: str, problems: Problems, seen: dict[str, int | None]
) -> list[DraftEntry]:
    raw = section.get("articles")
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(line_of(section, "articles"), f"{label}: articles: must be a list of slugs")
        return []
    entries = []
    if len(raw) + len(seen) > MAX_ARTICLES:
        problems.add(
            line_of(section, "articles"), f"{label}: an issue has at most {MAX_ARTICLES} articles"
        )
        return []
    for index in range(1, len(raw) + 1):
        line = item_line(raw, index - 1)
        where = f"{label}, article {index}"
        entry = _entry(yamlfile.written(raw, index - 1), line, where, problems)
        if entry is None:
            continue
        if entry.slug in seen:
            first = f" (first at line {seen[entry.slug]})" if seen[entry.slug] else ""
            problems.add(line, f"{where}: {entry.slug!r} is listed twice{first}")
            continue
        seen[entry.slug] = line
        entries.append(entry)
    return entries


def _entry(item: Any, line: int | None, where: str, problems: Problems) -> DraftEntry | None:
    """One list item: a slug, or ``{slug, excerpt, image}``."""
    if isinstance(item, str):
        return DraftEntry(clean(item), "lead", True, line, None) if clean(item) else None
    if not isinstance(item, dict):
        problems.add(line, f"{where}: must be a slug or a mapping with slug, excerpt and image")
        return None
    for key in item:
        if key not in ENTRY_KEYS:
            problems.add(
                line_of(item, key) or line, f"{where}: {key}: unknown field{known(ENTRY_KEYS)}"
            )
    value = yamlfile.written(item, "slug")
    if isinstance(value, bool | dict | list):
        problems.add(line_of(item, "slug") or line, f"{where}: slug: must be text")
        return None
    slug = clean(str(value or ""))
    if not slug:
        problems.add(line, f"{where}: slug: required")
        return None
    excerpt = _excerpt(item.get("excerpt"), line_of(item, "excerpt") or line, where, problems)
    image = _image(item.get("image"), line_of(item, "image") or line, where, problems)
    return DraftEntry(slug, excerpt, image, line, None)


def _excerpt(value: Any, line: int | None, where: str, problems: Problems) -> str | int:
    """``full``, ``lead`` (the default) or a positive number of words (``60`` or ``60 words``)."""
    if value is None:
        return "lead"
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str):
        text = clean(value).casefold()
        if text in EXCERPTS:
            return text
        match = _WORDS.match(text)
        if match and int(match.group(1)) > 0:
            return int(match.group(1))
    problems.add(line, f"{where}: excerpt: {value!r} must be full, lead or a number of words (60)")
    return "lead"


def _image(value: Any, line: int | None, where: str, problems: Problems) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().casefold() in _BOOLS:
        return _BOOLS[value.strip().casefold()]
    problems.add(line, f"{where}: image: {value!r} must be true or false")
    return True
