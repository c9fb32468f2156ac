"""``publisher upload``."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.cli import Project, pass_project
from publisher.errors import UploadError
from publisher.upload import issue_files, open_destination, run_upload, site_files

CACHE_KEYS = ("cache_pages", "cache_feed", "cache_images", "cache_files")


@click.command("upload")
@click.argument("issue", required=False)
@click.option(
    "--all", "everything", is_flag=True,
    help="Upload the whole site (build/site/ from publisher site): archive, feed, every issue.",
)  # fmt: skip
@click.option(
    "--to", "to", metavar="DEST",
    help="A folder or s3://bucket/prefix (default: [upload] to in publisher.toml).",
)  # fmt: skip
@click.option("--dry-run", is_flag=True, help="List what would be uploaded; change nothing.")
@click.option(
    "--verify", is_flag=True,
    help="Check every remote file itself (size, sha256, headers) and re-send what differs.",
)  # fmt: skip
@click.option(
    "--endpoint-url", metavar="URL",
    help="S3-compatible endpoint (default: AWS_ENDPOINT_URL, else AWS S3).",
)  # fmt: skip
@click.option("--region", help="S3 region (default: AWS_REGION / AWS_DEFAULT_REGION / profile).")
@pass_project
def upload_command(
    project: Project, issue: str | None, everything: bool, to: str | None, dry_run: bool,
    verify: bool, endpoint_url: str | None, region: str | None,
) -> None:  # fmt: skip
    """Upload a built ISSUE (or --all: the whole site) to a folder or an S3 bucket.

    Only files whose content or headers changed are sent. Files go up in link order (images,
    then article pages, then issue pages, then the archive index and the feed) and the first
    failure stops the run, so the live site never links to a page that is missing. Prints what
    was uploaded, skipped and failed; the exit status is 9 when anything failed.
    """
    settings = project.config.table("upload")
    dest = to or settings["to"]
    if not dest:
        raise click.UsageError("say where to upload: --to DEST (or [upload] to in publisher.toml)")
    if bool(issue) == everything:
        raise click.UsageError("give either ISSUE or --all")
    policy = {key: settings[key] for key in CACHE_KEYS}
    build = project.config.build_dir
    if everything:
        files = site_files(build / "site", policy)
    else:
        assert issue is not None  # one of the two, checked above
        files = issue_files(build, Path(issue).stem if issue.endswith(".yaml") else issue, policy)
    destination = open_destination(dest, endpoint_url=endpoint_url, region=region)

    def progress(action: str, what: str) -> None:
        click.echo(f"{action:<12} {what}", err=not dry_run)

    report = run_upload(files, destination, dry_run=dry_run, verify=verify, progress=progress)
    verb = "would be uploaded" if dry_run else "uploaded"
    summary = f"{len(report.uploaded)} {verb}, {len(report.skipped)} unchanged"
    if report.failed or report.held:
        summary += f", {len(report.failed)} failed, {len(report.held)} held back"
    click.echo(f"{summary} ({report.destination})", err=True)
    if report.failed:
        raise UploadError(
            f"{len(report.failed)} file(s) failed; {len(report.held)} held back so the live "
            "site keeps linking only to files that are there",
            where=report.destination,
            problems=[f"{key}: {reason}" for key, reason in report.failed],
        )
