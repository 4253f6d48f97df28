"""Monitoring: a normal crawl passes every check; a drifted layout fails them, naming the field
whose coverage dropped and the pages no layout recognises."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from newsbot.replica.common import PAGE_SIZE
from newsbot.replica.server import Response, serving
from newsbot.storage import open_store
from newsbot.storage.models import CrawlRunRow
from tests.crawling import crawl

pytestmark = pytest.mark.e2e

CHECKS = {
    "Finish Reason Monitor/Should have the expected finished reason(s)",
    "Error Count Monitor/test_stat_monitor",
    "Articles found/Section lists show articles",
    "Field coverage/Fields users rely on are filled",
    "Unrecognised pages/Pages are understood",
    "Layout drift/Pages are read by their site's layouts",
    "Canaries/Stored articles can be read again",
    "Lost pages/No page is lost",
    "Validation rejects/Items pass validation",
}
COVERAGE = "Field coverage/Fields users rely on are filled"
UNRECOGNISED = "Unrecognised pages/Pages are understood"
FOUND = "Articles found/Section lists show articles"
DRIFT = "Layout drift/Pages are read by their site's layouts"
# A small crawl of one section's first list page: enough for every rule, cheap on CPU.
SMALL = ("-a", "pages=1", "-a", "sections=National", "-a", "popular=skip")


def report_of(result) -> dict:
    [path] = (result.out / "koreaherald").glob("report-*.json")
    return json.loads(path.read_text())


def stored_run_stats(database_url: str) -> dict:
    store = open_store(database_url)
    with store.engine.connect() as connection:
        stats = connection.execute(select(CrawlRunRow.stats)).scalar_one()
    store.close()
    return stats


def test_normal_crawl_passes_every_check(replica_2023, tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = crawl(replica_2023, tmp_path, "-a", "pages=100", database_url=url)
    report = report_of(result)
    assert report["status"] == "passed"
    assert {c["check"] for c in report["checks"]} == CHECKS
    assert {c["status"] for c in report["checks"]} <= {"OK", "SKIPPED"}
    assert result.stats["newsbot/monitors/status"] == "passed"
    assert stored_run_stats(url)["newsbot/monitors/status"] == "passed"
    # Spidermon's own field counts leave out fields set to None: some headlines have a kicker.
    articles = result.stats["spidermon_item_scraped_count/Article"]
    assert 0 < result.stats["spidermon_item_scraped_count/Article/kicker"] < articles
    assert result.stats["newsbot/coverage/Article/pages"] == articles == len(result.articles)


def test_drifted_layout_fails_with_the_field_and_the_pages_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with serving("2023", articles=300, drift=True) as server:
        result = crawl(server, tmp_path, "-a", "pages=100", database_url=url)
    corpus = server.replica.corpus
    renamed = sum(1 for a in corpus.articles if int(a.article_id) % 4 == 0)
    parsed = len(corpus.articles) - renamed
    assert 0 < renamed < len(corpus.articles)
    # Pages no layout recognises are read generically: stored, or counted as failed.
    assert result.stats["newsbot/articles/2023"] == parsed
    generic = result.stats.get("newsbot/articles/generic", 0)
    failed_generic = sum(
        v for k, v in result.stats.items() if k.startswith("newsbot/parse_failed/")
    )
    assert generic + failed_generic == renamed
    assert len(result.articles) == parsed + generic

    report = report_of(result)
    assert report["status"] == "failed"
    failed = {c["check"]: c["message"] for c in report["checks"] if c["status"] == "FAILED"}
    # The generic reading may fail on some pages: those are holes, and named as such.
    assert {COVERAGE, DRIFT} <= set(failed) <= {COVERAGE, DRIFT, UNRECOGNISED}
    assert failed[DRIFT] == (
        f"{renamed} pages read by the generic extractor (layout drift?): {renamed} article page(s)"
    )
    assert report["layout_drift"] == {"article": renamed}
    if UNRECOGNISED in failed:
        assert "layout_unknown" not in failed[UNRECOGNISED]
        assert failed[UNRECOGNISED].startswith(f"{failed_generic} page(s) not understood")
    # The byline moved on every page: the 2023 layout reads none of them.
    assert failed[COVERAGE].startswith("field coverage dropped: ")
    assert "Article.authors filled on" in failed[COVERAGE]
    assert f"of {len(corpus.articles)} article pages parsed" in failed[COVERAGE]
    assert result.stats["newsbot/monitors/status"] == "failed"
    stored = stored_run_stats(url)
    assert stored["newsbot/monitors/status"] == "failed"
    assert len(stored["newsbot/monitors/failures"]) == len(failed)
    assert "Monitor failed: Field coverage" in result.log


DRIFTS = {
    # drift: (layout, the checks that fail, the field coverage names)
    None: ("2023", set(), None),
    "title": ("2023", {COVERAGE, UNRECOGNISED}, "title"),
    "published_at": ("2023", {COVERAGE, UNRECOGNISED}, "published_at"),
    "body": ("2023", {COVERAGE, UNRECOGNISED}, "body"),
    "authors": ("2023", {COVERAGE}, "authors"),
    "list": ("2023", {UNRECOGNISED, FOUND}, None),
    "section": ("current", {COVERAGE}, "section"),
    "current": ("current", set(), None),  # the control crawl of the current layout
}


@pytest.mark.parametrize("drift", DRIFTS, ids=[str(d) for d in DRIFTS])
def test_each_rule_fails_on_a_crawl_of_a_replica_drifted_for_it(drift, tmp_path):
    from newsbot import settings

    layout, failing, field = DRIFTS[drift]
    served = drift if drift not in (None, "current") else False
    with serving(layout, articles=30, drift=served) as server:
        result = crawl(server, tmp_path, *SMALL)
    corpus = server.replica.corpus
    listed = len(corpus.in_section("National")[:PAGE_SIZE])
    report = report_of(result)
    failed = {c["check"]: c["message"] for c in report["checks"] if c["status"] == "FAILED"}
    assert set(failed) == failing, failed
    assert result.stats["newsbot/monitors/status"] == ("failed" if failing else "passed")
    if drift != "list":
        assert result.stats["newsbot/coverage/Article/pages"] == listed
    if field:
        minimum = settings.NEWSBOT_FIELD_COVERAGE[f"Article/{field}"]
        assert failed[COVERAGE] == (
            f"field coverage dropped: Article.{field} filled on 0% of {listed} article pages "
            f"parsed (expected at least {minimum:.0%})"
        )
    if drift == "list":
        assert failed[UNRECOGNISED] == "1 page(s) not understood (allowed 0): list_empty: 1"
        assert failed[FOUND] == "1 section(s) crawled, but their list pages showed no article"


def test_a_quiet_rerun_passes(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with serving("2023", articles=30) as server:
        first = crawl(server, tmp_path / "first", *SMALL, database_url=url)
        again = crawl(server, tmp_path / "again", *SMALL, database_url=url)
    assert first.stats["newsbot/monitors/status"] == "passed"
    assert first.articles
    assert again.articles == []
    assert again.stats["newsbot/articles/skipped_known"] == len(first.articles)
    # Only the stored articles re-read as canaries are parsed, and judged: they pass.
    assert again.stats["newsbot/coverage/Article/pages"] == again.stats["newsbot/canary/parsed"]
    assert again.stats["newsbot/canary/parsed"] > 0
    assert again.stats["newsbot/monitors/status"] == "passed", report_of(again)


def test_a_crawl_whose_retries_succeed_passes(tmp_path):
    """A page that answers 500 once and then 200 is not an error: the crawl passes."""
    with serving("2023", articles=30) as server:
        replica = server.replica
        list_path = "/list.php"
        article_path = replica.corpus.article_path(
            replica.corpus.in_section("National")[0].article_id
        )
        answered: set[str] = set()
        serve = replica.handle

        def fail_once(target: str) -> Response:
            key = target if target.startswith(article_path) else urlsplit(target).path
            if key in (list_path, article_path) and key not in answered:
                answered.add(key)
                return Response(500, b"<html><body>Internal Server Error</body></html>")
            return serve(target)

        replica.handle = fail_once  # type: ignore[method-assign]
        result = crawl(server, tmp_path, *SMALL)
    assert answered == {list_path, article_path}
    assert result.stats["retry/count"] == 2
    assert len(result.articles) == len(replica.corpus.in_section("National")[:PAGE_SIZE])
    assert " ERROR: " not in result.log
    assert result.stats["newsbot/monitors/status"] == "passed", report_of(result)


def run_monitor(monitor, stats: dict, **settings) -> tuple[str, str | None]:
    """Run one of newsbot's monitors on given stats, as Spidermon does at close."""
    from scrapy.utils.test import get_crawler
    from spidermon import MonitorSuite
    from spidermon.contrib.scrapy.runners import SpiderMonitorRunner

    from newsbot.spiders.koreaherald import KoreaHeraldSpider

    class Suite(MonitorSuite):
        monitors = [monitor]  # noqa: RUF012 - Spidermon's declaration style

    crawler = get_crawler(KoreaHeraldSpider, {"NEWSBOT_STORE_ENABLED": False, **settings})
    spider = KoreaHeraldSpider.from_crawler(crawler)
    result = SpiderMonitorRunner(spider=spider).run(
        Suite(crawler=crawler), stats=stats, stats_history=[], crawler=crawler,
        spider=spider, sc_spider_name=spider.name, job=None,
    )  # fmt: skip
    [outcome] = result.monitor_results
    return outcome.status, outcome.reason


def test_rejects_monitor_fails_above_its_allowance():
    from newsbot.monitors import RejectsMonitor

    stats = {"newsbot/invalid/Article": 2, "newsbot/invalid/Article/missing_title": 2}
    assert run_monitor(RejectsMonitor, stats) == (
        "FAIL",
        "2 item(s) rejected (allowed 0): Article/missing_title: 2",
    )
    assert run_monitor(RejectsMonitor, stats, NEWSBOT_MAX_REJECTS=2)[0] == "OK"
    assert run_monitor(RejectsMonitor, {"item_scraped_count": 3})[0] == "OK"


def test_unrecognised_pages_monitor_counts_every_kind():
    from newsbot.monitors import UnrecognisedPagesMonitor

    stats = {
        "newsbot/feeds/empty": 1,
        "newsbot/feeds/unreadable": 1,
        "newsbot/popular/not_found": 1,
        "newsbot/list_empty": 2,
        "newsbot/teasers/undated": 3,
        "newsbot/layout_unknown/list": 1,  # read generically: drift, not a hole
    }
    assert run_monitor(UnrecognisedPagesMonitor, stats) == (
        "FAIL",
        "8 page(s) not understood (allowed 0): feeds/empty: 1, feeds/unreadable: 1, "
        "list_empty: 2, "
        "popular/not_found: 1, teasers/undated: 3",
    )
    drift_only = {"newsbot/layout_unknown/article": 4, "newsbot/articles/generic": 4}
    assert run_monitor(UnrecognisedPagesMonitor, drift_only)[0] == "OK"
    assert run_monitor(UnrecognisedPagesMonitor, {"newsbot/list_empty": 1})[0] == "FAIL"
    assert run_monitor(UnrecognisedPagesMonitor, {"newsbot/teasers/undated": 1})[0] == "FAIL"
    assert run_monitor(UnrecognisedPagesMonitor, {"newsbot/articles/2023": 5})[0] == "OK"


def test_layout_drift_monitor_names_the_pages_read_generically():
    from newsbot.monitors import LayoutDriftMonitor

    stats = {
        "newsbot/layout_unknown/article": 3,
        "newsbot/articles/generic": 3,
        "newsbot/layout_unknown/list": 2,
        "newsbot/lists/generic": 2,
    }
    assert run_monitor(LayoutDriftMonitor, stats) == (
        "FAIL",
        "5 pages read by the generic extractor (layout drift?): 3 article page(s), 2 list page(s)",
    )
    assert run_monitor(LayoutDriftMonitor, stats, NEWSBOT_MAX_DRIFTED_PAGES=5)[0] == "OK"
    # The news spider reads every page generically by design: no layout_unknown counted.
    normal = {"newsbot/articles/generic": 40, "newsbot/lists/generic": 6}
    assert run_monitor(LayoutDriftMonitor, normal)[0] == "OK"


def coverage(pages: int, **filled: int) -> dict[str, int]:
    fields = ("title", "published_at", "body", "authors", "section")
    counts = {f"newsbot/coverage/Article/{name}": filled.get(name, pages) for name in fields}
    return {"newsbot/coverage/Article/pages": pages, **counts}


def test_field_coverage_monitor_measures_the_article_pages_parsed():
    from newsbot import settings
    from newsbot.monitors import FieldCoverageMonitor

    rules = {"NEWSBOT_FIELD_COVERAGE": settings.NEWSBOT_FIELD_COVERAGE}  # the shipped rules
    assert run_monitor(FieldCoverageMonitor, coverage(10), **rules)[0] == "OK"
    assert run_monitor(FieldCoverageMonitor, coverage(10, authors=8), **rules) == (
        "FAIL",
        "field coverage dropped: Article.authors filled on 80% of 10 article pages parsed "
        "(expected at least 90%)",
    )
    # Pages dropped for a missing title count: the items Spidermon saw all had one.
    dropped = {**coverage(10, title=7), "spidermon_item_scraped_count/Article": 7,
               "spidermon_item_scraped_count/Article/title": 7}  # fmt: skip
    assert run_monitor(FieldCoverageMonitor, dropped, **rules) == (
        "FAIL",
        "field coverage dropped: Article.title filled on 70% of 10 article pages parsed "
        "(expected at least 100%)",
    )
    for field in ("title", "published_at", "body", "authors", "section"):
        status, reason = run_monitor(FieldCoverageMonitor, coverage(4, **{field: 1}), **rules)
        assert status == "FAIL", field
        assert f"Article.{field} filled on 25% of 4" in reason
    # No article page parsed (a quiet re-run, a popular=only crawl): nothing to judge.
    assert run_monitor(FieldCoverageMonitor, {"spidermon_item_scraped_count/PopularRank": 10},
                       **rules)[0] == "OK"  # fmt: skip


def test_lost_pages_monitor_sums_every_reason_and_names_the_pages():
    from newsbot.monitors import LostPagesMonitor

    lost = [
        {"url": "http://127.0.0.1/view.php?ud=1", "kind": "article", "reason": "http_404"},
        {"url": "http://127.0.0.1/view.php?ud=2", "kind": "article", "reason": "http_404"},
        {"url": "http://127.0.0.1/list.php?ct=1", "kind": "list", "reason": "timeout"},
        {
            "url": "http://127.0.0.1/view.php?ud=3",
            "kind": "article",
            "reason": "parse_error/TypeError",
        },
        {"url": "http://127.0.0.1/view.php?ud=4", "kind": "article", "reason": "too_large"},
        {"url": "http://127.0.0.1/view.php?ud=5", "kind": "article", "reason": "too_large"},
    ]
    stats = {
        "newsbot/lost/article/http_404": 2,
        "newsbot/lost/list/timeout": 1,
        "newsbot/lost/article/parse_error/TypeError": 1,
        "newsbot/lost/article/too_large": 2,
        "newsbot/lost_pages": lost,
        "newsbot/skipped/robots": 4,  # not a loss
    }
    assert run_monitor(LostPagesMonitor, stats) == (
        "FAIL",
        "6 page(s) lost (allowed 0): article/http_404: 2, article/parse_error/TypeError: 1, "
        "article/too_large: 2, list/timeout: 1; first: "
        "http://127.0.0.1/view.php?ud=1 (article, http_404), "
        "http://127.0.0.1/view.php?ud=2 (article, http_404), "
        "http://127.0.0.1/list.php?ct=1 (list, timeout), "
        "http://127.0.0.1/view.php?ud=3 (article, parse_error/TypeError), "
        "http://127.0.0.1/view.php?ud=4 (article, too_large) and 1 more",
    )
    assert run_monitor(LostPagesMonitor, stats, NEWSBOT_MAX_LOST_PAGES=6)[0] == "OK"
    assert run_monitor(LostPagesMonitor, {"newsbot/lost/home/dns": 1}) == (
        "FAIL",
        "1 page(s) lost (allowed 0): home/dns: 1",
    )
    assert run_monitor(LostPagesMonitor, {"newsbot/skipped/robots": 3})[0] == "OK"


def test_articles_found_monitor_fails_when_section_lists_show_nothing():
    from newsbot.monitors import ArticlesFoundMonitor

    assert run_monitor(ArticlesFoundMonitor, {"newsbot/sections/crawled": 2}) == (
        "FAIL",
        "2 section(s) crawled, but their list pages showed no article",
    )
    seen = {"newsbot/sections/crawled": 2, "newsbot/articles/seen": 30}
    assert run_monitor(ArticlesFoundMonitor, seen)[0] == "OK"
    # popular=only follows no section: not judged, however many Most Popular items it got.
    assert run_monitor(ArticlesFoundMonitor, {"item_scraped_count": 10})[0] == "OK"


def test_spidermon_coverage_does_not_count_none_as_filled():
    from newsbot import settings

    assert settings.SPIDERMON_FIELD_COVERAGE_SKIP_NONE is True
    assert set(settings.NEWSBOT_FIELD_COVERAGE) == {
        f"Article/{name}" for name in ("title", "published_at", "body", "authors", "section")
    }


def test_the_report_lists_the_lost_pages(tmp_path):
    from scrapy.utils.test import get_crawler
    from spidermon.contrib.scrapy.runners import SpiderMonitorRunner

    from newsbot import settings
    from newsbot.monitors import CloseMonitorSuite
    from newsbot.spiders.koreaherald import KoreaHeraldSpider

    lost = [{"url": "http://127.0.0.1/view.php?ud=1", "kind": "article", "reason": "http_410"}]
    shipped = {k: getattr(settings, k) for k in dir(settings) if k.startswith("SPIDERMON_")}
    crawler = get_crawler(KoreaHeraldSpider, {
        **shipped,
        "NEWSBOT_STORE_ENABLED": False,
        "NEWSBOT_REPORT_FILE": str(tmp_path / "report-%(time)s.json"),
    })  # fmt: skip
    spider = KoreaHeraldSpider.from_crawler(crawler)
    crawler.stats.set_value("finish_reason", "finished")
    crawler.stats.set_value("newsbot/lost/article/http_410", 1)
    crawler.stats.set_value("newsbot/lost_pages", lost)
    stats = crawler.stats.get_stats()
    SpiderMonitorRunner(spider=spider).run(
        CloseMonitorSuite(crawler=crawler), stats=stats, stats_history=[], crawler=crawler,
        spider=spider, sc_spider_name=spider.name, job=None,
    )  # fmt: skip
    [path] = tmp_path.glob("report-*.json")
    report = json.loads(path.read_text())
    assert report["status"] == "failed"
    assert report["lost_pages"] == lost


def test_canaries_monitor_fails_when_most_stored_articles_cannot_be_read_again():
    from newsbot.monitors import CanariesMonitor

    # One stored article of three removed by the site: a removal, not a change of the site.
    one_removed = {"newsbot/canary/requested": 3, "newsbot/canary/lost/http_404": 1}
    assert run_monitor(CanariesMonitor, one_removed)[0] == "OK"
    # Every stored article re-read answers 404: the site moved its article URLs.
    moved = {
        "newsbot/canary/requested": 18,
        "newsbot/canary/lost/http_404": 16,
        "newsbot/canary/lost/http_500": 2,
    }
    assert run_monitor(CanariesMonitor, moved) == (
        "FAIL",
        "18 of 18 stored articles re-read as canaries could not be fetched (allowed 50%): "
        "http_404: 16, http_500: 2",
    )
    assert run_monitor(CanariesMonitor, moved, NEWSBOT_MAX_CANARY_LOST_SHARE=1.0)[0] == "OK"
    # Two of three is more than half: a small crawl is judged too.
    assert (
        run_monitor(CanariesMonitor, {**one_removed, "newsbot/canary/lost/http_404": 2})[0]
        == "FAIL"
    )
    # No canary (nothing stored yet, refresh=1, turned off): nothing to judge.
    assert run_monitor(CanariesMonitor, {"item_scraped_count": 3})[0] == "OK"
