"""Record each crawl in the ``crawl_runs`` table: spider, arguments, start, end, final stats."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES

from newsbot.storage import CrawlRun
from newsbot.storage.crawler import close_crawler_store, crawler_store
from newsbot.storage.spool import Spool

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
# What `scrapy shell` sets for itself (its command's default settings): a shell fetches one
# page after another through the same request, so it turns the duplicate filter off.
SHELL_DUPEFILTER = "scrapy.dupefilters.BaseDupeFilter"


def scrapy_tool(crawler: Crawler) -> str | None:
    """The Scrapy tool trying the spider out (``check``, ``parse``, ``fetch``, ``shell``…).

    None for a crawl. Scrapy names no command to the crawler, so each is known by what it
    does to it: ``check`` sets ``SCRAPY_CHECK`` (documented for this); ``check``, ``parse``
    and ``fetch`` (``view`` too) replace the spider's ``start`` with their own; ``shell`` sets
    its duplicate filter at the command's priority.
    """
    if os.environ.get("SCRAPY_CHECK"):
        return "check"
    start_module = getattr(getattr(crawler.spidercls, "start", None), "__module__", "") or ""
    if start_module.startswith("scrapy.commands."):
        return start_module.rsplit(".", 1)[-1]
    settings = crawler.settings
    if (
        settings.get("DUPEFILTER_CLASS") == SHELL_DUPEFILTER
        and settings.getpriority("DUPEFILTER_CLASS") == SETTINGS_PRIORITIES["command"]
    ):
        return "shell"
    return None


class CrawlRunRecorder:
    """Open the crawl's store, note the run, and close the store when the crawl ends.

    A run the database cannot take at its end (it went away, or was away from the start) is
    spooled as a run record, next to the crawl's spooled batches; ``newsbot replay-spool``
    (or the next crawl) stores the batches, then completes the run's row.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run_id: int | None = None
        self.crawl_uuid: str | None = None  # None: no crawl run is recorded
        self.started_at: datetime | None = None
        self.arguments: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        """Off with the store (``NEWSBOT_STORE_ENABLED``)."""
        if not crawler.settings.getbool("NEWSBOT_STORE_ENABLED", True):
            raise NotConfigured("NEWSBOT_STORE_ENABLED is off")
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    async def spider_opened(self, spider: Spider) -> None:
        """Insert the run row (in a thread: the database may be slow or down).

        Not for Scrapy's tools: a ``scrapy parse`` or ``scrapy check`` is no crawl, and a
        ``scrapy shell`` never finishes one.
        """
        tool = scrapy_tool(self.crawler)
        if tool is not None:
            logger.debug("scrapy %s: no crawl run recorded", tool)
            return
        self.crawl_uuid = uuid.uuid4().hex
        self.started_at = datetime.now(UTC)
        self.arguments = dict(getattr(spider, "arguments", {}))
        await asyncio.to_thread(self._start, spider.name)

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        """Complete the run row with the finish reason and the final stats."""
        if self.crawl_uuid is None or self.started_at is None:
            await asyncio.to_thread(close_crawler_store, self.crawler)
            return
        assert self.crawler.stats is not None  # noqa: S101 - a running crawl has stats
        stats = json.loads(json.dumps(self.crawler.stats.get_stats(), default=str))
        run = CrawlRun(
            crawl_uuid=self.crawl_uuid,
            spider=spider.name,
            arguments=self.arguments,
            started_at=self.started_at,
            finished_at=datetime.now(UTC),
            finish_reason=reason,
            stats=stats,
            run_id=self.run_id,
        )
        await asyncio.to_thread(self._finish, run)

    def _start(self, spider: str) -> None:
        store = crawler_store(self.crawler)
        assert store is not None  # noqa: S101 - NotConfigured otherwise
        try:
            self.run_id = store.start_run(
                spider, self.arguments, crawl_uuid=self.crawl_uuid, started_at=self.started_at
            )
        except Exception as error:  # a crawl runs without its run row
            logger.warning("Crawl run not recorded, database unavailable: %s", error)
            assert self.crawler.stats is not None  # noqa: S101
            self.crawler.stats.inc_value("newsbot/store/run_not_recorded")

    def _finish(self, run: CrawlRun) -> None:
        # Inserts the row too when its start could not be recorded but the database is back.
        store = crawler_store(self.crawler)
        try:
            if store is not None:
                store.complete_run(run)
        except Exception as error:  # the crawl is over: its run waits in the spool
            self._spool(run, error)
        finally:
            close_crawler_store(self.crawler)

    def _spool(self, run: CrawlRun, error: Exception) -> None:
        directory = self.crawler.settings.get("NEWSBOT_SPOOL_DIR")
        assert self.crawler.stats is not None  # noqa: S101
        try:
            path = Spool(Path(directory)).write_run(run)
        except Exception as spool_error:
            logger.error(
                "Crawl run %s not completed in the database (%s) nor spooled (%s)",
                run.run_id or run.crawl_uuid, error, spool_error,
            )  # fmt: skip
            return
        self.crawler.stats.inc_value("newsbot/spool/runs")
        logger.warning(
            "Crawl run %s not completed in the database (%s); its record waits in %s, "
            "stored by the next crawl, or now with: newsbot replay-spool --spool-dir %s",
            run.run_id or run.crawl_uuid, error, path, directory,
        )  # fmt: skip
