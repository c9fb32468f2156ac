"""The view every template gets: an issue flattened into display-ready, sanitised values.

Article fields are untrusted. One-line fields (title, kicker, captions, names) are cleaned, so a
CR/LF can never start a new line in the text part; Markdown goes through ``markup``; subscriber
tokens typed into an article are broken up so the send step never fills them. Templates then
only place values: Jinja's autoescape does the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from publisher.model import Article, Entry, Figure, Issue
from publisher.render import markup
from publisher.render.images import resolve_image
from publisher.render.labels import format_day, format_names, labels_for, language_name
from publisher.render.theme import Theme
from publisher.text import clean

_TOKEN = re.compile(r"%%([A-Z0-9_]+)%%")
_LABELLED = re.compile(r"^[^\W\d][^:]{0,24}:\s")  # "Photo: …", "Minh hoạ: …", "Ảnh: …"
PREHEADER_CHARS = 140
MIN_PARTIAL_WORDS = 8  # a cut paragraph shorter than this reads as a stray fragment


@dataclass(frozen=True)
class FigureView:
    """An image ready to place: absolute URL, alt text (the caption when empty), credit line.

    ``url`` is empty for a figure that has a caption but no image yet (scraped text has
    none): the outputs still show its caption and credit, as a captioned note.
    """

    url: str
    width: int | None
    height: int | None
    alt: str
    caption: str
    credit: str
    credit_line: str


@dataclass(frozen=True)
class Block:
    """A run of paragraphs (Markdown and HTML) or one figure."""

    kind: str
    paragraphs: tuple[str, ...] = ()
    html: Markup = field(default_factory=Markup)
    figure: FigureView | None = None


@dataclass(frozen=True)
class EntryView:
    """One article as placed in the issue."""

    number: int
    slug: str
    url: str
    section: str
    language: str
    lang: str  # ``language`` where it differs from the issue's (for a lang attribute), else ""
    kicker: str
    title: str
    date: str
    byline: str
    source: str
    meta: str
    lead: Block | None
    body: tuple[Block, ...]
    excerpt: tuple[Block, ...]
    teaser: FigureView | None
    picture: FigureView | None
    truncated: bool
    figures: tuple[FigureView, ...]
    keywords: tuple[str, ...]
    glossary: tuple[tuple[str, str], ...]
    # The words around the article in its own language ("Read more" after an English article
    # of a Vietnamese issue): ``issue.labels`` are the issue's.
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionView:
    """A titled group of entries."""

    number: int
    title: str
    entries: tuple[EntryView, ...]


@dataclass(frozen=True)
class SenderView:
    """The footer's sender: organisation and postal address lines."""

    organisation: str
    address: str
    address_lines: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class IssueView:
    """What every template receives as ``issue``."""

    slug: str
    title: str
    name: str
    number: int | None
    number_label: str
    date: str
    language: str
    subject: str
    preheader: str
    intro: Block | None
    web_url: str
    sender: SenderView
    sections: tuple[SectionView, ...]
    entries: tuple[EntryView, ...]
    labels: dict[str, str]
    theme: dict[str, Any]
    # The intro opens with its own greeting ("Chào bạn đọc,"): the theme's is left out.
    intro_greets: bool = False
    edition: str = ""  # a language edition's code (its pages sit a folder deeper), else ""
    # The issue in its other languages, linked from its web edition.
    editions: tuple[EditionLink, ...] = ()


@dataclass(frozen=True)
class EditionLink:
    """Another language edition of the issue: its code, its name in itself, its address
    relative to this edition's web page (``en/``, ``../``)."""

    code: str
    name: str
    href: str


# How an editor's intro may open: a greeting of its own ("Chào mừng", welcome, is not one:
# "Xin chào An, chào mừng bạn..." reads well).
_GREETING = re.compile(
    r"^\W*(xin chào|chào(?! mừng)|kính chào|kính gửi|thân chào|thân gửi|hello|hi|dear"
    r"|greetings|good (morning|afternoon|evening))\b",
    re.IGNORECASE,
)


def untrusted(text: str) -> str:
    """A one-line article field: clean whitespace (no CR/LF) and no live subscriber tokens."""
    return defuse(clean(text))


def defuse(text: str) -> str:
    """Break ``%%TOKEN%%`` with a zero-width space so the send step leaves it alone."""
    return _TOKEN.sub("%\u200b%\\1%\u200b%", text)


def _markdown(text: str) -> str:
    return defuse(text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _text_block(paragraphs: list[str]) -> Block:
    return Block("text", tuple(paragraphs), markup.to_html("\n\n".join(paragraphs)))


def build_view(issue: Issue, theme: Theme) -> IssueView:
    """The display view of a composed issue in a theme."""
    labels = labels_for(issue.language, theme.settings)
    sections: list[SectionView] = []
    entries: list[EntryView] = []
    for s_number, section in enumerate(issue.sections, 1):
        views = []
        for entry in section.entries:
            view = _entry(issue, entry, len(entries) + 1, section.title, theme)
            views.append(view)
            entries.append(view)
        sections.append(SectionView(s_number, clean(section.title), tuple(views)))
    intro = _text_block([issue.intro.strip()]) if issue.intro.strip() else None
    sender = issue.sender
    lines = tuple(clean(line) for line in sender.address.splitlines() if clean(line))
    name = clean(issue.newsletter or sender.from_name or sender.organisation or issue.title)
    preheader = clean(issue.preheader) or _shorten(markup.to_plain(issue.intro), PREHEADER_CHARS)
    return IssueView(
        slug=issue.slug,
        title=clean(issue.title),
        name=name,
        number=issue.number,
        number_label=labels["issue_number"].format(number=issue.number) if issue.number else "",
        date=format_day(issue.date, issue.language, labels["date_format"]) if issue.date else "",
        language=issue.language or "en",
        subject=clean(issue.subject or issue.title),
        preheader=preheader,
        intro=intro,
        web_url=issue.web_url,
        sender=SenderView(clean(sender.organisation), ", ".join(lines), lines, name),
        sections=tuple(sections),
        entries=tuple(entries),
        labels=labels,
        intro_greets=bool(_GREETING.match(markup.to_plain(issue.intro))),
        edition=issue.edition,
        editions=_edition_links(issue),
        theme=theme.settings,
    )


def _edition_links(issue: Issue) -> tuple[EditionLink, ...]:
    if not issue.languages:
        return ()
    default, own = issue.languages[0], issue.edition or issue.languages[0]
    up = "../" if issue.edition else ""
    return tuple(
        EditionLink(code, language_name(code), up if code == default else f"{up}{code}/")
        for code in issue.languages
        if code != own
    )


def _entry(issue: Issue, entry: Entry, number: int, section: str, theme: Theme) -> EntryView:
    article = entry.article
    language = article.language or issue.language
    labels = labels_for(language, theme.settings)
    lead_md = _markdown(article.lead)
    paragraphs = [p for p in (_markdown(p) for p in article.paragraphs) if p]
    pairs = [(f, _figure(issue, f, labels, article.slug)) for f in article.figures if _shows(f)]
    figures = tuple(view for _, view in pairs)
    shown = figures if entry.image else ()
    body = _body(paragraphs, pairs if entry.image else [])
    # A teaser is the first picture; a caption without one stands in only when there is none.
    pictures = tuple(f for f in shown if f.url)
    excerpt, teaser, truncated = _excerpt(entry, lead_md, paragraphs, body, pictures or shown)
    date = ""
    if article.published:
        date = format_day(article.published.date(), language, labels["date_format"])
    byline = format_names([untrusted(a) for a in article.authors if clean(a)], language)
    source = untrusted(article.source)
    return EntryView(
        number=number,
        slug=article.slug,
        url=entry.url,
        section=clean(section),
        language=language,
        lang=article.language if article.language not in ("", issue.language) else "",
        kicker=untrusted(article.kicker),
        title=untrusted(article.title),
        date=date,
        byline=byline,
        source=source,
        meta=" · ".join(x for x in (date, byline, source) if x),
        lead=_text_block([lead_md]) if lead_md else None,
        body=body,
        excerpt=excerpt,
        teaser=teaser,
        picture=pictures[0] if pictures else None,
        truncated=truncated,
        figures=figures,
        keywords=tuple(untrusted(k) for k in article.keywords if clean(k)),
        glossary=_glossary(article),
        labels=labels,
    )


def _shows(figure: Figure) -> bool:
    """Whether a figure has anything to show: an image, or at least a caption or credit."""
    return bool(figure.src.strip() or clean(figure.caption) or clean(figure.credit))


def _figure(issue: Issue, figure: Figure, labels: dict, slug: str) -> FigureView:
    url, width, height = (
        resolve_image(issue, figure, slug) if figure.src.strip() else ("", None, None)
    )
    caption, credit = untrusted(figure.caption), untrusted(figure.credit)
    return FigureView(
        url=url,
        width=width,
        height=height,
        alt=untrusted(figure.alt) or caption,
        caption=caption,
        credit=credit,
        credit_line=_credit_line(credit, labels),
    )


def _credit_line(credit: str, labels: dict) -> str:
    """``Ảnh: Kim Nhung``; a credit with its own label (``Minh hoạ: …``) is kept as it is."""
    if not credit or _LABELLED.match(credit):
        return credit
    return f"{labels['photo']}: {credit}"


def _body(paragraphs: list[str], figures: list[tuple[Figure, FigureView]]) -> tuple[Block, ...]:
    """Body paragraphs with each figure after the paragraph it follows (the lead not counted)."""
    blocks: list[Block] = []
    pending: list[str] = []
    placed = sorted(figures, key=lambda pair: pair[0].after_paragraph)
    for index in range(len(paragraphs) + 1):
        while placed and min(placed[0][0].after_paragraph, len(paragraphs)) <= index:
            if pending:
                blocks.append(_text_block(pending))
                pending = []
            blocks.append(Block("figure", figure=placed.pop(0)[1]))
        if index < len(paragraphs):
            pending.append(paragraphs[index])
    if pending:
        blocks.append(_text_block(pending))
    return tuple(blocks)


def _excerpt(
    entry: Entry,
    lead: str,
    paragraphs: list[str],
    body: tuple[Block, ...],
    figures: tuple[FigureView, ...],
) -> tuple[tuple[Block, ...], FigureView | None, bool]:
    """What the email shows of an article: ``(blocks, teaser figure, truncated)``."""
    lead_blocks = (_text_block([lead]),) if lead else ()
    if entry.excerpt == "full":
        return lead_blocks + body, None, False
    teaser = figures[0] if figures else None
    if entry.excerpt == "lead" or not isinstance(entry.excerpt, int):
        if not lead and paragraphs:  # no lead: the first paragraph stands in for it
            return (_text_block(paragraphs[:1]),), teaser, True
        return lead_blocks, teaser, bool(paragraphs) or len(figures) > 1
    kept, budget = [], entry.excerpt
    for text in [lead, *paragraphs] if lead else paragraphs:
        words = markup.to_plain(text).split()
        if len(words) <= budget:
            kept.append(text)
            budget -= len(words)
            continue
        if budget >= MIN_PARTIAL_WORDS or not kept:
            kept.append(_literal(" ".join(words[:budget])) + "…")
        return (_text_block(kept),) if kept else (), teaser, True
    return (_text_block(kept),) if kept else (), teaser, len(figures) > 1


def _literal(text: str) -> str:
    """Plain text as Markdown that renders as exactly that text."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def _glossary(article: Article) -> tuple[tuple[str, str], ...]:
    return tuple(
        sorted((untrusted(str(k)), untrusted(str(v))) for k, v in article.glossary.items())
    )


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"
