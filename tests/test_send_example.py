"""End to end: build the repository's example issue, then send it over SMTP and read it back."""

from __future__ import annotations

import shutil
from email import message_from_bytes, policy

from publisher.model import Subscriber
from tests.conftest import ROOT
from tests.mailkit import SETTINGS, add_subscribers


def example_project(project, smtp_server) -> str:
    """The example newsletter copied into ``project``; the slug of its issue."""
    issues = sorted((ROOT / "issues").glob("*.yaml"))
    assert issues and (ROOT / "publisher.toml").exists(), "the example newsletter is missing"
    for folder in ("articles", "images", "issues", "templates"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, project / folder)
    settings = (ROOT / "publisher.toml").read_text(encoding="utf-8")
    if "[send]" not in settings:
        settings += "\n" + SETTINGS
    (project / "publisher.toml").write_text(settings + smtp_server.settings(), encoding="utf-8")
    return issues[0].stem


def test_the_example_issue_is_built_and_sent(project, cli, smtp_server):
    from publisher.config import load_config
    from publisher.output import build

    slug = example_project(project, smtp_server)
    build.build_issue(load_config(project), slug)
    subs = add_subscribers(
        project,
        [
            Subscriber(email="an@example.org", name="Nguyễn <b>&</b> An", language="vi"),
            Subscriber(email="jane@example.com", name="", language="en"),
            Subscriber(email="gone@example.org", name="Gone", status="unsubscribed"),
        ],
    )
    result = cli("send", slug, "--transport", "smtp", "--yes")
    assert result.exit_code == 0, result.output
    received = {m.recipients[0]: m for m in smtp_server.handler.messages}
    assert sorted(received) == ["an@example.org", "jane@example.com"]
    for email, message in received.items():
        token = subs.get(email).token
        parsed = message_from_bytes(message.data, policy=policy.default)
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert token in parsed["List-Unsubscribe"]
        text, rich = parsed.iter_parts()
        assert [text.get_content_type(), rich.get_content_type()] == ["text/plain", "text/html"]
        for part in (text, rich):
            body = part.get_content()
            assert "%%" not in body
            assert f"/unsubscribe/{token}" in body
    # The example's intro greets ("Chào bạn đọc,"), so the name is only in the To header; its
    # markup never reaches the body unescaped (the greeting's escaping: tests/test_send.py).
    data = received["an@example.org"].data
    parsed = message_from_bytes(data, policy=policy.default)
    assert parsed["To"].addresses[0].display_name == "Nguyễn <b>&</b> An"
    assert "<b>&</b>" not in parsed.get_payload(1).get_content()


def test_a_build_older_than_its_sources_is_never_sent(project, cli, smtp_server):
    slug = example_project(project, smtp_server)
    add_subscribers(project, [Subscriber(email="an@example.org", name="An")])
    assert cli("build", slug).exit_code == 0
    # The editor takes an article out after the build.
    assert cli("issue", "remove", slug, "tang-cuong-giao-luu-trao-doi-kinh-nghiem").exit_code == 0
    for args in (["--yes"], ["--to", "editor@example.org"]):
        refused = cli("send", slug, "--transport", "smtp", *args)
        assert refused.exit_code == 8, refused.output
        assert "the build is older than its sources" in refused.stderr
        assert f"run `publisher build {slug}`" in refused.stderr
        assert f"changed since the build: issues/{slug}.yaml" in refused.stderr
    assert smtp_server.handler.messages == []
    assert cli("send", slug, "--status").stdout.startswith("queued     0")
    result = cli("send", slug, "--transport", "smtp", "--yes", "--rebuild")
    assert result.exit_code == 0, result.output
    assert "built " in result.stderr
    assert smtp_server.handler.received_by() == {"an@example.org": 1}
    # A theme file added (an override of a packaged partial) or an article edited: stale too.
    override = project / "templates" / "default" / "partials" / "footer.mjml"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("<mj-text>x</mj-text>\n", encoding="utf-8")
    article = project / "articles" / "xe-buyt-dien-ven-bien-da-nang.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nMột đoạn mới.\n", "utf-8")
    refused = cli("send", slug, "--transport", "smtp", "--to", "editor@example.org")
    assert refused.exit_code == 8
    assert "changed since the build: templates/default/partials/footer.mjml" in refused.stderr
    assert "changed since the build: articles/xe-buyt-dien-ven-bien-da-nang.md" in refused.stderr


def test_an_issue_file_deadline_stops_a_late_send(project, cli, smtp_server):
    slug = example_project(project, smtp_server)
    add_subscribers(project, [Subscriber(email="an@example.org", name="An")])
    issue_file = project / "issues" / f"{slug}.yaml"
    original = issue_file.read_text(encoding="utf-8")
    for bad in ("2024-05-11", "2024-05-11T08:00", "soon"):
        issue_file.write_text(original + f"not_after: {bad}\n", encoding="utf-8")
        refused = cli("build", slug)
        assert refused.exit_code == 6, refused.output
        assert f"not_after: {bad} is not a date and time with its zone" in refused.stderr
    line = len(original.splitlines()) + 1
    assert f"line {line}: not_after" in refused.stderr
    for late in ("2024-05-11T08:00:00+07:00", "2024-05-11T08:00+07:00"):  # YAML's and ISO's
        issue_file.write_text(original + f"not_after: {late}\n", encoding="utf-8")
        assert cli("build", slug).exit_code == 0
        shown = cli("issue", "show", slug, "--json")
        assert '"not_after": "2024-05-11T08:00:00+07:00"' in shown.stdout
        for args in (["--yes"], ["--yes", "--rebuild"]):
            refused = cli("send", slug, "--transport", "smtp", *args)
            assert refused.exit_code == 8, refused.output
            assert (
                "the deadline 2024-05-11T08:00:00+07:00 (not_after in the issue file) has passed"
                in refused.stderr
            )
    assert smtp_server.handler.messages == []
    # --not-after replaces the file's deadline: the editor decides to send it after all.
    sent = cli("send", slug, "--transport", "smtp", "--yes", "--not-after", "2999-01-01T00:00Z")
    assert sent.exit_code == 0, sent.output
    assert smtp_server.handler.received_by() == {"an@example.org": 1}
