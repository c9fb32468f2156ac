"""Benchmark of ``publisher build``: per stage, by issue size, against the official MJML CLI.

Run from the repository: ``python bench/build.py [--repeat N] [--no-node]``.

It builds the example issue and generated issues of 10, 50 and 200 articles (the example
articles cycled under new slugs) and prints, per stage (compose, Jinja, MJML, premailer, text,
print) and in total, the median time of N in-process builds and the peak Python memory of each
stage (tracemalloc, in a separate pass so it does not slow the timed ones). It then times the
whole ``python -m publisher build`` process for the example issue (with its image cache warm,
as a rebuild finds it, and empty), installs the npm package
``mjml`` into a temporary folder and times the official ``mjml`` command rendering the very same
MJML, and prints the ratio. Last, it times the preview's warm rebuild: an article of a copy of
the example project edited, then rebuilt and checked in the process that built it before, as
``publisher preview`` does after each save, against the same official command. Figures only:
nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import publisher.render.issue as render  # noqa: E402
from publisher.articles import file as articlefile  # noqa: E402
from publisher.articles.library import Library  # noqa: E402
from publisher.config import load_config  # noqa: E402
from publisher.issues.compose import compose_issue  # noqa: E402
from publisher.preview.session import PreviewSession, Sample  # noqa: E402

EXAMPLE = "ban-tin-vi-du-so-1"
SIZES = (10, 50, 200)
STAGES = ("compose", "jinja", "mjml", "premailer", "text", "print")
EXCERPTS = ("lead", "full", "40", "lead", "60")


def generated_project(folder: Path, count: int) -> Path:
    """A project with ``count`` articles (the examples under new slugs) in one issue."""
    project = folder / f"n{count}"
    (project / "articles").mkdir(parents=True)
    (project / "issues").mkdir()
    shutil.copy(ROOT / "publisher.toml", project / "publisher.toml")
    shutil.copytree(ROOT / "images", project / "images")
    examples = list(Library(ROOT / "articles").articles())
    lines = [f'title: "Bản tin thử {count} bài"', "number: 1", "date: 2024-05-10", "sections:"]
    for n in range(count):
        source = examples[n % len(examples)]
        slug = f"{source.slug}-{n}"
        article = source.with_(slug=slug, title=f"{source.title} ({n})")
        (project / "articles" / f"{slug}.md").write_text(
            articlefile.dumps(article), encoding="utf-8"
        )
        if n % 10 == 0:
            lines += [f"  - title: Mục {n // 10 + 1}", "    articles:"]
        lines += [f"      - slug: {slug}", f"        excerpt: {EXCERPTS[n % len(EXCERPTS)]}"]
    (project / "issues" / "bench.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return project


def one_build(project: Path, issue: str, timings: dict[str, float]) -> render.Rendered:
    """Compose and render in process (no files written), adding each stage's time."""
    config = load_config(project)
    with render.timed(timings, "compose"):
        composed = compose_issue(config, issue)
    return render.render_issue(composed, config.templates_dir, timings)


def measure(project: Path, issue: str, repeat: int) -> tuple[dict, dict, render.Rendered]:
    """Median seconds and peak traced bytes per stage."""
    one_build(project, issue, {})  # warm up: imports, template compilation, CSS parsing
    runs = []
    for _ in range(repeat):
        timings: dict[str, float] = {}
        start = time.perf_counter()
        rendered = one_build(project, issue, timings)
        timings["total"] = time.perf_counter() - start
        runs.append(timings)
    medians = {k: statistics.median(r.get(k, 0.0) for r in runs) for k in (*STAGES, "total")}
    return medians, memory_pass(project, issue), rendered


def memory_pass(project: Path, issue: str) -> dict[str, int]:
    """Peak Python memory allocated within each stage (Rust and C allocations not seen)."""
    peaks: dict[str, int] = {}
    real = render.timed

    @contextlib.contextmanager
    def traced(timings: dict[str, float] | None, stage: str) -> Iterator[None]:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        with real(timings, stage):
            yield
        peaks[stage] = max(peaks.get(stage, 0), tracemalloc.get_traced_memory()[1] - before)

    tracemalloc.start()
    render.timed = traced  # render_issue looks the name up in its module on every call
    try:
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        one_build(project, issue, {})
        peaks["total"] = tracemalloc.get_traced_memory()[1] - start
    finally:
        render.timed = real
        tracemalloc.stop()
    return peaks


API_BUILD = (
    "import sys; from pathlib import Path; from publisher.output.build import build_issue; "
    "from publisher.config import load_config; "
    "build_issue(load_config(Path(sys.argv[1])), sys.argv[2], out=Path(sys.argv[3]))"
)


def whole_process(
    command: list[str], repeat: int, cache: Path, cold: bool = False
) -> tuple[float, float, int]:
    """Median and best wall time and peak RSS (KiB) of a fresh process running ``command``.

    ``cache`` is the image cache (``PUBLISHER_CACHE_DIR``); ``cold`` empties it before each run.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PUBLISHER_CACHE_DIR": str(cache)}
    # The first (untimed) run leaves bytecode behind, as any installed or used package has.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    times = []
    for _ in range(repeat + 1):
        if cold:
            shutil.rmtree(cache, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return statistics.median(times[1:]), min(times[1:]), rss


def install_mjml(folder: Path) -> Path | None:
    """The official ``mjml`` command, installed with npm into ``folder`` (None if impossible)."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        print("npm or node not found: the official MJML comparison is skipped")
        return None
    print("installing the npm package mjml into a temporary folder ...", flush=True)
    result = subprocess.run(
        [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder), "mjml"],
        capture_output=True,
        text=True,
    )
    binary = folder / "node_modules" / ".bin" / "mjml"
    if result.returncode != 0 or not binary.exists():
        print(f"npm install mjml failed: the comparison is skipped\n{result.stderr[-500:]}")
        return None
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    print(f"official MJML: {' '.join(version.stdout.split())}")
    return binary


def official_mjml(binary: Path, mjml: str, folder: Path, repeat: int) -> tuple[float, float]:
    """Median and best wall time of the official command rendering one MJML file to HTML."""
    source, out = folder / "issue.mjml", folder / "issue.html"
    source.write_text(mjml, encoding="utf-8")
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        subprocess.run([str(binary), str(source), "-o", str(out)], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:]), min(times[1:])


def warm_rebuilds(folder: Path, repeat: int) -> tuple[float, float]:
    """Median and best time of the preview's rebuild (build and check) after an edit."""
    project = folder / "preview-project"
    project.mkdir()
    for name in ("publisher.toml", "articles", "issues", "images"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    session = PreviewSession(project, EXAMPLE, Sample())
    session.rebuild()  # the first build, as the preview makes it when it starts
    article = next(iter(sorted((project / "articles").glob("*.md"))))
    original = article.read_text(encoding="utf-8")
    times = []
    for n in range(repeat * 3):
        article.write_text(original.replace("title: ", f"title: ({n}) ", 1), encoding="utf-8")
        state = session.rebuild()
        if state.error:
            raise SystemExit(f"the preview's rebuild failed: {state.error}")
        times.append(state.seconds)
    return statistics.median(times), min(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def mib(count: int) -> str:
    return f"{count / 2**20:8.2f}"


def report(rows: list[tuple[str, int, dict, dict]]) -> None:
    header = f"{'issue':<22}{'articles':>9}" + "".join(f"{s:>10}" for s in (*STAGES, "total"))
    print("\nmedian time per stage, ms (in process, no files written)")
    print(header)
    for name, count, medians, _ in rows:
        cells = "".join(f"{ms(medians[s]):>10}" for s in (*STAGES, "total"))
        print(f"{name:<22}{count:>9}{cells}")
    print("\npeak Python memory per stage, MiB (tracemalloc)")
    print(header)
    for name, count, _, peaks in rows:
        cells = "".join(f"{mib(peaks.get(s, 0)):>10}" for s in (*STAGES, "total"))
        print(f"{name:<22}{count:>9}{cells}")
    print("\ngrowth: total time per article, ms")
    for name, count, medians, _ in rows:
        print(f"  {name:<20}{count:>5} articles {ms(medians['total'] / count)} ms/article")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per measure")
    parser.add_argument("--no-node", action="store_true", help="skip the official MJML CLI")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="publisher-bench-") as tmp:
        folder = Path(tmp)
        example_count = len(compose_issue(load_config(ROOT), EXAMPLE).entries)
        cases = [("example", ROOT, EXAMPLE, example_count)]
        cases += [(f"generated-{n}", generated_project(folder, n), "bench", n) for n in SIZES]
        rows, mjml_sources = [], {}
        for name, project, issue, count in cases:
            repeat = args.repeat if count < 200 else max(3, args.repeat // 2)
            medians, peaks, rendered = measure(project, issue, repeat)
            rows.append((name, count, medians, peaks))
            mjml_sources[name] = rendered.mjml
        report(rows)
        out = str(folder / "out")
        cache = folder / "cache"
        cli = [sys.executable, "-m", "publisher", "--project", str(ROOT), "build", EXAMPLE]
        wall, best, rss = whole_process([*cli, "--out", out], args.repeat, cache)
        print(f"\nwhole `publisher build {EXAMPLE}` process (email, text, print; no PDF):")
        print(
            f"  median {ms(wall).strip()} ms, best {ms(best).strip()} ms of {args.repeat} runs;"
            f" peak RSS {rss / 1024:.1f} MiB"
        )
        cold, cold_best, _ = whole_process([*cli, "--out", out], args.repeat, cache, cold=True)
        print(
            f"  with an empty image cache each time (images read and checked with Pillow):"
            f" median {ms(cold).strip()} ms, best {ms(cold_best).strip()} ms"
        )
        api = [sys.executable, "-c", API_BUILD, str(ROOT), EXAMPLE, out]
        api_wall, api_best, _ = whole_process(api, args.repeat, cache)
        print(
            f"  the same build through build_issue() in one process (no CLI):"
            f" median {ms(api_wall).strip()} ms, best {ms(api_best).strip()} ms"
        )
        warm, warm_best = warm_rebuilds(folder, args.repeat)
        print(
            f"  the preview's warm rebuild after an edit (build and check, one process):"
            f" median {ms(warm).strip()} ms, best {ms(warm_best).strip()} ms"
        )
        binary = None if args.no_node else install_mjml(folder / "node")
        if binary is None:
            return
        print("\nofficial `mjml` CLI rendering the same MJML (email only), median / best ms:")
        for name, _, medians, _ in rows:
            repeat = args.repeat if name == "example" else max(3, args.repeat // 2)
            official, official_best = official_mjml(binary, mjml_sources[name], folder, repeat)
            ours = medians["jinja"] + medians["mjml"] + medians["premailer"]
            print(
                f"  {name:<20}{ms(official)} /{ms(official_best)}  (mjml-python stage:"
                f" {ms(medians['mjml']).strip()}, our whole email in process: {ms(ours).strip()})"
            )
            if name == "example":
                ratio, best_ratio = wall / official, best / official_best
                verdict = "meets" if ratio < 1.0 else "MISSES"
                print(
                    f"  -> the whole build process takes {ratio:.2f} of the official CLI's time"
                    f" (best runs: {best_ratio:.2f}); {verdict} the target of < 1.0"
                    f"\n     (with an empty image cache: {cold / official:.2f})"
                )
                verdict = "meets" if warm / official <= 0.1 else "MISSES"
                print(
                    f"  -> the preview's warm rebuild takes {warm / official:.3f} of the official"
                    f" CLI's time (best runs: {warm_best / official_best:.3f}); {verdict} the"
                    " target of <= 0.1"
                )
        print(f"\nload average during the run: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
