"""End to end with storage: each article stored once, re-runs fetch only what is new, edits
become revisions, and a database outage mid-crawl loses and duplicates nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from functools import partial

import pytest
from sqlalchemy import select

from newsbot.replica.server import serving
from newsbot.storage import open_store
from newsbot.storage.migrate import ensure_schema
from newsbot.storage.models import (
    ArticleRevisionRow,
    ArticleRow,
    CrawlRunRow,
    PopularRankRow,
    PopularSnapshotRow,
)
from newsbot.storage.spool import Spool
from tests.crawling import REPO, assert_clean, crawl, finish_crawl, start_crawl
from tests.databases import count_rows, postgres_database
from tests.tcpproxy import TcpProxy

pytestmark = pytest.mark.e2e

MODELS = (ArticleRow, ArticleRevisionRow, PopularSnapshotRow, PopularRankRow, CrawlRunRow)


table_counts = partial(count_rows, models=MODELS)


@pytest.fixture
def replica():
    """A replica of its own: these tests edit its articles."""
    with serving("2023", articles=300) as server:
        yield server


def test_stored_once_incremental_rerun_and_revision(replica, database_url, tmp_path):
    corpus = replica.replica.corpus
    first = crawl(replica, tmp_path / "first", "-a", "pages=100", database_url=database_url)
    assert_clean(first)
    assert table_counts(database_url) == {
        "articles": len(corpus.articles),
        "article_revisions": len(corpus.articles),
        "popular_snapshots": 1,
        "popular_ranks": 10,
        "crawl_runs": 1,
    }
    store = open_store(database_url)
    assert store.known_article_ids("koreaherald", corpus.by_id) == set(corpus.by_id)
    store.close()

    # Nothing changed on the site: no article is stored again, only a new snapshot is added.
    second = crawl(replica, tmp_path / "second", "-a", "pages=100", database_url=database_url)
    assert_clean(second)
    assert second.articles == []
    assert "newsbot/articles/2023" not in second.stats
    # robots.txt, the homepage, the first list page of each of the six sections, and three
    # stored articles of each re-read as canaries (NEWSBOT_CANARY_PER_SECTION), not stored.
    assert second.stats["downloader/request_count"] == 1 + 1 + 6 + 6 * 3
    assert second.stats["newsbot/canary/parsed"] == 6 * 3
    assert second.stats["newsbot/sections/caught_up"] == 6
    assert second.stats["newsbot/articles/skipped_known"] >= 6 * 15 - 3
    assert len(second.popular) == 10
    assert table_counts(database_url) == {
        "articles": len(corpus.articles),
        "article_revisions": len(corpus.articles),
        "popular_snapshots": 2,
        "popular_ranks": 20,
        "crawl_runs": 2,
    }

    # The newsroom edits one article; a refresh crawl records exactly one revision.
    edited = corpus.articles[40]
    replica.replica.edit_article(edited.article_id, "This article has been corrected.")
    third = crawl(
        replica, tmp_path / "third", "-a", "pages=100", "-a", "refresh=1",
        database_url=database_url,
    )  # fmt: skip
    assert_clean(third)
    assert len(third.articles) == len(corpus.articles)
    assert third.stats["newsbot/saved/Article/revised"] == 1
    assert third.stats["newsbot/saved/Article/unchanged"] == len(corpus.articles) - 1
    counts = table_counts(database_url)
    assert counts["articles"] == len(corpus.articles)
    assert counts["article_revisions"] == len(corpus.articles) + 1
    store = open_store(database_url)
    with store.engine.connect() as connection:
        row = (
            connection.execute(select(ArticleRow).where(ArticleRow.article_id == edited.article_id))
            .mappings()
            .one()
        )
        runs = connection.execute(select(CrawlRunRow).order_by(CrawlRunRow.id)).mappings().all()
    store.close()
    assert row["revision_count"] == 2
    assert row["body"].endswith("This article has been corrected.")
    assert row["updated_at"] == edited.updated_at
    assert [r["finish_reason"] for r in runs] == ["finished"] * 3
    assert runs[2]["arguments"]["refresh"] == "1"
    assert runs[0]["stats"]["newsbot/saved/Article/new"] == len(corpus.articles)


def test_database_outage_mid_crawl_loses_and_duplicates_nothing(replica_1000, tmp_path):
    server = replica_1000
    corpus = server.replica.corpus
    proxy = TcpProxy("127.0.0.1", 5432)
    try:
        with postgres_database() as url:
            migrated = open_store(url)
            ensure_schema(migrated.engine, auto_migrate=True)  # so the test can count rows
            migrated.close()
            via_proxy = url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
            process = start_crawl(
                server, tmp_path,
                "-a", "pages=100",
                # Slow enough to cut the database in the middle, small batches to see it.
                "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", "-s", "DOWNLOAD_DELAY=0.01",
                "-s", "NEWSBOT_STORE_BATCH_SIZE=20",
                database_url=via_proxy,
            )  # fmt: skip
            assert _wait_for(lambda: table_counts(url)["articles"] >= 100, process)
            proxy.cut()
            spool = Spool(tmp_path / "spool")
            assert _wait_for(lambda: len(spool.files()) >= 3, process), "no batch spooled"
            stored_during_outage = table_counts(url)["articles"]
            proxy.restore()
            result = finish_crawl(process, tmp_path)

            assert result.returncode == 0, result.log[-3000:]
            assert result.stats["finish_reason"] == "finished"
            assert result.stats["newsbot/spool/batches"] >= 3
            assert (
                result.stats["newsbot/spool/replayed_items"] == result.stats["newsbot/spool/items"]
            )
            assert spool.files() == []
            assert stored_during_outage < len(corpus.articles)
            assert table_counts(url) == {
                "articles": len(corpus.articles),
                "article_revisions": len(corpus.articles),
                "popular_snapshots": 1,
                "popular_ranks": 10,
                "crawl_runs": 1,
            }
            store = open_store(url)
            assert store.known_article_ids("koreaherald", corpus.by_id) == set(corpus.by_id)
            store.close()
            assert len(result.articles) == len(corpus.articles)  # the feed got everything too
    finally:
        proxy.close()


def replay_spool(database_url: str, spool_dir) -> str:
    """``newsbot replay-spool`` as an operator runs it; its output line."""
    done = subprocess.run(
        [sys.executable, "-m", "newsbot", "--database-url", database_url,
         "replay-spool", "--spool-dir", str(spool_dir)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_crawl_without_its_database_is_recorded_by_replay_spool(replica, database_url, tmp_path):
    corpus = replica.replica.corpus
    closed = TcpProxy("127.0.0.1", 5432)
    closed.cut()  # down from the start: no run row, every batch spooled
    dead_url = f"postgresql+psycopg://postgres@127.0.0.1:{closed.port}/test"
    result = crawl(replica, tmp_path, "-a", "pages=100", database_url=dead_url)
    # Batches left waiting in the spool are an ERROR, so Error Count fails: exit 2.
    assert result.returncode == 2, result.log[-3000:]
    assert result.stats["newsbot/store/run_not_recorded"] == 1
    spool = Spool(tmp_path / "spool")
    assert len(spool.run_files()) == 1

    out = replay_spool(database_url, spool.directory)
    assert f"replayed {len(corpus.articles) + 10} items" in out
    assert out.rstrip().endswith("; completed crawl run #1")
    counts = table_counts(database_url)
    assert counts["articles"] == len(corpus.articles)
    assert counts["crawl_runs"] == 1
    assert "completed" not in replay_spool(database_url, spool.directory)
    assert table_counts(database_url) == counts
    store = open_store(database_url)
    with store.engine.connect() as connection:
        run = connection.execute(select(CrawlRunRow)).mappings().one()
    store.close()
    assert run["finish_reason"] == "finished"
    assert run["arguments"]["pages"] == "100"
    assert run["stats"]["item_scraped_count"] == result.stats["item_scraped_count"]
    assert run["started_at"] < run["finished_at"]


def test_a_crawl_whose_database_went_away_for_good_is_completed_by_replay_spool(
    replica_1000, tmp_path
):
    proxy = TcpProxy("127.0.0.1", 5432)
    try:
        with postgres_database() as url:
            migrated = open_store(url)
            ensure_schema(migrated.engine, auto_migrate=True)  # so the test can count rows
            migrated.close()
            via_proxy = url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
            process = start_crawl(
                replica_1000, tmp_path, "-a", "pages=100",
                "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", "-s", "DOWNLOAD_DELAY=0.01",
                "-s", "NEWSBOT_STORE_BATCH_SIZE=20",
                database_url=via_proxy,
            )  # fmt: skip
            assert _wait_for(lambda: table_counts(url)["articles"] >= 100, process)
            proxy.cut()  # and it does not come back before the crawl ends
            result = finish_crawl(process, tmp_path)
            # Batches left waiting in the spool are an ERROR, so Error Count fails: exit 2.
            assert result.returncode == 2, result.log[-3000:]
            store = open_store(url)
            with store.engine.connect() as connection:
                [started] = connection.execute(select(CrawlRunRow)).mappings().all()
            assert started["finished_at"] is None  # what the crawl leaves behind

            out = replay_spool(url, tmp_path / "spool")
            assert out.rstrip().endswith(f"; completed crawl run #{started['id']}")
            with store.engine.connect() as connection:
                [run] = connection.execute(select(CrawlRunRow)).mappings().all()
            store.close()
            assert run["id"] == started["id"]
            assert run["finish_reason"] == "finished"
            assert run["stats"]["item_scraped_count"] == result.stats["item_scraped_count"]
            assert table_counts(url)["articles"] == len(replica_1000.replica.corpus.articles)
    finally:
        proxy.close()


def _wait_for(condition, process, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return condition()
        time.sleep(0.05)
    return False
