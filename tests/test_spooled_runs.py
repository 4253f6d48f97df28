"""A crawl whose database went away: its run record waits in the spool with its batches, and
``newsbot replay-spool`` completes (or inserts) its ``crawl_runs`` row, exactly once.

The outage is real: the crawl's PostgreSQL is reached through a loopback proxy that is cut
(or a port where nothing answers); the replay goes to SQLite or PostgreSQL.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime

from sqlalchemy import func, select

from newsbot.cli import main as newsbot
from newsbot.extensions.crawl_run import CrawlRunRecorder
from newsbot.pipelines.store import StorePipeline
from newsbot.storage import CrawlRun, open_store
from newsbot.storage.crawler import close_crawler_store
from newsbot.storage.models import ArticleRow, CrawlRunRow
from newsbot.storage.spool import Spool
from tests.databases import postgres_database
from tests.factories import article
from tests.pipelines import crawler_with_spider
from tests.tcpproxy import TcpProxy

ITEMS = [article(f"2023091100{i:04d}") for i in range(200)]


def run_crawl(url, spool_dir, items, between=None, batch_size=20):
    """Open, feed and close the crawl as Scrapy does: run recorder, store pipeline, stats."""
    settings = {
        "NEWSBOT_DATABASE_URL": url,
        "NEWSBOT_SPOOL_DIR": str(spool_dir),
        "NEWSBOT_STORE_BATCH_SIZE": batch_size,
    }
    crawler = crawler_with_spider(settings, pages="3")
    recorder = CrawlRunRecorder.from_crawler(crawler)
    pipeline = StorePipeline.from_crawler(crawler)
    spider = crawler.spider

    async def crawl():
        await recorder.spider_opened(spider)
        pipeline.open_spider()
        for index, item in enumerate(items):
            await pipeline.process_item(item)
            if between:
                await between(index, pipeline)
        await pipeline.close_spider()
        crawler.stats.set_value("item_scraped_count", len(items))
        await recorder.spider_closed(spider, "finished")

    asyncio.run(crawl())
    close_crawler_store(crawler)
    return crawler.stats, recorder


def run_rows(url):
    store = open_store(url)
    with store.engine.connect() as connection:
        rows = connection.execute(select(CrawlRunRow).order_by(CrawlRunRow.id)).mappings().all()
        articles = connection.execute(select(func.count()).select_from(ArticleRow)).scalar_one()
    store.close()
    return [dict(row) for row in rows], articles


def replay(url, spool_dir, capsys):
    assert newsbot(["--database-url", url, "replay-spool", "--spool-dir", str(spool_dir)]) == 0
    return capsys.readouterr().out


def dead_postgresql_url():
    closed = TcpProxy("127.0.0.1", 5432)
    closed.cut()  # a port where nothing answers
    return f"postgresql+psycopg://postgres@127.0.0.1:{closed.port}/test"


def test_a_crawl_without_its_database_from_the_start_is_inserted_by_the_replay(
    database_url, tmp_path, capsys
):
    spool_dir = tmp_path / "spool"
    before = datetime.now(UTC)
    stats, _ = run_crawl(dead_postgresql_url(), spool_dir, ITEMS)
    after = datetime.now(UTC)
    assert stats.get_value("newsbot/store/run_not_recorded") == 1
    assert len(Spool(spool_dir).files()) == 10
    assert len(Spool(spool_dir).run_files()) == 1

    out = replay(database_url, spool_dir, capsys)
    assert "replayed 200 items from 10 spooled batch(es)" in out
    assert "completed crawl run #1" in out
    rows, articles = run_rows(database_url)
    assert articles == 200
    assert len(rows) == 1
    run = rows[0]
    assert run["spider"] == "koreaherald"
    assert run["arguments"] == {"pages": "3"}
    assert run["finish_reason"] == "finished"
    assert before <= run["started_at"] <= run["finished_at"] <= after
    assert run["stats"]["item_scraped_count"] == 200
    assert run["stats"]["newsbot/spool/batches"] == 10
    assert run["crawl_uuid"]
    assert Spool(spool_dir).files() == []
    assert Spool(spool_dir).run_files() == []

    again = replay(database_url, spool_dir, capsys)  # nothing left: nothing changes
    assert "replayed 0 items" in again
    assert "completed" not in again
    assert run_rows(database_url) == (rows, 200)


def test_a_crawl_whose_database_went_away_is_completed_by_the_replay(tmp_path, capsys):
    spool_dir = tmp_path / "spool"
    with postgres_database() as url:
        proxy = TcpProxy("127.0.0.1", 5432)
        via_proxy = url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")

        async def outage(index, pipeline):
            if index == 60:
                await asyncio.gather(*(asyncio.wrap_future(f) for f in pipeline.pending))
                proxy.cut()  # and it stays away until the crawl is over

        try:
            stats, recorder = run_crawl(via_proxy, spool_dir, ITEMS, outage)
        finally:
            proxy.close()
        assert recorder.run_id is not None
        assert stats.get_value("newsbot/store/run_not_recorded") is None
        assert len(Spool(spool_dir).run_files()) == 1
        rows, articles = run_rows(url)
        assert [(r["id"], r["finished_at"], r["finish_reason"]) for r in rows] == [
            (recorder.run_id, None, None)  # what the outage leaves without a replay
        ]
        assert articles < 200

        out = replay(url, spool_dir, capsys)
        assert f"completed crawl run #{recorder.run_id}" in out
        rows, articles = run_rows(url)
        assert articles == 200
        assert len(rows) == 1
        assert rows[0]["id"] == recorder.run_id
        assert rows[0]["finish_reason"] == "finished"
        assert rows[0]["finished_at"] >= rows[0]["started_at"]
        assert rows[0]["stats"]["item_scraped_count"] == 200
        replay(url, spool_dir, capsys)
        assert run_rows(url) == (rows, 200)


def test_a_replay_that_died_after_storing_the_run_does_not_store_it_twice(
    database_url, tmp_path, capsys
):
    spool_dir = tmp_path / "spool"
    run_crawl(dead_postgresql_url(), spool_dir, ITEMS[:5])
    [record] = Spool(spool_dir).run_files()
    content = record.read_text(encoding="utf-8")
    out = replay(database_url, spool_dir, capsys)
    assert "completed crawl run #1" in out
    rows, _ = run_rows(database_url)
    # As if a replay had stored the run, then died before deleting the file it had claimed.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    claimed = record.with_name(f"{record.name}.replaying-{dead.stdout.strip()}")
    claimed.write_text(content, encoding="utf-8")
    out = replay(database_url, spool_dir, capsys)
    assert "completed crawl run #1" in out  # the same row, completed with the same values
    assert run_rows(database_url) == (rows, 5)
    assert list(spool_dir.iterdir()) == []


def test_run_records_left_by_a_writer_that_died_are_kept_whole_or_dropped(tmp_path):
    spool = Spool(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    run = CrawlRun(
        crawl_uuid="d" * 32,
        spider="koreaherald",
        arguments={},
        started_at=datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
        finished_at=datetime(2026, 11, 30, 10, 5, tzinfo=UTC),
        finish_reason="finished",
        stats={"item_scraped_count": 1},
        run_id=7,
    )
    whole = spool.write_run(run)
    whole.rename(whole.with_name(f"{whole.name}.tmp-{dead}"))  # died before its rename
    cut = spool.write_run(run)
    content = cut.read_text(encoding="utf-8")
    cut.unlink()
    cut.with_name(f"{cut.name}.tmp-{dead}").write_text(content[:40], encoding="utf-8")
    spool.recover()
    assert spool.run_files() == [whole]
    assert sorted(path.name for path in tmp_path.iterdir()) == [whole.name]
