"""Figure 4, memory: peak RSS of a full crawl, small and large, and the growth per article.

Beside the bare spider's on the same replica (realistic-weight pages).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.common import PAGE_WEIGHT, Mode, bare_crawl, fresh, newsbot_crawl, replica


def figure(mode: Mode, scratch: Path) -> dict[str, Any]:
    """Peak RSS of newsbot and of the bare spider on a small and a large site.

    The bare spider's growth is what the framework itself keeps per page (its duplicate
    filter, its queue); newsbot's growth beyond that is what newsbot keeps per article.
    """
    peaks: dict[str, dict[int, float]] = {"newsbot": {}, "bare": {}}
    articles: dict[int, int] = {}
    for size in (mode.memory_small, mode.memory_large):
        with replica(size) as base:
            stats = newsbot_crawl(base, fresh(scratch / f"memory-{size}"))
            bare = bare_crawl(base, fresh(scratch / f"memory-bare-{size}"))
        peaks["newsbot"][size] = round(stats["peak_rss_kib"] / 1024, 1)
        peaks["bare"][size] = round(bare["peak_rss_kib"] / 1024, 1)
        articles[size] = stats.get("newsbot/articles/2023", 0)
    extra = max(articles[mode.memory_large] - articles[mode.memory_small], 1)

    def growth(who: str) -> float:
        return peaks[who][mode.memory_large] - peaks[who][mode.memory_small]

    return {
        "page_weight": PAGE_WEIGHT,
        "crawls": {
            str(size): {
                "articles": articles[size],
                "peak_rss_mib": peaks["newsbot"][size],
                "bare_peak_rss_mib": peaks["bare"][size],
            }
            for size in articles
        },
        "growth_mib": round(growth("newsbot"), 1),
        "growth_bytes_per_article": round(growth("newsbot") * 1024 * 1024 / extra),
        "bare_growth_bytes_per_article": round(growth("bare") * 1024 * 1024 / extra),
    }


def lines(result: dict[str, Any]) -> list[str]:
    m = result
    return [
        "4. memory            peak RSS "
        + ", ".join(f"{n} articles: {c['peak_rss_mib']} MiB" for n, c in m["crawls"].items())
        + f"; growth {m['growth_mib']} MiB ({m['growth_bytes_per_article']} bytes/article; "
        f"bare spider {m['bare_growth_bytes_per_article']} bytes/page)"
    ]
