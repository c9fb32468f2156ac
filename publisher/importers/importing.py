"""The import stage: source files → articles in the library."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from publisher.articles.library import Library
from publisher.errors import InputError, PublisherError
from publisher.importers import pick_importer, read_source
from publisher.importers.merge import merge, with_fingerprints
from publisher.keywords import KeywordSettings, annotate
from publisher.model import Article


@dataclass(frozen=True)
class Imported:
    """One source file imported: the article as saved, what saving did, and any warnings."""

    path: Path
    article: Article
    action: str
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportFailure:
    """One source file that could not be imported, and why."""

    path: Path
    reason: str


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and the visible entries of folders (recursively, sorted).

    Entries that are not regular files (broken links, pipes) and folders that cannot be listed
    are yielded too, so that reading them reports why instead of skipping them in silence.
    """
    for path in paths:
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _walk(root: Path) -> Iterator[Path]:
    unreadable: list[Path] = []
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, onerror=lambda e: unreadable.append(Path(e.filename))):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(folder, name) for name in files if not name.startswith(".")]
    yield from sorted(found + unreadable)


def import_article(
    path: Path, library: Library, *, fmt: str = "auto", language: str | None = None,
    dry_run: bool = False, keywords: KeywordSettings | None = None, root: Path | None = None,
    overwrite: bool = False,
) -> Imported:  # fmt: skip
    """Read, parse, annotate (glossary, keyword suggestions) and save one source file.

    The source is known by its path from ``root`` (the project folder) and by its content: a
    re-import merges into the earlier import's article (see ``merge``), and the same content
    under another name changes nothing.
    """
    source = read_source(path)
    importer = pick_importer(source, fmt)
    result = importer.parse(source, language=language)
    provenance = replace(result.article.provenance, source_file=source_key(path, root))
    article = result.article.with_(provenance=provenance)
    existing = library.earlier_import(article)
    twin = library.same_content(article)
    if twin is not None and (existing is None or existing.slug != twin):
        return Imported(path, library.get(twin), f"unchanged (same as {twin})", result.warnings)
    warnings = list(result.warnings)
    if existing is None:
        article = with_fingerprints(article)
    else:
        merged = merge(existing, article, overwrite=overwrite)
        article = merged.article
        warnings += [
            f"{name}: changed in the library and in the source; the library's value is kept "
            "(--overwrite takes the source's)"
            for name in merged.conflicts
        ]
    saved = library.save(annotate(article, keywords), dry_run=dry_run)
    return Imported(path, saved.article, saved.action, warnings)


def source_key(path: Path, root: Path | None) -> str:
    """How a source is known: its path from the project folder (or the current one), else as
    given; ``/``-separated, so it is the same on every machine that has the repository."""
    resolved = path.resolve()
    for base in (root, Path.cwd()):
        if base is not None and resolved.is_relative_to(base.resolve()):
            return resolved.relative_to(base.resolve()).as_posix()
    return resolved.as_posix()


def import_paths(
    paths: Iterable[Path], library: Library, *, fmt: str = "auto", language: str | None = None,
    dry_run: bool = False, keywords: KeywordSettings | None = None, root: Path | None = None,
    overwrite: bool = False,
) -> Iterator[Imported | ImportFailure]:  # fmt: skip
    """Import every file; a bad file becomes an ``ImportFailure`` and the others go on."""
    for path in expand_paths(paths):
        try:
            yield import_article(
                path, library, fmt=fmt, language=language, dry_run=dry_run, keywords=keywords,
                root=root, overwrite=overwrite,
            )  # fmt: skip
        except InputError as exc:
            yield ImportFailure(path, _reason(exc, path))
        except PublisherError:
            raise  # library and config errors stop the whole import


def _reason(exc: InputError, path: Path) -> str:
    """The error without repeating the file name the report already shows."""
    if exc.where in (str(path), path.name):
        return str(InputError(exc.message, problems=exc.problems))
    return str(exc)
