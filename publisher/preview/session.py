"""The preview's builds: the issue rebuilt in this process after every change, kept warm.

One process keeps the imports, the compiled templates and the image cache between builds, so a
rebuild after an edit costs what rendering costs, not what starting Python costs. A build stays
in memory (never in ``build/``, which may be what gets sent or uploaded) and is checked as
``publisher check`` checks it; a build that fails keeps the error, with its file and line,
until the next one succeeds.
"""

from __future__ import annotations

import html
import json
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from publisher.config import Config, load_config
from publisher.errors import ConfigError, PublisherError
from publisher.issues.compose import compose_issue
from publisher.mail.editions import primary
from publisher.mail.message import NAME_FALLBACK, given_name, unsubscribe_link
from publisher.mail.preflight import with_dns_findings
from publisher.model import TOKENS
from publisher.output.build import assemble
from publisher.output.check import check_files
from publisher.output.findings import SEVERITIES, Finding

# The token of the preview's unsubscribe link: never a real subscriber's, so that clicking it
# in the preview cannot reach anyone's subscription.
PREVIEW_TOKEN = "preview"
SAMPLE_NAMES = {"vi": "Nguyễn Thu An", "en": "Alex Morgan"}


@dataclass(frozen=True)
class Sample:
    """Whom the preview fills the email for: a real subscriber (``--as``) or a made-up one."""

    email: str = "reader@example.org"
    name: str | None = None  # None: the sample name in the issue's language
    language: str = ""

    def values(self, issue_language: str, fallback: str, unsubscribe: str) -> tuple[str, ...]:
        """The three token values, in ``TOKENS`` order, as the send step fills them."""
        language = self.language or issue_language
        name = self.name
        if name is None:
            name = SAMPLE_NAMES.get(language.partition("-")[0], SAMPLE_NAMES["en"])
        greeting = given_name(name, language) or fallback or NAME_FALLBACK.get(issue_language, "")
        return greeting, self.email, unsubscribe.replace("{token}", PREVIEW_TOKEN)


@dataclass(frozen=True)
class State:
    """The outcome of the latest build; ``files`` are those of the last one that succeeded."""

    generation: int = 0
    files: Mapping[str, bytes] = field(default_factory=dict)  # by name, as build writes them
    error: str = ""  # the latest build's failure, with its file and line ("" when it built)
    findings: tuple[Finding, ...] = ()
    seconds: float = 0.0
    manifest: dict[str, Any] = field(default_factory=dict)
    editions: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> its manifest
    # The values the email's tokens are filled with, by edition ("" for the issue itself).
    tokens: dict[str, tuple[str, ...]] = field(default_factory=dict)
    own_edition: str = ""  # the edition the sample subscriber would be sent ("": the issue)

    def manifest_of(self, edition: str) -> dict[str, Any]:
        return self.editions[edition] if edition else self.manifest


class PreviewSession:
    """Builds ``issue`` of the project on demand and tells waiting pages when it has."""

    def __init__(self, project: Path, issue: str, sample: Sample, *, debug: bool = False):
        self.project = project
        self.issue = issue
        self.sample = sample
        self.debug = debug
        self._changed = threading.Condition()  # held while building; tells waiting pages
        self._dns: dict[tuple[str, str], list[Finding]] = {}
        self.state = State()

    def rebuild(self) -> State:
        """Build and check the issue again; the state says how it went."""
        with self._changed:
            start = time.perf_counter()
            generation = self.state.generation + 1
            try:
                state = self._build(generation)
            except PublisherError as exc:
                state = self._failed(generation, str(exc))
            except Exception as exc:  # a bug must not end the preview: show it, keep watching
                detail = traceback.format_exc() if self.debug else f"{type(exc).__name__}: {exc}"
                state = self._failed(generation, f"unexpected error: {detail}")
            self.state = state = replace(state, seconds=time.perf_counter() - start)
            self._changed.notify_all()
            return state

    def wait(self, after: int, timeout: float) -> State:
        """The state once its generation passes ``after``, or as it is after ``timeout``."""
        with self._changed:
            self._changed.wait_for(lambda: self.state.generation > after, timeout)
            return self.state

    def _build(self, generation: int) -> State:
        config = load_config(self.project)  # publisher.toml may be what changed
        issue = compose_issue(config, self.issue)
        files, manifest = assemble(config, issue)
        folder = config.build_dir / issue.slug  # where `publisher build` would write it
        report = check_files(config, issue.slug, files, manifest, folder)
        report = with_dns_findings(config, report, self._dns)
        findings: list[Finding] = []
        fallback = str(config.table("send")["name_fallback"])
        unsubscribe = _unsubscribe(config, findings)
        editions = {code: json.loads(files[f"{code}/manifest.json"])
                    for code in manifest.get("editions", {})}  # fmt: skip
        tokens = {
            code: self.sample.values(str(m["issue"].get("language") or ""), fallback, unsubscribe)
            for code, m in {"": manifest, **editions}.items()
        }
        chosen = [c for c in editions if primary(c) == primary(self.sample.language)]
        findings = sorted([*report.findings, *findings], key=lambda f: SEVERITIES.index(f.severity))
        return State(generation, files, "", tuple(findings), 0.0, manifest, editions, tokens,
                     chosen[0] if chosen else "")  # fmt: skip

    def _failed(self, generation: int, error: str) -> State:
        return replace(self.state, generation=generation, error=error)

    @staticmethod
    def fill(page: str, state: State, *, markup: bool, edition: str = "") -> str:
        """``page`` with the sample subscriber's values (as ``state`` has them) for the tokens."""
        for token, value in zip(TOKENS, state.tokens[edition], strict=True):
            page = page.replace(token, html.escape(value, quote=True) if markup else value)
        return page


def _unsubscribe(config: Config, findings: list[Finding]) -> str:
    try:
        return unsubscribe_link(config)
    except ConfigError as exc:
        message = f"the unsubscribe link cannot be made, so sending would stop: {exc}"
        findings.append(Finding("warning", "publisher.toml", message, "set [web] base_url"))
        return "#unsubscribe"
