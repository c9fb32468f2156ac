"""``manifest.json``: what a build holds, for the send and upload steps and for scripts.

Its keys are a contract (see the README): the issue's own fields, its articles with a hash of
each article file, every file with its size and sha256, and the email's encoded MIME size and
the per-subscriber tokens it still holds.
"""

from __future__ import annotations

import hashlib
from typing import Any

from publisher.articles import file as articlefile
from publisher.config import Config
from publisher.model import TOKENS, Issue
from publisher.render.issue import Rendered

MANIFEST = "manifest.json"
GMAIL_CLIP_BYTES = 102 * 1024


def build_manifest(
    config: Config, issue: Issue, rendered: Rendered, files: dict[str, bytes], mime_bytes: int
) -> dict[str, Any]:
    """The manifest: issue, articles, files (size, sha256), the email's MIME size, its tokens."""
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
        },
        "articles": [
            {
                "slug": entry.article.slug,
                "title": entry.article.title,
                "language": entry.article.language or issue.language,
                "section": section.title,
                "url": entry.url,
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
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
