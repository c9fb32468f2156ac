"""``publisher preview``: the issue served as subscribers see it, rebuilt after each change."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from publisher.model import TOKENS, Subscriber
from publisher.preview.app import PreviewApp, dark
from publisher.preview.session import PreviewSession, Sample
from publisher.preview.watch import start_watching, watched_folders
from publisher.web.server import ThreadingServer, make_handler
from tests.conftest import PYTHON, ROOT, subprocess_env
from tests.smtpserver import free_port
from tests.webkit import request

ISSUE = "ban-tin-vi-du-so-1"
ARTICLE = "xe-buyt-dien-ven-bien-da-nang"


@pytest.fixture
def example(project: Path) -> Path:
    """The repository's example project, with the address the unsubscribe pages answer at."""
    for name in ("publisher.toml", "articles", "issues", "images"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    settings = (project / "publisher.toml").read_text(encoding="utf-8")
    settings += '\n[web]\nbase_url = "https://lists.example.org/"\n'
    (project / "publisher.toml").write_text(settings, encoding="utf-8")
    return project


class Preview:
    """The preview's server and watcher in threads, as ``publisher preview`` runs them."""

    def __init__(self, project: Path, sample: Sample | None = None):
        from publisher.config import load_config

        self.project = project
        self.session = PreviewSession(project, ISSUE, sample or Sample())
        self.builds: list[int] = []
        self.session.rebuild()
        self.stop = threading.Event()
        self.watchers = start_watching(
            self.session,
            load_config(project),
            self.stop,
            lambda s: self.builds.append(s.generation),
        )
        self.server = ThreadingServer(("127.0.0.1", free_port()), make_handler(10, lambda _: None))
        self.server.set_app(PreviewApp(self.session, poll_seconds=2.0))
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def get(self, path: str) -> tuple[int, str, dict]:
        return request(self.url + path)

    def get_bytes(self, path: str) -> tuple[int, bytes, dict]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def after_change(self, change, timeout: float = 20.0) -> dict:
        """Make ``change`` and wait for the build it causes; the state the page is told of."""
        generation = self.session.state.generation
        change()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body = self.get(f"/changes?after={generation}")[1]
            state = json.loads(body)
            if state["generation"] > generation:
                time.sleep(0.3)  # an editor's save may be two events: let the last build end
                return json.loads(self.get(f"/changes?after={generation}")[1])
        raise AssertionError("no rebuild after the change")

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.watchers:
            thread.join(timeout=10)


@pytest.fixture
def preview(example):
    running = Preview(example)
    yield running
    running.close()


def edit(path: Path, old: str, new: str):
    def change() -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def test_the_email_is_shown_as_a_subscriber_sees_it(preview, example):
    status, page, headers = preview.get("/email")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert not any(token in page for token in TOKENS)
    # The unsubscribe link is the real one's shape with a token that is nobody's.
    assert 'href="https://lists.example.org/unsubscribe/preview"' in page
    # Every image and web edition link points at the preview, and each one answers.
    assert "https://news.example.org/issues/" not in page
    images = set(re.findall(r'src="(/web/images/[^"]+)"', page))
    assert len(images) >= 4
    for src in images:
        status, data, headers = preview.get_bytes(src)
        assert status == 200 and headers["Content-Type"].startswith("image/") and data
    for href in set(re.findall(r'href="(/web/[^"]*)"', page)):
        assert preview.get(href)[0] == 200, href
    # Nothing was written to build/: that may be what gets sent.
    assert not (example / "build").exists()


def test_the_views_text_print_web_and_dark_mode(preview):
    status, text, headers = preview.get("/text")
    assert status == 200 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "https://lists.example.org/unsubscribe/preview" in text
    assert not any(token in text for token in TOKENS)
    status, printed, _ = preview.get("/print")
    assert status == 200 and "<title>" in printed and "https://news.example.org/" not in printed
    assert preview.get("/web/")[0] == 200 and preview.get("/web/print.html")[0] == 200
    light, dark_page = preview.get("/email")[1], preview.get("/email?dark=1")[1]
    assert "prefers-color-scheme: dark" in light and "prefers-color-scheme" not in dark_page
    for view in ("desktop", "phone", "dark", "text", "print", "web"):
        status, shell, _ = preview.get(f"/?view={view}")
        assert status == 200 and "aria-current=page" in shell
    assert 'style="width: 375px"' in preview.get("/?view=phone")[1]
    # The findings of `publisher check` are in the page, with their fixes.
    shell = preview.get("/")[1]
    assert "Check:" in shell and "fix: put what matters first" in shell


def test_paths_outside_the_build_are_not_served(preview, example):
    (example / "secret.txt").write_text("no", encoding="utf-8")
    for path in ("/web/../manifest.json", "/web/%2e%2e/manifest.json", "/web/../../secret.txt",
                 "/web/.publisher-build", "/nothing", "/web/images/none.jpg"):  # fmt: skip
        assert preview.get(path)[0] == 404, path
    assert request(preview.url + "/email", data=b"x")[0] == 405


def test_an_edit_rebuilds_and_the_waiting_page_hears_of_it(preview, example):
    article = example / "articles" / f"{ARTICLE}.md"
    state = preview.after_change(edit(article, "title: ", "title: Sửa lúc xem thử — "))
    assert state["error"] == ""
    assert "Sửa lúc xem thử —" in preview.get("/email")[1]


def test_templates_and_settings_are_watched(example):
    templates = example / "templates" / "default" / "partials"
    templates.mkdir(parents=True)
    preview = Preview(example)
    try:

        def add_template() -> None:
            theme = ROOT / "publisher" / "themes" / "default" / "partials" / "screen.css"
            text = theme.read_text(encoding="utf-8") + "\n.pb-preview-mark { color: red; }\n"
            (templates / "screen.css").write_text(text, encoding="utf-8")

        preview.after_change(add_template)
        assert "pb-preview-mark" in preview.get("/email")[1]
        # The settings file, replaced by a rename as many editors save it.
        settings = example / "publisher.toml"

        def rename_settings() -> None:
            text = settings.read_text(encoding="utf-8")
            fresh = example / "publisher.toml.new"
            fresh.write_text(
                text.replace('name = "Bản tin Ví dụ"', 'name = "Bản tin Mới"'), "utf-8"
            )
            fresh.replace(settings)

        preview.after_change(rename_settings)
        assert "Bản tin Mới" in preview.get("/email")[1]
    finally:
        preview.close()


def test_an_error_shows_with_its_file_and_line_and_the_preview_recovers(preview, example):
    issue = example / "issues" / f"{ISSUE}.yaml"
    good = issue.read_text(encoding="utf-8")
    state = preview.after_change(lambda: issue.write_text('title: "x\n  bad: [\n', "utf-8"))
    assert "not valid YAML" in state["error"] and "line 3" in state["error"]
    shell = preview.get("/")[1]
    assert 'role="alert"' in shell and f"issues/{ISSUE}.yaml" in shell and "line 3" in shell
    assert "Traceback" not in shell
    assert preview.get("/email")[0] == 200  # the last build that worked is still shown
    # An article that breaks names its own file and line through the issue.
    article = example / "articles" / f"{ARTICLE}.md"
    preview.after_change(lambda: issue.write_text(good, encoding="utf-8"))
    state = preview.after_change(edit(article, "title: ", "title: {{ "))
    assert ARTICLE in state["error"] and "line" in state["error"]
    state = preview.after_change(edit(article, "title: {{ ", "title: "))
    assert state["error"] == ""
    assert 'role="alert"' not in preview.get("/")[1]


def test_markup_in_an_error_is_shown_as_text(preview, example):
    issue = example / "issues" / f"{ISSUE}.yaml"
    state = preview.after_change(
        lambda: issue.write_text("title: <script>alert(1)</script>\nsections: 3\n", "utf-8")
    )
    assert state["error"]
    shell = preview.get("/")[1]
    assert "<script>alert(1)" not in shell


def test_a_project_that_never_built_shows_the_error_everywhere(example):
    (example / "issues" / f"{ISSUE}.yaml").write_text("sections: [\n", encoding="utf-8")
    session = PreviewSession(example, ISSUE, Sample())
    state = session.rebuild()
    assert not state.files and "not valid YAML" in state.error
    status, page, _ = request_app(PreviewApp(session), "/email")
    assert status.startswith("200") and 'role="alert"' in page


def request_app(app, path: str) -> tuple[str, str, dict]:
    answer: dict = {}

    def start(status, headers):
        answer.update(status=status, headers=dict(headers))

    path, _, query = path.partition("?")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query}
    body = b"".join(app(environ, start))
    return answer["status"], body.decode(), answer["headers"]


def test_the_sample_subscriber_and_a_real_one(example):
    without_greeting(example)
    session = PreviewSession(example, ISSUE, Sample())
    session.rebuild()
    assert session.state.tokens[""][0] == "An"  # "Nguyễn Thu An", called by the given name
    built = session.state.files["email.html"].decode("utf-8")
    assert "Xin chào An," in session.fill(built, session.state, markup=True)
    who = Sample("jane@example.org", "Jane Smith", "en")
    assert who.values("vi", "", "https://x/{token}") == ("Jane", "jane@example.org",
                                                         "https://x/preview")  # fmt: skip
    assert Sample("b@example.org", "", "vi").values("vi", "", "u")[0] == "bạn"
    # Markup in a name is text in the email.
    session.sample = Sample("x@example.org", "<b>Lê</b>", "en")
    session.rebuild()
    filled = session.fill("%%SUBSCRIBER_NAME%%", session.state, markup=True)
    assert filled == "&lt;b&gt;Lê&lt;/b&gt;"


def test_the_watched_folders(example):
    from publisher.config import load_config

    config = load_config(example)
    folders = watched_folders(config, ISSUE)
    assert folders == [(example / name).resolve() for name in ("articles", "issues", "images")]


def test_dark_mode_applies_the_dark_rules():
    page = "<style>@media (prefers-color-scheme: dark) { a { color: white } }</style>"
    page += "<style>:root { color-scheme: light dark; }</style>"
    assert dark(page) == (
        "<style>@media all { a { color: white } }</style><style>:root { color-scheme: dark; }"
        "</style>"
    )


def without_greeting(example: Path) -> None:
    """The example issue's intro greets readers itself; without it, the email greets by name."""
    issue = example / "issues" / f"{ISSUE}.yaml"
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace("  Chào bạn đọc,\n\n", "", 1), encoding="utf-8")


def test_the_preview_command(example):
    from publisher.audience.migrations import open_store
    from publisher.audience.subscribers import SubscriberList
    from publisher.config import load_config

    without_greeting(example)
    with open_store(load_config(example)) as store:
        SubscriberList(store).add(
            Subscriber(email="an@example.org", name="Trần Bình An", language="vi"), source="test"
        )
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "publisher", "--project", str(example), "preview", ISSUE,
         "--port", str(port), "--as", "an@example.org"],
        env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, page, _ = request(f"http://127.0.0.1:{port}/email")
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.1)
        assert status == 200 and "Xin chào An," in page
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    log = stderr.decode()
    assert f"preview on http://127.0.0.1:{port}/" in log and "build 1:" in log
    assert "Traceback" not in log


def test_an_unknown_subscriber(cli, example):
    result = cli("preview", ISSUE, "--as", "nobody@example.org")
    assert result.exit_code == 10 and "no subscriber" in result.stderr
    assert "Traceback" not in result.output


def test_in_chromium_the_page_reloads_after_an_edit_and_dark_mode_is_dark(
    browser, preview, example
):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, color_scheme="light")
    try:
        page = context.new_page()
        page.goto(preview.url + "/?view=dark")
        frame = page.frame_locator("iframe")
        paper = frame.locator("div.pb-paper").first
        # The theme's dark colours although the browser itself is in light mode.
        assert paper.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(30, 30, 30)"
        images = frame.locator("img")
        assert images.count() >= 4
        assert all(images.nth(i).evaluate("e => e.naturalWidth > 0") for i in range(images.count()))
        frame.locator("body").evaluate("() => window.scrollTo(0, 700)")
        article = example / "articles" / f"{ARTICLE}.md"
        with page.expect_event("load", timeout=20_000):
            edit(article, "title: ", "title: Đã sửa — ")()
        title = frame.locator(".pb-title", has_text="Đã sửa —").first
        title.wait_for(timeout=20_000)
        # The reload kept the place the editor was reading.
        page.wait_for_function(
            "() => document.querySelector('iframe').contentWindow.scrollY > 600", timeout=10_000
        )
        # The phone view lays the email out at 375 px, with no horizontal scroll.
        page.goto(preview.url + "/?view=phone")
        width = (
            page.frame_locator("iframe")
            .locator("html")
            .evaluate("e => [e.clientWidth, e.scrollWidth]")
        )
        assert width[0] == 375 and width[1] <= 375
    finally:
        context.close()


def test_a_taken_port_is_a_clear_error(cli, example):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("preview", ISSUE, "--port", str(port))
    assert result.exit_code == 1 and "cannot listen: " in result.stderr
    assert f"(127.0.0.1:{port})" in result.stderr and "Traceback" not in result.output


def test_a_folder_that_cannot_be_watched_is_said_not_a_traceback(example, tmp_path):
    from publisher.preview.watch import _watch

    session = PreviewSession(example, ISSUE, Sample())
    said: list[str] = []
    gone = tmp_path / "gone"  # removed between listing the folders and watching them
    _watch(session, [gone], True, lambda change, path: True, threading.Event(),
           lambda state: None, said.append)  # fmt: skip
    assert len(said) == 2
    assert said[0].startswith(f"cannot watch {gone} for changes") and "polling" in said[0]
    assert said[1].startswith(f"the preview no longer watches {gone}")
