"""Crawls of hand-written sites over loopback: a redesigned Korea Herald keeps its data coming
(feeds, generic lists, the MOST READ box), each article is fetched once however it was found,
and the ``news`` spider crawls a site newsbot has no code for into SQLite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from newsbot.exitcodes import EXIT_MONITORS_FAILED, EXIT_OK
from newsbot.storage import open_store
from newsbot.storage.models import ArticleRow, CrawlRunRow, PopularRankRow
from tests import factories
from tests.crawling import FAST, REPO, crawl_env
from tests.sites_server import HERALD_ARTICLES, NEWS_ARTICLES, any_news_site, redesigned_herald
from tests.sites_server import serving as serving_site

pytestmark = pytest.mark.e2e


def run(spider: str, base_url: str, out: Path, *arguments: str, database_url: str | None = None):
    out.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"base_url={base_url}",
        *FAST, *arguments, "-s", f"LOG_FILE={out / 'crawl.log'}",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, env=crawl_env(out, database_url), timeout=300)
    stats: dict[str, Any] = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    log = (out / "crawl.log").read_text(encoding="utf-8")
    assert stats["finish_reason"] == "finished"
    # Monitors that fail log at ERROR (and Spidermon with them); nothing else may.
    errors = [
        line for line in log.splitlines()
        if " ERROR: " in line and "Monitor failed" not in line and "[Spidermon]" not in line
    ]  # fmt: skip
    assert errors == [], log[-3000:]
    [report_file] = (out / spider).glob("report-*.json")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    # Finished: the exit status is the monitors' verdict (drift fails them on a redesign).
    expected = EXIT_MONITORS_FAILED if report["status"] == "failed" else EXIT_OK
    assert done.returncode == expected, log[-3000:]
    return stats, log, report


def article_requests(site) -> dict[str, int]:
    """Article pages requested, by id, with how often (query strings ignored)."""
    counts: dict[str, int] = {}
    for path, n in site.requested_under("/article/").items():
        article_id = path.removeprefix("/article/").split("?", 1)[0]
        counts[article_id] = counts.get(article_id, 0) + n
    return counts


ALL = set(HERALD_ARTICLES)


@pytest.mark.parametrize(
    ("discover", "expected", "lists", "feeds"),
    [
        # Lists show 1–5 (national over two pages; "Trending" 4 and 1 again), the feed 1, 2,
        # 4 and 6.
        ("both", ALL, 4, 1),
        ("sections", ALL - {"10000006"}, 4, 0),
        ("feeds", {"10000001", "10000002", "10000004", "10000006"}, 0, 1),
    ],
)
def test_a_redesigned_site_keeps_its_articles_coming(tmp_path, discover, expected, lists, feeds):
    with serving_site(redesigned_herald()) as site:
        stats, _, report = run("koreaherald", site.base_url, tmp_path, "-a", f"discover={discover}")
    requested = article_requests(site)
    assert set(requested) == expected
    assert set(requested.values()) == {1}  # each once, found by a list, a feed or both
    assert sum(site.requested_under("/news/").values()) + site.requested["/trending"] == lists
    assert site.requested["/rss/newsAll"] == feeds  # advertised and known: read once
    assert stats.get("newsbot/feeds/read", 0) == feeds
    # Every page was met in markup no layout knows: read generically, and named as drift.
    assert stats["newsbot/layout_unknown/article"] == len(expected)
    assert stats.get("newsbot/layout_unknown/list", 0) == lists
    assert stats.get("newsbot/lists/generic", 0) == lists
    read = stats.get("newsbot/articles/generic", 0)
    failed = sum(v for k, v in stats.items() if k.startswith("newsbot/parse_failed/"))
    assert read + failed == len(expected)
    checks = {c["check"]: c for c in report["checks"]}
    drift = checks["Layout drift/Pages are read by their site's layouts"]
    assert drift["status"] == "FAILED"
    assert drift["message"].startswith(f"{len(expected) + lists} pages read by the generic")
    # Sections were found by their navigation text, the MOST READ box past its decoys.
    if discover != "feeds":
        assert "newsbot/sections/not_found" not in stats
    ranks = [json.loads(line) for f in (tmp_path / "koreaherald").glob("popular-*.jsonl")
             for line in f.read_text().splitlines()]  # fmt: skip
    assert [(r["rank"], r["article_id"]) for r in ranks] == [
        (n, str(10000000 + n)) for n in range(1, 11)
    ]
    assert ranks[0]["url"] == f"{site.base_url}/article/10000001"


def test_since_and_stored_articles_apply_to_feed_entries(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    store = open_store(url)
    stored = [
        factories.article(article_id=i, url=f"https://www.koreaherald.com/article/{i}")
        for i in ("10000001", "10000006")
    ]
    store.save_articles(stored)
    store.close()
    with serving_site(redesigned_herald()) as site:
        stats, _, _ = run(
            "koreaherald", site.base_url, tmp_path / "crawl",
            "-a", "since=2025-11-15", "-a", "popular=skip", database_url=url,
        )  # fmt: skip
    # Lists: 1, 2 (national page 1), 3 (Nov. 14: too old), 4, 5 (Nov. 12: too old).
    # Feed: 1 (stored), 4, 6 (13 Nov: too old), 2. Stored 1 is skipped wherever it shows,
    # and re-read once, as the national list's canary (parsed, not stored).
    assert set(article_requests(site)) == {"10000002", "10000004", "10000001"}
    assert article_requests(site)["10000001"] == 1
    assert stats["newsbot/canary/requested"] == stats["newsbot/canary/parsed"] == 1
    assert stats["newsbot/feeds/older_than_since"] == 1
    assert stats["newsbot/teasers/older_than_since"] == 2
    # Stored 1 shows in the national list, the "Trending" list and the feed.
    assert stats["newsbot/articles/skipped_known"] == 3


def test_with_feeds_only_stored_feed_entries_are_the_canaries(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    store = open_store(url)
    stored = [
        factories.article(article_id=i, url=f"https://www.koreaherald.com/article/{i}")
        for i in ("10000001", "10000006")
    ]
    store.save_articles(stored)
    store.close()
    with serving_site(redesigned_herald()) as site:
        stats, _, _ = run(
            "koreaherald", site.base_url, tmp_path / "crawl",
            "-a", "discover=feeds", "-a", "popular=skip", database_url=url,
        )  # fmt: skip
    # The feed lists 1, 2, 4 and 6: 2 and 4 are new, 1 and 6 stored, and re-read once each.
    requested = article_requests(site)
    assert requested == {"10000001": 1, "10000002": 1, "10000004": 1, "10000006": 1}
    assert stats["newsbot/canary/requested"] == stats["newsbot/canary/parsed"] == 2
    assert stats["newsbot/saved/Article/new"] == 2
    store = open_store(url)
    assert store.known_article_ids("koreaherald", list(requested)) == set(requested)
    store.close()


def test_sections_filter_feed_entries_and_a_lost_feed_is_counted(tmp_path):
    site = redesigned_herald()
    # The homepage also advertises a feed it does not serve: the site says it is there.
    content_type, home = site.pages["/"]
    advertised = '<link rel="alternate" type="application/rss+xml" href="/rss/world">'
    site.pages["/"] = (content_type, home.replace("</head>", f"{advertised}</head>"))
    with serving_site(site):
        stats, log, report = run(
            "koreaherald", site.base_url, tmp_path,
            "-a", "discover=feeds", "-a", "sections=National", "-a", "popular=skip",
        )  # fmt: skip
    # newsAll: 1 National, 4 Business (dropped), 6 National, 2 without category (its page
    # decides). kh_National, known for the section, is not served.
    assert set(article_requests(site)) == {"10000001", "10000002", "10000006"}
    assert stats["newsbot/feeds/out_of_section"] == 1
    assert site.requested["/rss/kh_National"] == 1
    # A feed only newsbot expected is missing, not lost: no article goes with it.
    assert stats["newsbot/feeds/missing"] == 1
    assert "no feed at " in log
    # The advertised one is a lost page, like any page the site links to and fails to serve.
    assert site.requested["/rss/world"] == 1
    assert stats["newsbot/lost/feed/http_404"] == 1
    assert report["lost_pages"] == [
        {"url": f"{site.base_url}/rss/world", "kind": "feed", "reason": "http_404"}
    ]
    checks = {c["check"]: c for c in report["checks"]}
    assert checks["Lost pages/No page is lost"]["status"] == "FAILED"
    assert "feed/http_404: 1" in checks["Lost pages/No page is lost"]["message"]
    assert "Lost feed page" in log


def test_news_spider_crawls_any_site_into_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with serving_site(any_news_site()) as site:
        stats, _, report = run(
            "news", site.base_url, tmp_path / "crawl", "-a", "timezone=Europe/Paris",
            database_url=url,
        )  # fmt: skip
    requested = {p.split("?", 1)[0]: n for p, n in site.requested.items()}
    # Homepage teaser, world list, business list, the feed: four articles, each once.
    assert {p: requested.get(p) for p in NEWS_ARTICLES} == dict.fromkeys(NEWS_ARTICLES, 1)
    assert requested["/feed.xml"] == 1
    assert requested["/world"] == requested["/business"] == 1
    assert "/tag/budget" not in requested
    # The homepage links three (its teaser and the Most Read box), the lists one more (the
    # business story); the feed's two were asked for already.
    assert stats["newsbot/discovered/home"] == 3
    assert stats["newsbot/discovered/lists"] == 1
    assert "newsbot/discovered/feeds" not in stats
    assert stats["newsbot/articles/already_requested"] == 4  # the world list 2, the feed 2
    assert stats["newsbot/feeds/read"] == 1
    # Generic reading is this spider's normal path: no drift, whatever the pages hold.
    assert not any(k.startswith("newsbot/layout_unknown/") for k in stats)
    checks = {c["check"]: c["status"] for c in report["checks"]}
    assert checks["Layout drift/Pages are read by their site's layouts"] == "OK"
    store = open_store(url)
    with store.engine.connect() as connection:
        ranks = connection.execute(
            select(PopularRankRow.rank, PopularRankRow.article_id).order_by(PopularRankRow.rank)
        ).all()
        [run_row] = connection.execute(select(CrawlRunRow.spider, CrawlRunRow.arguments)).all()
    store.close()
    assert [tuple(r) for r in ranks] == [
        (1, f"{site.base_url}/2025/11/17/council-approves-budget"),
        (2, f"{site.base_url}/world/2025/11/16/storm-closes-ports"),
        (3, f"{site.base_url}/news/1234567"),
    ]
    assert run_row.spider == "news"
    assert run_row.arguments["timezone"] == "Europe/Paris"


@pytest.mark.parametrize("spider", ["koreaherald", "news"])
def test_articles_read_generically_are_stored(tmp_path, spider):
    """Needs the generic extractor (newsbot.extract.generic): its pages carry JSON-LD."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    make_site = redesigned_herald if spider == "koreaherald" else any_news_site
    with serving_site(make_site()) as site:
        run(spider, site.base_url, tmp_path / "crawl", "-a", "popular=skip", database_url=url)
    store = open_store(url)
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(ArticleRow.url, ArticleRow.title, ArticleRow.layout, ArticleRow.section)
        ).all()
    store.close()
    if spider == "koreaherald":
        # Sections aside: 1 and 4 are also listed under "Trending", the crawl's section for
        # whichever request came first.
        rows = [(*row[:3], None) for row in rows]
        expected = {
            (f"{site.base_url}/article/{i}", title, "generic", None)
            for i, (_, _, _, title) in HERALD_ARTICLES.items()
        }
    else:
        expected = {
            (f"{site.base_url}{path}", title, "generic", section)
            for path, (section, title) in NEWS_ARTICLES.items()
        }
    assert {tuple(row) for row in rows} == expected
