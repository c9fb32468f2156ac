"""``send_test_copy``: a ``[TEST]`` copy of a built issue to a few addresses, outside the ledger."""

from __future__ import annotations

from collections.abc import Sequence

from publisher.audience.listfile import normalise_email
from publisher.audience.migrations import open_store
from publisher.audience.subscribers import SubscriberList
from publisher.config import Config
from publisher.errors import SendError
from publisher.mail.built import check_current, load_built_issue
from publisher.mail.editions import EditionMessages
from publisher.mail.message import MessageSettings, Recipient
from publisher.mail.transports import Envelope, Outcome, transport_factory


def send_test_copy(
    config: Config, issue: str, addresses: Sequence[str], transport: str
) -> list[Outcome]:
    """Send a ``[TEST]`` copy to these addresses only; the ledger is not touched."""
    built = load_built_issue(config, issue)
    check_current(config, built)
    settings = MessageSettings.from_config(config)
    recipients = []
    with open_store(config) as store:
        subscribers = SubscriberList(store)
        for address in addresses:
            try:
                email = normalise_email(address)
            except ValueError as exc:
                raise SendError(str(exc)) from None
            known = subscribers.get(email)
            name, language = (known.name, known.language) if known else ("", "")
            recipients.append(Recipient(email, name, "test-send-token", language))
    outcomes = []
    with transport_factory(transport, config)() as sender:
        messages = EditionMessages(
            built, settings, eight_bit=sender.eight_bit, test=True,
            unsigned=sender.unsigned_headers,
        )  # fmt: skip
        for recipient in recipients:
            message = messages.choose(recipient)  # the edition a subscriber would get
            data = message.render(recipient)
            envelope = Envelope(message.mail_from(recipient), recipient.email, data)
            outcomes += sender.send([envelope])
    return outcomes
