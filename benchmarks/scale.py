"""``python -m benchmarks.scale [--sizes 5000,20000,100000] [--page-weight light] [--profile]``.

Memory at archive scale.

newsbot and the bare spider (``benchmarks/bare_spider.py``, which requests exactly the pages
newsbot requests) crawl 2023-layout replicas of growing size, one crawl process each, FAST
engine settings, SQLite store. For each crawl: peak RSS (``ru_maxrss`` of the crawl process,
from ``wait4``), wall time and pages fetched; between sizes: the growth per article of both
and their ratio (goal: newsbot ≤ 1.1× the bare spider). Printed, and written to
``exports/bench/scale-<time>.json`` (and ``scale-latest.json``), with the page weight and why
(light by default, unlike the other figures: see ``WEIGHT_WHY``).

The replica runs in a process of its own; its memory does not count. The driver imports
nothing heavy: on Linux a child's ``ru_maxrss`` starts from the forking process's, so a small
driver keeps it the crawl's own (its figure is printed beside them to show it is below).

``--profile``: one newsbot crawl under ``tracemalloc`` instead; snapshots taken after
``--profile-at`` articles are diffed, and the allocation sites that grew most are printed: what
newsbot keeps per article.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import BARE_SPIDER, ENGINE, PAGE_WEIGHT, REPO, replica_process

SIZES = (5_000, 20_000, 100_000)
# Light pages (about 6 KB an article page), where every other figure runs at realistic weight.
WEIGHT = "light"
WEIGHT_WHY = (
    "light pages: at realistic weight the peak is set within the first 1,000 articles by the "
    "pages being parsed (about 270-280 MiB at 5,000 and 10,000 articles alike), so growth "
    "between sizes is noise, and 100,000 articles would take well over an hour"
)
GOAL = 1.1  # newsbot's growth per article ÷ the bare spider's
PROFILE_ENV = "NEWSBOT_BENCH_PROFILE"  # "<first>,<second>,<report path>" in the profiled crawl
PROFILE_FRAMES_ENV = "NEWSBOT_BENCH_PROFILE_FRAMES"  # frames kept per allocation


def rss_kib(pid: int) -> int:
    """A process's resident memory now (the replica's: to show it is not starved)."""
    import psutil

    return int(psutil.Process(pid).memory_info().rss // 1024)


def run_measured(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, float]:
    """Run ``command``; its peak RSS in KiB (``ru_maxrss`` from ``wait4``) and wall seconds."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command[:6]}… exited with {process.returncode}")
    return int(usage.ru_maxrss), time.monotonic() - started


def newsbot_crawl(
    base: str, workdir: Path, extra_env: dict[str, str] | None = None
) -> dict[str, Any]:
    """The whole product: parse, validate, dedupe, SQLite store, feeds, monitors."""
    env = {**os.environ, "NEWSBOT_EXPORTS_DIR": str(workdir), **(extra_env or {})}
    for name in ("NEWSBOT_DATABASE_URL", "NEWSBOT_REDIS_URL", "NEWSBOT_STATS_FILE"):
        env.pop(name, None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    stats_file = workdir / "stats.json"
    launcher = (
        [sys.executable, "-m", "benchmarks.scale", "--profiled-crawl", "--"]
        if extra_env and PROFILE_ENV in extra_env
        else [sys.executable, "-m", "scrapy"]
    )
    rss, seconds = run_measured(
        # Section lists only: the bare spider does not read feeds (the 2023 replica has none).
        [*launcher, "crawl", "koreaherald", "-a", f"base_url={base}",
         "-a", "pages=100000", "-a", "discover=sections", *ENGINE,
         "-s", f"NEWSBOT_STATS_FILE={stats_file}"],
        REPO, env,
    )  # fmt: skip
    stats: dict[str, Any] = json.loads(stats_file.read_text())
    return {"stats": stats, "peak_rss_kib": rss, "seconds": seconds}


def bare_crawl(base: str, workdir: Path) -> dict[str, Any]:
    """The baseline, run outside the project so that none of newsbot's settings apply."""
    stats_file = workdir / "bare-stats.json"
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    rss, seconds = run_measured(
        [sys.executable, "-m", "scrapy", "runspider", str(BARE_SPIDER), "-a", f"base_url={base}",
         "-a", f"stats_file={stats_file}", *ENGINE],
        workdir, env,
    )  # fmt: skip
    stats: dict[str, Any] = json.loads(stats_file.read_text())
    return {"stats": stats, "peak_rss_kib": rss, "seconds": seconds}


def _fresh(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=False)
    return path


# --- the figure -------------------------------------------------------------------------


def scale(
    sizes: tuple[int, ...], scratch: Path, together: bool = False, weight: str = WEIGHT
) -> dict[str, Any]:
    """Peak RSS of newsbot and of the bare spider at each size, and the growth between.

    ``together``: both crawl the replica at the same time (half the wall time; peak memory
    barely changes, pages per second are each other's competition).
    """
    crawls: dict[int, dict[str, Any]] = {}
    for size in sizes:
        started = time.monotonic()
        with replica_process(size, weight) as (base, replica_pid):
            replica_started = round(time.monotonic() - started, 1)
            if together:
                with ThreadPoolExecutor(2) as pool:
                    mine_future = pool.submit(newsbot_crawl, base, _fresh(scratch / f"n-{size}"))
                    bare_future = pool.submit(bare_crawl, base, _fresh(scratch / f"bare-{size}"))
                    mine, bare = mine_future.result(), bare_future.result()
            else:
                mine = newsbot_crawl(base, _fresh(scratch / f"n-{size}"))
                bare = bare_crawl(base, _fresh(scratch / f"bare-{size}"))
            served_rss = rss_kib(replica_pid)
        pages, bare_pages = (
            mine["stats"]["response_received_count"],
            bare["stats"]["response_received_count"],
        )
        if pages != bare_pages:
            raise RuntimeError(
                f"{size} articles: newsbot fetched {pages} pages, the bare spider {bare_pages}: "
                "they must follow the same links"
            )
        crawls[size] = {
            "articles": mine["stats"].get("newsbot/articles/2023", 0),
            "pages": pages,
            "peak_rss_mib": _mib(mine["peak_rss_kib"]),
            "bare_peak_rss_mib": _mib(bare["peak_rss_kib"]),
            "seconds": round(mine["seconds"], 1),
            "bare_seconds": round(bare["seconds"], 1),
            "pages_per_s": round(pages / mine["seconds"], 1),
            "bare_pages_per_s": round(bare_pages / bare["seconds"], 1),
            "replica_start_seconds": replica_started,
            "replica_rss_mib": _mib(served_rss),
        }
        print(f"  {size} articles: {json.dumps(crawls[size])}", flush=True)
    growth = []
    for small, large in itertools.pairwise(sizes):
        extra = max(crawls[large]["articles"] - crawls[small]["articles"], 1)
        mine = (crawls[large]["peak_rss_mib"] - crawls[small]["peak_rss_mib"]) * 2**20 / extra
        bare = (
            (crawls[large]["bare_peak_rss_mib"] - crawls[small]["bare_peak_rss_mib"])
            * 2**20
            / extra
        )
        growth.append(
            {
                "from": small,
                "to": large,
                "bytes_per_article": round(mine),
                "bare_bytes_per_article": round(bare),
                "ratio": round(mine / bare, 2) if bare > 0 else None,
            }
        )
    return {
        "page_weight": weight,
        "page_weight_why": WEIGHT_WHY if weight == WEIGHT else "chosen with --page-weight",
        "crawls": {str(size): crawl for size, crawl in crawls.items()},
        "growth": growth,
        "goal": f"growth per article <= {GOAL}x the bare spider's",
    }


def _mib(kib: float) -> float:
    return round(kib / 1024, 1)


# --- profile ------------------------------------------------------------------------------


def profile(
    size: int, at: tuple[int, int], scratch: Path, top: int, weight: str = WEIGHT
) -> dict[str, Any]:
    """One newsbot crawl under tracemalloc: what grew between ``at[0]`` and ``at[1]`` articles."""
    report = scratch / "profile.json"
    with replica_process(size, weight) as (base, _):
        crawl = newsbot_crawl(
            base,
            _fresh(scratch / "profile"),
            {PROFILE_ENV: f"{at[0]},{at[1]},{report}"},
        )
    result: dict[str, Any] = json.loads(report.read_text())
    result["sites"] = result["sites"][:top]
    result["page_weight"] = weight
    result["peak_rss_mib_under_tracemalloc"] = _mib(crawl["peak_rss_kib"])
    return result


class _Snapshots:
    """A Scrapy extension for the profiled crawl: tracemalloc snapshots at two article counts."""

    def __init__(self, first: int, second: int, path: str) -> None:
        self.first, self.second, self.path = first, second, Path(path)
        self.count = 0
        self.snapshots: list[Any] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> _Snapshots:
        from scrapy import signals

        first, second, path = os.environ[PROFILE_ENV].split(",", 2)
        extension = cls(int(first), int(second), path)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def item_scraped(self, item: Any) -> None:
        import gc
        import tracemalloc

        if type(item).__name__ != "Article":
            return
        self.count += 1
        if self.count in (self.first, self.second):
            gc.collect()
            self.snapshots.append(tracemalloc.take_snapshot())

    def closed(self) -> None:
        import tracemalloc

        if len(self.snapshots) < 2:
            raise RuntimeError(f"only {self.count} articles: no two snapshots to compare")
        extra = self.second - self.first
        filters = [tracemalloc.Filter(False, tracemalloc.__file__)]
        before, after = (s.filter_traces(filters) for s in self.snapshots)
        differences = after.compare_to(before, "traceback")
        sites = []
        for difference in differences[:60]:
            frames = [
                f"{_short(frame.filename)}:{frame.lineno}"
                for frame in difference.traceback
                if "/tracemalloc" not in frame.filename
            ]
            sites.append(
                {
                    "bytes_per_article": round(difference.size_diff / extra, 1),
                    "blocks_per_article": round(difference.count_diff / extra, 2),
                    "where": frames[-6:][::-1],  # innermost first
                }
            )
        total = sum(d.size_diff for d in differences)
        self.path.write_text(
            json.dumps(
                {
                    "articles": [self.first, self.second],
                    "traced_bytes_per_article": round(total / extra, 1),
                    "sites": sites,
                },
                indent=1,
            )
        )


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/newsbot/", "/benchmarks/", "/lib/python3"):
        if marker in filename:
            return marker.strip("/") + "/" + filename.split(marker, 1)[1]
    return filename


def _profiled_crawl(scrapy_args: list[str]) -> None:
    """``scrapy <args>`` in this process, under tracemalloc, with the snapshot extension."""
    import tracemalloc

    tracemalloc.start(int(os.environ.get(PROFILE_FRAMES_ENV, "4")))
    import newsbot.settings as project_settings

    project_settings.EXTENSIONS = {
        **project_settings.EXTENSIONS,
        "benchmarks.scale._Snapshots": 1000,
    }
    from scrapy.cmdline import execute

    execute(["scrapy", *scrapy_args])


# --- main -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] == ["--profiled-crawl", "--"]:
        _profiled_crawl(argv[2:])
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scale",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="replica sizes")
    parser.add_argument(
        "--together", action="store_true", help="newsbot and the bare spider crawl at once"
    )
    parser.add_argument(
        "--page-weight",
        choices=("light", "realistic"),
        default=WEIGHT,
        help=f"the replica's pages (default {WEIGHT}; the other figures use {PAGE_WEIGHT})",
    )
    parser.add_argument("--profile", action="store_true", help="tracemalloc one newsbot crawl")
    parser.add_argument("--profile-size", type=int, default=3_000)
    parser.add_argument("--profile-at", default="500,2500", help="articles at the snapshots")
    parser.add_argument("--top", type=int, default=25, help="allocation sites to print")
    parser.add_argument("--out", type=Path, default=REPO / "exports" / "bench")
    args = parser.parse_args(argv)
    started = time.monotonic()
    when = datetime.now(UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix="newsbot-scale-") as scratch_dir:
        scratch = Path(scratch_dir)
        if args.profile:
            first, second = (int(n) for n in args.profile_at.split(","))
            results = {
                "when": when,
                "profile": profile(
                    args.profile_size, (first, second), scratch, args.top, args.page_weight
                ),
            }
            name = "scale-profile"
        else:
            sizes = tuple(sorted(int(n) for n in args.sizes.split(",")))
            results = {
                "when": when,
                "python": sys.version.split()[0],
                **scale(sizes, scratch, args.together, args.page_weight),
            }
            results["together"] = args.together
            name = "scale"
    results["seconds"] = round(time.monotonic() - started, 1)
    results["driver_peak_rss_mib"] = _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{name}-{when.replace(':', '-')}.json"
    text = json.dumps(results, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    (args.out / f"{name}-latest.json").write_text(text + "\n", encoding="utf-8")
    print(_profile_lines(results) if args.profile else _lines(results))
    print(f"written to {path}")
    return 0


def _lines(results: dict[str, Any]) -> str:
    lines = [
        f"newsbot memory at scale ({results['seconds']} s; driver peak "
        f"{results['driver_peak_rss_mib']} MiB, below every crawl's)",
        f"{'articles':>9} {'pages':>7} {'newsbot MiB':>11} {'bare MiB':>9} "
        f"{'newsbot s':>9} {'bare s':>7} {'replica MiB':>11}",
    ]
    for crawl in results["crawls"].values():
        lines.append(
            f"{crawl['articles']:>9} {crawl['pages']:>7} {crawl['peak_rss_mib']:>11} "
            f"{crawl['bare_peak_rss_mib']:>9} {crawl['seconds']:>9} {crawl['bare_seconds']:>7} "
            f"{crawl['replica_rss_mib']!s:>11}"
        )
    lines.append(f"page weight: {results['page_weight']} ({results['page_weight_why']})")
    for step in results["growth"]:
        lines.append(
            f"growth {step['from']} → {step['to']}: newsbot "
            f"{step['bytes_per_article']} bytes/article, "
            f"bare spider {step['bare_bytes_per_article']}: ratio {step['ratio']} (goal <= {GOAL})"
        )
    return "\n".join(lines)


def _profile_lines(results: dict[str, Any]) -> str:
    p = results["profile"]
    lines = [
        f"tracemalloc between {p['articles'][0]} and {p['articles'][1]} articles: "
        f"{p['traced_bytes_per_article']} bytes/article traced "
        f"(peak RSS under tracemalloc {p['peak_rss_mib_under_tracemalloc']} MiB)",
    ]
    for site in p["sites"]:
        lines.append(
            f"{site['bytes_per_article']:>9} B/article {site['blocks_per_article']:>6} blocks"
        )
        lines.extend(f"            {frame}" for frame in site["where"])
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
