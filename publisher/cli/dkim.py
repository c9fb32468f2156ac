"""``publisher dkim keygen``: a DKIM key pair, and the DNS record to publish."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.cli import Project, pass_project
from publisher.errors import ConfigError
from publisher.mail.dkim import MIN_RSA_BITS, SELECTOR, write_key_pair


@click.group()
def dkim() -> None:
    """DKIM signing keys (the settings are [dkim] in publisher.toml)."""


@dkim.command("keygen")
@click.option("--selector", required=True, help="The key's name in DNS, e.g. news2026.")
@click.option(
    "--algorithm", type=click.Choice(["rsa", "ed25519"]), default="rsa", show_default=True,
    help="rsa (every receiver checks it) or ed25519 (RFC 8463; sign with both for now).",
)  # fmt: skip
@click.option(
    "--bits", type=click.IntRange(min=MIN_RSA_BITS, max=4096), default=MIN_RSA_BITS,
    show_default=True, help="RSA key size.",
)  # fmt: skip
@click.option("--domain", help="The signing domain (default: [dkim] domain, else From's domain).")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path(".dkim"),
    show_default=True, help="Folder for the private key, relative to the project.",
)  # fmt: skip
@pass_project
def keygen_command(
    project: Project, selector: str, algorithm: str, bits: int, domain: str | None, out: Path
) -> None:
    """Write a key pair to OUT/SELECTOR.private.pem and .public.pem; print its DNS TXT record."""
    config = project.config
    if not SELECTOR.match(selector):
        raise click.BadParameter(
            f"{selector!r} is not a selector like news2026", param_hint="--selector"
        )
    domain = (
        domain
        or config.table("dkim")["domain"]
        or (config.table("newsletter")["from_email"].rpartition("@")[2])
    )
    if not domain:
        raise ConfigError("give --domain, or set [dkim] domain or newsletter.from_email")
    folder = out if out.is_absolute() else config.project / out
    target = folder / f"{selector}.private.pem"
    if target.exists() or target.with_name(f"{selector}.public.pem").exists():
        raise ConfigError(
            "a key of that selector exists already: nothing was written", where=str(target)
        )
    try:
        path, key = write_key_pair(folder, selector, algorithm, bits)
    except OSError as exc:
        raise ConfigError(f"cannot write the key: {exc.strerror}", where=str(target)) from exc
    record = key.public_record()
    chunks = " ".join(f'"{record[i : i + 255]}"' for i in range(0, len(record), 255))
    name = f"{selector}._domainkey.{domain.rstrip('.')}."
    click.echo(f"wrote the private key to {path} (keep it out of git: a secret) and the"
               f" public key beside it", err=True)  # fmt: skip
    click.echo("publish this TXT record, then add the settings below to publisher.toml:", err=True)
    click.echo(f"{name} IN TXT ( {chunks} )")
    prefix = "" if algorithm == "rsa" else "ed25519_"
    shown = path.relative_to(config.project) if path.is_relative_to(config.project) else path
    click.echo(
        f'\n[dkim]\ndomain = "{domain}"\n{prefix}selector = "{selector}"\n'
        f'{prefix}key_file = "{shown}"',
        err=True,
    )
