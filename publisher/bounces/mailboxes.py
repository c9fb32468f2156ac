"""The mailboxes bounces arrive in: a Maildir folder, or a folder on an IMAP server.

Both give each message with a key, and move a processed one into a folder (created when
missing); nothing is ever deleted. The IMAP password comes only from
``PUBLISHER_IMAP_PASSWORD``; the connection is TLS (``imaps://``, or STARTTLS for ``imap://``),
never a login in clear.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import imaplib
import os
import ssl
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from urllib.parse import unquote, urlsplit

from publisher.errors import InputError

ENV_PASSWORD = "PUBLISHER_IMAP_PASSWORD"


def _parse(data: bytes) -> Message:
    return email.message_from_bytes(data, policy=email.policy.compat32)


class MaildirBox:
    """A Maildir (``new/`` and ``cur/``); processed messages go to its ``.<folder>`` (Maildir++)."""

    def __init__(self, path: Path, folder: str):
        self.path = path
        self.target = path / f".{folder}"
        if not (path / "cur").is_dir() and not (path / "new").is_dir():
            raise InputError("not a Maildir (no cur/ or new/ folder)", where=str(path))

    def messages(self) -> Iterator[tuple[str, Message]]:
        for sub in ("new", "cur"):
            folder = self.path / sub
            if not folder.is_dir():
                continue
            for file in sorted(folder.iterdir()):
                if file.is_file() and not file.name.startswith("."):
                    try:
                        data = file.read_bytes()
                    except OSError as exc:
                        raise InputError(f"cannot read: {exc.strerror}", where=str(file)) from exc
                    yield str(file), _parse(data)

    def processed(self, key: str) -> None:
        """Move the message into the processed folder, keeping its name (and flags)."""
        source = Path(key)
        for sub in ("tmp", "new", "cur"):
            (self.target / sub).mkdir(parents=True, exist_ok=True)
        name = source.name if ":2," in source.name else f"{source.name}:2,S"
        os.replace(source, self.target / "cur" / name)  # atomic on one file system

    def close(self) -> None:
        pass


class ImapBox:
    """A folder on an IMAP server, ``imaps://USER@HOST[:PORT]/FOLDER``; processed messages are
    moved (RFC 6851 MOVE, else COPY then flag and expunge that one message)."""

    def __init__(self, url: str, folder: str, *, timeout: float = 30.0):
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
            raise InputError("not an IMAP URL like imaps://user@host/INBOX", where=url)
        self.where = f"{parts.scheme}://{parts.username}@{parts.hostname}"
        self.mailbox = unquote(parts.path.lstrip("/")) or "INBOX"
        self.target = folder
        password = os.environ.get(ENV_PASSWORD)
        if not password:
            raise InputError(f"set {ENV_PASSWORD}: the IMAP password", where=self.where)
        context = ssl.create_default_context()
        try:
            if parts.scheme == "imaps":
                self.conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    parts.hostname, parts.port or 993, ssl_context=context, timeout=timeout
                )
            else:
                self.conn = imaplib.IMAP4(parts.hostname, parts.port or 143, timeout=timeout)
                self.conn.starttls(ssl_context=context)
            self.conn.login(unquote(parts.username), password)
            status, _ = self.conn.select(_quote(self.mailbox))
            if status != "OK":
                raise InputError(f"no folder {self.mailbox!r}", where=self.where)
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            raise InputError(f"IMAP: {exc}", where=self.where) from exc
        self._moves = b"MOVE" in b" ".join(self._capabilities())
        self._created = False  # the processed folder, made (or found) at the first move

    def _capabilities(self) -> list[bytes]:
        status, data = self.conn.capability()
        return [d for d in data if isinstance(d, bytes)] if status == "OK" else []

    def _uid(self, *args: str) -> tuple[str, list]:
        """One UID command; a dropped connection or a server error is an ``InputError``."""
        try:
            status, data = self.conn.uid(*args)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise InputError(f"IMAP {args[0]}: {exc}", where=self.where) from exc
        return status, list(data)

    def messages(self) -> Iterator[tuple[str, Message]]:
        status, data = self._uid("SEARCH", "ALL")
        if status != "OK":
            raise InputError(f"IMAP SEARCH failed: {data!r}", where=self.where)
        for uid in (data[0] or b"").decode("ascii").split():
            status, fetched = self._uid("FETCH", uid, "(BODY.PEEK[])")
            parts = [item for item in fetched if isinstance(item, tuple)]
            if status != "OK" or not parts:
                continue
            yield uid, _parse(parts[0][1])

    def processed(self, key: str) -> None:
        target = _quote(self.target)
        if not self._created:
            try:  # "already exists" is answered NO, and that is fine
                self.conn.create(target)
            except (OSError, imaplib.IMAP4.error) as exc:
                raise InputError(f"IMAP CREATE: {exc}", where=self.where) from exc
            self._created = True
        if self._moves:
            status, data = self._uid("MOVE", key, target)
        else:
            status, data = self._uid("COPY", key, target)
            if status == "OK":
                self._uid("STORE", key, "+FLAGS.SILENT", r"(\Deleted)")
                self._uid("EXPUNGE", key)
        if status != "OK":
            raise InputError(f"IMAP could not move message {key}: {data!r}", where=self.where)

    def close(self) -> None:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            self.conn.logout()


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
