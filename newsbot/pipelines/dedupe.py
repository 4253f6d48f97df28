"""DedupePipeline: within one crawl, the first copy of each item wins.

Across crawls the database decides (unique keys and idempotent upserts), so nothing here grows
with the archive: only with the current crawl, like Scrapy's own request dupefilter. Articles
are marked in the crawl's :class:`~newsbot.seen.ArticleLedger`, the entry the spider made when
it requested the page, so that an article costs one compact entry, not a tuple of strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from newsbot.items import Article, PopularRank
from newsbot.seen import PASSED, article_ledger

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class DedupePipeline:
    """One Article per (site, article_id); one PopularRank per (list, snapshot, rank)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.articles = article_ledger(crawler)
        # A few snapshots of ten ranks per crawl: small, kept as they are.
        self.ranks: set[tuple[Any, ...]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        """Build the pipeline."""
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        """Return the first copy of an item; drop later ones."""
        if isinstance(item, Article):
            if self.articles.mark(item.site or "", item.article_id, PASSED):
                self._drop("Article", (item.site, item.article_id))
        elif isinstance(item, PopularRank):
            key = (item.site, item.list_name, item.captured_at, item.rank)
            if key in self.ranks:
                self._drop("PopularRank", key)
            self.ranks.add(key)
        return item

    def _drop(self, kind: str, key: tuple[Any, ...]) -> None:
        assert self.crawler.stats is not None  # noqa: S101 - a running crawl has stats
        self.crawler.stats.inc_value(f"newsbot/duplicate/{kind}")
        raise DropItem(f"duplicate {kind} {key}", log_level="DEBUG")
