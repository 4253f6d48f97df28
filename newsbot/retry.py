"""RetryAfterMiddleware: Scrapy's retries, waiting as long as a 429 or 503 asks (``Retry-After``).

The wait (seconds or an HTTP date, capped by ``NEWSBOT_RETRY_AFTER_MAX``) is an ``asyncio.sleep``
inside the middleware: the reactor keeps serving other requests meanwhile. A request that
runs out of retries is logged at ``RETRY_GIVE_UP_LOG_LEVEL`` (WARNING in newsbot's settings):
the spider counts it as a lost page, so ERROR stays for bugs.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.response import response_status_message

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})
DEFAULT_RETRY_AFTER_MAX = 120.0  # seconds


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delay-seconds or HTTP-date); None if unusable."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, honouring ``Retry-After`` on 429 and 503."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.retry_after_max = settings.getfloat("NEWSBOT_RETRY_AFTER_MAX", DEFAULT_RETRY_AFTER_MAX)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        """Retry as Scrapy does; on 429/503 first wait what the server asked, up to the cap."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        delay = None
        if response.status in RETRY_AFTER_STATUSES:
            delay = retry_after_seconds(response.headers.get("Retry-After"))
        if delay:
            delay = min(delay, self.retry_after_max)
            logger.info(
                "%s answered %d with Retry-After: waiting %.0f s before retrying",
                request.url,
                response.status,
                delay,
            )
            assert self.crawler.stats is not None  # noqa: S101 - a crawler has stats
            self.crawler.stats.inc_value("newsbot/retry_after/waits")
            await asyncio.sleep(delay)
        return retry
