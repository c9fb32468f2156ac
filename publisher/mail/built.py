"""What ``publisher build`` left in ``build/<issue>/``, read back for sending."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
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

    def editions(self) -> dict[str, BuiltIssue]:
        """The issue's language editions by code (``en``), each read from its folder."""
        listed = self.manifest.get("editions") or {}
        if not isinstance(listed, dict):
            return {}
        found = {}
        for code in sorted(listed):
            folder = self.folder / str(code)
            if not folder.resolve().is_relative_to(self.folder.resolve()):
                raise SendError(f"the manifest names an edition outside the build: {code!r}",
                                where=str(self.folder / "manifest.json"))  # fmt: skip
            found[str(code)] = read_built(folder, self.slug)
        return found

    @property
    def not_after(self) -> datetime | None:
        """The issue file's ``not_after``: nothing of this issue is sent after it."""
        value = self.issue.get("not_after")
        try:
            return datetime.fromisoformat(value) if isinstance(value, str) and value else None
        except ValueError:
            raise SendError(
                f"the manifest's not_after is not a date and time: {value!r}",
                where=str(self.folder / "manifest.json"),
            ) from None


def check_current(config: Config, built: BuiltIssue) -> None:
    """Refuse to send a build older than its sources (an edit after the build).

    A build made from this project's issue file is checked against the sources its manifest
    records (settings, issue file, articles, theme files, images); a build folder from
    elsewhere cannot be, and is not.
    """
    if not any((config.issues_dir / f"{built.slug}{s}").is_file() for s in (".yaml", ".yml")):
        return
    from publisher.output.manifest import changed_sources

    try:
        changed = changed_sources(config, built.manifest)
    except PublisherError as exc:  # the theme no longer loads, say
        raise SendError(
            f"cannot tell whether the build is current: {exc.message}",
            where=exc.where, problems=exc.problems,
        ) from exc  # fmt: skip
    if changed:
        raise SendError(
            "the build is older than its sources: run"
            f" `publisher build {built.slug}` (or send with --rebuild)",
            where=str(built.folder),
            problems=[f"changed since the build: {key}" for key in changed[:10]],
        )


def build_folder(config: Config, issue: str) -> Path:
    """``issue`` is a built folder holding ``manifest.json``, or a slug under ``[paths] build``."""
    candidate = Path(issue)
    if (candidate / "manifest.json").is_file():
        return candidate.resolve()
    return config.build_dir / candidate.name.removesuffix(".yaml")


def load_built_issue(config: Config, issue: str) -> BuiltIssue:
    """Read a built issue; ``SendError`` when it is missing or incomplete."""
    return read_built(build_folder(config, issue), issue)


def read_built(folder: Path, issue: str = "") -> BuiltIssue:
    """Read the build in ``folder`` (an issue, or one of its language editions)."""
    issue = issue or folder.name
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
