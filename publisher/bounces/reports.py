"""What a message in the bounce mailbox reports: who bounced (hard or soft) or complained.

Read in this order, each a standard first:

- an ARF complaint (RFC 5965, ``multipart/report; report-type=feedback-report``): the
  complained-of message's own headers name the subscriber (its List-Unsubscribe token, its
  Return-Path, its To), because receivers often redact the address in the report;
- a delivery status notification (RFC 3464): per recipient, ``Action: failed`` with a 5.x.x
  status is a hard bounce, with 4.x.x a soft one; ``delayed`` and ``delivered`` are not bounces;
- anything else goes to flufl.bounce's detectors (Exchange, old Postfix, qmail, Yahoo, Gmail's
  text bounces...), which tell permanent from temporary failures.

The envelope sender of our messages carries the subscriber's token (VERP), so a bounce sent to
``bounces+<token>@…`` names its subscriber even when its report names nobody we know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from email.utils import getaddresses

KINDS = ("hard", "soft", "complaint")
_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")
_TOKEN_IN_LINK = re.compile(r"/unsubscribe/([A-Za-z0-9_-]{16,})")


@dataclass(frozen=True)
class Finding:
    """One subscriber named by a report: by address, or by token."""

    kind: str  # hard, soft, complaint
    email: str = ""
    token: str = ""
    detail: str = ""  # the status and diagnostic, or the feedback type


@dataclass
class Report:
    """What one message reports; ``findings`` empty: not a bounce or complaint we understand."""

    source: str  # arf, dsn, heuristic
    report_id: str
    findings: list[Finding] = field(default_factory=list)


def verp_token(message: Message, return_path: str) -> str:
    """The token of the VERP address the bounce was sent to, if ``return_path`` is set."""
    if not return_path or "{token}" not in return_path:
        return ""
    before, _, after = return_path.lower().partition("{token}")
    pattern = re.compile(re.escape(before) + r"([A-Za-z0-9_-]+)" + re.escape(after), re.I)
    for header in ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To"):
        for _, address in getaddresses(message.get_all(header, [])):
            found = pattern.fullmatch(address.strip())
            if found:
                return found.group(1)
    return ""


def read_report(message: Message, *, return_path: str = "") -> Report:
    """What ``message`` reports (see the module's notes)."""
    report_id = str(message.get("Message-ID") or "").strip() or _fingerprint(message)
    token = verp_token(message, return_path)
    content_type = message.get_content_type()
    report_type = str(message.get_param("report-type", "") or "").lower()
    if content_type == "multipart/report" and report_type == "feedback-report":
        return _complaint(message, report_id)
    if content_type == "multipart/report" and report_type == "delivery-status":
        report = _dsn(message, report_id)
    else:
        report = _heuristic(message, report_id)
    if token:
        kinds = {f.kind for f in report.findings}
        # The report's own addresses may be a forwarder's; the token is certainly ours.
        # A delivery report that says "delayed" is no bounce; a text one from a mailer daemon
        # that no detector reads is taken as a soft one (counted, not suppressing at once).
        vague = report.source == "heuristic" and _looks_bounced(message)
        kind = "hard" if "hard" in kinds else "soft" if kinds or vague else ""
        if kind:
            detail = next((f.detail for f in report.findings if f.kind == kind), "")
            report.findings = [Finding(kind, token=token, detail=detail)]
    return report


def _fingerprint(message: Message) -> str:
    import hashlib

    return "sha256:" + hashlib.sha256(message.as_bytes()).hexdigest()


def _looks_bounced(message: Message) -> bool:
    sender = str(message.get("From", "")).lower()
    subject = str(message.get("Subject", "")).lower()
    return any(w in sender for w in ("mailer-daemon", "postmaster")) or any(
        w in subject for w in ("undeliver", "delivery status", "failure notice", "returned mail")
    )


def _dsn(message: Message, report_id: str) -> Report:
    report = Report("dsn", report_id)
    for part in message.walk():
        if part.get_content_type() not in (
            "message/delivery-status",
            "message/global-delivery-status",
        ):
            continue
        for group in _field_groups(part)[1:]:
            action = group.get("action", "").lower()
            recipient = _address(
                group.get("final-recipient") or group.get("original-recipient", "")
            )
            status = group.get("status", "")
            if action != "failed" or not recipient:
                continue  # delayed, delivered, relayed, expanded: not a bounce
            match = _STATUS.search(status)
            kind = "soft" if match and match.group(1) == "4" else "hard"
            detail = " ".join(f"{status} {group.get('diagnostic-code', '')}".split())
            report.findings.append(Finding(kind, email=recipient, detail=detail))
    return report


def _field_groups(part: Message) -> list[dict[str, str]]:
    """The blocks of ``Name: value`` fields of a report part (delivery status: the first is
    per message, each other per recipient; feedback report: one), names in lower case."""
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses it as a list of header blocks
        return [
            {k.lower(): str(v) for k, v in block.items()}
            for block in payload
            if isinstance(block, Message)
        ]
    text = payload if isinstance(payload, str) else ""
    groups: list[dict[str, str]] = []
    for block in re.split(r"\r?\n\s*\r?\n", text.strip()):
        fields: dict[str, str] = {}
        for line in re.sub(r"\r?\n[ \t]+", " ", block).splitlines():
            name, _, value = line.partition(":")
            if value:
                fields[name.strip().lower()] = value.strip()
        groups.append(fields)
    return groups


def _address(field_value: str) -> str:
    """``rfc822; someone@example.org`` → the address."""
    _, _, address = field_value.partition(";")
    address = (address or field_value).strip().strip("<>")
    return address.lower() if "@" in address else ""


def _heuristic(message: Message, report_id: str) -> Report:
    from flufl.bounce import all_failures

    report = Report("heuristic", report_id)
    try:
        temporary, permanent = all_failures(message)
    except Exception:
        return report
    for kind, addresses in (("hard", permanent), ("soft", temporary - permanent)):
        for raw in sorted(addresses):
            address = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
            if "@" in address:
                report.findings.append(Finding(kind, email=address.strip("<>").lower()))
    return report


def _complaint(message: Message, report_id: str) -> Report:
    report = Report("arf", report_id)
    feedback: dict[str, str] = {}
    original: Message | None = None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/feedback-report":
            feedback = next(iter(_field_groups(part)), {})
        elif kind in ("message/rfc822", "text/rfc822-headers") and original is None:
            original = _original(part)
    detail = feedback.get("feedback-type", "abuse")
    token, emails = "", []
    if original is not None:
        unsubscribe = str(original.get("List-Unsubscribe", ""))
        found = _TOKEN_IN_LINK.search(unsubscribe)
        token = found.group(1) if found else ""
        emails = [a for _, a in getaddresses(original.get_all("To", [])) if "@" in a]
    emails += [_address(feedback.get("original-rcpt-to", ""))]
    emails = [e.lower() for e in emails if e and "@" in e]
    if token:
        report.findings.append(Finding("complaint", token=token, detail=detail))
    elif emails:
        report.findings.append(Finding("complaint", email=emails[0], detail=detail))
    return report


def _original(part: Message) -> Message | None:
    from email import message_from_string

    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return payload[0]
    if isinstance(payload, str):
        return message_from_string(payload)
    return None
