"""Compose: an issue file (``issues/<slug>.yaml``) resolved against the library into an ``Issue``.

Everything is read and checked before anything is returned, and every problem of the file is
reported together in one ``ComposeError``, each with the line of the offending entry.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from publisher.articles.library import Library
from publisher.config import Config
from publisher.errors import ComposeError, PublisherError
from publisher.issues.editions import DraftEdition, read_editions
from publisher.issues.file import (
    DraftEntry,
    DraftSection,
    Problems,
    load_issue_text,
    read_header,
    read_issue_file,
)
from publisher.issues.sections import read_sections
from publisher.model import Article, Entry, Issue, Section
from publisher.render.theme import theme_problems
from publisher.text import slugify, suggest

__all__ = ["DraftEntry", "DraftSection", "IssueDraft", "compose_issue", "draft_issue", "issue_path"]


@dataclass(frozen=True)
class IssueDraft:
    """An issue file read as far as it goes: the issue of the articles found, and the problems."""

    path: Path
    issue: Issue
    sections: tuple[DraftSection, ...]
    problems: tuple[str, ...]

    @property
    def warnings(self) -> list[str]:
        """What does not stop a build but an editor should fix (see ``issue_warnings``)."""
        return issue_warnings(self.issue)

    def error(self) -> ComposeError:
        """The error that refuses this issue: every problem of the file, in line order."""
        count = len(self.problems)
        return ComposeError(
            f"the issue has {count} problem{'s' * (count > 1)}",
            where=str(self.path),
            problems=self.problems,
        )

    def to_json(self) -> dict[str, Any]:
        """The table of contents as ``publisher issue show --json`` prints it."""
        issue = self.issue
        return {
            "issue": {
                "slug": issue.slug,
                "file": str(self.path),
                "title": issue.title,
                "number": issue.number,
                "date": issue.date.isoformat() if issue.date else None,
                "language": issue.language,
                "theme": issue.theme,
                "subject": issue.subject,
                "preheader": issue.preheader,
                "intro": issue.intro,
                "newsletter": issue.newsletter,
                "base_url": issue.base_url,
                "web_url": issue.web_url,
                "sender": asdict(issue.sender),
                "list_id": issue.list_id,
                "not_after": issue.not_after.isoformat() if issue.not_after else None,
            },
            "sections": [
                {"title": s.title, "articles": [_entry_json(issue, e) for e in s.entries]}
                for s in self.sections
            ],
            "editions": [
                {
                    "language": e.language,
                    "title": e.title,
                    "subject": e.subject,
                    "preheader": e.preheader,
                    "web_url": e.web_url,
                    "sections": [
                        {"title": s.title, "articles": [x.article.slug for x in s.entries]}
                        for s in e.sections
                    ],
                }
                for e in issue.editions
            ],
            "problems": list(self.problems),
        }


def _entry_json(issue: Issue, entry: DraftEntry) -> dict[str, Any]:
    article = entry.article
    return {
        "slug": entry.slug,
        "found": article is not None,
        "title": article.title if article else None,
        "kicker": article.kicker if article else None,
        "language": article.language if article else None,
        "excerpt": entry.excerpt,
        "image": entry.image,
        "url": issue.article_url(entry.slug),
        "line": entry.line,
    }


def issue_warnings(issue: Issue) -> list[str]:
    """One line per article whose figures have a caption but no picture yet."""
    warnings = []
    for entry in issue.entries:
        missing = [str(n) for n, f in enumerate(entry.article.figures, 1) if not f.src.strip()]
        if missing:
            numbers = f"figure {missing[0]} has" if len(missing) == 1 else (
                f"figures {', '.join(missing)} have"
            )  # fmt: skip
            warnings.append(
                f"{entry.article.slug}: {numbers} no image: add `src:` (publisher articles "
                f"figure {entry.article.slug} {missing[0]} --src images/NAME.jpg)"
            )
    return warnings


def issue_path(config: Config, issue: str) -> Path:
    """The file of an issue given as a slug in ``issues/`` or as a path."""
    given = Path(issue)
    if given.suffix in (".yaml", ".yml") or len(given.parts) > 1:
        for path in (given, config.project / given, config.issues_dir / given):
            if path.is_file():
                return path
        raise ComposeError("no such issue file", where=str(given))
    for suffix in (".yaml", ".yml"):
        path = config.issues_dir / f"{issue}{suffix}"
        if path.is_file():
            return path
    known = (
        sorted(p.stem for p in config.issues_dir.glob("*.y*ml"))
        if config.issues_dir.is_dir()
        else []
    )
    raise ComposeError(f"no issue {issue!r} in {config.issues_dir}{suggest(issue, known)}")


def compose_issue(config: Config, issue: str | Path) -> Issue:
    """The fully resolved issue, or ``ComposeError`` listing every problem of the file."""
    draft = draft_issue(config, issue)
    if draft.problems:
        raise draft.error()
    return draft.issue


def draft_issue(
    config: Config, issue: str | Path, *, text: str | None = None, allow_empty: bool = False
) -> IssueDraft:
    """Read an issue file (or ``text`` as its new content) without raising for its problems.

    ``allow_empty`` accepts an issue with no sections yet (a new issue being edited); an
    issue that is built must have at least one article.
    """
    path = issue if isinstance(issue, Path) else issue_path(config, issue)
    data = load_issue_text(read_issue_file(path) if text is None else text, str(path))
    problems = Problems()
    header = read_header(config, data, path, problems)
    sections = read_sections(data, problems, allow_empty)
    library = Library(config.articles_dir)
    sections = _resolve(library, sections, problems)
    editions = [
        (edition, _resolve(library, edition.sections, problems) if edition.sections else None)
        for edition in read_editions(data, header["language"], problems)
    ]
    result = _issue(header, sections, editions)
    found = problems.in_order()
    # Whether the theme exists is for the themes to say; an issue that names none that loads
    # is refused here, so `issue show` reports what `build` would refuse.
    found.extend(theme_problems(result.theme, config.templates_dir))
    return IssueDraft(path, result, tuple(sections), tuple(found))


def _resolve(
    library: Library, sections: list[DraftSection], problems: Problems
) -> list[DraftSection]:
    """Load every listed article; unknown slugs get close matches suggested."""
    known = library.slugs()
    resolved = []
    for section in sections:
        entries = []
        label = f"section {section.title!r}" if section.title else "section"
        for index, entry in enumerate(section.entries, 1):
            where = f"{label}, article {index}"
            article = _load(library, known, entry, where, problems)
            entries.append(DraftEntry(entry.slug, entry.excerpt, entry.image, entry.line, article))
        resolved.append(DraftSection(section.title, section.line, tuple(entries)))
    return resolved


def _load(
    library: Library, known: list[str], entry: DraftEntry, where: str, problems: Problems
) -> Article | None:
    if entry.slug not in known:
        # A title typed instead of its slug is matched too.
        close = [s for s in known if s == slugify(entry.slug, max_length=200)]
        close += difflib.get_close_matches(entry.slug, known, n=3, cutoff=0.6)
        hint = f" (did you mean: {', '.join(dict.fromkeys(close))}?)" if close else ""
        problems.add(entry.line, f"{where}: no article {entry.slug!r} in the library{hint}")
        return None
    try:
        return library.get(entry.slug)
    except PublisherError as exc:
        detail = "; ".join(exc.problems) or exc.message
        problems.add(entry.line, f"{where}: article {entry.slug!r} cannot be read: {detail}")
        return None


def _issue(
    header: dict[str, Any],
    sections: list[DraftSection],
    editions: list[tuple[DraftEdition, list[DraftSection] | None]] | None = None,
) -> Issue:
    """The issue of the articles found; each entry's URL is its page in the web edition."""
    issue = Issue(**header)
    if not editions:
        return replace(issue, sections=_sections(issue, sections))
    languages = (issue.language, *(edition.language for edition, _ in editions))
    made = tuple(
        replace(
            _issue(_edition_header(header, edition), own if own is not None else sections),
            languages=languages,
        )
        for edition, own in editions
    )
    return replace(issue, sections=_sections(issue, sections), editions=made, languages=languages)


def _edition_header(header: dict[str, Any], edition: DraftEdition) -> dict[str, Any]:
    """An edition's fields: its own, else the issue's (a title of its own is its subject too)."""
    fields = edition.fields
    subject = fields.get("subject") or fields.get("title") or header["subject"]
    return {**header, **fields, "subject": subject, "language": edition.language,
            "edition": edition.language}  # fmt: skip


def _sections(issue: Issue, sections: list[DraftSection]) -> tuple[Section, ...]:
    return tuple(
        Section(
            s.title,
            tuple(
                Entry(e.article, e.excerpt, e.image, issue.article_url(e.slug))
                for e in s.entries
                if e.article is not None
            ),
        )
        for s in sections
    )
