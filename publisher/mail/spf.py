"""SPF records (RFC 7208): their syntax, their DNS lookups, and whether they let an address send.

Enough of the RFC to answer what a sender asks before a send: is the record valid, does it
stay within the 10 lookups receivers allow, and does it cover the relay's addresses. Macros
(``%{i}``...) are accepted in the syntax but not expanded: a term using one is "unknown".
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from publisher.mail.dns import Resolver

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_LOOKUPS = 10
MAX_VOID_LOOKUPS = 2
_DOMAIN = r"[A-Za-z0-9_%{}+=.\-/]+"
_TERM = re.compile(
    rf"""^(?P<qualifier>[+\-~?]?)(?:
        (?P<all>all)
      | include:(?P<include>{_DOMAIN})
      | (?P<a>a)(?::(?P<a_domain>{_DOMAIN}?))?(?P<a_cidr>/\d+(?://\d+)?|//\d+)?
      | (?P<mx>mx)(?::(?P<mx_domain>{_DOMAIN}?))?(?P<mx_cidr>/\d+(?://\d+)?|//\d+)?
      | (?P<ptr>ptr)(?::(?P<ptr_domain>{_DOMAIN}))?
      | ip4:(?P<ip4>[0-9.]+(?:/\d+)?)
      | ip6:(?P<ip6>[0-9A-Fa-f:.]+(?:/\d+)?)
      | exists:(?P<exists>{_DOMAIN})
    )$""",
    re.I | re.X,
)
_MODIFIER = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9_.\-]*)=(?P<value>.*)$")
RESULTS = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral", "": "pass"}


class SpfProblem(Exception):
    """A record that receivers would answer ``permerror`` to."""


@dataclass(frozen=True)
class Term:
    qualifier: str
    kind: str  # all, include, a, mx, ptr, ip4, ip6, exists, redirect, exp, or a modifier's name
    value: str = ""  # the domain or network ("" for a and mx of the domain itself)
    cidr: str = ""

    @property
    def looks_up(self) -> bool:
        return self.kind in ("include", "a", "mx", "ptr", "exists", "redirect")


def spf_records(resolver: Resolver, domain: str) -> list[str]:
    """The TXT records of ``domain`` that are SPF records (``v=spf1`` first)."""
    found = resolver.lookup(domain, "TXT") or []
    return [r for r in found if r.lower() == "v=spf1" or r.lower().startswith("v=spf1 ")]


def parse(record: str) -> list[Term]:
    """The terms of one record; ``SpfProblem`` names the first invalid one."""
    terms: list[Term] = []
    seen: set[str] = set()
    for text in record.split()[1:]:
        match = _TERM.match(text)
        if match:
            g = match.groupdict()
            qualifier = g["qualifier"] or ""
            kind = next(k for k in ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")
                        if g[k] is not None)  # fmt: skip
            value = g.get(f"{kind}_domain") or "" if kind in ("a", "mx", "ptr") else g[kind]
            value = "" if kind == "all" else value
            cidr = g.get(f"{kind}_cidr") or ""
            if kind in ("ip4", "ip6"):
                try:
                    network = ipaddress.ip_network(value, strict=False)
                except ValueError:
                    raise SpfProblem(f"{text!r}: not an {kind} address or network") from None
                if network.version != int(kind[-1]):
                    raise SpfProblem(f"{text!r}: not an {kind} address or network")
            terms.append(Term(qualifier, kind, value, cidr))
            continue
        modifier = _MODIFIER.match(text)
        if modifier is None:
            raise SpfProblem(f"{text!r} is not an SPF mechanism or modifier")
        name = modifier.group("name").lower()
        if name in ("redirect", "exp"):
            if name in seen:
                raise SpfProblem(f"{name}= is given twice")
            seen.add(name)
            if not re.fullmatch(_DOMAIN, modifier.group("value")):
                raise SpfProblem(f"{text!r}: {name}= needs a domain")
        terms.append(Term("", name, modifier.group("value")))
    return terms


@dataclass
class Evaluation:
    """What evaluating a domain's SPF policy took: lookups, void lookups, notes."""

    lookups: int = 0
    void: int = 0


def count_lookups(resolver: Resolver, domain: str, _path: tuple[str, ...] = ()) -> int:
    """The DNS lookups of every term reachable from ``domain``'s record (the worst case).

    Counting stops past the limit: a longer chain fails the same way.
    """
    if domain.lower() in _path:
        raise SpfProblem(f"{domain} includes itself (through {' → '.join(_path)})")
    records = spf_records(resolver, domain)
    if len(records) != 1:
        return 0
    total = 0
    for term in parse(records[0]):
        if not term.looks_up:
            continue
        total += 1
        if term.kind in ("include", "redirect") and "%" not in term.value:
            if len(_path) + total > MAX_LOOKUPS + 1:
                break
            total += count_lookups(resolver, term.value, (*_path, domain.lower()))
    return total


def check_host(resolver: Resolver, ip: str, domain: str, spent: Evaluation | None = None) -> str:
    """The SPF result for mail from ``ip`` with a MAIL FROM in ``domain`` (RFC 7208 4)."""
    spent = spent or Evaluation()
    records = spf_records(resolver, domain)
    if not records:
        return "none"
    if len(records) > 1:
        return "permerror"
    try:
        terms = parse(records[0])
    except SpfProblem:
        return "permerror"
    address = ipaddress.ip_address(ip)
    redirect = None
    for term in terms:
        if term.looks_up:
            spent.lookups += 1
            if spent.lookups > MAX_LOOKUPS:
                return "permerror"
        if term.kind == "redirect":
            redirect = term.value
            continue
        matched = _matches(resolver, term, address, domain, spent)
        if matched is None:
            return "permerror"
        if matched:
            return RESULTS[term.qualifier]
    if redirect and "%" not in redirect:
        result = check_host(resolver, address.compressed, redirect, spent)
        return "permerror" if result == "none" else result
    return "neutral"


def _matches(
    resolver: Resolver, term: Term, address: IPAddress, domain: str,
    spent: Evaluation,
) -> bool | None:  # fmt: skip
    """Whether the term matches the address; None: the whole evaluation is a permerror."""
    target = term.value or domain
    if "%" in target:
        return False  # a macro: not expanded here
    if term.kind == "all":
        return True
    if term.kind in ("ip4", "ip6"):
        return address in ipaddress.ip_network(term.value, strict=False)
    if term.kind == "include":
        result = check_host(resolver, address.compressed, target, spent)
        if result in ("none", "permerror"):
            return None
        return result == "pass"
    if term.kind == "a":
        return _in_any(resolver.addresses(target), address, term.cidr, spent)
    if term.kind == "mx":
        exchanges = [m.split()[1] for m in resolver.lookup(target, "MX") or []]
        hosts = [ip for host in exchanges[:10] for ip in resolver.addresses(host)]
        return _in_any(hosts, address, term.cidr, spent, void=not exchanges)
    if term.kind == "exists":
        found = resolver.lookup(target, "A")
        spent.void += not found
        return bool(found)
    return False  # ptr (deprecated: receivers may skip it) and unknown modifiers


def _in_any(
    hosts: list[str], address: IPAddress, cidr: str, spent: Evaluation,
    *, void: bool | None = None,
) -> bool:  # fmt: skip
    spent.void += (not hosts) if void is None else void
    v4 = v6 = ""
    if cidr.startswith("//"):
        v6 = cidr[2:]
    elif cidr:
        v4, _, v6 = cidr[1:].partition("//")
    prefix = v4 if address.version == 4 else v6
    for host in hosts:
        try:
            network = ipaddress.ip_network(f"{host}/{prefix}" if prefix else host, strict=False)
        except ValueError:
            continue
        if address in network:
            return True
    return False
