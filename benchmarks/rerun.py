"""Figure 5, re-run cost: requests of a second crawl with nothing new ÷ requests of the first.

The second crawl runs in the first one's directory (its database), on the same replica.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.common import newsbot_crawl


def figure(base: str, first_workdir: Path) -> dict[str, Any]:
    first = json.loads((first_workdir / "stats.json").read_text())
    again = newsbot_crawl(base, first_workdir)  # same database: nothing new
    return {
        "first_requests": first["downloader/request_count"],
        "second_requests": again["downloader/request_count"],
        "share": round(again["downloader/request_count"] / first["downloader/request_count"], 4),
        "second_article_pages": again.get("newsbot/articles/2023", 0),
    }


def lines(result: dict[str, Any]) -> list[str]:
    return [
        f"5. re-run cost       {result['second_requests']} of {result['first_requests']} "
        f"requests ({result['share']:.1%}); {result['second_article_pages']} article pages"
    ]
