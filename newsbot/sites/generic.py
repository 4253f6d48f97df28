"""Any news site newsbot has no parser for: the ``news`` spider's site.

``site`` is the host without ``www.``; ``article_id`` is the article's canonical URL; the
zone of undated times is the one given, else that of the country whose domain the site is on
when the country has one zone (``.kr``: Asia/Seoul), else UTC.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from w3lib.url import canonicalize_url, url_query_cleaner

from newsbot.extract.landmarks import popular_list
from newsbot.items import PopularRank
from newsbot.loaders import PopularRankLoader
from newsbot.page import Page
from newsbot.sites.base import Section, Site

POPULAR_LIST = "most_popular"  # the ranking's name, as for every site
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


# Path segments that make a link look like an article: a date (/2024/05/12/), a numeric id
# of five digits or more, a long hyphenated slug, or an .html page named by a slug.
_DATE_PATH = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])(?:/(?:0?[1-9]|[12]\d|3[01]))?/")
_NUMERIC_ID = re.compile(r"(?:^|[/_=\-])\d{5,}(?:[/_.\-]|$)")
_LONG_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){3,}", re.IGNORECASE)
_HTML_SLUG = re.compile(r"/[a-z0-9]+(?:[-_][a-z0-9]+)+\.s?html?$", re.IGNORECASE)
# Links that are never an article, however they look.
_NOT_ARTICLE = re.compile(
    r"/(?:tags?|topics?|authors?|category|categories|search|page/\d+|feeds?|rss|atom"
    r"|wp-json|wp-content|login|signup|subscribe)(?:/|$)"
    r"|\.(?:xml|rss|json|jpe?g|png|gif|webp|svg|pdf|css|js|ico|mp4|mp3|zip)$",
    re.IGNORECASE,
)


def looks_like_article(url: str) -> bool:
    """Whether a link's URL has the shape of an article page on a news site.

    Date path segments (/2024/05/12/), a numeric id of five digits or more, a long hyphenated
    slug, or an ``.html`` page named by a slug; never tags, authors, categories, searches,
    pagination, feeds or files.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", ""):
        return False
    path = parts.path
    if _NOT_ARTICLE.search(path) or path in ("", "/"):
        return False
    if _DATE_PATH.search(path if path.endswith("/") else f"{path}/") and _has_leaf(path):
        return True
    segments = [segment for segment in path.split("/") if segment]
    last = segments[-1] if segments else ""
    if _NUMERIC_ID.search(last) or any(_NUMERIC_ID.fullmatch(s) for s in segments):
        return True
    return bool(_LONG_SLUG.fullmatch(last.rsplit(".", 1)[0]) or _HTML_SLUG.search(path))


def _has_leaf(path: str) -> bool:
    """A dated path names an article only with something after the date (not /2024/05/)."""
    return bool(re.search(r"/(?:19|20)\d{2}/\d{1,2}(?:/\d{1,2})?/[^/]+", path))


# Country codes sold as generic domains (.io, .tv, .co, …): they say nothing of where a site
# is. The list search engines use to the same end (Google Search Central, "Managing
# multi-regional and multilingual sites"), with .ai, sold the same way.
_GENERIC_COUNTRY_CODES = frozenset(
    [
        "ad",
        "ai",
        "as",
        "bz",
        "cc",
        "cd",
        "co",
        "dj",
        "fm",
        "io",
        "la",
        "me",
        "ms",
        "nu",
        "sc",
        "sr",
        "su",
        "tk",
        "tv",
        "ws",
    ]
)


@cache
def _single_zones() -> dict[str, str]:
    """Country code → its one time zone, for countries with one zone (tzdata's zone.tab)."""
    zones: dict[str, list[str]] = {}
    table = files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    for line in table.splitlines():
        if line and not line.startswith("#"):
            country, _, zone = line.split("\t")[:3]
            zones.setdefault(country.lower(), []).append(zone)
    return {country: names[0] for country, names in zones.items() if len(names) == 1}


def country_timezone(host: str) -> ZoneInfo | None:
    """The time zone of the country whose domain ``host`` is on, when it has just one.

    ``entermedia.co.kr`` is in Asia/Seoul; ``example.de`` (Germany has two zones),
    ``example.io`` (sold to anyone) and ``example.com`` have none.
    """
    suffix = host.lower().rstrip(".").rpartition(".")[2]
    if len(suffix) != 2 or suffix in _GENERIC_COUNTRY_CODES:
        return None
    zone = _single_zones().get(suffix)
    return ZoneInfo(zone) if zone else None


class GenericSite(Site):
    """A site known only by its base URL; every page is read by the generic layout."""

    layouts = ()

    def __init__(self, base_url: str, timezone: ZoneInfo | None = None) -> None:
        host = (urlsplit(base_url).hostname or "").lower()
        self.name = site_name_for(host)
        self.default_base_url = base_url.rstrip("/")
        self.domains = (self.name,)
        # Undated times on a page are the site's: a country's own domain says where it is.
        zone = timezone if timezone is not None else country_timezone(host)
        if zone is not None:
            self.timezone = zone

    def article_id(self, url: str) -> str | None:
        """The canonical URL of an article page of this site, or None for other URLs."""
        host = (urlsplit(url).hostname or "").lower()
        if site_name_for(host) != self.name:
            return None
        return canonical_url(url)

    def article_url(self, url: str) -> str | None:
        """The canonical URL of a link of this site that looks like an article, else None."""
        if self.article_id(url) is None or not looks_like_article(url):
            return None
        return canonical_url(url)

    def sections(self, page: Page) -> list[Section]:
        """Sections found in the page's navigation by link text."""
        return self.navigation_sections(page)

    def popular(self, page: Page) -> list[PopularRank] | None:
        """A ranking list under a "Most Popular"-like heading, or None."""
        here = urlsplit(page.url).netloc

        def is_target(href: str) -> bool:
            url = page.absolute(href)
            return urlsplit(url).netloc == here and self.article_url(url) is not None

        ranked = popular_list(page.selector, is_target)
        if ranked is None:
            return None
        ranks = []
        for entry in ranked:
            url = self.article_url(page.absolute(entry.href))
            loader = PopularRankLoader()
            loader.add_value("site", self.name)
            loader.add_value("list_name", POPULAR_LIST)
            loader.add_value("rank", entry.rank)
            loader.add_value("title", entry.title)
            loader.add_value("url", url)
            loader.add_value("article_id", url)
            loader.add_value("captured_at", page.crawled_at)
            loader.add_value("source_url", page.url)
            ranks.append(loader.load_item())
        return ranks
