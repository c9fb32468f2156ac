"""``publisher issue``: create, edit and show newsletter issues."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from publisher.cli import Project, pass_project
from publisher.issues.compose import IssueDraft, draft_issue
from publisher.issues.edit import add_articles, new_issue, remove_articles


@click.group()
def issue() -> None:
    """Create and edit newsletter issues (issues/<slug>.yaml) and show what they contain.

    ISSUE is an issue's slug (its file name in issues/ without .yaml) or the path of its file.
    Edits keep the file's comments and layout, and are saved only when the edited issue has no
    problems; otherwise the problems are listed and the file is left as it was (exit status 6).
    """


@issue.command("new")
@click.argument("title")
@click.option(
    "--date", "issue_date", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
    help="Date of the issue (default: today).",
)  # fmt: skip
@click.option(
    "--number", type=click.IntRange(min=1),
    help="Issue number (default: one more than the highest in issues/).",
)  # fmt: skip
@click.option("--theme", help="Theme (a folder in templates/; default: [newsletter] theme).")
@click.option("--slug", help="File name without .yaml (default: made from the title).")
@click.option(
    "--from-feed", "feed", metavar="URL|FILE",
    help="Import the new items of this RSS or Atom feed and put them in the issue.",
)  # fmt: skip
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
    help="With --from-feed: only items published on or after this day go into the issue.",
)  # fmt: skip
@click.option(
    "--section", help="With --from-feed: the section's title (default: Tin mới/Latest news)."
)
@pass_project
def new_command(
    project: Project, title: str, issue_date: datetime | None, number: int | None,
    theme: str | None, slug: str | None, feed: str | None, since: datetime | None,
    section: str | None,
) -> None:  # fmt: skip
    """Create a new issue file titled TITLE and print its path.

    The slug comes from the title (Vietnamese letters folded to ASCII) and is made unique;
    an existing file is never overwritten. Language, theme, sender and web address come from
    [newsletter] in publisher.toml.
    """
    fields: dict[str, Any] = {
        "date": issue_date.date() if issue_date else None, "number": number, "theme": theme,
        "slug": slug,
    }  # fmt: skip
    if feed is None:
        if since is not None or section is not None:
            raise click.UsageError("--since and --section go with --from-feed")
        click.echo(_relative(project, new_issue(project.config, title, **fields).path))
        return
    # The import stage loads only for a feed: the other issue commands stay quick to start.
    from publisher.importers.importing import ImportFailure
    from publisher.issues.edit import new_issue_from_feed
    from publisher.keywords import KeywordSettings

    settings = KeywordSettings.from_table(project.config.table("keywords"))
    result, outcomes = new_issue_from_feed(
        project.config, title, feed, since=since.date() if since else None, section=section,
        keywords=settings, **fields,
    )  # fmt: skip
    for outcome in outcomes:
        if isinstance(outcome, ImportFailure):
            click.echo(f"failed   {outcome.path}: {outcome.reason}", err=True)
        else:
            click.echo(f"{outcome.action:<9} {outcome.article.slug}", err=True)
    click.echo(_relative(project, result.path))


@issue.command("add")
@click.argument("issue_name", metavar="ISSUE")
@click.argument("slugs", metavar="SLUG...", nargs=-1, required=True)
@click.option(
    "--section",
    help="Section title (accents and case ignored); created at the end when missing. "
    "Default: the last section.",
)
@click.option(
    "--position", type=click.IntRange(min=1),
    help="1-based position in the section for the first article (default: at the end).",
)  # fmt: skip
@pass_project
def add_command(
    project: Project, issue_name: str, slugs: tuple[str, ...], section: str | None,
    position: int | None,
) -> None:  # fmt: skip
    """Add the articles SLUG... to a section of ISSUE, in the order given."""
    result = add_articles(project.config, issue_name, slugs, section=section, position=position)
    click.echo(f"{result.summary} ({_relative(project, result.path)})")


@issue.command("remove")
@click.argument("issue_name", metavar="ISSUE")
@click.argument("slugs", metavar="SLUG...", nargs=-1, required=True)
@pass_project
def remove_command(project: Project, issue_name: str, slugs: tuple[str, ...]) -> None:
    """Remove the articles SLUG... from ISSUE (a section left empty is removed too).

    Comment lines around the article stay; a comment on the article's own line goes with it.
    """
    result = remove_articles(project.config, issue_name, slugs)
    click.echo(f"{result.summary} ({_relative(project, result.path)})")


@issue.command("show")
@click.argument("issue_name", metavar="ISSUE")
@click.option("--json", "as_json", is_flag=True, help="Print the table of contents as JSON.")
@pass_project
def show_command(project: Project, issue_name: str, as_json: bool) -> None:
    """Show the resolved table of contents of ISSUE, and its problems.

    Lists the sections and their articles with titles and excerpt modes. When the issue has
    problems, the error that `publisher build` would give follows and the exit status is 6.
    """
    draft = draft_issue(project.config, issue_name)
    if as_json:
        click.echo(json.dumps(draft.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_draft(draft, _relative(project, draft.path)))
    for warning in draft.warnings:
        click.echo(f"warning: {warning}", err=True)
    if draft.problems:
        raise draft.error()


def format_draft(draft: IssueDraft, path: str) -> str:
    """A readable table of contents for the terminal."""
    issue = draft.issue
    facts = [
        f"number {issue.number}" if issue.number else "",
        issue.date.isoformat() if issue.date else "",
        issue.language,
        f"theme {issue.theme}",
    ]
    lines = [
        f"{issue.slug}: {issue.title or '(no title)'}",
        f"  {' · '.join(f for f in facts if f)}",
        f"  subject:   {issue.subject or '-'}",
        f"  preheader: {issue.preheader or '-'}",
        f"  web:       {issue.web_url or '- (no base_url)'}",
        f"  file:      {path}",
    ]
    for number, section in enumerate(draft.sections, 1):
        lines += ["", f"{number}. {section.title}"]
        for position, entry in enumerate(section.entries, 1):
            title = entry.article.title if entry.article else "(not in the library)"
            mode = f"{entry.excerpt} words" if isinstance(entry.excerpt, int) else entry.excerpt
            image = "" if entry.image else ", no image"
            lines.append(f"   {position}. {entry.slug}  {title}  [{mode}{image}]")
    count = len(draft.issue.entries)
    sections = len(draft.sections)
    lines += [
        "",
        f"{count} article{'s' * (count != 1)} in {sections} section{'s' * (sections != 1)}",
    ]
    for edition in issue.editions:
        lines += ["", f"edition {edition.edition}: {edition.title}",
                  f"  subject:   {edition.subject or '-'}",
                  f"  preheader: {edition.preheader or '-'}",
                  f"  web:       {edition.web_url or '- (no base_url)'}"]  # fmt: skip
        for number, part in enumerate(edition.sections, 1):
            slugs = ", ".join(e.article.slug for e in part.entries)
            lines.append(f"  {number}. {part.title}: {slugs}")
    return "\n".join(lines)


def _relative(project: Project, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(project.config.project))
    except ValueError:
        return str(path)
