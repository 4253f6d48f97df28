"""Every page a crawl loses is counted with its reason, logged and listed; limits are enforced.

Real crawls (``scrapy crawl`` in a subprocess) against a replica whose chosen pages fail as
real servers fail (tests/faults.py), all on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from types import SimpleNamespace

import pytest
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from twisted.internet import error as twisted_errors

from newsbot.replica.corpus import SECTION_BY_NAME
from tests.crawling import REPO, crawl
from tests.faults import serving_faults

NATIONAL = SECTION_BY_NAME["National"]
LIMITS = [
    "-a", "sections=National", "-a", "popular=skip",
    "-s", "DOWNLOAD_MAXSIZE=100000", "-s", "DOWNLOAD_WARNSIZE=50000",
    "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1",
]  # fmt: skip
LOSSES = {
    "http_403": "http_403",
    "http_404": "http_404",
    "http_410": "http_410",
    "redirect_self": "redirect_loop",
    "redirect_chain": "redirect_loop",
    "redirect_offsite": "redirect_offsite",
    "redirect_file": "redirect_scheme",
    "json": "not_html",
    "stall": "timeout",
    "reset": "connection_lost",
    "truncated": "truncated",
    "too_large": "too_large",
    "too_large_streamed": "too_large",
    "gzip_bomb": "too_large",
}


def lost_counters(stats):
    return {key: value for key, value in stats.items() if key.startswith("newsbot/lost/")}


def test_every_lost_page_is_counted_logged_and_listed(tmp_path):
    with serving_faults(articles=120) as server:
        corpus = server.faulty.corpus
        national = corpus.in_section("National")
        paths = {}
        for article, fault in zip(national, LOSSES, strict=False):
            path = corpus.article_path(article.article_id)
            server.faulty.faults[path] = fault
            paths[fault] = path
        second_list = f"/list.php?ct={NATIONAL.ct}&np=2&mp=1"
        server.faulty.faults[second_list] = "http_500"
        result = crawl(server, tmp_path / "crawl", *LIMITS, "-a", "pages=2")

    expected: dict[str, int] = {"newsbot/lost/list/http_500": 1}
    for reason in LOSSES.values():
        key = f"newsbot/lost/article/{reason}"
        expected[key] = expected.get(key, 0) + 1
    assert lost_counters(result.stats) == expected
    listed = {
        (entry["url"], entry["kind"], entry["reason"])
        for entry in result.stats["newsbot/lost_pages"]
    }
    base = server.base_url
    assert listed == {(base + paths[f], "article", LOSSES[f]) for f in LOSSES} | {
        (base + second_list, "list", "http_500")
    }
    for fault, path in paths.items():
        assert any(
            " WARNING: " in line and base + path in line and LOSSES[fault] in line
            for line in result.log.splitlines()
        ), f"no warning for {fault}"
    # A lost page is a warning, not an error: errors are left to bugs.
    crawl_log = result.log.split("INFO: Closing spider")[0]  # before the monitors' verdict
    assert " ERROR: " not in crawl_log, crawl_log[-3000:]
    assert "Traceback" not in crawl_log
    # The monitors fail the crawl on its losses instead.
    assert "Monitor failed: Lost pages" in result.log
    # The good articles of the first list page were stored all the same.
    assert len(result.articles) == 15 - len(LOSSES)
    # Redirects to file:// are not followed, nor to other hosts.
    assert "/etc/passwd" not in "".join(entry["url"] for entry in result.articles)


def test_retries_that_succeed_and_robots_are_not_losses(tmp_path):
    with serving_faults(articles=120) as server:
        corpus = server.faulty.corpus
        kept = ("retry_after_429", "retry_after_503_date", "flaky_500", "robots")
        paths = {}
        for article, fault in zip(corpus.in_section("National"), kept, strict=False):
            paths[fault] = corpus.article_path(article.article_id)
            server.faulty.faults[paths[fault]] = fault
        result = crawl(server, tmp_path / "crawl", *LIMITS, "-a", "pages=1")
        hits = server.faulty.hits

    assert lost_counters(result.stats) == {}
    assert result.stats["newsbot/skipped/robots"] == 1
    assert paths["robots"] not in hits
    assert len(result.articles) == 14
    # Retry-After was honoured: the second request came no sooner than the server asked.
    first, second = hits[paths["retry_after_429"]]
    assert second - first >= 0.9
    first, second = hits[paths["retry_after_503_date"]]
    assert second - first >= 0.9
    assert result.stats["newsbot/retry_after/waits"] == 2
    assert " ERROR: " not in result.log, result.log[-3000:]


def test_an_unreachable_homepage_is_a_lost_home_page(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    nowhere = SimpleNamespace(base_url=f"http://127.0.0.1:{port}")
    result = crawl(nowhere, tmp_path / "crawl", "-s", "RETRY_TIMES=1", "-s", "ROBOTSTXT_OBEY=False")
    assert lost_counters(result.stats) == {"newsbot/lost/home/connection_refused": 1}
    assert result.stats["newsbot/lost_pages"] == [
        {"url": f"{nowhere.base_url}/", "kind": "home", "reason": "connection_refused"}
    ]
    # Giving up is a warning (the loss is counted); the monitors' verdict is the crawl's error.
    assert "[scrapy.downloadermiddlewares.retry] WARNING: Gave up retrying" in result.log
    assert "[koreaherald] ERROR: Failed" not in result.log


@pytest.mark.parametrize(
    ("name", "value"),
    [("DOWNLOAD_MAXSIZE", 10 * 1024 * 1024), ("DOWNLOAD_WARNSIZE", 2 * 1024 * 1024),
     ("DOWNLOAD_TIMEOUT", 30), ("NEWSBOT_RETRY_AFTER_MAX", 120),
     ("NEWSBOT_LOST_MAX_ATTEMPTS", 3), ("RETRY_GIVE_UP_LOG_LEVEL", "WARNING")],
)  # fmt: skip
def test_limits_and_politeness_settings(name, value):
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    assert settings[name] == value
    assert 429 in settings.getlist("RETRY_HTTP_CODES") or 429 in [
        int(code) for code in settings.getlist("RETRY_HTTP_CODES")
    ]


def test_retry_after_is_read_as_seconds_or_an_http_date():
    from datetime import UTC, datetime

    from newsbot.retry import retry_after_seconds

    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"5", now) == 5
    assert retry_after_seconds("Mon, 30 Nov 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("Mon, 30 Nov 2026 11:00:00 GMT", now) == 0  # already past
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds("-3", now) is None
    assert retry_after_seconds(None, now) is None


def test_crashing_callbacks_lose_their_page_and_the_crawl_goes_on(tmp_path):
    out = tmp_path / "stats.json"
    done = subprocess.run(
        [sys.executable, "-m", "tests.crashing_spider", str(out)],
        cwd=REPO,
        env={**os.environ, "SCRAPY_SETTINGS_MODULE": "newsbot.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    stats = json.loads(out.read_text())
    assert lost_counters(stats) == {
        "newsbot/lost/list/parse_error/RecursionError": 1,
        # The article the list page yielded before it crashed was still followed.
        "newsbot/lost/article/parse_error/TypeError": 1,
    }
    assert "spider_exceptions/count" not in stats
    assert "Spider error processing" not in done.stderr
    assert "WARNING: Lost list page" in done.stderr


@pytest.mark.parametrize(
    ("error", "meta", "reason"),
    [
        (twisted_errors.DNSLookupError("no such host"), {}, "dns"),
        (CannotResolveHostError("no such host"), {}, "dns"),
        (twisted_errors.ConnectionRefusedError(), {}, "connection_refused"),
        (twisted_errors.TCPTimedOutError(), {}, "timeout"),
        (ConnectionResetError(), {}, "connection_lost"),
        (IgnoreRequest("Forbidden by robots.txt"), {}, "robots"),
        (IgnoreRequest("Filtered offsite request to 'example.org'"), {}, "offsite"),
        (
            IgnoreRequest("Filtered offsite request to 'example.org'"),
            {"redirect_urls": ["http://127.0.0.1/a"]},
            "redirect_offsite",
        ),
        (IgnoreRequest("something else"), {}, "other/IgnoreRequest"),
        (KeyError("x"), {}, "other/KeyError"),
    ],
)
def test_failures_are_classified(error, meta, reason):
    from scrapy import Request

    from newsbot.lost import loss_reason

    assert loss_reason(error, Request("http://127.0.0.1/a", meta=meta)) == reason
