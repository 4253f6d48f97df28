"""Lost pages: why a page was not read, counted per kind and reason, logged and listed.

A page is *lost* when the crawl wanted it and got nothing it could parse: an HTTP error, a
redirect it must not follow, a network failure, a body over the size limit, something that
is not HTML, or a parser crash. Each loss is one leaf counter
``newsbot/lost/<kind>/<reason>`` (kind ``home``, ``list``, ``article`` or ``feed``; monitors
sum the leaves), one WARNING naming the URL, and one
entry of the ``newsbot/lost_pages`` list. A lost article is also remembered in the database,
so that the next crawls fetch it again until it is stored or given up.

Pages robots.txt forbids are not losses: they are counted as ``newsbot/skipped/robots``.

A canary (a stored article re-read to judge the parsers, see ``NEWSBOT_CANARY_PER_SECTION``)
that fails is not a lost page either: the article is stored already, and a 404 may only mean
the site removed it. It is counted as ``newsbot/canary/lost/<reason>`` and logged as a
WARNING, never listed, judged by the Lost pages monitor, or fetched again by later crawls.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer
from twisted.internet import error as twisted_errors
from twisted.web.client import ResponseFailed, ResponseNeverReceived
from twisted.web.http import _DataLoss

from newsbot.sites.base import on_domains
from newsbot.storage.crawler import crawler_store

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

KIND = "newsbot_kind"  # Request.meta key: one of KINDS
# The kinds of page a crawl fetches; a request without one is "other".
KINDS = ("home", "list", "article", "feed")
ARTICLE_ID = "newsbot_article_id"  # Request.meta key of article requests
SECTION = "newsbot_section"  # Request.meta key: the section an article was listed in
CANARY = "newsbot_canary"  # Request.meta key: a stored article re-read only to be judged
LISTED_MAX = 1000  # entries kept in newsbot/lost_pages
DEFAULT_MAX_ATTEMPTS = 3
ROBOTS = "robots"  # not a loss: counted as skipped
OFFSITE = "offsite"  # a link off the site, never fetched: skipped, not lost

_TIMEOUTS = (
    DownloadTimeoutError,
    twisted_errors.TimeoutError,
    twisted_errors.TCPTimedOutError,
    defer.TimeoutError,
    TimeoutError,
)
_DNS = (CannotResolveHostError, twisted_errors.DNSLookupError)
_REFUSED = (
    DownloadConnectionRefusedError,
    twisted_errors.ConnectionRefusedError,
    ConnectionRefusedError,
)
_CUT = (
    DownloadFailedError,
    ResponseFailed,
    ResponseNeverReceived,
    twisted_errors.ConnectionLost,
    twisted_errors.ConnectionDone,
    twisted_errors.ConnectionAborted,
    ConnectionError,
)


def loss_reason(error: BaseException, request: Request | None = None) -> str:
    """The reason a request failed with ``error``: ``http_404``, ``timeout``, … (see module)."""
    if isinstance(error, HttpError):
        response = error.response
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            target = urljoin(response.url, location.decode("latin-1"))
            if urlsplit(target).scheme not in ("http", "https"):
                return "redirect_scheme"  # Scrapy does not follow it, and must not
        return f"http_{response.status}"
    if isinstance(error, IgnoreRequest):
        return _ignored_reason(error, request)
    if isinstance(error, _TIMEOUTS):
        return "timeout"
    if isinstance(error, _DNS):
        return "dns"
    if isinstance(error, _REFUSED):
        return "connection_refused"
    if isinstance(error, ResponseDataLossError) or _is_data_loss(error):
        return "truncated"
    if isinstance(error, (DownloadCancelledError, defer.CancelledError)):
        # The HTTP handler cancels a download only when its body passes DOWNLOAD_MAXSIZE.
        return "too_large"
    if isinstance(error, _CUT):
        return "connection_lost"
    return f"other/{type(error).__name__}"


def _ignored_reason(error: IgnoreRequest, request: Request | None) -> str:
    message = str(error)
    if message.startswith("Forbidden by robots.txt"):
        return ROBOTS
    if message == "max redirections reached":
        return "redirect_loop"
    if message.startswith("Filtered offsite request"):
        redirected = request is not None and request.meta.get("redirect_urls")
        return "redirect_offsite" if redirected else OFFSITE
    cause = error.__cause__
    if type(cause).__name__ == "_DecompressionMaxSizeExceeded" or "DOWNLOAD_MAXSIZE" in message:
        return "too_large"  # a compression bomb, stopped by HttpCompressionMiddleware
    return f"other/{type(error).__name__}"


def _is_data_loss(error: BaseException) -> bool:
    reasons = getattr(error, "reasons", None) or []
    return any(getattr(reason, "check", None) and reason.check(_DataLoss) for reason in reasons)


def kind_of(request: Request | None) -> str:
    """The kind of page a request fetches, as the spider marked it."""
    kind = request.meta.get(KIND) if request is not None else None
    return str(kind) if kind else "other"


def wanted_url(request: Request) -> str:
    """The URL the crawl asked for: the first of a redirect chain."""
    chain = request.meta.get("redirect_urls") or []
    return str(chain[0]) if chain else request.url


class LostPages:
    """Counts, logs and lists a crawl's lost pages, and remembers lost articles in the store."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_attempts = crawler.settings.getint(
            "NEWSBOT_LOST_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS
        )
        self.pending: set[asyncio.Future[None] | Future[None]] = set()
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @property
    def stats(self) -> StatsCollector:
        """The crawl's stats."""
        assert self.crawler.stats is not None  # noqa: S101 - a crawler has stats
        return self.crawler.stats

    def failed(self, request: Request, error: BaseException) -> str:
        """Record a failed request (an errback's failure); returns the reason."""
        reason = loss_reason(error, request)
        if reason in (ROBOTS, OFFSITE):
            self.stats.inc_value(f"newsbot/skipped/{reason}")
            logger.debug("Skipped %s (%s): %s", request.url, reason, error)
        else:
            self.lost(request, reason, str(error))
        return reason

    def lost(self, request: Request, reason: str, detail: Any = "") -> None:
        """Count, log and list one lost page; remember it in the store if it is an article."""
        kind = kind_of(request)
        url = wanted_url(request)
        if isinstance(detail, bytes):
            detail = detail.decode("latin-1")
        if request.meta.get(CANARY):
            self.stats.inc_value(f"newsbot/canary/lost/{reason}")
            logger.warning(
                "Canary %s (a stored article) not re-read: %s%s",
                url,
                reason,
                f" ({detail})" if detail else "",
            )
            return
        self.stats.inc_value(f"newsbot/lost/{kind}/{reason}")
        listed = self.stats.get_value("newsbot/lost_pages") or []
        if len(listed) < LISTED_MAX:
            listed.append({"url": url, "kind": kind, "reason": reason})
        self.stats.set_value("newsbot/lost_pages", listed)
        if url != request.url:
            detail = f"redirected to {request.url}; {detail}".rstrip("; ")
        suffix = f" ({detail})" if detail else ""
        logger.warning("Lost %s page %s: %s%s", kind, url, reason, suffix)
        if kind == "article" and request.meta.get(ARTICLE_ID):
            self._remember(request, url, reason)

    def request_scheduled(self, request: Request, spider: Any = None) -> None:
        """Stop and count a redirect off the site.

        OffsiteMiddleware drops such a request unseen when it is scheduled, and lets it through
        when the first request was ``dont_filter`` (every retried request is): both cases are
        handled here, by raising IgnoreRequest as OffsiteMiddleware does.
        """
        chain = request.meta.get("redirect_urls")
        if not chain or request.meta.get("allow_offsite"):
            return
        allowed = [d.lower() for d in getattr(spider, "allowed_domains", None) or [] if d]
        if allowed and not on_domains(urlsplit(request.url).hostname or "", allowed):
            self.lost(request, "redirect_offsite", f"redirected from {chain[0]}")
            raise IgnoreRequest(f"redirect off the site to {request.url}")

    def request_dropped(self, request: Request, spider: Any = None) -> None:
        """A redirect back to a URL of its own chain is dropped by the duplicate filter: a loop."""
        chain = request.meta.get("redirect_urls") or []
        if request.url in chain:
            self.lost(request, "redirect_loop", f"redirected back to itself after {len(chain)}")

    def _remember(self, request: Request, url: str, reason: str) -> None:
        store = crawler_store(self.crawler)
        spider = self.crawler.spider
        site = getattr(getattr(spider, "site", None), "name", None)
        if store is None or site is None:
            return
        article_id = str(request.meta[ARTICLE_ID])
        section = request.meta.get(SECTION)
        now = datetime.now(UTC)

        def write() -> None:
            try:
                lost = store.record_lost_article(
                    site, article_id, url, reason, section, self.max_attempts, now
                )
            except Exception as error:  # an outage must not end the crawl: say so and go on
                logger.warning(
                    "Lost article %s not recorded in the database: %s", article_id, error
                )
                self.stats.inc_value(
                    f"newsbot/store/errors/lost_article_record/{type(error).__name__}"
                )
                return
            if lost.given_up:
                logger.warning(
                    "Giving up on article %s after %d lost attempts (last: %s)",
                    url,
                    lost.attempts,
                    reason,
                )
                self.stats.inc_value("newsbot/lost_articles/given_up")

        try:
            future: asyncio.Future[None] | Future[None] = (
                asyncio.get_running_loop().run_in_executor(None, write)
            )
        except RuntimeError:  # no event loop (callbacks called outside a crawl): write now
            write()
            return
        self.pending.add(future)
        future.add_done_callback(self.pending.discard)

    async def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        """Let the last writes finish before the crawl closes its store."""
        if self.pending:
            await asyncio.gather(*[asyncio.wrap_future(f) for f in list(self.pending)])


_RECORDERS: WeakKeyDictionary[Crawler, LostPages] = WeakKeyDictionary()


def lost_pages(crawler: Crawler) -> LostPages:
    """The crawl's recorder of lost pages (one per crawler)."""
    recorder = _RECORDERS.get(crawler)
    if recorder is None:
        recorder = _RECORDERS[crawler] = LostPages(crawler)
    return recorder
