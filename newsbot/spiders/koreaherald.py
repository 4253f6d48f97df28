"""``scrapy crawl koreaherald``: The Korea Herald's sections, articles and Most Popular list."""

from __future__ import annotations

from newsbot.sites.koreaherald import KoreaHerald
from newsbot.spiders.base import SiteSpider


class KoreaHeraldSpider(SiteSpider):
    """Arguments: base_url, sections, pages, since, popular (see the README)."""

    name = "koreaherald"
    site = KoreaHerald()
