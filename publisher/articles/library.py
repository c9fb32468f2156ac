"""The article library: ``articles/<slug>.md`` files; lookup, listing, search, safe writes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from publisher.articles import file as articlefile
from publisher.errors import InputError, LibraryError
from publisher.model import Article
from publisher.text import clean, fold, slugify, suggest

# An article of a hundred thousand words is well under a megabyte; a file past this is a mistake.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class SaveResult:
    """What saving did: ``created``, ``updated`` or ``unchanged``, and the slug it used."""

    article: Article
    action: str
    path: Path


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Library:
    """A folder of article files. Reads lazily and keeps an index of slugs and sources."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._by_source: dict[str, str] | None = None
        self._by_content: dict[str, str] = {}
        self._slugs: set[str] | None = None
        # Articles "saved" by a dry run: later plans must see them, but they have no file.
        self._planned: dict[str, Article] = {}

    def _check_root(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise LibraryError("the article library path is not a folder", where=str(self.root))

    def path_for(self, slug: str) -> Path:
        return self.root / f"{slug}.md"

    def slugs(self) -> list[str]:
        """Every slug in the library, sorted."""
        self._check_root()
        if not self.root.exists():
            return []
        return sorted(p.stem for p in self.root.glob("*.md") if not p.name.startswith("."))

    def get(self, slug: str) -> Article:
        """The article with this slug; ``LibraryError`` with close matches when there is none."""
        self._check_root()
        path = self.path_for(slug)
        if slug != slugify(slug, max_length=200) and not path.exists():
            raise LibraryError(f"no article {slug!r}: slugs are lower-case ASCII with hyphens")
        try:
            size = path.stat().st_size
            if size > MAX_ARTICLE_BYTES:
                raise LibraryError(
                    f"the article file is {size:,} bytes: the limit is {MAX_ARTICLE_BYTES:,}",
                    where=str(path),
                )
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LibraryError(f"no article {slug!r}{suggest(slug, self.slugs())}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LibraryError(f"cannot read article: {exc}", where=str(path)) from exc
        return articlefile.loads(text, slug=slug, where=str(path))

    def articles(self) -> Iterator[Article]:
        """Every article, in slug order; a broken file raises ``InputError`` naming it."""
        for slug in self.slugs():
            yield self.get(slug)

    def find(self, *, keyword: str | None = None, since: datetime | None = None) -> list[Article]:
        """Articles published since a time with a keyword or suggestion containing ``keyword``.

        Accents and case are ignored, and ``keyword`` must match whole words of it.
        """
        wanted = f" {fold(keyword)} " if keyword and fold(keyword) else None
        found = []
        for article in self.articles():
            if wanted is not None:
                # Whole words only: ``dan toc`` finds ``dân tộc thiểu số``, ``an`` does not.
                tags = [f" {fold(k)} " for k in (*article.keywords, *article.suggested_keywords)]
                if not any(wanted in tag for tag in tags):
                    continue
            if since is not None and (article.published is None or article.published < since):
                continue
            found.append(article)
        return found

    def _index(self) -> tuple[dict[str, str], set[str]]:
        if self._by_source is None or self._slugs is None:
            by_source: dict[str, str] = {}
            slugs = set(self.slugs())
            for slug in sorted(slugs):
                try:
                    article = self.get(slug)
                except InputError:
                    continue  # a broken file keeps its slug reserved but matches no source
                self._remember(article)
                if article.provenance.source_file:
                    by_source.setdefault(article.provenance.source_file, slug)
            self._by_source, self._slugs = by_source, slugs
        return self._by_source, self._slugs

    def _remember(self, article: Article) -> None:
        if article.provenance.content_hash:
            self._by_content.setdefault(article.provenance.content_hash, article.slug)

    def same_content(self, article: Article) -> str | None:
        """The slug of an article imported from a source with the very same content."""
        self._index()
        found = self._by_content.get(article.provenance.content_hash)
        return found if article.provenance.content_hash and found else None

    def earlier_import(self, article: Article) -> Article | None:
        """The library's copy of an article imported before from the same source.

        Sources are known by their path from the project folder. Articles imported before
        paths were recorded carry the file name alone: they match only with the same title,
        so that another folder's ``article.txt`` never replaces them.
        """
        by_source, _ = self._index()
        source = article.provenance.source_file
        if source and source in by_source:
            return self.current(by_source[source])
        name = PurePosixPath(source).name
        if name and name != source and name in by_source:
            legacy = self.current(by_source[name])
            if fold(legacy.title) == fold(article.title):
                return legacy
        return None

    def plan_slug(self, article: Article) -> tuple[str, Article | None]:
        """The slug an article would be saved under, and the article it would replace.

        Only an earlier import of the same source is replaced; any other article, whatever
        its slug, gets a new slug of its own.
        """
        _, slugs = self._index()
        existing = self.earlier_import(article)
        if existing is not None:
            return existing.slug, existing
        base = article.slug or slugify(article.title)
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        return slug, None

    def current(self, slug: str) -> Article:
        """The article under ``slug`` as this run left it: planned by a dry run, else saved."""
        return self._planned[slug] if slug in self._planned else self.get(slug)

    def save(self, article: Article, *, dry_run: bool = False) -> SaveResult:
        """Save a new article under a unique slug, or update the one imported from its source."""
        self._check_root()
        slug, existing = self.plan_slug(article)
        article = article.with_(slug=slug)
        path = self.path_for(slug)
        if existing is not None and articlefile.dumps(existing) == articlefile.dumps(article):
            return SaveResult(article, "unchanged", path)
        action = "updated" if existing is not None else "created"
        if dry_run:
            self._planned[slug] = article
        else:
            try:
                write_atomic(path, articlefile.dumps(article))
            except OSError as exc:
                raise LibraryError(f"cannot write article: {exc}", where=str(path)) from exc
            self._planned.pop(slug, None)
        by_source, slugs = self._index()
        slugs.add(slug)
        if article.provenance.source_file:
            by_source[article.provenance.source_file] = slug
        self._remember(article)
        return SaveResult(article, action, path)

    def replace(self, article: Article) -> Path:
        """Write an existing article back under its own slug (editor commands)."""
        if not article.slug:
            raise LibraryError("cannot replace an article without a slug")
        path = self.path_for(article.slug)
        try:
            write_atomic(path, articlefile.dumps(article))
        except OSError as exc:
            raise LibraryError(f"cannot write article: {exc}", where=str(path)) from exc
        return path

    def attach_image(
        self, slug: str, number: int, src: str, *, alt: str | None = None, roots: list[Path]
    ) -> Path:
        """Give figure ``number`` of an article its picture: an ``https://`` address, or a file
        under one of ``roots`` (the project, then the library) given relative to it."""
        src = src.strip()
        parts = urlsplit(src)
        if parts.scheme or parts.netloc:
            if parts.scheme != "https" or not parts.netloc:
                raise LibraryError(f"an image address must be https:// or a project path: {src!r}")
        elif not any(_inside(root, src) for root in roots):
            raise LibraryError(
                "no such image file in the project (give its path from the project folder)",
                where=src,
            )
        self.get(slug)  # a missing slug gets its close matches
        path = self.path_for(slug)
        values = {"src": src} if alt is None else {"src": src, "alt": clean(alt)}
        edited = articlefile.set_figure(
            path.read_text(encoding="utf-8"), number, values, where=str(path)
        )
        try:
            write_atomic(path, edited)
        except OSError as exc:
            raise LibraryError(f"cannot write article: {exc}", where=str(path)) from exc
        return path


def _inside(root: Path, src: str) -> bool:
    """Whether ``src`` names a file inside ``root`` (never outside it, by ``..`` or a link)."""
    path = (root / src).resolve()
    return path.is_file() and path.is_relative_to(root.resolve())
