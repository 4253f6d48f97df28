"""Write a crawl's final stats as JSON, for monitoring, reports and tests.

Scrapy only logs its stats at the end of a crawl, as a Python repr; tools need them as data.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def crawl_stamp(stats: dict[str, Any]) -> str:
    """The crawl's start time as FEEDS prints ``%(time)s``, so a crawl's files sort together."""
    started: datetime = stats.get("start_time") or datetime.now(UTC)
    return file_stamp(started)


def file_stamp(when: datetime) -> str:
    """``when`` as FEEDS prints ``%(time)s`` in file names: to the second, no colons."""
    return when.replace(microsecond=0).isoformat().replace(":", "-")


class StatsFile:
    """On close, write ``crawler.stats`` to ``NEWSBOT_STATS_FILE`` (off when unset).

    The path may use ``%(name)s`` (the spider) and ``%(time)s`` (the crawl's start time, in
    the same form as in ``FEEDS`` file names, so a crawl's files sort together).
    """

    def __init__(self, crawler: Crawler, path_template: str) -> None:
        self.crawler = crawler
        self.path_template = path_template

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        """Enabled by the ``NEWSBOT_STATS_FILE`` setting."""
        path = crawler.settings.get("NEWSBOT_STATS_FILE")
        if not path:
            raise NotConfigured("NEWSBOT_STATS_FILE is not set")
        extension = cls(crawler, path)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Write the stats, with the finish reason, once the crawl is over."""
        assert self.crawler.stats is not None  # noqa: S101 - stats exist once a crawl ran
        stats: dict[str, Any] = dict(self.crawler.stats.get_stats())
        stats.setdefault("finish_reason", reason)
        path = Path(self.path_template % {"name": spider.name, "time": crawl_stamp(stats)})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stats, default=str, indent=1, sort_keys=True), encoding="utf-8")
        logger.info("Stats written to %s", path)
