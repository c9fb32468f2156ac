"""Uploads to a folder and to a real S3 API (moto's server on loopback)."""

from __future__ import annotations

import itertools
import sqlite3
import sys
from pathlib import Path

import pytest

from publisher.errors import UploadError
from publisher.upload import (
    DirectoryDestination,
    LocalFile,
    content_type_for,
    issue_files,
    ordered,
    run_upload,
    site_files,
)
from publisher.upload.base import cache_control_for
from publisher.upload.s3 import MANIFEST, S3Destination, make_client, parse_s3_url
from tests.s3server import s3_server

_buckets = itertools.count()


def write_site(site: Path, version: str) -> dict[str, bytes]:
    """A small built site (what ``publisher site`` lays out); every page says its version."""
    files = {
        "index.html": f"<a href='issues/so-1/'>Số 1</a> {version}",
        "feed.xml": f"<feed xmlns='http://www.w3.org/2005/Atom'>{version}</feed>",
        "issues/so-1/index.html": f"<a href='bai-mot/'>Bài một</a> {version}",
        "issues/so-1/bai-mot/index.html": f"<img src='../images/anh-0a1b2c3d.jpg'> {version}",
        "issues/so-1/bai-hai/index.html": f"<p>Bài hai</p> {version}",
        "issues/so-1/print.html": f"<h1>In</h1> {version}",
    }
    data = {key: text.encode("utf-8") for key, text in files.items()}
    data["issues/so-1/images/anh-0a1b2c3d.jpg"] = b"\xff\xd8\xff\xe0 jpeg bytes"
    data["issues/so-1/print.pdf"] = b"%PDF-1.7 " + version.encode()
    for key, body in data.items():
        path = site.joinpath(*key.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return data


@pytest.fixture
def s3(monkeypatch):
    with s3_server(monkeypatch) as server:
        yield server


@pytest.fixture
def bucket(s3) -> str:
    name = f"news-site-{next(_buckets)}"
    s3.client().create_bucket(Bucket=name)
    return name


def count_puts(destination: S3Destination) -> list[str]:
    """Keys of every PutObject request the destination's client sends from now on."""
    sent: list[str] = []

    def record(params, **_):
        sent.append(params["Key"])

    destination.client.meta.events.register("before-parameter-build.s3.PutObject", record)
    return sent


def s3_destination(s3, bucket: str, prefix: str = "") -> S3Destination:
    return S3Destination(bucket, prefix, client=make_client(s3.url))


# --- headers and order -------------------------------------------------------------------------


def test_content_types_carry_a_charset_for_text():
    assert content_type_for("issues/a/index.html") == "text/html; charset=utf-8"
    assert content_type_for("feed.xml") == "application/atom+xml; charset=utf-8"
    assert content_type_for("style.css") == "text/css; charset=utf-8"
    assert content_type_for("a/logo.svg") == "image/svg+xml; charset=utf-8"
    assert content_type_for("issues/a/images/x.jpg") == "image/jpeg"
    assert content_type_for("issues/a/print.pdf") == "application/pdf"
    assert content_type_for("blob") == "application/octet-stream"


def test_cache_control_per_kind():
    assert "max-age=300" in cache_control_for("index.html")
    assert "max-age=300" in cache_control_for("feed.xml")
    assert "immutable" in cache_control_for("issues/a/images/x.png")
    assert cache_control_for("issues/a/print.pdf") == "public, max-age=86400"
    assert cache_control_for("index.html", {"cache_pages": "no-cache"}) == "no-cache"


def test_upload_order_puts_linked_pages_first(tmp_path):
    write_site(tmp_path, "v1")
    keys = [f.key for f in ordered(site_files(tmp_path))]
    assert keys[:2] == ["issues/so-1/images/anh-0a1b2c3d.jpg", "issues/so-1/print.pdf"]
    pages = keys[2:]
    assert pages.index("issues/so-1/bai-mot/index.html") < pages.index("issues/so-1/index.html")
    assert pages[-2:] == ["index.html", "feed.xml"]


def test_parse_s3_url():
    assert parse_s3_url("s3://bucket") == ("bucket", "")
    assert parse_s3_url("s3://bucket/news/site/") == ("bucket", "news/site/")
    with pytest.raises(UploadError):
        parse_s3_url("s3:///prefix")


# --- S3 ----------------------------------------------------------------------------------------


def test_s3_objects_are_what_was_built(s3, bucket, tmp_path):
    built = write_site(tmp_path / "site", "v1")
    report = run_upload(site_files(tmp_path / "site"), s3_destination(s3, bucket, "news/"))
    assert report.ok and sorted(report.uploaded) == sorted(built)
    client = s3.client()
    listed = {o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]}
    assert listed == {f"news/{key}" for key in built} | {f"news/{MANIFEST}"}
    for key, body in built.items():
        obj = client.get_object(Bucket=bucket, Key=f"news/{key}")
        assert obj["Body"].read() == body
        assert obj["ContentType"] == content_type_for(key)
        assert obj["CacheControl"] == cache_control_for(key)
    page = client.head_object(Bucket=bucket, Key="news/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    built_page = LocalFile.from_path("index.html", tmp_path / "site/index.html")
    assert page["Metadata"]["sha256"] == built_page.sha256


def test_s3_second_upload_transfers_nothing(s3, bucket, tmp_path):
    write_site(tmp_path / "site", "v1")
    run_upload(site_files(tmp_path / "site"), s3_destination(s3, bucket))
    again = s3_destination(s3, bucket)
    sent = count_puts(again)
    report = run_upload(site_files(tmp_path / "site"), again)
    assert sent == [] and report.uploaded == [] and len(report.skipped) == 8


def test_s3_sends_only_what_changed(s3, bucket, tmp_path):
    site = tmp_path / "site"
    write_site(site, "v1")
    run_upload(site_files(site), s3_destination(s3, bucket))
    (site / "issues/so-1/bai-hai/index.html").write_text("<p>Sửa lỗi</p>", encoding="utf-8")
    again = s3_destination(s3, bucket)
    sent = count_puts(again)
    report = run_upload(site_files(site), again)
    assert report.uploaded == ["issues/so-1/bai-hai/index.html"]
    assert sent == ["issues/so-1/bai-hai/index.html", MANIFEST]


def test_s3_changed_cache_policy_is_sent_again(s3, bucket, tmp_path):
    write_site(tmp_path / "site", "v1")
    run_upload(site_files(tmp_path / "site"), s3_destination(s3, bucket))
    files = site_files(tmp_path / "site", {"cache_feed": "no-cache"})
    report = run_upload(files, s3_destination(s3, bucket))
    assert report.uploaded == ["feed.xml"]
    assert s3.client().head_object(Bucket=bucket, Key="feed.xml")["CacheControl"] == "no-cache"


def test_s3_failure_half_way_keeps_the_live_index(s3, bucket, tmp_path, monkeypatch):
    site = tmp_path / "site"
    write_site(site, "v1")
    run_upload(site_files(site), s3_destination(s3, bucket))
    write_site(site, "v2")  # every page changes; the image does not
    destination = s3_destination(s3, bucket)
    sent = count_puts(destination)

    def stop_on_third(params, **_):
        if len(sent) == 3:
            s3.stop()

    destination.client.meta.events.register("before-parameter-build.s3.PutObject", stop_on_third)
    report = run_upload(site_files(site), destination)

    assert len(report.uploaded) == 2 and report.failed and report.held
    assert "index.html" in report.held and "feed.xml" in report.held
    assert report.failed[0][0] == ordered(site_files(site))[3].key

    with s3_server(monkeypatch) as restarted:  # the same in-process store, a new port
        client = restarted.client()
        index = client.get_object(Bucket=bucket, Key="index.html")["Body"].read()
        assert index.endswith(b"v1")
        for key in report.uploaded:
            assert client.get_object(Bucket=bucket, Key=key)["Body"].read().endswith(b"v2")
        # The re-run sends what did not make it, and nothing twice.
        resumed = run_upload(site_files(site), s3_destination(restarted, bucket))
        assert resumed.ok
        assert set(resumed.uploaded) == {report.failed[0][0], *report.held} | set(report.uploaded)
        assert client.get_object(Bucket=bucket, Key="index.html")["Body"].read().endswith(b"v2")


def test_s3_verify_repairs_what_the_record_does_not_know(s3, bucket, tmp_path):
    site = tmp_path / "site"
    write_site(site, "v1")
    run_upload(site_files(site), s3_destination(s3, bucket))
    client = s3.client()
    client.delete_object(Bucket=bucket, Key="issues/so-1/bai-mot/index.html")  # lost
    client.put_object(Bucket=bucket, Key="index.html", Body=b"defaced")  # changed by hand
    trusting = run_upload(site_files(site), s3_destination(s3, bucket))
    assert trusting.uploaded == []  # the record says all is there: nothing is checked
    verified = run_upload(site_files(site), s3_destination(s3, bucket), verify=True)
    assert verified.ok and verified.uploaded == ["issues/so-1/bai-mot/index.html", "index.html"]
    assert client.get_object(Bucket=bucket, Key="index.html")["Body"].read().endswith(b"v1")
    again = run_upload(site_files(site), s3_destination(s3, bucket), verify=True)
    assert again.uploaded == [] and len(again.skipped) == 8


def test_s3_a_killed_run_does_not_send_everything_again(s3, bucket, tmp_path, monkeypatch):
    monkeypatch.setattr("publisher.upload.s3.CHECKPOINT_FILES", 3)
    site = tmp_path / "site"
    write_site(site, "v1")
    destination = s3_destination(s3, bucket)
    sent = count_puts(destination)

    class Killed(BaseException):
        """Stands for SIGKILL: nothing after it runs, close() included."""

    def kill(params, **_):
        if len([key for key in sent if key != MANIFEST]) == 5:
            raise Killed

    destination.client.meta.events.register("before-parameter-build.s3.PutObject", kill)
    with pytest.raises(Killed):
        run_upload(site_files(site), destination)
    done = [key for key in sent if key != MANIFEST][:3]  # the record was saved after 3 files
    resumed = run_upload(site_files(site), s3_destination(s3, bucket))
    assert resumed.ok and not set(done) & set(resumed.uploaded)
    assert len(resumed.uploaded) == 8 - 3


def test_s3_dry_run_changes_nothing(s3, bucket, tmp_path):
    write_site(tmp_path / "site", "v1")
    destination = s3_destination(s3, bucket)
    sent = count_puts(destination)
    report = run_upload(site_files(tmp_path / "site"), destination, dry_run=True)
    assert len(report.uploaded) == 8 and sent == []
    assert s3.client().list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_s3_missing_bucket_is_an_upload_error(s3, tmp_path):
    write_site(tmp_path / "site", "v1")
    with pytest.raises(UploadError, match="NoSuchBucket"):
        run_upload(site_files(tmp_path / "site"), s3_destination(s3, "no-such-bucket"))


def test_s3_without_boto3_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(UploadError, match=r"publisher\[s3\]"):
        make_client()


# --- the command -------------------------------------------------------------------------------


def test_cli_uploads_the_site_to_s3(s3, bucket, cli, project):
    write_site(project / "build" / "site", "v1")
    dest = f"s3://{bucket}/www"
    result = cli("upload", "--all", "--to", dest, "--endpoint-url", s3.url)
    assert result.exit_code == 0, result.output
    assert "8 uploaded, 0 unchanged" in result.stderr
    result = cli("upload", "--all", "--to", dest, "--endpoint-url", s3.url, "--dry-run")
    assert result.exit_code == 0 and result.stdout == ""
    assert "0 would be uploaded, 8 unchanged" in result.stderr


def test_cli_endpoint_from_the_environment(s3, bucket, cli, project, monkeypatch):
    write_site(project / "build" / "site", "v1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3.url)
    result = cli("upload", "--all", "--to", f"s3://{bucket}", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would upload index.html" in result.stdout.replace("  ", " ").replace("  ", " ")


def test_cli_uploads_one_issue(cli, project, tmp_path):
    issue = project / "build" / "so-1"
    (issue / "web" / "bai-mot").mkdir(parents=True)
    (issue / "web" / "index.html").write_text("issue", encoding="utf-8")
    (issue / "web" / "bai-mot" / "index.html").write_text("article", encoding="utf-8")
    (issue / "print.html").write_text("print", encoding="utf-8")
    (issue / "email.html").write_text("%%UNSUBSCRIBE_URL%%", encoding="utf-8")
    dest = tmp_path / "www"
    result = cli("upload", "so-1", "--to", str(dest))
    assert result.exit_code == 0, result.output
    published = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert published == [
        "issues/so-1/bai-mot/index.html",
        "issues/so-1/index.html",
        "issues/so-1/print.html",
    ]


def test_cli_reports_what_is_not_built(cli, tmp_path):
    result = cli("upload", "so-9", "--to", str(tmp_path / "www"))
    assert result.exit_code == 9 and "publisher build so-9" in result.stderr
    result = cli("upload", "--all", "--to", str(tmp_path / "www"))
    assert result.exit_code == 9 and "publisher site" in result.stderr
    assert cli("upload", "--all").exit_code == 2
    assert cli("upload", "--to", str(tmp_path)).exit_code == 2


@pytest.mark.parametrize("slug", ["../so-9", "a/b", "..", "so-9/../../x"])
def test_cli_refuses_an_issue_that_is_not_a_slug(cli, project, tmp_path, slug):
    # A built issue outside build/ must not be reachable by its path.
    (project / "build").mkdir()
    (project / "so-9" / "web").mkdir(parents=True)
    (project / "so-9" / "web" / "index.html").write_text("not for the public")
    result = cli("upload", slug, "--to", str(tmp_path / "www"))
    assert result.exit_code == 9 and "is not an issue slug" in result.stderr
    assert not (tmp_path / "www").exists()


def test_cli_failure_keeps_the_old_index_in_a_folder(cli, project, tmp_path):
    write_site(project / "build" / "site", "v1")
    dest = tmp_path / "www"
    assert cli("upload", "--all", "--to", str(dest)).exit_code == 0
    write_site(project / "build" / "site", "v2")
    # A folder where a file must go: that one write fails.
    blocker = dest / "issues" / "so-1" / "bai-mot" / "index.html"
    blocker.unlink()
    blocker.mkdir()
    result = cli("upload", "--all", "--to", str(dest))
    assert result.exit_code == 9
    assert "issues/so-1/bai-mot/index.html" in result.stderr and "held back" in result.stderr
    assert (dest / "index.html").read_text(encoding="utf-8").endswith("v1")
    assert (dest / "feed.xml").read_text(encoding="utf-8").endswith("v1</feed>")


# --- directory ---------------------------------------------------------------------------------


def test_directory_upload_then_nothing_to_do(tmp_path):
    built = write_site(tmp_path / "site", "v1")
    dest = DirectoryDestination(tmp_path / "www")
    first = run_upload(site_files(tmp_path / "site"), dest)
    assert first.ok and len(first.uploaded) == len(built)
    for key, body in built.items():
        assert (tmp_path / "www" / key).read_bytes() == body
    second = run_upload(site_files(tmp_path / "site"), dest)
    assert second.uploaded == [] and len(second.skipped) == len(built)
    assert not [p for p in (tmp_path / "www").rglob(".upload-*")]


def test_issue_files_never_include_the_email(tmp_path):
    web = tmp_path / "so-1" / "web"
    web.mkdir(parents=True)
    (web / "index.html").write_text("x", encoding="utf-8")
    (web / ".hidden").write_text("x", encoding="utf-8")
    (tmp_path / "so-1" / "email.html").write_text("x", encoding="utf-8")
    (tmp_path / "so-1" / "print.pdf").write_bytes(b"%PDF")
    keys = sorted(f.key for f in issue_files(tmp_path, "so-1"))
    assert keys == ["issues/so-1/index.html", "issues/so-1/print.pdf"]


# --- the database between CI runs ----------------------------------------------------------------


def make_database(path: Path) -> sqlite3.Connection:
    """A WAL-mode database with a committed row still in the -wal file (connection kept open)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE deliveries (email TEXT, state TEXT)")
    conn.execute("INSERT INTO deliveries VALUES ('a@example.org', 'sent')")
    return conn


def test_database_round_trip_through_s3_keeps_wal_rows(s3, bucket, cli, project, tmp_path):
    conn = make_database(project / "publisher.db")
    try:
        assert Path(f"{project / 'publisher.db'}-wal").stat().st_size > 0
        url = f"s3://{bucket}/state/publisher.db"
        result = cli("database", "push", url, "--endpoint-url", s3.url)
        assert result.exit_code == 0, result.output
    finally:
        conn.close()
    fetched = tmp_path / "fetched.db"
    result = cli("database", "pull", url, "--file", str(fetched), "--endpoint-url", s3.url)
    assert result.exit_code == 0, result.output
    rows = sqlite3.connect(fetched).execute("SELECT email, state FROM deliveries").fetchall()
    assert rows == [("a@example.org", "sent")]
    head = s3.client().head_object(Bucket=bucket, Key="state/publisher.db")
    assert head["CacheControl"] == "no-store"


def test_database_pull_refuses_to_replace_and_reports_a_missing_object(s3, bucket, cli, project):
    (project / "publisher.db").write_bytes(b"")
    url = f"s3://{bucket}/state/publisher.db"
    result = cli("database", "pull", url, "--endpoint-url", s3.url)
    assert result.exit_code == 9 and "refusing to replace" in result.stderr
    result = cli("database", "pull", url, "--endpoint-url", s3.url, "--overwrite")
    assert result.exit_code == 9 and "publisher database push" in result.stderr


def test_database_to_a_file(cli, project, tmp_path):
    make_database(project / "publisher.db").close()
    assert cli("database", "push", str(tmp_path / "kept" / "db")).exit_code == 0
    (project / "publisher.db").unlink()
    assert cli("database", "pull", str(tmp_path / "kept" / "db")).exit_code == 0
    assert sqlite3.connect(project / "publisher.db").execute("SELECT count(*) FROM deliveries")
    (tmp_path / "junk").write_bytes(b"not a database")
    result = cli("database", "pull", str(tmp_path / "junk"), "--overwrite")
    assert result.exit_code == 9 and "not an SQLite database" in result.stderr
