"""DedupePipeline: within one crawl, the first copy of each item wins.

Across crawls the database decides (unique keys and idempotent upserts), so nothing here grows
with the archive: only with the current crawl, like Scrapy's own request dupefilter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from newsbot.items import Article, PopularRank

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class DedupePipeline:
    """One Article per (site, article_id); one PopularRank per (list, snapshot, rank)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen: set[tuple[Any, ...]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        """Build the pipeline."""
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        """Return the first copy of an item; drop later ones."""
        key: tuple[Any, ...]
        if isinstance(item, Article):
            key = ("Article", item.site, item.article_id)
        elif isinstance(item, PopularRank):
            key = ("PopularRank", item.site, item.list_name, item.captured_at, item.rank)
        else:
            return item
        if key in self.seen:
            assert self.crawler.stats is not None  # noqa: S101 - a running crawl has stats
            self.crawler.stats.inc_value(f"newsbot/duplicate/{key[0]}")
            raise DropItem(f"duplicate {key[0]} {key[1:]}", log_level="DEBUG")
        self.seen.add(key)
        return item
