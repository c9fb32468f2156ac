"""``publisher check``."""

from __future__ import annotations

import json

import click

from publisher.cli import Project, pass_project


@click.command("check")
@click.argument("issue")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option(
    "--nameserver", metavar="HOST[:PORT]",
    help="With `check dns`: ask this DNS server (default: PUBLISHER_DNS_SERVER, else the"
    " system's resolvers).",
)  # fmt: skip
@pass_project
def check_command(project: Project, issue: str, as_json: bool, nameserver: str | None) -> None:
    """Check the built ISSUE before it is sent: size, links, images, tokens, subject, languages.

    `publisher check dns` checks the sender's DNS records instead: MX, SPF, DKIM, DMARC.
    Each finding has a severity (error, warning, note; ok for DNS), where it is and how to fix
    it. The exit status is 6 when there is any error, 0 otherwise.
    """
    if issue == "dns":
        _check_dns(project, as_json, nameserver)
        return
    from publisher.mail.preflight import with_dns_findings
    from publisher.output.check import check_issue

    report = with_dns_findings(project.config, check_issue(project.config, issue))
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


def _check_dns(project: Project, as_json: bool, nameserver: str | None) -> None:
    from publisher.mail.dns import Resolver
    from publisher.mail.preflight import check_dns

    report = check_dns(project.config, resolver=Resolver(nameserver))
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(f"{finding.severity:<8} {finding.check} {finding.name}: {finding.message}")
            if finding.record:
                click.echo(f"         read: {finding.record}")
            if finding.fix:
                click.echo(f"         publish: {finding.fix}")
        warnings = sum(f.severity == "warning" for f in report.findings)
        click.echo(f"{report.domain}: {report.errors} error(s), {warnings} warning(s)", err=True)
    if report.errors:
        raise SystemExit(6)
