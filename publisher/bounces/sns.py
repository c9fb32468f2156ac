"""Amazon SES bounce and complaint notifications, as Amazon SNS delivers them over HTTPS.

SNS posts JSON: a ``SubscriptionConfirmation`` first (its ``SubscribeURL`` must be visited
once), then a ``Notification`` per event, whose ``Message`` is SES's own JSON: a ``Bounce``
(``Permanent``: hard; ``Transient`` or ``Undetermined``: soft) or a ``Complaint``, with the
recipients concerned. Both notification shapes are read: an identity's notifications
(``notificationType``) and a configuration set's event publishing (``eventType``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from publisher.bounces.reports import Finding, Report

# Where SNS confirmation links point: only these are ever fetched.
SNS_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")


class NotSns(ValueError):
    """The body is not an SNS message we can read."""


@dataclass(frozen=True)
class SnsMessage:
    kind: str  # SubscriptionConfirmation, Notification, UnsubscribeConfirmation
    subscribe_url: str = ""
    report: Report | None = None


def read_sns(body: bytes) -> SnsMessage:
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotSns(f"not JSON: {exc}") from None
    if not isinstance(envelope, dict) or "Type" not in envelope:
        raise NotSns("not an SNS message (no Type)")
    kind = str(envelope["Type"])
    if kind != "Notification":
        return SnsMessage(kind, subscribe_url=str(envelope.get("SubscribeURL", "")))
    try:
        event = json.loads(envelope.get("Message", ""))
    except (ValueError, TypeError) as exc:
        raise NotSns(f"the notification's Message is not JSON: {exc}") from None
    if not isinstance(event, dict):
        raise NotSns("the notification's Message is not an object")
    return SnsMessage(kind, report=_report(event, str(envelope.get("MessageId", ""))))


def _report(event: dict, sns_id: str) -> Report:
    what = str(event.get("notificationType") or event.get("eventType") or "")
    found = event.get("mail")
    mail: dict = found if isinstance(found, dict) else {}
    report = Report("ses", f"ses:{mail.get('messageId', '')}:{what}:{sns_id}")
    if what == "Bounce":
        bounce = event.get("bounce") or {}
        kind = "hard" if bounce.get("bounceType") == "Permanent" else "soft"
        report.report_id = f"ses:{bounce.get('feedbackId') or report.report_id}"
        for recipient in bounce.get("bouncedRecipients") or []:
            if isinstance(recipient, dict) and "@" in str(recipient.get("emailAddress", "")):
                detail = " ".join(
                    str(recipient.get(k, "")) for k in ("status", "diagnosticCode")
                ).strip() or str(bounce.get("bounceSubType", ""))
                report.findings.append(
                    Finding(kind, email=str(recipient["emailAddress"]).lower(), detail=detail)
                )
    elif what == "Complaint":
        complaint = event.get("complaint") or {}
        report.report_id = f"ses:{complaint.get('feedbackId') or report.report_id}"
        detail = str(complaint.get("complaintFeedbackType") or "abuse")
        for recipient in complaint.get("complainedRecipients") or []:
            if isinstance(recipient, dict) and "@" in str(recipient.get("emailAddress", "")):
                report.findings.append(
                    Finding("complaint", email=str(recipient["emailAddress"]).lower(),
                            detail=detail)
                )  # fmt: skip
    return report
