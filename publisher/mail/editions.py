"""Language editions in the send: each subscriber gets the edition of their language.

A subscriber whose language has no edition (or who has none) gets the issue itself. Every
edition is one message of the same issue: the same Message-ID for one address, one ledger row,
so a subscriber gets exactly one of them.
"""

from __future__ import annotations

from publisher.mail.built import BuiltIssue
from publisher.mail.message import CompiledMessage, MessageSettings, Recipient


class EditionMessages:
    """The compiled message of the issue and of each of its language editions."""

    def __init__(
        self, built: BuiltIssue, settings: MessageSettings, *, eight_bit: bool,
        test: bool = False, unsigned: tuple[str, ...] = (),
    ):  # fmt: skip
        def compiled(one: BuiltIssue) -> CompiledMessage:
            return CompiledMessage(one, settings, eight_bit=eight_bit, test=test,
                                   unsigned=unsigned)  # fmt: skip

        self.default = compiled(built)
        # Codes were refused when two editions share a language ("en" and "en-GB").
        self.by_language = {primary(code): compiled(e) for code, e in built.editions().items()}

    def choose(self, recipient: Recipient) -> CompiledMessage:
        """The message of the recipient's language, else the issue's own."""
        return self.by_language.get(primary(recipient.language), self.default)

    @property
    def all(self) -> list[CompiledMessage]:
        return [self.default, *self.by_language.values()]


def primary(code: str) -> str:
    """A language code's primary subtag, lower-case: ``en-GB`` → ``en``."""
    return code.replace("_", "-").partition("-")[0].lower()
