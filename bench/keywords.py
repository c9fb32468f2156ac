"""Keyword suggestion time per article, without and with the ``nlp`` extra (underthesea).

    python bench/keywords.py [--repeat N] [FILE...]

Articles: the fixtures in tests/fixtures/keywords, the seed and every sample in ../shared (or
$PUBLISHER_SHARED; read where they are, at run time), and any FILE given. Text files go
through the news-text importer. Each article is suggested ``--repeat`` times per segmenter and
the median is printed; underthesea's one-off cost (import and model load) is printed apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from publisher.articles import file as articlefile  # noqa: E402
from publisher.importers import pick_importer, read_source  # noqa: E402
from publisher.keywords import nlp_available, suggest_keywords  # noqa: E402
from publisher.keywords.document import article_texts  # noqa: E402
from publisher.model import Article  # noqa: E402

# shared/ sits beside the checkout; PUBLISHER_SHARED points elsewhere (as in the tests).
SHARED = Path(os.environ.get("PUBLISHER_SHARED") or ROOT.parent / "shared")


def articles(extra: list[Path]) -> list[tuple[str, Article]]:
    """(name, article) for every benchmark input that exists on this machine."""
    found = []
    for path in sorted((ROOT / "tests" / "fixtures" / "keywords").glob("*.md")):
        found.append((path.stem, articlefile.loads(path.read_text("utf-8"), slug=path.stem)))
    texts = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "samples").glob("*.txt"))
    for path in [*texts, *extra]:
        source = read_source(path)
        fmt = "article" if path.suffix == ".md" else "news-text"
        found.append((path.stem, pick_importer(source, fmt).parse(source).article))
    return found


def timed(article: Article, segmenter: str, repeat: int) -> tuple[float, list[str]]:
    """Median seconds of ``repeat`` suggestion runs, and the suggestions."""
    runs, result = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        result = suggest_keywords(article, segmenter=segmenter)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--show", action="store_true", help="Print the suggestions too.")
    parser.add_argument("files", nargs="*", type=Path)
    options = parser.parse_args()
    inputs = articles(options.files)
    nlp = nlp_available()
    warm_up = _warm_up() if nlp else None
    header = f"{'article':<24} {'lang':<4} {'words':>6} {'plain ms':>9} {'nlp ms':>8} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    plain_total = nlp_total = 0.0
    for name, article in inputs:
        words = sum(len(t.split()) for t, _ in article_texts(article))
        plain, suggested = timed(article, "plain", options.repeat)
        plain_total += plain
        nlp_cell = ratio = "-"
        if nlp:
            seconds, with_nlp = timed(article, "underthesea", options.repeat)
            nlp_total += seconds
            nlp_cell, ratio = f"{seconds * 1000:.1f}", f"{seconds / plain:.2f}"
        print(f"{name[:24]:<24} {article.language:<4} {words:>6} {plain * 1000:>9.1f} "
              f"{nlp_cell:>8} {ratio:>6}")  # fmt: skip
        if options.show:
            print(f"    plain: {', '.join(suggested) or '-'}")
            if nlp:
                print(f"    nlp:   {', '.join(with_nlp) or '-'}")
    count = len(inputs)
    print("-" * len(header))
    mean_nlp = f"{nlp_total / count * 1000:.1f}" if nlp else "-"
    mean_ratio = f"{nlp_total / plain_total:.2f}" if nlp else "-"
    print(f"{'mean per article':<24} {'':<4} {'':>6} {plain_total / count * 1000:>9.1f} "
          f"{mean_nlp:>8} {mean_ratio:>6}")  # fmt: skip
    if warm_up is None:
        print("nlp extra not installed: pip install 'publisher[nlp]' for the second column")
    else:
        print(f"underthesea one-off cost (import + model load): {warm_up * 1000:.0f} ms")


def _warm_up() -> float:
    """Seconds for underthesea's first use in this process."""
    start = time.perf_counter()
    suggest_keywords(
        Article(title="Hà Nội", lead="Hà Nội " * 30, language="vi"), segmenter="underthesea"
    )
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
