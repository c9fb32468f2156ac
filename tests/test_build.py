"""``build_issue`` and ``publisher build``: files, manifest, reproducibility, safe replacement."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from publisher.config import load_config
from publisher.errors import ComposeError, OutputError, RenderError
from publisher.issues.compose import compose_issue
from publisher.output import build as build_module
from publisher.output.build import build_issue
from publisher.render.mime import encoded_size
from tests.conftest import PYTHON, ROOT, subprocess_env
from tests.issue_helpers import make_project, write_issue
from tests.sample_issue import EXAMPLE, sample_issue, write_sample_images

OUTPUTS = [".publisher-build", "email.html", "email.txt", "manifest.json", "print.html", "web"]


@pytest.fixture
def config(project):
    write_sample_images(project)  # a build copies them into web/images/
    return load_config(project)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_writes_every_output_and_a_manifest(config, project):
    result = build_issue(config, sample_issue())
    out = project / "build" / "so-12"
    assert result.out == out
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == result.manifest
    assert set(manifest) == {"issue", "articles", "files", "email", "sources"}
    assert set(manifest["issue"]) == {
        "slug", "title", "number", "date", "language", "theme", "subject", "preheader",
        "base_url", "web_url", "sender", "list_id", "not_after",
    }  # fmt: skip
    assert manifest["issue"]["date"] == "2017-08-14"
    assert manifest["issue"]["web_url"] == "https://news.example.org/issues/so-12/"
    assert [a["slug"] for a in manifest["articles"]] == [
        e.article.slug for e in sample_issue().entries
    ]
    assert set(manifest["articles"][0]) == {
        "slug", "title", "language", "section", "url", "lead", "content_hash"
    }  # fmt: skip
    for name in ("email.html", "email.txt", "print.html"):
        data = (out / name).read_bytes()
        assert manifest["files"][name] == {
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    html = (out / "email.html").read_text(encoding="utf-8")
    text = (out / "email.txt").read_text(encoding="utf-8")
    assert manifest["email"]["mime_bytes"] == encoded_size(text, html)
    assert manifest["email"]["tokens"] == [
        "%%SUBSCRIBER_NAME%%", "%%SUBSCRIBER_EMAIL%%", "%%UNSUBSCRIBE_URL%%",
    ]  # fmt: skip
    assert leftovers(project / "build") == []


def test_same_inputs_give_byte_identical_files(config, tmp_path):
    first = build_issue(config, sample_issue(), out=tmp_path / "a")
    second = build_issue(config, sample_issue(), out=tmp_path / "b")
    for name in first.files:
        assert (first.out / name).read_bytes() == (second.out / name).read_bytes()


def test_a_failed_render_keeps_the_previous_build(config, project):
    build_issue(config, sample_issue())
    out = project / "build" / "so-12"
    before = snapshot(out)
    broken = project / "templates" / "default" / "partials" / "footer.mjml"
    broken.parent.mkdir(parents=True)
    broken.write_text("{{ missing }}", encoding="utf-8")
    with pytest.raises(RenderError):
        build_issue(config, sample_issue(title="Changed"))
    assert snapshot(out) == before
    assert leftovers(project / "build") == []


def test_a_failed_write_keeps_the_previous_build(config, project, monkeypatch):
    build_issue(config, sample_issue())
    out = project / "build" / "so-12"
    before = snapshot(out)
    real = Path.write_bytes
    calls = []

    def failing(self, data):
        calls.append(self.name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OSError, match="disk full"):
        build_issue(config, sample_issue(title="Changed"))
    monkeypatch.undo()
    assert snapshot(out) == before
    assert leftovers(project / "build") == []


def test_refuses_to_replace_a_folder_that_is_not_a_build(config, tmp_path):
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="this tool did not build"):
        build_issue(config, sample_issue(), out=precious)
    assert (precious / "keep.txt").read_text(encoding="utf-8") == "mine"
    with pytest.raises(OutputError, match="project folder"):
        build_issue(config, sample_issue(), out=config.project)


def test_a_build_of_an_earlier_version_without_the_marker_is_replaced(config, tmp_path):
    out = tmp_path / "out"
    build_issue(config, sample_issue(), out=out)
    (out / ".publisher-build").unlink()  # as versions before the marker left it
    build_issue(config, sample_issue(title="Again"), out=out)
    assert (out / ".publisher-build").is_file()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda out: (out / "sub").mkdir() or (out / "sub" / "keep.txt").write_text("mine"),
         "sub/keep.txt is not a file of the build"),
        (lambda out: (out / "email.txt").write_text("edited by hand"),
         "email.txt was changed after the build"),
        (lambda out: (out / ".publisher-build").unlink() or (out / "notes.txt").write_text("x"),
         "notes.txt is not a file of the build"),
        (lambda out: (out / "manifest.json").write_text('{"files": {}}'),
         "its manifest.json is not the one the build wrote"),
    ],
)  # fmt: skip
def test_replaces_only_an_untouched_build_of_its_own(config, tmp_path, change, reason):
    out = tmp_path / "out"
    build_issue(config, sample_issue(), out=out)
    build_issue(config, sample_issue(title="Again"), out=out)  # its own build: replaced
    change(out)
    before = snapshot(out)
    with pytest.raises(OutputError, match="did not build as it is") as caught:
        build_issue(config, sample_issue(title="Changed"), out=out)
    assert reason in str(caught.value)
    assert snapshot(out) == before
    assert caught.value.exit_code == 7  # a build error, as the README's table says


def test_pdf_without_weasyprint_says_how_to_install(config, project, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # makes the import fail
    with pytest.raises(RenderError, match=r"pip install 'publisher\[pdf\]'"):
        build_issue(config, sample_issue(), pdf=True)
    assert not (project / "build" / "so-12").exists()


def test_cli_build(cli, project, config, monkeypatch):
    monkeypatch.setattr(build_module, "_compose", lambda config, slug: sample_issue())
    result = cli("build", "so-12", "--out", str(project / "out"))
    assert result.exit_code == 0, result.output + result.stderr
    assert "email.html" in result.stdout and "MIME" in result.stdout
    assert sorted(p.name for p in (project / "out").iterdir()) == OUTPUTS


def test_cli_reports_render_errors(cli, project, monkeypatch):
    monkeypatch.setattr(build_module, "_compose", lambda config, slug: sample_issue(theme="nope"))
    result = cli("build", "so-12")
    assert result.exit_code == RenderError.exit_code
    assert "unknown theme 'nope'" in result.stderr


def test_cli_builds_the_example_newsletter(cli, project):
    copy_example(project)
    result = cli("build", EXAMPLE)
    assert result.exit_code == 0, result.output + result.stderr
    out = project / "build" / EXAMPLE
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["issue"]["list_id"] == "ban-tin.news.example.org"
    assert len(manifest["articles"]) >= 6
    assert f"built {out}" in result.stdout


def copy_example(project: Path) -> None:
    for name in ("publisher.toml", "articles", "issues", "images"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy(source, project / name)


def test_the_command_writes_what_build_issue_writes(project):
    copy_example(project)
    command = [PYTHON, "-m", "publisher", "--project", str(project), "build", EXAMPLE]
    done = subprocess.run(
        [*command, "--out", str(project / "command")], env=subprocess_env(), capture_output=True
    )
    assert done.returncode == 0, done.stderr
    build_issue(load_config(project), EXAMPLE, out=project / "api")
    assert snapshot(project / "command") == snapshot(project / "api")


def test_composing_checks_the_theme(project):
    shutil.copytree(ROOT / "articles", project / "articles")
    text = (ROOT / "issues" / f"{EXAMPLE}.yaml").read_text(encoding="utf-8")
    (project / "issues").mkdir()
    (project / "issues" / "x.yaml").write_text(
        text.replace("theme: default", "theme: missing"), encoding="utf-8"
    )
    with pytest.raises(ComposeError) as info:
        compose_issue(load_config(project), "x")
    assert any("unknown theme 'missing'" in p for p in info.value.problems)


def test_issue_show_refuses_an_unknown_theme_as_build_does(project):
    # Each command in a fresh process: nothing imported earlier may decide what is checked.
    copy_example(project)
    path = project / "issues" / f"{EXAMPLE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("theme: default", "theme: nosuch"))
    outputs = []
    for command in (["issue", "show", EXAMPLE], ["build", EXAMPLE]):
        done = subprocess.run(
            [PYTHON, "-m", "publisher", "--project", str(project), *command],
            env=subprocess_env(), capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 6, done.stderr
        outputs.append(done.stderr[done.stderr.index("Error:") :].strip())  # after warnings
    assert "unknown theme 'nosuch'" in outputs[0]
    assert outputs[0] == outputs[1]


def test_text_an_editor_writes_stays_text_through_show_and_build(cli, project):
    config = make_project(project)
    (config.articles_dir / "plain.md").write_text(
        "---\ntitle: No\nkicker: 12:30\nsource: 1_000\nlanguage: en\nlead: A lead.\n---\n\nBody.\n",
        encoding="utf-8",
    )
    shown = cli("articles", "show", "plain", "--json")
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert (data["title"], data["kicker"], data["source"]) == ("No", "12:30", "1_000")
    write_issue(config, "t", "title: T\nsections:\n- title: A\n  articles: [plain]\n")
    result = build_issue(config, "t")
    assert result.manifest["articles"][0]["title"] == "No"
    text = (result.out / "email.txt").read_text(encoding="utf-8")
    assert "No" in text and "12:30" in text and "1_000" in text


def test_every_settings_problem_is_reported_before_any_work(cli, project):
    make_project(project)
    with (project / "publisher.toml").open("a", encoding="utf-8") as settings:
        settings.write(
            '\n[send]\nconnections = 0\nunsubscribe_url = "http://x.example/{token}"\n'
            '[smtp]\nport = 70000\nsecurity = "ssl"\n'
        )
    (project / "issues" / "t.yaml").write_text("title: T\n", encoding="utf-8")
    result = cli("build", "t")
    assert result.exit_code == 3
    for problem in (
        "send.connections: must be at least 1, not 0",
        "send.unsubscribe_url: must be an https:// URL containing {token}",
        "smtp.port: 70000 is not a port number",
        "smtp.security: 'ssl' is not one of none, starttls, tls",
    ):
        assert f"  - {problem}" in result.stderr
    assert not (project / "build").exists()


SEED_ARTICLE = "tang-cuong-giao-luu-trao-doi-kinh-nghiem"


def test_build_and_issue_show_warn_of_a_figure_without_an_image(cli, project):
    copy_example(project)
    for command in (["build", EXAMPLE], ["issue", "show", EXAMPLE]):
        result = cli(*command)
        assert result.exit_code == 0, result.output
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
        assert warnings == [
            f"warning: {SEED_ARTICLE}: figure 1 has no image: add `src:` (publisher articles "
            f"figure {SEED_ARTICLE} 1 --src images/NAME.jpg)"
        ]


def test_articles_figure_attaches_a_picture_and_keeps_the_file(cli, project):
    copy_example(project)
    path = project / "articles" / f"{SEED_ARTICLE}.md"
    original = path.read_text(encoding="utf-8").replace(
        "figures:\n", "# The desk will send a photo.\nfigures:\n"
    )
    path.write_text(original, encoding="utf-8")
    for args, message in (
        (["2", "--src", "images/xe-buyt-dien.jpg"], "there is no figure 2: the article has 1"),
        (["1", "--src", "images/none.jpg"], "no such image file in the project"),
        (["1", "--src", "http://example.org/a.jpg"], "must be https:// or a project path"),
        (["1", "--src", "../outside.jpg"], "no such image file in the project"),
    ):
        result = cli("articles", "figure", SEED_ARTICLE, *args)
        assert result.exit_code != 0 and message in result.stderr, (args, result.output)
        assert path.read_text(encoding="utf-8") == original
    result = cli(
        "articles", "figure", SEED_ARTICLE, "1", "--src", "images/xe-buyt-dien.jpg",
        "--alt", "Lãnh đạo hai ban: chụp ảnh",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == original.replace(
        "- src: ''\n  alt: ''\n",
        "- src: images/xe-buyt-dien.jpg\n  alt: 'Lãnh đạo hai ban: chụp ảnh'\n",
    )
    built = cli("build", EXAMPLE)
    assert built.exit_code == 0 and "warning:" not in built.stderr


def test_an_unusable_image_fails_the_build_naming_its_article(config, project):
    issue = sample_issue()
    seed = issue.sections[0].entries[0]
    figures = (replace(seed.article.figures[0], src="http://cdn.example.org/a.jpg"),)
    article = replace(seed.article, figures=figures)
    section = replace(issue.sections[0], entries=(replace(seed, article=article),))
    with pytest.raises(RenderError) as caught:
        build_issue(config, replace(issue, sections=(section, *issue.sections[1:])))
    assert caught.value.problems == [
        "unsupported image address 'http://cdn.example.org/a.jpg': use https:// or a project"
        f" path (used by {article.slug})"
    ]
    assert not (project / "build" / "so-12").exists()


@pytest.mark.parametrize(
    ("spoil", "error"),
    [
        (lambda p: (p / "articles" / f"{SEED_ARTICLE}.md").write_text("---\ntitle: [\n---\n"),
         ComposeError),
        (lambda p: (p / "issues" / f"{EXAMPLE}.yaml").write_text("title: T\ntheme: gone\n"),
         ComposeError),
        (lambda p: (p / "templates" / "default").mkdir(parents=True)
         or (p / "templates" / "default" / "email.mjml").write_text("{% if %}"),
         RenderError),
        (lambda p: (p / "images" / "xe-buyt-dien.jpg").write_bytes(b"\xff\xd8 not a jpeg"),
         RenderError),
    ],
)  # fmt: skip
def test_a_build_that_cannot_read_its_inputs_leaves_the_previous_one(project, spoil, error):
    copy_example(project)
    out = project / "build" / EXAMPLE
    build_issue(load_config(project), EXAMPLE)
    before = snapshot(out)
    spoil(project)
    with pytest.raises(error):
        build_issue(load_config(project), EXAMPLE)
    assert snapshot(out) == before
    assert leftovers(project / "build") == []
