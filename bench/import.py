"""Import speed: a few thousand generated news-text files through the real import stage.

    python bench/import.py [--files 3000] [--seed 1] [--segmenter auto|plain|underthesea]
    python bench/import.py --html [--pages 1000] [--repeat 3]

Files are made from the shapes of tests/fixtures/newstext (varied titles, numbers, line endings,
encodings, blank and NBSP lines), written to a temporary folder, then imported: through the
whole import stage into a temporary library (read, parse, keyword annotation, write), the same
with ``dry_run`` (nothing written), the news-text importer alone (read and parse), and, as the
baseline, a naive parser that takes the first line as title and the rest as paragraphs. The
ratios say what the news-text rules, and the whole stage, cost over reading and splitting.
Keyword suggestions use ``--segmenter`` (default ``auto``, as ``[keywords] segmenter``).

``--html`` times the HTML importer instead: pages made from tests/fixtures/html (titles,
numbers and paragraph counts varied) are parsed by the importer and, as the baseline, by
trafilatura's own ``extract()`` alone, on the same pages; the ratio is what the importer adds
on top of the extraction (reading the page's metadata, dates, figures and captions). It also
reports the peak memory of the whole run.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from publisher.articles.library import Library  # noqa: E402
from publisher.importers import read_source  # noqa: E402
from publisher.importers.base import Source  # noqa: E402
from publisher.importers.html import HtmlImporter  # noqa: E402
from publisher.importers.importing import ImportFailure, import_paths  # noqa: E402
from publisher.importers.newstext import NewsTextImporter  # noqa: E402
from publisher.keywords import SEGMENTERS, KeywordSettings  # noqa: E402
from publisher.keywords.segment import resolve  # noqa: E402
from publisher.model import Article  # noqa: E402
from publisher.text import clean  # noqa: E402

NEWS_TEXT = NewsTextImporter()
SHAPES = ROOT / "tests" / "fixtures" / "newstext"
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: base letters plus combining tone marks."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            tone = "".join(c for c in parts if c in TONES)
            out += base.encode("cp1258", errors="replace") + tone.encode("cp1258")
    return bytes(out)


def variant(text: str, n: int, rng: random.Random) -> tuple[bytes, str]:
    """One generated file from a shape: (bytes, suffix) with its own title and numbers."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            if rng.random() < 0.8:  # most titles differ; some repeat, to exercise slug suffixes
                lines[i] = f"{line.rstrip()} {n}"
            break
    body = "\n".join(lines)
    body = body.replace("2017", str(2010 + n % 14)).replace("15:42", f"{n % 24:02d}:{n % 60:02d}")
    if rng.random() < 0.3:
        body = body.replace("\n\n", "\n\u00a0\n\n", 2)
    eol = rng.choice(["\n", "\n", "\r\n", "\r"])
    body = body.replace("\n", eol)
    roll = rng.random()
    if roll < 0.1:
        return body.encode("utf-16"), "utf16"
    if roll < 0.2 and any("\u00c0" <= c <= "\u1ef9" for c in body):
        try:
            return cp1258(body), "cp1258"
        except UnicodeEncodeError:
            pass
    if roll < 0.3:
        return body.encode("utf-8-sig"), "bom"
    return body.encode("utf-8"), "utf8"


def generate(folder: Path, count: int, seed: int) -> int:
    rng = random.Random(seed)
    shapes = [read_source(p).text for p in sorted(SHAPES.glob("*.txt"))]
    total = 0
    for n in range(count):
        data, kind = variant(rng.choice(shapes), n, rng)
        (folder / f"{n:05d}-{kind}.txt").write_bytes(data)
        total += len(data)
    return total


def naive(path: Path) -> Article:
    """The baseline: first line is the title, second the lead, the rest paragraphs."""
    lines = [clean(line) for line in read_source(path).text.split("\n")]
    title, *rest = [line for line in lines if line]
    return Article(title=title, lead=rest[0] if rest else "", paragraphs=tuple(rest[1:]))


def run_import(folder: Path, *, dry_run: bool, segmenter: str) -> tuple[float, int, int]:
    settings = KeywordSettings(segmenter=segmenter)
    with tempfile.TemporaryDirectory() as library_dir:
        library = Library(Path(library_dir) / "articles")
        start = time.perf_counter()
        outcomes = list(import_paths([folder], library, dry_run=dry_run, keywords=settings))
        elapsed = time.perf_counter() - start
    failed = sum(isinstance(o, ImportFailure) for o in outcomes)
    return elapsed, len(outcomes) - failed, failed


def run_each(folder: Path, parse) -> tuple[float, int]:
    paths = sorted(folder.glob("*.txt"))
    start = time.perf_counter()
    for path in paths:
        parse(path)
    return time.perf_counter() - start, len(paths)


def news_text(path: Path) -> Article:
    return NEWS_TEXT.parse(read_source(path)).article


PAGES = ROOT / "tests" / "fixtures" / "html"


def html_pages(count: int, seed: int) -> list[Source]:
    """Article pages in the fixtures' shapes, each a little different, with the bulk a real news
    page carries around its article (menus, a related-articles rail, scripts, comments), so
    that extraction works on pages of a realistic size (about 60 KB)."""
    rng = random.Random(seed)
    shapes = [p.read_text(encoding="utf-8") for p in sorted(PAGES.glob("*.html"))]
    shapes = [s for s in shapes if "<article" in s]
    menu = "".join(f'<li><a href="/muc-{k}">Chuyên mục {k}</a></li>' for k in range(150))
    rail = "".join(
        f'<li><a href="/tin-{k}.html"><img src="/t/{k}.jpg" alt="">Tin liên quan số {k} '
        "về giao thông, kinh tế và đời sống</a></li>"
        for k in range(40)
    )
    script = (
        "<script>var config = " + json.dumps({f"k{k}": "v" * 40 for k in range(300)}) + ";</script>"
    )
    comments = "".join(
        f'<div class="comment"><b>Bạn đọc {k}</b><p>Ý kiến số {k}: cảm ơn bài viết.</p></div>'
        for k in range(25)
    )
    bulk_top = f"<nav><ul>{menu}</ul></nav>{script}"
    bulk_end = (
        f'<aside class="related"><ul>{rail}</ul></aside>'
        f'<section class="comments">{comments}</section>'
    )
    pages = []
    for n in range(count):
        text = shapes[n % len(shapes)]
        text = text.replace("</h1>", f" ({n})</h1>", 1)
        text = text.replace("40 km", f"{rng.randint(2, 99)} km")
        extra = "".join(
            f"<p>Đoạn thêm số {k} của trang {n}, viết cho phép đo.</p>"
            for k in range(rng.randint(0, 6))
        )
        text = text.replace("</article>", extra + "</article>", 1)
        text = text.replace("<body>", "<body>" + bulk_top, 1).replace(
            "</body>", bulk_end + "</body>", 1
        )
        pages.append(Source(f"page-{n}.html", text, f"sha256:{n}", "utf-8"))
    return pages


def bench_html(count: int, seed: int, repeat: int) -> None:
    import resource

    import trafilatura

    pages = html_pages(count, seed)
    html = HtmlImporter()
    html.parse(pages[0])  # imports and warms up trafilatura for both runs

    def extract_all() -> None:
        for page in pages:
            trafilatura.extract(
                page.text, output_format="markdown", include_comments=False,
                include_images=True, include_links=True, include_formatting=True,
            )  # fmt: skip

    def import_all() -> None:
        for page in pages:
            html.parse(page)

    # Interleaved rounds, the best of each: a shared machine's speed drifts over a minute, and
    # one round of each, one after the other, measured the drift as much as the importer.
    times: dict[str, list[float]] = {"baseline": [], "ours": []}
    for _ in range(repeat):
        for name, run in (("baseline", extract_all), ("ours", import_all)):
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    baseline, ours = min(times["baseline"]), min(times["ours"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = sum(len(p.text.encode()) for p in pages) / count / 1024
    print(f"{count} pages of {size:.0f} KB on average, from the fixtures' article pages"
          f" (best of {repeat} interleaved rounds)")  # fmt: skip
    print(f"{'':36}{'seconds':>10}{'ms/page':>10}")
    print(f"{'HTML importer (parse)':36}{ours:10.2f}{ours / count * 1000:10.2f}")
    print(f"{'baseline: trafilatura extract()':36}{baseline:10.2f}{baseline / count * 1000:10.2f}")
    print(f"HTML importer / trafilatura extract(): {ours / baseline:.2f}x the time "
          f"({(ours / baseline - 1) * 100:+.0f}% on top of the extraction)")  # fmt: skip
    print(f"peak memory of the run: {peak:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--segmenter", choices=SEGMENTERS, default="auto")
    parser.add_argument("--html", action="store_true", help="time the HTML importer instead")
    parser.add_argument("--pages", type=int, default=1000, help="pages for --html")
    parser.add_argument(
        "--repeat", type=int, default=3, help="interleaved rounds for --html (the best counts)"
    )
    args = parser.parse_args()
    if args.html:
        bench_html(args.pages, args.seed, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "raw"
        folder.mkdir()
        size = generate(folder, args.files, args.seed)
        shapes = len(list(SHAPES.glob("*.txt")))
        segmenter = resolve(args.segmenter)
        print(f"{args.files} files, {size / 1e6:.1f} MB, from {shapes} shapes")
        print(f"keyword suggestions: {segmenter} segmenter")
        written, ok, failed = run_import(folder, dry_run=False, segmenter=segmenter)
        dry, dry_ok, _ = run_import(folder, dry_run=True, segmenter=segmenter)
        parse, parse_n = run_each(folder, news_text)
        base, base_n = run_each(folder, naive)
    rows = [
        ("import stage into a library", written, ok),
        ("import stage --dry-run", dry, dry_ok),
        ("news-text importer alone", parse, parse_n),
        ("baseline: naive split-lines", base, base_n),
    ]
    print(f"{'':32}{'seconds':>10}{'articles':>10}{'per second':>12}")
    for name, seconds, n in rows:
        print(f"{name:32}{seconds:10.2f}{n:10d}{n / seconds:12.0f}")
    print(f"failed imports: {failed}")
    print(f"news-text importer / naive baseline: {parse / base:.1f}x the time")
    print(f"import stage --dry-run / naive baseline: {dry / base:.1f}x the time")
    each, whole = parse / parse_n * 1000, dry / dry_ok * 1000
    print(f"per article: news-text importer {each:.2f} ms, whole import stage {whole:.2f} ms")


if __name__ == "__main__":
    main()
