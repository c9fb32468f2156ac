"""``publisher build``."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.cli import Project, pass_project


@click.command("build")
@click.argument("issue")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the files here instead of build/<issue-slug>/.",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also write print.pdf (needs WeasyPrint: pip install 'publisher[pdf]').",
)
@pass_project
def build_command(project: Project, issue: str, out: Path | None, pdf: bool) -> None:
    """Build ISSUE (a slug in issues/ or a path): email, text part, print edition, manifest.

    Writes email.html, email.txt, print.html (and print.pdf with --pdf) and manifest.json into
    build/<issue-slug>/. A failed build leaves the previous one as it was.
    """
    from publisher.output.build import GMAIL_CLIP_BYTES, build_issue

    result = build_issue(project.config, issue, out=out, pdf=pdf)
    for name, size in result.files.items():
        click.echo(f"{size:>10,} bytes  {name}")
    mime = result.manifest["email"]["mime_bytes"]
    click.echo(f"built {result.out} (the email is {mime:,} bytes as a MIME message)")
    for name in result.removed:
        click.echo(f"removed {name} (the previous build had it)", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.clipped:
        click.echo(
            f"warning: Gmail clips messages above about {GMAIL_CLIP_BYTES // 1024} KB encoded; "
            "this one will be clipped",
            err=True,
        )
