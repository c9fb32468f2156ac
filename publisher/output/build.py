"""Building an issue: render everything in memory, then swap the output folder in at once.

A failed build never leaves a half-written folder, and a previous build survives it: files are
written into a temporary folder beside the target, which replaces the target by renames only.
The same inputs give byte-identical files (no timestamps, sorted keys).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.config import Config
from publisher.errors import OutputError, RenderError
from publisher.issues.compose import compose_issue, issue_warnings
from publisher.model import Issue
from publisher.output.manifest import GMAIL_CLIP_BYTES, MANIFEST, build_manifest, source_files
from publisher.render import print as print_edition
from publisher.render.images import ImageStore, local_images, preparing_images
from publisher.render.issue import Rendered, render_issue, timed
from publisher.render.mime import encoded_size

MARKER = ".publisher-build"  # {"manifest_sha256": ...}: see check_target


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: the folder, each file's size in bytes, the manifest, stage timings."""

    out: Path
    files: dict[str, int]
    manifest: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # files of the previous build now gone

    @property
    def clipped(self) -> bool:
        """True when Gmail would clip the email (its encoded size passes about 102 KB)."""
        return self.manifest["email"]["mime_bytes"] > GMAIL_CLIP_BYTES


def build_issue(
    config: Config,
    issue: Issue | str,
    out: Path | None = None,
    pdf: bool = False,
) -> BuildResult:
    """Build an issue (composed, or a slug/path to compose) into ``build/<slug>/`` or ``out``.

    Without ``pdf``, the previous build's ``print.pdf`` is kept while the print edition it was
    made from is unchanged (a PDF takes seconds, and ``publisher site`` rebuilds every issue).
    """
    timings: dict[str, float] = {}
    if isinstance(issue, str):
        with timed(timings, "compose"):
            issue = _compose(config, issue)
    target = Path(out) if out is not None else config.build_dir / issue.slug
    check_target(target, config.project)
    previous = _previous_files(target)

    def previous_pdf(folder: str, print_html: bytes) -> bytes | None:
        entry = previous.get(f"{folder}print.html", {})
        if f"{folder}print.pdf" in previous and entry.get("sha256") == _sha256(print_html):
            return (target / folder / "print.pdf").read_bytes()
        return None

    files, manifest = assemble(config, issue, timings, pdf=pdf, previous_pdf=previous_pdf)
    with timed(timings, "write"):
        swap_in(target, files)
    sizes = {n: len(b) for n, b in files.items()}
    removed = sorted(set(previous) - set(files))
    return BuildResult(target, sizes, manifest, timings, issue_warnings(issue), removed)


def assemble(
    config: Config, issue: Issue, timings: dict[str, float] | None = None, *, pdf: bool = False,
    previous_pdf: Callable[[str, bytes], bytes | None] | None = None,
) -> tuple[dict[str, bytes], dict[str, Any]]:  # fmt: skip
    """Every file of a build in memory, by name, and its manifest: nothing is written.

    Each language edition is a build of its own in a folder named by its language (``en/``),
    listed in the issue's manifest. ``previous_pdf(folder, print_html)`` gives back the PDF
    of an earlier build of the same ``print.html`` in that folder (``""`` or ``en/``).
    """
    folder = f"{issue.edition}/" if issue.edition else ""
    roots = [config.project, config.articles_dir]
    store = ImageStore(roots, issue.web_url, collect=True)
    with preparing_images(store):
        rendered = render_issue(issue, config.templates_dir, timings)
        files = _text_files(rendered)
        if pdf:
            with timed(timings, "pdf"):
                images = local_images(issue, roots)
                files["print.pdf"] = print_edition.to_pdf(rendered.print_html, images)
    if store.problems:
        raise RenderError("some images cannot be used", where=issue.slug, problems=store.problems)
    if not pdf and previous_pdf is not None:
        kept = previous_pdf(folder, files["print.html"])
        if kept is not None:
            files["print.pdf"] = kept
    # The web edition, with the images every output links to (published beside its pages).
    files.update({f"web/{path}": page.encode("utf-8") for path, page in rendered.web.items()})
    files.update({f"web/{name}": data for name, data in store.files.items()})
    mime_bytes = encoded_size(rendered.email_txt, rendered.email_html)
    editions = {}
    for edition in issue.editions:
        own, editions[edition.edition] = assemble(
            config, edition, timings, pdf=pdf, previous_pdf=previous_pdf
        )
        own.pop(MARKER)  # the issue's marker covers its editions' files
        files.update({f"{edition.edition}/{name}": data for name, data in own.items()})
    slugs = [e.article.slug for i in (issue, *issue.editions) for e in i.entries]
    sources = source_files(config, issue.slug, list(dict.fromkeys(slugs)), issue.theme)
    sources += sorted(set(store.sources.values()))
    manifest = build_manifest(config, issue, rendered, files, mime_bytes, sources)
    if editions:
        manifest["editions"] = {
            code: {"folder": f"{code}/", "subject": m["issue"]["subject"]}
            for code, m in sorted(editions.items())
        }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    files[MANIFEST] = text.encode()
    # The marker ties the folder to its manifest: see check_target.
    files[MARKER] = json.dumps({"manifest_sha256": _sha256(files[MANIFEST])}).encode() + b"\n"
    return files, manifest


def _text_files(rendered: Rendered) -> dict[str, bytes]:
    return {
        "email.html": rendered.email_html.encode("utf-8"),
        "email.txt": rendered.email_txt.encode("utf-8"),
        "print.html": rendered.print_html.encode("utf-8"),
    }


def _previous_files(target: Path) -> dict[str, dict[str, Any]]:
    """The files the build in ``target`` lists (check_target has verified them), if any."""
    try:
        listed = json.loads((target / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return listed if isinstance(listed, dict) else {}


def _compose(config: Config, slug: str) -> Issue:
    return compose_issue(config, slug)


def check_target(target: Path, project: Path) -> None:
    """Refuse to replace anything but a build of this tool, untouched (or an empty folder).

    A build is known by its files, not by a name: every file in the folder must be one its
    ``manifest.json`` lists, with the same bytes (sha256), and the marker must hold the
    manifest's own hash. A file added or edited by hand stops the build instead of vanishing.
    """
    resolved = target.resolve()
    if resolved == project.resolve() or resolved in project.resolve().parents:
        raise OutputError("refusing to build into the project folder itself", where=str(target))
    if target.exists() and not target.is_dir():
        raise OutputError("the output path exists and is not a folder", where=str(target))
    if not target.is_dir() or not any(target.iterdir()):
        return
    problem = _not_a_build(target)
    if problem:
        raise OutputError(
            f"refusing to replace a folder this tool did not build as it is: {problem}",
            where=str(target),
        )


def _not_a_build(folder: Path) -> str | None:
    """Why ``folder`` is not an untouched build, or None when it is one."""
    try:
        manifest_bytes = (folder / MANIFEST).read_bytes()
        listed = json.loads(manifest_bytes)["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return f"it has no readable {MANIFEST}"
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        marker = None  # a build of an earlier version: its files alone must bear it out
    except (OSError, ValueError):
        return f"its {MARKER} cannot be read"
    if marker is not None and (
        not isinstance(marker, dict) or marker.get("manifest_sha256") != _sha256(manifest_bytes)
    ):
        return f"its {MANIFEST} is not the one the build wrote"
    for path in sorted(folder.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        name = path.relative_to(folder).as_posix()
        if name in (MANIFEST, MARKER):
            continue
        entry = listed.get(name) if isinstance(listed, dict) else None
        if entry is None or path.is_symlink():
            return f"{name} is not a file of the build"
        if not isinstance(entry, dict) or entry.get("sha256") != _sha256(path.read_bytes()):
            return f"{name} was changed after the build"
    return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def swap_in(target: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into a fresh folder beside ``target``, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent))
    old: Path | None = None
    try:
        os.chmod(fresh, 0o755)  # mkdtemp makes it private; a build folder is for sharing
        _write_files(fresh, files)
        if target.exists():
            old = fresh.with_suffix(".old")
            target.rename(old)
        try:
            fresh.rename(target)
        except OSError:
            if old is not None:
                old.rename(target)  # put the previous build back
                old = None
            raise
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
