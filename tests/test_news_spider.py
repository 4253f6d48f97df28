"""The news spider's arguments and homepage: any site, read generically."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newsbot.spiders.news import NewsSpider
from tests.test_spiders import split


def make_spider(**kwargs):
    crawler = get_crawler(NewsSpider, {"NEWSBOT_STORE_ENABLED": False})
    spider = NewsSpider.from_crawler(crawler, **kwargs)
    return spider, crawler.stats


def test_the_site_is_named_after_the_base_urls_host_and_dated_in_its_zone():
    spider, _ = make_spider(base_url="https://www.example.com/", timezone="Europe/Paris")
    assert spider.site.name == "example.com"
    assert spider.site.timezone == ZoneInfo("Europe/Paris")
    assert spider.allowed_domains == ["www.example.com"]
    assert spider.arguments["timezone"] == "Europe/Paris"
    default, _ = make_spider(base_url="https://example.org")
    assert default.site.timezone == ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "base_url is required"),
        ({"base_url": "https://example.com", "timezone": "Mars/Olympus"}, "timezone must be"),
        ({"base_url": "ftp://example.com"}, "base_url must be an http"),
        ({"base_url": "https://example.com", "discover": "all"}, "discover must be one of"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_spider(**kwargs)


def test_start_reads_no_guessed_feed():
    spider, _ = make_spider(base_url="https://example.com")

    async def collect():
        return [request async for request in spider.start()]

    assert [r.url for r in asyncio.run(collect())] == ["https://example.com/"]


HOME = """<html><head>
<link rel="alternate" type="application/rss+xml" href="/feed/">
</head><body>
<nav><a href="/world">World</a><a href="/2025/11/17/nav-story-link">Story in the menu</a></nav>
<main>
  <div><a href="/2025/11/17/council-approves-budget">Council</a> <span>2025-11-17</span></div>
  <div><a href="/2025/11/01/an-old-story">Old</a> <span>2025-11-01</span></div>
  <a href="/about">About us</a>
</main></body></html>"""


def test_home_follows_its_feed_sections_and_article_links():
    spider, stats = make_spider(base_url="https://example.com", since="2025-11-10")
    url = "https://example.com/"
    response = HtmlResponse(url=url, body=HOME.encode(), encoding="utf-8", request=Request(url))
    requests, items = split(spider.parse_home(response))
    assert items == []
    assert [(r.meta["newsbot_kind"], r.url) for r in requests] == [
        ("feed", "https://example.com/feed/"),
        ("list", "https://example.com/world"),
        ("article", "https://example.com/2025/11/17/council-approves-budget"),
    ]
    # Many sites show no ranking box: that is how they are, not a page newsbot misread.
    assert stats.get_value("newsbot/popular/absent") == 1
    assert stats.get_value("newsbot/popular/not_found") is None
    assert stats.get_value("newsbot/teasers/older_than_since") == 1
    assert stats.get_value("newsbot/articles/seen") == 2
