"""The baseline: a bare Scrapy spider that requests exactly the pages newsbot requests.

On the 2023-layout replica: homepage, section lists page by page, every article, and nothing
else: no items, no parsing beyond finding links, no pipelines, no database, no feeds.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy

_UD = re.compile(r"ud=(\d{14})")


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, base_url: str, stats_file: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.stats_file = stats_file

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(f"{self.base_url}/", callback=self.parse_home)

    def parse_home(self, response: scrapy.http.Response) -> Iterator[scrapy.Request]:
        for href in response.css("ul.gnb a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_list, cb_kwargs={"page": 1})

    def parse_list(self, response: scrapy.http.Response, page: int) -> Iterator[scrapy.Request]:
        teasers = response.css("ul.category_detail_list a.news_link::attr(href)").getall()
        for href in teasers:
            ud = _UD.search(href)
            if ud:
                yield scrapy.Request(
                    f"{self.base_url}/view.php?ud={ud.group(1)}", callback=self.ignore
                )
        following = response.xpath(f"//a[contains(@href, '&np={page + 1}&')]/@href").get()
        if teasers and following:
            yield response.follow(following, callback=self.parse_list, cb_kwargs={"page": page + 1})

    def ignore(self, response: scrapy.http.Response) -> None:
        return None

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        # Measured the way Scrapy's CoreStats does, which has not run yet at this point.
        elapsed = datetime.now(UTC) - stats["start_time"]
        stats["elapsed_time_seconds"] = elapsed.total_seconds()
        with open(self.stats_file, "w", encoding="utf-8") as handle:  # noqa: PTH123
            json.dump(stats, handle, default=str)
