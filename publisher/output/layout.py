"""Which built files are published, and under which key.

On the destination: ``issues/<issue-slug>/...`` holds an issue's web edition (from
``build/<slug>/web/``) with its ``print.html`` and ``print.pdf``, and each language edition the
same way in ``issues/<issue-slug>/<lang>/``; ``index.html`` and ``feed.xml``
sit at the root. ``build/site/`` (written by ``publisher site``) is already laid out that way.
The email parts are never published: they still hold per-subscriber tokens.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from publisher.errors import UploadError

PRINT_FILES = ("print.html", "print.pdf")
_CODE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def issue_keys(issue_dir: Path, slug: str) -> dict[str, Path]:
    """Destination key → built file for one built issue (``build/<slug>/``)."""
    web = issue_dir / "web"
    if not (web / "index.html").is_file():
        raise UploadError(
            f"the web edition of '{slug}' is not built: run publisher build {slug}",
            where=str(web),
        )
    keys = {f"issues/{slug}/{key}": path for key, path in tree_keys(web).items()}
    for name in PRINT_FILES:
        if (issue_dir / name).is_file():
            keys[f"issues/{slug}/{name}"] = issue_dir / name
    # A language edition (``build/<slug>/en/``) is published in a folder of the issue's own.
    for code in edition_codes(issue_dir):
        keys.update(issue_keys(issue_dir / code, f"{slug}/{code}"))
    return keys


def edition_codes(issue_dir: Path) -> list[str]:
    """The language editions a built issue has, by its manifest (``[]`` for none)."""
    try:
        manifest = json.loads((issue_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    editions = manifest.get("editions") if isinstance(manifest, dict) else None
    if not isinstance(editions, dict):
        return []
    # Codes were checked when the issue was composed; a hand-edited manifest cannot point out.
    return [c for c in sorted(editions) if isinstance(c, str) and _CODE.match(c)]


def tree_keys(root: Path) -> dict[str, Path]:
    """Every visible file under ``root`` by its ``/``-separated relative path."""
    keys = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            keys[relative.as_posix()] = path
    return keys
