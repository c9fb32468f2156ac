"""``publisher check``."""

from __future__ import annotations

import json

import click

from publisher.cli import Project, pass_project


@click.command("check")
@click.argument("issue")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@pass_project
def check_command(project: Project, issue: str, as_json: bool) -> None:
    """Check the built ISSUE before it is sent: size, links, images, tokens, subject, languages.

    Each finding has a severity (error, warning, note), where it is and how to fix it. The
    exit status is 6 when there is any error, 0 otherwise.
    """
    from publisher.output.check import check_issue

    report = check_issue(project.config, issue)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(f"{finding.severity:<8} {finding.where}: {finding.message}")
            if finding.fix:
                click.echo(f"         fix: {finding.fix}")
        counts = {s: sum(f.severity == s for f in report.findings) for s in ("error", "warning")}
        click.echo(
            f"{report.issue}: {counts['error']} error(s), {counts['warning']} warning(s)", err=True
        )
    if report.errors:
        raise SystemExit(6)
