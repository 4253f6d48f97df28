"""SanitizePipeline: every string of every item cleaned before anything checks or stores it.

Runs first (order 50), so that validation, deduplication, feeds and the database see the
same text: no lone surrogates (U+FFFD instead), no NUL or other control characters but tab
and newline. Each field it had to change is counted as ``newsbot/sanitized/<Item>/<field>``;
a rise there points at a page (or a parser) producing garbage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsbot.sanitize import clean_item

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class SanitizePipeline:
    """Clean items in place (Article, PopularRank, any dataclass, dict or Scrapy Item)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SanitizePipeline:
        """The pipeline for ``crawler``; it counts in the crawl's stats."""
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        """Return ``item`` with every string cleaned."""
        changed = clean_item(item)
        if changed:
            stats = self.crawler.stats
            assert stats is not None  # noqa: S101 - a running crawl has stats
            kind = type(item).__name__
            for name in changed:
                stats.inc_value(f"newsbot/sanitized/{kind}/{name}")
        return item
