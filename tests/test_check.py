"""``publisher check``: what it finds in a built issue, and its exit status."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import ROOT
from tests.sample_issue import EXAMPLE


@pytest.fixture
def built(cli, project):
    for name in ("publisher.toml", "articles", "issues", "images"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    assert cli("build", EXAMPLE).exit_code == 0
    return project / "build" / EXAMPLE


def findings(result) -> list[tuple[str, str, str]]:
    return [
        (f["severity"], f["where"], f["message"]) for f in json.loads(result.stdout)["findings"]
    ]


def test_the_example_issue_has_warnings_and_no_error(cli, built):
    result = cli("check", EXAMPLE, "--json")
    assert result.exit_code == 0, result.output
    found = findings(result)
    assert all(severity != "error" for severity, _, _ in found)
    places = {where for _, where, _ in found}
    assert "subject" in places  # 65 characters: a phone shows about 60
    assert not any(p.startswith("article ") for p in places)  # English blocks carry lang="en"
    assert any("figure 1 has no image" in message for _, _, message in found)
    text = cli("check", EXAMPLE)
    assert text.exit_code == 0 and "warning  subject: 65 characters" in text.stdout
    assert "fix: put what matters first" in text.stdout


def edit(path, old, new):
    content = path.read_text(encoding="utf-8")
    assert old in content, old
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def test_what_would_hurt_subscribers_is_an_error(cli, built):
    email = built / "email.html"
    web_url = "https://news.example.org/issues/ban-tin-vi-du-so-1/"
    edit(email, 'href="%%UNSUBSCRIBE_URL%%"', 'href="https://example.org/"')
    edit(email, "Thư này được gửi tới", "%%SUBSCRIBER_NAM%% Thư này được gửi tới")
    edit(email, f'href="{web_url}xe-buyt-dien-ven-bien-da-nang/"', f'href="{web_url}gone/"')
    edit(
        email,
        "<img alt=",
        '<a href="javascript:alert(1)">x</a><img src="http://x.example/a.png"><img alt=',
    )
    edit(built / "web" / "index.html", "</body>", "%%SUBSCRIBER_EMAIL%%</body>")
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    manifest["email"]["mime_bytes"] = 200_000
    (built / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = cli("check", EXAMPLE, "--json")
    assert result.exit_code == 6
    errors = {
        (where, message.split(":")[0]) for sev, where, message in findings(result) if sev == "error"
    }
    assert errors == {
        ("email", "the message is 200,000 bytes encoded"),
        ("email.html", "no unsubscribe link (%%UNSUBSCRIBE_URL%%) in the email"),
        ("email.html", "'%%SUBSCRIBER_NAM%%' is not a token the send step fills"),
        (f"link {web_url}gone/", "points into the web edition at a page it lacks"),
        ("link javascript:alert(1)", "a javascript"),
        ("web/index.html", "%%SUBSCRIBER_EMAIL%% would show as it is on the web"),
    }
    warnings = {where for sev, where, _ in findings(result) if sev == "warning"}
    assert {"image http://x.example/a.png"} <= warnings


def test_an_article_in_another_language_without_lang_is_found(cli, built):
    email = built / "email.html"
    email.write_text(email.read_text(encoding="utf-8").replace(' lang="en"', ""), encoding="utf-8")
    result = cli("check", EXAMPLE, "--json")
    flagged = {where for _, where, message in findings(result) if "without lang='en'" in message}
    assert flagged == {
        "article mekong-delta-salinity-sensors",
        "article hoi-an-lantern-makers",
        "article central-highlands-coffee-shade-trees",
    }


def test_subject_and_preheader_and_a_stale_build(cli, built, project):
    issue = project / "issues" / f"{EXAMPLE}.yaml"
    edit(issue, 'subject: "Bản tin Ví dụ số 1: xe buýt điện, mùa lúa sớm và thư viện trên xe"',
         'subject: "MIỄN PHÍ!! ĐỌC NGAY"')  # fmt: skip
    edit(issue, 'preheader: "Tám bài', 'preheader: ""\n# "Tám bài')
    assert cli("build", EXAMPLE).exit_code == 0
    article = project / "articles" / "giai-chay-dem-quanh-ho-tay.md"
    edit(article, "title: ", "title: Sửa lại - ")  # changed after the build
    result = cli("check", EXAMPLE, "--json")
    assert result.exit_code == 0
    messages = {(where, message.split(":")[0]) for _, where, message in findings(result)}
    assert ("subject", "all in capitals") in messages
    assert ("subject", "punctuation or words spam filters count (!!, ??, $$, FREE, RE") in messages
    assert ("preheader", "none in the issue file") in messages
    assert ("article giai-chay-dem-quanh-ho-tay", "changed since the build") in messages


def test_an_issue_that_is_not_built(cli, project):
    result = cli("check", "nothing")
    assert result.exit_code == 1 and "run publisher build nothing first" in result.stderr
