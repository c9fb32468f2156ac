"""DNS lookups for the sender's records: dnspython, with timeouts, and one clear error offline.

``PUBLISHER_DNS_SERVER`` (``HOST`` or ``HOST:PORT``) asks that server instead of the system's
resolvers: an authoritative server, to see records before they have spread, or a test's.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass, field

from publisher.errors import DnsError

ENV_SERVER = "PUBLISHER_DNS_SERVER"


@dataclass
class Resolver:
    """Looks names up; ``None`` for a name or type that does not exist."""

    server: str | None = None  # HOST[:PORT]; None: the system's resolvers
    timeout: float = 3.0  # seconds for one query, all its servers and retries together
    queries: int = field(default=0, init=False)
    answered: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        import dns.resolver

        self.server = self.server or os.environ.get(ENV_SERVER) or None
        if self.server:
            self._resolver = dns.resolver.Resolver(configure=False)
            address, self._resolver.port = _server_address(self.server)
            self._resolver.nameservers = [address]
        else:
            try:
                self._resolver = dns.resolver.Resolver()
            except dns.resolver.NoResolverConfiguration as exc:
                raise DnsError(f"no DNS resolver is configured: {exc}") from None
        self._resolver.lifetime = self.timeout
        self._cache: dict[tuple[str, str], list[str] | None] = {}

    def lookup(self, name: str, rdtype: str) -> list[str] | None:
        """The records' texts (TXT strings joined), or None when there are none."""
        import dns.exception
        import dns.resolver

        key = (name.lower().rstrip("."), rdtype)
        if key in self._cache:
            return self._cache[key]
        self.queries += 1
        try:
            answer = self._resolver.resolve(key[0] + ".", rdtype, search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            self.answered += 1
            found = None
        except dns.resolver.NoNameservers as exc:
            if self.answered:  # the servers work; this name fails (SERVFAIL, REFUSED)
                found = None
            else:
                raise self._unreachable(key, rdtype, exc) from None
        except dns.exception.Timeout as exc:
            raise self._unreachable(key, rdtype, exc) from None
        else:
            self.answered += 1
            if rdtype == "TXT":
                found = [b"".join(r.strings).decode("utf-8", "replace") for r in answer]
            elif rdtype == "MX":
                found = [f"{r.preference} {r.exchange.to_text().rstrip('.')}" for r in answer]
            else:
                found = [r.to_text() for r in answer]
        self._cache[key] = found
        return found

    def _unreachable(self, key: tuple[str, str], rdtype: str, exc: Exception) -> DnsError:
        return DnsError(
            f"no answer from DNS for {key[0]} {rdtype} within {self.timeout:g}s: is this"
            f" machine online? ({type(exc).__name__})",
            where=self.server or "the system's resolvers",
        )

    def addresses(self, name: str) -> list[str]:
        """A and AAAA records of ``name``."""
        return [*(self.lookup(name, "A") or []), *(self.lookup(name, "AAAA") or [])]


def _server_address(text: str) -> tuple[str, int]:
    """``HOST``, ``HOST:PORT``, ``IPV6`` or ``[IPV6]:PORT`` as (IP address, port); a host name
    is looked up by the system's resolver."""
    host, port = text.strip(), "53"
    if host.startswith("["):
        host, _, rest = host[1:].partition("]")
        port = rest.removeprefix(":") or port
    elif host.count(":") == 1:
        host, _, port = host.partition(":")
    try:
        number = int(port)
        if not 0 < number < 65536:
            raise ValueError(port)
    except ValueError:
        raise DnsError(f"not HOST or HOST:PORT: {text!r}", where=text) from None
    try:
        return str(ipaddress.ip_address(host)), number
    except ValueError:
        pass
    try:
        return str(socket.getaddrinfo(host, number, proto=socket.IPPROTO_UDP)[0][4][0]), number
    except OSError as exc:
        raise DnsError(f"cannot find the DNS server {host!r}: {exc}", where=text) from None
