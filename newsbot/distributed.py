"""Distributed crawls on scrapy-redis: several workers share one crawl's queue and fingerprints.

Switched on by ``NEWSBOT_REDIS_URL``. scrapy-redis provides the shared priority queue and the
shared duplicate filter; this module fills the gaps that matter for a crawl that must lose
nothing and end by itself (scrapy-redis keeps no record of popped requests, never expires its
fingerprints, and leaves idle spiders running forever):

- **Leases.** A worker pops a request and records it in its lease hash in one atomic step;
  the lease is released only once the response was handled and its items committed to the
  database (or spooled). A worker that dies (SIGKILL, lost machine) stops refreshing its
  heartbeat; any other worker then puts its leased requests back on the queue. The database's
  upserts make a request handled twice harmless: rows stay unique.
- **An end.** A worker whose own work is done closes only when the queue is empty and no
  live worker holds a lease, so early workers wait for work that others are still producing.
- **One crawl, one key space.** Keys are ``<prefix>:<spider>:<crawl id>:…``. The last worker
  of a finished crawl deletes them, so the next crawl under the same id does not inherit its
  fingerprints, unless ``NEWSBOT_REDIS_KEEP_FINGERPRINTS`` asks to keep them.
- **Stopped and cleaned crawls say so.** ``newsbot dist stop`` drops the queue and leaves a
  note with its time; workers that joined before it finish what they hold and close with the
  finish reason ``dist_stop``. ``newsbot dist clean --force`` removes a crawl under its live
  workers and leaves a note too; they close at once with ``dist_clean``. Workers of a later
  crawl under the same id joined after the note, so it does not concern them.
- **One Most Popular snapshot per crawl.** Every worker asks for the homepage; the shared
  duplicate filter lets exactly one of them fetch it.

Our spider uses ``async def start()``, so scrapy-redis's ``RedisSpider`` (which only has the
``start_requests()`` that Scrapy ≥ 2.16 no longer calls) is not needed: the shared scheduler
and duplicate filter are enough.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from scrapy import Request, Spider, signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, NotConfigured
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import CallLaterOnce
from twisted.internet import task

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from redis import Redis
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import Settings

logger = logging.getLogger(__name__)

LEASE = "newsbot_lease"  # Request.meta key holding the request's lease id

# Pop the best request and lease it to this worker, atomically: a worker killed right after
# the pop still leaves the request in its lease hash for others to recover.
_POP_AND_LEASE = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0)
if #found == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], ARGV[1], found[1])
return found[1]
"""
# Queue a request and drop the lease it came with, atomically: a retry or a redirect carries
# its lease over to the queued copy, so the request is neither lost nor queued twice.
_PUSH_AND_RELEASE = """
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('HDEL', KEYS[2], ARGV[3]) end
return 1
"""
# Put every request leased to a dead worker back on the queue, and forget the worker.
_RECOVER = """
local leased = redis.call('HVALS', KEYS[2])
for _, data in ipairs(leased) do redis.call('ZADD', KEYS[1], 0, data) end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return #leased
"""


def crawl_prefix(settings: Settings, spider_name: str) -> str:
    """``<NEWSBOT_REDIS_PREFIX>:<spider>:<NEWSBOT_CRAWL_ID>``: every key of one crawl."""
    prefix = settings.get("NEWSBOT_REDIS_PREFIX", "newsbot")
    crawl_id = settings.get("NEWSBOT_CRAWL_ID") or "default"
    return f"{prefix}:{spider_name}:{crawl_id}"


@dataclass
class CrawlKeys:
    """The Redis keys of one distributed crawl."""

    prefix: str

    @property
    def requests(self) -> str:
        """The shared priority queue (scrapy-redis)."""
        return f"{self.prefix}:requests"

    @property
    def fingerprints(self) -> str:
        """The shared duplicate filter (scrapy-redis)."""
        return f"{self.prefix}:dupefilter"

    @property
    def workers(self) -> str:
        """Set of the workers that joined the crawl."""
        return f"{self.prefix}:workers"

    def heartbeat(self, worker: str) -> str:
        """Exists while ``worker`` is alive (it expires unless refreshed)."""
        return f"{self.prefix}:heartbeat:{worker}"

    def leases(self, worker: str) -> str:
        """Requests ``worker`` popped and has not finished: lease id → encoded request."""
        return f"{self.prefix}:leases:{worker}"

    @property
    def stopped(self) -> str:
        """When ``newsbot dist stop`` stopped the crawl (Redis time, seconds)."""
        return f"{self.prefix}:stopped"

    @property
    def cleaned(self) -> str:
        """When ``newsbot dist clean --force`` removed the crawl under live workers."""
        return f"{self.prefix}:cleaned"


# How long the notes of a stop or a forced clean stay, at most: workers check them every
# second, and a later crawl's last worker deletes them with the rest of its keys.
NOTE_TTL = 24 * 3600
STOP_REASON = "dist_stop"
CLEAN_REASON = "dist_clean"


def redis_time(server: Redis) -> float:
    """The Redis server's clock: one clock for every machine of the crawl."""
    seconds, microseconds = server.time()
    return float(seconds) + microseconds / 1e6


@dataclass
class Worker:
    """This process's part in a distributed crawl."""

    server: Redis
    keys: CrawlKeys
    worker_id: str
    heartbeat_ttl: int
    # Leases of retries and redirects on their way to the scheduler (see request_scheduled).
    moving: set[str] = field(default_factory=set)
    joined_at: float = 0.0  # Redis time at which this worker joined the crawl
    ended: str | None = None  # STOP_REASON or CLEAN_REASON once the crawl was ended by hand

    def ended_by_hand(self) -> str | None:
        """Whether a ``dist stop`` or ``dist clean --force`` since we joined ended the crawl."""
        cleaned, stopped = self.server.mget(self.keys.cleaned, self.keys.stopped)
        if cleaned is not None and float(cleaned) >= self.joined_at:
            return CLEAN_REASON
        if stopped is not None and float(stopped) >= self.joined_at:
            return STOP_REASON
        return None

    def release(self, request: Request) -> None:
        """The request is done (its items stored): drop its lease."""
        lease = request.meta.get(LEASE)
        if lease:
            self.release_lease(lease)

    def release_lease(self, lease: str) -> None:
        """Drop one lease of this worker."""
        self.server.hdel(self.keys.leases(self.worker_id), lease)

    def ids(self) -> list[str]:
        """Every worker that joined the crawl, alive or not."""
        members = self.server.smembers(self.keys.workers)
        return [m.decode() if isinstance(m, bytes) else str(m) for m in members]


_WORKERS: WeakKeyDictionary[Crawler, Worker] = WeakKeyDictionary()


def worker_for(crawler: Crawler) -> Worker | None:
    """This crawl's :class:`Worker`, or None when the crawl is not distributed."""
    if not crawler.settings.get("NEWSBOT_REDIS_URL"):
        return None
    worker = _WORKERS.get(crawler)
    if worker is None:
        # Here, not at the top: a crawl that is not distributed need not load Redis's client.
        from scrapy_redis import connection

        assert crawler.spidercls is not None  # noqa: S101 - a crawler knows its spider class
        worker = Worker(
            server=connection.from_settings(crawler.settings),
            keys=CrawlKeys(crawl_prefix(crawler.settings, crawler.spidercls.name)),
            worker_id=f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}",
            heartbeat_ttl=crawler.settings.getint("NEWSBOT_REDIS_HEARTBEAT_TTL", 30),
        )
        _WORKERS[crawler] = worker
    return worker


class DistributedMode:
    """Scrapy add-on: with ``NEWSBOT_REDIS_URL`` set, the crawl becomes distributed.

    An add-on (rather than settings.py conditions) so that ``-s NEWSBOT_REDIS_URL=…`` and
    Scrapyd's ``setting=`` switch it on as well as the environment does.
    """

    def update_settings(self, settings: Settings) -> None:
        """Point the scheduler, filter and keys at Redis; add the lease components."""
        url = settings.get("NEWSBOT_REDIS_URL")
        if not url:
            return
        keys = CrawlKeys(crawl_prefix(settings, "%(spider)s"))  # scrapy-redis fills %(spider)s
        settings.set("SCHEDULER", "newsbot.leasing.LeasingScheduler", "addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", "addon")
        settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue", "addon")
        settings.set("SCHEDULER_QUEUE_KEY", keys.requests, "addon")
        settings.set("SCHEDULER_DUPEFILTER_KEY", keys.fingerprints, "addon")
        settings.set("SCHEDULER_PERSIST", True, "addon")
        settings.set("REDIS_URL", url, "addon")
        settings.set("NEWSBOT_STORE_WAIT_FOR_COMMIT", True, "addon")
        settings["SPIDER_MIDDLEWARES"]["newsbot.distributed.LeaseReleaseMiddleware"] = 10
        settings["EXTENSIONS"]["newsbot.distributed.DistributedCoordinator"] = 100


class LeaseReleaseMiddleware:
    """Spider middleware: release a request's lease once its response was fully handled.

    Requests a callback yields are queued as they are yielded, without the lease (a request
    made with the response's meta would otherwise take it along); its items are counted and
    the lease is released after the last of them has left the item pipelines (stored, or
    dropped as invalid or duplicate), also when the callback raised half-way.
    """

    def __init__(self, crawler: Crawler, worker: Worker) -> None:
        self.crawler = crawler
        self.worker = worker
        self.expected: dict[str, int] = {}  # lease → items its response produced
        self.done: dict[str, int] = defaultdict(int)  # lease → items through the pipelines
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self._item_done, signal=signal)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseReleaseMiddleware:
        """Only in distributed crawls."""
        worker = worker_for(crawler)
        if worker is None:
            raise NotConfigured("not a distributed crawl")
        return cls(crawler, worker)

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        """Pass everything on; count the items of this response's lease."""
        lease = response.request.meta.get(LEASE) if response.request else None
        produced = 0
        try:
            async for output in result:
                if not isinstance(output, Request):
                    produced += 1
                elif lease is not None and output.meta.get(LEASE) == lease:
                    del output.meta[LEASE]
                yield output
        finally:
            if lease is not None:
                if produced == 0 or self.done[lease] >= produced:
                    self._release(lease)
                else:
                    self.expected[lease] = produced

    def _item_done(self, item: Any, response: Response | None = None, **kwargs: Any) -> None:
        lease = (
            response.request.meta.get(LEASE) if response is not None and response.request else None
        )
        if lease is None:
            return
        self.done[lease] += 1
        expected = self.expected.get(lease)
        if expected is not None and self.done[lease] >= expected:
            self._release(lease)

    def _release(self, lease: str) -> None:
        self.expected.pop(lease, None)
        self.done.pop(lease, None)
        self.worker.release_lease(lease)


class DistributedCoordinator:
    """Extension: heartbeat, recovery of dead workers' leases, and the end of the crawl."""

    def __init__(self, crawler: Crawler, worker: Worker) -> None:
        self.crawler = crawler
        self.worker = worker
        self.keep_fingerprints = crawler.settings.getbool("NEWSBOT_REDIS_KEEP_FINGERPRINTS")
        self.beat = task.LoopingCall(self._heartbeat)
        self._recover = worker.server.register_script(_RECOVER)
        self.poke = CallLaterOnce(self._poke)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedCoordinator:
        """Only in distributed crawls."""
        worker = worker_for(crawler)
        if worker is None:
            raise NotConfigured("not a distributed crawl")
        coordinator = cls(crawler, worker)
        crawler.signals.connect(coordinator.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(coordinator.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(coordinator.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(coordinator.request_scheduled, signal=signals.request_scheduled)
        return coordinator

    def spider_opened(self, spider: Spider) -> None:
        """Join the crawl and start beating."""
        self.worker.joined_at = redis_time(self.worker.server)
        self.worker.server.sadd(self.worker.keys.workers, self.worker.worker_id)
        # Every second: the heartbeat is cheap, and an idle worker learns of new work quickly.
        self.beat.start(min(1.0, self.worker.heartbeat_ttl / 3), now=True)
        logger.info(
            "Worker %s joined distributed crawl %s", self.worker.worker_id, self.worker.keys.prefix
        )

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        """A retry or redirect of a leased request is about to be queued, or dropped.

        A ``request_scheduled`` handler may drop it without the scheduler hearing of it (Scrapy's
        offsite filter does): its lease is released once the engine is done with it, unless the
        scheduler has carried it over to the queue by then.
        """
        lease = request.meta.get(LEASE)
        if lease:
            self.worker.moving.add(lease)
            call_later(0, self._release_unqueued, lease)

    def _release_unqueued(self, lease: str) -> None:
        if lease in self.worker.moving:
            self.worker.moving.discard(lease)
            self.worker.release_lease(lease)

    def spider_idle(self, spider: Spider) -> None:
        """Stay while the crawl is unfinished: work queued, or leased to a live worker."""
        self._release_stale_leases()
        self._check_ended()
        if self.worker.ended == STOP_REASON:
            raise CloseSpider(STOP_REASON)
        recovered = self._recover_dead_workers()
        queued = self.worker.server.zcard(self.worker.keys.requests)
        busy = [
            w for w in self._live_workers() if self.worker.server.hlen(self.worker.keys.leases(w))
        ]
        if recovered or queued or busy:
            raise DontCloseSpider
        logger.info("Distributed crawl %s is finished", self.worker.keys.prefix)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Leave; the last worker of a finished crawl removes its keys."""
        if self.beat.running:
            self.beat.stop()
        server, keys = self.worker.server, self.worker.keys
        ended = reason in (STOP_REASON, CLEAN_REASON)
        # A crawl ended by hand gave up what this worker still held; a finished one leaves
        # only once nothing is held.
        if ended or (reason == "finished" and not server.hlen(keys.leases(self.worker.worker_id))):
            server.delete(keys.leases(self.worker.worker_id))
            server.srem(keys.workers, self.worker.worker_id)
        server.delete(keys.heartbeat(self.worker.worker_id))
        if reason != "finished" and not ended:
            return  # interrupted: the crawl goes on without us, or resumes later
        if reason == CLEAN_REASON:
            # Requests and fingerprints written since the clean, before we noticed it.
            server.delete(keys.requests, keys.fingerprints)
            return
        if server.scard(keys.workers) or (reason == "finished" and server.zcard(keys.requests)):
            return
        doomed = [keys.requests, keys.workers, keys.stopped]
        if reason == "finished":
            doomed.append(keys.cleaned)
        if not self.keep_fingerprints:
            doomed.append(keys.fingerprints)
        server.delete(*doomed)
        logger.info("Distributed crawl %s cleaned up", keys.prefix)

    def _heartbeat(self) -> None:
        self.worker.server.set(
            self.worker.keys.heartbeat(self.worker.worker_id), "1", ex=self.worker.heartbeat_ttl
        )
        self._check_ended()
        # An idle worker asks the engine for work now rather than at its next 5 s tick.
        if self.worker.ended or self.worker.server.zcard(self.worker.keys.requests):
            self.poke.schedule()

    def _check_ended(self) -> None:
        """Notice a stop (finish what we hold, then close) or a forced clean (close now)."""
        if self.worker.ended == CLEAN_REASON:
            return
        ended = self.worker.ended_by_hand()
        if ended is None or ended == self.worker.ended:
            return
        self.worker.ended = ended
        if ended == STOP_REASON:
            logger.warning(
                "Distributed crawl %s was stopped: finishing the requests in hand",
                self.worker.keys.prefix,
            )
            return
        logger.warning(
            "Distributed crawl %s was removed by a forced clean: closing now",
            self.worker.keys.prefix,
        )
        engine = self.crawler.engine
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason=CLEAN_REASON))

    def _poke(self) -> None:
        engine = self.crawler.engine
        if engine is not None and engine._slot is not None:
            engine._slot.nextcall.schedule()

    def _release_stale_leases(self) -> None:
        """An idle engine holds no request: a lease still held would keep every worker waiting.

        Each lease is released where its request ends; this is the safety net for an end
        no hook saw (e.g. a failed download whose errback raised before releasing it).
        """
        server, key = self.worker.server, self.worker.keys.leases(self.worker.worker_id)
        stale = server.hlen(key)
        if stale:
            server.delete(key)
            logger.warning("Released %d lease(s) of requests that ended unseen", stale)
            assert self.crawler.stats is not None  # noqa: S101
            self.crawler.stats.inc_value("newsbot/distributed/stale_leases", stale)

    def _live_workers(self) -> list[str]:
        server, keys = self.worker.server, self.worker.keys
        return [w for w in self.worker.ids() if server.exists(keys.heartbeat(w))]

    def _recover_dead_workers(self) -> int:
        server, keys = self.worker.server, self.worker.keys
        recovered = 0
        for worker in self.worker.ids():
            if worker == self.worker.worker_id or server.exists(keys.heartbeat(worker)):
                continue
            count = int(
                self._recover(
                    keys=[keys.requests, keys.leases(worker), keys.workers], args=[worker]
                )
            )
            if count:
                logger.warning(
                    "Worker %s stopped beating; %d of its requests are queued again", worker, count
                )
                assert self.crawler.stats is not None  # noqa: S101
                self.crawler.stats.inc_value("newsbot/distributed/recovered_requests", count)
            recovered += count
        return recovered
