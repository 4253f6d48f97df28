"""An extension both crawls of figure 1 run: the URLs whose responses the crawl received.

Written at close to ``BENCH_URLS_FILE``, one a line, so that the driver can check that newsbot
and the bare spider fetched the same pages (robots.txt, feeds, canaries and renders included),
not just the same number of them.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response


class RequestedUrls:
    def __init__(self, path: str) -> None:
        self.path = path
        self.urls: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestedUrls:
        path = crawler.settings.get("BENCH_URLS_FILE")
        if not path:
            raise NotConfigured("BENCH_URLS_FILE is not set")
        extension = cls(path)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def response_received(self, response: Response, request: Request, **_: Any) -> None:
        self.urls.append(request.url)

    def spider_closed(self, spider: Spider) -> None:
        with open(self.path, "w", encoding="utf-8") as handle:  # noqa: PTH123
            handle.writelines(f"{url}\n" for url in self.urls)
