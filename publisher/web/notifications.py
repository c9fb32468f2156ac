"""``POST /ses/notifications/<secret>``: SES bounces and complaints, delivered by Amazon SNS.

The secret in the path (``PUBLISHER_SES_NOTIFICATIONS_SECRET``, at least 16 characters) is what
keeps others from posting fake bounces: without it set, the path does not exist. A subscription
confirmation is logged with its link, and the link visited when it points at SNS itself.
"""

from __future__ import annotations

import hmac
import logging
import os
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from publisher.audience.bounces import BounceBook
from publisher.audience.pool import StorePool
from publisher.audience.subscribers import SubscriberList
from publisher.bounces.importing import apply_report
from publisher.bounces.sns import SNS_HOST, NotSns, read_sns
from publisher.config import Config
from publisher.web.forms import BadRequest, read_body

ENV_SECRET = "PUBLISHER_SES_NOTIFICATIONS_SECRET"
log = logging.getLogger("publisher.web")
TEXT = "text/plain; charset=utf-8"


def ses_notification(
    config: Config, stores: StorePool, environ: dict[str, Any], secret: str
) -> tuple[str, bytes, str]:
    expected = os.environ.get(ENV_SECRET, "")
    if len(expected) < 16 or not hmac.compare_digest(secret.encode(), expected.encode()):
        return "404 Not Found", b"not found\n", TEXT
    try:
        message = read_sns(read_body(environ))
    except NotSns as exc:
        raise BadRequest(str(exc)) from None
    if message.kind == "SubscriptionConfirmation":
        _confirm(message.subscribe_url)
        return "200 OK", b"ok\n", TEXT
    if message.report is None:
        return "200 OK", b"ok\n", TEXT  # an UnsubscribeConfirmation: nothing to do
    with stores.store() as store:
        done = apply_report(BounceBook(SubscriberList(store), config), message.report)
    if done is None and message.report.findings:
        log.warning("SES notification about addresses not on the list: %s",
                    ", ".join(f.email for f in message.report.findings))  # fmt: skip
    elif done is not None:
        for email in done.suppressed:
            log.info("suppressed %s (SES %s)", email, message.report.findings[0].kind)
    return "200 OK", b"ok\n", TEXT


def _confirm(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not SNS_HOST.match(parts.hostname or ""):
        log.warning("SNS subscription confirmation with a link that is not SNS's, not visited:"
                    " %s", url)  # fmt: skip
        return
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            answer.read(4096)
        log.info("confirmed the SNS subscription")
    except OSError as exc:
        log.warning("could not confirm the SNS subscription (%s): open %s", exc, url)
