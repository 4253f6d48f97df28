"""The koreaherald spider's callbacks, fed saved pages: requests, items, warnings and stats."""

from __future__ import annotations

import asyncio
import logging

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from newsbot.items import Article, PopularRank
from newsbot.sites.base import GenericLayout
from newsbot.sites.koreaherald import KoreaHerald
from newsbot.spiders.base import DEFAULT_PAGES
from newsbot.spiders.koreaherald import KoreaHeraldSpider
from tests.conftest import FIXTURES, load_fixture


def make_spider(**kwargs):
    # Storage is exercised by the storage and end-to-end tests; here callbacks stand alone.
    crawler = get_crawler(KoreaHeraldSpider, {"NEWSBOT_STORE_ENABLED": False})
    spider = KoreaHeraldSpider.from_crawler(crawler, **kwargs)
    return spider, crawler.stats


def response_for(name: str) -> HtmlResponse:
    fixture = load_fixture(FIXTURES / "koreaherald" / name)
    body = (FIXTURES / "koreaherald" / name / "page.html").read_bytes()
    url = fixture.meta["url"]
    return HtmlResponse(url=url, body=body, encoding="utf-8", request=Request(url))


def split(results):
    """Requests and items from a callback, sync or async."""
    if hasattr(results, "__aiter__"):

        async def collect():
            return [result async for result in results]

        results = asyncio.run(collect())
    results = list(results)
    requests = [r for r in results if isinstance(r, Request)]
    items = [r for r in results if not isinstance(r, Request)]
    return requests, items


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pages": "0"}, "pages must be a positive"),
        ({"pages": "many"}, "pages must be a positive"),
        ({"popular": "sometimes"}, "popular must be one of"),
        ({"since": "11/09/2023"}, "since must be a date YYYY-MM-DD"),
        ({"base_url": "ftp://example.org"}, "base_url must be an http"),
        ({"discover": "sitemaps"}, "discover must be one of sections, feeds, both"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_spider(**kwargs)


def test_defaults():
    spider, _ = make_spider()
    assert spider.base_url == "https://www.koreaherald.com"
    assert spider.allowed_domains == ["www.koreaherald.com"]
    assert spider.pages == DEFAULT_PAGES
    assert spider.since is None
    assert spider.popular == "include"


def test_start_requests_the_homepage():
    spider, _ = make_spider(base_url="http://127.0.0.1:8023/")

    async def collect():
        return [request async for request in spider.start()]

    requests = asyncio.run(collect())
    # The homepage, and the site's all-news feed, not advertised by its pages.
    assert [r.url for r in requests] == [
        "http://127.0.0.1:8023/",
        "http://127.0.0.1:8023/rss/newsAll",
    ]
    assert [r.meta["newsbot_kind"] for r in requests] == ["home", "feed"]
    assert spider.allowed_domains == ["127.0.0.1"]


@pytest.mark.parametrize(
    ("kwargs", "urls"),
    [
        ({"discover": "sections"}, ["http://127.0.0.1:8023/"]),
        (
            {"discover": "feeds", "sections": "National,Life & Culture"},
            [
                "http://127.0.0.1:8023/",
                "http://127.0.0.1:8023/rss/newsAll",
                "http://127.0.0.1:8023/rss/kh_National",
                "http://127.0.0.1:8023/rss/kh_LifenCulture",
            ],
        ),
        ({"popular": "only"}, ["http://127.0.0.1:8023/"]),
    ],
)
def test_start_reads_the_known_feeds_when_feeds_are_a_source(kwargs, urls):
    spider, _ = make_spider(base_url="http://127.0.0.1:8023/", **kwargs)

    async def collect():
        return [request async for request in spider.start()]

    assert [r.url for r in asyncio.run(collect())] == urls


def test_home_yields_popular_and_every_section():
    spider, stats = make_spider()
    requests, items = split(spider.parse_home(response_for("home-2023")))
    assert [type(i) for i in items] == [PopularRank, PopularRank]
    assert [(r.cb_kwargs["section"], r.url) for r in requests] == [
        ("National", "https://www.koreaherald.com/list.php?ct=020100000000"),
        ("Business", "https://www.koreaherald.com/list.php?ct=020200000000&np=1"),
        ("Entertainment", "https://www.koreaherald.com/list.php?ct=020400000000"),
    ]
    assert stats.get_value("newsbot/popular/snapshots") == 1
    # Two entries where ten are expected is worth a warning.
    assert stats.get_value("newsbot/popular/unexpected_size") == 1


def test_section_filter_ignores_case_and_reports_unknown_names(caplog):
    spider, stats = make_spider(sections="business, NATIONAL,Culture", popular="skip")
    with caplog.at_level(logging.WARNING):
        requests, items = split(spider.parse_home(response_for("home-2023")))
    assert items == []
    assert [r.cb_kwargs["section"] for r in requests] == ["National", "Business"]
    assert stats.get_value("newsbot/sections/unknown") == 1
    assert "Unknown section(s) Culture; the site has: National, Business" in caplog.text


def test_popular_only_follows_no_section():
    spider, _ = make_spider(popular="only")
    requests, items = split(spider.parse_home(response_for("home-2023")))
    assert requests == []
    assert len(items) == 2


def test_script_built_popular_list_is_rendered_in_the_browser():
    spider, stats = make_spider(popular="only")
    requests, items = split(spider.parse_home(response_for("home-current-unrendered")))
    assert items == []
    assert len(requests) == 1
    assert requests[0].meta["playwright"] is True
    assert requests[0].callback == spider.parse_rendered_home
    assert requests[0].dont_filter
    assert stats.get_value("newsbot/popular/rendered") == 1


def test_popular_still_empty_after_rendering_is_reported(caplog):
    spider, stats = make_spider()
    with caplog.at_level(logging.WARNING):
        requests, items = split(spider.parse_rendered_home(response_for("home-current-unrendered")))
    assert (requests, items) == ([], [])
    assert stats.get_value("newsbot/popular/empty") == 1
    assert "stayed empty after rendering" in caplog.text


def test_rendered_popular_list_is_read():
    spider, _ = make_spider()
    _, items = split(spider.parse_rendered_home(response_for("home-current-rendered")))
    assert [(i.rank, i.article_id) for i in items] == [(1, "10636701"), (2, "10636650")]


def test_section_page_follows_articles_and_next_page():
    spider, stats = make_spider(pages="3")
    requests, _ = split(
        spider.parse_section(response_for("list-2023-national"), section="National", page_number=1)
    )
    articles = [r for r in requests if r.callback == spider.parse_article]
    pages = [r for r in requests if r.callback == spider.parse_section]
    assert len(articles) == 3
    assert all(r.cb_kwargs == {"section": "National"} for r in articles)
    assert [r.url for r in pages] == [
        "https://www.koreaherald.com/list.php?ct=020100000000&np=2&mp=1"
    ]
    assert pages[0].cb_kwargs == {"section": "National", "page_number": 2}
    assert stats.get_value("newsbot/list_pages") == 1


def test_page_limit_stops_paging():
    spider, _ = make_spider(pages="1")
    requests, _ = split(
        spider.parse_section(response_for("list-2023-national"), section="National", page_number=1)
    )
    assert all(r.callback == spider.parse_article for r in requests)


def test_since_skips_older_teasers_and_stops_paging():
    spider, stats = make_spider(since="2024-10-01", pages="10")
    requests, _ = split(
        spider.parse_section(response_for("list-2023-national"), section="National", page_number=1)
    )
    assert [r.url for r in requests] == ["https://www.koreaherald.com/view.php?ud=20241114000712"]
    assert stats.get_value("newsbot/teasers/older_than_since") == 2


def test_list_of_unknown_layout_is_reported(caplog):
    spider, stats = make_spider()
    with caplog.at_level(logging.WARNING):
        requests, items = split(
            spider.parse_section(response_for("home-2023"), section="National", page_number=1)
        )
    # Read generically: the page's article links in order, and its "more" link as next page.
    assert items == []
    assert [(r.url, r.meta["newsbot_kind"]) for r in requests] == [
        ("https://www.koreaherald.com/view.php?ud=20230922000489", "article"),
        ("https://www.koreaherald.com/view.php?ud=20230921000618", "article"),
        ("https://www.koreaherald.com/list.php?ct=020000000000", "list"),
    ]
    assert stats.get_value("newsbot/layout_unknown/list") == 1
    assert stats.get_value("newsbot/lists/generic") == 1
    assert "no known list layout" in caplog.text


def test_article_is_yielded_and_counted_by_layout():
    spider, stats = make_spider()
    _, items = split(
        spider.parse_article(response_for("article-2023-reference"), section="National")
    )
    assert len(items) == 1
    assert isinstance(items[0], Article)
    assert items[0].authors == ["Yonhap"]
    assert stats.get_value("newsbot/articles/2023") == 1


def test_article_of_unknown_layout_yields_nothing(caplog):
    spider, stats = make_spider()
    with caplog.at_level(logging.WARNING):
        results = list(spider.parse_article(response_for("article-2019-unsupported"), section=None))
    assert results == []
    assert stats.get_value("newsbot/layout_unknown/article") == 1
    assert "no known article layout" in caplog.text


def test_article_missing_a_required_field_yields_nothing(caplog):
    spider, stats = make_spider()
    with caplog.at_level(logging.WARNING):
        results = list(spider.parse_article(response_for("article-2023-no-title"), section=None))
    assert results == []
    assert stats.get_value("newsbot/parse_failed/Article/missing_title") == 1
    assert "lacks required field(s): title" in caplog.text


def test_article_without_byline_is_kept_but_reported(caplog):
    html = (FIXTURES / "koreaherald" / "article-2023-reference" / "page.html").read_text()
    html = html.replace("<p>By Yonhap</p>", "")
    url = "https://www.koreaherald.com/view.php?ud=20230911000813"
    response = HtmlResponse(url=url, body=html.encode(), encoding="utf-8", request=Request(url))
    spider, stats = make_spider()
    with caplog.at_level(logging.WARNING):
        _, items = split(spider.parse_article(response, section="National"))
    assert len(items) == 1
    assert items[0].authors == []
    assert stats.get_value("newsbot/field_missing/Article/authors") == 1
    assert "has no authors" in caplog.text


# --- losses: every request says what kind of page it fetches; crashes become counted losses --


def test_requests_carry_the_kind_of_page_they_fetch():
    spider, _ = make_spider(base_url="http://127.0.0.1:8023/", pages="3")

    async def collect():
        return [request async for request in spider.start()]

    home, feed = asyncio.run(collect())
    assert home.meta["newsbot_kind"] == "home"
    assert feed.meta["newsbot_kind"] == "feed"
    sections, _ = split(spider.parse_home(response_for("home-2023")))
    assert {r.meta["newsbot_kind"] for r in sections} == {"list"}
    requests, _ = split(
        spider.parse_section(response_for("list-2023-national"), section="National", page_number=1)
    )
    kinds = {r.url: r.meta["newsbot_kind"] for r in requests}
    assert kinds.pop("https://www.koreaherald.com/list.php?ct=020100000000&np=2&mp=1") == "list"
    assert set(kinds.values()) == {"article"}
    article = next(r for r in requests if r.callback == spider.parse_article)
    assert article.meta["newsbot_article_id"] == article.url.rsplit("=", 1)[1]


def test_json_at_an_article_url_is_a_lost_page_not_a_crash(caplog):
    url = "https://www.koreaherald.com/view.php?ud=20230911000813"
    request = Request(url, meta={"newsbot_kind": "article"})
    response = TextResponse(
        url=url,
        body=b'{"moved": true}',
        headers={"Content-Type": "application/json"},
        request=request,
    )
    spider, stats = make_spider()
    with caplog.at_level(logging.WARNING):
        results = list(spider.parse_article(response, section=None))
    assert results == []
    assert stats.get_value("newsbot/lost/article/not_html") == 1
    assert stats.get_value("newsbot/lost_pages") == [
        {"url": url, "kind": "article", "reason": "not_html"}
    ]
    assert url in caplog.text


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("article", TypeError("'NoneType' object is not subscriptable")),
        ("list", RecursionError("maximum recursion depth exceeded")),
        ("home", ValueError("bad value")),
    ],
)
def test_a_crash_in_a_callback_is_a_counted_parse_error(kind, error, caplog):
    from newsbot.callback_errors import CallbackErrors

    spider, stats = make_spider()
    middleware = CallbackErrors.from_crawler(spider.crawler)
    response = response_for("article-2023-reference")
    response.request.meta["newsbot_kind"] = kind
    with caplog.at_level(logging.WARNING):
        result = middleware.process_spider_exception(response, error)
    assert list(result) == []  # handled: no spider traceback, the crawl goes on
    name = type(error).__name__
    assert stats.get_value(f"newsbot/lost/{kind}/parse_error/{name}") == 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any(response.url in r.getMessage() and name in r.getMessage() for r in warnings)
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)


def test_callback_errors_middleware_is_enabled():
    from scrapy.utils.project import get_project_settings

    middlewares = get_project_settings().getdict("SPIDER_MIDDLEWARES")
    assert "newsbot.callback_errors.CallbackErrors" in middlewares


def coverage_of(stats) -> dict[str, int]:
    prefix = "newsbot/coverage/Article/"
    return {k.removeprefix(prefix): v for k, v in stats.get_stats().items() if k.startswith(prefix)}


def test_coverage_counts_a_page_dropped_for_a_missing_field():
    spider, stats = make_spider()
    list(spider.parse_article(response_for("article-2023-no-title"), section="National"))
    _, items = split(
        spider.parse_article(response_for("article-2023-reference"), section="National")
    )
    assert len(items) == 1
    assert coverage_of(stats) == {
        "pages": 2, "title": 1, "published_at": 2, "authors": 2, "body": 2, "section": 2,
    }  # fmt: skip


def test_coverage_counts_the_section_a_page_names_and_the_crawl_fills_the_gap():
    html = (FIXTURES / "koreaherald" / "article-current-jsonld" / "page.html").read_text()
    unmarked = html.replace('<li class="on">', "<li>")
    url = load_fixture(FIXTURES / "koreaherald" / "article-current-jsonld").meta["url"]
    spider, stats = make_spider()
    sections = []
    for page in (html, unmarked):
        response = HtmlResponse(url=url, body=page.encode(), encoding="utf-8", request=Request(url))
        _, items = split(spider.parse_article(response, section="National"))
        sections.append(items[0].section)
    assert sections == ["Business", "National"]  # the page's own, else the crawl's
    assert coverage_of(stats)["pages"] == 2
    assert coverage_of(stats)["section"] == 1


def test_sections_crawled_and_articles_seen_are_counted():
    spider, stats = make_spider(pages="3")
    for page_number in (1, 2):  # the section's first list page, then its second
        split(
            spider.parse_section(
                response_for("list-2023-national"), section="National", page_number=page_number
            )
        )
    assert stats.get_value("newsbot/sections/crawled") == 1
    assert stats.get_value("newsbot/articles/seen") == 6


# --- discovery: the generic fallback, feeds, each article once -------------------------------


class FixedLayout(GenericLayout):
    """Stands in for the generic extractor, tested on its own: a fixed article per page."""

    def parse_article(self, page, section):
        article_id = page.url.rsplit("/", 1)[1]
        return Article(  # the canonical link names the site's own host, as pages do
            url=f"https://www.koreaherald.com/article/{article_id}", article_id=article_id,
            site="koreaherald",
            layout="generic", title="T", body="B", section=section or "Business",
            authors=["A"], crawled_at=page.crawled_at,
        )  # fmt: skip


class FallbackHerald(KoreaHerald):
    @property
    def fallback_layout(self):
        return FixedLayout(self)


def html_response(url: str, html: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8", request=Request(url))


UNKNOWN_ARTICLE = "<html><body><main><h1>Redesigned</h1><p>Text.</p></main></body></html>"


def test_article_of_unknown_layout_is_read_generically_and_counted_as_drift(caplog, monkeypatch):
    spider, stats = make_spider()
    monkeypatch.setattr(spider, "site", FallbackHerald())
    url = "https://www.koreaherald.com/article/10612345"
    with caplog.at_level(logging.WARNING):
        _, items = split(spider.parse_article(html_response(url, UNKNOWN_ARTICLE), "National"))
    assert [(i.article_id, i.layout, i.section) for i in items] == [
        ("10612345", "generic", "National")
    ]
    assert stats.get_value("newsbot/layout_unknown/article") == 1
    assert stats.get_value("newsbot/articles/generic") == 1
    assert stats.get_value("newsbot/coverage/Article/pages") == 1
    assert "no known article layout" in caplog.text


def test_an_article_read_generically_on_a_mirror_keeps_the_mirrors_host(monkeypatch):
    spider, _ = make_spider(base_url="http://127.0.0.1:8023")
    monkeypatch.setattr(spider, "site", FallbackHerald())
    url = "http://127.0.0.1:8023/article/10612345"
    _, items = split(spider.parse_article(html_response(url, UNKNOWN_ARTICLE), "National"))
    assert [(i.url, i.article_id) for i in items] == [(url, "10612345")]


def test_article_the_generic_reading_fails_on_is_a_counted_parse_failure(caplog):
    spider, stats = make_spider()
    url = "https://www.koreaherald.com/article/10612345"
    empty = "<html><head></head><body></body></html>"  # nothing any extractor could read
    with caplog.at_level(logging.WARNING):
        results = list(spider.parse_article(html_response(url, empty), section=None))
    assert results == []
    assert stats.get_value("newsbot/layout_unknown/article") == 1
    assert stats.get_value("newsbot/parse_failed/Article/missing_title") == 1
    assert stats.get_value("newsbot/articles/generic") is None


def feed_response(url: str, items: str) -> TextResponse:
    body = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>KH</title>
    {items}</channel></rss>""".encode()
    return TextResponse(
        url=url, body=body, headers={"Content-Type": "application/rss+xml"}, request=Request(url)
    )


def rss_item(article_id: str, when: str, *categories: str) -> str:
    tags = "".join(f"<category>{c}</category>" for c in categories)
    return (
        f"<item><title>{article_id}</title>"
        f"<link>https://www.koreaherald.com/article/{article_id}</link>"
        f"<pubDate>{when}</pubDate>{tags}</item>"
    )


NEWS_ALL = "".join(
    [
        rss_item("10000001", "Mon, 17 Nov 2025 21:44:23 +09:00", "National"),
        rss_item("10000002", "Mon, 17 Nov 2025 00:30:00 +09:00", "Business"),  # 16 Nov UTC
        rss_item("10000003", "Sun, 16 Nov 2025 23:59:00 +09:00"),
        rss_item("10000004", "Sat, 15 Nov 2025 10:00:00 +09:00", "National"),
        "<item><title>Section</title><link>https://www.koreaherald.com/National</link></item>",
    ]
)


def test_feed_entries_become_article_requests_rebased_onto_the_crawled_host():
    spider, stats = make_spider(base_url="http://127.0.0.1:8023")
    requests, items = split(
        spider.parse_feed(feed_response("http://127.0.0.1:8023/rss/newsAll", NEWS_ALL), None)
    )
    assert items == []
    assert [(r.url, r.cb_kwargs["section"], r.meta["newsbot_kind"]) for r in requests] == [
        ("http://127.0.0.1:8023/article/10000001", "National", "article"),
        ("http://127.0.0.1:8023/article/10000002", "Business", "article"),
        ("http://127.0.0.1:8023/article/10000003", None, "article"),
        ("http://127.0.0.1:8023/article/10000004", "National", "article"),
    ]
    assert stats.get_value("newsbot/feeds/read") == 1
    assert stats.get_value("newsbot/feeds/entries") == 5
    assert stats.get_value("newsbot/feeds/not_articles") == 1
    assert stats.get_value("newsbot/discovered/feeds") == 4


def test_feed_entries_obey_since_in_the_sites_time_zone():
    spider, stats = make_spider(since="2025-11-17")
    requests, _ = split(
        spider.parse_feed(feed_response("https://www.koreaherald.com/rss/newsAll", NEWS_ALL), None)
    )
    # 00:30 on 17 Nov in Seoul is still 17 Nov there, though 16 Nov in UTC.
    assert [r.url.rsplit("/", 1)[1] for r in requests] == ["10000001", "10000002"]
    assert stats.get_value("newsbot/feeds/older_than_since") == 2


def test_sections_filter_feed_entries_by_category_then_by_the_article_page():
    spider, stats = make_spider(sections="national")
    requests, _ = split(
        spider.parse_feed(feed_response("https://www.koreaherald.com/rss/newsAll", NEWS_ALL), None)
    )
    assert [(r.url.rsplit("/", 1)[1], r.cb_kwargs) for r in requests] == [
        ("10000001", {"section": "National"}),
        # No category and a feed of every section: the page will tell.
        ("10000003", {"section": None, "check_section": True}),
        ("10000004", {"section": "National"}),
    ]
    assert stats.get_value("newsbot/feeds/out_of_section") == 1


def test_an_article_whose_page_names_another_section_is_dropped(monkeypatch):
    spider, stats = make_spider(sections="National")
    monkeypatch.setattr(spider, "site", FallbackHerald())  # its pages say "Business"
    url = "https://www.koreaherald.com/article/10000003"
    response = html_response(url, UNKNOWN_ARTICLE)
    assert list(spider.parse_article(response, None, check_section=True)) == []
    assert stats.get_value("newsbot/articles/out_of_section") == 1
    # Found in a National list instead, the same page is kept: the list said where it was.
    assert len(list(spider.parse_article(response, "National"))) == 1


def test_a_per_section_feed_names_the_section_of_its_entries():
    spider, stats = make_spider(sections="Business")
    feed = feed_response("https://www.koreaherald.com/rss/kh_National", NEWS_ALL)
    requests, _ = split(spider.parse_feed(feed, "National"))
    # Only the entry whose own category is Business; the rest are National by their feed.
    assert [(r.url.rsplit("/", 1)[1], r.cb_kwargs) for r in requests] == [
        ("10000002", {"section": "Business"})
    ]
    assert stats.get_value("newsbot/feeds/out_of_section") == 3
    spider, _ = make_spider(sections="National")
    requests, _ = split(spider.parse_feed(feed, "National"))
    assert {r.cb_kwargs["section"] for r in requests} == {"National"}
    assert len(requests) == 4


def test_an_article_found_in_a_feed_and_a_list_is_requested_once():
    spider, stats = make_spider()
    listed, _ = split(
        spider.parse_section(response_for("list-2023-national"), section="National", page_number=1)
    )
    listed_articles = [r for r in listed if r.callback == spider.parse_article]
    first = listed_articles[0].url.rsplit("=", 1)[1]
    item = (
        f"<item><title>x</title><link>https://www.koreaherald.com/view.php?ud={first}&amp;kr=1"
        "</link></item>"
    )
    requests, _ = split(
        spider.parse_feed(feed_response("https://www.koreaherald.com/rss/newsAll", item), None)
    )
    assert requests == []
    assert stats.get_value("newsbot/articles/already_requested") == 1


@pytest.mark.parametrize(
    "body", [b"", b"<html><body>Not found</body></html>", b"<rss version='2.0'><channel><item>"]
)
def test_a_feed_that_is_not_a_feed_is_reported(body, caplog):
    url = "https://www.koreaherald.com/rss/newsAll"
    response = TextResponse(url=url, body=body, request=Request(url))
    spider, stats = make_spider()
    with caplog.at_level(logging.WARNING):
        assert split(spider.parse_feed(response, None)) == ([], [])
    assert stats.get_value("newsbot/feeds/unreadable") == 1
    assert stats.get_value("newsbot/feeds/read") is None
    assert "unreadable feed" in caplog.text


def test_a_feed_without_entries_is_reported(caplog):
    spider, stats = make_spider()
    with caplog.at_level(logging.WARNING):
        feed = feed_response("https://www.koreaherald.com/rss/Business", "")
        assert split(spider.parse_feed(feed, None)) == ([], [])
    assert stats.get_value("newsbot/feeds/read") == 1
    assert stats.get_value("newsbot/feeds/empty") == 1
    assert "lists no entry" in caplog.text


def test_home_follows_the_feeds_it_advertises_once():
    html = """<html><head>
    <link rel="alternate" type="application/rss+xml" href="/rss/kh_National">
    <link rel="alternate" type="application/atom+xml" href="/rss/newsAll">
    </head><body><nav><a href="/National">National</a></nav></body></html>"""
    spider, _ = make_spider(popular="skip")

    async def collect():
        return [request async for request in spider.start()]

    started = asyncio.run(collect())
    requests, _ = split(spider.parse_home(html_response("https://www.koreaherald.com/", html)))
    feeds = [r for r in started + requests if r.meta["newsbot_kind"] == "feed"]
    assert [(r.url, r.cb_kwargs["section"]) for r in feeds] == [
        ("https://www.koreaherald.com/rss/newsAll", None),
        ("https://www.koreaherald.com/rss/kh_National", "National"),
    ]
    sections = [r for r in requests if r.meta["newsbot_kind"] == "list"]
    assert [r.url for r in sections] == ["https://www.koreaherald.com/National"]
