"""Figure 1, crawl throughput: pages/s of the full newsbot crawl ÷ pages/s of the bare spider.

Each side is timed over its whole process, start to exit: imports, migrations, the crawl and
the close-time work (monitors, the crawl-run row, feeds, the last store flush). Both must
receive exactly the same URLs (robots.txt included), checked URL by URL. Runs alternate
A B A B in separate processes on the same replica, and the ratio is taken pair by pair, so a
machine busy with other work slows both sides of a pair alike (goal ≥ 0.85).
The first newsbot crawl's directory is kept for figure 5 (:mod:`benchmarks.rerun`).
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from benchmarks import rerun
from benchmarks.common import (
    PAGE_WEIGHT,
    Mode,
    bare_crawl,
    fresh,
    newsbot_crawl,
    pages_per_second,
    replica,
    same_pages,
)


def figure(
    mode: Mode, scratch: Path, with_rerun: bool = True
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Figures 1 and 5 (unless not ``with_rerun``), which share the replica and the first crawl."""
    pairs = []
    first_newsbot: Path | None = None
    with replica(mode.crawl_articles) as base:
        bare_crawl(base, fresh(scratch / "warm-up"))  # render and cache every page once
        for index in range(mode.pairs):
            workdir = fresh(scratch / f"newsbot-{index}")
            a = newsbot_crawl(base, workdir)
            b = bare_crawl(base, fresh(scratch / f"bare-{index}"))
            if a["response_received_count"] != b["response_received_count"]:
                raise RuntimeError(
                    f"newsbot fetched {a['response_received_count']} pages, the bare spider "
                    f"{b['response_received_count']}: they must follow the same links"
                )
            same_pages(a, b)
            pairs.append(
                {
                    "newsbot_pages_per_s": round(pages_per_second(a), 1),
                    "bare_pages_per_s": round(pages_per_second(b), 1),
                    "ratio": round(pages_per_second(a) / pages_per_second(b), 3),
                    "pages": a["response_received_count"],
                    "newsbot_seconds": round(float(a["process_seconds"]), 2),
                    "bare_seconds": round(float(b["process_seconds"]), 2),
                    # CPU seconds (user + system) of each process, and their ratio: what the
                    # work cost, less disturbed by a busy machine than the wall times are.
                    "newsbot_cpu_seconds": round(float(a["process_cpu_seconds"]), 2),
                    "bare_cpu_seconds": round(float(b["process_cpu_seconds"]), 2),
                    "cpu_ratio": round(b["process_cpu_seconds"] / a["process_cpu_seconds"], 3),
                    # Scrapy's own clock, engine start to close, for comparison only.
                    "newsbot_engine_seconds": round(float(a["elapsed_time_seconds"]), 2),
                    "bare_engine_seconds": round(float(b["elapsed_time_seconds"]), 2),
                }
            )
            first_newsbot = first_newsbot or workdir
        if first_newsbot is None:
            raise RuntimeError("no crawl pair ran")
        again = rerun.figure(base, first_newsbot) if with_rerun else None
    throughput = {
        "articles": mode.crawl_articles,
        "page_weight": PAGE_WEIGHT,
        "pairs": pairs,
        "ratio_median": statistics.median(p["ratio"] for p in pairs),
        "cpu_ratio_median": statistics.median(p["cpu_ratio"] for p in pairs),
        "timed": "whole process, start to exit",
        "goal": ">= 0.85",
    }
    return throughput, again


def lines(result: dict[str, Any]) -> list[str]:
    pairs = result["pairs"]
    return [
        f"1. crawl throughput  newsbot/bare = {result['ratio_median']:.3f} (median of "
        f"{len(pairs)} pairs: {', '.join(str(x['ratio']) for x in pairs)}; "
        f"{pairs[0]['pages']} pages, whole process; goal >= 0.85); CPU time ratio "
        f"{result['cpu_ratio_median']:.3f}"
    ]
