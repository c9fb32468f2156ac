"""What ``check`` reports: findings and the report of one issue.

Apart from the checks themselves, so that ``send`` (its DNS preflight gives findings too) does
not load the build and render stages the checks import.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True)
class Finding:
    """One thing found: how bad, where, what, and how to fix it."""

    severity: str
    where: str
    message: str
    fix: str = ""

    def to_json(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class CheckReport:
    """Every finding about one built issue, errors first."""

    issue: str
    folder: Path
    findings: tuple[Finding, ...]
    sender: str = ""  # the From address it goes out from (whose DNS records matter)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "folder": str(self.folder),
            "errors": self.errors,
            "findings": [f.to_json() for f in self.findings],
        }
