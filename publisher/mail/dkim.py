"""DKIM signatures (RFC 6376): relaxed/relaxed, ``rsa-sha256`` and ``ed25519-sha256`` (RFC 8463).

The signature is made here rather than by dkimpy, whose signing canonicalises the whole message
with regular expressions and computes RSA in Python: about 10 ms a message, a hundred times
the rest of sending one. The cryptography is the ``cryptography`` package's (OpenSSL, which
also lets other sending threads run while it signs). What is ours is the text DKIM signs, and
it is checked by an independent verifier (dkimpy's) in the tests.

Bodies are canonicalised piece by piece: the literal pieces of a compiled message once, the
recipient's values per message, and the joins between them fixed (``body_hash``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from publisher.config import Config
from publisher.errors import ConfigError

ENV_KEY = "PUBLISHER_DKIM_PRIVATE_KEY"
ENV_ED25519_KEY = "PUBLISHER_DKIM_ED25519_PRIVATE_KEY"
# What the signature covers (RFC 8058 wants List-Unsubscribe and List-Unsubscribe-Post among
# them), in this order; a header the message lacks is left out.
SIGNED = (
    "From", "To", "Subject", "Date", "Message-ID", "Reply-To", "List-Id", "List-Unsubscribe",
    "List-Unsubscribe-Post", "MIME-Version", "Content-Type",
)  # fmt: skip
# Named once more in h=: a second copy of one of them added on the way breaks the signature.
OVERSIGNED = ("From", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post")
MIN_RSA_BITS = 2048
_WSP = re.compile(rb"[ \t]+")
_WSP_TEXT = re.compile(r"[ \t]+")
_FOLD = re.compile(r"\r\n(?=[ \t])")
_FIELD_END = re.compile(r"\r\n(?![ \t])")
SELECTOR = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*$")


def canonical_piece(data: bytes) -> bytes:
    """Relaxed body canonicalisation of a piece of a body (the joins are ``body_hash``'s)."""
    if b"  " in data or b"\t" in data:
        data = _WSP.sub(b" ", data)
    return data.replace(b" \r\n", b"\r\n")


def canonical_body(data: bytes) -> bytes:
    """Relaxed body canonicalisation of a whole body (RFC 6376 3.4.4)."""
    data = canonical_piece(data).rstrip(b"\r\n")
    return data + b"\r\n" if data else b""


def body_hash(pieces: Iterable[bytes]) -> bytes:
    """SHA-256 of the canonical body made of canonical pieces, in order.

    Each piece is canonical on its own; joined, a space ending one and a space or a line end
    starting the next are what relaxed canonicalisation would have removed. The body must end
    in one line break (a message's closing MIME boundary does).
    """
    digest = hashlib.sha256()
    last = b""
    for piece in pieces:
        if last.endswith(b" "):
            if piece.startswith(b" "):
                piece = piece[1:]
            if piece.startswith(b"\r\n"):
                last = last[:-1]
        if not piece:
            continue
        digest.update(last)
        last = piece
    digest.update(last)
    return digest.digest()


def canonical_header(field: str) -> str:
    """Relaxed header canonicalisation of one ``Name: value`` field (no line break at the end)."""
    if "\r\n" in field or "\t" in field or "  " in field:
        field = _WSP_TEXT.sub(" ", _FOLD.sub("", field))
    name, _, value = field.partition(":")
    return f"{name.strip().lower()}:{value.strip(' ')}"


def _canonical_fields(head: str) -> dict[str, str]:
    """Each field of a header block by its lower-case name, canonical (the first of a name)."""
    found: dict[str, str] = {}
    for field in _FIELD_END.split(head.rstrip("\r\n")) if head else ():
        name = field.partition(":")[0].strip().lower()
        found.setdefault(name, canonical_header(field))
    return found


@dataclass(frozen=True)
class DkimKey:
    """One private key and the selector its public key is published under."""

    selector: str
    private: Any  # an RSA or Ed25519 private key of the cryptography package

    @cached_property  # asked for every message signed
    def kind(self) -> str:
        from cryptography.hazmat.primitives.asymmetric import ed25519

        return "ed25519" if isinstance(self.private, ed25519.Ed25519PrivateKey) else "rsa"

    @cached_property
    def algorithm(self) -> str:
        return f"{self.kind}-sha256"

    def sign(self, data: bytes) -> bytes:
        if self.kind == "ed25519":
            # RFC 8463: Ed25519 signs the SHA-256 hash of the data, as RSA's PKCS#1 does.
            return bytes(self.private.sign(hashlib.sha256(data).digest()))
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        return bytes(self.private.sign(data, padding.PKCS1v15(), hashes.SHA256()))

    def public_record(self) -> str:
        """The TXT record to publish at ``<selector>._domainkey.<domain>``."""
        return f"v=DKIM1; k={self.kind}; p={public_key_base64(self.private)}"


def public_key_base64(private: Any) -> str:
    """The p= value: the raw key for Ed25519 (RFC 8463), SubjectPublicKeyInfo for RSA."""
    from cryptography.hazmat.primitives import serialization

    public = private.public_key()
    if hasattr(public, "public_bytes_raw"):  # Ed25519
        data = public.public_bytes_raw()
    else:
        data = public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    return base64.b64encode(data).decode("ascii")


def load_key(pem: bytes, selector: str, where: str, *, ed25519_only: bool = False) -> DkimKey:
    """A private key from PEM text: RSA of 2048 bits or more, or Ed25519."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    try:
        private = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"not a PEM private key without a password: {exc}", where=where) from exc
    if isinstance(private, rsa.RSAPrivateKey) and not ed25519_only:
        if private.key_size < MIN_RSA_BITS:
            raise ConfigError(
                f"an RSA key of {private.key_size} bits: DKIM needs {MIN_RSA_BITS} or more",
                where=where,
            )
    elif not isinstance(private, ed25519.Ed25519PrivateKey):
        wanted = "an Ed25519 key" if ed25519_only else "an RSA or Ed25519 key"
        raise ConfigError(f"{wanted} is needed, not {type(private).__name__}", where=where)
    return DkimKey(selector, private)


@dataclass(frozen=True)
class DkimSettings:
    """``[dkim]``: the signing domain and one or two keys (RSA and/or Ed25519)."""

    domain: str
    keys: tuple[DkimKey, ...]

    @classmethod
    def from_config(
        cls, config: Config, environ: Mapping[str, str] = os.environ
    ) -> DkimSettings | None:
        """The settings, keys loaded; ``None`` when ``[dkim] domain`` is not set (no signing)."""
        table = config.table("dkim")
        domain = table["domain"].strip().lower().rstrip(".")
        if not domain:
            return None
        keys, problems = [], []
        pairs = (
            ("selector", "key_file", ENV_KEY, False),
            ("ed25519_selector", "ed25519_key_file", ENV_ED25519_KEY, True),
        )
        for selector_key, file_key, env, ed25519_only in pairs:
            selector, path = table[selector_key].strip(), table[file_key].strip()
            pem = environ.get(env, "").encode("ascii", "replace")
            if not selector and not path and not pem:
                continue
            if not SELECTOR.match(selector):
                problems.append(
                    f"dkim.{selector_key}: {selector!r} is not a selector like news2026"
                )
                continue
            where = env if pem else f"dkim.{file_key}"
            if not pem:
                if not path:
                    problems.append(
                        f"dkim.{file_key}: required with dkim.{selector_key} (or {env})"
                    )
                    continue
                file = config.project / path
                where = str(file)
                try:
                    pem = file.read_bytes()
                except OSError as exc:
                    problems.append(f"dkim.{file_key}: cannot read {file}: {exc.strerror}")
                    continue
            try:
                keys.append(load_key(pem, selector, where, ed25519_only=ed25519_only))
            except ConfigError as exc:
                problems.append(f"dkim.{file_key}: {exc}")
        if not keys and not problems:
            problems.append(
                f"dkim.selector and dkim.key_file (or {ENV_KEY}): required with dkim.domain"
            )
        if problems:
            raise ConfigError("invalid [dkim] settings", problems=problems)
        return cls(domain, tuple(keys))

    def check_aligned(self, from_email: str) -> None:
        """DMARC passes on DKIM only when d= shares the From domain's organisational domain."""
        problem = alignment_problem(self.domain, from_email)
        if problem:
            raise ConfigError("invalid [dkim] settings", problems=[f"dkim.domain: {problem}"])


def alignment_problem(domain: str, from_email: str) -> str | None:
    """Why d=``domain`` does not align with the From address (relaxed alignment), or None."""
    sender = from_email.rpartition("@")[2].lower().rstrip(".")
    if sender == domain or sender.endswith("." + domain) or domain.endswith("." + sender):
        return None
    return (
        f"{domain} does not align with the From address's domain {sender}: DMARC needs the"
        " signing domain to be the From domain or share its organisational domain"
    )


class Signer:
    """Makes the DKIM-Signature fields of messages, one per key."""

    def __init__(self, settings: DkimSettings, *, unsigned: tuple[str, ...] = ()):
        self.settings = settings
        self.signed = tuple(n for n in SIGNED if n not in unsigned)
        # The header fields every message of an issue shares, canonicalised once.
        self._fixed: dict[str, dict[str, str]] = {}
        self._h: dict[tuple[str, ...], tuple[str, str]] = {}

    def fields(self, head: str, digest: bytes, now: int, fixed: str = "") -> bytes:
        """The DKIM-Signature fields (CRLF-ended) for a message's header fields and body hash.

        ``fixed``: fields that are the same in many messages (their canonical forms are kept);
        ``head``: the others.
        """
        present = self._fixed.get(fixed)
        if present is None:
            present = self._fixed[fixed] = _canonical_fields(fixed)
            if len(self._fixed) > 8:  # one issue's messages share a few; never a growing heap
                self._fixed.clear()
        present = {**present, **_canonical_fields(head)}
        names = tuple(n for n in self.signed if n.lower() in present)
        found = self._h.get(names)
        if found is None:
            listed = [n.lower() for n in (*names, *(n for n in OVERSIGNED if n in names))]
            folded = _fold_list(listed)
            found = self._h[names] = (folded, folded.replace("\r\n ", " "))
        h, h_canonical = found
        signed = "".join(present[n.lower()] + "\r\n" for n in names)
        bh = base64.b64encode(digest).decode("ascii")
        out = []
        for key in self.settings.keys:
            # Written folded; its canonical form is the same with each fold a single space.
            tags = (
                f"v=1; a={key.algorithm}; c=relaxed/relaxed; d={self.settings.domain};"
                f" s={key.selector};", f" t={now}; h=", ";", f" bh={bh};", " b="
            )  # fmt: skip
            canonical = f"dkim-signature:{tags[0]}{tags[1]}{h_canonical}{tags[2]}{tags[3]}{tags[4]}"
            signature = key.sign((signed + canonical).encode("utf-8"))
            value = base64.b64encode(signature).decode("ascii")
            out.append(
                f"DKIM-Signature: {tags[0]}\r\n{tags[1]}{h}{tags[2]}\r\n{tags[3]}\r\n{tags[4]}"
                f"{_fold_base64(value)}\r\n"
            )
        return "".join(out).encode("utf-8")

    def sign(self, message: bytes) -> bytes:
        """A whole message (CRLF line ends) with its DKIM-Signature fields at the top."""
        head, _, body = message.partition(b"\r\n\r\n")
        digest = hashlib.sha256(canonical_body(body)).digest()
        fields = self.fields(head.decode("ascii"), digest, int(time.time()))
        return fields + message


def _fold_list(names: list[str], width: int = 66) -> str:
    """``a:b:c`` folded after a colon before a line grows past ``width`` (FWS is allowed)."""
    lines, line = [], ""
    for name in names:
        if line and len(line) + len(name) + 1 > width:
            lines.append(line + ":")
            line = name
        else:
            line = f"{line}:{name}" if line else name
    return "\r\n ".join([*lines, line])


def _fold_base64(value: str, width: int = 72) -> str:
    return "\r\n ".join(value[i : i + width] for i in range(0, len(value), width))


def write_key_pair(
    folder: Path, selector: str, kind: str, bits: int = MIN_RSA_BITS
) -> tuple[Path, DkimKey]:
    """A new private key in ``folder/<selector>.private.pem`` (mode 0600) and its public key
    beside it (``.public.pem``); never overwrites either."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    private: Any = (
        ed25519.Ed25519PrivateKey.generate()
        if kind == "ed25519"
        else rsa.generate_private_key(public_exponent=65537, key_size=bits)
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{selector}.private.pem"
    for target, data, mode in (
        (path, pem, 0o600),
        (folder / f"{selector}.public.pem", public, 0o644),
    ):
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    return path, DkimKey(selector, private)
