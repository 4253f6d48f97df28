"""The crawl log is short and readable: start-up listings, the stats dump and Spidermon's
banners only at DEBUG, no "SKIPPED" on a clean run, a progress line while crawling, and a
summary at the end that says what the crawl stored and lost and why the monitors failed."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest

from newsbot.extensions.summary import DemoteToDebug, plain, summary_lines
from newsbot.replica.server import ReplicaServer, serving
from tests.crawling import Crawl, crawl
from tests.faults import serving_faults

DEMO_ARTICLES = 60
# A clean crawl of DEMO_ARTICLES articles logged 223 lines before; a person reads this many.
MAX_CLEAN_LINES = 30
SUMMARY = "[newsbot.summary] INFO: "


def summary_of(result: Crawl) -> list[str]:
    """The summary's lines, without their time and logger."""
    return [line.split(SUMMARY, 1)[1] for line in result.log.splitlines() if SUMMARY in line]


@pytest.fixture(scope="module")
def demo_site() -> Iterator[ReplicaServer]:
    with serving("2023", articles=DEMO_ARTICLES) as server:
        yield server


@pytest.mark.e2e
def test_clean_crawl_logs_a_short_log_ending_with_its_summary(demo_site, tmp_path):
    result = crawl(demo_site, tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    lines = result.log.splitlines()
    assert len(lines) < MAX_CLEAN_LINES, result.log
    for noise in ("SKIPPED", "Dumping Scrapy stats", "[Spidermon]", "setup plugin",
                  "spidermon_", "Enabled item pipelines", "Overridden settings"):  # fmt: skip
        assert noise not in result.log, noise
    # Every article of the demo site is new; its homepage ranks 10 stories.
    assert len(result.articles) == DEMO_ARTICLES
    assert len(demo_site.replica.corpus.popular_ids) == 10
    summary = summary_of(result)
    assert summary[0].startswith("Summary of koreaherald (finished in ")
    assert summary[0].endswith(
        f"{result.stats['response_received_count']} pages crawled; articles "
        f"{DEMO_ARTICLES} new, 0 revised, 0 known; 10 Most Popular ranks captured"
    )
    assert summary[1:4] == ["Lost no page", "Rejected 0 item(s)", "Monitors passed"]
    [articles_feed] = (result.out / "koreaherald").glob("articles-*.jsonl")
    [popular_feed] = (result.out / "koreaherald").glob("popular-*.jsonl")
    [report] = (result.out / "koreaherald").glob("report-*.json")
    assert summary[4] == (
        f"Files: feeds {articles_feed} ({DEMO_ARTICLES} items), {popular_feed} (10 items); "
        f"stats {result.out / 'stats.json'}; report {report}"
    )
    assert len(summary) == 5
    # The summary is the log's last word.
    assert lines[-1].endswith(summary[-1])
    # The error check passes on a clean run rather than skipping itself.
    checks = json.loads(report.read_text())["checks"]
    assert {c["status"] for c in checks} == {"OK"}
    # The full stats are in the stats file.
    assert result.stats["spidermon_item_scraped_count/Article"] == DEMO_ARTICLES


@pytest.mark.e2e
def test_debug_log_keeps_the_stats_dump_and_spidermons_lines(demo_site, tmp_path):
    result = crawl(demo_site, tmp_path, "-s", "LOG_LEVEL=DEBUG")
    assert result.returncode == 0
    assert "[newsbot.summary] DEBUG: Dumping Scrapy stats:" in result.log
    assert "'spidermon_item_scraped_count/Article': 60" in result.log
    assert "DEBUG: [Spidermon] Error Count Monitor/test_stat_monitor... OK" in result.log
    # A start-up listing demoted to DEBUG is still in a DEBUG log.
    assert "[scrapy.middleware] DEBUG: Enabled item pipelines:" in result.log
    assert "SKIPPED" not in result.log
    assert len(summary_of(result)) == 5


@pytest.mark.e2e
def test_crawl_with_losses_names_them_by_reason_and_the_failing_check(tmp_path):
    with serving_faults(articles=60) as server:
        corpus = server.faulty.corpus
        first, second, third = corpus.in_section("National")[:3]
        server.faulty.faults[corpus.article_path(first.article_id)] = "http_404"
        server.faulty.faults[corpus.article_path(second.article_id)] = "http_404"
        server.faulty.faults[corpus.article_path(third.article_id)] = "http_500"
        result = crawl(
            server, tmp_path,
            "-a", "sections=National", "-a", "pages=1", "-a", "popular=skip",
            "-s", "RETRY_TIMES=0",
        )  # fmt: skip
    summary = summary_of(result)
    assert "Lost 3 page(s) by reason: article/http_404: 2, article/http_500: 1" in summary
    [verdict] = [line for line in summary if line.startswith("Monitors ")]
    assert verdict.startswith("Monitors failed: Lost pages: 3 page(s) lost (allowed 0)")
    assert "test_" not in verdict
    assert "Expecting" not in verdict


@pytest.mark.e2e
def test_progress_line_during_a_long_crawl(tmp_path):
    with serving_faults(articles=60) as server:
        corpus = server.faulty.corpus
        slow = corpus.in_section("National")[0]
        server.faulty.faults[corpus.article_path(slow.article_id)] = "stall"  # answers after 4 s
        result = crawl(
            server, tmp_path,
            "-a", "sections=National", "-a", "pages=1", "-a", "popular=skip",
            "-s", "NEWSBOT_PROGRESS_INTERVAL=0.5",
        )  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]
    pattern = re.compile(
        r"INFO: Progress: (\d+) pages crawled \(\d+/min\), (\d+) articles stored, "
        r"(\d+) pages queued$"
    )
    progress = [m.groups() for m in map(pattern.search, result.log.splitlines()) if m]
    assert len(progress) >= 4, result.log  # the stalled page alone holds the crawl 4 s
    stored = [int(s) for _, s, _ in progress]
    assert stored == sorted(stored)
    assert 0 < stored[-1] <= result.stats["newsbot/saved/Article/new"]
    assert "Crawled " not in result.log  # Scrapy's own line is replaced, not doubled


def test_summary_of_hand_made_stats():
    stats = {
        "finish_reason": "finished",
        "elapsed_time_seconds": 12.4,
        "response_received_count": 40,
        "newsbot/saved/Article/new": 5,
        "newsbot/saved/Article/revised": 2,
        "newsbot/saved/Article/unchanged": 3,
        "newsbot/articles/skipped_known": 20,
        "newsbot/saved/PopularRank": 10,
        "newsbot/lost/article/timeout": 1,
        "newsbot/lost/list/http_503": 2,
        "newsbot/invalid/Article": 2,
        "newsbot/invalid/Article/title_too_long": 2,
        "newsbot/invalid/PopularRank": 1,
        "newsbot/invalid/PopularRank/bad_url": 1,
        "newsbot/monitors/status": "failed",
        "newsbot/monitors/failures": [
            "Error Count Monitor/test_stat_monitor: 1 error(s) logged (allowed 0): read the "
            "ERROR lines in the log",
            "Validation rejects/Items pass validation: 3 item(s) rejected (allowed 0): x",
        ],
    }
    assert summary_lines(stats, "koreaherald") == [
        "Summary of koreaherald (finished in 12s): 40 pages crawled; articles 5 new, "
        "2 revised, 23 known; 10 Most Popular ranks captured",
        "Lost 3 page(s) by reason: article/timeout: 1, list/http_503: 2",
        "Rejected 3 item(s)",
        "Monitors failed: Error Count Monitor: 1 error(s) logged (allowed 0): read the ERROR "
        "lines in the log; Validation rejects: 3 item(s) rejected (allowed 0): x",
    ]
    assert summary_lines({}, "x")[3] == "Monitors did not run"
    assert plain("Lost pages/No page is lost") == "Lost pages"


def test_demoted_records_leave_an_info_log_and_stay_in_a_debug_one():
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append  # type: ignore[method-assign]
    log = logging.getLogger("tests.test_log.demoted")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    log.addHandler(handler)
    log.addFilter(DemoteToDebug(("noise",)))
    log.info("noise: a listing")
    log.warning("signal")
    assert [r.getMessage() for r in records] == ["signal"]
    handler.setLevel(logging.DEBUG)
    log.info("noise again")
    assert [(r.getMessage(), r.levelname) for r in records][-1] == ("noise again", "DEBUG")


@pytest.mark.e2e
def test_rejects_are_counted_and_their_file_named(demo_site, tmp_path):
    # No headline fits in 5 characters: every article of the first National page is rejected.
    national = demo_site.replica.corpus.in_section("National")[:15]
    assert min(len(a.title) for a in national) > 5
    result = crawl(
        demo_site, tmp_path,
        "-a", "sections=National", "-a", "pages=1", "-a", "popular=skip",
        "-s", "NEWSBOT_MAX_TITLE_CHARS=5",
    )  # fmt: skip
    [rejects] = (result.out / "koreaherald").glob("rejects-*.jsonl")
    assert len(rejects.read_text().splitlines()) == 15
    summary = summary_of(result)
    assert f"Rejected 15 item(s), written to {rejects}" in summary
    [verdict] = [line for line in summary if line.startswith("Monitors ")]
    assert (
        "Validation rejects: 15 item(s) rejected (allowed 0): Article/title_too_long: 15" in verdict
    )
