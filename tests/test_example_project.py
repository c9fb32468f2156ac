"""The example newsletter in the repository: settings, example articles, images and issue."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.articles import file as articlefile
from publisher.articles.library import Library
from publisher.config import load_config
from publisher.issues.compose import compose_issue
from tests.conftest import ROOT

EXAMPLE_ISSUE = "ban-tin-vi-du-so-1"
MARKS = ("Bài mẫu", "Example")


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT)


def examples(config) -> list:
    return [a for a in Library(config.articles_dir).articles() if a.kicker.startswith(MARKS)]


def test_settings_have_a_newsletter_table(config):
    newsletter = config.table("newsletter")
    assert newsletter["base_url"] == "https://news.example.org/"
    assert newsletter["from_email"].endswith("@example.org")
    assert newsletter["organisation"] and newsletter["address"] and newsletter["list_id"]


def test_example_articles_are_marked_and_complete(config):
    found = examples(config)
    assert len(found) >= 6
    assert {a.language for a in found} == {"vi", "en"}
    for article in found:
        assert article.source.startswith(("Ví dụ", "Example")), article.slug
        assert article.published and article.authors and article.lead, article.slug
        assert len(article.paragraphs) >= 3 and article.keywords, article.slug
        assert article.figures, article.slug
        for figure in article.figures:
            assert figure.caption and figure.credit and figure.alt, article.slug
            assert figure.after_paragraph <= len(article.paragraphs)


def test_example_article_files_are_in_canonical_form(config):
    for path in sorted(config.articles_dir.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert articlefile.dumps(articlefile.loads(text, slug=path.stem)) == text, path.name


def test_example_images_exist_are_real_and_small(config):
    sources = {f.src for a in examples(config) for f in a.figures}
    assert sources
    for src in sources:
        path = Path(ROOT / src)
        data = path.read_bytes()
        assert data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n", src
        assert path.suffix in (".jpg", ".png"), src
        assert len(data) < 60_000, src


def test_example_issue_composes_cleanly(config):
    issue = compose_issue(config, EXAMPLE_ISSUE)
    assert len(issue.entries) >= 6 and len(issue.sections) >= 2
    excerpts = {type(e.excerpt) if isinstance(e.excerpt, int) else e.excerpt for e in issue.entries}
    assert excerpts == {"lead", "full", int}
    assert {e.image for e in issue.entries} == {True, False}
    assert issue.entries[0].url == (
        f"https://news.example.org/issues/{EXAMPLE_ISSUE}/{issue.entries[0].article.slug}/"
    )
    assert issue.sender.organisation and issue.sender.address
    assert "#" in (config.issues_dir / f"{EXAMPLE_ISSUE}.yaml").read_text(encoding="utf-8")


def test_the_readme_example_issue_composes(config, tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The issue file", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "readme-example.yaml"
    path.write_text(example, encoding="utf-8")
    issue = compose_issue(config, str(path))
    assert [e.excerpt for e in issue.entries] == ["lead", "full", 60]
    assert issue.sender.reply_to == "toasoan@example.org"
