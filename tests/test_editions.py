"""Language editions: ``editions:`` in an issue file, built, checked, uploaded and sent."""

from __future__ import annotations

import json
from email import message_from_bytes, policy

import pytest
from lxml import html as lxml_html

from publisher.config import load_config
from publisher.errors import ComposeError
from publisher.issues.compose import compose_issue
from publisher.model import Subscriber
from publisher.output.build import build_issue
from publisher.output.check import check_issue
from publisher.output.layout import issue_keys
from tests.mailkit import add_subscribers
from tests.test_send_example import example_project

ENGLISH = """
editions:
  en:
    title: "Example Newsletter No. 1"
    subject: "Example No. 1: sensors, lanterns and coffee"
    preheader: "Three stories from the Mekong Delta, Hoi An and the Central Highlands"
    intro: |
      This is the English edition of the sample issue.
    sections:
      - title: In English
        articles:
          - mekong-delta-salinity-sensors
          - slug: hoi-an-lantern-makers
            excerpt: full
"""


@pytest.fixture
def example(project, smtp_server):
    slug = example_project(project, smtp_server)
    path = project / "issues" / f"{slug}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + ENGLISH, encoding="utf-8")
    return slug


def problems_of(project, slug: str, editions: str) -> list[str]:
    path = project / "issues" / f"{slug}.yaml"
    text = path.read_text(encoding="utf-8").split("\neditions:")[0]
    path.write_text(text + editions, encoding="utf-8")
    with pytest.raises(ComposeError) as raised:
        compose_issue(load_config(project), slug)
    return raised.value.problems


def test_an_edition_overrides_what_it_gives_and_keeps_the_rest(project, example):
    issue = compose_issue(load_config(project), example)
    (english,) = issue.editions
    assert (english.edition, english.language) == ("en", "en")
    assert english.title == "Example Newsletter No. 1" and english.subject.startswith("Example No")
    assert english.intro.startswith("This is the English edition")
    assert english.number == issue.number and english.sender == issue.sender
    assert english.web_url == issue.web_url + "en/"
    assert [e.article.slug for e in english.entries] == [
        "mekong-delta-salinity-sensors", "hoi-an-lantern-makers"
    ]  # fmt: skip
    assert english.entries[0].url == issue.web_url + "en/mekong-delta-salinity-sensors/"
    assert english.entries[1].excerpt == "full"
    # Without sections of its own, an edition has the issue's; a title is its subject too.
    path = project / "issues" / f"{example}.yaml"
    text = path.read_text(encoding="utf-8").split("\neditions:")[0]
    path.write_text(text + "\neditions:\n  en:\n    title: Only a title\n", encoding="utf-8")
    (english,) = compose_issue(load_config(project), example).editions
    assert english.subject == "Only a title" and english.preheader == issue.preheader
    assert [e.article.slug for e in english.entries] == [e.article.slug for e in issue.entries]


def test_bad_editions_are_problems_with_their_lines(project, example):
    found = problems_of(project, example, "\neditions:\n  xx-nonsense-1: {}\n  vi:\n"
                        "    title: Again\n  en:\n    headline: x\n    sections:\n"
                        "      - title: A\n        articles: [no-such-article]\n")  # fmt: skip
    text = "\n".join(found)
    assert "editions.xx-nonsense-1: 'xx-nonsense-1' is not a language code" in text
    assert "editions.vi: the issue itself is in vi" in text
    assert "editions.en.headline: unknown field" in text
    assert "no article 'no-such-article' in the library" in text
    assert all(p.startswith("line ") for p in found), found
    found = problems_of(project, example, "\neditions: [en]\n")
    assert any("editions: must map a language code" in p for p in found)
    found = problems_of(project, example, "\neditions:\n  en: English please\n")
    assert any("editions.en: must be a mapping" in p for p in found)
    found = problems_of(project, example, "\neditions:\n  en: {}\n  en-GB: {}\n")
    assert any("editions.en-GB: a second edition in this language" in p for p in found)


def test_the_build_writes_each_edition_in_its_folder(project, example, cli):
    config = load_config(project)
    result = build_issue(config, example)
    folder = result.out
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["editions"] == {
        "en": {"folder": "en/", "subject": "Example No. 1: sensors, lanterns and coffee"}
    }
    for name in ("email.html", "email.txt", "print.html", "manifest.json", "web/index.html",
                 "web/hoi-an-lantern-makers/index.html"):  # fmt: skip
        assert (folder / "en" / name).is_file(), name
        assert f"en/{name}" in manifest["files"]
    email = lxml_html.document_fromstring((folder / "en" / "email.html").read_bytes())
    assert email.get("lang") == "en"
    text = email.text_content()
    assert "Example Newsletter No. 1" in text and "View in your browser" in text
    assert "Xem trên trình duyệt" not in text and "Đọc tiếp" not in text
    # The edition's own images, under its own address.
    sources = [i.get("src") for i in email.iter("img")]
    assert sources and all(s.startswith(f"https://news.example.org/issues/{example}/en/images/")
                           for s in sources)  # fmt: skip
    assert all((folder / "en" / "web" / "images" / s.rsplit("/", 1)[1]).is_file() for s in sources)
    # The web edition's archive link climbs one folder more; the editions link to each other.
    page = (folder / "en" / "web" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../../"' in page
    assert '<a href="../" hreflang="vi" lang="vi">Tiếng Việt</a>' in page
    page = (folder / "web" / "index.html").read_text(encoding="utf-8")
    assert '<a href="en/" hreflang="en" lang="en">English</a>' in page
    # A rebuild replaces the whole build; a file added to an edition by hand stops it.
    assert build_issue(config, example).out == folder
    (folder / "en" / "notes.txt").write_text("mine", encoding="utf-8")
    refused = cli("build", example)
    assert refused.exit_code == 7 and "en/notes.txt is not a file of the build" in refused.stderr
    assert (folder / "en" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_upload_keys_publish_each_edition_under_the_issue(project, example):
    folder = build_issue(load_config(project), example).out
    keys = issue_keys(folder, example)
    assert keys[f"issues/{example}/en/index.html"] == folder / "en" / "web" / "index.html"
    assert keys[f"issues/{example}/en/print.html"] == folder / "en" / "print.html"
    assert f"issues/{example}/index.html" in keys
    assert not any("email" in key or key.endswith("manifest.json") for key in keys)


def test_check_looks_at_every_edition(project, example, cli):
    assert cli("build", example).exit_code == 0
    report = check_issue(load_config(project), example)
    assert not [f for f in report.findings if f.where.startswith("edition en") and
                f.severity == "error"]  # fmt: skip
    # An edition that kept the issue's subject is sent with a subject in another language.
    path = project / "issues" / f"{example}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '    subject: "Example No. 1: sensors, lanterns and coffee"\n', ""
        ),
        encoding="utf-8",
    )
    path.write_text(path.read_text(encoding="utf-8").replace(
        '    title: "Example Newsletter No. 1"\n', ""), encoding="utf-8")  # fmt: skip
    assert cli("build", example).exit_code == 0
    result = cli("check", example, "--json")
    findings = json.loads(result.stdout)["findings"]
    same = [f for f in findings if f["where"] == "edition en, subject" and "same" in f["message"]]
    assert same and "the same as the issue's own" in same[0]["message"]
    assert "give editions.en a subject" in same[0]["fix"]


def test_each_subscriber_is_sent_the_edition_of_their_language(project, example, cli,
                                                              smtp_server):  # fmt: skip
    assert cli("build", example).exit_code == 0
    add_subscribers(project, [
        Subscriber(email="an@example.org", name="Nguyễn An", language="vi"),
        Subscriber(email="jane@example.com", name="Jane Roe", language="en"),
        Subscriber(email="ian@example.co.uk", name="Ian", language="en-GB"),
        Subscriber(email="marie@example.fr", name="Marie", language="fr"),
        Subscriber(email="nolang@example.org", name="", language=""),
    ])  # fmt: skip
    result = cli("send", example, "--transport", "smtp", "--yes")
    assert result.exit_code == 0, result.output
    received = {}
    for message in smtp_server.handler.messages:
        (address,) = message.recipients
        assert address not in received, "one message per subscriber"
        received[address] = message_from_bytes(message.data, policy=policy.default)
    assert len(received) == 5
    english = {"jane@example.com", "ian@example.co.uk"}
    ids = set()
    for address, parsed in received.items():
        text = parsed.get_payload(0).get_content()
        if address in english:
            assert parsed["Subject"] == "Example No. 1: sensors, lanterns and coffee"
            assert "This is the English edition" in text and "Chào bạn đọc" not in text
            assert f"/issues/{example}/en/" in text
        else:  # the issue's own language, or one without an edition: the issue itself
            assert parsed["Subject"].startswith("Bản tin Ví dụ số 1")
            assert "Chào bạn đọc" in text and "This is the English edition" not in text
        ids.add(parsed["Message-ID"])
    assert len(ids) == 5
    assert cli("send", example, "--status").stdout.startswith("queued     0")
    # A test copy goes out in the edition its subscriber would get.
    smtp_server.handler.messages.clear()
    result = cli("send", example, "--transport", "smtp", "--to", "jane@example.com")
    assert result.exit_code == 0, result.output
    (copy,) = smtp_server.handler.messages
    parsed = message_from_bytes(copy.data, policy=policy.default)
    assert parsed["Subject"] == "[TEST] Example No. 1: sensors, lanterns and coffee"


def test_issue_show_lists_the_editions(project, example, cli):
    result = cli("issue", "show", example)
    assert result.exit_code == 0, result.output
    assert "edition en: Example Newsletter No. 1" in result.stdout
    assert "1. In English: mekong-delta-salinity-sensors, hoi-an-lantern-makers" in result.stdout
    data = json.loads(cli("issue", "show", example, "--json").stdout)
    (english,) = data["editions"]
    assert english["language"] == "en" and english["sections"][0]["title"] == "In English"


def test_the_preview_shows_each_edition(project, example):
    from publisher.preview.app import PreviewApp
    from publisher.preview.session import PreviewSession, Sample
    from tests.test_preview import request_app

    session = PreviewSession(project, example, Sample("jane@example.com", "Jane Roe", "en"))
    state = session.rebuild()
    assert state.error == "" and state.own_edition == "en"
    app = PreviewApp(session)
    _, shell, _ = request_app(app, "/")
    assert 'src="/en/email"' in shell and "Example No. 1: sensors" in shell
    assert 'aria-label="Editions"' in shell
    _, email, _ = request_app(app, "/en/email")
    assert 'src="/web/en/images/' in email and "news.example.org/issues/" not in email
    status, _, headers = request_app(app, "/web/en/hoi-an-lantern-makers/")
    assert status.startswith("200") and headers["Content-Type"].startswith("text/html")
    # The web editions link to each other, as where they are published.
    _, page, _ = request_app(app, "/web/")
    assert '<a href="en/" hreflang="en" lang="en">English</a>' in page
    _, page, _ = request_app(app, "/web/en/")
    assert '<a href="../" hreflang="vi" lang="vi">Tiếng Việt</a>' in page
    assert 'src="/web/en/"' in request_app(app, "/?view=web&edition=en")[1]
    _, text, _ = request_app(app, "/en/text")
    assert "This is the English edition" in text
    _, shell, _ = request_app(app, "/?edition=")
    assert 'src="/email"' in shell


def test_the_site_holds_each_edition_and_its_links_reach_the_archive(project, example, cli):
    result = cli("site")
    assert result.exit_code == 0, result.output
    site = project / "build" / "site"
    page = site / "issues" / example / "en" / "index.html"
    assert page.is_file()
    article = site / "issues" / example / "en" / "hoi-an-lantern-makers" / "index.html"
    archive = (
        lxml_html.document_fromstring(article.read_bytes())
        .xpath("//nav[@class='site-nav']/a")[1]
        .get("href")
    )
    assert (article.parent / archive / "index.html").resolve() == (site / "index.html").resolve()
    # The archive offers each issue's other languages.
    front = (site / "index.html").read_text(encoding="utf-8")
    assert f'<a href="issues/{example}/en/" hreflang="en" lang="en">English</a>' in front
