"""``publisher issue new|add|remove|show`` from the command line."""

from __future__ import annotations

import json

import pytest

from publisher.cli import main
from tests.conftest import ROOT
from tests.issue_helpers import make_project, write_issue

COMMANDS = ["new", "add", "remove", "show"]


@pytest.fixture
def config(project):
    return make_project(project)


def test_new_add_show_remove(cli, config):
    result = cli("issue", "new", "Bản tin số 1", "--date", "2024-05-10", "--number", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout == "issues/ban-tin-so-1.yaml\n"
    result = cli(
        "issue", "add", "ban-tin-so-1", "bus-trial", "rice-harvest", "--section", "Trong nước"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "added bus-trial, rice-harvest to the new section 'Trong nước' (issues/ban-tin-so-1.yaml)\n"
    )
    result = cli("issue", "add", "ban-tin-so-1", "night-run", "--position", "1")
    assert result.exit_code == 0, result.output
    result = cli("issue", "show", "ban-tin-so-1")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "ban-tin-so-1: Bản tin số 1\n"
        "  number 1 · 2024-05-10 · vi · theme default\n"
        "  subject:   Bản tin số 1\n"
        "  preheader: -\n"
        "  web:       https://news.example.org/issues/ban-tin-so-1/\n"
        "  file:      issues/ban-tin-so-1.yaml\n"
        "\n"
        "1. Trong nước\n"
        "   1. night-run  Article 4: night run  [lead]\n"
        "   2. bus-trial  Article 1: bus trial  [lead]\n"
        "   3. rice-harvest  Article 2: rice harvest  [lead]\n"
        "\n"
        "3 articles in 1 section\n"
    )
    result = cli("issue", "remove", "ban-tin-so-1", "bus-trial")
    assert result.exit_code == 0, result.output
    assert "removed bus-trial" in result.stdout


def test_show_json(cli, config):
    write_issue(
        config,
        "t",
        "title: T\nnumber: 2\ndate: 2024-05-10\nsections:\n- title: A\n  articles:\n"
        "  - bus-trial\n  - slug: night-run\n    excerpt: 30 words\n    image: false\n",
    )
    result = cli("issue", "show", "t", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["issue"] == {
        "slug": "t",
        "file": str(config.issues_dir / "t.yaml"),
        "title": "T",
        "number": 2,
        "date": "2024-05-10",
        "language": "vi",
        "theme": "default",
        "subject": "T",
        "preheader": "",
        "intro": "",
        "newsletter": "Bản tin Mẫu",
        "base_url": "https://news.example.org/",
        "web_url": "https://news.example.org/issues/t/",
        "sender": {
            "organisation": "Example News",
            "address": "1 Example Street, Hà Nội",
            "from_name": "Bản tin Mẫu",
            "from_email": "news@example.org",
            "reply_to": "desk@example.org",
        },
        "list_id": "ban-tin.news.example.org",
        "not_after": None,
    }
    assert data["sections"] == [
        {
            "title": "A",
            "articles": [
                {
                    "slug": "bus-trial",
                    "found": True,
                    "title": "Article 1: bus trial",
                    "kicker": "Example",
                    "language": "en",
                    "excerpt": "lead",
                    "image": True,
                    "url": "https://news.example.org/issues/t/bus-trial/",
                    "line": 7,
                },
                {
                    "slug": "night-run",
                    "found": True,
                    "title": "Article 4: night run",
                    "kicker": "Example",
                    "language": "en",
                    "excerpt": 30,
                    "image": False,
                    "url": "https://news.example.org/issues/t/night-run/",
                    "line": 8,
                },
            ],
        }
    ]
    assert data["problems"] == []


def test_show_lists_problems_and_exits_6(cli, config):
    write_issue(config, "t", "title: T\nsections:\n- title: A\n  articles: [bus-trail]\n")
    result = cli("issue", "show", "t")
    assert result.exit_code == 6
    assert "1. bus-trail  (not in the library)  [lead]" in result.stdout
    assert result.stderr.startswith("Error: the issue has 1 problem (")
    assert "  - line 4: section 'A', article 1: no article 'bus-trail'" in result.stderr
    result = cli("issue", "show", "t", "--json")
    assert result.exit_code == 6
    data = json.loads(result.stdout)
    assert data["sections"][0]["articles"][0]["found"] is False
    assert len(data["problems"]) == 1


def test_refused_edit_reports_error_and_exit_status(cli, config):
    write_issue(config, "t", "title: T\nsections:\n- title: A\n  articles: [bus-trial]\n")
    before = (config.issues_dir / "t.yaml").read_bytes()
    result = cli("issue", "add", "t", "nope", "salt-sensor", "--section", "A")
    assert result.exit_code == 6
    assert result.stderr.startswith("Error: nothing was changed: the issue would have problems (")
    assert "did you mean: salt-sensors?" in result.stderr
    assert (config.issues_dir / "t.yaml").read_bytes() == before
    result = cli("issue", "new", "T", "--slug", "t")
    assert result.exit_code == 6
    assert "exists already" in result.stderr
    result = cli("issue", "show", "missing")
    assert result.exit_code == 6
    assert result.stderr.startswith("Error: no issue 'missing'")


def test_options_are_checked(cli, config):
    assert cli("issue", "new", "T", "--date", "10/05/2024").exit_code == 2
    assert cli("issue", "new", "T", "--number", "0").exit_code == 2
    assert cli("issue", "add", "t", "x", "--position", "0").exit_code == 2
    assert cli("issue", "add", "t").exit_code == 2


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(cli, command):
    result = cli("issue", command, "--help")
    assert result.exit_code == 0
    doc = main.get_command(None, "issue").commands[command].help
    assert doc and len(doc) > 40
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"publisher issue {command}" in readme
