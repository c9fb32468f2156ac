"""Editing issue files: ``new``, ``add`` and ``remove``, keeping an editor's comments and layout.

Edits change the text itself, at the lines the reader reports (``yamledit.Splice``), so
everything else in the file stays as the editor wrote it. The edited text is composed and
checked before it is written; on any problem the file is left exactly as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher.articles.library import Library, write_atomic
from publisher.config import Config
from publisher.errors import ComposeError
from publisher.issues.compose import IssueDraft, draft_issue, issue_path
from publisher.issues.file import load_issue_text, read_issue_file
from publisher.text import clean, fold, slugify, suggest
from publisher.yamledit import Splice
from publisher.yamlfile import LinedDict, LinedList

if TYPE_CHECKING:
    from publisher.importers.importing import Imported, ImportFailure
    from publisher.keywords import KeywordSettings


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


def new_issue_from_feed(
    config: Config, title: str, feed: str, *, since: Date | None = None,
    section: str | None = None, keywords: KeywordSettings | None = None, **fields: Any,
) -> tuple[EditResult, list[Imported | ImportFailure]]:  # fmt: skip
    """Import a feed's new items, then a new issue (see ``new_issue``) with them in one section.

    Items published before ``since`` are imported but left out of the issue. The imports stand
    even when no item is left for the issue (that is an error, and no issue is created).
    """
    # Imported here: the import stage is needed by this command alone.
    from publisher.importers.importing import Imported, import_paths

    library = Library(config.articles_dir)
    outcomes = list(import_paths([feed], library, root=config.project, keywords=keywords))
    new = [o.article for o in outcomes if isinstance(o, Imported) and o.action != "unchanged"]
    if since is not None:
        new = [a for a in new if a.published is not None and a.published.date() >= since]
    if not new:
        when = f" published since {since.isoformat()}" if since else ""
        raise ComposeError(f"the feed has no new items{when}: no issue was created", where=feed)
    created = new_issue(config, title, **fields)
    default = "Tin mới" if config.table("newsletter")["language"] == "vi" else "Latest news"
    try:
        edited = add_articles(
            config, created.path.stem, [a.slug for a in new], section=section or default
        )
    except ComposeError:
        created.path.unlink()  # the file this command made a moment ago, and nothing else
        raise
    return edited, outcomes


def add_articles(
    config: Config, issue: str, slugs: Iterable[str], *, section: str | None = None,
    position: int | None = None,
) -> EditResult:  # fmt: skip
    """Add articles to a section (created at the end when missing), at a 1-based position."""
    slugs = [clean(s) for s in slugs if clean(s)]
    if not slugs:
        raise ComposeError("name at least one article to add")

    def change(data: LinedDict, splice: Splice) -> str:
        sections = _sections_list(data)
        index = _find_section(sections, section)
        if index is None:
            if section is None:
                raise ComposeError(
                    "the issue has no sections yet: name one with --section", where=issue
                )
            if position not in (None, 1):
                raise ComposeError(f"section {section!r} is new: the only position is 1")
            new = {"title": clean(section), "articles": slugs}
            if sections:
                splice.insert_items(sections, len(sections), [new])
            else:
                splice.fill(data, "sections", [new])
            return f"added {', '.join(slugs)} to the new section {clean(section)!r}"
        target = sections[index]
        articles = target.get("articles")
        if not isinstance(articles, list):
            articles = []
        at = len(articles) + 1 if position is None else position
        if not 1 <= at <= len(articles) + 1:
            count = f"{len(articles)} article{'s' * (len(articles) != 1)}"
            raise ComposeError(
                f"position {at} is outside section {target.get('title')!r}: "
                f"it has {count}, so use 1 to {len(articles) + 1}"
            )
        if isinstance(articles, LinedList) and articles:
            splice.insert_items(articles, at - 1, slugs)
        else:  # null or []: the section gets a block list
            splice.fill(target, "articles", slugs)
        return f"added {', '.join(slugs)} to section {target.get('title')!r} at position {at}"

    return _edit(config, issue, change)


def remove_articles(config: Config, issue: str, slugs: Iterable[str]) -> EditResult:
    """Remove articles from the issue; a section left empty is removed with them."""
    wanted = [clean(s) for s in slugs if clean(s)]

    def change(data: LinedDict, splice: Splice) -> str:
        sections = _sections_list(data)
        listed = [_slug_of(a) for s in sections for a in _articles_of(s)]
        missing = [s for s in wanted if s not in listed]
        if missing:
            raise ComposeError(
                f"not in this issue: {', '.join(missing)}{suggest(missing[0], listed)}", where=issue
            )
        dropped, emptied = [], []
        for index, section in enumerate(sections):
            articles = _articles_of(section)
            going = [i for i, item in enumerate(articles) if _slug_of(item) in wanted]
            if articles and len(going) == len(articles):
                # An empty section is invalid: it goes, with the comments inside it.
                dropped.append(str(section.get("title")))
                emptied.append(index)
            elif going:
                splice.remove_items(articles, going)
        if emptied:
            splice.remove_items(sections, emptied)
        gone = f" (and the emptied section {', '.join(map(repr, dropped))})" if dropped else ""
        return f"removed {', '.join(wanted)}{gone}"

    return _edit(config, issue, change)


def _edit(config: Config, issue: str, change: Callable[[LinedDict, Splice], str]) -> EditResult:
    """Read, change, compose the result and write it only when it has no problems."""
    path = issue_path(config, issue)
    original = read_issue_file(path)
    data = load_issue_text(original, str(path))
    splice = Splice(original)
    summary = change(data, splice)
    try:
        text = splice.result()
    except ValueError as exc:  # e.g. a whole issue written in flow style, {...} inside [...]
        message = f"nothing was changed: {exc}; edit the file by hand"
        raise ComposeError(message, where=str(path)) from None
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


def _sections_list(data: LinedDict) -> LinedList:
    """The ``sections`` list (empty when missing or null)."""
    sections = data.get("sections")
    if sections is not None and not isinstance(sections, list):
        raise ComposeError("sections: must be a list of sections")
    return sections if isinstance(sections, LinedList) else LinedList()


def _find_section(sections: list[Any], name: str | None) -> int | None:
    """The section with this title (accents and case ignored); the last one when unnamed."""
    if name is None:
        return len(sections) - 1 if sections else None
    for index, section in enumerate(sections):
        if isinstance(section, dict) and fold(str(section.get("title") or "")) == fold(name):
            return index
    return None


def _articles_of(section: Any) -> LinedList:
    articles = section.get("articles") if isinstance(section, dict) else None
    return articles if isinstance(articles, LinedList) else LinedList()


def _slug_of(item: Any) -> str:
    return clean(str(item.get("slug") or "")) if isinstance(item, dict) else clean(str(item))
