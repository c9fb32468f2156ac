"""``manifest.json``: what a build holds, for the send and upload steps and for scripts.

Its keys are a contract (see the README): the issue's own fields, its articles with a hash of
each article file, every file with its size and sha256, and the email's encoded MIME size and
the per-subscriber tokens it still holds.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any

from publisher.articles import file as articlefile
from publisher.config import CONFIG_NAME, Config
from publisher.errors import ComposeError
from publisher.issues.compose import issue_path
from publisher.model import TOKENS, Issue
from publisher.render.issue import Rendered
from publisher.render.markup import to_plain
from publisher.render.theme import PACKAGE_THEMES, load_theme

MANIFEST = "manifest.json"
GMAIL_CLIP_BYTES = 102 * 1024


def source_files(config: Config, slug: str, articles: list[str], theme: str) -> list[Path]:
    """The files a build of the issue reads, but for images: settings, issue file, articles,
    and every file of its theme's folders (the project's and the packaged ones)."""
    files = [config.project / CONFIG_NAME]
    # An issue composed in memory (by a script) has no file to record.
    with contextlib.suppress(ComposeError):
        files.append(issue_path(config, slug))
    files += [config.articles_dir / f"{article}.md" for article in articles]
    return files + theme_files(theme, config)


def theme_files(theme: str, config: Config) -> list[Path]:
    """Every file of a theme's folders and its parents' (the project's and the packaged)."""
    files: list[Path] = []
    for folder in load_theme(theme, config.templates_dir).dirs:
        files += sorted(
            p for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith((".", "__")) for part in p.parts)
        )  # fmt: skip
    return files


def source_key(config: Config, path: Path) -> str:
    """How the manifest names a source: relative to the project, or to the packaged themes."""
    path = path.resolve()
    for root, prefix in ((PACKAGE_THEMES, "publisher:themes/"), (config.project, "")):
        if path.is_relative_to(root):
            return prefix + path.relative_to(root).as_posix()
    return path.as_posix()


def source_path(config: Config, key: str) -> Path:
    """The file a manifest's source key names (the inverse of ``source_key``)."""
    if key.startswith("publisher:themes/"):
        return PACKAGE_THEMES / key.removeprefix("publisher:themes/")
    return config.project / key


def changed_sources(config: Config, manifest: dict[str, Any]) -> list[str]:
    """The sources of a build that changed, appeared (theme files) or went since it was made."""
    recorded = manifest.get("sources")
    if not isinstance(recorded, dict):
        return ["(no record of its sources: built by an earlier publisher)"]
    theme = (manifest.get("issue") or {}).get("theme") or "default"
    now = source_hashes(config, theme_files(theme, config))  # each file read once
    added = [key for key in now if key not in recorded]
    rest = [source_path(config, key) for key in recorded if key not in now]
    now |= source_hashes(config, rest)
    return [key for key, digest in recorded.items() if now.get(key, "") != digest] + added


def source_hashes(config: Config, files: list[Path]) -> dict[str, str]:
    """sha256 of each source file (``""`` for one that does not exist, like publisher.toml)."""
    hashes = {}
    for path in files:
        try:
            hashes[source_key(config, path)] = _sha256(path.read_bytes())
        except OSError:
            hashes[source_key(config, path)] = ""
    return hashes


def build_manifest(
    config: Config, issue: Issue, rendered: Rendered, files: dict[str, bytes], mime_bytes: int,
    sources: list[Path],
) -> dict[str, Any]:  # fmt: skip
    """The manifest: issue, articles, files (size, sha256), the email's MIME size, its tokens,
    and the sources it was built from (for ``send`` to refuse a build older than them)."""
    view, sender = rendered.view, issue.sender
    return {
        "issue": {
            "slug": issue.slug,
            "title": issue.title,
            "number": issue.number,
            "date": issue.date.isoformat() if issue.date else None,
            "language": issue.language,
            "theme": issue.theme,
            "subject": view.subject,
            "preheader": view.preheader,
            "base_url": issue.base_url,
            "web_url": issue.web_url,
            "sender": {
                "organisation": sender.organisation,
                "address": sender.address,
                "from_name": sender.from_name,
                "from_email": sender.from_email,
                "reply_to": sender.reply_to,
            },
            "list_id": issue.list_id,
            "not_after": issue.not_after.isoformat() if issue.not_after else None,
        },
        "articles": [
            {
                "slug": entry.article.slug,
                "title": entry.article.title,
                "language": entry.article.language or issue.language,
                "section": section.title,
                "url": entry.url,
                "lead": to_plain(entry.article.lead),  # what the archive shows of an issue
                "content_hash": _sha256(articlefile.dumps(entry.article).encode("utf-8")),
            }
            for section in issue.sections
            for entry in section.entries
        ],
        "files": {
            name: {"bytes": len(data), "sha256": _sha256(data)} for name, data in files.items()
        },
        "email": {
            "mime_bytes": mime_bytes,
            "tokens": [t for t in TOKENS if t in rendered.email_html or t in rendered.email_txt],
        },
        "sources": source_hashes(config, sources),
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
