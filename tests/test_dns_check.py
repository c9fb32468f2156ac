"""``publisher check dns`` against a real DNS server (NSD) serving good and broken zones."""

from __future__ import annotations

import json

import pytest

from publisher.mail.dkim import write_key_pair
from tests.dnsserver import dns_server, txt
from tests.mailkit import add_subscribers, make_build, people
from tests.smtpserver import RecordingHandler, SmtpServer, free_port

RELAY = "93.184.216.34"  # a public address: only ever named in the zones, never reached
GOOD_SPF = "v=spf1 a:relay.{domain} include:_spf.{domain} -all"


def includes(depth: int) -> list[str]:
    """A chain of ``depth`` includes, each one lookup."""
    return [
        f'chain{i} IN TXT "v=spf1 include:chain{i + 1}.eleven.example -all"'
        for i in range(depth - 1)
    ] + [f'chain{depth - 1} IN TXT "v=spf1 ip4:{RELAY} -all"']


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dkim")
    return {
        "right": write_key_pair(folder, "news2026", "rsa"),
        "other": write_key_pair(folder, "other", "rsa"),
    }


@pytest.fixture(scope="module")
def dns(keys):
    right = txt(keys["right"][1].public_record())
    other = txt(keys["other"][1].public_record())

    def zone(domain: str, spf: list[str], dmarc: str | None = "v=DMARC1; p=quarantine", key=right):
        records = ["@ IN MX 10 mail", f"mail IN A {RELAY}", f"relay IN A {RELAY}",
                   '_spf IN TXT "v=spf1 ip4:198.51.100.0/24 -all"',
                   f"news2026._domainkey IN TXT {key}"]  # fmt: skip
        records += [f'@ IN TXT "{record.format(domain=domain)}"' for record in spf]
        if dmarc:
            records.append(f'_dmarc IN TXT "{dmarc}"')
        return records

    spf = {
        "good": [GOOD_SPF],
        "nospf": [],
        "twospf": [GOOD_SPF, f"v=spf1 ip4:{RELAY} -all"],
        "badspf": ["v=spf1 ip4:999.1.1.1 -all"],
        "eleven": ["v=spf1 include:chain0.eleven.example -all"],
        "uncovered": ["v=spf1 ip4:198.51.100.9 -all"],
        "wrongkey": [GOOD_SPF],
        "nodmarc": [GOOD_SPF],
        "pnone": [GOOD_SPF],
    }
    zones = {f"{name}.example": zone(f"{name}.example", records) for name, records in spf.items()}
    zones["eleven.example"] += includes(11)
    zones["news.example.org"] = []  # the sending tests' From domain: nothing published
    zones["wrongkey.example"] = zone("wrongkey.example", [GOOD_SPF], key=other)
    zones["nodmarc.example"] = zone("nodmarc.example", [GOOD_SPF], dmarc=None)
    zones["pnone.example"] = zone(
        "pnone.example", [GOOD_SPF], dmarc="v=DMARC1; p=none; rua=mailto:d@pnone.example"
    )
    with dns_server(zones) as server:
        yield server


def settings(project, keys, domain: str) -> None:
    key = keys["right"][0]
    (project / "publisher.toml").write_text(
        f'[newsletter]\nfrom_email = "bantin@{domain}"\n'
        f'[send]\ntransport = "smtp"\n[smtp]\nhost = "{RELAY}"\n'
        f'[dkim]\ndomain = "{domain}"\nselector = "news2026"\nkey_file = "{key}"\n',
        encoding="utf-8",
    )


def findings(cli, dns, project, keys, domain):
    settings(project, keys, domain)
    result = cli("check", "dns", "--json", "--nameserver", dns.address)
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    assert report["domain"] == domain
    return result.exit_code, report["findings"]


def test_a_domain_with_every_record_right(cli, project, keys, dns):
    status, found = findings(cli, dns, project, keys, "good.example")
    assert status == 0, found
    assert {f["severity"] for f in found} == {"ok"}
    messages = {f["check"]: [] for f in found}
    for f in found:
        messages[f["check"]].append(f["message"])
    assert messages["mx"] == ["replies to the From address have a mail server"]
    assert "valid, 2 of 10 DNS lookups" in messages["spf"]
    assert f"covers the relay {RELAY}" in messages["spf"]
    assert messages["dkim"] == ["the rsa key matches"]
    assert "policy quarantine" in messages["dmarc"]
    assert "aligned through DKIM and SPF" in messages["dmarc"]
    # The same as text, for people.
    text = cli("check", "dns", "--nameserver", dns.address)
    assert text.exit_code == 0 and "good.example: 0 error(s), 0 warning(s)" in text.stderr
    assert f"read: {GOOD_SPF.format(domain='good.example')}" in text.stdout


@pytest.mark.parametrize(
    ("domain", "severity", "check", "message", "fix"),
    [
        ("nospf.example", "error", "spf", "no SPF record", f"v=spf1 ip4:{RELAY} -all"),
        ("twospf.example", "error", "spf", "2 SPF records", "v=spf1"),
        ("badspf.example", "error", "spf", "invalid: 'ip4:999.1.1.1'", "v=spf1"),
        ("eleven.example", "error", "spf", "11 DNS lookups", "ip4:/ip6:"),
        ("uncovered.example", "error", "spf", f"does not cover the relay {RELAY}",
         f"add ip4:{RELAY}"),
        ("wrongkey.example", "error", "dkim", "the published key is not the rsa key",
         "news2026._domainkey.wrongkey.example. IN TXT \"v=DKIM1; k=rsa; p="),
        ("nodmarc.example", "error", "dmarc", "no DMARC record", "v=DMARC1; p=none"),
        ("pnone.example", "warning", "dmarc", "p=none only monitors", "p=quarantine"),
    ],
)  # fmt: skip
def test_a_broken_record_is_found_with_what_to_publish(
    cli, project, keys, dns, domain, severity, check, message, fix
):
    status, found = findings(cli, dns, project, keys, domain)
    matching = [f for f in found if f["check"] == check and message in f["message"]]
    assert matching, found
    assert matching[0]["severity"] == severity and fix in matching[0]["fix"]
    assert status == (6 if severity == "error" else 0)
    assert found[0]["severity"] == severity  # the worst first
    if check == "spf" and domain != "nospf.example":
        assert matching[0]["record"].startswith("v=spf1")  # what it read


def test_no_answer_from_dns_is_a_clear_error(cli, project, keys):
    settings(project, keys, "good.example")
    silent = f"127.0.0.1:{free_port()}"  # nothing answers there
    result = cli("check", "dns", "--nameserver", silent)
    assert result.exit_code == 12
    assert "no answer from DNS for good.example MX within 3s: is this machine online?" in (
        result.stderr
    )
    assert "Traceback" not in result.output
    for bad, message in (("nosuch.invalid", "cannot find the DNS server"),
                         ("127.0.0.1:port", "not HOST or HOST:PORT")):  # fmt: skip
        result = cli("check", "dns", "--nameserver", bad)
        assert result.exit_code == 12 and message in result.stderr, result.output


def test_a_send_warns_of_broken_records_and_goes_on(cli, project, keys, dns, monkeypatch):
    make_build(project)  # sent from bantin@news.example.org: not in any zone served
    add_subscribers(project, people(2))
    monkeypatch.setenv("PUBLISHER_DNS_SERVER", dns.address)
    handler = RecordingHandler()
    with SmtpServer(handler) as smtp:
        (project / "publisher.toml").write_text(
            '[send]\nunsubscribe_url = "https://news.example.org/unsubscribe/{token}"\n'
            + smtp.settings(),
            encoding="utf-8",
        )
        result = cli("send", "so-1", "--transport", "smtp", "--yes")
    assert result.exit_code == 0, result.output
    assert len(handler.messages) == 2
    assert "warning: dns mx news.example.org: the From domain has no MX" in result.stderr
    assert "warning: dns spf news.example.org: no SPF record (error)" in result.stderr
    assert "`publisher check dns` says what to publish instead" in result.stderr


def test_check_of_an_issue_sent_over_smtp_lists_the_dns_findings(cli, project, dns, monkeypatch):
    make_build(project)  # sent from bantin@news.example.org, which publishes nothing
    (project / "publisher.toml").write_text(
        '[send]\ntransport = "smtp"\nunsubscribe_url = "https://x.example/u/{token}"\n'
        f'[smtp]\nhost = "{RELAY}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PUBLISHER_DNS_SERVER", dns.address)
    result = cli("check", "so-1", "--json")
    assert result.exit_code == 6, result.output
    found = json.loads(result.stdout)["findings"]
    spf = [f for f in found if f["where"] == "dns spf news.example.org"]
    assert spf and spf[0]["severity"] == "error" and spf[0]["message"] == "no SPF record"
    assert f"v=spf1 ip4:{RELAY} -all" in spf[0]["fix"]
    assert [f["severity"] for f in found] == sorted(
        (f["severity"] for f in found), key=("error", "warning", "note").index
    )
    # Not sent over SMTP (the maildir default): no DNS lookups, no DNS findings.
    (project / "publisher.toml").write_text(
        '[send]\nunsubscribe_url = "https://x.example/u/{token}"\n', encoding="utf-8"
    )
    local = cli("check", "so-1", "--json")
    assert not any(f["where"].startswith("dns") for f in json.loads(local.stdout)["findings"])
