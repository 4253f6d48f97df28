"""CallbackErrors: a crash in a callback's parsing is a counted lost page, not a traceback.

Whatever a parser raises on a page (``TypeError`` on an unexpected shape, ``RecursionError`` on
deep nesting, ``ValueError``…), the page is lost with the reason
``parse_error/<ExceptionClass>``, logged as a WARNING that names the URL, and the crawl goes on.
Items and requests the callback yielded before the crash are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.exceptions import CloseSpider

from newsbot.lost import LostPages, lost_pages

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class CallbackErrors:
    """Spider middleware turning callback exceptions into ``newsbot/lost/<kind>/parse_error/…``."""

    def __init__(self, lost: LostPages) -> None:
        self.lost = lost

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CallbackErrors:
        """Share the crawl's recorder of lost pages."""
        return cls(lost_pages(crawler))

    def process_spider_exception(
        self, response: Response, exception: Exception
    ) -> Iterable[Any] | None:
        """Count and log the crash; an empty result tells Scrapy it was handled."""
        if isinstance(exception, CloseSpider):  # a request to stop, not a crash
            return None
        request = response.request or scrapy.Request(response.url)
        name = type(exception).__name__
        self.lost.lost(request, f"parse_error/{name}", f"{name}: {exception}")
        return []
