"""Themes: a folder of Jinja2 templates plus ``theme.toml``, looked up file by file.

A theme named ``N`` is searched in the project's ``templates/N/`` first, then in the packaged
``publisher/themes/N/``, then (when ``theme.toml`` says ``extends = "P"``) the same two places for
``P``. So a newsletter overrides one partial by dropping that one file into ``templates/N/``.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from publisher.errors import RenderError

PACKAGE_THEMES = Path(__file__).resolve().parent.parent / "themes"
SETTINGS_FILE = "theme.toml"
THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Font stacks go into MJML attributes and CSS: letters, digits, spaces, commas, quotes, hyphens.
_FONT = re.compile(r"^[A-Za-z0-9 ,'\"-]+$")
_URL = re.compile(r"^https://[^\s\"'<>()\\]+$")
COLOR_KEYS = ("background", "paper", "text", "muted", "accent", "link", "rule", "tag")

# section -> key -> kind; "*" means any key of that kind.
_SCHEMA: dict[str, dict[str, str]] = {
    "": {"name": "text", "description": "text", "extends": "name", "width": "width"},
    "colors": dict.fromkeys(COLOR_KEYS, "color"),
    "colors.dark": dict.fromkeys(COLOR_KEYS, "color"),
    "fonts": {"body": "font", "headings": "font"},
    "fonts.import": {"*": "url"},
    "logo": {"src": "url-or-empty", "alt": "text", "width": "int", "icon": "url-or-empty"},
    "labels.*": {"*": "text"},
}


@dataclass(frozen=True)
class Theme:
    """A resolved theme: its template folders (most specific first) and validated settings."""

    name: str
    dirs: tuple[Path, ...]
    settings: dict[str, Any]

    def find(self, name: str) -> Path | None:
        """The file that ``name`` resolves to in this theme, or None."""
        for folder in self.dirs:
            path = folder / name
            if path.is_file():
                return path
        return None

    def read_include(self, path: str) -> str:
        """The text of a theme file for ``mj-include``; never a file outside the theme folders."""
        clean = posixpath.normpath(path.replace("\\", "/"))
        if (
            not path
            or "\0" in path
            or clean.startswith(("/", "../"))
            or clean == ".."
            or re.match(r"^[A-Za-z]:", clean)
        ):
            raise RenderError(f"mj-include path outside the theme: {path!r}", where=self.name)
        found = self.find(clean)
        if found is None:
            raise RenderError(f"mj-include file not found in the theme: {path!r}", where=self.name)
        return found.read_text(encoding="utf-8")


def theme_dirs(name: str, templates: Path | None) -> list[Path]:
    """The existing folders of one theme (no parents): the project's first."""
    candidates = ([templates / name] if templates else []) + [PACKAGE_THEMES / name]
    return [d for d in candidates if d.is_dir()]


def available_themes(templates: Path | None = None) -> list[str]:
    """Names of every theme found in the project and the package."""
    roots = [PACKAGE_THEMES] + ([templates] if templates and templates.is_dir() else [])
    return sorted({p.name for root in roots for p in root.iterdir() if p.is_dir()})


def load_theme(name: str, templates: Path | None = None) -> Theme:
    """Resolve a theme and its parents, merging and validating their settings."""
    chain: list[str] = []
    dirs: list[Path] = []
    layers: list[tuple[Path, dict[str, Any]]] = []
    current: str | None = name
    while current:
        if not THEME_NAME.match(current):
            raise RenderError(f"invalid theme name {current!r} (use letters, digits, '-', '_')")
        if current in chain:
            raise RenderError(
                f"themes extend each other in a loop: {' → '.join([*chain, current])}"
            )
        own = theme_dirs(current, templates)
        if not own:
            known = ", ".join(available_themes(templates))
            raise RenderError(f"unknown theme {current!r} (known: {known})")
        chain.append(current)
        dirs.extend(own)
        own_layers = [(d / SETTINGS_FILE, _read_toml(d / SETTINGS_FILE)) for d in own]
        layers[:0] = list(reversed(own_layers))  # parents first, package before project
        current = next((data["extends"] for _, data in own_layers if data.get("extends")), None)
    merged: dict[str, Any] = {}
    problems: list[str] = []
    for path, data in layers:
        problems.extend(f"{path}: {p}" for p in _validate(data))
        merged = _merge(merged, data)
    if problems:
        raise RenderError(f"invalid settings in theme {name!r}", problems=problems)
    merged["name"] = name
    for key in ("colors", "fonts"):
        merged[key] = _markup(merged.get(key, {}))
    return Theme(name=name, dirs=tuple(dirs), settings=merged)


def theme_problems(name: str, templates: Path | None = None) -> list[str]:
    """What is wrong with the theme an issue names (``[]`` when it loads)."""
    if not THEME_NAME.match(name):
        return []  # the issue file's own check reports a malformed name
    try:
        load_theme(name, templates)
    except RenderError as exc:
        return [f"theme: {exc.message}", *exc.problems]
    return []


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RenderError(f"cannot read theme settings: {exc}", where=str(path)) from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _validate(data: dict[str, Any], prefix: str = "") -> list[str]:
    """Every problem in one theme.toml, as ``key.path: what is wrong``."""
    problems = []
    schema = _SCHEMA.get(prefix) or _SCHEMA.get(prefix.rsplit(".", 1)[0] + ".*", {})
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            if path in _SCHEMA or f"{path.rsplit('.', 1)[0]}.*" in _SCHEMA:
                problems.extend(_validate(value, path))
            else:
                problems.append(f"{path}: unknown table")
            continue
        kind = schema.get(key) or schema.get("*")
        if kind is None:
            problems.append(f"{path}: unknown key")
        elif not _valid(kind, value):
            problems.append(f"{path}: not a valid {kind}: {value!r}")
    return problems


def _valid(kind: str, value: Any) -> bool:
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 2000
    if kind == "width":
        return isinstance(value, int) and not isinstance(value, bool) and 320 <= value <= 900
    if not isinstance(value, str):
        return False
    return {
        "text": lambda v: True,
        "name": lambda v: bool(THEME_NAME.match(v)),
        "color": lambda v: bool(_COLOR.match(v)),
        "font": lambda v: bool(_FONT.match(v)),
        "url": lambda v: bool(_URL.match(v)),
        "url-or-empty": lambda v: v == "" or bool(_URL.match(v)),
    }[kind](value)


def _markup(value: Any) -> Any:
    """Validated colours and fonts are safe in MJML attributes and CSS: Jinja keeps them as is."""
    if isinstance(value, dict):
        return {k: _markup(v) for k, v in value.items()}
    if isinstance(value, str) and (_COLOR.match(value) or _FONT.match(value)):
        # Double quotes would end an MJML attribute; CSS accepts single ones just as well.
        return Markup(value.replace('"', "'"))
    return value
