"""StorePipeline: batches reach the database; when it is away they wait on disk, arrive once."""

from __future__ import annotations

import asyncio
import json
import subprocess
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from scrapy.exceptions import NotConfigured
from sqlalchemy import func, select

from newsbot.cli import main as newsbot
from newsbot.pipelines.store import StorePipeline
from newsbot.storage import open_store
from newsbot.storage.crawler import close_crawler_store
from newsbot.storage.models import ArticleRevisionRow, ArticleRow, PopularRankRow
from newsbot.storage.spool import Spool
from tests.databases import postgres_database
from tests.factories import article, snapshot
from tests.pipelines import crawler_with_spider
from tests.tcpproxy import TcpProxy

ITEMS = [article(f"2023091100{i:04d}") for i in range(250)]
RANKS = snapshot(datetime(2023, 9, 22, 9, 0, tzinfo=UTC), [f"2023092100{i:04d}" for i in range(10)])


def run_pipeline(url, spool_dir, items, batch_size=50, between=None, rejects=None):
    """Feed items through the pipeline as Scrapy would, and close it."""
    settings = {
        "NEWSBOT_DATABASE_URL": url,
        "NEWSBOT_SPOOL_DIR": str(spool_dir),
        "NEWSBOT_STORE_BATCH_SIZE": batch_size,
    }
    if rejects is not None:
        settings["NEWSBOT_REJECTS_FILE"] = str(rejects)
    crawler = crawler_with_spider(settings)
    pipeline = StorePipeline.from_crawler(crawler)

    async def feed():
        pipeline.open_spider()
        for index, item in enumerate(items):
            await pipeline.process_item(item)
            if between:
                await between(index, pipeline)
        await pipeline.close_spider()

    asyncio.run(feed())
    close_crawler_store(crawler)
    return crawler.stats


def counts(url):
    store = open_store(url)
    with store.engine.connect() as connection:
        result = tuple(
            connection.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (ArticleRow, ArticleRevisionRow, PopularRankRow)
        )
    store.close()
    return result


def test_batches_are_stored_and_counted(database_url, tmp_path):
    stats = run_pipeline(database_url, tmp_path / "spool", [*ITEMS, *RANKS])
    assert counts(database_url) == (250, 250, 10)
    assert stats.get_value("newsbot/saved/Article/new") == 250
    assert stats.get_value("newsbot/saved/PopularRank") == 10
    assert Spool(tmp_path / "spool").files() == []
    again = run_pipeline(database_url, tmp_path / "spool", [*ITEMS, *RANKS])
    assert counts(database_url) == (250, 250, 10)
    assert again.get_value("newsbot/saved/Article/unchanged") == 250


def test_unreachable_database_spools_everything_then_replay_stores_it_once(tmp_path):
    closed = TcpProxy("127.0.0.1", 5432)
    closed.cut()  # a port where nothing answers
    dead_url = f"postgresql+psycopg://postgres@127.0.0.1:{closed.port}/test"
    spool_dir = tmp_path / "spool"
    stats = run_pipeline(dead_url, spool_dir, [*ITEMS, *RANKS])
    files = Spool(spool_dir).files()
    assert len(files) == stats.get_value("newsbot/spool/batches") == 6
    assert stats.get_value("newsbot/spool/items") == 260
    assert stats.get_value("newsbot/spool/pending_files") == 6
    assert stats.get_value("newsbot/store/errors/OperationalError") == 6
    with postgres_database() as url:
        args = ["--database-url", url, "replay-spool", "--spool-dir", str(spool_dir)]
        assert newsbot(args) == 0
        assert counts(url) == (250, 250, 10)
        assert Spool(spool_dir).files() == []
        assert newsbot(args) == 0  # nothing left: nothing changes
        assert counts(url) == (250, 250, 10)


def test_outage_mid_run_loses_nothing_and_duplicates_nothing(tmp_path):
    with postgres_database() as url:
        open_store(url).known_article_ids("koreaherald", ["warm-up"])  # schema in place
        proxy = TcpProxy("127.0.0.1", 5432)
        via_proxy = url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")

        async def outage(index, pipeline):
            if index == 60:
                proxy.cut()
            if index == 180:
                # let the writer notice the outage before the database comes back
                await asyncio.gather(*(asyncio.wrap_future(f) for f in pipeline.pending))
                proxy.restore()

        try:
            stats = run_pipeline(via_proxy, tmp_path / "spool", [*ITEMS, *RANKS], 20, outage)
        finally:
            proxy.close()
        assert stats.get_value("newsbot/spool/batches") >= 2
        assert stats.get_value("newsbot/spool/replayed_items") == stats.get_value(
            "newsbot/spool/items"
        )
        assert Spool(tmp_path / "spool").files() == []
        assert counts(url) == (250, 250, 10)


def test_spool_files_are_whole_batches(tmp_path):
    spool = Spool(tmp_path)
    path = spool.write(ITEMS[:3], RANKS[:2])
    assert path.suffix == ".jsonl"
    assert len(path.read_text().splitlines()) == 5
    assert list(tmp_path.glob("*.tmp")) == []


def test_store_can_be_turned_off():
    crawler = crawler_with_spider({"NEWSBOT_STORE_ENABLED": False})
    with pytest.raises(NotConfigured):
        StorePipeline.from_crawler(crawler)


def read_rejects(path):
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_an_item_the_store_cannot_take_costs_only_itself(database_url, tmp_path):
    # A lone surrogate (from JSON-LD "\\ud800") cannot be encoded for hashing or storage.
    bad = article("20230911009999", title="Broken \ud800 title")
    rejects = tmp_path / "rejects.jsonl"
    spool_dir = tmp_path / "spool"
    stats = run_pipeline(database_url, spool_dir, [*ITEMS[:5], bad, *ITEMS[5:9]], rejects=rejects)
    assert counts(database_url) == (9, 9, 0)
    assert stats.get_value("newsbot/saved/Article/new") == 9
    assert stats.get_value("newsbot/invalid/Article/store_UnicodeEncodeError") == 1
    assert stats.get_value("newsbot/invalid/Article") == 1
    assert stats.get_value("newsbot/spool/batches") is None
    assert not spool_dir.exists() or list(spool_dir.iterdir()) == []
    [record] = read_rejects(rejects)
    assert record["reasons"] == ["store_UnicodeEncodeError"]
    [error] = record["errors"]
    assert "surrogate" in error
    assert record["item_type"] == "Article"
    assert record["source_url"] == bad.url
    assert record["item"]["title"] == bad.title  # kept as it was, for a person to fix


def test_items_without_their_keys_are_refused_one_by_one(database_url, tmp_path):
    rejects = tmp_path / "rejects.jsonl"
    no_id = replace(article("20230911009999"), article_id=None)
    no_time = replace(RANKS[3], captured_at=None)
    stats = run_pipeline(
        database_url, tmp_path / "spool", [*ITEMS[:3], no_id, *RANKS[:3], no_time], rejects=rejects
    )
    assert counts(database_url) == (3, 3, 3)
    assert stats.get_value("newsbot/invalid/Article/store_ValueError") == 1
    assert stats.get_value("newsbot/invalid/PopularRank/store_ValueError") == 1
    assert stats.get_value("newsbot/saved/PopularRank") == 3
    assert sorted(r["item_type"] for r in read_rejects(rejects)) == ["Article", "PopularRank"]


def test_a_batch_that_cannot_be_written_leaves_no_temporary_file(tmp_path):
    spool = Spool(tmp_path)
    unserialisable = article(images=[{"url": object(), "caption": None}])
    with pytest.raises(TypeError):
        spool.write([ITEMS[0], unserialisable], [])
    assert list(tmp_path.iterdir()) == []


def test_odd_text_is_spooled_and_replayed_cleaned(tmp_path):
    spool = Spool(tmp_path / "spool")
    path = spool.write([article(title="Broken \ud800 title")], [])
    assert list((tmp_path / "spool").glob("*.tmp")) == []
    path.read_bytes().decode("utf-8")  # valid UTF-8 on disk
    with postgres_database() as url:
        args = ["--database-url", url, "replay-spool", "--spool-dir", str(tmp_path / "spool")]
        assert newsbot(args) == 0
        store = open_store(url)
        with store.engine.connect() as connection:
            assert (
                connection.execute(select(ArticleRow.title)).scalar_one() == "Broken \ufffd title"
            )
        store.close()


def test_a_nul_byte_on_postgresql_is_refused_alone_not_spooled(tmp_path):
    bad = article("20230911009999", body="Before\x00after")  # PostgreSQL text cannot hold NUL
    rejects = tmp_path / "rejects.jsonl"
    with postgres_database() as url:
        stats = run_pipeline(url, tmp_path / "spool", [*ITEMS[:9], bad], rejects=rejects)
        assert counts(url) == (9, 9, 0)
    assert stats.get_value("newsbot/invalid/Article/store_DataError") == 1
    assert stats.get_value("newsbot/spool/batches") is None
    assert Spool(tmp_path / "spool").files() == []
    [record] = read_rejects(rejects)
    assert record["reasons"] == ["store_DataError"]
    [error] = record["errors"]
    assert "NUL" in error
    assert record["item"]["body"] == "Before\x00after"


def spool_while_down(spool_dir):
    """A batch spooled while the database was away: PostgreSQL refuses one article (section
    too long) and one rank (article id too long); another article has a NUL byte, which
    the replay cleans away as the crawl would have."""
    closed = TcpProxy("127.0.0.1", 5432)
    closed.cut()
    dead_url = f"postgresql+psycopg://postgres@127.0.0.1:{closed.port}/test"
    nul = article("20230911009998", body="Before\x00after")
    bad_article = article("20230911009999", section="S" * 200)  # varchar(128)
    bad_rank = replace(RANKS[9], article_id="9" * 2049)  # varchar(2048)
    items = [*ITEMS[:8], nul, bad_article, *RANKS[:9], bad_rank]
    stats = run_pipeline(dead_url, spool_dir, items)
    assert stats.get_value("newsbot/spool/items") == 20
    return bad_article, bad_rank


def test_a_spooled_batch_with_a_bad_item_is_split_by_the_next_crawl(tmp_path):
    spool_dir = tmp_path / "spool"
    spool_while_down(spool_dir)
    rejects = tmp_path / "rejects.jsonl"
    with postgres_database() as url:
        stats = run_pipeline(url, spool_dir, [], rejects=rejects)  # the next crawl drains it
        assert counts(url) == (9, 9, 9)
    assert Spool(spool_dir).files() == []
    assert stats.get_value("newsbot/spool/replayed_items") == 20
    assert stats.get_value("newsbot/invalid/Article/store_DataError") == 1
    assert stats.get_value("newsbot/invalid/PopularRank/store_DataError") == 1
    assert sorted(r["item_type"] for r in read_rejects(rejects)) == ["Article", "PopularRank"]


def test_replay_spool_splits_a_batch_with_a_bad_item(tmp_path, monkeypatch, capsys):
    spool_dir = tmp_path / "spool"
    bad_article, _ = spool_while_down(spool_dir)
    monkeypatch.setenv("NEWSBOT_REJECTS_FILE", str(tmp_path / "%(name)s-rejects.jsonl"))
    with postgres_database() as url:
        args = ["--database-url", url, "replay-spool", "--spool-dir", str(spool_dir)]
        assert newsbot(args) == 0
        assert counts(url) == (9, 9, 9)
        assert Spool(spool_dir).files() == []
        assert newsbot(args) == 0  # nothing left to replay
    out = capsys.readouterr().out
    assert "2 item(s) refused" in out
    records = read_rejects(tmp_path / "koreaherald-rejects.jsonl")
    assert [r["reasons"] for r in records] == [["store_DataError"], ["store_DataError"]]
    assert records[0]["item"]["article_id"] == bad_article.article_id


def test_replay_picks_up_a_batch_left_claimed_by_a_dead_process(tmp_path):
    spool = Spool(tmp_path / "spool")
    path = spool.write(ITEMS[:3], [])
    child = subprocess.Popen(["true"])
    child.wait()
    path.rename(path.with_name(f"{path.name}.replaying-{child.pid}"))
    with postgres_database() as url:
        args = ["--database-url", url, "replay-spool", "--spool-dir", str(spool.directory)]
        assert newsbot(args) == 0
        assert counts(url) == (3, 3, 0)
    assert list(spool.directory.iterdir()) == []


def test_an_unreadable_spool_file_is_set_aside_not_replayed_forever(tmp_path, caplog):
    spool = Spool(tmp_path / "spool")
    broken = spool.write(ITEMS[:2], [])
    broken.write_text(broken.read_text() + "{not json\n")
    spool.write(ITEMS[2:5], [])
    with postgres_database() as url:
        args = ["--database-url", url, "replay-spool", "--spool-dir", str(spool.directory)]
        assert newsbot(args) == 0
        assert counts(url) == (3, 3, 0)
    assert spool.files() == []
    assert [p.name for p in spool.directory.iterdir()] == [f"{broken.name}.broken"]
    assert "cannot be read" in caplog.text


def test_the_whole_lines_of_a_batch_whose_writer_died_are_replayed(tmp_path):
    spool = Spool(tmp_path / "spool")
    written = spool.write(ITEMS[:3], [])
    lines = written.read_text().splitlines(keepends=True)
    child = subprocess.Popen(["true"])
    child.wait()
    cut_short = written.with_name(f"{written.name}.tmp-{child.pid}")
    cut_short.write_text("".join(lines[:2]) + lines[2][:40])  # died in the third line
    written.unlink()
    with postgres_database() as url:
        args = ["--database-url", url, "replay-spool", "--spool-dir", str(spool.directory)]
        assert newsbot(args) == 0
        assert counts(url) == (2, 2, 0)
    assert list(spool.directory.iterdir()) == []
