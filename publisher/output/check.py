"""``check``: findings about a built issue, before any subscriber sees it.

Each finding has a severity (``error``: do not send it like this; ``warning``: it will go
out, but worse than it could; ``note``), the place it concerns (a file, an article, a link)
and what to do about it. The built files are read as they are, so the findings are about what
would be sent; the issue's sources are read too, to say when the build is out of date.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from publisher.articles import file as articlefile
from publisher.articles.library import Library
from publisher.config import Config
from publisher.errors import PublisherError
from publisher.issues.compose import draft_issue
from publisher.model import TOKENS
from publisher.output.build import MANIFEST
from publisher.output.files import BuiltFiles, Prefixed
from publisher.output.findings import SEVERITIES, CheckReport, Finding
from publisher.output.manifest import GMAIL_CLIP_BYTES

STYLE_BLOCK_LIMIT = 16 * 1024  # Gmail drops a larger <style> block whole, Outlook.com too
SUBJECT_SHOWN = 60  # what a phone's inbox shows of a subject, about
PREHEADER_SHOWN = (40, 140)  # too little leaves room for the body's first words; more is cut
MIN_WORDS_PER_IMAGE = 40
_TOKEN_LIKE = re.compile(r"%%[A-Za-z_]*%?%?")
_SPAMMY = re.compile(r"!!|\?\?|\$\$|!\?|\?!|^\W|\bFREE\b|\bRE:\s|\bFWD?:\s", re.I)
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def check_issue(config: Config, issue: str, folder: Path | None = None) -> CheckReport:
    """Check the build of ``issue`` (a slug) in ``build/<slug>/``, or in ``folder``."""
    slug = PurePosixPath(issue).name.removesuffix(".yaml").removesuffix(".yml")
    folder = config.build_dir / slug if folder is None else folder
    files = BuiltFiles(folder)
    try:
        missing = [name for name in (MANIFEST, "email.html", "email.txt") if name not in files]
        if missing:
            raise FileNotFoundError(f"{missing[0]} is missing")
        manifest = json.loads(files[MANIFEST])
    except (OSError, ValueError) as exc:
        problem = exc.args[0] if isinstance(exc, FileNotFoundError) else str(exc)
        raise PublisherError(
            f"the issue is not built ({problem}): run publisher build {slug} first",
            where=str(folder),
        ) from None
    return check_files(config, slug, files, manifest, folder)


def check_files(
    config: Config, slug: str, files: Mapping[str, bytes], manifest: dict[str, Any], folder: Path
) -> CheckReport:
    """Check a build given as its files by name (what ``build`` writes), ``folder`` its place;
    each language edition too, its findings named by its language (``edition en, subject``)."""
    findings = [*_built_email(files, manifest), *_sources(config, slug, manifest)]
    subject = str(manifest.get("issue", {}).get("subject") or "")
    for code in sorted(manifest.get("editions") or {}):
        own = Prefixed(files, f"{code}/")
        try:
            edition = json.loads(own[MANIFEST])
        except (KeyError, ValueError):
            findings.append(Finding("error", f"edition {code}", "its build is missing or broken",
                                    f"run publisher build {slug}"))  # fmt: skip
            continue
        found = [*_built_email(own, edition), *_changed_articles(config, slug, edition)]
        if str(edition.get("issue", {}).get("subject") or "") == subject:
            found.append(Finding("warning", "subject", "the same as the issue's own: readers of"
                                 " this edition get a subject in another language",
                                 f"give editions.{code} a subject: or title:"))  # fmt: skip
        findings += [replace(f, where=f"edition {code}, {f.where}") for f in found]
    findings.sort(key=lambda f: SEVERITIES.index(f.severity))
    sender = str((manifest.get("issue", {}).get("sender") or {}).get("from_email") or "")
    return CheckReport(slug, folder, tuple(findings), sender)


def _built_email(files: Mapping[str, bytes], manifest: dict[str, Any]) -> list[Finding]:
    html = files["email.html"].decode("utf-8")
    text = files["email.txt"].decode("utf-8")
    from lxml import html as lxml_html  # only checking parses the built email

    document = lxml_html.document_fromstring(html)
    return [
        *_size(manifest),
        *_styles(document),
        *_images(document),
        *_links(document, manifest, files),
        *_tokens(html, text, files),
        *_subject_and_preheader(manifest, document),
        *_languages(document, manifest),
        *_image_ratio(document),
    ]


def _size(manifest: dict[str, Any]) -> list[Finding]:
    size = int(manifest.get("email", {}).get("mime_bytes", 0))
    if size > GMAIL_CLIP_BYTES:
        return [
            Finding(
                "error", "email",
                f"the message is {size:,} bytes encoded: Gmail clips it at about "
                f"{GMAIL_CLIP_BYTES // 1024} KB and hides the rest, unsubscribe link included",
                "show less of each article (excerpt: lead, or a number of words)",
            )
        ]  # fmt: skip
    return []


def _styles(document: Any) -> list[Finding]:
    found = []
    for number, style in enumerate(document.iter("style"), 1):
        size = len((style.text or "").encode("utf-8"))
        if size > STYLE_BLOCK_LIMIT:
            found.append(
                Finding(
                    "warning",
                    f"email.html, <style> block {number}",
                    f"{size:,} bytes: Gmail and Outlook.com ignore a <style> block over "
                    f"{STYLE_BLOCK_LIMIT // 1024} KB, so its dark-mode and phone rules are lost",
                    "shorten the theme's CSS (email.css, partials/screen.css)",
                )
            )
    return found


def _images(document: Any) -> list[Finding]:
    found = []
    for image in document.iter("img"):
        src = image.get("src", "")
        if image.get("alt") is None:
            found.append(
                Finding(
                    "warning",
                    f"image {src}",
                    "no alt text: screen readers say the file name",
                    "give the figure an alt (publisher articles figure SLUG N --alt ...)",
                )
            )
        if not image.get("width") or not image.get("height"):
            found.append(
                Finding(
                    "warning",
                    f"image {src}",
                    "no width or height: Outlook shows it at its full size and the layout jumps",
                    "use a project image (the build measures it) instead of a remote address",
                )
            )
    return found


def _links(document: Any, manifest: dict[str, Any], files: Mapping[str, bytes]) -> list[Finding]:
    web_url = str(manifest.get("issue", {}).get("web_url") or "")
    found, unsubscribe = [], False
    for link in document.iter("a"):
        href = (link.get("href") or "").strip()
        parts = urlsplit(href)
        if href == "%%UNSUBSCRIBE_URL%%":
            unsubscribe = True
        elif parts.scheme == "mailto":
            address = unquote(parts.path)
            if not _EMAIL.match(address):
                found.append(Finding("warning", f"link {href}", "not an email address", ""))
        elif parts.scheme == "http":
            found.append(
                Finding(
                    "warning",
                    f"link {href}",
                    "not https: some mail clients warn about it",
                    "link to the https:// address",
                )
            )
        elif parts.scheme not in ("https", ""):
            found.append(Finding("error", f"link {href}", f"a {parts.scheme}: link", "remove it"))
        elif web_url and href.startswith(web_url) and not _built(files, href[len(web_url) :]):
            found.append(
                Finding(
                    "error",
                    f"link {href}",
                    "points into the web edition at a page it lacks",
                    "link to an article of this issue, or rebuild it",
                )
            )
    if not unsubscribe:
        found.append(
            Finding(
                "error",
                "email.html",
                "no unsubscribe link (%%UNSUBSCRIBE_URL%%) in the email",
                "keep the footer partial's unsubscribe link in the theme",
            )
        )
    return found


def _built(files: Mapping[str, bytes], path: str) -> bool:
    path = unquote(urlsplit(path).path)
    name = f"web/{path}"
    return f"{name}index.html" in files if path.endswith("/") or not path else name in files


def _tokens(html: str, text: str, files: Mapping[str, bytes]) -> list[Finding]:
    found = []
    for name, content in (("email.html", html), ("email.txt", text)):
        for token in sorted(set(_TOKEN_LIKE.findall(content)) - set(TOKENS)):
            found.append(
                Finding(
                    "error",
                    name,
                    f"{token!r} is not a token the send step fills",
                    f"use one of {', '.join(TOKENS)}",
                )
            )
    for where in sorted(n for n in files if n.startswith("web/") and n.endswith(".html")):
        tokens = set(_TOKEN_LIKE.findall(files[where].decode("utf-8")))
        if tokens:
            message = f"{', '.join(sorted(tokens))} would show as it is on the web"
            found.append(Finding("error", where, message, "keep tokens to the email templates"))
    return found


def _subject_and_preheader(manifest: dict[str, Any], document: Any) -> list[Finding]:
    issue = manifest.get("issue", {})
    subject, preheader = str(issue.get("subject") or ""), str(issue.get("preheader") or "")
    found = []
    if not subject:
        found.append(Finding("error", "subject", "empty", "give the issue a subject: or title:"))
    elif len(subject) > SUBJECT_SHOWN:
        found.append(
            Finding(
                "warning",
                "subject",
                f"{len(subject)} characters: a phone shows about {SUBJECT_SHOWN}: "
                f"{subject[:SUBJECT_SHOWN].rstrip()}…",
                "put what matters first, or shorten it",
            )
        )
    letters = [c for c in subject if c.isalpha()]
    if len(letters) >= 8 and all(c.isupper() for c in letters):
        found.append(Finding("warning", "subject", "all in capitals: it reads as shouting and "
                             "spam filters count it", "write it in sentence case"))  # fmt: skip
    if _SPAMMY.search(subject):
        found.append(Finding("warning", "subject", "punctuation or words spam filters count "
                             "(!!, ??, $$, FREE, RE:)", "say it plainly"))  # fmt: skip
    if not preheader:
        shown = " ".join(document.body.text_content().split())[: PREHEADER_SHOWN[1]]
        found.append(
            Finding(
                "warning",
                "preheader",
                f"empty: inboxes show the first text of the email instead: {shown!r}",
                "write a preheader: in the issue file",
            )
        )
    elif not PREHEADER_SHOWN[0] <= len(preheader) <= PREHEADER_SHOWN[1]:
        low, high = PREHEADER_SHOWN
        found.append(
            Finding(
                "warning",
                "preheader",
                f"{len(preheader)} characters: inboxes show {low}–{high} after the subject",
                f"write {low} to {high} characters",
            )
        )
    return found


def _languages(document: Any, manifest: dict[str, Any]) -> list[Finding]:
    language = str(manifest.get("issue", {}).get("language") or "")
    found = []
    for article in manifest.get("articles", []):
        own = str(article.get("language") or "")
        if not own or own.split("-")[0] == language.split("-")[0]:
            continue
        holders = [e for e in document.iter() if article["title"] in (e.text or "")]
        marked = any(
            any(a.get("lang", "").split("-")[0] == own.split("-")[0] for a in h.iterancestors())
            or h.get("lang", "").split("-")[0] == own.split("-")[0]
            for h in holders
        )
        if holders and not marked:
            found.append(
                Finding(
                    "warning",
                    f"article {article['slug']}",
                    f"in {own} in a {language} email without lang={own!r}: screen readers read "
                    "it with the wrong voice",
                    "mark the article's block with lang in the theme",
                )
            )
    return found


def _image_ratio(document: Any) -> list[Finding]:
    images = len(list(document.iter("img")))
    words = len(document.body.text_content().split())
    if images and words < images * MIN_WORDS_PER_IMAGE:
        return [
            Finding(
                "warning", "email",
                f"{images} images for {words} words: readers with images off see little, and "
                "spam filters distrust mail that is mostly pictures",
                "show more text (a longer excerpt) or fewer pictures",
            )
        ]  # fmt: skip
    return []


def _sources(config: Config, slug: str, manifest: dict[str, Any]) -> list[Finding]:
    """Figures still without a picture, and whether the build is older than its sources."""
    try:
        draft = draft_issue(config, slug)
    except PublisherError as exc:
        return [Finding("warning", "issue file", f"cannot be read now: {exc.message}", "")]
    found = [Finding("warning", "figure", warning, "") for warning in draft.warnings]
    shown = str(manifest.get("issue", {}).get("preheader") or "")
    if not draft.issue.preheader and shown:
        found.append(
            Finding(
                "note",
                "preheader",
                f"none in the issue file: inboxes show the start of the first article: {shown!r}",
                "write a preheader: that says what the issue holds",
            )
        )
    return found + _changed_articles(config, slug, manifest)


def _changed_articles(config: Config, slug: str, manifest: dict[str, Any]) -> list[Finding]:
    found = []
    library = Library(config.articles_dir)
    for article in manifest.get("articles", []):
        try:
            current = articlefile.dumps(library.get(article["slug"])).encode("utf-8")
        except PublisherError as exc:
            where = f"article {article['slug']}"
            found.append(Finding("warning", where, f"cannot be read now: {exc}", ""))
            continue
        if hashlib.sha256(current).hexdigest() != article.get("content_hash"):
            found.append(
                Finding(
                    "warning",
                    f"article {article['slug']}",
                    "changed since the build: these findings are about the older version",
                    f"run publisher build {slug}",
                )
            )
    return found
