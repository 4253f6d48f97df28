"""SiteSpider: homepage → sections → list pages → articles, feeds → articles, Most Popular.

Callbacks stay thin: they build a :class:`~newsbot.page.Page`, hand it to the site's pure
parsing code, and turn its outcome into requests, items, log lines and stats.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Collection, Container, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self
from urllib.parse import parse_qsl, urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from newsbot.browser import keep_on_site, wait_for_list_after
from newsbot.distributed import worker_for
from newsbot.exitcodes import SITE_UNREACHABLE, UNKNOWN_SECTION
from newsbot.extract.landmarks import POPULAR_HEADINGS
from newsbot.feeds import FeedEntry, UnreadableFeed, advertised_feeds, feed_entries, rebase
from newsbot.items import Article
from newsbot.lost import ARTICLE_ID, CANARY, KIND, SECTION, lost_pages
from newsbot.page import Page
from newsbot.seen import REQUESTED, ArticleLedger, article_ledger
from newsbot.sites.base import (
    GenericLayout,
    ParseError,
    Section,
    Site,
    Teaser,
    missing_fields,
    on_domains,
)
from newsbot.storage import LostArticle
from newsbot.storage.crawler import crawler_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

DEFAULT_PAGES = 5  # list pages per section when -a pages= is not given
ARTICLE_PRIORITY = 10
LOST_ARTICLE_PRIORITY = 20  # articles lost by earlier crawls go first
CANARY_PRIORITY = 5  # stored articles re-read to judge the parsers: after the new ones
DEFAULT_CANARIES = 3  # NEWSBOT_CANARY_PER_SECTION when unset
POPULAR_MODES = ("include", "only", "skip")
# Request meta: a feed the site module knows of, not one the homepage advertises.
GUESSED_FEED = "newsbot_guessed_feed"
# Where article links come from: section list pages, RSS/Atom feeds, or both.
DISCOVER_MODES = ("sections", "feeds", "both")
# Fields a reader relies on that a page may legitimately lack (an unsigned editorial has no
# byline): the item is kept, and the gap is logged and counted.
EXPECTED_ARTICLE_FIELDS = ("authors",)
# Why a homepage could not be fetched (newsbot.lost's reasons), as the "site unreachable" line
# says it; other failures (HTTP errors, a cut connection) mean the site is there.
UNREACHABLE = {"dns": "DNS lookup failed", "connection_refused": "connection refused",
               "timeout": "timed out"}  # fmt: skip
# Fields whose share of article pages parsed is counted (newsbot/coverage/Article/<field>) and
# judged by the field coverage monitor.
COVERAGE_FIELDS = ("title", "published_at", "authors", "body", "section")


class BadArgument(ValueError):
    """A spider argument (``-a name=value``) the spider cannot use; raised when it is built.

    The crawl command (newsbot.commands.crawl) prints it as one line and exits 1.
    """

    def __init__(self, name: str, value: object, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.value = value

    def __str__(self) -> str:
        return f"bad argument {self.name}={self.value!r}: {self.args[0]}"


class SiteSpider(scrapy.Spider):
    """Crawl one site's sections and Most Popular list; subclasses set ``name``."""

    site: Site
    # Whether the homepage's own article links are followed (besides its sections').
    home_articles: ClassVar[bool] = False
    # Whether a homepage without a ranking box means the site changed (a known site's) or
    # is just how the site is (any site's).
    expects_popular: ClassVar[bool] = True

    def __init__(
        self,
        base_url: str | None = None,
        sections: str | None = None,
        pages: str | int | None = None,
        since: str | None = None,
        popular: str | None = None,
        refresh: str | bool | None = None,
        discover: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        given = {"base_url": base_url, "sections": sections, "pages": pages, "since": since}
        given |= {"popular": popular, "refresh": refresh, "discover": discover}
        # As asked, for the crawl-run record (Scrapyd passes every argument as a string).
        self.arguments = {key: str(value) for key, value in given.items() if value is not None}
        self.base_url = (base_url or self.site.default_base_url).rstrip("/")
        if urlsplit(self.base_url).scheme not in ("http", "https"):
            raise BadArgument("base_url", base_url, "base_url must be an http(s) URL")
        self.allowed_domains = [urlsplit(self.base_url).hostname or ""]
        self.section_filter = _names(sections)
        self.section_names = [part.strip() for part in (sections or "").split(",") if part.strip()]
        self.pages = _positive(pages, "pages") if pages not in (None, "") else DEFAULT_PAGES
        self.since = _date(since, "since") if since else None
        self.popular = (popular or "include").lower()
        if self.popular not in POPULAR_MODES:
            modes = ", ".join(POPULAR_MODES)
            raise BadArgument("popular", popular, f"popular must be one of {modes}")
        self.refresh = _flag(refresh, "refresh")
        self.discover = (discover or "both").lower()
        if self.discover not in DISCOVER_MODES:
            modes = ", ".join(DISCOVER_MODES)
            raise BadArgument("discover", discover, f"discover must be one of {modes}")
        # Each article once per crawl, whether listed, in a feed, or both: marked in the
        # crawl's ledger, shared with the dedupe pipeline (one compact entry per article).
        self.articles = ArticleLedger()
        self.requested_feeds: set[str] = set()
        self.given_up: set[str | None] = set()  # article ids lost too often; filled by start()
        # Stored articles re-read as canaries (NEWSBOT_CANARY_PER_SECTION, set by from_crawler),
        # and how many each section list (or feed) gave.
        self.canaries_per_section = DEFAULT_CANARIES
        self.canaries_taken: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        """The spider, its recorder of lost pages listening, its browser kept on the site."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.canaries_per_section = max(
            0, crawler.settings.getint("NEWSBOT_CANARY_PER_SECTION", DEFAULT_CANARIES)
        )
        spider.articles = article_ledger(crawler)
        lost_pages(crawler)
        keep_on_site(crawler, spider.site.domains_for(spider.base_url))
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Articles lost by earlier crawls first, then the homepage (sections, Most Popular)."""
        lost_articles = await self._lost_articles()
        self.given_up = {lost.article_id for lost in lost_articles if lost.given_up}
        for lost in lost_articles:
            if not lost.given_up:
                for request in self._article(
                    lost.url, lost.article_id, lost.section, LOST_ARTICLE_PRIORITY, source="lost"
                ):
                    yield request
        yield self._follow(f"{self.base_url}/", "home", callback=self.parse_home)
        if self.reads_feeds:
            for feed in self.site.known_feeds(self.base_url, self.section_names):
                for request in self._feed(feed.url, feed.section, guessed=True):
                    yield request

    @classmethod
    def handles_request(cls, request: scrapy.Request) -> bool:
        """Whether ``request`` is for this spider's site, by its domains.

        ``scrapy parse URL`` and ``scrapy shell URL`` pick the spider this way; a site with no
        fixed domains (the ``news`` spider's, or a replica on 127.0.0.1) needs ``--spider``.
        """
        site = getattr(cls, "site", None)
        host = urlsplit(request.url).hostname or ""
        return isinstance(site, Site) and bool(site.domains) and on_domains(host, site.domains)

    @property
    def reads_feeds(self) -> bool:
        """Whether this crawl takes article links from feeds."""
        return self.discover in ("feeds", "both") and self.popular != "only"

    @property
    def reads_sections(self) -> bool:
        """Whether this crawl takes article links from section list pages."""
        return self.discover in ("sections", "both") and self.popular != "only"

    # --- callbacks --------------------------------------------------------------------
    # The contracts in their docstrings are for `scrapy check` (newsbot/contracts.py): paths
    # on the spider's base_url, written for the replica's 2023 layout (the default one).

    async def parse(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        """The callback a crawl would give this URL: for ``scrapy parse URL`` without flags.

        The homepage, a feed, an article (the site knows its id) or else a section list page.
        """
        parts = urlsplit(response.url)
        if parts.path in ("", "/") and not parts.query:
            async for result in self.parse_home(response):
                yield result
        elif self.site.article_id(response.url) is not None:
            for result in self.parse_article(response, kwargs.get("section")):
                yield result
        elif _is_feed(response):
            section = kwargs.get("section") or self.site.feed_section(response.url)
            async for result in self.parse_feed(response, section):
                yield result
        else:
            section = kwargs.get("section") or self._section_of(response)
            page_number = kwargs.get("page_number") or _page_number(parts.query)
            async for result in self.parse_section(response, section, page_number):
                yield result

    def _section_of(self, response: Response) -> str:
        """The name of the section whose list ``response`` is, from the page's navigation."""
        page = self._page(response) if isinstance(response, HtmlResponse) else None
        if page is not None:
            for section in self.site.sections(page):
                if _same_list(section.url, response.url):
                    return section.name
        return ""

    async def parse_home(self, response: Response) -> AsyncIterator[Any]:
        """Take the Most Popular snapshot, read the feeds, follow the wanted sections.

        @url /
        @returns items 10 10
        @returns requests 6
        @fills PopularRank rank title url article_id
        @reads_cleanly
        """
        page = self._page(response)
        if page is None:
            return
        if self.popular != "skip":
            for result in self._popular(page, rendered=False):
                yield result
        if self.reads_feeds:
            for advertised in advertised_feeds(page):
                # Pages name the canonical host even when a mirror serves them.
                url = rebase(advertised, self.base_url, self.site.domains)
                for request in self._feed(url, self.site.feed_section(url)):
                    yield request
        if not self.reads_sections:
            return
        for section in self._wanted_sections(self.site.sections(page)):
            yield self._follow(
                section.url,
                "list",
                callback=self.parse_section,
                cb_kwargs={"section": section.name, "page_number": 1},
            )
        if self.home_articles:
            # The homepage's teasers belong to no section: the article page says which.
            listing = self.site.generic_list(page)
            self._inc("articles/seen", len(listing.teasers))
            async for request in self._wanted_articles(listing.teasers, None, True):
                yield request

    async def parse_feed(self, response: Response, section: str | None) -> AsyncIterator[Any]:
        """Follow a feed's new articles of the wanted sections (see :meth:`_entry_section`)."""
        try:
            entries = feed_entries(response.body, response.url, self.site, self.base_url)
        except UnreadableFeed as error:
            self._fail(
                "feeds/unreadable", "unreadable feed %s (%s): %s", response.url, error.reason, error
            )
            return
        self._inc("feeds/read")
        self._inc("feeds/entries", len(entries))
        if not entries:  # a feed the site stopped filling, or moved
            self._fail("feeds/empty", "feed %s lists no entry", response.url)
        wanted: list[tuple[FeedEntry, str | None, bool]] = []
        for entry in entries:
            host = urlsplit(entry.url).hostname or ""
            if entry.article_id is None or not on_domains(host, self.allowed_domains):
                self._inc("feeds/not_articles")
                continue
            published = entry.published
            if self.since and published and self._local_date(published) < self.since:
                self._inc("feeds/older_than_since")
                continue
            keep, entry_section, check = self._entry_section(entry.categories, section)
            if not keep:
                self._inc("feeds/out_of_section")
                continue
            wanted.append((entry, entry_section, check))
        known = await self._known_or_given_up([entry.article_id or "" for entry, _, _ in wanted])
        for entry, entry_section, check in wanted:
            if entry.article_id in known:
                self._inc("articles/skipped_known")
                continue
            for request in self._article(
                entry.url, entry.article_id, entry_section, ARTICLE_PRIORITY, check, "feeds"
            ):
                yield request
        if not self.reads_sections:  # else the section lists give the canaries
            listed = [(entry.article_id, entry.url, section) for entry, section, _ in wanted]
            for request in self._canaries(response.url, listed, known):
                yield request

    def _entry_section(
        self, categories: tuple[str, ...], feed_section: str | None
    ) -> tuple[bool, str | None, bool]:
        """Whether a feed entry is wanted, its section, and whether its page must tell.

        A per-section feed and the entry's categories name sections: the entry is wanted when
        one of them is. With neither, and sections asked for, the article page's own section
        decides after parsing.
        """
        if not self.section_filter:
            return True, feed_section or (categories[0] if categories else None), False
        named = [feed_section, *categories] if feed_section else list(categories)
        if named:
            matching = [name for name in named if self._wanted_name(name)]
            return bool(matching), matching[0] if matching else None, False
        return True, None, True

    def _local_date(self, moment: datetime) -> date:
        """The day ``moment`` falls on where the site is: teaser dates are the site's."""
        return moment.astimezone(self.site.timezone).date()

    def _wanted_name(self, section: str) -> bool:
        return not self.section_filter or _key(section) in self.section_filter

    def parse_rendered_home(self, response: Response) -> Iterator[Any]:
        """The homepage again, rendered by the browser, for a script-built Most Popular list."""
        page = self._page(response)
        if page is not None:
            yield from self._popular(page, rendered=True)

    async def parse_section(
        self, response: Response, section: str, page_number: int
    ) -> AsyncIterator[Any]:
        """Follow a list page's new articles, then its next page while there is news to find.

        @url /list.php?ct=020100000000
        @cb_kwargs {"section": "National", "page_number": 1}
        @returns items 0 0
        @returns requests 16 16
        @reads_cleanly
        """
        if page_number == 1:
            # Counted here, not where sections are followed: with several workers, the one
            # that reads a section's list is the one that sees (or misses) its articles.
            self._inc("sections/crawled")
        page = self._page(response)
        if page is None:
            return
        layout = self.site.list_layout(page)
        if layout is not None:
            listing = layout.parse_list(page)
        else:
            if self.site.layouts:  # a site with parsers whose lists changed: drift
                self._fail(
                    "layout_unknown/list",
                    "no known list layout on %s: its article links are read generically",
                    page.url,
                )
            self._inc("lists/generic")
            listing = self.site.generic_list(page)
        self._inc("list_pages")
        # Every teaser counts, new, known or too old: a quiet re-run still sees articles.
        self._inc("articles/seen", len(listing.teasers))
        if not listing.teasers:
            self._fail("list_empty", "list page %s holds no article links", page.url)
            return
        wanted = []
        for teaser in listing.teasers:
            if self.since and teaser.published_on and teaser.published_on < self.since:
                self._inc("teasers/older_than_since")
                continue
            if teaser.published_on is None and layout is not None:
                self._fail(
                    "teasers/undated", "teaser without a date on %s: %s", page.url, teaser.url
                )
            wanted.append(teaser)
        reached_since = len(wanted) < len(listing.teasers)
        known = await self._known_or_given_up([t.article_id for t in wanted])
        for teaser in wanted:
            if teaser.article_id in known:
                self._inc("articles/skipped_known")
                continue
            # Articles before further list pages: the queue holds the articles of the pages
            # being read rather than of every list page walked so far.
            for request in self._article(teaser.url, teaser.article_id, section, ARTICLE_PRIORITY):
                yield request
        teasers = [(teaser.article_id, teaser.url, section) for teaser in wanted]
        for request in self._canaries(section, teasers, known):
            yield request
        # Lists run newest first: a page of known or too-old articles ends the news. Canaries
        # do not change that: they are chosen among the teasers of the pages read anyway.
        caught_up = bool(wanted) and len(wanted) == len(known & {t.article_id for t in wanted})
        if caught_up:
            self._inc("sections/caught_up")
        if caught_up or reached_since or page_number >= self.pages or listing.next_url is None:
            return
        yield self._follow(
            listing.next_url,
            "list",
            callback=self.parse_section,
            cb_kwargs={"section": section, "page_number": page_number + 1},
        )

    def _follow(self, url: str, kind: str, **kwargs: Any) -> scrapy.Request:
        """A request for a home, list or article page; a failure is counted as that kind's loss."""
        meta = {KIND: kind, **kwargs.pop("meta", {})}
        return scrapy.Request(url, errback=self.request_failed, meta=meta, **kwargs)

    def _article(
        self,
        url: str,
        article_id: str | None,
        section: str | None,
        priority: int,
        check_section: bool = False,
        source: str = "lists",
    ) -> Iterator[scrapy.Request]:
        """The request for an article, unless this crawl already asked for it."""
        if article_id is not None and self.articles.mark(self.site.name, article_id, REQUESTED):
            self._inc("articles/already_requested")
            return
        self._inc(f"discovered/{source}")
        cb_kwargs: dict[str, Any] = {"section": section}
        if check_section and self.section_filter:
            cb_kwargs["check_section"] = True
        yield self._follow(
            url,
            "article",
            callback=self.parse_article,
            cb_kwargs=cb_kwargs,
            priority=priority,
            meta={ARTICLE_ID: article_id, SECTION: section},
        )

    def _canaries(
        self,
        source: str,
        listed: Sequence[tuple[str | None, str, str | None]],
        known: set[str],
    ) -> Iterator[scrapy.Request]:
        """Requests re-reading stored articles of ``listed`` (id, URL, section) as canaries.

        Stored articles are never fetched again, so without these a redesign that brings
        nothing new would go unseen: the monitors judge only the pages a crawl reads. Up to
        ``canaries_per_section`` per section list (``source``: the section, or a feed's URL),
        picked by :func:`pick_canaries`; none with ``refresh``, which re-reads everything.
        """
        room = self.canaries_per_section - self.canaries_taken.get(source, 0)
        if self.refresh or room <= 0:
            return
        stored = known - {i for i in self.given_up if i is not None}
        requested = RequestedArticles(self.articles, self.site.name)
        picked = pick_canaries([article_id for article_id, _, _ in listed], stored, requested, room)
        urls = {article_id: (url, section) for article_id, url, section in listed}
        for article_id in picked:
            url, section = urls[article_id]
            self.articles.mark(self.site.name, article_id, REQUESTED)
            self.canaries_taken[source] = self.canaries_taken.get(source, 0) + 1
            self._inc("canary/requested")
            # Not dont_filter: the page was not requested by this crawl (it is stored, so it
            # was skipped), and the duplicate filter keeps workers sharing one (Redis) from
            # re-reading the same canary twice.
            yield self._follow(
                url,
                "article",
                callback=self.parse_article,
                cb_kwargs={"section": section},
                priority=CANARY_PRIORITY,
                meta={ARTICLE_ID: article_id, SECTION: section, CANARY: True},
            )

    def _feed(
        self, url: str, section: str | None, guessed: bool = False
    ) -> Iterator[scrapy.Request]:
        """The request for a feed, unless this crawl already asked for it.

        ``guessed``: a feed the site module knows of, not one the homepage advertises.
        """
        if url in self.requested_feeds:
            return
        self.requested_feeds.add(url)
        yield self._follow(
            url,
            "feed",
            callback=self.parse_feed,
            cb_kwargs={"section": section},
            meta={GUESSED_FEED: guessed},
        )

    async def _wanted_articles(
        self, teasers: list[Teaser], section: str | None, check_section: bool
    ) -> AsyncIterator[scrapy.Request]:
        """Requests for teasers that are new and not older than ``since``."""
        wanted = [
            t
            for t in teasers
            if not (self.since and t.published_on and t.published_on < self.since)
        ]
        self._inc("teasers/older_than_since", len(teasers) - len(wanted))
        known = await self._known_or_given_up([t.article_id for t in wanted])
        for teaser in wanted:
            if teaser.article_id in known:
                self._inc("articles/skipped_known")
                continue
            for request in self._article(
                teaser.url, teaser.article_id, section, ARTICLE_PRIORITY, check_section, "home"
            ):
                yield request

    def request_failed(self, failure: Failure) -> None:
        """Errback of every request: count the lost page, and release its lease when distributed."""
        request = failure.request  # type: ignore[attr-defined]
        if request.meta.get(GUESSED_FEED) and _status(failure) in (404, 410):
            # A feed the site module expected but the site does not serve (or no longer does):
            # no article is lost with it, as the section lists remain; counted, not a loss.
            self._fail("feeds/missing", "no feed at %s (HTTP %s)", request.url, _status(failure))
        else:
            reason = lost_pages(self.crawler).failed(request, failure.value or Exception("unknown"))
            if request.meta.get(KIND) == "home" and reason in UNREACHABLE:
                self._site_unreachable(request, reason)
        worker = worker_for(self.crawler)
        if worker is not None:
            worker.release(request)

    def _site_unreachable(self, request: scrapy.Request, reason: str) -> None:
        """The homepage cannot be fetched at all: nothing else of the site can be, so stop."""
        detail = (
            f"{request.url} — {UNREACHABLE[reason]} "
            f"(after {request.meta.get('retry_times', 0)} retries)"
        )
        self.logger.error("Site unreachable: %s", detail)
        self._inc("site_unreachable")
        assert self.crawler.stats is not None  # noqa: S101 - set by from_crawler
        self.crawler.stats.set_value("newsbot/site_unreachable/detail", detail)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=SITE_UNREACHABLE))

    def parse_article(
        self, response: Response, section: str | None, check_section: bool = False
    ) -> Iterator[Any]:
        """Parse an article page with its layout's parser, else the generic one.

        With ``check_section`` (an article found without a section), an article outside the
        wanted sections is dropped, by the section its page names.

        A canary (a stored article re-read, see :meth:`_canaries`) is parsed, counted and
        judged the same way, but its item is not yielded: not stored, not in the feeds.

        @url /view.php?ud=20230922000489
        @cb_kwargs {"section": "National"}
        @returns items 1 1
        @returns requests 0 0
        @fills Article url article_id title published_at authors body section
        @reads_cleanly
        """
        page = self._page(response)
        if page is None:
            return
        canary = bool(response.meta.get(CANARY))
        if canary:
            self._inc("canary/parsed")
        layout = self.site.article_layout(page)
        if layout is None:
            if self.site.layouts:  # a site with parsers whose articles changed: drift
                self._fail(
                    "layout_unknown/article",
                    "no known article layout on %s: it is read generically",
                    page.url,
                )
            layout = self.site.fallback_layout
        try:
            article = layout.parse_article(page, None if layout.states_section else section)
        except ParseError as error:
            self._count_coverage(error.article)
            self._fail(f"parse_failed/Article/{error.reason}", "%s", error)
            return
        self._count_coverage(article)
        if isinstance(layout, GenericLayout):
            self._keep_on_crawled_host(article)
        article.section = article.section or section
        if check_section and not self._wanted_name(article.section or ""):
            self.logger.debug("Article %s is outside the wanted sections", page.url)
            self._inc("articles/out_of_section")
            return
        for name in missing_fields(article, EXPECTED_ARTICLE_FIELDS):
            self._fail(f"field_missing/Article/{name}", "article %s has no %s", page.url, name)
        if canary:  # judged above; stored articles change only with refresh
            return
        self._inc(f"articles/{layout.name}")
        yield article

    # --- helpers ------------------------------------------------------------------------

    def _keep_on_crawled_host(self, article: Article) -> None:
        """Move a generically read article's URL onto the crawled host, as feed links are.

        The generic reader takes the page's canonical link, which names the site's own host
        even when a mirror or a replica serves the page.
        """
        if not isinstance(article.url, str):
            return
        url = rebase(article.url, self.base_url, self.site.domains)
        if url != article.url:
            article.url = url
            article.article_id = self.site.article_id(url) or article.article_id

    def _popular(self, page: Page, rendered: bool) -> Iterator[Any]:
        ranks = self.site.popular(page)
        if ranks is None and not self.expects_popular:
            self.logger.info("No ranking box on %s", page.url)
            self._inc("popular/absent")
        elif ranks is None:
            self._fail("popular/not_found", "no 'Most Popular' heading on %s", page.url)
        elif ranks:
            if len(ranks) != 10:
                self._fail(
                    "popular/unexpected_size",
                    "Most Popular on %s has %d entries, not 10",
                    page.url,
                    len(ranks),
                )
            self._inc("popular/snapshots")
            yield from ranks
        elif not rendered:
            # The heading is there but its list is empty: a script fills it in the browser.
            self._inc("popular/rendered")
            yield self._follow(
                page.url,
                "home",
                callback=self.parse_rendered_home,
                dont_filter=True,
                meta={
                    "playwright": True,
                    "playwright_page_methods": [
                        wait_for_list_after(
                            POPULAR_HEADINGS,
                            self.settings.getfloat("NEWSBOT_POPULAR_RENDER_TIMEOUT", 10.0),
                        )
                    ],
                },
            )
        else:
            self._fail("popular/empty", "Most Popular on %s stayed empty after rendering", page.url)

    def _wanted_sections(self, sections: list[Section]) -> list[Section]:
        if not sections:
            self._fail("sections/not_found", "no section links on the homepage %s", self.base_url)
        if not self.section_filter or not sections:
            return sections
        wanted = [s for s in sections if _key(s.name) in self.section_filter]
        known = {_key(s.name) for s in sections}
        unknown = [name for name in self.section_names if _key(name) not in known]
        if unknown:
            # A mistyped -a sections=: the crawl fails (exit 1), after the known ones if any.
            self.logger.error(
                "Unknown section(s) %s; the site has: %s",
                ", ".join(unknown),
                ", ".join(s.name for s in sections),
            )
            self._inc("sections/unknown", len(unknown))
            if not wanted:  # nothing left to crawl
                deferred_from_coro(self.crawler.engine.close_spider_async(reason=UNKNOWN_SECTION))
        return wanted

    async def _known_or_given_up(self, article_ids: list[str]) -> set[str]:
        """Ids not to fetch: stored already, or given up after repeated losses (see refresh)."""
        if self.refresh:
            return set()
        known = await self._known(article_ids)
        return known | {i for i in article_ids if i in self.given_up}

    async def _known(self, article_ids: list[str]) -> set[str]:
        """Ids already in the database (queried in a thread; an outage means "none known")."""
        store = crawler_store(self.crawler)
        if store is None or not article_ids:
            return set()
        try:
            return await asyncio.to_thread(store.known_article_ids, self.site.name, article_ids)
        except Exception as error:  # fetching again is safe: writes are upserts
            self._fail(
                "store/known_check_failed", "cannot ask the database what is known: %s", error
            )
            return set()

    async def _lost_articles(self) -> list[LostArticle]:
        """Articles earlier crawls lost, to retry and given up (an outage means "none")."""
        store = crawler_store(self.crawler)
        if store is None:
            return []
        try:
            return await asyncio.to_thread(store.lost_articles, self.site.name, None)
        except Exception as error:  # the crawl goes on; the articles wait for the next one
            self._fail(
                f"store/errors/lost_articles_read/{type(error).__name__}",
                "cannot read the lost articles to retry: %s",
                error,
            )
            return []

    def _page(self, response: Response) -> Page | None:
        if not isinstance(response, HtmlResponse):  # JSON, an image, a PDF: not a page to parse
            request = response.request or scrapy.Request(response.url)
            lost_pages(self.crawler).lost(request, "not_html", response.headers.get("Content-Type"))
            return None
        return Page.from_response(response)

    def _count_coverage(self, article: Article | None) -> None:
        """Count an article page parsed, and each coverage field it filled."""
        self._inc("coverage/Article/pages")
        for name in COVERAGE_FIELDS:
            if article is not None and not missing_fields(article, (name,)):
                self._inc(f"coverage/Article/{name}")

    def _inc(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None  # noqa: S101 - set by from_crawler
        self.crawler.stats.inc_value(f"newsbot/{key}", count)

    def _fail(self, key: str, message: str, *args: Any) -> None:
        self.logger.warning(message, *args)
        self._inc(key)


class RequestedArticles:
    """The articles of ``site`` this crawl requested, as a container (``id in requested``)."""

    def __init__(self, ledger: ArticleLedger, site: str) -> None:
        self.ledger = ledger
        self.site = site

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and self.ledger.has(self.site, article_id, REQUESTED)


def pick_canaries(
    article_ids: Iterable[str | None], known: Collection[str], taken: Container[str], room: int
) -> list[str]:
    """Up to ``room`` of ``article_ids`` that are stored (``known``) and not ``taken``, each once.

    The first ones in list order: lists run newest first, so these are the newest stored
    articles. Deterministic, so that two runs re-read the same pages unless news pushed them
    down, and a change in what they find is a change of the site, not of the sample; and the
    newest pages are the ones the site's current templates made. The sample is spread by
    taking it per section (and per feed when no section list is read).
    """
    picked: list[str] = []
    for article_id in article_ids:
        if len(picked) >= room:
            break
        if article_id is None or article_id in taken or article_id in picked:
            continue
        if article_id in known:
            picked.append(article_id)
    return picked


def _is_feed(response: Response) -> bool:
    """Whether a response is an RSS or Atom feed, by its type or its path."""
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    return "xml" in content_type or urlsplit(response.url).path.startswith("/rss/")


def _page_number(query: str) -> int:
    """The list page number in a URL's query (``np=``, ``page=``), 1 without one."""
    for key, value in parse_qsl(query):
        if key in ("np", "page") and value.isdigit() and int(value) > 0:
            return int(value)
    return 1


def _same_list(section_url: str, url: str) -> bool:
    """Whether ``url`` is a page of the list at ``section_url`` (same path and section id)."""
    section, page = urlsplit(section_url), urlsplit(url)
    ignored = {"np", "page", "mp"}
    return section.path.rstrip("/") == page.path.rstrip("/") and {
        item for item in parse_qsl(section.query) if item[0] not in ignored
    } == {item for item in parse_qsl(page.query) if item[0] not in ignored}


def _status(failure: Failure) -> int | None:
    """The HTTP status of a failed request's response, if it got one."""
    response = getattr(failure.value, "response", None)
    return response.status if isinstance(response, Response) else None


def _key(name: str) -> str:
    """Section names compare without case, spaces or punctuation ("Life & Culture")."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _names(value: str | None) -> set[str]:
    return {_key(part) for part in (value or "").split(",") if part.strip()}


def _flag(value: str | bool | None, name: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise BadArgument(name, value, f"{name} must be 1 or 0")


def _positive(value: str | int, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise BadArgument(name, value, f"{name} must be a positive whole number")
    return number


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadArgument(name, value, f"{name} must be a date YYYY-MM-DD") from None
