"""The site: every issue built, their web editions gathered under ``issues/``, archive and feed.

``build/site/`` is laid out exactly as the destination (see ``publisher.upload.layout``), so
``publisher upload --all`` sends it as it is. Like a build, the folder is written aside and
swapped in whole: a failed ``publisher site`` leaves the previous site untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from publisher.config import Config
from publisher.errors import ComposeError, OutputError
from publisher.issues.compose import compose_issue
from publisher.model import Issue
from publisher.output.build import BuildResult, build_issue, swap_in
from publisher.output.feed import IssueSummary, atom_feed, newest_first
from publisher.output.layout import issue_keys, tree_keys
from publisher.render.context import EditionLink
from publisher.render.issue import theme_environment
from publisher.render.labels import format_day, labels_for, language_name
from publisher.render.web import ArchiveItem, render_archive

SITE_DIR = "site"
MARKER = ".publisher-site"  # marks a folder as a built site, the only kind we replace


@dataclass(frozen=True)
class SiteResult:
    """What ``build_site`` wrote: the site folder, each issue's build, the number of files."""

    out: Path
    builds: tuple[BuildResult, ...]
    files: int
    removed: tuple[str, ...] = ()  # what the previous site had and this one does not


def issue_slugs(config: Config) -> list[str]:
    """Every issue file's slug in ``issues/``, sorted."""
    folder = config.issues_dir
    if not folder.is_dir():
        return []
    return sorted({p.stem for p in folder.iterdir() if p.suffix in (".yaml", ".yml")})


def compose_all(config: Config) -> list[Issue]:
    """Every issue composed; the problems of all of them reported together."""
    slugs = issue_slugs(config)
    if not slugs:
        raise ComposeError("there are no issues to build", where=str(config.issues_dir))
    issues, problems = [], []
    for slug in slugs:
        try:
            issues.append(compose_issue(config, slug))
        except ComposeError as exc:
            problems.append(f"{slug}: {exc.message}")
            problems.extend(f"{slug}: {p}" for p in exc.problems)
    if problems:
        raise ComposeError(
            "some issues cannot be built", where=str(config.issues_dir), problems=problems
        )
    return issues


def build_site(config: Config, out: Path | None = None, pdf: bool = False) -> SiteResult:
    """Build every issue into ``build/<slug>/``, then the site into ``build/site/`` (or ``out``)."""
    issues = compose_all(config)  # read and check everything before writing anything
    builds = tuple(build_issue(config, issue, pdf=pdf) for issue in issues)
    files: dict[str, bytes] = {}
    for result in builds:
        slug = result.manifest["issue"]["slug"]
        files.update({key: path.read_bytes() for key, path in issue_keys(result.out, slug).items()})
    summaries = [IssueSummary.from_manifest(result.manifest) for result in builds]
    files["index.html"] = archive_page(config, summaries).encode("utf-8")
    files["feed.xml"] = site_feed(config, summaries)
    files[MARKER] = b""
    target = Path(out) if out is not None else config.build_dir / SITE_DIR
    check_site_target(target)
    before = set(tree_keys(target)) if target.is_dir() else set()
    swap_in(target, files)
    removed = tuple(sorted(before - set(files)))
    return SiteResult(target, builds, len(files) - 1, removed)


def site_settings(config: Config, issues: list[IssueSummary]) -> tuple[str, str, str, str]:
    """``(name, language, url, organisation)`` of the site, from ``[newsletter]``."""
    table = config.table("newsletter")
    first = newest_first(issues)[0] if issues else None
    name = table["name"] or (first.title if first else "") or "Newsletter"
    url = table["base_url"].rstrip("/") + "/" if table["base_url"] else ""
    organisation = table["organisation"] or (first.organisation if first else "")
    return name, table["language"] or "en", url, organisation


def archive_page(config: Config, issues: list[IssueSummary]) -> str:
    """The archive (the site's ``index.html``) in the newsletter's theme, newest issue first."""
    name, language, url, organisation = site_settings(config, issues)
    theme, env = theme_environment(config.table("newsletter")["theme"], config.templates_dir)
    labels = labels_for(language, theme.settings)
    items = [
        ArchiveItem(
            slug=issue.slug,
            title=issue.title,
            number_label=labels["issue_number"].format(number=issue.number) if issue.number else "",
            date=format_day(issue.date, language, labels["date_format"]) if issue.date else "",
            summary=issue.preheader or issue.first_lead,
            url=issue.web_url or f"issues/{issue.slug}/",
            editions=_edition_links(issue),
        )
        for issue in newest_first(issues)
    ]
    return render_archive(
        env, theme, name=name, language=language, url=url, organisation=organisation,
        issues=items,
    )  # fmt: skip


def site_feed(config: Config, issues: list[IssueSummary]) -> bytes:
    """The Atom feed of every issue."""
    name, language, url, organisation = site_settings(config, issues)
    return atom_feed(issues, title=name, site_url=url, language=language, author=organisation)


def check_site_target(target: Path) -> None:
    """Refuse to replace a folder that is not a previous site."""
    if target.exists() and not target.is_dir():
        raise OutputError("the site path exists and is not a folder", where=str(target))
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        raise OutputError(
            "refusing to replace a folder that is not a previous site", where=str(target)
        )


def _edition_links(issue: IssueSummary) -> tuple[EditionLink, ...]:
    """The issue's other language editions, where the archive links to them."""
    home = issue.web_url or f"issues/{issue.slug}/"
    return tuple(
        EditionLink(code, language_name(code), f"{home}{code}/") for code in issue.editions
    )
