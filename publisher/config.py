"""``publisher.toml``: loaded once, validated whole, every problem reported with its key path.

Secrets (SMTP password, cloud credentials) never live here: only in environment variables.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.errors import ConfigError

CONFIG_NAME = "publisher.toml"

# table -> key -> (type(s), default). Stages that need settings add their table here.
SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], Any]]] = {
    "paths": {
        "articles": (str, "articles"),
        "issues": (str, "issues"),
        "templates": (str, "templates"),
        "build": (str, "build"),
    },
    # Defaults for every issue; an issue file may override the theme, base_url and sender.
    "newsletter": {
        "name": (str, ""),
        "language": (str, "vi"),
        "theme": (str, "default"),
        "base_url": (str, ""),
        "organisation": (str, ""),
        "address": (str, ""),
        "from_name": (str, ""),
        "from_email": (str, ""),
        "reply_to": (str, ""),
        "list_id": (str, ""),
    },
    "keywords": {
        "limit": (int, 6),  # suggestions per article
        "segmenter": (str, "auto"),  # Vietnamese words: auto, plain or underthesea
    },
    "send": {
        "database": (str, "publisher.db"),
        "transport": (str, "maildir"),
        "outbox": (str, "outbox"),
        "unsubscribe_url": (str, ""),
        "unsubscribe_mailto": (str, ""),
        "rate": ((int, float), 0),
        "connections": (int, 1),
        "max_attempts": (int, 5),
        "retry_backoff": ((int, float), 30.0),
        "retry_backoff_max": ((int, float), 900.0),
        "name_fallback": (str, ""),
    },
    "smtp": {
        "host": (str, "localhost"),
        "port": (int, 0),
        "security": (str, "starttls"),
        "username": (str, ""),
        "timeout": ((int, float), 60.0),
    },
    "upload": {
        "to": (str, ""),
        # Pages and the feed change when an issue is corrected or added: keep them fresh.
        "cache_pages": (str, "public, max-age=300"),
        "cache_feed": (str, "public, max-age=300"),
        # Image names carry a hash of their bytes (see render.images), so they never change.
        "cache_images": (str, "public, max-age=31536000, immutable"),
        "cache_files": (str, "public, max-age=86400"),
    },
}

SECRET_KEYS = {"password", "secret", "secret_access_key", "token"}


@dataclass(frozen=True)
class Config:
    """The project's settings, defaults filled in."""

    project: Path
    data: dict[str, dict[str, Any]] = field(default_factory=dict)

    def table(self, name: str) -> dict[str, Any]:
        """A table with every key of ``SCHEMA`` present (defaults where the file is silent)."""
        values = {key: default for key, (_, default) in SCHEMA.get(name, {}).items()}
        values.update(self.data.get(name, {}))
        return values

    def path(self, key: str) -> Path:
        """A project path from ``[paths]``, resolved against the project folder."""
        return (self.project / self.table("paths")[key]).resolve()

    @property
    def articles_dir(self) -> Path:
        return self.path("articles")

    @property
    def issues_dir(self) -> Path:
        return self.path("issues")

    @property
    def templates_dir(self) -> Path:
        return self.path("templates")

    @property
    def build_dir(self) -> Path:
        return self.path("build")


def load_config(project: Path) -> Config:
    """Read ``publisher.toml`` from the project folder (absent file: all defaults)."""
    project = Path(project)
    if not project.is_dir():
        raise ConfigError("the project folder does not exist", where=str(project))
    path = project / CONFIG_NAME
    if not path.exists():
        return Config(project=project.resolve())
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the settings: {exc}", where=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", where=str(path)) from exc
    problems = validate(raw)
    if problems:
        raise ConfigError("invalid settings", where=str(path), problems=problems)
    return Config(project=project.resolve(), data=raw)


def validate(raw: dict[str, Any]) -> list[str]:
    """Every problem in the settings, as ``key.path: what is wrong``."""
    problems = []
    for name, table in raw.items():
        if name not in SCHEMA:
            problems.append(f"{name}: unknown table (known: {', '.join(sorted(SCHEMA))})")
            continue
        if not isinstance(table, dict):
            problems.append(f"{name}: must be a table")
            continue
        for key, value in table.items():
            if key in SECRET_KEYS:
                problems.append(f"{name}.{key}: secrets belong in environment variables, not here")
                continue
            if key not in SCHEMA[name]:
                problems.append(f"{name}.{key}: unknown key (known: {', '.join(SCHEMA[name])})")
                continue
            expected = SCHEMA[name][key][0]
            if not isinstance(value, expected) or (isinstance(value, bool) and expected is int):
                names = (
                    expected.__name__
                    if isinstance(expected, type)
                    else "/".join(t.__name__ for t in expected)
                )
                problems.append(f"{name}.{key}: must be {names}, not {type(value).__name__}")
    return problems
