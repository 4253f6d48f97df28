"""Monitoring: a normal crawl passes every check; a drifted layout fails them, naming the field
whose coverage dropped and the pages no layout recognises."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from newsbot.replica.server import serving
from newsbot.storage import open_store
from newsbot.storage.models import CrawlRunRow
from tests.crawling import crawl

pytestmark = pytest.mark.e2e

CHECKS = {
    "Finish Reason Monitor/Should have the expected finished reason(s)",
    "Error Count Monitor/test_stat_monitor",
    "Extracted Items Monitor/test_stat_monitor",
    "Field coverage/Fields users rely on are filled",
    "Unrecognised pages/Pages are understood",
    "Validation rejects/Items pass validation",
}


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


def test_drifted_layout_fails_with_the_field_and_the_pages_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with serving("2023", articles=300, drift=True) as server:
        result = crawl(server, tmp_path, "-a", "pages=100", database_url=url)
    corpus = server.replica.corpus
    renamed = sum(1 for a in corpus.articles if int(a.article_id) % 4 == 0)
    parsed = len(corpus.articles) - renamed
    assert 0 < renamed < len(corpus.articles)
    assert len(result.articles) == parsed

    report = report_of(result)
    assert report["status"] == "failed"
    failed = {c["check"]: c["message"] for c in report["checks"] if c["status"] == "FAILED"}
    assert set(failed) == {
        "Field coverage/Fields users rely on are filled",
        "Unrecognised pages/Pages are understood",
    }
    assert failed["Field coverage/Fields users rely on are filled"] == (
        f"field coverage dropped: Article.authors filled in 0% of {parsed} items "
        "(expected at least 90%)"
    )
    assert failed["Unrecognised pages/Pages are understood"] == (
        f"{renamed} page(s) not understood (allowed 0): layout_unknown/article: {renamed}"
    )
    assert result.stats["newsbot/monitors/status"] == "failed"
    stored = stored_run_stats(url)
    assert stored["newsbot/monitors/status"] == "failed"
    assert len(stored["newsbot/monitors/failures"]) == 2
    assert "Monitor failed: Field coverage" in result.log


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

    stats = {"newsbot/layout_unknown/list": 1, "newsbot/popular/not_found": 1}
    assert run_monitor(UnrecognisedPagesMonitor, stats) == (
        "FAIL",
        "2 page(s) not understood (allowed 0): layout_unknown/list: 1, popular/not_found: 1",
    )
    assert run_monitor(UnrecognisedPagesMonitor, {"newsbot/articles/2023": 5})[0] == "OK"


def test_field_coverage_monitor_judges_only_item_types_the_crawl_produced():
    from newsbot import settings
    from newsbot.monitors import FieldCoverageMonitor

    rules = {"NEWSBOT_FIELD_COVERAGE": settings.NEWSBOT_FIELD_COVERAGE}  # the shipped rules

    base = {"spidermon_item_scraped_count/Article": 10}
    full = {f"spidermon_item_scraped_count/Article/{f}": 10 for f in
            ("title", "published_at", "body", "authors")}  # fmt: skip
    assert run_monitor(FieldCoverageMonitor, {**base, **full}, **rules)[0] == "OK"
    thin = {**base, **full, "spidermon_item_scraped_count/Article/authors": 8}
    assert run_monitor(FieldCoverageMonitor, thin, **rules) == (
        "FAIL",
        "field coverage dropped: Article.authors filled in 80% of 10 items (expected at least 90%)",
    )
    assert (
        run_monitor(FieldCoverageMonitor, {"spidermon_item_scraped_count/PopularRank": 10})[0]
        == "OK"
    )
