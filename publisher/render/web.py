"""The web edition: the issue page, one page per article, and the site's archive page.

Pages come from the theme's ``web/`` templates. Links between the pages of the site are written
relative (``../``, ``tin-mot/``), so a build works from a folder as well as once uploaded; the
canonical URL and the Open Graph tags are absolute. Subscriber tokens never appear here: the web
templates use no per-subscriber label, and article text has its tokens defused by the context.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment

from publisher.render import markup, templates
from publisher.render.context import EditionLink, EntryView, IssueView
from publisher.render.labels import labels_for
from publisher.render.theme import Theme

ISSUE_TEMPLATE = "web/issue.html"
ARTICLE_TEMPLATE = "web/article.html"
ARCHIVE_TEMPLATE = "web/archive.html"
DESCRIPTION_CHARS = 200

# Words only the web pages use; a theme overrides them like any label ([labels.vi] back = "...").
WEB_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "archive": "All issues",
        "feed": "Atom feed",
        "back_to_issue": "Back to the issue",
        "previous": "Previous",
        "next": "Next",
        "print_edition": "Print edition",
        "site_intro": "Every issue of the newsletter, newest first.",
        "site_nav": "The newsletter",
        "pager": "Other articles of this issue",
    },
    "vi": {
        "archive": "Các số bản tin",
        "feed": "Nguồn tin Atom",
        "back_to_issue": "Về số bản tin",
        "previous": "Bài trước",
        "next": "Bài sau",
        "print_edition": "Bản in",
        "site_intro": "Tất cả các số bản tin, số mới nhất ở trên cùng.",
        "site_nav": "Bản tin",
        "pager": "Các bài khác trong số này",
    },
}
LOCALES = {"vi": "vi_VN", "en": "en_US"}


@dataclass(frozen=True)
class Page:
    """Where a page sits: its absolute URL and how deep it is below the issue (or site) root."""

    url: str
    depth: int
    root: str  # the absolute URL the page's relative links start from ("" when unknown)
    title: str
    description: str
    image: str = ""
    kind: str = "website"
    locale: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    icon: str = ""  # the favicon's address

    def href(self, url: str) -> str:
        """``url`` relative to this page when it lies under the root; other URLs as they are."""
        if self.root and url.startswith(self.root):
            url = url[len(self.root) :]
        elif urlsplit(url).scheme or url.startswith(("/", "#")) or not url:
            return url
        return "../" * self.depth + url if (self.depth or url) else "./"


def favicon(theme: Theme, name: str) -> str:
    """The theme's ``[logo] icon``, else the name's first letter on the accent colour (SVG)."""
    settings = theme.settings
    if settings["logo"].get("icon"):
        return str(settings["logo"]["icon"])
    initial = html.escape((name.strip() or "N")[:1].upper())
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="14" fill="{html.escape(settings["colors"]["accent"])}"/>'
        '<text x="32" y="45" font-family="Arial,sans-serif" font-size="38" font-weight="bold"'
        f' text-anchor="middle" fill="#ffffff">{initial}</text></svg>'
    )
    return "data:image/svg+xml," + quote(svg)


def web_labels(language: str, labels: dict[str, str]) -> dict[str, str]:
    """The issue's labels plus the web-only words, in its language (theme overrides kept)."""
    base = (language or "en").split("-")[0].lower()
    return {**WEB_LABELS["en"], **WEB_LABELS.get(base, {}), **labels}


def render_web(env: Environment, theme: Theme, view: IssueView) -> dict[str, str]:
    """Every page of the web edition: ``index.html`` and ``<article-slug>/index.html``."""
    labels = web_labels(view.language, view.labels)
    locale = LOCALES.get(view.language.split("-")[0], "")
    pictures = [e.picture.url for e in view.entries if e.picture]
    cover = next((url for url in pictures if _absolute(url)), "")
    issue_page = Page(
        url=view.web_url, depth=0, root=view.web_url, title=view.title,
        description=_shorten(view.preheader), image=cover, locale=locale, labels=labels,
        icon=favicon(theme, view.name),
    )  # fmt: skip
    pages = {"index.html": _render(env, theme, ISSUE_TEMPLATE, view, issue_page)}
    entries = view.entries
    for index, entry in enumerate(entries):
        page = Page(
            url=entry.url, depth=1, root=view.web_url, title=entry.title,
            description=_shorten(_entry_text(entry)), image=_entry_image(entry) or cover,
            kind="article", locale=locale, labels=labels, icon=issue_page.icon,
        )  # fmt: skip
        pages[f"{entry.slug}/index.html"] = _render(
            env, theme, ARTICLE_TEMPLATE, view, page, entry=entry,
            previous=entries[index - 1] if index else None,
            next=entries[index + 1] if index + 1 < len(entries) else None,
        )  # fmt: skip
    return pages


@dataclass(frozen=True)
class ArchiveItem:
    """One issue as the archive lists it."""

    slug: str
    title: str
    number_label: str
    date: str
    summary: str
    url: str
    editions: tuple[EditionLink, ...] = ()  # the issue in its other languages


@dataclass(frozen=True)
class SiteView:
    """What ``web/archive.html`` receives as ``site`` (and as ``issue``, for the shared labels)."""

    name: str
    language: str
    url: str
    organisation: str
    issues: tuple[ArchiveItem, ...]
    labels: dict[str, str]
    theme: dict[str, Any]


def render_archive(
    env: Environment, theme: Theme, *, name: str, language: str, url: str, organisation: str,
    issues: Sequence[ArchiveItem],
) -> str:  # fmt: skip
    """The archive page (``index.html`` at the site root), issues in the order given."""
    labels = web_labels(language, labels_for(language, theme.settings))
    site = SiteView(name, language, url, organisation, tuple(issues), labels, theme.settings)
    page = Page(
        url=url, depth=0, root=url, title=name, description=_shorten(labels["site_intro"]),
        locale=LOCALES.get(language.split("-")[0], ""), labels=labels, icon=favicon(theme, name),
    )  # fmt: skip
    return _finish(templates.render(env, theme, ARCHIVE_TEMPLATE, issue=site, site=site, page=page))


def _render(
    env: Environment, theme: Theme, name: str, view: IssueView, page: Page, **context: Any
) -> str:
    return _finish(templates.render(env, theme, name, issue=view, page=page, **context))


def _finish(html: str) -> str:
    return html.rstrip("\n") + "\n"


def _absolute(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def _entry_text(entry: EntryView) -> str:
    block = entry.lead or next((b for b in entry.body if b.kind == "text"), None)
    return markup.to_plain("\n\n".join(block.paragraphs)) if block else ""


def _entry_image(entry: EntryView) -> str:
    return next((f.url for f in entry.figures if _absolute(f.url)), "")


def _shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"
