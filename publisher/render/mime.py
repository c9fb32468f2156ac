"""The MIME body of an issue: multipart/alternative, text first, each part in its smallest encoding.

Gmail clips a message at about 102 KB of *encoded* source, and Vietnamese text grows about
threefold under quoted-printable, so the transfer encoding is chosen by measuring, not by habit.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage

# RFC 5322: lines of at most 998 octets; 8bit bodies must respect it too.
MAX_LINE_OCTETS = 998
SMTP_POLICY = policy.SMTP.clone(max_line_length=78)


def _fits_8bit(body: str) -> bool:
    return all(len(line.encode("utf-8")) <= MAX_LINE_OCTETS for line in body.split("\n"))


def _part(body: str, subtype: str, cte: str) -> EmailMessage:
    # An EmailMessage rather than a bare MIMEPart: that is the type attach() is declared with.
    part = EmailMessage(policy=SMTP_POLICY)
    part.set_content(body, subtype=subtype, charset="utf-8", cte=cte)
    return part


def encode_part(body: str, subtype: str, *, eight_bit: bool) -> EmailMessage:
    """A text/<subtype> part in the encoding that gives the fewest bytes.

    ``eight_bit`` says whether the receiving server offered 8BITMIME; without it only
    quoted-printable and base64 are allowed.
    """
    body = body.replace("\r\n", "\n")
    if body.isascii() and _fits_8bit(body):
        return _part(body, subtype, "7bit")
    if eight_bit and _fits_8bit(body):
        return _part(body, subtype, "8bit")
    candidates = [_part(body, subtype, cte) for cte in ("quoted-printable", "base64")]
    return min(candidates, key=lambda p: len(p.as_bytes(policy=SMTP_POLICY)))


def alternative(text: str, html: str, *, eight_bit: bool = True) -> EmailMessage:
    """multipart/alternative with the plain text first and the HTML last (RFC 2046 order)."""
    message = EmailMessage(policy=SMTP_POLICY)
    message.make_alternative()
    message.attach(encode_part(text, "plain", eight_bit=eight_bit))
    message.attach(encode_part(html, "html", eight_bit=eight_bit))
    return message


def encoded_size(text: str, html: str, *, eight_bit: bool = True) -> int:
    """Bytes of the message body as sent (headers excluded), for size checks and manifests."""
    return len(alternative(text, html, eight_bit=eight_bit).as_bytes(policy=SMTP_POLICY))
