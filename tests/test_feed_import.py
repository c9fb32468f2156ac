"""Feeds: every new item of an RSS or Atom feed, and an issue made of them in one command."""

from __future__ import annotations

import json

import pytest

from publisher.importers import fetch
from tests.conftest import FIXTURES
from tests.webserver import web_server

PAGE = (FIXTURES / "html" / "vi_vnexpress.html").read_bytes()
HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
LONG = " ".join(["Nội dung đầy đủ của bản tin ngắn này, đủ dài để đọc trong thư."] * 3)


def item(base: str, path: str, title: str, day: int, text: str = "") -> str:
    content = f"<content:encoded><![CDATA[<p>{text}</p><p>{LONG}</p>]]></content:encoded>"
    return (
        f"<item><title>{title}</title><link>{base}{path}</link>"
        f"<description><![CDATA[<p>Tóm tắt: {title}.</p>]]></description>"
        f"<pubDate>{day:02d} May 2024 08:00:00 +0700</pubDate><category>Giao thông</category>"
        f"{content if text else ''}</item>"
    )


def rss(base: str, *items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Báo Ví Dụ - Giao thông</title><link>{base}/</link><language>vi</language>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


@pytest.fixture
def site(monkeypatch):
    monkeypatch.setattr(fetch, "PER_HOST_INTERVAL", 0.0)
    routes = {
        "/robots.txt": (200, {}, b"User-agent: *\nDisallow: /private/\n"),
        "/tin/bai.html": (200, HTML, PAGE),
    }
    with web_server(routes) as (base, log):
        routes["/rss"] = (
            200, RSS,
            rss(
                base,
                item(base, "/tin/bai.html", "Ba tuyến buýt điện", 6),
                item(base, "/gone.html", "Cầu mới thông xe", 5, "Cây cầu thứ ba qua sông."),
                item(base, "/private/x.html", "Bến xe dời đi", 4, "Bến xe cũ đóng cửa."),
            ),
        )  # fmt: skip
        yield base, routes, log


def test_a_feed_imports_each_item_once(cli, site, project):
    base, routes, _ = site
    result = cli("import", f"{base}/rss", "--json")
    assert result.exit_code == 0, result.output
    articles = {a["title"]: a for a in json.loads(result.stdout)}
    assert set(articles) == {
        "Hà Nội thêm ba tuyến buýt điện nối khu đô thị phía tây",  # its page, fetched
        "Cầu mới thông xe",  # 404: the feed's own text
        "Bến xe dời đi",  # forbidden by robots.txt: the feed's own text
    }
    fallback = articles["Cầu mới thông xe"]
    assert fallback["lead"] == "Tóm tắt: Cầu mới thông xe."
    assert fallback["paragraphs"][0] == "Cây cầu thứ ba qua sông."
    assert fallback["published"] == "2024-05-05T01:00:00+00:00"
    assert fallback["source"] == "Báo Ví Dụ - Giao thông" and fallback["keywords"] == ["Giao thông"]
    assert "imported from the feed's own text: the page could not be used" in result.stderr
    assert "HTTP 404" in result.stderr
    again = cli("import", f"{base}/rss", "--json")
    assert again.exit_code == 0 and json.loads(again.stdout) == []  # nothing new
    # The editor deletes one; a later run does not bring it back, but takes a new item.
    (project / "articles" / f"{fallback['slug']}.md").unlink()
    body = routes["/rss"][2].replace(
        b"<item>",
        item(base, "/new.html", "Tin mới nhất", 7, "Một tin mới.").encode() + b"<item>",
        1,
    )
    routes["/rss"] = (200, RSS, body)
    later = cli("import", f"{base}/rss", "--json")
    assert [a["title"] for a in json.loads(later.stdout)] == ["Tin mới nhất"]


def test_issue_new_from_a_feed(cli, site, project):
    base, _, _ = site
    (project / "publisher.toml").write_text(
        '[newsletter]\nname = "Tin"\nfrom_email = "news@example.org"\n', encoding="utf-8"
    )
    result = cli(
        "issue", "new", "Giao thông tuần này", "--from-feed", f"{base}/rss", "--since",
        "2024-05-05", "--section", "Giao thông",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = project / result.stdout.strip()
    shown = cli("issue", "show", path.stem, "--json")
    sections = json.loads(shown.stdout)["sections"]
    assert [s["title"] for s in sections] == ["Giao thông"]
    assert [a["title"] for a in sections[0]["articles"]] == [
        "Hà Nội thêm ba tuyến buýt điện nối khu đô thị phía tây",
        "Cầu mới thông xe",
    ]  # the item of 4 May was imported but is older than --since
    none = cli("issue", "new", "Lần nữa", "--from-feed", f"{base}/rss")
    assert none.exit_code == 6 and "the feed has no new items" in none.stderr
    assert sorted(p.name for p in (project / "issues").iterdir()) == [path.name]


def test_an_atom_file_is_a_feed_too(cli, project, tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "PER_HOST_INTERVAL", 0.0)
    atom = tmp_path / "feed.atom"
    atom.write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
        "<title>Example Wire</title><entry><title>River clean-up</title>"
        "<link href='http://127.0.0.1:9/closed.html'/><updated>2024-05-08T06:00:00Z</updated>"
        f"<author><name>Jane Doe</name></author><summary>Volunteers cleaned the river.</summary>"
        f"<content type='html'>&lt;p&gt;{LONG}&lt;/p&gt;</content></entry></feed>",
        encoding="utf-8",
    )
    result = cli("import", str(atom), "--json")
    assert result.exit_code == 0, result.output
    (article,) = json.loads(result.stdout)
    assert (article["title"], article["authors"]) == ("River clean-up", ["Jane Doe"])
    assert article["lead"] == "Volunteers cleaned the river."
