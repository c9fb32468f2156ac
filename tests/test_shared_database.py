"""Two project folders sharing one PostgreSQL database stand for two machines.

One runs the web service (a web host), the other sends (a CI runner). What a subscriber does
on the first is what the second sends by: an unsubscribed address gets nothing, a confirmed
one gets the next issue.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from publisher.cli import main
from publisher.model import Subscriber
from tests.mailkit import SETTINGS, add_subscribers, make_build, people
from tests.smtpserver import RecordingHandler, SmtpServer, free_port
from tests.webkit import Service, confirmation_link, form, request


def machine(folder, database: str, smtp: SmtpServer, port: int):
    folder.mkdir()
    (folder / "publisher.toml").write_text(
        SETTINGS
        + f'transport = "smtp"\n\n[database]\nurl = "{database}"\n\n'
        + '[newsletter]\nname = "Bản tin"\nfrom_email = "bantin@news.example.org"\n\n'
        + f'[web]\nbase_url = "http://127.0.0.1:{port}/"\n'
        + smtp.settings(),
        encoding="utf-8",
    )
    return folder


def publisher(folder, *args: str):
    result = CliRunner().invoke(main, ["--project", str(folder), *args])
    return result


@pytest.fixture
def machines(tmp_path, postgres):
    database = postgres.new_database()
    with SmtpServer(RecordingHandler()) as smtp:
        port = free_port()
        web = machine(tmp_path / "web", database, smtp, port)
        runner = machine(tmp_path / "runner", database, smtp, port)
        service = Service(web, port)
        try:
            yield web, runner, service, smtp
        finally:
            service.close()


def test_unsubscribed_on_one_machine_gets_nothing_from_the_other(machines):
    web, runner, service, smtp = machines
    subs = add_subscribers(runner, people(5))
    token = subs.get("nguoi0002@example.org").token
    status, _, _ = request(f"{service.url}unsubscribe/{token}", b"List-Unsubscribe=One-Click")
    assert status == 200
    make_build(runner)
    result = publisher(runner, "send", "so-1", "--yes")
    assert result.exit_code == 0, result.output
    received = smtp.handler.received_by()
    assert "nguoi0002@example.org" not in received
    assert set(received) == {f"nguoi{i:04d}@example.org" for i in (0, 1, 3, 4)}
    assert "1 suppressed" in result.stderr
    # The web machine sees the runner's ledger.
    assert "sent       4" in publisher(web, "send", "so-1", "--status").stdout


def test_subscribe_confirm_then_the_next_send_reaches_them(machines):
    _, runner, service, smtp = machines
    add_subscribers(runner, [Subscriber(email="cu@example.org", name="Cũ")])
    make_build(runner, "so-1")
    assert publisher(runner, "send", "so-1", "--yes").exit_code == 0
    status, _, _ = request(f"{service.url}subscribe", form(email="moi@example.org", name="Mới"))
    assert status == 200
    pending = publisher(runner, "subscribers", "list", "--status", "pending").stdout
    assert pending.startswith("moi@example.org\tpending")
    make_build(runner, "so-2")
    before = publisher(runner, "send", "so-2", "--yes")
    assert before.exit_code == 0
    assert smtp.handler.received_by().get("moi@example.org") == 1  # the confirmation only
    link = confirmation_link(smtp, "moi@example.org")
    assert request(link, b"")[0] == 200
    make_build(runner, "so-3")
    result = publisher(runner, "send", "so-3", "--yes")
    assert result.exit_code == 0, result.output
    issues = [
        m for m in smtp.handler.messages
        if "moi@example.org" in m.recipients and b"List-Unsubscribe" in m.data
    ]  # fmt: skip
    assert len(issues) == 1
    assert "sent       1" in publisher(runner, "send", "so-2", "--status").stdout
    assert "sent       2" in publisher(runner, "send", "so-3", "--status").stdout
