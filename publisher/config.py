"""``publisher.toml``: loaded once, validated whole, every problem reported with its key path.

Every key's type and, where it has one, its allowed values are checked here, when a command
starts and before it does anything, so that a bad ``[smtp]`` port is reported by ``build`` too
and not only halfway into a send. Secrets (SMTP password, cloud credentials) never live here:
only in environment variables.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
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
    "database": {
        # sqlite:///PATH (relative to the project) or postgresql://USER@HOST/DATABASE;
        # PUBLISHER_DATABASE_URL overrides it.
        "url": (str, "sqlite:///publisher.db"),
    },
    "send": {
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
        # Seconds after which the rows claimed by a sender that stopped answering (killed, a
        # lost runner) go to the other senders of the send.
        "lease": ((int, float), 60.0),
        # Stop a run when this share of its first ``breaker_window`` recipients got the same
        # permanent (5xx) refusal: the server is refusing the list. 0 turns it off.
        "breaker_window": (int, 50),
        "breaker_share": ((int, float), 0.9),
        # Read the sender's DNS records (`publisher check dns`) before sending over SMTP or SES,
        # and warn of what is wrong; never stops a send.
        "dns_preflight": (bool, True),
        # The envelope sender (Return-Path), one per subscriber (VERP: {token} is theirs), so
        # that a bounce names its subscriber even when its report does not. "" = from_email.
        "return_path": (str, ""),
    },
    # `publisher bounces import` and SES notifications: what suppresses an address.
    "bounces": {
        "soft_limit": (int, 3),  # soft bounces within soft_days that mark an address bounced
        "soft_days": ((int, float), 30),
    },
    "web": {
        # Where ``publisher serve`` (or the WSGI application) answers, ending in "/": links in
        # mail point here (``confirm/<token>``, ``unsubscribe/<token>``).
        "base_url": (str, ""),
        "confirm_days": ((int, float), 7),  # how long a confirmation link works
        "subscribe_limit": (int, 3),  # subscribe requests per address per hour
        "subscribe_limit_ip": (int, 30),  # and per sending address (IP) per hour
        "timeout": ((int, float), 10.0),  # seconds a client may take to send its request
        # Database connections each service process keeps open at most (see audience/pool.py).
        "database_connections": (int, 10),
    },
    "smtp": {
        "host": (str, "localhost"),
        "port": (int, 0),
        "security": (str, "starttls"),
        "username": (str, ""),
        # AUTH without TLS puts the password on the wire: only when asked for in so many words.
        "allow_plaintext_auth": (bool, False),
        "timeout": ((int, float), 60.0),
    },
    # Amazon SES (``--transport ses``); credentials and endpoint from the AWS variables.
    "ses": {
        "region": (str, ""),
        # Its event destinations publish bounces and complaints (to SNS, for example).
        "configuration_set": (str, ""),
    },
    # DKIM signing: on when domain is set. The private keys are files (or environment
    # variables), never values in this file, which is kept in git.
    "dkim": {
        "domain": (str, ""),
        "selector": (str, ""),
        "key_file": (str, ""),
        "ed25519_selector": (str, ""),
        "ed25519_key_file": (str, ""),
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
# Keys of earlier releases, and what replaced them.
MOVED = {
    ("send", "database"): 'replaced by [database] url = "sqlite:///publisher.db" (any path)',
}


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"{value!r} is not one of {', '.join(choices)}"

    return check


def _at_least(minimum: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value >= minimum else f"must be at least {minimum:g}, not {value!r}"

    return check


def _between(low: float, high: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"must be from {low:g} to {high:g}, not {value!r}"

    return check


def _port(value: Any) -> str | None:
    return None if 0 <= value < 65536 else f"{value!r} is not a port number (0: the usual one)"


def _link(value: Any) -> str | None:
    if re.search(r"[\s<>\"]", value):
        return "must not contain spaces, quotes or angle brackets"
    return None


def _base_url(value: Any) -> str | None:
    if value and (not value.startswith(("https://", "http://")) or not value.endswith("/")):
        return "must be an http(s):// URL ending in /"
    return _link(value)


def _unsubscribe_url(value: Any) -> str | None:
    if value and (not value.startswith("https://") or "{token}" not in value):
        return "must be an https:// URL containing {token}"
    return _link(value)


def _return_path(value: Any) -> str | None:
    local, at, domain = str(value).partition("@")
    if value and (not at or "{token}" not in local or not re.fullmatch(r"[A-Za-z0-9.-]+", domain)):
        return "must be an address with {token} before the @, like bounces+{token}@example.org"
    return None


def database_url_problem(value: Any) -> str | None:
    """What is wrong with a database URL (never quoted: it may hold a password), or None."""
    scheme = value.partition(":")[0].lower()
    if scheme == "sqlite":
        if not value.startswith("sqlite:///") or value == "sqlite:///":
            return "a SQLite URL is sqlite:/// and a path, like sqlite:///publisher.db"
        return None
    if scheme in ("postgresql", "postgres") and value.startswith(f"{scheme}://"):
        return None
    return "must be sqlite:///PATH or postgresql://USER@HOST/DATABASE"


# table -> key -> what the value must be, beyond its type: a problem, or None when it is fine.
CHECKS: dict[str, dict[str, Callable[[Any], str | None]]] = {
    "database": {"url": database_url_problem},
    "keywords": {
        "limit": _at_least(0),
        "segmenter": _one_of("auto", "plain", "underthesea"),
    },
    "send": {
        "transport": _one_of("maildir", "smtp", "memory", "ses"),
        "unsubscribe_url": _unsubscribe_url,
        "unsubscribe_mailto": _link,
        "rate": _at_least(0),
        "connections": _at_least(1),
        "max_attempts": _at_least(1),
        "retry_backoff": _at_least(0),
        "retry_backoff_max": _at_least(0),
        "lease": _at_least(0.5),
        "breaker_window": _at_least(1),
        "breaker_share": _between(0, 1),
        "return_path": _return_path,
    },
    "bounces": {"soft_limit": _at_least(1), "soft_days": _at_least(0.01)},
    "web": {
        "base_url": _base_url,
        "confirm_days": _at_least(0.001),
        "subscribe_limit": _at_least(1),
        "subscribe_limit_ip": _at_least(1),
        "timeout": _at_least(0.1),
        "database_connections": _at_least(1),
    },
    "smtp": {
        "port": _port,
        "security": _one_of("none", "starttls", "tls"),
        "timeout": _at_least(0.001),
    },
}


def check_value(table: str, key: str, value: Any) -> str | None:
    """What is wrong with a setting's value (``table.key: ...``), or None."""
    check = CHECKS.get(table, {}).get(key)
    problem = check(value) if check is not None else None
    return f"{table}.{key}: {problem}" if problem else None


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
            if (name, key) in MOVED:
                problems.append(f"{name}.{key}: {MOVED[name, key]}")
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
                continue
            problem = check_value(name, key, value)
            if problem:
                problems.append(problem)
    return problems
