"""The one error family of publisher.

Everything below the CLI raises a ``PublisherError`` subclass; only ``publisher.cli`` turns it
into ``Error: <what> (<where>)`` and the subclass's exit code.
"""

from __future__ import annotations

from collections.abc import Iterable


class PublisherError(Exception):
    """Base class. Raised directly only for failures that fit no subclass."""

    exit_code = 1

    def __init__(self, message: str, *, where: str | None = None, problems: Iterable[str] = ()):
        super().__init__(message)
        self.message = message
        self.where = where
        self.problems = list(problems)

    def __str__(self) -> str:
        text = f"{self.message} ({self.where})" if self.where else self.message
        if self.problems:
            text += "".join(f"\n  - {p}" for p in self.problems)
        return text


class ConfigError(PublisherError):
    """Raised by ``config`` when ``publisher.toml`` is unreadable or invalid (all problems)."""

    exit_code = 3


class InputError(PublisherError):
    """Raised by importers and readers when a source file cannot be turned into an article."""

    exit_code = 4


class LibraryError(PublisherError):
    """Raised by ``library`` when the article library cannot be read or written."""

    exit_code = 5


class ComposeError(PublisherError):
    """Raised by ``compose`` when an issue file is invalid (all problems listed)."""

    exit_code = 6


class RenderError(PublisherError):
    """Raised by ``render`` when a template or MJML fails (with template file and line)."""

    exit_code = 7


class OutputError(RenderError):
    """Raised by ``output`` when a build cannot be written where it was asked to go (exit 7)."""


class SendError(PublisherError):
    """Raised by ``mail`` when sending cannot start or go on (lock held, transport down...)."""

    exit_code = 8


class UploadError(PublisherError):
    """Raised by ``upload`` when a destination is invalid or some files failed to upload."""

    exit_code = 9


class SubscriberError(PublisherError):
    """Raised by ``subscribers`` for an unreadable list file or an unknown address or token."""

    exit_code = 10


class DatabaseError(PublisherError):
    """Raised by ``audience`` when the database cannot be reached, or its schema is not current."""

    exit_code = 11


class DnsError(PublisherError):
    """Raised by the DNS checks when no name server answers (offline): nothing was checked."""

    exit_code = 12
