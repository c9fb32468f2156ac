"""Editing issue files: ``new``, ``add`` and ``remove``, keeping an editor's comments and layout.

Edits go through ruamel.yaml's round-trip mode. The edited text is composed and checked before
it is written; on any problem the file is left exactly as it was.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date as Date
from itertools import pairwise
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from publisher.articles.library import write_atomic
from publisher.config import Config
from publisher.errors import ComposeError
from publisher.issues.compose import IssueDraft, draft_issue, issue_path
from publisher.issues.file import (
    load_issue_text,
    load_round_trip,
    read_issue_file,
    round_trip_yaml,
)
from publisher.text import clean, fold, slugify, suggest


@dataclass(frozen=True)
class EditResult:
    """An edit that was saved: the file, the issue as it now composes, and what changed."""

    path: Path
    draft: IssueDraft
    summary: str


_TEMPLATE = """\
# Newsletter issue. Edit it by hand or with `publisher issue add` and `publisher issue remove`.
# Fields left out (sender, base_url) come from [newsletter] in publisher.toml.
title: {title}
number: {number}
date: {date}
language: {language}
theme: {theme}
# subject: ""      # the email subject line; defaults to the title
preheader: ""      # the preview text inboxes show after the subject
intro: ""          # Markdown shown above the first section
# sender:          # overrides [newsletter] in publisher.toml, key by key
#   from_name: ""
#   reply_to: ""
sections: []       # add articles with: publisher issue add {slug} SLUG... --section NAME
"""


def new_issue(
    config: Config, title: str, *, date: Date | None = None, number: int | None = None,
    theme: str | None = None, slug: str | None = None,
) -> EditResult:  # fmt: skip
    """Create ``issues/<slug>.yaml`` from the ``[newsletter]`` defaults; never overwrites."""
    title = clean(title)
    if not title:
        raise ComposeError("the issue needs a title")
    folder = config.issues_dir
    existing = _issue_files(folder)
    if slug is not None:
        if slug != slugify(slug, max_length=200):
            raise ComposeError(f"{slug!r} is not a slug; try {slugify(slug)!r}")
        if slug in existing:
            raise ComposeError("an issue with this slug exists already", where=str(existing[slug]))
    else:
        base = slug = slugify(title)
        n = 2
        while slug in existing:
            slug, n = f"{base}-{n}", n + 1
    defaults = config.table("newsletter")
    text = _TEMPLATE.format(
        title=json.dumps(title, ensure_ascii=False),
        number=number if number is not None else _next_number(existing.values()),
        date=(date or Date.today()).isoformat(),
        language=_scalar(clean(defaults["language"])),
        theme=_scalar(clean(theme or defaults["theme"])),
        slug=slug,
    )
    path = folder / f"{slug}.yaml"
    draft = draft_issue(config, path, text=text, allow_empty=True)
    if draft.problems:
        raise ComposeError("the issue was not created", where=str(path), problems=draft.problems)
    if path.exists():  # checked again just before writing: never overwrite
        raise ComposeError("an issue with this slug exists already", where=str(path))
    write_atomic(path, text)
    return EditResult(path, draft, f"created {path}")


def add_articles(
    config: Config, issue: str, slugs: Iterable[str], *, section: str | None = None,
    position: int | None = None,
) -> EditResult:  # fmt: skip
    """Add articles to a section (created at the end when missing), at a 1-based position."""
    slugs = [clean(s) for s in slugs if clean(s)]
    if not slugs:
        raise ComposeError("name at least one article to add")

    def change(data: CommentedMap) -> str:
        sections = _sections_list(data)
        index = _find_section(sections, section)
        if index is None:
            if section is None:
                raise ComposeError(
                    "the issue has no sections yet: name one with --section", where=issue
                )
            if position not in (None, 1):
                raise ComposeError(f"section {section!r} is new: the only position is 1")
            new = CommentedMap(title=clean(section), articles=CommentedSeq(slugs))
            if sections:
                _insert(sections, len(sections), [new])
            elif "sections" in data:  # null or [] (a new issue): becomes a block list
                data["sections"] = CommentedSeq([new])
            else:
                _append_key(data, "sections", CommentedSeq([new]))
            return f"added {', '.join(slugs)} to the new section {clean(section)!r}"
        target = sections[index]
        articles = target.get("articles")
        if not isinstance(articles, list):
            articles = target["articles"] = CommentedSeq()
        at = len(articles) + 1 if position is None else position
        if not 1 <= at <= len(articles) + 1:
            count = f"{len(articles)} article{'s' * (len(articles) != 1)}"
            raise ComposeError(
                f"position {at} is outside section {target.get('title')!r}: "
                f"it has {count}, so use 1 to {len(articles) + 1}"
            )
        _insert(articles, at - 1, slugs)
        return f"added {', '.join(slugs)} to section {target.get('title')!r} at position {at}"

    return _edit(config, issue, change)


def remove_articles(config: Config, issue: str, slugs: Iterable[str]) -> EditResult:
    """Remove articles from the issue; a section left empty is removed with them."""
    wanted = [clean(s) for s in slugs if clean(s)]

    def change(data: CommentedMap) -> str:
        sections = _sections_list(data)
        listed = [_slug_of(a) for s in sections for a in _articles_of(s)]
        missing = [s for s in wanted if s not in listed]
        if missing:
            raise ComposeError(
                f"not in this issue: {', '.join(missing)}{suggest(missing[0], listed)}", where=issue
            )
        dropped = []
        for index in reversed(range(len(sections))):
            articles = _articles_of(sections[index])
            if articles and all(_slug_of(a) in wanted for a in articles):
                # An empty section is invalid: it goes, with the comments inside it.
                dropped.insert(0, str(sections[index].get("title")))
                _delete(sections, index, (data, "sections"))
                continue
            for item in reversed(range(len(articles))):
                if _slug_of(articles[item]) in wanted:
                    _delete(articles, item, (sections[index], "articles"))
        gone = f" (and the emptied section {', '.join(map(repr, dropped))})" if dropped else ""
        return f"removed {', '.join(wanted)}{gone}"

    return _edit(config, issue, change)


def _edit(config: Config, issue: str, change: Callable[[CommentedMap], str]) -> EditResult:
    """Read, change, compose the result and write it only when it has no problems."""
    path = issue_path(config, issue)
    original = read_issue_file(path)
    prefix, body = _split_prefix(original)
    data = load_round_trip(body, str(path))
    summary = change(data)
    yaml = round_trip_yaml()
    yaml.indent(**_indentation(body))
    out = io.StringIO()
    yaml.dump(data, out)
    text = prefix + out.getvalue()
    draft = draft_issue(config, path, text=text, allow_empty=True)
    if draft.problems:
        before = draft_issue(config, path, allow_empty=True)
        raise ComposeError(
            "nothing was changed: the issue would have problems",
            where=str(path),
            problems=_explain(before.problems, draft.problems),
        )
    write_atomic(path, text)
    return EditResult(path, draft, summary)


def _explain(before: Iterable[str], after: Iterable[str]) -> list[str]:
    """Problems the file has already (with its own line numbers), then those the edit causes."""
    unplaced = [re.sub(r"^line \d+: ", "", p) for p in after]
    old = [p for p in before if re.sub(r"^line \d+: ", "", p) in unplaced]
    known = {re.sub(r"^line \d+: ", "", p) for p in old}
    return old + [f"after this edit: {p}" for p in unplaced if p not in known]


def _scalar(value: str) -> str:
    """A YAML scalar: plain when it is a simple word, otherwise double-quoted."""
    return value if re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", value) else json.dumps(value)


def _issue_files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.y*ml")) if p.suffix in (".yaml", ".yml")}


def _next_number(paths: Iterable[Path]) -> int:
    """One more than the highest issue number in the folder (files that fail to read skipped)."""
    numbers = [0]
    for path in paths:
        try:
            data = load_issue_text(read_issue_file(path), str(path))
        except ComposeError:
            continue
        number = data.get("number")
        if isinstance(number, int) and not isinstance(number, bool):
            numbers.append(number)
    return max(numbers) + 1


def _sections_list(data: CommentedMap) -> list:
    """The ``sections`` list (empty when missing or null)."""
    sections = data.get("sections")
    if sections is not None and not isinstance(sections, list):
        raise ComposeError("sections: must be a list of sections")
    return sections or []


def _find_section(sections: CommentedSeq, name: str | None) -> int | None:
    """The section with this title (accents and case ignored); the last one when unnamed."""
    if name is None:
        return len(sections) - 1 if sections else None
    for index, section in enumerate(sections):
        if isinstance(section, dict) and fold(str(section.get("title") or "")) == fold(name):
            return index
    return None


def _articles_of(section: Any) -> list:
    articles = section.get("articles") if isinstance(section, dict) else None
    return articles if isinstance(articles, list) else []


def _slug_of(item: Any) -> str:
    return clean(str(item.get("slug") or "")) if isinstance(item, dict) else clean(str(item))


# Comments. ruamel.yaml keeps the comment lines that follow a node with the deepest last value
# before them, so moving nodes would move the comments meant for their neighbours. The helpers
# below keep a full-line comment where the editor wrote it, relative to the untouched nodes.


def _slot(container: Any) -> int:
    return 0 if isinstance(container, CommentedSeq) else 2


def _deepest(container: Any, key: Any) -> tuple[Any, Any]:
    """The node whose trailing comment holds the comment lines after ``container[key]``."""
    value = container[key]
    while isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        container = value
        key = len(value) - 1 if isinstance(value, CommentedSeq) else list(value)[-1]
        value = container[key]
    return container, key


def _get_post(holder: tuple[Any, Any]) -> str:
    container, key = holder
    slot = container.ca.items.get(key)
    token = slot[_slot(container)] if slot and len(slot) > _slot(container) else None
    return token.value if token is not None else ""


def _set_post(holder: tuple[Any, Any], text: str) -> None:
    container, key = holder
    slot = container.ca.items.get(key)
    if not text or text == "\n":
        if slot and len(slot) > _slot(container):
            slot[_slot(container)] = None
        return
    if slot is None:
        slot = container.ca.items[key] = [None, None, None, None]
    token = slot[_slot(container)]
    if token is not None:
        token.value = text
    else:
        slot[_slot(container)] = CommentToken(text, CommentMark(0), None)


def _split_eol(text: str) -> tuple[str, str]:
    """A trailing comment split into the end of its own line and the full lines after it."""
    if not text:
        return "", ""
    head, _, rest = text.partition("\n")
    return head + "\n", rest


def _insert(seq: CommentedSeq, index: int, items: list) -> None:
    """Insert items at ``index``, after the previous item but before the comments that follow it."""
    rest = ""
    if index > 0 and not seq.fa.flow_style():
        before = _deepest(seq, index - 1)
        eol, rest = _split_eol(_get_post(before))
        _set_post(before, eol)
    for offset, item in enumerate(items):
        seq.insert(index + offset, item)
    if rest:
        last = _deepest(seq, index + len(items) - 1)
        eol, more = _split_eol(_get_post(last))
        _set_post(last, (eol or "\n") + rest + more)


def _delete(seq: CommentedSeq, index: int, parent: tuple[CommentedMap, str]) -> None:
    """Delete ``parent[key][index]``; its own line's comment goes, the lines after it stay."""
    _, rest = _split_eol(_get_post(_deepest(seq, index)))
    del seq[index]
    if not rest or seq.fa.flow_style():
        return
    before = (
        seq.ca.comment[1] if index == 0 and seq.ca.comment and len(seq.ca.comment) > 1 else None
    )
    if before:  # comment lines above the first item: these go below them
        before.append(CommentToken(rest, CommentMark(0), None))
        return
    # Otherwise they follow what now comes before them: the previous item or the list's key.
    holder = _deepest(seq, index - 1) if index > 0 else parent
    eol, more = _split_eol(_get_post(holder))
    _set_post(holder, (eol or "\n") + more + rest)


def _append_key(data: CommentedMap, key: str, value: Any) -> None:
    """Add a key at the end of the mapping, before the comments that close the file."""
    rest = ""
    if data:
        last = _deepest(data, list(data)[-1])
        eol, rest = _split_eol(_get_post(last))
        _set_post(last, eol)
    data[key] = value
    if rest:
        last = _deepest(data, key)
        eol, more = _split_eol(_get_post(last))
        _set_post(last, (eol or "\n") + more + rest)


_PREFIX_LINE = re.compile(r"^(\s*(#.*)?|%.*)$")


def _split_prefix(text: str) -> tuple[str, str]:
    """Split off the comments and ``---`` that open a file (ruamel.yaml drops them on dump)."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.rstrip() == "---" or line.startswith("--- "):
            if all(_PREFIX_LINE.match(previous) for previous in lines[:number]):
                return "\n".join(lines[: number + 1]) + "\n", "\n".join(lines[number + 1 :])
            break
        if not _PREFIX_LINE.match(line):
            break
    return "", text


_KEY_ONLY = re.compile(r"^( *)(?:- +)?[^\s#-][^#]*:[ \t]*(#.*)?$")


def _indentation(text: str) -> dict[str, int]:
    """The file's indentation (mapping, sequence, dash offset), defaults where it has none."""
    lines = [x for x in text.split("\n") if x.strip() and not x.lstrip().startswith("#")]
    found: dict[str, int] = {}
    for above, below in pairwise(lines):
        match = _KEY_ONLY.match(above)
        if not match:
            continue
        key_column = len(above) - len(above.lstrip(" -"))
        column = len(below) - len(below.lstrip(" "))
        content = below.lstrip(" ")
        if content.startswith("- ") and "offset" not in found and column >= key_column:
            found["offset"] = column - key_column
            found["sequence"] = found["offset"] + len(content) - len(content[1:].lstrip(" "))
        elif not content.startswith("-") and column > key_column and "mapping" not in found:
            found["mapping"] = column - key_column
    return {
        "mapping": found.get("mapping", 2),
        "sequence": found.get("sequence", 4),
        "offset": found.get("offset", 2),
    }
