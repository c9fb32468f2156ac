"""The language editions of an issue file: ``editions:``, a language code to its overrides.

An edition overrides the issue's ``title``, ``subject``, ``preheader``, ``intro`` and
``sections`` (for instance English subjects and a choice of English articles); what it does
not give is the issue's own. Loading its articles is ``compose``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from publisher.issues.file import (
    DraftSection,
    Problems,
    is_language,
    known,
    line_of,
    text_field,
)
from publisher.issues.sections import read_sections

EDITION_KEYS = ("title", "subject", "preheader", "intro", "sections")


@dataclass(frozen=True)
class DraftEdition:
    """One edition as written: its language, the fields it gives, its own sections if any."""

    language: str
    line: int | None
    fields: dict[str, str]
    sections: list[DraftSection] | None  # None: the issue's own sections


def read_editions(data: Any, language: str, problems: Problems) -> list[DraftEdition]:
    """The ``editions:`` of an issue file whose own language is ``language``."""
    raw = data.get("editions")
    if raw is None:
        return []
    if not isinstance(raw, dict):
        problems.add(line_of(data, "editions"), "editions: must map a language code to fields,"
                     " e.g. en: {subject: ...}")  # fmt: skip
        return []
    editions: list[DraftEdition] = []
    seen: set[str] = set()
    for code, given in raw.items():
        line = line_of(raw, code)
        label = f"editions.{code}"
        code = str(code)
        if not is_language(code):
            problems.add(line, f"{label}: {code!r} is not a language code such as vi or en")
            continue
        if _primary(code) == _primary(language):
            problems.add(line, f"{label}: the issue itself is in {language}: its fields are"
                         " that edition")  # fmt: skip
            continue
        if _primary(code) in seen:
            problems.add(line, f"{label}: a second edition in this language")
            continue
        seen.add(_primary(code))
        if not isinstance(given, dict):
            problems.add(line, f"{label}: must be a mapping of {', '.join(EDITION_KEYS)}")
            continue
        for key in given:
            if key not in EDITION_KEYS:
                problems.add(line_of(given, key), f"{label}.{key}: unknown field"
                             f"{known(EDITION_KEYS)}")  # fmt: skip
        fields = {}
        for key in ("title", "subject", "preheader", "intro"):
            value = text_field(given, key, problems, label=f"{label}.", multiline=key == "intro")
            if value:
                fields[key] = value
        sections = read_sections(given, problems, False) if "sections" in given else None
        editions.append(DraftEdition(code, line, fields, sections))
    return editions


def _primary(code: str) -> str:
    return code.replace("_", "-").partition("-")[0].lower()
