"""A real IMAP server on loopback for tests: Debian's Dovecot, TLS only, one mailbox user."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from tests.parts import stop, unavailable
from tests.smtpserver import free_port

USER, PASSWORD = "bounces@news.example.org", "s3cret-imap"


def find_dovecot() -> str | None:
    installed = "/usr/sbin/dovecot"  # not on a user's PATH
    return shutil.which("dovecot") or (installed if os.access(installed, os.X_OK) else None)


class Dovecot:
    """``dovecot -F`` with a throwaway configuration and Maildir; ``url`` is its imaps URL."""

    def __init__(self, binary: str):
        import trustme

        self.binary = binary
        self.base = Path(tempfile.mkdtemp(prefix="publisher-imap-"))
        self.base.chmod(0o755)  # the mail user must reach its home
        self.port = free_port()
        self.url = f"imaps://{USER.replace('@', '%40')}@127.0.0.1:{self.port}/INBOX"
        authority = trustme.CA()
        cert = authority.issue_cert("127.0.0.1", "localhost")
        cert.private_key_pem.write_to_path(str(self.base / "key.pem"))
        cert.cert_chain_pems[0].write_to_path(str(self.base / "cert.pem"))
        authority.cert_pem.write_to_path(str(self.base / "ca.pem"))
        self.ca_file = str(self.base / "ca.pem")
        (self.base / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n", encoding="utf-8")
        home = self.base / "home"
        home.mkdir()
        for name in ("run", "state"):
            (self.base / name).mkdir()
        if os.geteuid() == 0:  # mail is never handled as root: Dovecot's rule
            user = pwd.getpwnam("nobody")
            os.chown(home, user.pw_uid, user.pw_gid)
            uid, gid, extra = user.pw_uid, user.pw_gid, []
        else:
            name = pwd.getpwuid(os.geteuid()).pw_name
            uid, gid = os.geteuid(), os.getegid()
            extra = [f"default_login_user = {name}", f"default_internal_user = {name}"]
        config = [
            "protocols = imap", "listen = 127.0.0.1",
            f"base_dir = {self.base}/run", f"state_dir = {self.base}/state",
            f"log_path = {self.base}/dovecot.log",
            "ssl = required", f"ssl_cert = <{self.base}/cert.pem",
            f"ssl_key = <{self.base}/key.pem", "disable_plaintext_auth = yes",
            "auth_mechanisms = plain login",
            "passdb {", "  driver = passwd-file",
            f"  args = scheme=PLAIN username_format=%u {self.base}/passwd", "}",
            "userdb {", "  driver = static", f"  args = uid={uid} gid={gid} home={home}/%u", "}",
            "mail_location = maildir:~/Maildir",
            "service imap-login {", "  chroot =",
            "  inet_listener imap {", "    port = 0", "  }",
            "  inet_listener imaps {", f"    port = {self.port}", "    ssl = yes", "  }", "}",
            "service anvil {", "  chroot =", "}",
            *extra,
        ]  # fmt: skip
        self.config = self.base / "dovecot.conf"
        self.config.write_text("\n".join(config) + "\n", encoding="utf-8")
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Dovecot:
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"dovecot stopped: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                assert time.monotonic() < deadline, f"dovecot does not answer: {self.log()}"
                time.sleep(0.05)

    def __exit__(self, *_: object) -> None:
        stop(self.process)
        shutil.rmtree(self.base, ignore_errors=True)

    def log(self) -> str:
        try:
            return (self.base / "dovecot.log").read_text(errors="replace")
        except OSError:
            return ""

    def client(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=self.ca_file)
        conn = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=context, timeout=10)
        conn.login(USER, PASSWORD)
        return conn

    def append(self, data: bytes, folder: str = "INBOX") -> None:
        conn = self.client()
        try:
            status, answer = conn.append(folder, None, None, data)
            assert status == "OK", answer
        finally:
            conn.logout()

    def subjects(self, folder: str) -> list[str]:
        """The Subject of each message in ``folder`` ([] when there is no such folder)."""
        conn = self.client()
        try:
            status, _ = conn.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            _, data = conn.search(None, "ALL")
            found = []
            for number in (data[0] or b"").split():
                _, parts = conn.fetch(number, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                found.append(parts[0][1].decode().partition(":")[2].strip())
            return sorted(found)
        finally:
            conn.logout()


def dovecot() -> Dovecot:
    """A ``Dovecot``; skipped (failed with ``CI`` set) when Dovecot is not installed."""
    binary = find_dovecot()
    if binary is None:
        unavailable("Dovecot is not installed (apt-get install dovecot-imapd)")
    return Dovecot(binary)
