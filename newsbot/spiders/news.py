"""The ``news`` spider: any news site, read without site-specific code.

``scrapy crawl news -a base_url=https://example.com [-a timezone=Europe/Paris]``: article
links come from the homepage, its navigation's sections and the site's feeds; every article
is read by the generic extractor, the site's normal path here rather than a sign of drift.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsbot.sites.generic import GenericSite
from newsbot.spiders.base import BadArgument, SiteSpider


class NewsSpider(SiteSpider):
    """Crawl any news site given by ``base_url``; its dates without a zone are in ``timezone``."""

    name = "news"
    home_articles = True
    expects_popular = False  # many sites show no "Most Popular" box

    def __init__(
        self, base_url: str | None = None, timezone: str | None = None, **kwargs: Any
    ) -> None:
        if not base_url:
            raise BadArgument(
                "base_url",
                base_url,
                "base_url is required: scrapy crawl news -a base_url=https://…",
            )
        try:
            zone = ZoneInfo(timezone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            raise BadArgument(
                "timezone",
                timezone,
                "timezone must be an IANA zone such as Asia/Seoul",
            ) from None
        self.site = GenericSite(base_url, timezone=zone)
        super().__init__(base_url=base_url, **kwargs)
        if timezone is not None:
            self.arguments["timezone"] = timezone
