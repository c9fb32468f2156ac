"""``publisher site``."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.cli import Project, pass_project
from publisher.output.site import build_site


@click.command("site")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path),
    help="Write the site here instead of build/site/.",
)  # fmt: skip
@click.option("--pdf", is_flag=True, help="Also build each issue's print.pdf (needs WeasyPrint).")
@pass_project
def site_command(project: Project, out: Path | None, pdf: bool) -> None:
    """Build every issue, then the site: archive, Atom feed and every issue's web edition.

    Each issue is built into build/<issue>/ as by publisher build; the site goes to build/site/
    laid out as it is published (index.html, feed.xml, issues/<issue>/...). Every issue is
    composed and checked first: if any has a problem, all problems are listed, nothing is written
    and the exit status is 6.
    """
    result = build_site(project.config, out=out, pdf=pdf)
    for build in result.builds:
        issue = build.manifest["issue"]
        click.echo(f"built    {issue['slug']}  {issue['title']}", err=True)
    for build in result.builds:
        for name in build.removed:
            click.echo(f"removed  {build.out.name}/{name}", err=True)
    for key in result.removed:
        click.echo(f"removed  site/{key}", err=True)
    click.echo(f"site     {result.out} ({len(result.builds)} issues, {result.files} files)")
