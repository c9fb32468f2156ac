"""``publisher import`` and ``publisher articles``."""

from __future__ import annotations

import json
from datetime import datetime, time

import click

from publisher.articles.library import Library
from publisher.cli import Project, pass_project
from publisher.keywords import KeywordSettings, edit_keywords
from publisher.model import Article

FORMATS = ["auto", "news-text", "html", "article", "markdown"]  # markdown: article's old name


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.command("import")
@click.argument("paths", nargs=-1, required=True, metavar="PATH|URL...")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
    help="Source format; auto detects it per file.",
)  # fmt: skip
@click.option(
    "--language", type=click.Choice(["auto", "vi", "en"]), default="auto", show_default=True,
    help="Language of the articles; auto detects it from the text.",
)  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Parse and report, but write nothing.")
@click.option(
    "--overwrite", is_flag=True,
    help="On a re-import, take the source's value where the library's copy was changed too.",
)  # fmt: skip
@click.option(
    "--fetch-images", is_flag=True,
    help="Download the pictures of web articles into images/ instead of linking to them.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the imported articles as JSON.")
@pass_project
def import_command(
    project: Project, paths: tuple[str, ...], fmt: str, language: str, dry_run: bool,
    overwrite: bool, fetch_images: bool, as_json: bool,
) -> None:  # fmt: skip
    """Import articles from files, folders and web pages (https:// addresses) into the library.

    Prints one line per article (slug, title, suggested keywords, warnings) to stderr. A file
    that cannot be imported is reported with its reason and the others go on; the exit status
    is then 4. Importing the same source file again updates its article instead of adding
    another, keeping what an editor changed in the library since (see --overwrite).
    """
    # Loaded here, not with the CLI: the importers' rules cost every other command ~90 ms.
    from publisher.importers.importing import ImportFailure, import_paths

    library = Library(project.config.articles_dir)
    settings = KeywordSettings.from_table(project.config.table("keywords"))
    imported, failures = [], 0
    for outcome in import_paths(
        paths, library, fmt=fmt, language=None if language == "auto" else language,
        dry_run=dry_run, keywords=settings, root=project.config.project, overwrite=overwrite,
        fetch_images=fetch_images,
    ):  # fmt: skip
        if isinstance(outcome, ImportFailure):
            failures += 1
            click.echo(f"failed   {outcome.path}: {outcome.reason}", err=True)
            continue
        imported.append(outcome.article)
        action = f"would be {outcome.action}" if dry_run else outcome.action
        click.echo(f"{action:<9} {outcome.article.slug}  {outcome.article.title}", err=True)
        if outcome.article.suggested_keywords:
            suggested = ", ".join(outcome.article.suggested_keywords)
            click.echo(f"  suggested keywords: {suggested}", err=True)
        for warning in outcome.warnings:
            click.echo(f"  warning: {warning}", err=True)
    if as_json:
        _echo_json([a.to_json() for a in imported])
    click.echo(
        f"{len(imported)} imported, {failures} failed{' (dry run: nothing written)' * dry_run}",
        err=True,
    )
    if failures:
        raise SystemExit(4)


@click.group()
def articles() -> None:
    """List and show the articles in the library, and curate their keywords."""


def _parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2017-08-12") from None
    if parsed.tzinfo is None:
        parsed = datetime.combine(parsed.date(), time.min).astimezone()
    return parsed


@articles.command("list")
@click.option("--keyword", help="Only articles with this keyword (accents and case ignored).")
@click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the articles as JSON.")
@pass_project
def list_command(project: Project, keyword: str | None, since: str | None, as_json: bool) -> None:
    """List the library's articles: slug, date, title."""
    found = Library(project.config.articles_dir).find(keyword=keyword, since=_parse_since(since))
    if as_json:
        _echo_json([a.to_json() for a in found])
        return
    for article in found:
        date = article.published.date().isoformat() if article.published else "----------"
        click.echo(f"{article.slug}  {date}  {article.title}")


@articles.command("show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@pass_project
def show_command(project: Project, slug: str, as_json: bool) -> None:
    """Show one article: its fields, figures and body."""
    article = Library(project.config.articles_dir).get(slug)
    if as_json:
        _echo_json(article.to_json())
        return
    click.echo(format_article(article))


@articles.command("figure")
@click.argument("slug")
@click.argument("number", type=click.IntRange(min=1))
@click.option(
    "--src", required=True, help="The picture: a path from the project folder, or https://."
)
@click.option("--alt", help="Its alt text, for readers who cannot see it.")
@pass_project
def figure_command(project: Project, slug: str, number: int, src: str, alt: str | None) -> None:
    """Attach a picture to figure NUMBER (1 = the first) of article SLUG.

    Only that figure's src (and alt) change in the article file; the rest stays as written.
    """
    config = project.config
    path = Library(config.articles_dir).attach_image(
        slug, number, src, alt=alt, roots=[config.project, config.articles_dir]
    )
    click.echo(f"figure {number} of {slug} now shows {src} ({path})")


def format_article(article: Article) -> str:
    """A readable summary of an article for the terminal."""
    lines = [f"{article.slug}", f"  title:     {article.title}"]
    if article.kicker:
        lines.append(f"  kicker:    {article.kicker}")
    lines += [
        f"  published: {article.published.isoformat() if article.published else '-'}",
        f"  source:    {article.source or '-'}",
        f"  authors:   {', '.join(article.authors) or '-'}",
        f"  language:  {article.language or '-'}",
        f"  keywords:  {', '.join(article.keywords) or '-'}",
    ]
    if article.suggested_keywords:
        lines.append(f"  suggested: {', '.join(article.suggested_keywords)}")
    for acronym, expansion in article.glossary.items():
        lines.append(f"  glossary:  {acronym} = {expansion}")
    for figure in article.figures:
        credit = f" (credit: {figure.credit})" if figure.credit else ""
        lines.append(f"  figure after paragraph {figure.after_paragraph}: {figure.caption}{credit}")
    lines += ["", article.lead, *("\n" + p for p in article.paragraphs)]
    return "\n".join(lines)


@articles.command("keywords")
@click.argument("slug")
@click.option("--add", "add", multiple=True, metavar="K", help="Add keyword K (repeatable).")
@click.option(
    "--remove", "remove", multiple=True, metavar="K",
    help="Remove keyword (or suggestion) K, case ignored (repeatable).",
)  # fmt: skip
@click.option("--accept", is_flag=True, help="Move the suggested keywords into the keywords.")
@click.option("--suggest", is_flag=True, help="Compute the suggestions (and glossary) again.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_project
def keywords_command(
    project: Project, slug: str, add: tuple[str, ...], remove: tuple[str, ...], accept: bool,
    suggest: bool, as_json: bool,
) -> None:  # fmt: skip
    """Show or edit an article's keywords and suggested keywords.

    Without options, shows them. Options apply in this order: --suggest, --accept, --add,
    --remove; the article file is rewritten (atomically) only when something changed.
    """
    settings = KeywordSettings.from_table(project.config.table("keywords"))
    edit = edit_keywords(
        Library(project.config.articles_dir), slug, add=add, remove=remove, accept=accept,
        suggest=suggest, settings=settings,
    )  # fmt: skip
    for word in edit.not_found:
        click.echo(f"warning: {word!r} is neither a keyword nor a suggestion", err=True)
    article = edit.article
    if as_json:
        fields = ("slug", "keywords", "suggested_keywords", "glossary")
        _echo_json({k: v for k, v in article.to_json().items() if k in fields})
        return
    click.echo(f"{article.slug}{'  (saved)' if edit.changed else ''}")
    click.echo(f"  keywords:  {', '.join(article.keywords) or '-'}")
    click.echo(f"  suggested: {', '.join(article.suggested_keywords) or '-'}")
    for acronym, expansion in article.glossary.items():
        click.echo(f"  glossary:  {acronym} = {expansion}")
