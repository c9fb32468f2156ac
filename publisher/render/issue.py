"""Rendering an issue: the email (MJML), its text part, the print and web editions, one theme."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from publisher.model import Issue
from publisher.render import email, text, web
from publisher.render import print as print_edition
from publisher.render.context import IssueView, build_view
from publisher.render.inline import inline_css
from publisher.render.templates import environment
from publisher.render.theme import Theme, load_theme

_ENVIRONMENTS: dict[tuple[str, tuple[Path, ...], frozenset[Path]], tuple[Theme, Environment]] = {}


@dataclass(frozen=True)
class Rendered:
    """Everything rendered for one issue, in memory (nothing written yet)."""

    view: IssueView
    mjml: str
    email_html: str
    email_txt: str
    print_html: str
    web: dict[str, str]  # web edition pages by path: index.html, <article-slug>/index.html


@contextmanager
def timed(timings: dict[str, float] | None, stage: str) -> Iterator[None]:
    """Add the wall time of the block to ``timings[stage]`` (when timings are wanted)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def theme_environment(name: str, templates: Path | None) -> tuple[Theme, Environment]:
    """The theme and its Jinja environment (kept for the process: templates compile once)."""
    theme = load_theme(name, templates)
    # Jinja notices an edited template, not a new file that now overrides a packaged one:
    # the project's own files are part of the key (a long-lived process, such as the preview).
    own = frozenset(
        path
        for folder in theme.dirs
        if templates is not None and folder.is_relative_to(templates)
        for path in folder.rglob("*")
    )
    key = (name, theme.dirs, own)
    cached = _ENVIRONMENTS.get(key)
    if cached is None or cached[0] != theme:
        cached = _ENVIRONMENTS[key] = (theme, environment(theme))
    return cached


def render_issue(
    issue: Issue, templates: Path | None = None, timings: dict[str, float] | None = None
) -> Rendered:
    """Render every output of an issue; ``templates`` is the project's theme folder."""
    theme, env = theme_environment(issue.theme, templates)
    with timed(timings, "jinja"):
        view = build_view(issue, theme)
        css = email.render_css(env, theme)
        mjml_source = email.render_mjml(env, theme, view)
    with timed(timings, "mjml"):
        html = email.mjml_to_html(mjml_source, theme)
    with timed(timings, "premailer"):
        html = inline_css(html, css)
    with timed(timings, "text"):
        txt = text.render_text(env, theme, view)
    with timed(timings, "print"):
        printed = print_edition.render_print(env, theme, view)
    with timed(timings, "web"):
        pages = web.render_web(env, theme, view)
    return Rendered(view, mjml_source, html, txt, printed, pages)
