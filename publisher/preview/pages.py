"""The preview's own pages: the frame around the issue, and the page a failed build shows.

Everything from the project (titles, subjects, error messages, findings) is escaped; the one
script waits for the next build and reloads the page, keeping the issue's scroll position.
"""

from __future__ import annotations

import html
import json

from publisher.preview.session import State

# view -> (label, what the frame shows, its width in px: None for the whole width)
VIEWS: dict[str, tuple[str, str, int | None]] = {
    "desktop": ("Desktop", "/email", 600),
    "phone": ("Phone", "/email", 375),
    "dark": ("Dark mode", "/email?dark=1", 600),
    "text": ("Text part", "/text", 600),
    "print": ("Print", "/print", None),
    "web": ("Web", "/web/", None),
}
SEVERITY_MARKS = {"error": "✖", "warning": "▲", "note": "●"}

_STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; background: #e8e8ec; color: #1d1d22; }
header { background: #1d1d22; color: #fff; padding: 8px 16px; display: flex; flex-wrap: wrap;
  gap: 8px 16px; align-items: center; }
header a { color: #fff; text-decoration: none; padding: 4px 10px; border-radius: 4px; }
header a[aria-current] { background: #fff; color: #1d1d22; }
.meta { color: #b8b8c4; margin-left: auto; }
.inbox, .error, .findings { max-width: 900px; margin: 12px auto; background: #fff;
  padding: 10px 16px; border-radius: 6px; }
.inbox dt { float: left; width: 6em; color: #666; } .inbox dd { margin: 0 0 2px 6em; }
.error { border-left: 6px solid #c4121a; } .error pre { white-space: pre-wrap; margin: 0; }
.frame { display: flex; justify-content: center; padding: 0 12px 24px; }
iframe { border: 0; background: #fff; height: 80vh; box-shadow: 0 1px 4px rgba(0,0,0,.2); }
.findings li { margin: 4px 0; } .fix { color: #555; }
.error-mark { color: #c4121a; } .warning-mark { color: #b26a00; } .note-mark { color: #466; }
"""

_SCRIPT = """
const generation = %d;
const frame = document.querySelector("iframe");
const key = "publisher-preview-scroll:" + location.search;
if (frame) frame.addEventListener("load", () => {
  const y = Number(sessionStorage.getItem(key) || 0);
  try { frame.contentWindow.scrollTo(0, y); } catch (e) {}
});
async function waitForBuild() {
  for (;;) {
    try {
      const answer = await fetch("/changes?after=" + generation);
      const state = await answer.json();
      if (state.generation > generation) {
        try { sessionStorage.setItem(key, String(frame ? frame.contentWindow.scrollY : 0)); }
        catch (e) {}
        location.reload();
        return;
      }
    } catch (e) {
      await new Promise(resolve => setTimeout(resolve, 1000));  // the preview was stopped
    }
  }
}
waitForBuild();
"""


def shell(state: State, view: str, edition: str = "") -> str:
    """The frame around the issue: views, editions, what the inbox shows, the findings, any
    error. ``edition`` is the language edition shown ("" for the issue itself)."""
    label, src, width = VIEWS[view]
    if edition:  # its email under its code, its web edition in the issue's
        src = f"/web/{_e(edition)}/" if view == "web" else f"/{_e(edition)}{src}"
    issue = state.manifest_of(edition).get("issue", {}) if state.manifest else {}
    chosen = f"&amp;edition={_e(edition)}"
    links = "".join(
        f'<a href="/?view={name}{chosen}"{" aria-current=page" if name == view else ""}>{text}</a>'
        for name, (text, _, _) in VIEWS.items()
    )
    if state.editions:
        own = str(state.manifest.get("issue", {}).get("language") or "")
        codes = [("", own), *((code, code) for code in state.editions)]
        links += '</nav><nav aria-label="Editions">' + "".join(
            f'<a href="/?view={view}&amp;edition={_e(code)}"'
            f"{' aria-current=page' if code == edition else ''}>{_e(name)}</a>"
            for code, name in codes
        )
    built = f"build {state.generation}, {state.seconds * 1000:.0f} ms"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Preview: {_e(issue.get('title') or 'issue')}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<header><strong>{_e(issue.get('title') or 'Preview')}</strong>",
        f'<nav aria-label="Views">{links}</nav><span class="meta">{_e(built)}</span></header>',
    ]
    if state.error:
        parts.append(error_box(state))
    if issue:
        parts.append(_inbox(issue))
        style = f' style="width: {width}px"' if width else ' style="width: 100%"'
        parts.append(f'<div class="frame"><iframe src="{src}" title="{label}"{style}></iframe>')
        parts.append("</div>")
        parts.append(_findings(state))
    parts.append(f"<script>{_SCRIPT % state.generation}</script></body></html>")
    return "\n".join(parts) + "\n"


def error_box(state: State) -> str:
    shown = "The preview shows the last build that worked." if state.files else ""
    return (
        '<section class="error" role="alert"><h2>The issue does not build</h2>'
        f"<pre>{_e(state.error)}</pre><p>{shown} It updates as soon as the file is fixed.</p>"
        "</section>"
    )


def error_page(state: State) -> str:
    """What a view shows while there is no build to show."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build failed</title>'
        f"<style>{_STYLE}</style></head><body>{error_box(state)}</body></html>\n"
    )


def changes(state: State) -> str:
    return json.dumps({"generation": state.generation, "error": state.error})


def _inbox(issue: dict[str, object]) -> str:
    sender = issue.get("sender") if isinstance(issue.get("sender"), dict) else {}
    assert isinstance(sender, dict)
    who = " ".join(str(sender.get(k) or "") for k in ("from_name", "from_email")).strip()
    rows = [("From", who), ("Subject", issue.get("subject")), ("Preheader", issue.get("preheader"))]
    cells = "".join(f"<dt>{name}</dt><dd>{_e(value or '(none)')}</dd>" for name, value in rows)
    return f'<section class="inbox" aria-label="In the inbox"><dl>{cells}</dl></section>'


def _findings(state: State) -> str:
    if not state.findings:
        return '<section class="findings"><h2>Check</h2><p>No findings.</p></section>'
    items = []
    for finding in state.findings:
        mark = SEVERITY_MARKS.get(finding.severity, "")
        fix = f'<br><span class="fix">fix: {_e(finding.fix)}</span>' if finding.fix else ""
        items.append(
            f'<li><span class="{finding.severity}-mark">{mark} {finding.severity}</span> '
            f"<strong>{_e(finding.where)}</strong>: {_e(finding.message)}{fix}</li>"
        )
    errors = sum(f.severity == "error" for f in state.findings)
    return (
        f'<section class="findings"><h2>Check: {errors} error(s)</h2><ul>{"".join(items)}</ul>'
        "</section>"
    )


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)
