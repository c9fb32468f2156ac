"""News pages saved as HTML: the article extracted by trafilatura, its metadata from the page.

trafilatura finds the article's text in the page (navigation, ads, share buttons, related
links and comments left out) and gives it as Markdown, headings, lists and links kept. What it
gives less precisely is read from the page itself: the publication time with its zone (meta
tags, JSON-LD, ``<time>``), quotes, and the figures: each image with its alt text and its
caption split into caption and credit (``… Ảnh: Quốc Bảo``), placed after the paragraphs
that come before it.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from publisher.errors import InputError
from publisher.importers.base import ImportResult, Source
from publisher.importers.newstext.captions import parse_caption
from publisher.importers.newstext.dates import VIETNAM, parse_date_line
from publisher.importers.pagefigures import (
    HEADING,
    article_root,
    place_figures,
    sources,
    unmarked,
)
from publisher.model import Article, Figure, Provenance
from publisher.text import clean, detect_language

_HTML = re.compile(r"^\s*(?:<!--.*?-->\s*)*(?:<!doctype html|<html)", re.I | re.S)
# ``![alt](src)``, or ``![alt](<src 1x, src2 2x>)`` (a ``srcset``), maybe with text after it.
_IMAGE = re.compile(
    r"^!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\((?:<(?P<set>[^>]+)>|(?P<src>[^)\s]+))\)\s*(?P<rest>.*)$",
    re.S,
)
# What separates a page title from the site's name: ``Title | Site``, ``Site - Title``.
_TITLE_PARTS = re.compile(r"\s+(?:[|•»·–—-]|::)\s+")
# What comes before an author's name in the page's markup: ``View all posts by``, ``Autor:``.
_AUTHOR_LABEL = re.compile(
    r"(?i)^(?:(?:view |see )?(?:all )?(?:posts|articles|stories) by|written by|by|von|autor(?:in)?"
    r"|author|tác giả)\s*:?\s+"
)
# Blocks that cannot lead an article: headings, quotes, list items, tables, a link alone, a
# template's placeholders.
_NOT_PROSE = re.compile(r"^(?:#+\s|>|(?:[-*+]|\d{1,3}[.)])\s|\||\[[^\]]*\]\([^)]*\)$|\{\{)")
MIN_WORDS = 60  # less running text than this is a home page, a gallery or an error page
ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle", "report"}
TIME_KEYS = (
    ("meta", "property", "article:published_time"),
    ("meta", "itemprop", "datePublished"),
    ("meta", "name", "pubdate"),
    ("meta", "name", "publishdate"),
    ("time", "itemprop", "datePublished"),
)


@dataclass(frozen=True)
class _Page:
    """What the page's own markup says, beside what trafilatura extracts."""

    language: str
    published: datetime | None
    section: str
    captions: dict[str, str]  # image address -> its figcaption's text
    quotes: set[str]
    keywords: tuple[str, ...]
    text: str  # the article's visible text, to tell the page's own standfirst from a summary
    root: Any  # the article's element (``<article>``, ``<main>``, else the whole page)


class HtmlImporter:
    """Reads a saved news page (``.html``), or any file that is HTML."""

    name: ClassVar[str] = "html"

    def detect(self, source: Source) -> float:
        if source.name.lower().endswith((".html", ".htm")):
            return 0.98
        return 0.97 if _HTML.match(source.text[:2000]) else 0.0

    def parse(self, source: Source, *, language: str | None = None) -> ImportResult:
        # trafilatura (with lxml and its date finder) is a sixth of a second to import.
        import trafilatura
        from lxml import etree
        from lxml import html as lxml_html

        try:
            tree = lxml_html.document_fromstring(source.text)
        except (etree.LxmlError, ValueError) as exc:  # an empty document, a parser error
            raise InputError(f"cannot read the page as HTML: {exc}", where=source.name) from None
        # The page's own date markup is read first (``_published``); htmldate's search of the
        # whole text for a date, half of the metadata's cost, only when nothing else has one.
        meta = trafilatura.extract_metadata(_metadata_tree(tree), extensive=False)
        page = _read_page(tree, meta.url or "")
        if page.published is None and not meta.date:
            meta.date = _searched_date(tree)
        # The tree, not the text: trafilatura works on a copy, and the page is parsed once.
        markdown = trafilatura.extract(
            tree, url=meta.url, output_format="markdown", include_comments=False,
            include_images=True, include_links=True, include_formatting=True, include_tables=True,
        )  # fmt: skip
        words = len((markdown or "").split())
        kind = (meta.pagetype or "").lower()
        if not meta.title or words < MIN_WORDS or (kind and kind not in ARTICLE_TYPES | {"web"}):
            raise InputError(
                f"not an article: {words} words of running text (a home page, a gallery, an "
                "error page or a login wall?)",
                where=source.name,
            )
        warnings: list[str] = []
        article = _article(meta, markdown or "", page, source, language, warnings)
        return ImportResult(article, warnings)


def _article(
    meta: Any, markdown: str, page: _Page, source: Source, language: str | None,
    warnings: list[str],
) -> Article:  # fmt: skip
    site = clean(meta.sitename or meta.hostname or "")
    host = urlsplit(meta.url or "").hostname or meta.hostname or ""
    title = title_without_site(clean(meta.title), site, host)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", markdown) if b.strip()]
    description = clean(meta.description or "")
    paragraphs: list[str] = []
    figures: list[Figure] = []
    lead = ""
    for block in blocks:
        plain = clean(HEADING.sub("", block))
        if plain == title or (not paragraphs and not lead and parse_date_line(plain, "vi")):
            continue  # the headline and the dateline above it are not body text
        image = _IMAGE.match(block)
        if image:
            src = urljoin(meta.url or "", image["src"] or image["set"].split()[0])
            alt = clean(re.sub(r"\\(.)", r"\1", image["alt"]))  # Markdown's escapes off
            figures.append(Figure(src=src, alt=alt, after_paragraph=len(paragraphs)))
            if not image["rest"].strip():
                continue
            block = image["rest"].strip()  # the paragraph the image opened
            plain = clean(HEADING.sub("", block))
        if (
            figures
            and figures[-1].after_paragraph == len(paragraphs)
            and _is_caption(unmarked(block), figures[-1], page)
        ):
            line = unmarked(block)
            caption = parse_caption(line)
            text, credit = (caption.caption, caption.credit) if caption else (line, "")
            figures[-1] = Figure(figures[-1].src, figures[-1].alt, text, credit, len(paragraphs))
            continue
        if plain in page.quotes:
            block = "> " + block
        if plain == description:
            lead = plain if HEADING.match(block) else block  # the page's standfirst
            continue
        if not lead and not paragraphs and description and description in page.text:
            lead = description  # a standfirst the extraction left out
        if not lead and not paragraphs and _NOT_PROSE.match(block) is None:
            lead = block  # no standfirst: the first paragraph leads
            continue
        paragraphs.append(block)
    if not lead and description:
        lead = description
    figures = place_figures(figures, page.root, page.captions, meta.url or "", paragraphs)
    lang = language or page.language or detect_language(f"{lead} {' '.join(paragraphs)}")
    published = page.published or _day(meta.date, lang, warnings)
    authors = _authors(meta.author or "", site)
    tags = [t for tag in meta.tags or [] for t in tag.split(",")]
    keywords = tuple(dict.fromkeys(clean(k) for k in (*page.keywords, *tags) if clean(k)))
    if published is None:
        warnings.append("no publication date found")
    return Article(
        title=title,
        kicker=page.section or clean((meta.categories or [""])[0]),
        published=published,
        source=site,
        authors=authors,
        language=lang,
        lead=lead,
        paragraphs=tuple(paragraphs),
        figures=tuple(figures),
        keywords=keywords,
        provenance=Provenance(
            source.name, HtmlImporter.name, source.content_hash, url=meta.url or ""
        ),
    )


def title_without_site(title: str, site: str, host: str) -> str:
    """The title without what the page's ``<title>`` adds around it: the site's name (and
    what follows it: ``Title - Blog » Network - Portal``), before or after; a date after it."""
    for sep in (" | ", " - ", " – ", " — ", " • ", " » ", " :: "):
        if site and title.endswith(sep + site):  # a site's name that has separators of its own
            title = title[: -len(sep + site)]
        if site and title.startswith(site + sep):
            title = title[len(site + sep) :]
    parts = _TITLE_PARTS.split(title)
    kept = list(parts)
    named = [i for i, part in enumerate(kept) if i and _names_site(part, site, host)]
    if named:
        kept = kept[: named[0]]
    while len(kept) > 1 and parse_date_line(kept[-1], "en"):
        kept.pop()
    while len(kept) > 1 and _names_site(kept[0], site, host):
        kept.pop(0)
    if kept == parts:
        return title
    # Cut from the title itself, so that its own separators stay as they were.
    start = title.index(kept[0])
    return title[start : title.index(kept[-1], start) + len(kept[-1])]


def _names_site(part: str, site: str, host: str) -> bool:
    """Whether a piece of a page title is the site's name (``DW`` for dw.com, ``MODEPILOT.de``
    for Modepilot, ``Kanzlei Viehbacher`` for viehbacher.com, ``Brandenburgische
    Landeszentrale für politische Bildung`` for politische-bildung-brandenburg.de)."""
    piece = _letters(part)
    bare = host.removeprefix("www.").rsplit(".", 1)[0]
    label = _letters(bare)
    parts = [_letters(p) for p in bare.split(".") if len(p) >= 4]  # ``scilogs``.spektrum.de
    names = {n for n in (_letters(site), _letters(host.removeprefix("www.")), label, *parts) if n}
    if not piece or len(part.split()) > 8:
        return False
    # ``MODEPILOT.de`` for Modepilot: the name and a little more (not a title that only starts
    # like the site's name: ``The Harbor`` is no name of The Harbor Courier).
    if piece in names or any(len(n) >= 4 and piece.startswith(n) for n in names):
        return True
    if len(label) >= 5 and label in piece:
        return True
    words = [w for w in re.split(r"[\W_]+", bare.casefold()) if len(w) >= 4]
    mine = [_letters(w) for w in part.split()]
    return len(words) >= 2 and all(any(m.startswith(w) for m in mine) for w in words)


def _letters(text: str) -> str:
    return re.sub(r"[\W_]", "", text.casefold())


def _authors(text: str, site: str) -> tuple[str, ...]:
    """The page's authors, without the labels before them; none when it names the site itself
    (an outlet as its own author, ``SPIEGEL ONLINE, Hamburg, Germany``)."""
    if site and _letters(text).startswith(_letters(site)):
        return ()
    names = (_AUTHOR_LABEL.sub("", clean(a)) for a in re.split(r"[;,]| and | và ", text))
    return tuple(dict.fromkeys(n for n in names if n and _letters(n) != _letters(site)))


def _is_caption(text: str, figure: Figure, page: _Page) -> bool:
    """Whether a block just below an image is that image's caption."""
    known = page.captions.get(figure.src)
    if known is not None:
        return clean(known) == text
    found = parse_caption(text)
    return len(text.split()) <= 40 and found is not None and bool(found.credit)


def _metadata_tree(tree: Any) -> Any:
    """The page's head, its one article and its JSON-LD: what its metadata is read from.

    The rest of a news page (menus, rails of other stories, comments) holds other articles'
    dates and sections, and reading it was most of the metadata's cost.
    """
    from copy import deepcopy

    from lxml import html as lxml_html

    articles = list(itertools.islice(tree.iter("article"), 2))
    if len(articles) != 1:  # several: stories listed, or teasers around the story
        return tree
    small = lxml_html.Element("html", dict(tree.attrib))
    head = tree.find("head")
    if head is not None:
        small.append(deepcopy(head))
    body = lxml_html.Element("body")
    body.append(deepcopy(articles[0]))
    copied = {head, articles[0]}
    for script in tree.iter("script"):  # JSON-LD elsewhere in the page (not copied already)
        if script.get("type") == "application/ld+json" and copied.isdisjoint(
            script.iterancestors()
        ):
            body.append(deepcopy(script))
    small.append(body)
    return small


def _searched_date(tree: Any) -> str | None:
    """htmldate's extensive search (dates in the text, the URL...), on a copy it may prune."""
    from copy import deepcopy

    from htmldate import find_date

    today = datetime.now(UTC).strftime("%Y-%m-%d")
    found = find_date(deepcopy(tree), extensive_search=True, original_date=True, max_date=today)
    return str(found) if found else None


def _day(value: str | None, language: str, warnings: list[str]) -> datetime | None:
    """A date without a time (all some pages say): midnight where the outlet is."""
    if not value:
        return None
    try:
        day = datetime.fromisoformat(value).date()
    except ValueError:
        return None
    warnings.append("publication date without a time: midnight assumed")
    return datetime.combine(day, time(0, 0), tzinfo=VIETNAM if language == "vi" else UTC)


def _read_page(tree: Any, base: str) -> _Page:
    root = article_root(tree)
    language = clean(tree.get("lang") or "").split("-")[0].lower()
    # One walk over the tree for every element read here (each walk costs as much as the rest).
    found: dict[str, list[Any]] = {"meta": [], "time": [], "script": [], "figure": [],
                                   "blockquote": []}  # fmt: skip
    for element in tree.iter(*found):
        found[element.tag].append(element)
    linked = [item for s in found["script"] if s.get("type") == "application/ld+json"
              for item in _json_ld(s.text)]  # fmt: skip
    return _Page(
        text=clean(root.text_content()),
        root=root,
        language=language if language in ("vi", "en") else "",
        published=_published(found["meta"], found["time"], linked),
        section=_section(linked),
        captions={
            address: clean(caption.text_content())
            for figure in found["figure"]
            for caption in figure.iter("figcaption")
            for address in sources(figure, base)
        },
        quotes={clean(q.text_content()) for q in found["blockquote"]},
        keywords=tuple(
            clean(k)
            for m in found["meta"]
            if m.get("property") == "article:tag" or m.get("name") == "news_keywords"
            for k in (m.get("content") or "").split(",")
        ),
    )


def _published(metas: list[Any], times: list[Any], linked: list[dict[str, Any]]) -> datetime | None:
    """The publication time with its zone, from the page's metadata."""
    candidates = []
    for tag, attribute, value in TIME_KEYS:
        for element in metas if tag == "meta" else times:
            if element.get(attribute) == value:
                candidates.append(element.get("content") or element.get("datetime") or "")
    candidates += [str(item.get("datePublished", "")) for item in linked]
    candidates += [t.get("datetime", "") for t in times]
    for text in candidates:
        try:
            found = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        if found.tzinfo is not None:
            return found
    return None


def _section(linked: list[dict[str, Any]]) -> str:
    for item in linked:
        section = item.get("articleSection")
        if isinstance(section, list):
            section = section[0] if section else ""
        if section:
            return clean(str(section))
    return ""


def _json_ld(text: str | None) -> list[dict[str, Any]]:
    try:
        data = json.loads(text or "")
    except ValueError:
        return []
    items = data if isinstance(data, list) else [data]
    items += [i for d in list(items) if isinstance(d, dict) for i in d.get("@graph", [])]
    return [item for item in items if isinstance(item, dict)]
