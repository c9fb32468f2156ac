"""The import stage: source files → articles in the library."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from publisher.articles.library import Library
from publisher.errors import InputError, PublisherError
from publisher.importers import pick_importer, read_source
from publisher.importers.base import Source
from publisher.importers.feed import FeedMemory, article_from_item, is_feed, read_feed
from publisher.importers.fetch import Fetcher, fetch_figures, is_url
from publisher.importers.merge import merge, with_fingerprints
from publisher.keywords import KeywordSettings, annotate
from publisher.model import Article


@dataclass(frozen=True)
class Imported:
    """One source file imported: the article as saved, what saving did, and any warnings."""

    path: Path | str  # a file, or a web page's address
    article: Article
    action: str
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportFailure:
    """One source file that could not be imported, and why."""

    path: Path | str
    reason: str


def expand_paths(paths: Iterable[Path | str]) -> Iterator[Path | str]:
    """Web addresses and files as given, and the visible entries of folders (recursively,
    sorted).

    Entries that are not regular files (broken links, pipes) and folders that cannot be listed
    are yielded too, so that reading them reports why instead of skipping them in silence.
    """
    for given in paths:
        if isinstance(given, str) and is_url(given):
            yield given
            continue
        path = Path(given)
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


def load_source(path: Path | str, root: Path | None, fetcher: Fetcher | None) -> tuple[Source, str]:
    """The source's text, and how it is known (its path from ``root``, or its address)."""
    if isinstance(path, str) and is_url(path):
        source = (fetcher or Fetcher()).page(path)
        return source, source.name
    return read_source(Path(path)), source_key(Path(path), root)


def import_source(
    source: Source, key: str, path: Path | str, library: Library, *, fmt: str = "auto",
    language: str | None = None, dry_run: bool = False, keywords: KeywordSettings | None = None,
    overwrite: bool = False, fetcher: Fetcher | None = None, fetch_images: bool = False,
    root: Path | None = None, article: Article | None = None, warnings: Iterable[str] = (),
) -> Imported:  # fmt: skip
    """Parse (unless ``article`` is given already), merge and save one source.

    A source is a file, known by its path from ``root`` (the project folder), or a web page,
    known by the address it finally came from; and by its content: a re-import merges into the
    earlier import's article (see ``merge``), and the same content under another name changes
    nothing. ``fetch_images`` downloads the article's pictures into ``images/`` under ``root``.
    """
    if article is None:
        importer = pick_importer(source, fmt)
        result = importer.parse(source, language=language)
        article, warnings = result.article, [*warnings, *result.warnings]
    article = article.with_(provenance=replace(article.provenance, source_file=key))
    if fetch_images and not dry_run:
        folder = (root or Path.cwd()) / "images"
        article, missed = fetch_figures(article, fetcher or Fetcher(), folder)
        warnings = [*warnings, *missed]
    existing = library.earlier_import(article)
    twin = library.same_content(article)
    if twin is not None and (existing is None or existing.slug != twin):
        # ``current``: in a dry run the twin may be one this run only planned.
        return Imported(path, library.current(twin), f"unchanged (same as {twin})", list(warnings))
    warnings = list(warnings)
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
    paths: Iterable[Path | str], library: Library, *, fmt: str = "auto",
    language: str | None = None, dry_run: bool = False, keywords: KeywordSettings | None = None,
    root: Path | None = None, overwrite: bool = False, fetch_images: bool = False,
) -> Iterator[Imported | ImportFailure]:  # fmt: skip
    """Import every file and address; a bad one becomes an ``ImportFailure``, the others go on."""
    fetcher = Fetcher()  # one for the run: robots.txt read once, hosts spaced out
    options: dict[str, Any] = {
        "fmt": fmt, "language": language, "dry_run": dry_run, "keywords": keywords,
        "overwrite": overwrite, "fetcher": fetcher, "fetch_images": fetch_images, "root": root,
    }  # fmt: skip
    for path in expand_paths(paths):
        try:
            source, key = load_source(path, root, fetcher)
            if fmt in ("auto", "feed") and is_feed(source.text):
                yield from import_feed(source, key, library, fetcher, options)
                continue
            yield import_source(source, key, path, library, **options)
        except InputError as exc:
            yield ImportFailure(path, _reason(exc, path))
        except PublisherError:
            raise  # library and config errors stop the whole import


def _reason(exc: InputError, path: Path | str) -> str:
    """The error without repeating the file name the report already shows."""
    if exc.where in (str(path), Path(path).name if isinstance(path, Path) else path):
        return str(InputError(exc.message, problems=exc.problems))
    return str(exc)


def import_feed(
    source: Source, key: str, library: Library, fetcher: Fetcher, options: dict[str, Any]
) -> Iterator[Imported | ImportFailure]:
    """Every item of a feed not imported before: its page, else the feed's own text."""
    feed = read_feed(source)
    memory = FeedMemory(library.root)
    for item in feed.items:
        if memory.knows(key, item.link):
            continue
        try:
            try:
                page = fetcher.page(item.link)
            except InputError as exc:
                article = article_from_item(item, feed)
                fallback = f"imported from the feed's own text: the page could not be used ({exc})"
                yield import_source(
                    source, item.link, item.link, library, article=article, warnings=[fallback],
                    **{k: v for k, v in options.items() if k != "fmt"},
                )  # fmt: skip
            else:
                yield import_source(page, page.name, item.link, library, **options)
        except InputError as exc:
            yield ImportFailure(item.link, _reason(exc, item.link))
            continue
        memory.remember(key, item.link)
    if not options.get("dry_run"):
        memory.save()
