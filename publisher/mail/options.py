"""How a send runs (``SendOptions``) and what a run did (``SendReport``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from publisher.config import Config, check_value
from publisher.errors import ConfigError, SendError


@dataclass(frozen=True)
class SendOptions:
    """How to send: transport, pace, parallel connections, retries (``[send]`` gives defaults)."""

    transport: str = "maildir"
    limit: int | None = None
    rate: float = 0.0
    connections: int = 1
    max_attempts: int = 5
    retry_backoff: float = 30.0
    retry_backoff_max: float = 900.0
    # Nothing is sent after this moment: a late rerun or a restored database must not mail an
    # old issue.
    not_after: datetime | None = None
    deadline_from: str = "--not-after"  # where ``not_after`` came from, for the message

    def check_deadline(self) -> None:
        """``SendError`` once ``not_after`` has passed."""
        if self.not_after is not None and datetime.now(UTC) > self.not_after:
            raise SendError(
                f"the deadline {self.not_after.isoformat()} ({self.deadline_from}) has passed:"
                " nothing more is sent, and the rest stays queued"
            )

    @classmethod
    def from_config(cls, config: Config, **overrides: object) -> SendOptions:
        table = config.table("send")
        values = {k: table[k] for k in ("transport", "rate", "connections", "max_attempts")}
        values |= {k: table[k] for k in ("retry_backoff", "retry_backoff_max")}
        values |= {k: v for k, v in overrides.items() if v is not None and k != "not_after"}
        deadline = overrides.get("not_after")
        options = cls(**values, not_after=deadline if isinstance(deadline, datetime) else None)
        # The file's values were checked when it was read; options given on the command line
        # are checked here, by the same rules.
        problems = [p for k, v in values.items() if (p := check_value("send", k, v))]
        if problems:
            raise ConfigError("invalid send options", problems=problems)
        return options

    def with_issue_deadline(self, not_after: datetime | None) -> SendOptions:
        """These options, with the issue file's ``not_after`` unless ``--not-after`` was given."""
        if self.not_after is not None or not_after is None:
            return self
        return replace(self, not_after=not_after, deadline_from="not_after in the issue file")


@dataclass
class SendReport:
    """What a run did (the whole ledger is ``SendRun.status()``)."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0
    slowdowns: int = 0
    connections: int = 0  # at the end of the run (a server may allow fewer than asked)
    elapsed: float = 0.0
