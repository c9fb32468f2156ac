"""Articles for the keyword tests: the seed built by hand, and the fixtures under keywords/."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from publisher.articles import file as articlefile
from publisher.keywords.document import article_texts
from publisher.model import Article, Figure
from publisher.text import clean

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "keywords"

# What the done-when of the keywords work lists as good keywords for the seed.
SEED_EXPECTED = {
    "Ban Dân tộc",
    "Hà Nội",
    "Thanh Hóa",
    "công tác dân tộc",
    "chính sách dân tộc",
    "đồng bào dân tộc thiểu số",
    "dân tộc thiểu số",
}


def seed_article(path: Path) -> Article:
    """The seed as an article: kicker, title, lead, body, the photo's caption and the byline."""
    lines = [clean(line) for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    kicker, title = lines[0].rstrip(":"), lines[1]
    lead = re.sub(r"^\(PL&XH\)\s*-\s*", "", lines[3])
    caption = next(line for line in lines if "ảnh:" in line)
    byline = next(line for line in lines if "/ PL&XH" in line)
    body = [line for line in lines[4:] if len(line.split()) > 12 and line != caption]
    text, credit = caption.split(" ảnh: ")
    return Article(
        title=title,
        slug="seed",
        kicker=kicker,
        lead=lead,
        paragraphs=tuple(body),
        figures=(Figure(caption=text, credit=credit, after_paragraph=2),),
        authors=tuple(a.strip() for a in byline.split("/")[0].split(" - ")),
        source="PL&XH",
        language="vi",
    )


def fixture(name: str) -> Article:
    """One of the hand-written articles in ``tests/fixtures/keywords``."""
    path = FIXTURES / f"{name}.md"
    return articlefile.loads(path.read_text(encoding="utf-8"), slug=name, where=str(path))


def fixture_names() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.md"))


def plain_text(article: Article) -> str:
    """The article's words as suggestions see them (for checking a phrase is the article's)."""
    return " ".join(text for text, _ in article_texts(article))


def nfd(article: Article) -> Article:
    """The same article typed on a keyboard that sends decomposed (NFD) Vietnamese."""

    def d(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    return article.with_(
        title=d(article.title),
        kicker=d(article.kicker),
        lead=d(article.lead),
        paragraphs=tuple(d(p) for p in article.paragraphs),
        authors=tuple(d(a) for a in article.authors),
        figures=tuple(replace(f, caption=d(f.caption)) for f in article.figures),
    )
