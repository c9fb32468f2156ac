"""Mail to one person outside a send: the confirmation of a subscription.

Through the configured transport, like a send; never to a list. Its texts are in the
subscriber's language (Vietnamese or English), with the newsletter's name.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from publisher.config import Config
from publisher.errors import SendError
from publisher.mail.dkim import DkimSettings, Signer
from publisher.mail.transports import SENT, Envelope, transport_factory

TEXTS = {
    "vi": {
        "subject": "Xác nhận đăng ký nhận {name}",
        "body": (
            "Xin chào{greeting},\n\n"
            "Có người (hy vọng là bạn) vừa đăng ký nhận {name} bằng địa chỉ này.\n"
            "Để xác nhận, hãy mở liên kết sau (có hiệu lực {days} ngày):\n\n{link}\n\n"
            "Nếu không phải bạn, hãy bỏ qua thư này: bạn sẽ không nhận thêm thư nào.\n"
        ),
    },
    "en": {
        "subject": "Confirm your subscription to {name}",
        "body": (
            "Hello{greeting},\n\n"
            "Someone (hopefully you) just subscribed this address to {name}.\n"
            "To confirm, open this link (it works for {days} days):\n\n{link}\n\n"
            "If it was not you, ignore this message: you will get nothing more from us.\n"
        ),
    },
}


def page_language(language: str, fallback: str) -> str:
    """The language of pages and notices for a subscriber: theirs when we have it, vi or en."""
    for code in (language, fallback):
        primary = (code or "").partition("-")[0]
        if primary in TEXTS:
            return primary
    return "vi"


def confirmation_message(
    config: Config, *, to: str, name: str, link: str, language: str
) -> tuple[str, bytes]:
    """The envelope sender and the bytes of a confirmation message."""
    newsletter = config.table("newsletter")
    sender = newsletter["from_email"]
    if not sender:
        raise SendError("set newsletter.from_email: confirmations are sent from it")
    title = newsletter["name"] or newsletter["from_name"] or sender
    days = config.table("web")["confirm_days"]
    texts = TEXTS[page_language(language, newsletter["language"])]
    message = EmailMessage(policy=SMTP)
    # EmailMessage refuses line breaks in header values: no header injection from the form.
    message["From"] = f"{newsletter['from_name'] or title} <{sender}>"
    message["To"] = to
    message["Subject"] = texts["subject"].format(name=title)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    body = texts["body"].format(
        greeting=f" {name}" if name else "", name=title, days=f"{days:g}", link=link
    )
    message.set_content(body, cte="quoted-printable")
    dkim = DkimSettings.from_config(config)
    if dkim is None:
        return sender, message.as_bytes()
    dkim.check_aligned(sender)
    return sender, Signer(dkim).sign(message.as_bytes())


def send_confirmation(
    config: Config, *, to: str, name: str, link: str, language: str, transport: str | None = None
) -> None:
    """Send one confirmation now; ``SendError`` when the server did not take it."""
    mail_from, data = confirmation_message(config, to=to, name=name, link=link, language=language)
    factory = transport_factory(transport or config.table("send")["transport"], config)
    started = time.monotonic()
    with factory() as sender:
        outcome = sender.send([Envelope(mail_from, to, data)])[0]
    if outcome.status != SENT:
        raise SendError(
            f"the confirmation was not sent after {time.monotonic() - started:.1f}s: {outcome.text}"
        )
