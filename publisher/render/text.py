"""The plain-text part (``email.txt``), rendered from the issue by its own template.

Never scraped from the HTML: it has its own order-preserving layout, wrapped at about 76 columns,
with every link listed as a numbered reference at the end.
"""

from __future__ import annotations

import re

from jinja2 import Environment

from publisher.render import markup, templates
from publisher.render.context import IssueView
from publisher.render.theme import Theme

TEMPLATE = "email.txt"
_BLANKS = re.compile(r"\n{3,}")


def render_text(env: Environment, theme: Theme, view: IssueView) -> str:
    """The text part: wrapped, links numbered, trailing spaces and extra blank lines removed."""
    links = markup.LinkRefs()

    def text(markdown: str, indent: str = "") -> str:
        return markup.to_text(markdown, links, indent=indent)

    out = templates.render(
        env,
        theme,
        TEMPLATE,
        issue=view,
        links=links,
        text=text,
        width=markup.TEXT_WIDTH,
    )
    out = "\n".join(line.rstrip() for line in out.splitlines())
    return _BLANKS.sub("\n\n", out).strip("\n") + "\n"
