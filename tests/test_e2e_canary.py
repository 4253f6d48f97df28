"""End to end: every crawl re-reads a few stored articles as canaries.

Stored articles are never fetched again by an incremental crawl, so without canaries a
redesign that brings nothing new goes unseen: the monitors judge only what was read. The
canaries are parsed and judged like any article page, but never stored, never written to the
feeds and never make revisions.
"""

from __future__ import annotations

import re
from functools import partial

import pytest

from newsbot.replica.server import Response, serving
from newsbot.storage.models import (
    ArticleRevisionRow,
    ArticleRow,
    CrawlRunRow,
    LostArticleRow,
    PopularRankRow,
    PopularSnapshotRow,
)
from tests.crawling import assert_clean, crawl
from tests.databases import count_rows, postgres_database

pytestmark = pytest.mark.e2e

ARTICLES = 300
SECTIONS = ("National", "Business")
SMALL = ("-a", f"sections={','.join(SECTIONS)}", "-a", "pages=2")
CANARIES = 3  # NEWSBOT_CANARY_PER_SECTION's default
MODELS = (
    ArticleRow,
    ArticleRevisionRow,
    PopularSnapshotRow,
    PopularRankRow,
    CrawlRunRow,
    LostArticleRow,
)
ARTICLE_FETCHED = re.compile(r"Crawled \(200\) <GET [^>]*view\.php\?ud=(\d+)>")


table_counts = partial(count_rows, models=MODELS)


def fetched_articles(log: str) -> list[str]:
    """The ids of the article pages a crawl downloaded, from its DEBUG log."""
    return ARTICLE_FETCHED.findall(log)


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A database holding what a first crawl of the unchanged replica stored."""
    out = tmp_path_factory.mktemp("first")
    with postgres_database() as url, serving("2023", ARTICLES) as server:
        first = crawl(server, out, *SMALL, database_url=url)
        assert_clean(first)
        assert first.stats["newsbot/saved/Article/new"] > 0
        assert "newsbot/canary/requested" not in first.stats, "nothing stored yet to re-read"
        yield url, server, first


def test_a_quiet_rerun_reads_canaries_but_stores_and_writes_nothing(stored, tmp_path):
    url, server, _ = stored
    corpus = server.replica.corpus
    before = table_counts(url)
    result = crawl(server, tmp_path, *SMALL, "-s", "LOG_LEVEL=DEBUG", database_url=url)
    assert_clean(result)
    assert result.stats["newsbot/monitors/status"] == "passed"
    # The first list page of each section holds only stored articles: paging stops there,
    # canaries or not.
    assert result.stats["newsbot/sections/caught_up"] == len(SECTIONS)
    assert result.stats["newsbot/list_pages"] == len(SECTIONS)
    # The canaries are the newest stored articles of each section: the first on its list.
    expected = {a.article_id for s in SECTIONS for a in corpus.in_section(s)[:CANARIES]}
    fetched = fetched_articles(result.log)
    assert len(fetched) == len(set(fetched)), "each canary once"
    assert set(fetched) == expected
    assert result.stats["newsbot/canary/requested"] == len(SECTIONS) * CANARIES
    assert result.stats["newsbot/canary/parsed"] == len(SECTIONS) * CANARIES
    assert result.stats["newsbot/coverage/Article/pages"] == len(SECTIONS) * CANARIES
    # Never stored, never in a feed, never a revision, never a scraped item.
    assert result.articles == []
    for outcome in ("new", "revised", "unchanged"):  # the Most Popular batch counts 0 of each
        assert result.stats.get(f"newsbot/saved/Article/{outcome}", 0) == 0
    assert result.stats.get("item_scraped_count", 0) == len(result.popular) == 10
    after = table_counts(url)
    assert after["articles"] == before["articles"]
    assert after["article_revisions"] == before["article_revisions"]
    assert after["crawl_runs"] == before["crawl_runs"] + 1
    # Canaries are among the known articles, and the summary says how many were re-read.
    summary = [line for line in result.log.splitlines() if "Summary of koreaherald" in line]
    known = result.stats["newsbot/articles/skipped_known"]
    assert summary[0].endswith(
        f"articles 0 new, 0 revised, {known} known ({len(expected)} re-read as canaries); "
        "10 Most Popular ranks captured"
    )


def test_canaries_catch_a_redesign_when_nothing_is_new(stored, tmp_path):
    url, server, _ = stored
    before = table_counts(url)
    with serving("2023", ARTICLES, drift=True) as drifted:
        assert drifted.replica.corpus.by_id.keys() == server.replica.corpus.by_id.keys()
        corpus = drifted.replica.corpus
        result = crawl(drifted, tmp_path, *SMALL, database_url=url)
    assert result.returncode == 2  # a monitor failed (newsbot.exitcodes)
    assert result.stats["newsbot/monitors/status"] == "failed"
    failures = result.stats["newsbot/monitors/failures"]
    checks = {failure.split("/", 1)[0] for failure in failures}
    # The drift moves every byline; one article page in four also renames its containers.
    canaries = [a.article_id for s in SECTIONS for a in corpus.in_section(s)[:CANARIES]]
    renamed = [i for i in canaries if int(i) % 4 == 0]
    assert renamed, "the test needs a canary that the redesign renames"
    assert "Field coverage" in checks
    [coverage] = [f for f in failures if f.startswith("Field coverage")]
    assert "Article.authors filled on " in coverage
    assert "Layout drift" in checks
    assert result.stats["newsbot/layout_unknown/article"] == len(renamed)
    assert result.stats["newsbot/canary/parsed"] == len(canaries)
    # Still nothing stored, written or revised.
    assert result.articles == []
    assert result.stats.get("newsbot/saved/Article/new", 0) == 0
    after = table_counts(url)
    assert after["articles"] == before["articles"]
    assert after["article_revisions"] == before["article_revisions"]


def test_no_canary_when_turned_off(stored, tmp_path, monkeypatch):
    url, server, _ = stored
    monkeypatch.setenv("NEWSBOT_CANARY_PER_SECTION", "0")
    result = crawl(server, tmp_path, *SMALL, database_url=url)
    assert_clean(result)
    assert not [key for key in result.stats if key.startswith("newsbot/canary/")]
    assert "newsbot/coverage/Article/pages" not in result.stats
    # robots.txt, the homepage and the first list page of each section.
    assert result.stats["downloader/request_count"] == 1 + 1 + len(SECTIONS)


def test_no_canary_with_refresh(stored, tmp_path):
    url, server, _ = stored
    result = crawl(server, tmp_path, *SMALL, "-a", "refresh=1", database_url=url)
    assert_clean(result)
    assert not [key for key in result.stats if key.startswith("newsbot/canary/")]
    assert result.stats["newsbot/saved/Article/unchanged"] == len(result.articles) > 0


def test_a_canary_the_site_removed_is_counted_not_lost(stored, tmp_path, monkeypatch):
    url, server, _ = stored
    replica = server.replica
    removed = replica.corpus.in_section(SECTIONS[0])[0].article_id
    serve = replica.handle

    def without_removed(target: str) -> Response:
        if target.endswith(f"ud={removed}"):
            return Response(404, b"<html><body>Not Found</body></html>")
        return serve(target)

    monkeypatch.setattr(replica, "handle", without_removed)
    result = crawl(server, tmp_path, *SMALL, database_url=url)
    assert result.stats["newsbot/canary/lost/http_404"] == 1
    assert result.stats["newsbot/canary/parsed"] == len(SECTIONS) * CANARIES - 1
    # The article is stored: its page gone is not a lost page, nor one to fetch again.
    assert not [key for key in result.stats if key.startswith("newsbot/lost")]
    assert table_counts(url)["lost_articles"] == 0
    assert result.stats["newsbot/monitors/status"] == "passed"
    assert (
        f"Canary {server.base_url}/view.php?ud={removed} (a stored article) not re-read: "
        "http_404" in result.log
    )
    assert "re-read as canaries, 1 lost)" in result.log
