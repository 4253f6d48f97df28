"""A koreaherald spider whose callbacks crash, crawled over a replica in this process.

``python -m tests.crashing_spider OUT``: writes the final stats to OUT as JSON. Run in a
subprocess by the tests (a Twisted reactor starts once per process).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from newsbot.replica.corpus import REFERENCE_ID
from newsbot.replica.server import serving
from newsbot.spiders.koreaherald import KoreaHeraldSpider


class CrashingSpider(KoreaHeraldSpider):
    """List pages yield one article, then crash; article pages crash at once."""

    name = "crashing"

    async def parse_section(self, response: Any, section: str, page_number: int) -> Any:
        article_id = REFERENCE_ID  # in every 2023 corpus
        for request in self._article(
            response.urljoin(f"view.php?ud={article_id}"), article_id, section, 10
        ):
            yield request
        raise RecursionError("maximum recursion depth exceeded")

    def parse_article(self, response: Any, section: str | None, check_section: bool = False) -> Any:
        raise TypeError("'NoneType' object is not subscriptable")


def main(out: str) -> None:
    with serving("2023", articles=60) as server:
        settings = get_project_settings()
        settings.set("NEWSBOT_STORE_ENABLED", False)
        # Its feeds, stats and report beside the stats it is asked for, not in the repository.
        settings.set("NEWSBOT_EXPORTS_DIR", str(Path(out).parent / "exports"), priority="cmdline")
        settings.set("SPIDERMON_ENABLED", False)
        settings.set("AUTOTHROTTLE_ENABLED", False)
        settings.set("DOWNLOAD_DELAY", 0)
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(CrashingSpider)
        process.crawl(
            crawler,
            base_url=server.base_url,
            sections="National",
            popular="skip",
            discover="sections",
        )
        process.start()
    assert crawler.stats is not None
    Path(out).write_text(json.dumps(crawler.stats.get_stats(), default=str), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
