"""A real DNS server on loopback for tests: Debian's NSD serving zone files the test writes."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.parts import stop, unavailable
from tests.smtpserver import free_port


def find_nsd() -> str | None:
    return shutil.which("nsd") or next(
        (p for p in ("/usr/sbin/nsd", "/usr/local/sbin/nsd") if os.access(p, os.X_OK)), None
    )


def txt(value: str) -> str:
    """A TXT record's data: the value in quoted strings of at most 255 characters."""
    return " ".join(f'"{value[i : i + 255]}"' for i in range(0, len(value), 255))


class DnsServer:
    """NSD on 127.0.0.1 and a free port, authoritative for the zones given.

    ``zones`` maps a domain to its records, each a line of a zone file relative to the domain
    (``"@ IN MX 10 mail"``, ``'news._domainkey IN TXT "v=DKIM1; ..."'``); an SOA and an NS
    record are added.
    """

    def __init__(self, nsd: str, zones: dict[str, list[str]]):
        self.nsd = nsd
        self.zones = zones
        self.host = "127.0.0.1"
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="publisher-dns-"))
        self.process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        """``HOST:PORT``, as ``PUBLISHER_DNS_SERVER`` takes it."""
        return f"{self.host}:{self.port}"

    def _config(self) -> str:
        lines = [
            "server:",
            f"  ip-address: {self.host}",
            f"  port: {self.port}",
            '  username: ""',
            '  chroot: ""',
            f'  zonesdir: "{self.folder}"',
            '  database: ""',
            f'  pidfile: "{self.folder}/nsd.pid"',
            f'  xfrdfile: "{self.folder}/xfrd.state"',
            f'  zonelistfile: "{self.folder}/zone.list"',
            f'  logfile: "{self.folder}/nsd.log"',
            "  server-count: 1",
            "  verbosity: 1",
            "remote-control:",
            "  control-enable: no",
        ]
        for domain in self.zones:
            lines += ["zone:", f"  name: {domain}", f"  zonefile: {domain}.zone"]
        return "\n".join(lines) + "\n"

    def _zone(self, domain: str, records: list[str]) -> str:
        head = [
            f"$ORIGIN {domain}.",
            "$TTL 60",
            f"@ IN SOA ns.{domain}. hostmaster.{domain}. 1 3600 600 86400 60",
            f"@ IN NS ns.{domain}.",
            "ns IN A 127.0.0.1",
        ]
        return "\n".join(head + records) + "\n"

    def __enter__(self) -> DnsServer:
        for domain, records in self.zones.items():
            (self.folder / f"{domain}.zone").write_text(self._zone(domain, records), "utf-8")
        config = self.folder / "nsd.conf"
        config.write_text(self._config(), encoding="utf-8")
        check = subprocess.run(
            [self.nsd.replace("nsd", "nsd-checkconf"), str(config)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen(
            [self.nsd, "-d", "-c", str(config)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self._wait()
        return self

    def _wait(self) -> None:
        import dns.message
        import dns.query

        domain = next(iter(self.zones))
        deadline = time.monotonic() + 20
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"nsd stopped: {self.log()}")
            try:
                query = dns.message.make_query(domain, "SOA")
                dns.query.udp(query, self.host, port=self.port, timeout=0.5)
                return
            except (OSError, dns.exception.Timeout):
                assert time.monotonic() < deadline, f"nsd does not answer: {self.log()}"
                time.sleep(0.05)

    def log(self) -> str:
        try:
            return (self.folder / "nsd.log").read_text(errors="replace")
        except OSError:
            return ""

    def __exit__(self, *_: object) -> None:
        stop(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)

    def resolve_txt(self, name: str) -> list[str]:
        """The TXT records at ``name``, each as one string (for verifiers' DNS hooks)."""
        import dns.resolver

        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [self.host]
        resolver.port = self.port
        answer = resolver.resolve(name, "TXT", lifetime=5)
        return [b"".join(r.strings).decode("ascii") for r in answer]


def dns_server(zones: dict[str, list[str]]) -> DnsServer:
    """A ``DnsServer`` for these zones; skipped (failed with ``CI`` set) when NSD is missing."""
    nsd = find_nsd()
    if nsd is None:
        unavailable("NSD is not installed (apt-get install nsd)")
    return DnsServer(nsd, zones)
