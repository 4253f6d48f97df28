"""What every site and layout provides, and the errors parsers raise."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from newsbot.extract.dates import DATE_IN_TEXT, parse_site_date
from newsbot.extract.landmarks import listed_article_links, navigation_links, next_link
from newsbot.items import Article, PopularRank
from newsbot.page import Page

# Article fields without which an item is not worth storing: the page is reported instead.
REQUIRED_ARTICLE_FIELDS = ("url", "article_id", "title", "published_at", "body")
# Paths that are never a section or an article: tags, authors, searches, feeds, pagination,
# accounts, files.
NOT_A_SECTION = re.compile(
    r"/(?:tags?|topics?|authors?|byline|reporters?|search|rss|feeds?|atom|page/\d+|login"
    r"|logout|signin|signup|register|subscribe|account|privacy|terms|about|contact)(?:/|$|\.)"
    r"|\.(?:xml|rss|jpe?g|png|gif|webp|svg|pdf|css|js|ico|mp4|mp3)$",
    re.IGNORECASE,
)


class ParseError(Exception):
    """A page could not be turned into an item; ``reason`` becomes a stats key suffix.

    ``article`` holds what was read before giving up, so that field coverage can count the
    page: a redesign that loses the title drops every item, and only the pages can show it.
    """

    def __init__(self, reason: str, message: str, article: Article | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.article = article


@dataclass(frozen=True)
class Section:
    """A section as the site's navigation names it."""

    name: str
    url: str


@dataclass(frozen=True)
class KnownFeed:
    """A feed to read, and the section it covers when it covers one section only."""

    url: str
    section: str | None = None


@dataclass(frozen=True)
class Teaser:
    """One entry of a section list page."""

    url: str
    article_id: str
    published_on: date | None


@dataclass(frozen=True)
class ListPage:
    """What a section list page holds: its teasers and the link to the next page."""

    teasers: list[Teaser]
    next_url: str | None


class Layout:
    """One of a site's page layouts; its markers tell its pages apart from the others'."""

    name: ClassVar[str]
    article_marker: ClassVar[str]
    list_marker: ClassVar[str]
    # Whether article pages name their own section. Those are parsed without the crawl's
    # section, so coverage measures what the page says; the crawl's fills the gap afterwards.
    states_section: ClassVar[bool] = False

    def is_article(self, page: Page) -> bool:
        """Whether ``page`` is an article page of this layout."""
        return bool(page.css(self.article_marker))

    def is_list(self, page: Page) -> bool:
        """Whether ``page`` is a section list page of this layout."""
        return bool(page.css(self.list_marker))

    def parse_article(self, page: Page, section: str | None) -> Article:
        """Extract the article; raise :class:`ParseError` when required fields are missing."""
        raise NotImplementedError

    def parse_list(self, page: Page) -> ListPage:
        """Extract the teasers and the next-page link of a section list page."""
        raise NotImplementedError


def missing_fields(item: Any, required: Iterable[str]) -> list[str]:
    """Names of required fields that are empty in ``item``."""
    return [name for name in required if getattr(item, name) in (None, "", [])]


def require_article_fields(article: Article, page: Page) -> Article:
    """Return ``article`` when complete; otherwise raise with every missing field named."""
    missing = missing_fields(article, REQUIRED_ARTICLE_FIELDS)
    if missing:
        raise ParseError(
            f"missing_{missing[0]}",
            f"article page {page.url} lacks required field(s): {', '.join(missing)}",
            article,
        )
    return article


def next_page_link(page: Page, param: str) -> str | None:
    """The link on ``page`` to the same list with ``param`` one higher, if the page has one.

    Pagination markup differs by layout and is partly unknown, so we read the links' URLs,
    not their classes: a list has a next page exactly when it links to it.
    """
    here = urlsplit(page.url)
    current = _int_param(here.query, param) or 1
    same_list = {k: v for k, v in parse_qs(here.query).items() if k not in (param, "mp", "pageTop")}
    for href in page.xpath("//a/@href").getall():
        target = urlsplit(page.absolute(href))
        if target.path != here.path or target.netloc != here.netloc:
            continue
        query = parse_qs(target.query)
        others = {k: v for k, v in query.items() if k not in (param, "mp", "pageTop")}
        if others == same_list and _int_param(target.query, param) == current + 1:
            return target.geturl()
    return None


def _int_param(query: str, param: str) -> int | None:
    values = parse_qs(query).get(param)
    if values and re.fullmatch(r"\d+", values[0]):
        return int(values[0])
    return None


def on_domains(host: str, domains: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith(f".{domain}") for domain in domains)


class GenericLayout(Layout):
    """Any article page, read without class or id names (newsbot.extract.generic).

    The fallback for pages no layout of their site recognises, and the only layout of sites
    newsbot has no parser for. Its items say ``layout="generic"`` and carry ``provenance``.
    """

    name = "generic"
    article_marker = "html"
    list_marker = "html"

    def __init__(self, site: Site) -> None:
        self.site = site

    def parse_article(self, page: Page, section: str | None) -> Article:
        """Extract the article generically; raise :class:`ParseError` when fields are missing."""
        # Imported here: newsbot.extract.generic builds on this module.
        from newsbot.extract.generic import extract_article

        return extract_article(page, site=self.site, section=section)


class Site:
    """A news site: its layouts in detection order and how its URLs name articles."""

    name: str
    default_base_url: str
    layouts: tuple[Layout, ...] = ()
    # The site's domains (each with its subdomains) and the hosts its pages load from.
    domains: tuple[str, ...] = ()
    # The zone of dates the site prints without one. UTC only where nothing better is known.
    timezone: ZoneInfo = ZoneInfo("UTC")

    @cached_property
    def fallback_layout(self) -> GenericLayout:
        """The generic reader for article pages none of :attr:`layouts` recognises."""
        return GenericLayout(self)

    def domains_for(self, base_url: str) -> tuple[str, ...]:
        """Where pages crawled from ``base_url`` may load from.

        The site's domains when ``base_url`` is on them; for a mirror or a replica elsewhere,
        ``base_url``'s host alone.
        """
        host = (urlsplit(base_url).hostname or "").lower()
        return self.domains if on_domains(host, self.domains) else (host,)

    def article_layout(self, page: Page) -> Layout | None:
        """The layout whose article marker the page carries, or None."""
        return next((layout for layout in self.layouts if layout.is_article(page)), None)

    def list_layout(self, page: Page) -> Layout | None:
        """The layout whose list marker the page carries, or None."""
        return next((layout for layout in self.layouts if layout.is_list(page)), None)

    def article_id(self, url: str) -> str | None:
        """The site's id of the article at ``url``, or None when it is not an article URL."""
        raise NotImplementedError

    def article_url(self, url: str) -> str | None:
        """The one URL the crawl fetches for the article linked as ``url``; None if no article."""
        return url if self.article_id(url) is not None else None

    def known_feeds(self, base_url: str, sections: Iterable[str] = ()) -> list[KnownFeed]:
        """Feeds the site serves without advertising them, for the ``sections`` wanted.

        No sections means every section. Unknown for most sites: none.
        """
        return []

    def feed_section(self, url: str) -> str | None:
        """The section a feed at ``url`` covers, when the site has one feed per section."""
        return None

    def generic_list(self, page: Page) -> ListPage:
        """Teasers of a list page no layout recognises: its article links, in page order.

        A teaser's date is one printed beside its link; the next page is the link to the same
        list one page on, a ``rel="next"`` link, or a link reading "Next", "›", "»" or "More".
        """
        teasers: list[Teaser] = []
        seen: set[str] = set()
        for link in listed_article_links(page.selector, self._article_key(page)):
            url = self.article_url(page.absolute(link.href))
            article_id = self.article_id(url) if url else None
            if url is None or article_id is None or article_id in seen:
                continue
            seen.add(article_id)
            when = DATE_IN_TEXT.search(link.text)
            teasers.append(Teaser(url, article_id, parse_site_date(when.group()) if when else None))
        next_url = next_page_link(page, "page") or next_page_link(page, "np")
        if next_url is None:
            href = next_link(page.selector)
            target = page.absolute(href) if href else None
            if target and urlsplit(target).netloc == urlsplit(page.url).netloc:
                next_url = target if target.rstrip("/") != page.url.rstrip("/") else None
        return ListPage(teasers, next_url)

    def _article_key(self, page: Page) -> Callable[[str], str | None]:
        """The id of the article a link on ``page`` points to, for links on its host."""
        here = urlsplit(page.url).netloc
        # Asked again for the same hrefs while teaser blocks are measured: remember answers.
        known: dict[str, str | None] = {}

        def article_key(href: str) -> str | None:
            if href not in known:
                url = page.absolute(href)
                canonical = self.article_url(url) if urlsplit(url).netloc == here else None
                known[href] = self.article_id(canonical) if canonical else None
            return known[href]

        return article_key

    def navigation_sections(self, page: Page) -> list[Section]:
        """Sections found by the navigation's link texts, for URL forms the site code lacks.

        Links of the page's navigation (see ``landmarks.navigation_links``) to the same host
        that are not articles, not the homepage and not feeds, tags, authors or searches.
        """
        here = urlsplit(page.url)
        found: dict[str, Section] = {}
        for link in navigation_links(page.selector):
            url = page.absolute(link.href)
            parts = urlsplit(url)
            if parts.netloc != here.netloc or parts.path in ("", "/"):
                continue
            if self.article_url(url) is not None or NOT_A_SECTION.search(parts.path):
                continue
            url = url.split("#", 1)[0]
            if url not in found:
                found[url] = Section(name=link.text, url=url)
        return list(found.values())

    def sections(self, page: Page) -> list[Section]:
        """Top-level sections linked from a page's navigation."""
        raise NotImplementedError

    def popular(self, page: Page) -> list[PopularRank] | None:
        """The Most Popular list on ``page``; None without one, [] when it is still empty."""
        raise NotImplementedError
