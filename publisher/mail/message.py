"""Messages: compiled once per issue, filled per recipient by string substitution.

The email package chooses each part's transfer encoding once (``mime.encode_part``) and its
output is the reference the tests compare against; per recipient only the three tokens are
filled and the bytes are produced directly, because re-running the email package for every
subscriber would cost more than talking SMTP.
"""

from __future__ import annotations

import binascii
import hashlib
import html
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from publisher.config import Config
from publisher.errors import ConfigError
from publisher.mail.built import BuiltIssue
from publisher.mail.dkim import DkimSettings, Signer, body_hash, canonical_piece
from publisher.mail.headers import HeaderError, address, check, then, unstructured
from publisher.model import TOKENS
from publisher.render.mime import MAX_LINE_OCTETS, encode_part

# The greeting for a subscriber whose name is unknown: "Xin chào bạn", "Hello there".
NAME_FALLBACK = {"vi": "bạn", "en": "there"}
# Languages whose names give the family name first: the given name is the last word.
FAMILY_FIRST = ("vi", "zh", "ja", "ko", "hu")
ONE_CLICK = "List-Unsubscribe=One-Click"
_TOKEN_RE = re.compile("(" + "|".join(re.escape(t) for t in TOKENS) + ")")


@dataclass(frozen=True)
class Recipient:
    """Who one message goes to; ``token`` is the subscriber's unsubscribe token."""

    email: str
    name: str = ""
    token: str = ""
    language: str = ""  # the subscriber's, when known (how their name is ordered)


def given_name(name: str, language: str) -> str:
    """What a greeting calls someone: "Nguyễn Văn An" → "An" (vi), "Jane Smith" → "Jane"."""
    words = name.split()
    if not words:
        return ""
    return words[-1] if language.partition("-")[0].lower() in FAMILY_FIRST else words[0]


def unsubscribe_link(config: Config) -> str:
    """The unsubscribe link of every message, ``{token}`` the subscriber's."""
    url = config.table("send")["unsubscribe_url"].strip()
    base = config.table("web")["base_url"]
    if not url and base:
        url = f"{base}unsubscribe/{{token}}"  # the page of ``publisher serve``
    # Their form was checked when publisher.toml was read; sending needs the link itself.
    if not url:
        raise ConfigError(
            "invalid [send] settings",
            problems=[
                "web.base_url: required (where `publisher serve` answers), or"
                " send.unsubscribe_url, e.g. https://example.org/unsubscribe/{token}"
            ],
        )
    return url


@dataclass(frozen=True)
class MessageSettings:
    """The ``[send]`` values messages need: unsubscribe link templates, name fallback."""

    unsubscribe_url: str
    unsubscribe_mailto: str = ""
    name_fallback: str = ""
    dkim: DkimSettings | None = None  # sign every message with these keys
    return_path: str = ""  # the envelope sender, {token} the subscriber's ("" = From)

    @classmethod
    def from_config(cls, config: Config) -> MessageSettings:
        """Read and check ``[send]``; ``ConfigError`` lists every problem."""
        table = config.table("send")
        url, mailto = unsubscribe_link(config), table["unsubscribe_mailto"].strip()
        if mailto and "{token}" not in mailto and "?" not in mailto:
            mailto += "?subject=unsubscribe%20{token}"
        if mailto and not mailto.startswith("mailto:"):
            mailto = "mailto:" + mailto
        dkim = DkimSettings.from_config(config)
        return cls(url, mailto, table["name_fallback"], dkim, table["return_path"])


def _quoted_printable(data: bytes) -> bytes:
    return binascii.b2a_qp(data, istext=True)


def _base64(data: bytes) -> bytes:
    encoded = binascii.b2a_base64(data, newline=False)
    return b"\n".join([encoded[i : i + 76] for i in range(0, len(encoded), 76)]) + b"\n"


def _qp_segment(data: bytes) -> bytes:
    """A piece of a quoted-printable body, ending in a soft line break unless in a newline.

    Pieces encoded apart and joined are valid quoted-printable: the soft break ("=" CRLF)
    keeps every line short and decodes to nothing.
    """
    if not data:
        return b""
    encoded = binascii.b2a_qp(data, istext=True).replace(b"\n", b"\r\n")
    return encoded if data.endswith(b"\n") else encoded + b"=\r\n"


class _Part:
    """One text part as literal pieces around token slots, with its transfer encoding chosen."""

    def __init__(self, body: str, subtype: str, *, eight_bit: bool):
        body = body.replace("\r\n", "\n")
        if not body.endswith("\n"):
            body += "\n"
        self.eight_bit = eight_bit
        self.cte = str(encode_part(body, subtype, eight_bit=eight_bit)["Content-Transfer-Encoding"])
        pieces = _TOKEN_RE.split(body)
        self.literals = pieces[0::2]
        self.slots = [TOKENS.index(t) for t in pieces[1::2]]
        self.crlf_literals = [p.replace("\n", "\r\n").encode("utf-8") for p in self.literals]
        # Quoted-printable literals are encoded once too; each starts a line (see _qp_segment).
        self.qp_literals = [_qp_segment(p.encode("utf-8")) for p in self.literals]
        self.headers = {
            cte: f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
            f"Content-Transfer-Encoding: {cte}\r\n\r\n".encode("ascii")
            for cte in ("7bit", "8bit", "quoted-printable", "base64")
        }
        self.slack = self._slack(body)
        self._canonical: dict[str, list[bytes]] = {}  # literals canonicalised for DKIM, once

    def _slack(self, body: str) -> int:
        """The longest value (in bytes) every token can take before a line passes 998 octets."""
        slack = MAX_LINE_OCTETS
        for line in body.split("\n"):
            count = len(_TOKEN_RE.findall(line))
            if count:
                rest = len(_TOKEN_RE.sub("", line).encode("utf-8"))
                slack = min(slack, (MAX_LINE_OCTETS - rest) // count)
        return slack

    def _encoding(self, values: tuple[bytes, ...]) -> str:
        """The part's encoding, unless these values would break its 7bit/8bit promise."""
        cte = self.cte
        if cte not in ("7bit", "8bit") or not self.slots:
            return cte
        if max(len(v) for v in values) > self.slack:
            return "quoted-printable"
        if cte == "7bit" and not all(v.isascii() for v in values):
            return "8bit" if self.eight_bit else "quoted-printable"
        return cte

    def _canonical_literals(self, kind: str) -> list[bytes]:
        found = self._canonical.get(kind)
        if found is None:
            source = self.qp_literals if kind == "qp" else self.crlf_literals
            found = self._canonical[kind] = [canonical_piece(p) for p in source]
        return found

    def render(self, values: tuple[bytes, ...], canonical: list[bytes] | None = None) -> bytes:
        """Headers and encoded body of this part with the values filled in.

        ``canonical``: for a DKIM body hash, the part's pieces canonicalised are added to it
        (the literals' made once).
        """
        cte = self._encoding(values)
        if cte == "quoted-printable" and self.cte == cte:
            literals, kind = self.qp_literals, "qp"
            filled = [_qp_segment(values[slot].replace(b"\r\n", b"\n")) for slot in self.slots]
        elif cte in ("7bit", "8bit"):
            literals, kind = self.crlf_literals, "crlf"
            filled = [values[slot] for slot in self.slots]
        else:  # the values do not fit the part's encoding: the whole part is encoded again
            out = [self.crlf_literals[0]]
            for i, slot in enumerate(self.slots):
                out += [values[slot], self.crlf_literals[i + 1]]
            data = b"".join(out).replace(b"\r\n", b"\n")
            encode = _base64 if cte == "base64" else _quoted_printable
            body = self.headers[cte] + encode(data).replace(b"\n", b"\r\n")
            if canonical is not None:
                canonical.append(canonical_piece(body))
            return body
        pieces = [literals[0]]
        for i, value in enumerate(filled):
            pieces += [value, literals[i + 1]]
        if canonical is not None:
            canonical.append(self.headers[cte])  # canonical as written
            done = self._canonical_literals(kind)
            canonical.append(done[0])
            for i, value in enumerate(filled):
                canonical += [canonical_piece(value), done[i + 1]]
        return self.headers[cte] + b"".join(pieces)


class CompiledMessage:
    """An issue's message with everything but the recipient's values prepared once."""

    def __init__(
        self, built: BuiltIssue, settings: MessageSettings, *, eight_bit: bool, test: bool = False,
        unsigned: tuple[str, ...] = (),
    ):  # fmt: skip
        """``unsigned``: header fields a DKIM signature must not cover (the transport's)."""
        self.slug = built.slug
        self.settings = settings
        self.test = test
        sender = built.sender
        self.envelope_from = check("From", sender["from_email"])
        self.domain = self.envelope_from.rpartition("@")[2] or "localhost"
        self.language = built.language
        self.fallback = settings.name_fallback or NAME_FALLBACK.get(built.language, "")
        subject = ("[TEST] " if test else "") + built.subject
        list_id = check("List-Id", str(built.issue.get("list_id") or "")) or (
            self.envelope_from.replace("@", ".")
        )
        list_name = sender.get("organisation") or sender.get("from_name") or ""
        self.text = _Part(built.text, "plain", eight_bit=eight_bit)
        self.html = _Part(built.html, "html", eight_bit=eight_bit)
        digest = hashlib.sha256((built.text + built.html).encode("utf-8")).hexdigest()
        self.boundary = f"=_publisher_{digest[:24]}"
        self._from = "From: " + address("From", sender.get("from_name", ""), self.envelope_from)
        self._subject = "Subject: " + unstructured("Subject", subject)
        middle = []
        if sender.get("reply_to"):
            middle.append("Reply-To: " + address("Reply-To", "", sender["reply_to"]))
        listed = f"<{list_id}>"
        middle.append(
            "List-Id: "
            + (then(unstructured("List-Id", list_name), listed) if list_name else listed)
        )
        self._middle = "\r\n".join(middle)
        self._fixed_head = (
            f"List-Unsubscribe-Post: {ONE_CLICK}\r\nMIME-Version: 1.0\r\n"
            f'Content-Type: multipart/alternative;\r\n boundary="{self.boundary}"\r\n'
        )
        self._start = f"\r\n--{self.boundary}\r\n".encode("ascii")  # the body's first line
        self._tail = self._fixed_head.encode("ascii") + self._start
        self._between = f"\r\n--{self.boundary}\r\n".encode("ascii")
        self._end = f"\r\n--{self.boundary}--\r\n".encode("ascii")
        self._date_second, self._date = 0, ""
        self.signer: Signer | None = None
        if settings.dkim is not None:
            settings.dkim.check_aligned(self.envelope_from)
            self.signer = Signer(settings.dkim, unsigned=unsigned)
        # The fields every recipient's message shares; ``render`` makes the others.
        self._signed_fixed = f"{self._from}\r\n{self._subject}\r\n{self._middle}\r\n"
        self._signed_fixed += self._fixed_head

    def message_id(self, email: str) -> str:
        """``<hash@domain>`` from issue and recipient: the same on every retry of one message."""
        key = f"{self.slug}\n{email.lower()}"
        if self.test:
            key += f"\ntest {time.time_ns()}"
        return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{self.domain}>"

    def mail_from(self, recipient: Recipient) -> str:
        """The envelope sender for one recipient: ``[send] return_path`` with their token
        (VERP: a bounce to it names its subscriber), else the From address."""
        if not self.settings.return_path:
            return self.envelope_from
        return self.settings.return_path.replace("{token}", check("token", recipient.token))

    def unsubscribe_url(self, token: str) -> str:
        return self.settings.unsubscribe_url.replace("{token}", token)

    def _now(self) -> str:
        second = int(time.time())
        if second != self._date_second:
            self._date = format_datetime(datetime.fromtimestamp(second, UTC))
            self._date_second = second
        return self._date

    def render(self, recipient: Recipient) -> bytes:
        """The whole message for one recipient, CRLF line endings."""
        email, token = recipient.email, check("token", recipient.token)
        to = address("To", recipient.name, email)
        url = self.unsubscribe_url(token)
        unsubscribe = f"<{url}>"
        if self.settings.unsubscribe_mailto:
            unsubscribe += f",\r\n <{self.settings.unsubscribe_mailto.replace('{token}', token)}>"
        message_id = self.message_id(email)
        head = (
            f"Date: {self._now()}\r\n{self._from}\r\nTo: {to}\r\n{self._subject}\r\n"
            f"Message-ID: {message_id}\r\n{self._middle}\r\n"
            f"List-Unsubscribe: {unsubscribe}\r\n"
        )
        name = given_name(recipient.name, recipient.language or self.language) or self.fallback
        if self.boundary in name:
            raise HeaderError("the recipient's name contains the MIME boundary")
        plain = (name.encode("utf-8"), email.encode("ascii"), url.encode("ascii"))
        escaped = tuple(html.escape(v, quote=True).encode("utf-8") for v in (name, email, url))
        if self.signer is None:
            return b"".join(
                (
                    head.encode("ascii"),
                    self._tail,
                    self.text.render(plain),
                    self._between,
                    self.html.render(escaped),
                    self._end,
                )
            )
        canonical = [self._start[2:]]  # the body starts after the blank line
        text = self.text.render(plain, canonical)
        canonical.append(self._between)
        rich = self.html.render(escaped, canonical)
        canonical.append(self._end)
        varying = (
            f"Date: {self._date}\r\nTo: {to}\r\nMessage-ID: {message_id}\r\n"
            f"List-Unsubscribe: {unsubscribe}\r\n"
        )
        signature = self.signer.fields(
            varying, body_hash(canonical), self._date_second, fixed=self._signed_fixed
        )
        return b"".join(
            (signature, head.encode("ascii"), self._tail, text, self._between, rich, self._end)
        )
