"""StorePipeline: items into the database in batches, off the reactor thread, nothing lost.

Batches are written by one worker thread, in order, so the crawl never waits on the database
unless too many batches are pending. A batch the database cannot take (it is down, the
connection was cut) goes to the on-disk spool and is replayed after the next successful write,
at the end of the crawl, or by ``newsbot replay-spool``. Writes are idempotent upserts, so a
replay never duplicates a row. An item the database refuses for its data (a NUL byte on
PostgreSQL, text that cannot be encoded) is found by splitting its batch and goes to the
crawl's rejects file, as ``newsbot/invalid/<Item>/store_<Error>``; the rest of the batch is
stored.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from newsbot.items import Article, PopularRank
from newsbot.rejects import RejectsFile, crawler_rejects, reject, source_url
from newsbot.storage import Store
from newsbot.storage.batches import BatchOutcome, Refusal, is_connectivity_error, save_batch
from newsbot.storage.crawler import crawler_store
from newsbot.storage.spool import Spool

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

MAX_PENDING_BATCHES = 8  # beyond this, items wait for the database (backpressure)


class StorePipeline:
    """Persist Articles and PopularRanks through the crawl's :class:`Store`."""

    def __init__(
        self,
        crawler: Crawler,
        batch_size: int,
        flush_seconds: float,
        spool: Spool,
        wait_for_commit: bool = False,
    ) -> None:
        self.crawler = crawler
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.spool = spool
        self.store: Store | None = None
        self.rejects: RejectsFile | None = None
        self.hosts: list[str] = []
        self.articles: list[Article] = []
        self.ranks: list[PopularRank] = []
        self.pending: list[Future[None]] = []
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsbot-store")
        self.outage = False
        self.wait_for_commit = wait_for_commit
        self.batch_future: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        """Off when ``NEWSBOT_STORE_ENABLED`` is false."""
        settings = crawler.settings
        if not settings.getbool("NEWSBOT_STORE_ENABLED", True):
            raise NotConfigured("NEWSBOT_STORE_ENABLED is off")
        return cls(
            crawler,
            batch_size=settings.getint("NEWSBOT_STORE_BATCH_SIZE", 100),
            flush_seconds=settings.getfloat("NEWSBOT_STORE_FLUSH_SECONDS", 5.0),
            spool=Spool(Path(settings.get("NEWSBOT_SPOOL_DIR"))),
            wait_for_commit=settings.getbool("NEWSBOT_STORE_WAIT_FOR_COMMIT"),
        )

    @property
    def stats(self) -> StatsCollector:
        """The crawl's stats."""
        assert self.crawler.stats is not None  # noqa: S101 - a running crawl has stats
        return self.crawler.stats

    def open_spider(self) -> None:
        """Get the crawl's store (connections open lazily) and its rejects file."""
        self.store = crawler_store(self.crawler)
        self.rejects = crawler_rejects(self.crawler)
        spider = self.crawler.spider
        self.hosts = list(getattr(spider, "allowed_domains", None) or [])
        self.spool.recover()  # batches left claimed by a crawl that died are replayed too

    async def process_item(self, item: Any) -> Any:
        """Buffer the item; hand a full (or old) batch to the writer thread.

        With ``NEWSBOT_STORE_WAIT_FOR_COMMIT`` (distributed crawls) the item leaves the
        pipeline only once its batch is committed or spooled, so that "item scraped" means
        "item safe", and a worker's lease on the page can be released.
        """
        if isinstance(item, Article):
            self.articles.append(item)
        elif isinstance(item, PopularRank):
            self.ranks.append(item)
        else:
            return item
        batch = self._batch()  # an old batch is flushed by its timer
        if len(self.articles) + len(self.ranks) >= self.batch_size:
            self._flush()
        while len(self.pending) > MAX_PENDING_BATCHES:
            await asyncio.wrap_future(self.pending.pop(0))
        if self.wait_for_commit:
            await batch
        return item

    def _batch(self) -> asyncio.Future[None]:
        """The future of the batch being filled; starts its flush timer."""
        if self.batch_future is None:
            loop = asyncio.get_running_loop()
            self.batch_future = loop.create_future()
            loop.call_later(self.flush_seconds, self._flush_due, self.batch_future)
        return self.batch_future

    def _flush_due(self, batch: asyncio.Future[None]) -> None:
        if self.batch_future is batch:  # not flushed yet by size
            self._flush()

    async def close_spider(self) -> None:
        """Write what is buffered, wait for the writer, and try once more to empty the spool."""
        self._flush()
        for future in self.pending:
            await asyncio.wrap_future(future)
        self.pending.clear()
        await asyncio.wrap_future(self.executor.submit(self._drain_spool))
        self.executor.shutdown(wait=True)
        if self.rejects is not None:
            self.rejects.close()
        left = self.spool.files()
        if left:
            self.stats.set_value("newsbot/spool/pending_files", len(left))
            logger.error(
                "%d batch(es) could not reach the database and wait in %s; they are replayed "
                "by the next crawl, or now with: newsbot replay-spool --spool-dir %s",
                len(left), self.spool.directory, self.spool.directory,
            )  # fmt: skip

    def _flush(self) -> None:
        batch, self.batch_future = self.batch_future, None
        if not (self.articles or self.ranks):
            if batch is not None and not batch.done():
                batch.set_result(None)
            return
        articles, ranks = self.articles, self.ranks
        self.articles, self.ranks = [], []
        self.pending = [f for f in self.pending if not f.done()]
        written = self.executor.submit(self._write, articles, ranks)
        self.pending.append(written)
        if batch is not None:
            loop = asyncio.get_running_loop()
            written.add_done_callback(lambda done: loop.call_soon_threadsafe(_settle, batch, done))

    # --- worker thread ------------------------------------------------------------------

    def _write(self, articles: list[Article], ranks: list[PopularRank]) -> None:
        assert self.store is not None  # noqa: S101 - set in open_spider
        outcome = save_batch(self.store, articles, ranks)
        self._count(outcome)
        error = outcome.error
        if error is not None:  # the database is away: keep what it did not take on disk
            unsaved = [*outcome.unsaved_articles, *outcome.unsaved_ranks]
            path = self.spool.write(outcome.unsaved_articles, outcome.unsaved_ranks)
            self.stats.inc_value("newsbot/spool/batches")
            self.stats.inc_value("newsbot/spool/items", len(unsaved))
            self.stats.inc_value(f"newsbot/store/errors/{type(error).__name__}")
            if not self.outage:
                logger.warning("Database unavailable (%s); spooling to %s", error, path.parent)
            self.outage = True
            return
        if self.outage:
            logger.warning("Database is back; replaying spooled batches")
            self.outage = False
        self._drain_spool()

    def _count(self, outcome: BatchOutcome) -> None:
        self.stats.inc_value("newsbot/saved/Article/new", outcome.saved.new)
        self.stats.inc_value("newsbot/saved/Article/revised", outcome.saved.revised)
        self.stats.inc_value("newsbot/saved/Article/unchanged", outcome.saved.unchanged)
        self.stats.inc_value("newsbot/saved/PopularRank", outcome.ranks_stored)
        for refusal in outcome.refused:
            self._refuse(refusal)

    def _refuse(self, refusal: Refusal) -> None:
        """An item the database refused for its data: to the rejects file, with its message."""
        item = refusal.item
        logger.warning(
            "Database refused %s from %s (%s): %r",
            type(item).__name__, source_url(item), refusal.reason, refusal.message,
        )  # fmt: skip
        reject(
            item,
            [refusal.reason],
            [refusal.message],
            rejects=self.rejects,
            stats=self.stats,
            allowed_domains=self.hosts,
        )

    def _drain_spool(self) -> None:
        if self.store is None or not (self.spool.files() or self.spool.run_files()):
            return
        try:
            files, items = self.spool.drain(self.store, refuse=self._refuse)
            # Runs of earlier crawls, after their batches; this crawl's own is still going.
            runs = self.spool.drain_runs(self.store)
        except Exception as error:  # the files stay for later
            if is_connectivity_error(error):
                logger.info("Spool not replayed yet: %s", error)  # still down
                self.outage = True
            else:
                logger.error("Spool not replayed: %r", error)
            return
        self.stats.inc_value("newsbot/spool/replayed_batches", files)
        self.stats.inc_value("newsbot/spool/replayed_items", items)
        if runs:
            self.stats.inc_value("newsbot/spool/replayed_runs", len(runs))


def _settle(batch: asyncio.Future[None], written: Future[None]) -> None:
    """Resolve a batch's future once the writer is done with it (stored or spooled)."""
    if batch.done():
        return
    error = written.exception()
    if error is None:
        batch.set_result(None)
    else:
        batch.set_exception(error)
