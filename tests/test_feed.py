"""The Atom feed: parses, lists every issue newest first, and is the same bytes every build."""

from __future__ import annotations

from datetime import date

import feedparser

from publisher.output.feed import IssueSummary, atom_feed, newest_first

SITE = "https://news.example.org/"


def summary(slug: str, day: date | None, number: int | None = None, **fields) -> IssueSummary:
    values = {
        "slug": slug,
        "title": f"Bản tin {slug}",
        "number": number,
        "date": day,
        "language": "vi",
        "subject": "",
        "preheader": f"Tóm tắt {slug}",
        "web_url": f"{SITE}issues/{slug}/",
        "organisation": "Ví dụ",
        "articles": (("Tin <một> & hai", f"{SITE}issues/{slug}/tin-mot/"),),
    }
    values.update(fields)
    return IssueSummary(**values)


ISSUES = [
    summary("so-1", date(2017, 8, 7), 1),
    summary("so-3", date(2017, 8, 21), 3),
    summary("ban-nhap", None),
    summary("so-2", date(2017, 8, 14), 2),
]


def test_feed_parses_and_lists_every_issue_newest_first():
    parsed = feedparser.parse(atom_feed(ISSUES, title="Bản tin", site_url=SITE, language="vi"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Bản tin"
    assert [e.link for e in parsed.entries] == [
        f"{SITE}issues/{slug}/" for slug in ("so-3", "so-2", "so-1", "ban-nhap")
    ]
    assert parsed.entries[0].summary == "Tóm tắt so-3"
    assert parsed.feed.updated.startswith("2017-08-21")
    assert "Tin &lt;một&gt; &amp; hai" in parsed.entries[0].content[0].value
    assert any(link.rel == "self" and link.href == f"{SITE}feed.xml" for link in parsed.feed.links)


def test_feed_is_reproducible():
    first = atom_feed(ISSUES, title="T", site_url=SITE)
    assert first == atom_feed(list(reversed(ISSUES)), title="T", site_url=SITE)


def test_newest_first_orders_by_date_then_number():
    same_day = [summary("a", date(2020, 1, 1), 1), summary("b", date(2020, 1, 1), 2)]
    assert [i.slug for i in newest_first(same_day)] == ["b", "a"]


def test_from_manifest():
    manifest = {
        "issue": {
            "slug": "so-1", "title": "Số 1", "number": 1, "date": "2017-08-07",
            "language": "vi", "subject": "S", "preheader": "P",
            "web_url": f"{SITE}issues/so-1/", "sender": {"organisation": "Org"},
        },
        "articles": [{"slug": "a", "title": "A", "url": f"{SITE}issues/so-1/a/"}],
    }  # fmt: skip
    issue = IssueSummary.from_manifest(manifest)
    assert issue.date == date(2017, 8, 7) and issue.articles == (("A", f"{SITE}issues/so-1/a/"),)
