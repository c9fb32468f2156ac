"""``check_dns``: the sender's DNS records, read before a send, each with what to publish.

Gmail and Yahoo (since 2024) and Outlook.com (since 2025) junk or refuse bulk mail without SPF,
DKIM and a DMARC policy that one of them aligns with. Every finding says what was read, at
which name, and what to publish instead.
"""

from __future__ import annotations

import ipaddress
from dataclasses import asdict, dataclass, replace

from publisher.config import Config
from publisher.errors import ConfigError
from publisher.mail.dkim import DkimSettings, alignment_problem, public_key_base64
from publisher.mail.dns import Resolver
from publisher.mail.spf import MAX_LOOKUPS, SpfProblem, check_host, count_lookups, spf_records
from publisher.output.findings import SEVERITIES as CHECK_SEVERITIES
from publisher.output.findings import CheckReport, Finding

SEVERITIES = ("error", "warning", "ok")


@dataclass(frozen=True)
class DnsFinding:
    """One record looked at: how it stands, where, what was there, what to do."""

    severity: str  # ok, warning, error
    check: str  # mx, spf, dkim, dmarc, return-path
    name: str  # the DNS name read
    message: str
    record: str = ""  # what was read ("" when nothing)
    fix: str = ""  # what to publish instead

    def to_json(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class DnsReport:
    domain: str
    findings: tuple[DnsFinding, ...]

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    def to_json(self) -> dict[str, object]:
        return {"domain": self.domain, "findings": [f.to_json() for f in self.findings]}


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower().rstrip(".")


def check_dns(
    config: Config, *, from_email: str = "", return_path: str = "", transport: str = "",
    resolver: Resolver | None = None,
) -> DnsReport:  # fmt: skip
    """Every finding about the sender's records; ``DnsError`` when DNS does not answer."""
    from_email = from_email or config.table("newsletter")["from_email"]
    if not from_email or "@" not in from_email:
        raise ConfigError("set newsletter.from_email: the DNS checks start from its domain")
    resolver = resolver or Resolver()
    domain = _domain(from_email)
    return_path = return_path or config.table("send")["return_path"]
    bounce_domain = _domain(return_path or from_email)
    transport = transport or config.table("send")["transport"]
    findings = [_mx(resolver, domain)]
    if bounce_domain != domain:
        findings.append(_return_path(resolver, bounce_domain, domain))
    spf = _spf(resolver, bounce_domain, _relays(config, resolver, transport))
    findings += spf
    try:
        dkim = DkimSettings.from_config(config)
    except ConfigError as exc:
        dkim = None
        findings.append(DnsFinding("error", "dkim", "[dkim]", str(exc)))
    else:
        findings += _dkim(resolver, dkim, domain)
    findings += _dmarc(resolver, domain, dkim, bounce_domain)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return DnsReport(domain, tuple(sorted(findings, key=lambda f: order[f.severity])))


def _mx(resolver: Resolver, domain: str) -> DnsFinding:
    exchanges = resolver.lookup(domain, "MX")
    if exchanges:
        if any(m.split()[1] in (".", "") for m in exchanges):
            return DnsFinding(
                "warning", "mx", domain, "a null MX: this domain takes no mail, so replies to"
                " the From address are refused", "; ".join(exchanges),
                f"{domain}. IN MX 10 <your mail server>.",
            )  # fmt: skip
        return DnsFinding("ok", "mx", domain, "replies to the From address have a mail server",
                          "; ".join(exchanges))  # fmt: skip
    if resolver.addresses(domain):
        return DnsFinding(
            "warning", "mx", domain, "no MX record: replies go to the domain's own address (A)",
            fix=f"{domain}. IN MX 10 <your mail server>.",
        )  # fmt: skip
    return DnsFinding(
        "error", "mx", domain, "the From domain has no MX and no address: receivers refuse"
        " mail from a domain that cannot receive any", fix=f"{domain}. IN MX 10 <mail server>.",
    )  # fmt: skip


def _return_path(resolver: Resolver, bounce_domain: str, domain: str) -> DnsFinding:
    if resolver.lookup(bounce_domain, "MX") or resolver.addresses(bounce_domain):
        return DnsFinding("ok", "return-path", bounce_domain, "bounces can be delivered here")
    return DnsFinding(
        "error", "return-path", bounce_domain, "the Return-Path domain takes no mail: bounces"
        " would be lost", fix=f"{bounce_domain}. IN MX 10 <the server that reads bounces>.",
    )  # fmt: skip


def _relays(config: Config, resolver: Resolver, transport: str) -> tuple[str, list[str]]:
    """The relay mail leaves through, and its addresses (for SPF)."""
    if transport == "ses":
        return "Amazon SES", []
    if transport != "smtp":
        return "", []
    host = str(config.table("smtp")["host"])
    try:
        return host, [ipaddress.ip_address(host.strip("[]")).compressed]
    except ValueError:
        return host, resolver.addresses(host)


def _spf(resolver: Resolver, domain: str, relay: tuple[str, list[str]]) -> list[DnsFinding]:
    records = spf_records(resolver, domain)
    suggestion = f'{domain}. IN TXT "v=spf1 a:<relay host> -all"'
    host, addresses = relay
    if host == "Amazon SES":
        suggestion = f'{domain}. IN TXT "v=spf1 include:amazonses.com -all"'
    elif addresses and not _private(addresses):
        suggestion = f'{domain}. IN TXT "v=spf1 ip4:{addresses[0]} -all"'
    if not records:
        return [DnsFinding("error", "spf", domain, "no SPF record", fix=suggestion)]
    if len(records) > 1:
        return [DnsFinding(
            "error", "spf", domain, f"{len(records)} SPF records: receivers treat that as no"
            " valid record (permerror); merge them into one", " | ".join(records), suggestion,
        )]  # fmt: skip
    record = records[0]
    try:
        lookups = count_lookups(resolver, domain)
    except SpfProblem as exc:
        return [DnsFinding("error", "spf", domain, f"invalid: {exc}", record, suggestion)]
    if lookups > MAX_LOOKUPS:
        return [DnsFinding(
            "error", "spf", domain, f"{lookups} DNS lookups (include, a, mx, ptr, exists,"
            f" redirect): receivers stop at {MAX_LOOKUPS} and fail the check (permerror)",
            record, "replace includes by the ip4:/ip6: ranges they stand for",
        )]  # fmt: skip
    findings = []
    policy = record.split()[-1].lower()
    if policy in ("+all", "all"):
        findings.append(DnsFinding(
            "error", "spf", domain, "+all lets every server on the Internet send as you",
            record, record.rsplit(" ", 1)[0] + " -all",
        ))  # fmt: skip
    elif not policy.endswith("all") and "redirect=" not in record.lower():
        findings.append(DnsFinding(
            "warning", "spf", domain, "no all at the end: mail from anywhere else is neutral",
            record, record + " -all",
        ))  # fmt: skip
    findings.append(DnsFinding(
        "ok", "spf", domain, f"valid, {lookups} of {MAX_LOOKUPS} DNS lookups", record
    ))  # fmt: skip
    findings.append(_coverage(resolver, domain, record, host, addresses))
    return findings


def _private(addresses: list[str]) -> bool:
    return all(not ipaddress.ip_address(a).is_global for a in addresses)


def _coverage(
    resolver: Resolver, domain: str, record: str, host: str, addresses: list[str]
) -> DnsFinding:
    if host == "Amazon SES":
        covered = "include:amazonses.com" in record.lower()
        return DnsFinding(
            "ok" if covered else "warning", "spf", domain,
            "covers Amazon SES" if covered else "does not include amazonses.com: SES mail with"
            " this MAIL FROM domain fails SPF", record,
            "" if covered else "add include:amazonses.com before the all",
        )  # fmt: skip
    if not host:
        return DnsFinding("ok", "spf", domain, "no relay to check (the transport is local)")
    if not addresses:
        return DnsFinding("warning", "spf", domain, f"the relay {host} has no address in DNS")
    if _private(addresses):
        return DnsFinding(
            "warning", "spf", domain, f"the relay {host} ({', '.join(addresses)}) is a private"
            " address: receivers check the public address it sends from, which cannot be seen"
            " from here; make sure the record covers it", record,
        )  # fmt: skip
    results = {a: check_host(resolver, a, domain) for a in addresses}
    failing = [a for a, r in results.items() if r != "pass"]
    if not failing:
        return DnsFinding("ok", "spf", domain, f"covers the relay {host}", record)
    shown = ", ".join(f"{a}: {results[a]}" for a in failing)
    return DnsFinding(
        "error", "spf", domain, f"does not cover the relay {host} ({shown})", record,
        f"add ip4:{failing[0]} (or a:{host}) before the all" if ":" not in failing[0]
        else f"add ip6:{failing[0]} before the all",
    )  # fmt: skip


def _dkim(resolver: Resolver, dkim: DkimSettings | None, domain: str) -> list[DnsFinding]:
    if dkim is None:
        return [DnsFinding(
            "warning", "dkim", "[dkim]", "messages are not DKIM-signed: Gmail and Yahoo require"
            " it of bulk senders", fix="run `publisher dkim keygen`, then set [dkim]",
        )]  # fmt: skip
    findings = []
    problem = alignment_problem(dkim.domain, f"x@{domain}")
    if problem:
        findings.append(DnsFinding("error", "dkim", "[dkim] domain", problem))
    for key in dkim.keys:
        name = f"{key.selector}._domainkey.{dkim.domain}"
        records = [r for r in resolver.lookup(name, "TXT") or [] if "p=" in r]
        wanted = key.public_record()
        fix = f'{name}. IN TXT "{wanted}"'
        if not records:
            findings.append(DnsFinding("error", "dkim", name, "no DKIM key published", fix=fix))
            continue
        tags = _tags(records[0])
        published = "".join(tags.get("p", "").split())
        if len(records) > 1:
            findings.append(DnsFinding("error", "dkim", name, "more than one key record",
                                       " | ".join(records), fix))  # fmt: skip
        elif not published:
            findings.append(DnsFinding("error", "dkim", name, "the key is revoked (empty p=)",
                                       records[0], fix))  # fmt: skip
        elif published != public_key_base64(key.private):
            findings.append(DnsFinding(
                "error", "dkim", name, f"the published key is not the {key.kind} key"
                " publisher signs with: every signature would fail", records[0], fix,
            ))  # fmt: skip
        elif tags.get("k", "rsa").lower() != key.kind:
            findings.append(DnsFinding("error", "dkim", name, f"k= is not {key.kind}",
                                       records[0], fix))  # fmt: skip
        elif "y" in tags.get("t", "").lower().split(":"):
            findings.append(DnsFinding("warning", "dkim", name, "t=y: receivers treat the"
                                       " signatures as a test", records[0], fix))  # fmt: skip
        else:
            findings.append(DnsFinding("ok", "dkim", name, f"the {key.kind} key matches",
                                       records[0]))  # fmt: skip
    return findings


def _tags(record: str) -> dict[str, str]:
    tags = {}
    for part in record.split(";"):
        name, equals, value = part.partition("=")
        if equals:
            tags[name.strip().lower()] = value.strip()
    return tags


def _dmarc(
    resolver: Resolver, domain: str, dkim: DkimSettings | None, bounce_domain: str
) -> list[DnsFinding]:
    name, records = f"_dmarc.{domain}", []
    labels = domain.split(".")
    # The From domain's record, else its parents' (the organisational domain's policy).
    for start in range(len(labels) - 1):
        name = "_dmarc." + ".".join(labels[start:])
        found = resolver.lookup(name, "TXT") or []
        records = [r for r in found if r.lower().startswith("v=dmarc1")]
        if records:
            break
    fix = f'_dmarc.{domain}. IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@{domain}"'
    if not records:
        return [DnsFinding("error", "dmarc", f"_dmarc.{domain}", "no DMARC record: Gmail and"
                           " Yahoo require one of bulk senders", fix=fix)]  # fmt: skip
    if len(records) > 1:
        return [DnsFinding("error", "dmarc", name, "more than one DMARC record: receivers"
                           " ignore them all", " | ".join(records), fix)]  # fmt: skip
    record, tags = records[0], _tags(records[0])
    policy = tags.get("p", "").lower()
    if policy not in ("none", "quarantine", "reject"):
        return [DnsFinding("error", "dmarc", name, f"p={policy or '(missing)'} is not none,"
                           " quarantine or reject", record, fix)]  # fmt: skip
    findings = []
    if policy == "none":
        findings.append(DnsFinding(
            "warning", "dmarc", name, "p=none only monitors: nothing stops others sending as"
            " you", record, "once the reports (rua=) are clean, publish p=quarantine",
        ))  # fmt: skip
    else:
        findings.append(DnsFinding("ok", "dmarc", name, f"policy {policy}", record))
    strict_dkim, strict_spf = tags.get("adkim") == "s", tags.get("aspf") == "s"
    dkim_aligned = dkim is not None and (
        dkim.domain == domain if strict_dkim else alignment_problem(dkim.domain, f"x@{domain}")
        is None
    )  # fmt: skip
    spf_aligned = bounce_domain == domain if strict_spf else (
        alignment_problem(bounce_domain, f"x@{domain}") is None
    )  # fmt: skip
    if not dkim_aligned and not spf_aligned:
        findings.append(DnsFinding(
            "error", "dmarc", name, "neither DKIM nor SPF aligns with the From domain: every"
            " message fails DMARC", record, "set [dkim] domain to the From domain",
        ))  # fmt: skip
    else:
        how = " and ".join(w for w, ok in (("DKIM", dkim_aligned), ("SPF", spf_aligned)) if ok)
        findings.append(DnsFinding("ok", "dmarc", name, f"aligned through {how}", record))
    return findings


def issue_findings(config: Config, from_email: str, transport: str) -> list[Finding]:
    """The DNS findings worth an editor's eye (warnings and errors) as ``check`` findings, for
    an issue sent from ``from_email`` (``check`` lists them, ``send`` warns of them); when
    they cannot be made, a note saying why."""
    from publisher.errors import DnsError

    try:
        report = check_dns(config, from_email=from_email, transport=transport,
                           resolver=Resolver(timeout=2.0))  # fmt: skip
    except (DnsError, ConfigError) as exc:  # offline, or no From address to start from
        return [Finding("note", "dns", f"the sender's DNS records were not checked: {exc}")]
    return [
        Finding(f.severity, f"dns {f.check} {f.name}", f.message, f.fix or "")
        for f in report.findings
        if f.severity != "ok"
    ]


def with_dns_findings(
    config: Config, report: CheckReport, known: dict[tuple[str, str], list[Finding]] | None = None
) -> CheckReport:
    """``report`` with the DNS findings of its sender added, when the issue goes out over SMTP
    or SES and ``[send] dns_preflight`` is on: whether receivers will trust the sender is a
    finding about the issue too. ``known`` keeps the findings by sender and transport across
    calls (the preview rebuilds often; DNS records do not change as the issue is edited)."""
    transport = config.table("send")["transport"]
    if not config.table("send")["dns_preflight"] or transport not in ("smtp", "ses"):
        return report
    known = {} if known is None else known
    key = (report.sender, transport)
    if key not in known:
        known[key] = issue_findings(config, report.sender, transport)
    findings = [*report.findings, *known[key]]
    findings.sort(key=lambda f: CHECK_SEVERITIES.index(f.severity))  # errors first, as the rest
    return replace(report, findings=tuple(findings))
