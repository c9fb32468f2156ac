"""The web edition, archive and feed of a built site, checked as a reader and a browser see them."""

from __future__ import annotations

import shutil
from pathlib import Path

import feedparser
import pytest
from lxml import html as lxml_html
from PIL import Image

from publisher.config import load_config
from publisher.errors import ComposeError
from publisher.output.build import build_issue
from publisher.output.site import MARKER, build_site
from publisher.render.web import Page
from publisher.upload import DirectoryDestination, run_upload, site_files
from publisher.upload.s3 import S3Destination, make_client
from tests.conftest import ROOT, require_module
from tests.s3server import s3_server
from tests.sitecheck import broken_links, parse, target_key

BASE = "https://news.example.org/"
FIRST = "ban-tin-vi-du-so-1"
SECOND = "so-2"
SECOND_ISSUE = """\
title: "Bản tin số 2"
number: 2
date: 2024-05-17
subject: "Số 2: đèn lồng và cà phê"
preheader: "Hai bài mẫu"
sections:
  - title: Đời sống
    articles:
      - hoi-an-lantern-makers
      - slug: central-highlands-coffee-shade-trees
        excerpt: full
"""


def make_project(root: Path) -> Path:
    """The repository's example newsletter plus a second issue and one very wide photo."""
    root.mkdir(parents=True)
    for name in ("articles", "images", "issues"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "publisher.toml", root / "publisher.toml")
    (root / "issues" / f"{SECOND}.yaml").write_text(SECOND_ISSUE, encoding="utf-8")
    # A camera-sized photo: the build must bring it down to 1200 px.
    Image.new("RGB", (2400, 1350), (40, 90, 160)).save(root / "images" / "lanterns.jpg", "JPEG")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    project = make_project(tmp_path_factory.mktemp("site") / "project")
    result = build_site(load_config(project))
    return project, result.out


def site_of(built) -> Path:
    return built[1]


def test_site_layout(built):
    site = site_of(built)
    assert (site / "index.html").is_file() and (site / "feed.xml").is_file()
    for slug in (FIRST, SECOND):
        assert (site / "issues" / slug / "index.html").is_file()
        assert (site / "issues" / slug / "print.html").is_file()
    assert (site / "issues" / SECOND / "hoi-an-lantern-makers" / "index.html").is_file()
    assert not list(site.rglob("email.*")) and not list(site.rglob("manifest.json"))
    assert MARKER not in {f.key for f in site_files(site)}


def test_every_internal_link_resolves(built):
    site = site_of(built)
    assert broken_links(site, BASE) == []


def test_email_links_point_at_built_pages(built):
    project, site = built
    email = (project / "build" / FIRST / "email.html").read_text(encoding="utf-8")
    links = parse(email).links
    internal = [link for link in links if link.startswith(BASE)]
    assert f"{BASE}issues/{FIRST}/" in internal  # view in browser
    assert f"{BASE}issues/{FIRST}/xe-buyt-dien-ven-bien-da-nang/" in internal
    images = [link for link in internal if "/images/" in link]
    assert images
    for link in internal:
        assert (site / target_key(link, "", BASE)).is_file(), link


def test_email_images_are_absolute_resized_and_sized(built):
    project, site = built
    email = (project / "build" / SECOND / "email.html").read_text(encoding="utf-8")
    tags = [t for t in email.split("<img")[1:] if "/images/" in t]
    assert tags and all(f'src="{BASE}issues/{SECOND}/images/' in t for t in tags)
    assert all(' width="' in t for t in tags)
    for path in (site / "issues" / SECOND / "images").iterdir():
        with Image.open(path) as image:
            assert image.width <= 1200
    lantern = next((site / "issues" / SECOND / "images").glob("lanterns-*.jpg"))
    assert Image.open(lantern).size == (1200, 675)


def test_web_pages_have_sizes_canonical_and_open_graph(built):
    site = site_of(built)
    page = site / "issues" / SECOND / "central-highlands-coffee-shade-trees" / "index.html"
    html = page.read_text(encoding="utf-8")
    meta = parse(html).meta
    url = f"{BASE}issues/{SECOND}/central-highlands-coffee-shade-trees/"
    assert f'<link rel="canonical" href="{url}">' in html and meta["og:url"] == url
    assert meta["og:title"] and meta["og:description"] and meta["og:type"] == "article"
    assert meta["og:image"].startswith(f"{BASE}issues/{SECOND}/images/")
    for tag in html.split("<img")[1:]:
        assert ' width="' in tag and ' height="' in tag
    issue = parse((site / "issues" / FIRST / "index.html").read_text(encoding="utf-8")).meta
    assert issue["og:url"] == f"{BASE}issues/{FIRST}/" and issue["og:description"]


def test_web_pages_hold_no_subscriber_tokens(built):
    for page in site_of(built).rglob("*.html"):
        assert "%%" not in page.read_text(encoding="utf-8"), page


def test_archive_lists_every_issue_newest_first(built):
    html = (site_of(built) / "index.html").read_text(encoding="utf-8")
    links = [link for link in parse(html).links if "issues/" in link]
    assert links == [f"issues/{SECOND}/", f"issues/{FIRST}/"]
    assert 'type="application/atom+xml"' in html


def test_feed_lists_every_issue(built):
    site = site_of(built)
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.link for e in feed.entries] == [f"{BASE}issues/{SECOND}/", f"{BASE}issues/{FIRST}/"]
    for entry in feed.entries:
        assert (site / target_key(entry.link, "", BASE)).is_file()


@pytest.mark.parametrize("width", [375, 1280])
def test_pages_fit_the_screen(built, browser, width):
    site = site_of(built)
    pages = [site / "index.html", *sorted((site / "issues").rglob("index.html"))]
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.route("http*://**", lambda route: route.abort())  # nothing leaves the machine
    try:
        view = context.new_page()
        for page in pages:
            view.goto(page.as_uri())
            scroll = view.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{page.relative_to(site)} is {scroll}px wide at {width}px"
    finally:
        context.close()


def test_rebuilding_changes_no_byte_so_nothing_is_uploaded_again(built, tmp_path):
    project, site = built
    dest = tmp_path / "www"
    assert run_upload(site_files(site), DirectoryDestination(dest)).ok
    build_site(load_config(project))
    again = run_upload(site_files(site), DirectoryDestination(dest))
    assert again.uploaded == [] and again.skipped


def test_a_broken_issue_stops_the_site_before_anything_is_written(tmp_path):
    project = make_project(tmp_path / "project")
    (project / "issues" / "hong.yaml").write_text(
        "title: Hỏng\nsections:\n  - title: A\n    articles: [khong-co-bai-nay]\n", encoding="utf-8"
    )
    with pytest.raises(ComposeError) as caught:
        build_site(load_config(project))
    assert "hong" in str(caught.value)
    assert not (project / "build").exists()


def test_site_command(tmp_path, cli, project):
    shutil.rmtree(project)
    make_project(project)
    result = cli("site")
    assert result.exit_code == 0, result.output
    assert f"built    {SECOND}" in result.stderr and "2 issues" in result.stdout


def test_relative_links_from_pages():
    issue = Page(url=f"{BASE}issues/a/", depth=0, root=f"{BASE}issues/a/", title="", description="")
    article = Page(url="", depth=1, root=f"{BASE}issues/a/", title="", description="")
    assert issue.href(f"{BASE}issues/a/images/x.jpg") == "images/x.jpg"
    assert article.href(f"{BASE}issues/a/images/x.jpg") == "../images/x.jpg"
    assert article.href(f"{BASE}issues/a/") == "../" and issue.href(f"{BASE}issues/a/") == "./"
    assert article.href("images/x.jpg") == "../images/x.jpg"  # no base URL: relative already
    assert article.href("https://cdn.example.org/x.jpg") == "https://cdn.example.org/x.jpg"


def test_built_site_goes_to_s3_as_built(built, monkeypatch):
    site = site_of(built)
    with s3_server(monkeypatch) as s3:
        s3.client().create_bucket(Bucket="built-site")
        destination = S3Destination("built-site", "", client=make_client(s3.url))
        report = run_upload(site_files(site), destination)
        assert report.ok
        client = s3.client()
        for key in ("index.html", f"issues/{FIRST}/index.html", "feed.xml"):
            obj = client.get_object(Bucket="built-site", Key=key)
            assert obj["Body"].read() == (site / key).read_bytes()
        assert report.uploaded[-1] == "feed.xml" and report.uploaded[-2] == "index.html"
        image = next(k for k in report.uploaded if "/images/" in k)
        head = client.head_object(Bucket="built-site", Key=image)
        assert head["ContentType"] == "image/jpeg" and "immutable" in head["CacheControl"]
        again = run_upload(
            site_files(site), S3Destination("built-site", "", client=make_client(s3.url))
        )
        assert again.uploaded == []


def test_site_keeps_the_pdf_a_build_made_until_the_print_edition_changes(tmp_path, cli):
    require_module("weasyprint", "pip install -e '.[pdf]'")

    project = make_project(tmp_path / "newsletter")  # the cli fixture has made project/
    config = load_config(project)
    build_issue(config, SECOND, pdf=True)
    pdf = project / "build" / SECOND / "print.pdf"
    made = pdf.read_bytes()
    result = build_site(config)
    assert pdf.read_bytes() == made  # kept: nothing it was made from changed
    assert (result.out / "issues" / SECOND / "print.pdf").read_bytes() == made
    assert result.removed == () and all(b.removed == [] for b in result.builds)
    issue = project / "issues" / f"{SECOND}.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("Bản tin số 2", "Số hai"))
    run = cli("--project", str(project), "site")  # the last --project wins
    assert run.exit_code == 0, run.output
    assert not pdf.exists()  # stale now: it would show the old title
    removed = [line for line in run.stderr.splitlines() if line.startswith("removed")]
    assert removed == [f"removed  {SECOND}/print.pdf", f"removed  site/issues/{SECOND}/print.pdf"]


def test_the_archive_shows_the_first_lead_without_a_preheader_and_pages_have_a_favicon(tmp_path):
    from urllib.parse import unquote

    from lxml import etree

    project = make_project(tmp_path / "project")
    issue = project / "issues" / f"{SECOND}.yaml"
    issue.write_text(SECOND_ISSUE.replace('preheader: "Hai bài mẫu"\n', ""), encoding="utf-8")
    out = build_site(load_config(project)).out
    archive = lxml_html.document_fromstring((out / "index.html").read_text(encoding="utf-8"))
    items = {li.findtext(".//h2/a"): li.text_content() for li in archive.iter("li")}
    lead = "Family workshops in Hoi An have opened"  # the first article's lead
    assert lead in " ".join(items["Bản tin số 2"].split())
    for page in (out / "index.html", out / "issues" / SECOND / "index.html"):
        icons = [link for link in parse_html(page).iter("link") if link.get("rel") == "icon"]
        href = icons[0].get("href")
        assert href.startswith("data:image/svg+xml,")
        svg = etree.fromstring(unquote(href.removeprefix("data:image/svg+xml,")).encode())
        assert "".join(svg.itertext()) == "B"  # Bản tin Ví dụ, on the theme's accent colour
    # A theme's own icon replaces the drawn one.
    theme = project / "templates" / "default" / "theme.toml"
    theme.parent.mkdir(parents=True)
    theme.write_text('[logo]\nicon = "https://news.example.org/icon.png"\n', encoding="utf-8")
    out = build_site(load_config(project)).out
    icons = [link for link in parse_html(out / "index.html").iter("link")
             if link.get("rel") == "icon"]  # fmt: skip
    assert [i.get("href") for i in icons] == ["https://news.example.org/icon.png"]


def parse_html(path: Path):
    return lxml_html.document_fromstring(path.read_text(encoding="utf-8"))
