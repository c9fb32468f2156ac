"""DKIM: every message signed, every signature checked by dkimpy against a real DNS server."""

from __future__ import annotations

import hashlib
from email import message_from_bytes, policy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher.mail.dkim import body_hash, canonical_body, canonical_piece, write_key_pair
from publisher.model import Subscriber
from tests.dnsserver import dns_server, txt
from tests.mailkit import add_subscribers, make_build, people, write_settings
from tests.smtpserver import RecordingHandler, SmtpServer

DOMAIN = "news.example.org"  # the From address of tests.mailkit's build


def verify_all(server, data: bytes) -> list[bool]:
    """dkimpy's verdict on each DKIM-Signature of the message, keys read from ``server``."""
    import dkim

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes:
        return "".join(server.resolve_txt(name.decode("ascii"))).encode("ascii")

    def verify(index: int) -> bool:
        try:
            return bool(dkim.DKIM(data).verify(idx=index, dnsfunc=dnsfunc))
        except dkim.ValidationError:  # a body hash that does not match, for one
            return False

    count = data.partition(b"\r\n\r\n")[0].lower().count(b"\r\ndkim-signature:")
    count += data.lower().startswith(b"dkim-signature:")
    return [verify(i) for i in range(count)]


@pytest.fixture
def keys(project):
    rsa_path, rsa = write_key_pair(project / ".dkim", "news2026", "rsa")
    ed_path, ed = write_key_pair(project / ".dkim", "news2026e", "ed25519")
    return {"rsa": (rsa_path, rsa), "ed25519": (ed_path, ed)}


def dkim_settings(keys, which: str) -> str:
    lines = ["[dkim]", f'domain = "{DOMAIN}"']
    if which in ("rsa", "both"):
        lines += ['selector = "news2026"', 'key_file = ".dkim/news2026.private.pem"']
    if which == "ed25519":
        lines += ['selector = "news2026e"', 'key_file = ".dkim/news2026e.private.pem"']
    if which == "both":
        lines += ['ed25519_selector = "news2026e"']
        lines += ['ed25519_key_file = ".dkim/news2026e.private.pem"']
    return "\n" + "\n".join(lines) + "\n"


def zone(keys) -> dict[str, list[str]]:
    return {
        DOMAIN: [
            f"{key.selector}._domainkey IN TXT {txt(key.public_record())}"
            for _, key in keys.values()
        ]
    }


@pytest.mark.parametrize("eight_bit", [True, False])
@pytest.mark.parametrize("which", ["rsa", "ed25519", "both"])
def test_every_message_is_signed_and_verifies(cli, project, keys, which, eight_bit):
    make_build(project)
    # Values whose spaces canonicalisation folds, next to the literal text around them.
    add_subscribers(
        project,
        [*people(3), Subscriber(email="khoang@example.org", name="  Lê   Văn\tAn  ")],
    )
    handler = RecordingHandler(eight_bit=eight_bit)
    with dns_server(zone(keys)) as dns, SmtpServer(handler) as smtp:
        write_settings(project, smtp.settings() + dkim_settings(keys, which))
        result = cli("send", "so-1", "--transport", "smtp", "--yes")
        assert result.exit_code == 0, result.output
        test_copy = cli("send", "so-1", "--transport", "smtp", "--to", "editor@example.org")
        assert test_copy.exit_code == 0, test_copy.output
        assert len(handler.messages) == 5
        expected = [True, True] if which == "both" else [True]
        for message in handler.messages:
            assert verify_all(dns, message.data) == expected
            parsed = message_from_bytes(message.data, policy=policy.default)
            signatures = parsed.get_all("DKIM-Signature")
            algorithms = sorted(s.split("a=")[1].split(";")[0] for s in signatures)
            wanted = {"rsa": ["rsa-sha256"], "ed25519": ["ed25519-sha256"]}
            assert algorithms == wanted.get(which, ["ed25519-sha256", "rsa-sha256"])
            tags = " ".join(signatures[0].split())
            assert "c=relaxed/relaxed" in tags and f"d={DOMAIN}" in tags
            for name in ("from", "to", "subject", "date", "message-id", "list-id",
                         "list-unsubscribe", "list-unsubscribe-post", "mime-version",
                         "content-type"):  # fmt: skip
                assert name in tags.split("h=")[1].split(";")[0].replace(" ", "").split(":")
        # Changed on the way, a message no longer verifies: its body, or a signed header.
        data = handler.messages[0].data
        end = data.rindex(b"\r\n--=_publisher_")
        body_changed = data[:end] + b"\r\nP.S. added on the way" + data[end:]
        assert body_changed != data
        assert verify_all(dns, body_changed) == [False] * len(expected)
        header_changed = data.replace(b"List-Unsubscribe: <https://", b"List-Unsubscribe: <http://")
        assert verify_all(dns, header_changed) == [False] * len(expected)


def test_a_misaligned_domain_a_short_key_and_a_missing_key_are_refused(cli, project, tmp_path):
    make_build(project)
    add_subscribers(project, people(1))
    write_key_pair(project / ".dkim", "news", "rsa")
    settings = '\n[dkim]\ndomain = "{domain}"\nselector = "news"\nkey_file = "{key}"\n'
    write_settings(project, settings.format(domain="example.net", key=".dkim/news.private.pem"))
    result = cli("send", "so-1", "--transport", "memory", "--yes")
    assert result.exit_code == 3
    assert "example.net does not align with the From address's domain news.example.org" in (
        result.stderr
    )
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    (tmp_path / "short.pem").write_bytes(
        short.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    write_settings(project, settings.format(domain=DOMAIN, key=str(tmp_path / "short.pem")))
    result = cli("send", "so-1", "--transport", "memory", "--yes")
    assert result.exit_code == 3 and "an RSA key of 1024 bits: DKIM needs 2048" in result.stderr
    write_settings(project, settings.format(domain=DOMAIN, key="nowhere.pem"))
    result = cli("send", "so-1", "--transport", "memory", "--yes")
    assert result.exit_code == 3 and "dkim.key_file: cannot read" in result.stderr
    assert "Traceback" not in result.output


def test_the_key_can_come_from_the_environment(cli, project, keys, monkeypatch):
    make_build(project)
    add_subscribers(project, people(2))
    path, _ = keys["rsa"]
    monkeypatch.setenv("PUBLISHER_DKIM_PRIVATE_KEY", path.read_text(encoding="ascii"))
    path.unlink()  # only the environment has it now
    handler = RecordingHandler()
    with dns_server(zone(keys)) as dns, SmtpServer(handler) as smtp:
        write_settings(
            project, smtp.settings() + f'\n[dkim]\ndomain = "{DOMAIN}"\nselector = "news2026"\n'
        )
        result = cli("send", "so-1", "--transport", "smtp", "--yes")
        assert result.exit_code == 0, result.output
        assert [verify_all(dns, m.data) for m in handler.messages] == [[True], [True]]


_PIECE = st.lists(st.sampled_from([b"a", b"b", b" ", b"\t", b"  ", b"\r\n", b"=", b"\xc3\xa2"]))


@given(st.lists(_PIECE.map(b"".join), max_size=12))
def test_a_body_hashed_in_pieces_is_the_body_hashed_whole(pieces):
    body = b"".join(pieces) + b"\r\n--end--\r\n"
    whole = hashlib.sha256(canonical_body(body)).digest()
    assert body_hash([canonical_piece(p) for p in [*pieces, b"\r\n--end--\r\n"]]) == whole


def test_keygen_writes_a_key_and_the_record_that_verifies_it(cli, project):
    make_build(project)
    add_subscribers(project, people(1))
    records, settings = [], ""
    for selector, algorithm in (("news2026", "rsa"), ("news2026e", "ed25519")):
        result = cli("dkim", "keygen", "--selector", selector, "--algorithm", algorithm,
                     "--domain", DOMAIN)  # fmt: skip
        assert result.exit_code == 0, result.output
        key = project / ".dkim" / f"{selector}.private.pem"
        assert key.stat().st_mode & 0o777 == 0o600
        assert (
            key.with_name(f"{selector}.public.pem")
            .read_bytes()
            .startswith(b"-----BEGIN PUBLIC KEY-----")
        )
        record = result.stdout.strip()
        assert record.startswith(f"{selector}._domainkey.{DOMAIN}. IN TXT (")
        assert f"k={algorithm}" in record
        records.append(record)
        settings += result.stderr.split("[dkim]\n")[1].split(f'domain = "{DOMAIN}"\n')[1] + "\n"
        again = cli("dkim", "keygen", "--selector", selector, "--domain", DOMAIN)
        assert again.exit_code == 3 and "exists already: nothing was written" in again.stderr
        assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    handler = RecordingHandler()
    with dns_server({DOMAIN: records}) as dns, SmtpServer(handler) as smtp:
        write_settings(project, smtp.settings() + f'\n[dkim]\ndomain = "{DOMAIN}"\n' + settings)
        result = cli("send", "so-1", "--transport", "smtp", "--yes")
        assert result.exit_code == 0, result.output
        assert verify_all(dns, handler.messages[0].data) == [True, True]


def test_confirmation_mail_is_signed_too(project, keys):
    from publisher.config import load_config
    from publisher.mail.notice import confirmation_message

    write_settings(
        project,
        f'\n[newsletter]\nname = "Bản tin"\nfrom_email = "bantin@{DOMAIN}"\n'
        + dkim_settings(keys, "both"),
    )
    _, data = confirmation_message(
        load_config(project), to="an@example.org", name="An", link="https://x/c/1", language="vi"
    )
    with dns_server(zone(keys)) as dns:
        assert verify_all(dns, data) == [True, True]
        assert verify_all(dns, data.replace(b"https://x/c/1", b"https://y/c/1")) == [False, False]
