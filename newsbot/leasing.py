"""The scheduler of distributed crawls: scrapy-redis's, with each popped request leased.

A module of its own so that only distributed crawls (``NEWSBOT_REDIS_URL``, see
:mod:`newsbot.distributed`) load scrapy-redis and Redis's client.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from scrapy_redis.scheduler import Scheduler

from newsbot.distributed import _POP_AND_LEASE, _PUSH_AND_RELEASE, LEASE, worker_for

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler


class LeasingScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler, with each popped request leased to this worker."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasingScheduler:
        """Keys come from the crawl id; see :func:`newsbot.distributed.crawl_prefix`."""
        scheduler: LeasingScheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        return scheduler

    def open(self, spider: Spider) -> None:
        """Open the shared queue and filter under this crawl's keys."""
        super().open(spider)
        self.worker = worker_for(self.crawler)
        self._pop_and_lease = self.server.register_script(_POP_AND_LEASE)
        self._push_and_release = self.server.register_script(_PUSH_AND_RELEASE)

    def enqueue_request(self, request: Request) -> bool:
        """Push to the shared queue unless the shared filter has seen it.

        A request that still holds a lease is a retry or a redirect of a leased request (the
        lease middleware strips leases from a callback's follow-ups): its lease is carried
        over to the queued copy, or released when the copy is dropped.
        """
        assert self.worker is not None  # noqa: S101 - set in open()
        lease: str | None = request.meta.pop(LEASE, None)
        if lease:
            self.worker.moving.discard(lease)
        if self.worker.ended or (not request.dont_filter and self.df.request_seen(request)):
            if not self.worker.ended:
                self.df.log(request, self.spider)
            if lease:
                self.worker.release_lease(lease)
            return False
        self._push_and_release(
            keys=[self.queue.key, self.worker.keys.leases(self.worker.worker_id)],
            args=[-request.priority, self.queue._encode_request(request), lease or ""],
        )
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        """Pop the best request, leased to this worker."""
        assert self.worker is not None  # noqa: S101 - set in open()
        if self.worker.ended:
            return None
        lease = uuid.uuid4().hex
        data = self._pop_and_lease(
            keys=[self.queue.key, self.worker.keys.leases(self.worker.worker_id)], args=[lease]
        )
        if not data:
            return None
        request: Request = self.queue._decode_request(data)
        request.meta[LEASE] = lease
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        """Whether the shared queue holds work for us: none once the crawl was ended by hand."""
        assert self.worker is not None  # noqa: S101 - set in open()
        return not self.worker.ended and bool(super().has_pending_requests())

    def close(self, reason: str) -> None:
        """Keep the shared queue: other workers may still need it (the coordinator cleans up)."""
