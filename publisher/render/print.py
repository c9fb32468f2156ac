"""The print edition: ``print.html`` (A4, CSS paged media, self-contained) and ``print.pdf``.

One column only: balanced multi-column text is ten times slower in WeasyPrint, and without a
Vietnamese hyphenation dictionary narrow justified columns leave rivers.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from jinja2 import Environment

from publisher.errors import RenderError
from publisher.render import templates
from publisher.render.context import IssueView
from publisher.render.flow import render_flowed
from publisher.render.theme import Theme

TEMPLATE = "print.html"
INSTALL_HINT = "install the PDF extra: pip install 'publisher[pdf]' (WeasyPrint)"


def render_print(env: Environment, theme: Theme, view: IssueView) -> str:
    """The print edition as one HTML file with its CSS embedded."""
    out = templates.render(env, theme, TEMPLATE, issue=view)
    return out.rstrip("\n") + "\n"


def to_pdf(html: str, images: dict[str, Path] | None = None) -> bytes:
    """Render the print edition to PDF with WeasyPrint (the optional ``pdf`` extra).

    Nothing is fetched from the network: images come from ``images`` (published URL → project
    file); any other resource is left out, as a browser would with a broken link.
    """
    try:
        import weasyprint
    except ImportError:
        raise RenderError(
            f"--pdf needs WeasyPrint, which is not installed: {INSTALL_HINT}"
        ) from None
    except OSError as exc:  # WeasyPrint is there but Pango is not
        raise RenderError(f"WeasyPrint cannot start ({exc}); {INSTALL_HINT} and Pango") from None
    fetcher = _offline_fetcher(weasyprint, images or {})
    try:
        return bytes(render_flowed(weasyprint, html, fetcher).write_pdf())
    except Exception as exc:
        raise RenderError(f"WeasyPrint could not render the PDF: {exc}", where=TEMPLATE) from None


def _offline_fetcher(weasyprint: Any, images: dict[str, Path]) -> Any:
    """A URL fetcher serving local image files and data: URLs only."""

    def local(url: str) -> tuple[bytes, str] | None:
        path = images.get(url)
        if path is None:
            return None
        return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"

    base = getattr(weasyprint, "URLFetcher", None)
    if isinstance(base, type):  # WeasyPrint 68 and later: a fetcher class

        class OfflineFetcher(base):  # type: ignore[misc, valid-type]
            def fetch(self, url: str, headers: Any = None) -> Any:
                found = local(url)
                if found is not None:
                    body, mime = found
                    return weasyprint.urls.URLFetcherResponse(url, body, {"Content-Type": mime})
                if url.startswith("data:"):
                    return super().fetch(url, headers)
                raise ValueError(f"not fetched for the PDF: {url}")

        return OfflineFetcher()

    def fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        found = local(url)
        if found is not None:
            return {"string": found[0], "mime_type": found[1], "redirected_url": url}
        if url.startswith("data:"):
            return weasyprint.default_url_fetcher(url, *args, **kwargs)
        raise ValueError(f"not fetched for the PDF: {url}")

    return fetch
