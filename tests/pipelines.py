"""Run item pipelines the way Scrapy does, without a network: a real crawler, real stats."""

from __future__ import annotations

from scrapy.utils.test import get_crawler

from newsbot.spiders.koreaherald import KoreaHeraldSpider


def crawler_with_spider(settings: dict | None = None, **spider_args):
    crawler = get_crawler(KoreaHeraldSpider, settings or {})
    crawler.spider = KoreaHeraldSpider.from_crawler(crawler, **spider_args)
    crawler.stats.open_spider()
    return crawler
