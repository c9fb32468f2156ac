"""News pages saved as HTML: what an editor gets from a Vietnamese and an English page."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta, timezone

import pytest

from publisher.importers import pick_importer, read_source
from publisher.importers.html import title_without_site
from tests.conftest import FIXTURES

PAGES = FIXTURES / "html"
VN = timezone(timedelta(hours=7))


def imported(cli, name: str) -> dict:
    result = cli("import", str(PAGES / name), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    (article,) = json.loads(result.stdout)
    return article


def test_a_vietnamese_news_page(cli):
    article = imported(cli, "vi_vnexpress.html")
    assert article["title"] == "Hà Nội thêm ba tuyến buýt điện nối khu đô thị phía tây"
    assert article["kicker"] == "Thời sự"
    assert article["published"] == datetime(2024, 5, 6, 8, 15, tzinfo=VN).isoformat()
    assert (article["source"], article["authors"], article["language"]) == (
        "Báo Ví Dụ", ["Minh Anh"], "vi",
    )  # fmt: skip
    assert article["lead"].startswith("Ba tuyến buýt điện mới nối")  # the standfirst
    paragraphs = article["paragraphs"]
    assert paragraphs[0].startswith("Theo kế hoạch của Sở Giao thông Vận tải")
    assert "[phương tiện công cộng](https://vidu.example.vn/giao-thong-cong-cong)" in paragraphs[1]
    assert "## Giờ chạy và điểm dừng" in paragraphs
    assert "- Giờ cao điểm: 10 phút một chuyến.\n- Giờ thấp điểm: 15 phút một chuyến." in paragraphs
    assert any(p.startswith('> "Tôi sẽ để xe máy ở nhà') for p in paragraphs)
    assert article["figures"] == [
        {
            "src": "https://vidu.example.vn/images/2024/05/06/buyt-dien.jpg",
            "alt": "Xe buýt điện chạy thử trên làn đường riêng",
            "caption": "Xe buýt điện chạy thử trên làn đường riêng.",
            "credit": "Quốc Bảo",
            "after_paragraph": 2,
        }
    ]
    assert article["keywords"] == ["xe buýt điện", "giao thông công cộng", "Hà Nội"]
    everything = json.dumps(article, ensure_ascii=False)
    for boilerplate in ("Quảng cáo", "Chia sẻ", "Tin liên quan", "Ý kiến bạn đọc", "hoan nghênh",
                        "Giấy phép", "Kinh doanh"):  # fmt: skip
        assert boilerplate not in everything, boilerplate


def test_an_english_news_page(cli):
    article = imported(cli, "en_guardian.html")
    assert article["title"] == "Vietnam's rice farmers turn to drones as heat shortens the season"
    assert article["published"] == datetime(2024, 5, 9, 5, 0, 12, tzinfo=UTC).isoformat()
    assert (article["source"], article["authors"], article["language"]) == (
        "The Example Guardian", ["Rebecca Ratcliffe"], "en",
    )  # fmt: skip
    assert article["lead"].startswith("Cooperatives in the Mekong delta")
    assert article["paragraphs"][0].startswith("In the flat green fields outside Can Tho")
    assert "## Sensors in the canals" in article["paragraphs"]
    # The photo above the text, which the extraction leaves out, is the article's own.
    assert article["figures"] == [
        {
            "src": "https://i.example-guardian.co.uk/img/drone-over-paddy.jpg",
            "alt": "A spraying drone flies low over a green rice paddy",
            "caption": "A drone sprays a paddy near Can Tho.",
            "credit": "Nhac Nguyen/AFP/Getty Images",
            "after_paragraph": 0,
        }
    ]
    assert article["keywords"] == ["Vietnam", "Farming", "Climate crisis"]
    everything = json.dumps(article)
    for boilerplate in ("Support us", "Share on", "Most viewed", "Related:", "Skip to"):
        assert boilerplate not in everything, boilerplate


def test_a_page_that_is_not_an_article_is_refused_with_the_reason(cli, project):
    result = cli("import", str(PAGES / "home_page.html"))
    assert result.exit_code == 4
    assert "not an article: " in result.stderr and "home page" in result.stderr
    assert not (project / "articles").exists()


def test_html_is_recognised_by_its_content_and_refused_as_text(tmp_path, cli):
    disguised = tmp_path / "saved-page.txt"
    shutil.copy(PAGES / "vi_vnexpress.html", disguised)
    assert pick_importer(read_source(disguised)).name == "html"
    result = cli("import", str(disguised), "--format", "news-text")
    assert result.exit_code == 4 and "import it with --format html" in result.stderr


def test_the_canonical_address_is_kept_and_an_imported_page_builds(cli, project):
    (project / "publisher.toml").write_text(
        '[newsletter]\nname = "Tin"\nbase_url = "https://news.example.org/"\n'
        'from_email = "news@example.org"\n',
        encoding="utf-8",
    )
    assert cli("import", str(PAGES / "vi_vnexpress.html")).exit_code == 0
    slug = "ha-noi-them-ba-tuyen-buyt-dien-noi-khu-do-thi-phia-tay"
    text = (project / "articles" / f"{slug}.md").read_text(encoding="utf-8")
    assert (
        "url: https://vidu.example.vn/thoi-su/ha-noi-them-ba-tuyen-buyt-dien-4790011.html" in text
    )
    assert cli("issue", "new", "Số 1", "--slug", "so-1").exit_code == 0
    assert cli("issue", "add", "so-1", slug, "--section", "Thời sự").exit_code == 0
    built = cli("build", "so-1")
    assert built.exit_code == 0, built.output
    out = project / "build" / "so-1"
    for name in ("email.html", "email.txt", "print.html", f"web/{slug}/index.html"):
        content = " ".join((out / name).read_text(encoding="utf-8").split())
        assert "Xe buýt điện chạy thử trên làn đường riêng." in content, name
        assert "Quốc Bảo" in content, name
    assert "https://vidu.example.vn/images/2024/05/06/buyt-dien.jpg" in (
        out / "email.html"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["vi_vnexpress.html", "en_guardian.html"])
def test_an_imported_page_reads_back_the_same(cli, project, name):
    from publisher.articles.library import Library

    result = cli("import", str(PAGES / name), "--json")
    (article,) = json.loads(result.stdout)
    again = Library(project / "articles").get(article["slug"]).to_json()
    assert again == article


def test_a_page_with_lazy_images_a_titled_site_and_a_labelled_author(cli):
    article = imported(cli, "en_lazy_images.html")
    # The site's name that the page's <title> adds is not part of the headline.
    assert article["title"] == "Harbor festival returns with a night market along the quay"
    assert (article["authors"], article["source"]) == (["Dana Kim"], "The Harbor Courier")
    # The metadata is the article's, not the sidebar's: its tag cloud names the site's tags.
    assert not {"elections", "weather", "schools"} & set(article["keywords"])
    assert article["published"] == "2024-06-14T18:30:00-07:00"
    # The standfirst, set as a heading, leads as text.
    assert article["lead"].startswith("After a four-year break, the harbor festival is back")
    assert [p.split()[0] for p in article["paragraphs"]] == [
        "More", "The", "Dragon", "Music", "Residents",
    ]  # fmt: skip
    # One photo, however many sizes the lazy loader offers, with the page's caption; and the
    # photo that opened a paragraph, before it.
    assert [(f["src"].rsplit("/", 1)[1], f["caption"], f["credit"], f["after_paragraph"])
            for f in article["figures"]] == [
        ("quay-640.jpg", "Stalls line the quay as the market opens on Friday evening.",
         "Lena Vos", 0),
        ("boats-800.jpg", "", "", 2),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("title", "site", "host", "expected"),
    [
        ("Uncork the mystery of the valley's wine | VW | 10.06.2013", "VW.COM", "vw.com",
         "Uncork the mystery of the valley's wine"),
        ("What we do - Open Commons", "Open Commons", "opencommons.org", "What we do"),
        ("Simply Science - How does oil form?", "Simply Science", "simplyscience.ch",
         "How does oil form?"),
        ("Tax advice abroad | Law Office Baumann", "baumann.example", "baumann.example",
         "Tax advice abroad"),
        ("Wellness: a day at the spa - PLUS Fashion - BLOG", "PLUS Fashion - BLOG", "plus.example",
         "Wellness: a day at the spa"),
        ("Homo Harboris | Harbor Centre for Civic Education", "civic-education-harbor.example",
         "civic-education-harbor.example", "Homo Harboris"),
        ("Letters: Potholes | Parking | Bus fares", "The Daily Ledger", "ledger.example",
         "Letters: Potholes | Parking | Bus fares"),
        ("Why the sea is salty - a short history", "Ocean Notes", "oceannotes.example",
         "Why the sea is salty - a short history"),
        ("The Harbor - a history of the quay", "The Harbor Courier", "courier.example",
         "The Harbor - a history of the quay"),
        ("Ferry Guide: where the boats go | FERRY GUIDE", "Ferry Guide", "ferryguide.example",
         "Ferry Guide: where the boats go"),
    ],
)  # fmt: skip
def test_the_site_s_name_leaves_the_title(title, site, host, expected):
    assert title_without_site(title, site, host) == expected
