"""Helpers for the issue tests: a project with a few articles and settings."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from publisher.articles import file as articlefile
from publisher.config import Config, load_config
from publisher.model import Article, Figure

VN = timezone(timedelta(hours=7))

SLUGS = ("bus-trial", "rice-harvest", "library-van", "night-run", "salt-sensors")

SETTINGS = """\
[newsletter]
name = "Bản tin Mẫu"
language = "vi"
theme = "default"
base_url = "https://news.example.org"
organisation = "Example News"
address = "1 Example Street, Hà Nội"
from_name = "Bản tin Mẫu"
from_email = "news@example.org"
reply_to = "desk@example.org"
list_id = "ban-tin.news.example.org"
"""


def make_project(root: Path, *, settings: str = SETTINGS) -> Config:
    """Five articles in ``articles/``, ``publisher.toml`` and an empty ``issues/``."""
    (root / "articles").mkdir(exist_ok=True)
    (root / "issues").mkdir(exist_ok=True)
    (root / "publisher.toml").write_text(settings, encoding="utf-8")
    for number, slug in enumerate(SLUGS, 1):
        article = Article(
            title=f"Article {number}: {slug.replace('-', ' ')}",
            slug=slug,
            kicker="Example",
            published=datetime(2024, 5, number, 8, 0, tzinfo=VN),
            language="en",
            lead=f"Lead of {slug}.",
            paragraphs=("One.", "Two."),
            figures=(Figure(f"images/{slug}.jpg", "", "A caption.", "Example", 1),),
        )
        path = root / "articles" / f"{slug}.md"
        path.write_text(articlefile.dumps(article), encoding="utf-8")
    return load_config(root)


def write_issue(config: Config, slug: str, text: str) -> Path:
    path = config.issues_dir / f"{slug}.yaml"
    path.write_text(text, encoding="utf-8")
    return path
