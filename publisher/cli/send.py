"""``publisher send``: test copies, the real send with a progress bar, and its status."""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import click

from publisher.cli import Project, pass_project
from publisher.config import Config
from publisher.errors import DatabaseError, SendError
from publisher.mail.options import SendOptions, SendReport
from publisher.mail.send import SendRun
from publisher.mail.status import Status, issue_status
from publisher.mail.testsend import send_test_copy
from publisher.mail.transports import SENT, TRANSPORTS


@contextlib.contextmanager
def _database_failures_stop_the_send() -> Iterator[None]:
    """A database that cannot be opened or written (read-only, disk full) is a failed send:
    exit 8, like every other reason a send cannot start or go on."""
    try:
        yield
    except DatabaseError as exc:
        raise SendError(
            f"{exc.message}; the send stopped: run it again once the database is fixed",
            where=exc.where, problems=exc.problems,
        ) from exc  # fmt: skip


@click.command("send")
@click.argument("issue")
@click.option(
    "--transport", type=click.Choice(sorted(TRANSPORTS)),
    help="Where messages go (default: [send] transport, else maildir).",
)  # fmt: skip
@click.option(
    "--to", "to", multiple=True, metavar="ADDRESS",
    help="Send a [TEST] copy to this address only (repeatable); the ledger is not touched.",
)  # fmt: skip
@click.option("--limit", type=click.IntRange(min=1), help="Send to at most N recipients now.")
@click.option(
    "--rate", type=click.FloatRange(min=0), metavar="MSGS_PER_SECOND",
    help="At most this many messages per second (0: as fast as the server takes them).",
)  # fmt: skip
@click.option(
    "--connections", type=click.IntRange(min=1), help="Parallel SMTP connections (default 1)."
)
@click.option("--yes", is_flag=True, help="Do not ask before sending.")
@click.option("--status", is_flag=True, help="Show how many recipients are in each state.")
@click.option("--retry-failed", is_flag=True, help="Try the failed recipients again.")
@click.option(
    "--retry-unknown", is_flag=True,
    help="Try again the recipients whose server never answered after the message (a copy "
    "may have arrived already).",
)  # fmt: skip
@click.option(
    "--not-after", metavar="DATE_TIME",
    help="Send nothing after this moment, with its zone (e.g. 2024-05-11T08:00+07:00).",
)  # fmt: skip
@click.option(
    "--rebuild", is_flag=True,
    help="Build the issue first (a build older than its sources is refused otherwise).",
)  # fmt: skip
@pass_project
@_database_failures_stop_the_send()
def send_command(
    project: Project, issue: str, transport: str | None, to: tuple[str, ...],
    limit: int | None, rate: float | None, connections: int | None, yes: bool,
    status: bool, retry_failed: bool, retry_unknown: bool, not_after: str | None,
    rebuild: bool,
) -> None:  # fmt: skip
    """Send the built ISSUE (a slug under build/, or a built folder) to the subscribers.

    Every recipient has a row in the ledger; running send again resumes where it stopped
    and sends only to recipients not yet sent to. Unsubscribed and bounced subscribers are
    never sent to. Exit status 8 when some recipients failed.
    """
    config = project.config
    if status:
        _print_status(issue_status(config, issue))
        return
    options = SendOptions.from_config(
        config, transport=transport, limit=limit, rate=rate, connections=connections,
        not_after=_deadline(not_after),
    )  # fmt: skip
    options.check_deadline()
    if rebuild:
        from publisher.output.build import build_issue

        result = build_issue(config, Path(issue).name.removesuffix(".yaml"))
        click.echo(f"built {result.out}", err=True)
    if config.table("send")["dns_preflight"] and options.transport in ("smtp", "ses"):
        _dns_preflight(config, issue, options.transport)
    if to:
        for outcome in send_test_copy(config, issue, to, options.transport):
            mark = "sent  " if outcome.status == SENT else "FAILED"
            click.echo(f"{mark} {outcome.recipient}: {outcome.text}", err=True)
        return
    with SendRun(config, issue, options) as run:
        run.notice = lambda text: click.echo(f"\n{text}", err=True)
        if retry_failed:
            click.echo(f"{run.retry('failed')} failed recipient(s) queued again", err=True)
        if retry_unknown:
            count = run.retry("unknown")
            click.echo(f"{count} recipient(s) of unknown outcome queued again", err=True)
        pending = run.pending
        if not pending:
            click.echo("nothing to send now", err=True)
        else:
            where = run.describe_transport()
            question = f"Send “{run.subject}” to {pending} recipient(s) via {where}?"
            if not yes and not click.confirm(question, err=True):
                raise click.Abort()
            try:
                with _sigterm_as_interrupt():
                    report = _run_with_progress(run, pending)
            except KeyboardInterrupt:
                click.echo("\ninterrupted: every message in flight was recorded", err=True)
                _print_verdict(run.status())
                raise SystemExit(8) from None
            _print_report(report, options.connections)
        whole = run.status()
    _print_verdict(whole)
    if not whole.complete:
        raise SystemExit(8)


def _dns_preflight(config: Config, issue: str, transport: str) -> None:
    """What is wrong with the sender's DNS records, as warnings: it never stops a send."""
    from publisher.mail.built import load_built_issue
    from publisher.mail.preflight import issue_findings

    try:
        sender = load_built_issue(config, issue).sender.get("from_email", "")
    except SendError:
        return  # not built: said below, where the send stops
    findings = issue_findings(config, sender, transport)
    for finding in findings:
        click.echo(f"warning: {finding.where}: {finding.message} ({finding.severity})", err=True)
    if any(f.severity != "note" for f in findings):
        click.echo("  `publisher check dns` says what to publish instead", err=True)


def _deadline(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            "not an ISO 8601 date and time", param_hint="--not-after"
        ) from None
    if moment.tzinfo is None:
        raise click.BadParameter(
            "give its zone, like 2024-05-11T08:00+07:00", param_hint="--not-after"
        )
    return moment


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a stopped CI job, systemd) ends the run as Ctrl-C does: cleanly."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_with_progress(run: SendRun, pending: int) -> SendReport:
    with click.progressbar(
        length=pending, label="sending", file=sys.stderr,
        show_eta=True, show_pos=True, item_show_func=lambda rate: rate,
    ) as bar:  # fmt: skip
        shown: list[float] = [0, 0.0]

        def progress(done: int, rate: float) -> None:
            # Redrawing a terminal line per message would cost more than sending it.
            now = time.monotonic()
            if now - shown[1] >= 0.1 or done == pending:
                bar.update(done - int(shown[0]), current_item=f"{rate:.1f} msg/s")
                shown[0], shown[1] = done, now

        return run.run(progress)


def _print_report(report: SendReport, connections: int) -> None:
    """What this run did (with ``connections`` asked for)."""
    rate = report.sent / report.elapsed if report.elapsed else 0.0
    line = f"{report.sent} sent, {report.failed} failed in {report.elapsed:.1f}s ({rate:.1f} msg/s)"
    if report.slowdowns:
        line += f"; the server asked to slow down {report.slowdowns} time(s)"
    if report.connections and report.connections < connections:
        line += f"; the server took {report.connections} connection(s), not {connections}"
    click.echo(line, err=True)


def _print_verdict(status: Status) -> None:
    """The whole send, every run and sender together, and what is left to do."""
    click.echo(", ".join(f"{n} {state}" for state, n in status.counts.items()), err=True)
    for reply, count in status.replies:
        click.echo(f"  {count} failed with: {reply}", err=True)
    if status.counts["failed"]:
        click.echo(
            f"{status.counts['failed']} recipient(s) failed: see `publisher send ISSUE --status`;"
            " send them again with --retry-failed",
            err=True,
        )
    if status.counts["unknown"]:
        click.echo(
            f"{status.counts['unknown']} recipient(s) of unknown outcome: their server never"
            " answered after the message, which probably arrived; --retry-unknown sends again",
            err=True,
        )
    if status.unsent:
        click.echo(f"{status.unsent} recipient(s) not sent yet: run send again", err=True)
    if status.complete:
        click.echo("the send is complete: everyone was sent to or suppressed", err=True)


def _print_status(status: Status) -> None:
    for state, count in status.counts.items():
        click.echo(f"{state:<10} {count}")
    for reply, count in status.replies:
        click.echo(f"{count:>6} failed with: {reply}")
    for failure in status.failures:
        click.echo(
            f"{failure.state}: {failure.email} ({failure.attempts} attempts): {failure.reply}"
        )
