"""``python -m benchmarks [--mode quick|full|smoke] [--only FIGURE]``: newsbot's costs as ratios.

Every figure compares two things measured in the same run on the same machine, so it holds on
a noisy shared machine: newsbot against a bare Scrapy spider on the same replica, its parser
against generic extractors on the same pages, its store against raw ``executemany`` on the same
rows. The replica serves realistic-weight pages (``--page-weight realistic``: as heavy as real
news pages, see ``benchmarks/pageweight.py``). Results are printed and written to
``exports/bench/bench-<time>.json`` (and ``latest.json``) with the page weight, the machine's
core count and load average at the start, and every raw pair and sample.

Each figure is a module of its own:

1. crawl throughput (``benchmarks/crawl.py``): pages/s of the full newsbot crawl ÷ pages/s of
   the bare spider, each process timed start to exit, on exactly the same URLs, runs
   alternated A B A B in separate processes, the ratio taken pair by pair (goal ≥ 0.85);
2. parse cost (``benchmarks/parse.py``): article pages parsed per second by newsbot ÷ by
   ``trafilatura.extract`` with metadata (and text only) and by newspaper4k (goal ≥ 10);
3. store cost (``benchmarks/store.py``): rows/s of newsbot's store ÷ raw batched
   ``executemany``, SQLite and PostgreSQL (goal ≥ 0.5);
4. memory (``benchmarks/memory.py``): peak RSS of a full crawl, small and large, and the
   growth per article;
5. re-run cost (``benchmarks/rerun.py``): requests of a second crawl with nothing new ÷
   requests of the first;
6. generic extraction (``benchmarks/aeb.py``) on real pages no one here wrote (the public
   article-extraction-benchmark, read from ``../shared/datasets/``; skipped, saying so, when
   missing): body F1, precision, recall and pages/s of newsbot's generic path beside
   trafilatura and newspaper4k, and their title, authors and date against hand labels.

``--only crawl`` runs figure 1 alone (without the re-run of figure 5), to compare builds;
``--only parse`` and ``--only aeb`` run and print figure 2 or 6 alone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import aeb, crawl, memory, pageweight, parse, rerun, store
from benchmarks.common import MODES, PAGE_WEIGHT, REPO, machine


class _FigureTimer:
    """Wall seconds of each figure, by name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        yield
        self.seconds[name] = round(time.monotonic() - started, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--mode", choices=sorted(MODES), default="quick")
    parser.add_argument("--out", type=Path, default=REPO / "exports" / "bench")
    parser.add_argument(
        "--only",
        choices=sorted([*_ONLY, "crawl"]),
        help="run one figure alone: crawl (written to exports/bench like a whole run), "
        "parse or aeb (printed only)",
    )
    args = parser.parse_args(argv)
    if args.only in _ONLY:
        host = machine()
        print(
            f"{args.only} ({args.mode} mode), {host['cpu_count']} cores, load average at start "
            + " ".join(str(load) for load in host["load_average_at_start"])
        )
        print("\n".join(_ONLY[args.only](MODES[args.mode])))
        return 0
    mode = MODES[args.mode]
    started = time.monotonic()
    host = machine()  # before any work: how busy the machine was already
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        try:
            when = datetime.now(UTC).isoformat(timespec="seconds")
            # Where the run's minutes go: make bench should stay under two.
            timer = _FigureTimer()
            with timer("page_weight"):
                weight = pageweight.weight_record(PAGE_WEIGHT)
            if args.only == "crawl":
                with timer("crawl_throughput"):
                    throughput, _ = crawl.figure(mode, scratch, with_rerun=False)
                results: dict[str, Any] = _header(args.mode, when, host, weight)
                results["crawl_throughput"] = throughput
                results["figure_seconds"] = timer.seconds
                return _write(results, started, args.out)
            with timer("crawl_throughput and rerun_cost"):
                throughput, again = crawl.figure(mode, scratch)
            with timer("parse_cost"):
                parsing = parse.figure(mode)
            with timer("store_cost"):
                storing = store.figure(mode, scratch)
            with timer("memory"):
                peak = memory.figure(mode, scratch)
            with timer("generic_extraction"):
                generic = aeb.figure(mode.aeb_pages)
            results = {
                **_header(args.mode, when, host, weight),
                "crawl_throughput": throughput,
                "parse_cost": parsing,
                "store_cost": storing,
                "memory": peak,
                "rerun_cost": again,
                "generic_extraction": generic,
                "figure_seconds": timer.seconds,
            }
        finally:
            store.drop_postgres_databases()
    return _write(results, started, args.out)


def _header(mode: str, when: str, host: dict[str, Any], weight: dict[str, Any]) -> dict[str, Any]:
    return {
        "mode": mode,
        "when": when,
        "python": host["python"],
        "machine": {k: v for k, v in host.items() if k != "python"},
        "page_weight": weight,
    }


def _write(results: dict[str, Any], started: float, out: Path) -> int:
    results["seconds"] = round(time.monotonic() - started, 1)
    results["machine"]["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{results['when'].replace(':', '-')}.json"
    text = json.dumps(results, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    (out / "latest.json").write_text(text + "\n", encoding="utf-8")
    _print(results, path)
    return 0


# Figures that run without a replica, a crawl or a database, for measuring one alone.
_ONLY: dict[str, Callable[[Any], list[str]]] = {
    "parse": lambda mode: parse.lines(parse.figure(mode)),
    "aeb": lambda mode: aeb.figure_lines(aeb.figure(mode.aeb_pages)),
}


def _print(results: dict[str, Any], path: Path) -> None:
    host, weight = results["machine"], results["page_weight"]
    pages = weight["article_page_medians"]
    lines = [
        f"newsbot benchmarks ({results['mode']} mode, {results['seconds']} s: "
        + ", ".join(f"{name} {took} s" for name, took in results["figure_seconds"].items())
        + ")",
        f"machine: {host['cpu_count']} cores, load average at start "
        + " ".join(str(load) for load in host["load_average_at_start"])
        + ", at end "
        + " ".join(str(load) for load in host["load_average_at_end"]),
        f"pages: {weight['page_weight']} weight, article pages of {pages['bytes'] / 1000:.0f} KB, "
        f"{pages['elements']:.0f} elements, {pages['links']:.0f} links (medians)",
        *crawl.lines(results["crawl_throughput"]),
        *(
            line
            for key, lines in (
                ("parse_cost", parse.lines),
                ("store_cost", store.lines),
                ("memory", memory.lines),
                ("rerun_cost", rerun.lines),
                ("generic_extraction", aeb.figure_lines),
            )
            if key in results  # --only runs one figure
            for line in lines(results[key])
        ),
        f"written to {path}",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
