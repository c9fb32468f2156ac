"""What ``publisher build`` left in ``build/<issue>/``, read back for sending."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.config import Config
from publisher.errors import PublisherError, SendError


@dataclass(frozen=True)
class BuiltIssue:
    """The email parts and manifest of one built issue."""

    folder: Path
    manifest: dict[str, Any]
    text: str
    html: str

    @property
    def issue(self) -> dict[str, Any]:
        return self.manifest.get("issue") or {}

    @property
    def slug(self) -> str:
        return str(self.issue.get("slug") or self.folder.name)

    @property
    def sender(self) -> dict[str, str]:
        return self.issue.get("sender") or {}

    @property
    def subject(self) -> str:
        return str(self.issue.get("subject") or self.issue.get("title") or "")

    @property
    def language(self) -> str:
        return str(self.issue.get("language") or "")


def stale_files(config: Config, built: BuiltIssue) -> list[str]:
    """The files of a build that a build now would write differently: [] when it is current.

    A build made from this project's issue file is checked (its issue file, articles, theme,
    images and settings all shape it); a build folder from elsewhere cannot be, and is not.
    """
    if not (config.issues_dir / f"{built.slug}.yaml").is_file():
        return []
    from publisher.output.build import rebuilt_files

    try:
        now = rebuilt_files(config, built.slug)
    except PublisherError as exc:
        raise SendError(
            f"the issue no longer builds, so its build may be stale: {exc.message}",
            where=exc.where, problems=exc.problems,
        ) from exc  # fmt: skip
    sent = {"email.html": built.html.encode("utf-8"), "email.txt": built.text.encode("utf-8")}
    return [name for name, data in sent.items() if now[name] != data]


def check_current(config: Config, built: BuiltIssue) -> None:
    """Refuse to send a build older than its sources (an edit after the build)."""
    stale = stale_files(config, built)
    if stale:
        raise SendError(
            f"the build is older than its sources: {' and '.join(stale)} would change;"
            f" run `publisher build {built.slug}` (or send with --rebuild)",
            where=str(built.folder),
        )


def build_folder(config: Config, issue: str) -> Path:
    """``issue`` is a built folder holding ``manifest.json``, or a slug under ``[paths] build``."""
    candidate = Path(issue)
    if (candidate / "manifest.json").is_file():
        return candidate.resolve()
    return config.build_dir / candidate.name.removesuffix(".yaml")


def load_built_issue(config: Config, issue: str) -> BuiltIssue:
    """Read a built issue; ``SendError`` when it is missing or incomplete."""
    folder = build_folder(config, issue)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        text = (folder / "email.txt").read_text(encoding="utf-8")
        html = (folder / "email.html").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SendError(
            f"the issue is not built ({Path(exc.filename).name} is missing):"
            f" run `publisher build {Path(issue).name}` first",
            where=str(folder),
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SendError(f"cannot read the built issue: {exc}", where=str(folder)) from exc
    built = BuiltIssue(folder=folder, manifest=manifest, text=text, html=html)
    problems = []
    if not built.subject:
        problems.append("manifest.json: issue.subject (or title) is empty")
    if not built.sender.get("from_email"):
        problems.append("manifest.json: issue.sender.from_email is empty")
    if problems:
        raise SendError("the built issue cannot be sent", where=str(folder), problems=problems)
    return built
