"""News-text accuracy: field-by-field checks of the importer on labelled articles.

    python bench/newstext.py [--corpus DIR ...] [--verbose]

A corpus is a folder of saved articles (``NAME.txt``) each with its labels
(``NAME.expected.json``, the format of tests/fixtures/newstext). Every article is imported by the
news-text importer and checked on nine fields:

- ``title``, ``kicker``, ``source``: equal to the label;
- ``published``: none when the label is null, else the importer's ISO time starts with the label
  (``"2012-11-05"`` checks the day, ``"2012-11-05T15:39:00-08:00"`` the time and zone too);
- ``authors``: the same names in the same order;
- ``lead``: starts with ``lead_starts``;
- ``paragraphs``: as many body paragraphs as ``paragraph_starts`` has (or ``paragraph_count``;
  a list is one paragraph, a heading is one);
- ``figures``: as many figures, each caption starting with the label's ``caption`` and with the
  label's ``credit``;
- ``boilerplate``: none of the ``absent`` strings left in any field.

A field missing from a label is not checked (where the saved text cannot tell, say a date with
no year). The report gives the share of checks passed per field and in all, per corpus; with
``--verbose`` it names every failed check. Without ``--corpus`` it scores our own fixtures, which
the test suite already holds to every check; the figure that matters is on articles from sources
the rules were never written against, labelled by hand and kept outside the repository (real
articles belong to their publishers).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from publisher.importers import read_source  # noqa: E402
from publisher.importers.newstext import NewsTextImporter  # noqa: E402
from publisher.model import Article  # noqa: E402

FIELDS = (
    "title",
    "kicker",
    "published",
    "source",
    "authors",
    "lead",
    "paragraphs",
    "figures",
    "boilerplate",
)
IMPORTER = NewsTextImporter()


def _texts(article: Article) -> list[str]:
    texts = [article.kicker, article.title, article.source, article.lead, *article.paragraphs]
    texts += [*article.authors, *article.keywords]
    for figure in article.figures:
        texts += [figure.caption, figure.credit]
    return texts


def check(article: Article, label: dict) -> dict[str, bool]:
    """Each labelled field: whether the article has it right."""
    results: dict[str, bool] = {}
    for key in ("title", "kicker", "source"):
        if key in label:
            results[key] = getattr(article, key) == label[key]
    if "published" in label:
        published = article.published.isoformat() if article.published else None
        want = label["published"]
        results["published"] = (
            published is None if want is None else bool(published and published.startswith(want))
        )
    if "authors" in label:
        results["authors"] = list(article.authors) == label["authors"]
    if "lead_starts" in label:
        results["lead"] = article.lead.startswith(label["lead_starts"])
    if "paragraph_count" in label or "paragraph_starts" in label:
        count = label.get("paragraph_count", len(label.get("paragraph_starts", [])))
        results["paragraphs"] = len(article.paragraphs) == count
    if "figures" in label:
        want_figures = label["figures"]
        results["figures"] = len(article.figures) == len(want_figures) and all(
            f.caption.startswith(w["caption"]) and f.credit == w["credit"]
            for f, w in zip(article.figures, want_figures, strict=False)
        )
    if "absent" in label:
        text = "\n".join(_texts(article))
        results["boilerplate"] = not any(a in text for a in label["absent"])
    return results


def score(corpus: Path, verbose: bool) -> tuple[int, Counter[str], Counter[str]]:
    """How many articles were labelled, and the checks passed and made, per field."""
    passed: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    articles = 0
    for path in sorted(corpus.glob("*.txt")):
        label_path = path.with_suffix(".expected.json")
        if not label_path.exists():
            continue
        articles += 1
        label = json.loads(label_path.read_text(encoding="utf-8"))
        article = IMPORTER.parse(read_source(path)).article
        for field, ok in check(article, label).items():
            checked[field] += 1
            passed[field] += ok
            if verbose and not ok:
                print(f"  {path.name}: {field}")
    return articles, passed, checked


def report(corpus: Path, articles: int, passed: Counter[str], checked: Counter[str]) -> None:
    print(f"{corpus}: {articles} articles, {sum(checked.values())} checks")
    for field in FIELDS:
        if checked[field]:
            share = passed[field] / checked[field]
            print(f"  {field:<12} {passed[field]:>4}/{checked[field]:<4} {share:6.1%}")
    total = sum(passed.values()) / max(1, sum(checked.values()))
    print(f"  {'all':<12} {sum(passed.values()):>4}/{sum(checked.values()):<4} {total:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    for corpus in args.corpus or [ROOT / "tests" / "fixtures" / "newstext"]:
        report(corpus, *score(corpus, args.verbose))


if __name__ == "__main__":
    main()
