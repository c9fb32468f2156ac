"""``publisher import https://…``: pages fetched politely from a server on loopback."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from publisher.importers import fetch
from tests.conftest import FIXTURES
from tests.webserver import web_server

PAGE = (FIXTURES / "html" / "vi_vnexpress.html").read_bytes()
HTML = {"Content-Type": "text/html; charset=utf-8"}


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 40), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def site(monkeypatch):
    monkeypatch.setattr(fetch, "PER_HOST_INTERVAL", 0.0)
    routes = {
        "/robots.txt": (
            200,
            {"Content-Type": "text/plain"},
            b"User-agent: *\nDisallow: /private/\n",
        ),
        "/tin/bai.html": (200, HTML, PAGE),
        "/cu/bai.html": (301, {"Location": "/tin/bai.html"}, b""),
        "/private/bai.html": (200, HTML, PAGE),
        "/images/2024/05/06/buyt-dien.jpg": (200, {"Content-Type": "image/jpeg"}, jpeg()),
        "/trang-chu.html": (200, HTML, (FIXTURES / "html" / "home_page.html").read_bytes()),
        "/cham.html": (200, HTML, PAGE),
        "/cut.html": (200, {**HTML, "Content-Length": "90000"}, PAGE[:500]),
    }
    with web_server(routes, slow={"/cham.html": 3.0}) as (base, log):
        # The page's own links point at its site: here, the server on loopback.
        page = PAGE.replace(b"https://vidu.example.vn", base.encode())
        routes["/tin/bai.html"] = (200, HTML, page)
        yield base, log


def test_a_page_is_fetched_and_imported(cli, site, project):
    base, log = site
    result = cli("import", f"{base}/cu/bai.html", "--json")  # a redirect to the article
    assert result.exit_code == 0, result.output
    (article,) = json.loads(result.stdout)
    assert article["title"] == "Hà Nội thêm ba tuyến buýt điện nối khu đô thị phía tây"
    assert article["provenance"]["source_file"] == f"{base}/tin/bai.html"
    assert article["figures"][0]["src"] == f"{base}/images/2024/05/06/buyt-dien.jpg"
    assert [path for path, _ in log] == ["/robots.txt", "/cu/bai.html", "/tin/bai.html"]
    assert all(agent.startswith("publisher/") for _, agent in log)
    again = cli("import", f"{base}/tin/bai.html")
    assert again.stderr.startswith("unchanged")  # known by its address


def test_fetch_images_stores_the_pictures_in_the_project(cli, site, project):
    base, _ = site
    result = cli("import", f"{base}/tin/bai.html", "--fetch-images", "--json")
    assert result.exit_code == 0, result.output
    (article,) = json.loads(result.stdout)
    src = article["figures"][0]["src"]
    assert src.startswith("images/buyt-dien-") and src.endswith(".jpg")
    assert (project / src).read_bytes() == jpeg()


def test_a_fetched_article_builds_into_every_output_with_its_figure(cli, site, project):
    base, _ = site
    (project / "publisher.toml").write_text(
        '[newsletter]\nname = "Tin"\nbase_url = "https://news.example.org/"\n'
        'from_email = "news@example.org"\n',
        encoding="utf-8",
    )
    result = cli("import", f"{base}/tin/bai.html", "--fetch-images", "--json")
    assert result.exit_code == 0, result.output
    (article,) = json.loads(result.stdout)
    slug, src = article["slug"], article["figures"][0]["src"]
    assert cli("issue", "new", "Số 1", "--slug", "so-1").exit_code == 0
    assert cli("issue", "add", "so-1", slug, "--section", "Thời sự").exit_code == 0
    built = cli("build", "so-1", "--pdf")
    assert built.exit_code == 0, built.output
    out = project / "build" / "so-1"
    image = src.removeprefix("images/").rsplit(".", 1)[0]  # named by content, kept in the build
    for name in ("email.html", "email.txt", "print.html", f"web/{slug}/index.html"):
        content = " ".join((out / name).read_text(encoding="utf-8").split())
        assert "Xe buýt điện chạy thử trên làn đường riêng." in content, name
        assert "Quốc Bảo" in content, name  # the caption's credit
        if name != "email.txt":
            assert image in content, name  # the downloaded picture, not the site's
            assert f'src="{base}' not in content, name  # no picture hotlinked from its site
    assert any(image in p.name for p in (out / "web").rglob("*.jpg"))
    assert (out / "print.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/private/bai.html", "robots.txt does not allow fetching it"),
        ("/missing.html", "cannot fetch it: HTTP 404"),
        ("/trang-chu.html", "not an article"),
        ("/cut.html", "the connection closed after 500 of 90,000 bytes"),
    ],
)
def test_what_cannot_be_imported_is_reported_and_nothing_is_written(cli, site, project, path,
                                                                       message):  # fmt: skip
    base, _ = site
    result = cli("import", f"{base}{path}")
    assert result.exit_code == 4 and message in result.stderr, result.stderr
    assert f"{base}{path}" in result.stderr
    assert not (project / "articles").exists()


def test_a_slow_host_times_out(cli, site, project, monkeypatch):
    base, _ = site
    monkeypatch.setattr(fetch, "TIMEOUT", 0.5)
    result = cli("import", f"{base}/cham.html")
    assert result.exit_code == 4 and "no answer within 0.5 s" in result.stderr


def test_requests_to_one_host_are_spaced_out(site, monkeypatch):
    base, _ = site
    waits = []
    monkeypatch.setattr(fetch.time, "sleep", waits.append)
    fetcher = fetch.Fetcher(interval=1.0)
    fetcher.get(f"{base}/tin/bai.html", fetch.MAX_PAGE_BYTES)
    fetcher.get(f"{base}/tin/bai.html", fetch.MAX_PAGE_BYTES)
    spaced = [w for w in waits if w > 0]  # (the server's own sleep(0) lands here too)
    assert len(spaced) == 2 and all(w <= 1.0 for w in spaced)  # after robots.txt, then the page


def test_a_page_past_the_size_limit_is_refused(site):
    base, _ = site
    with pytest.raises(fetch.InputError, match="larger than 1,000 bytes"):
        fetch.Fetcher(interval=0).get(f"{base}/tin/bai.html", 1000)


def test_a_picture_that_cannot_be_downloaded_keeps_its_address(cli, project, monkeypatch):
    monkeypatch.setattr(fetch, "PER_HOST_INTERVAL", 0.0)
    picture = "/images/2024/05/06/buyt-dien.jpg"
    routes = {picture: (200, {"Content-Type": "image/jpeg"}, b"not a picture at all")}
    with web_server(routes) as (base, _):
        routes["/tin/bai.html"] = (
            200,
            HTML,
            PAGE.replace(b"https://vidu.example.vn", base.encode()),
        )
        result = cli("import", f"{base}/tin/bai.html", "--fetch-images", "--json")
    assert result.exit_code == 0, result.output
    (article,) = json.loads(result.stdout)
    assert (
        article["figures"][0]["src"] == f"{base}{picture}"
    )  # the article is imported all the same
    assert "picture not downloaded, its address is kept" in result.stderr
    assert not (project / "images").exists()
