"""The store contract, on SQLite and on the real PostgreSQL: idempotent, revisions, snapshots."""

from __future__ import annotations

import ctypes
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from newsbot.storage import CrawlRun, open_store
from newsbot.storage.migrate import SchemaOutdated, current_revision, ensure_schema, head_revision
from newsbot.storage.models import (
    ArticleRevisionRow,
    ArticleRow,
    CrawlRunRow,
    PopularRankRow,
    PopularSnapshotRow,
)
from tests.factories import article, snapshot


def count(store, model) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    yield opened
    opened.close()


def test_fresh_database_is_migrated_on_first_use(store):
    assert current_revision(store.engine) is None
    store.known_article_ids("koreaherald", ["1"])
    assert current_revision(store.engine) == head_revision()


def test_new_article_is_stored_once_with_its_first_revision(store):
    result = store.save_articles([article()])
    assert (result.new, result.revised, result.unchanged) == (1, 0, 0)
    again = store.save_articles([article()])
    assert (again.new, again.revised, again.unchanged) == (0, 0, 1)
    assert count(store, ArticleRow) == 1
    assert count(store, ArticleRevisionRow) == 1


def test_stored_values_round_trip_with_their_instant(store):
    original = article(updated_at=datetime(2023, 9, 12, 8, 0, tzinfo=UTC))
    store.save_articles([original])
    with store.engine.connect() as connection:
        row = connection.execute(select(ArticleRow)).mappings().one()
    assert row["title"] == original.title
    assert row["authors"] == ["Yonhap"]
    assert row["images"] == original.images
    assert row["published_at"] == original.published_at  # same instant, stored as UTC
    assert row["published_at"].utcoffset() == timedelta(0)
    assert row["updated_at"] == original.updated_at
    assert row["revision_count"] == 1


def test_changed_content_adds_a_revision_and_updates_the_article(store):
    store.save_articles([article()])
    edited = article(
        body="First paragraph, corrected.\n\nSecond paragraph. (Yonhap)",
        updated_at=datetime(2023, 9, 12, 10, 0, tzinfo=UTC),
        crawled_at=datetime(2023, 9, 23, tzinfo=UTC),
    )
    result = store.save_articles([edited])
    assert result.revised == 1
    store.save_articles([edited])  # the same edit again changes nothing
    with store.engine.connect() as connection:
        row = connection.execute(select(ArticleRow)).mappings().one()
        revisions = connection.execute(
            select(ArticleRevisionRow.revision, ArticleRevisionRow.body).order_by(
                ArticleRevisionRow.revision
            )
        ).all()
    assert row["revision_count"] == 2
    assert row["body"].startswith("First paragraph, corrected.")
    assert row["last_seen_at"] == datetime(2023, 9, 23, tzinfo=UTC)
    assert [r.revision for r in revisions] == [1, 2]
    assert revisions[0].body.startswith("First paragraph.")


def test_section_url_and_crawl_time_are_not_content(store):
    store.save_articles([article()])
    result = store.save_articles(
        [
            article(
                section="World",
                url="http://127.0.0.1:8023/view.php?ud=20230911000813",
                crawled_at=datetime(2024, 1, 1, tzinfo=UTC),
            )
        ]
    )
    assert result.unchanged == 1
    assert count(store, ArticleRevisionRow) == 1


def test_provenance_is_stored_read_back_and_not_content(store):
    first = article(layout="generic", provenance={"title": "jsonld", "published_at": "meta"})
    store.save_articles([first])
    moved = article(layout="generic", provenance={"title": "h1", "published_at": "time"})
    result = store.save_articles([moved])
    assert (result.new, result.revised, result.unchanged) == (0, 0, 1)
    assert count(store, ArticleRevisionRow) == 1
    with store.engine.connect() as connection:
        row = connection.execute(select(ArticleRow.provenance)).one()
        revision = connection.execute(select(ArticleRevisionRow.provenance)).one()
    assert row.provenance == {"title": "jsonld", "published_at": "meta"}
    assert revision.provenance == {"title": "jsonld", "published_at": "meta"}


def test_a_revision_records_the_provenance_of_its_version(store):
    store.save_articles([article(provenance={"body": "trafilatura"})])
    edited = article(body="A new body.", provenance={"body": "jsonld"})
    assert store.save_articles([edited]).revised == 1
    with store.engine.connect() as connection:
        revisions = connection.execute(
            select(ArticleRevisionRow.provenance).order_by(ArticleRevisionRow.revision)
        ).all()
        row = connection.execute(select(ArticleRow.provenance)).one()
    assert [r.provenance for r in revisions] == [{"body": "trafilatura"}, {"body": "jsonld"}]
    assert row.provenance == {"body": "jsonld"}


def test_canonical_url_ids_and_host_names_fit(store):
    host = "news." + "sub." * 55 + "example.com"  # 235 characters: longer than 64
    url = f"https://{host}/" + "a" * 1700  # 1944 characters
    long_one = article(url, url=url, site=host, layout="generic")
    assert store.save_articles([long_one]).new == 1
    assert store.known_article_ids(host, [url]) == {url}
    store.record_lost_article(host, url + "b", url + "b", "http_404", None, 3, long_one.crawled_at)
    assert [lost.article_id for lost in store.lost_articles(host)] == [url + "b"]


def test_known_article_ids(store):
    store.save_articles([article("20230911000813"), article("20230911000900")])
    known = store.known_article_ids("koreaherald", ["20230911000813", "20230911000999"])
    assert known == {"20230911000813"}
    assert store.known_article_ids("othersite", ["20230911000813"]) == set()
    assert store.known_article_ids("koreaherald", []) == set()


def test_snapshots_are_a_time_series_and_idempotent(store):
    first = datetime(2023, 9, 22, 9, 0, tzinfo=UTC)
    second = first + timedelta(hours=1)
    assert store.save_ranks(snapshot(first, ["a", "b", "c"])) == 3
    assert store.save_ranks(snapshot(first, ["a", "b", "c"])) == 0
    assert store.save_ranks(snapshot(second, ["b", "a", "c"])) == 3
    assert count(store, PopularSnapshotRow) == 2
    assert count(store, PopularRankRow) == 6


def test_a_snapshot_split_over_batches_is_one_snapshot(store):
    captured = datetime(2023, 9, 22, 9, 0, tzinfo=UTC)
    ranks = snapshot(captured, [f"id{i}" for i in range(10)])
    store.save_ranks(ranks[:4])
    store.save_ranks(ranks[4:])
    assert count(store, PopularSnapshotRow) == 1
    assert count(store, PopularRankRow) == 10


def test_crawl_runs(store):
    started = datetime.now(UTC)
    run_id = store.start_run("koreaherald", {"pages": "2"}, "uuid-1", started)
    finished = CrawlRun(
        crawl_uuid="uuid-1", spider="koreaherald", arguments={"pages": "2"}, started_at=started,
        finished_at=datetime.now(UTC), finish_reason="finished",
        stats={"item_scraped_count": 3}, run_id=run_id,
    )  # fmt: skip
    assert store.complete_run(finished) == run_id
    with store.engine.connect() as connection:
        row = connection.execute(select(CrawlRunRow)).mappings().one()
    assert row["spider"] == "koreaherald"
    assert row["arguments"] == {"pages": "2"}
    assert row["finish_reason"] == "finished"
    assert row["stats"] == {"item_scraped_count": 3}
    assert row["finished_at"] >= row["started_at"]


def test_concurrent_writers_store_each_article_once(database_url):
    # Two crawlers (threads with their own store) saving the same articles at the same time.
    articles = [article(f"2023091100{i:04d}") for i in range(40)]
    stores = [open_store(database_url), open_store(database_url)]
    errors = []

    def write(store):
        try:
            for start in range(0, 40, 5):
                store.save_articles(articles[start : start + 5])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count(stores[0], ArticleRow) == 40
    assert count(stores[0], ArticleRevisionRow) == 40
    for store in stores:
        store.close()


def test_a_sqlite_store_shared_by_threads_opens_one_connection(tmp_path):
    # A crawl's writer thread and its lookups share the store: each further SQLite
    # connection only waited for the write lock while keeping a page cache of its own.
    store = open_store(f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    opened = []
    event.listen(store.engine, "connect", lambda connection, record: opened.append(record))
    barrier = threading.Barrier(4)
    errors = []

    def work(worker):
        try:
            barrier.wait()
            for start in range(0, 20, 5):
                ids = [f"20230911{worker}0{i:04d}" for i in range(start, start + 5)]
                store.save_articles([article(i) for i in ids])
                assert store.known_article_ids("koreaherald", ids) == set(ids)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count(store, ArticleRow) == 80
    assert len(opened) == 1
    store.close()


def sqlite_memory_used() -> int:
    """Bytes the SQLite library holds in this process (its page caches, its statements)."""
    import _sqlite3

    library = ctypes.CDLL(_sqlite3.__file__)
    library.sqlite3_memory_used.restype = ctypes.c_int64
    return int(library.sqlite3_memory_used())


def test_sqlite_memory_stays_bounded_whatever_the_batch_sizes(tmp_path):
    # Each batch size is a statement of its own (one row of values per article): cached
    # prepared, 128 of them held about 10 MiB per connection.
    store = open_store(f"sqlite:///{tmp_path / 'sizes.sqlite3'}")
    store.save_articles([article()])
    before = sqlite_memory_used()
    for size in range(1, 101):
        store.save_articles([article(f"2023{size:04d}00{i:04d}") for i in range(size)])
    assert count(store, ArticleRow) == 1 + sum(range(1, 101))
    assert sqlite_memory_used() - before < 5 * 2**20
    store.close()


def test_empty_database_is_created_even_without_auto_migrate(database_url):
    strict = open_store(database_url, auto_migrate=False)
    strict.known_article_ids("koreaherald", ["x"])
    assert current_revision(strict.engine) == head_revision()
    strict.close()


def test_outdated_schema_without_auto_migrate_is_refused(database_url):
    store = open_store(database_url)
    ensure_schema(store.engine, auto_migrate=True)
    with store.engine.begin() as connection:  # pretend the code is newer than the database
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
    store.close()
    strict = open_store(database_url, auto_migrate=False)
    with pytest.raises(SchemaOutdated, match="newsbot migrate"):
        strict.known_article_ids("koreaherald", ["x"])
    strict.close()


def test_a_batch_keeps_exact_counts_around_the_items_it_refuses(store):
    from newsbot.storage.batches import save_batch

    store.save_articles([article("20230911000001"), article("20230911000002")])
    batch = [
        article("20230911000001"),  # unchanged
        article("20230911000002", body="Corrected."),  # revised
        article("20230911000003", title="Bad \ud800"),  # cannot be encoded
        article("20230911000004"),  # new
    ]
    outcome = save_batch(store, batch, snapshot(datetime(2023, 9, 22, tzinfo=UTC), ["a", "b"]))
    saved = outcome.saved
    assert (saved.new, saved.revised, saved.unchanged) == (1, 1, 1)
    assert outcome.ranks_stored == 2
    [refusal] = outcome.refused
    assert refusal.item is batch[2]
    assert refusal.reason == "store_UnicodeEncodeError"
    assert outcome.error is None
    assert count(store, ArticleRow) == 3
    assert count(store, ArticleRevisionRow) == 4


def test_an_unreachable_database_stops_the_batch_and_keeps_it_whole(tmp_path):
    from newsbot.storage.batches import is_connectivity_error, save_batch
    from tests.tcpproxy import TcpProxy

    closed = TcpProxy("127.0.0.1", 5432)
    closed.cut()
    dead = open_store(f"postgresql+psycopg://postgres@127.0.0.1:{closed.port}/test")
    articles = [article("20230911000001"), article("20230911000002", title="Bad \ud800")]
    ranks = snapshot(datetime(2023, 9, 22, tzinfo=UTC), ["a"])
    outcome = save_batch(dead, articles, ranks)
    dead.close()
    assert is_connectivity_error(outcome.error)
    assert outcome.refused == []  # nothing is blamed on the data while the database is away
    assert outcome.unsaved_articles == articles
    assert outcome.unsaved_ranks == ranks


def _finished_run(crawl_uuid: str, reason: str = "finished") -> CrawlRun:
    return CrawlRun(
        crawl_uuid=crawl_uuid,
        spider="koreaherald",
        arguments={"pages": "2"},
        started_at=datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
        finished_at=datetime(2026, 11, 30, 10, 5, tzinfo=UTC),
        finish_reason=reason,
        stats={"item_scraped_count": 3},
    )


def test_complete_run_inserts_a_run_whose_start_was_not_recorded_once(store):
    run = _finished_run("a" * 32)
    run_id = store.complete_run(run)
    assert store.complete_run(run) == run_id  # replayed again: the same row
    with store.engine.connect() as connection:
        rows = connection.execute(select(CrawlRunRow)).mappings().all()
    assert len(rows) == 1
    assert rows[0]["id"] == run_id
    assert rows[0]["crawl_uuid"] == "a" * 32
    assert rows[0]["started_at"] == run.started_at
    assert rows[0]["finished_at"] == run.finished_at
    assert rows[0]["finish_reason"] == "finished"
    assert rows[0]["stats"] == {"item_scraped_count": 3}


def test_complete_run_completes_the_row_its_start_recorded(store):
    other = store.start_run("koreaherald", {}, crawl_uuid="b" * 32)
    run_id = store.start_run(
        "koreaherald", {"pages": "2"}, crawl_uuid="c" * 32, started_at=_finished_run("").started_at
    )
    assert store.complete_run(_finished_run("c" * 32, "shutdown")) == run_id
    with store.engine.connect() as connection:
        rows = {row["id"]: row for row in connection.execute(select(CrawlRunRow)).mappings()}
    assert set(rows) == {other, run_id}
    assert rows[run_id]["finish_reason"] == "shutdown"
    assert rows[run_id]["finished_at"] == datetime(2026, 11, 30, 10, 5, tzinfo=UTC)
    assert rows[other]["finished_at"] is None


def batches(items, size):
    return [items[start : start + size] for start in range(0, len(items), size)]


def total(results):
    results = list(results)
    return (
        sum(r.new for r in results),
        sum(r.revised for r in results),
        sum(r.unchanged for r in results),
    )


def test_the_three_mixes_give_exact_counts(store):
    crawled = datetime(2023, 9, 22, 9, 0, tzinfo=UTC)
    later = crawled + timedelta(hours=2)
    first = [article(f"2023091100{i:04d}", crawled_at=crawled) for i in range(200)]
    seen_again = [replace(a, crawled_at=later) for a in first]
    edited = [
        replace(a, body=f"Corrected {i}.", crawled_at=later + timedelta(hours=1))
        if i % 10 == 0
        else replace(a, crawled_at=later + timedelta(hours=1))
        for i, a in enumerate(first)
    ]
    assert total(store.save_articles(b) for b in batches(first, 50)) == (200, 0, 0)
    assert total(store.save_articles(b) for b in batches(seen_again, 50)) == (0, 0, 200)
    assert total(store.save_articles(b) for b in batches(edited, 50)) == (0, 20, 180)
    assert count(store, ArticleRow) == 200
    assert count(store, ArticleRevisionRow) == 220
    with store.engine.connect() as connection:
        rows = {
            row.article_id: row
            for row in connection.execute(
                select(
                    ArticleRow.article_id,
                    ArticleRow.body,
                    ArticleRow.revision_count,
                    ArticleRow.first_seen_at,
                    ArticleRow.last_seen_at,
                )
            )
        }
        revised = connection.execute(
            select(
                ArticleRevisionRow.revision, ArticleRevisionRow.body, ArticleRevisionRow.crawled_at
            )
            .join(ArticleRow, ArticleRow.id == ArticleRevisionRow.article_pk)
            .where(ArticleRow.article_id == "20230911000010")
            .order_by(ArticleRevisionRow.revision)
        ).all()
    assert rows["20230911000010"].body == "Corrected 10."
    assert rows["20230911000010"].revision_count == 2
    assert rows["20230911000011"].body == "First paragraph.\n\nSecond paragraph. (Yonhap)"
    assert rows["20230911000011"].revision_count == 1
    assert {row.first_seen_at for row in rows.values()} == {crawled}
    assert {row.last_seen_at for row in rows.values()} == {later + timedelta(hours=1)}
    assert [(r.revision, r.body, r.crawled_at) for r in revised] == [
        (1, "First paragraph.\n\nSecond paragraph. (Yonhap)", crawled),
        (2, "Corrected 10.", later + timedelta(hours=1)),
    ]


def test_the_last_copy_of_an_article_in_a_batch_is_the_one_stored(store):
    result = store.save_articles([article(body="Draft."), article(body="Final.")])
    assert (result.new, result.revised, result.unchanged) == (1, 0, 0)
    with store.engine.connect() as connection:
        assert connection.execute(select(ArticleRow.body)).scalar_one() == "Final."
        assert connection.execute(select(ArticleRevisionRow.body)).scalar_one() == "Final."


def test_an_article_seen_earlier_than_its_last_sighting_keeps_its_last_seen_time(store):
    late = datetime(2023, 9, 23, tzinfo=UTC)
    store.save_articles([article(crawled_at=late)])
    assert store.save_articles([article(crawled_at=late - timedelta(days=1))]).unchanged == 1
    with store.engine.connect() as connection:
        assert connection.execute(select(ArticleRow.last_seen_at)).scalar_one() == late


@pytest.mark.parametrize("round_", range(3))
def test_two_writers_count_each_change_once(database_url, round_):
    """Two crawlers save overlapping batches at once: the counts add up as if one after the
    other, with one row per article and one revision per real change."""
    prefix = f"2023091{round_}00"
    stored = [article(f"{prefix}{i:04d}") for i in range(25)]
    setup = open_store(database_url)
    setup.save_articles(stored)
    setup.close()

    def seen_by(writer):
        return [
            *stored[:10],  # unchanged
            *(replace(a, body="Corrected by both.") for a in stored[10:20]),  # the same edit
            *(replace(a, body=f"Corrected by {writer}.") for a in stored[20:25]),  # its own edit
            *(article(f"{prefix}{i:04d}") for i in range(25, 55)),  # new to the database
        ]

    plans = {"a": (seen_by("a"), 7), "b": (list(reversed(seen_by("b"))), 11)}
    stores = {writer: open_store(database_url) for writer in plans}
    for opened in stores.values():
        opened.known_article_ids("koreaherald", ["x"])  # schema checked before the race
    results, errors = [], []
    barrier = threading.Barrier(len(plans))

    def write(writer):
        items, size = plans[writer]
        try:
            barrier.wait()
            for chunk in batches(items, size):
                results.append(stores[writer].save_articles(chunk))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for opened in stores.values():
        opened.close()
    assert errors == []
    # One after the other: the first writer finds 30 new, 10 + 5 revised, 10 unchanged; the
    # second finds its own 5 edits revised, everything else unchanged.
    assert total(results) == (30, 20, 60)
    check = open_store(database_url)
    assert count(check, ArticleRow) == 55
    assert count(check, ArticleRevisionRow) == 55 + 10 + 10
    with check.engine.connect() as connection:
        revisions = connection.execute(
            select(ArticleRow.article_id, ArticleRow.revision_count, ArticleRevisionRow.revision)
            .join(ArticleRevisionRow, ArticleRow.id == ArticleRevisionRow.article_pk)
            .order_by(ArticleRow.article_id, ArticleRevisionRow.revision)
        ).all()
    check.close()
    numbers: dict[str, list[int]] = {}
    for row in revisions:
        numbers.setdefault(row.article_id, []).append(row.revision)
    expected = {
        f"{prefix}{i:04d}": 2 if 10 <= i < 20 else 3 if 20 <= i < 25 else 1 for i in range(55)
    }
    assert {article_id: len(found) for article_id, found in numbers.items()} == expected
    assert all(found == list(range(1, len(found) + 1)) for found in numbers.values())
    assert {row.article_id: row.revision_count for row in revisions} == expected


def test_a_batch_refused_in_part_by_postgresql_stores_the_rest_exactly_once():
    from newsbot.storage.batches import save_batch
    from tests.databases import postgres_database

    with postgres_database() as url:
        setup = open_store(url)
        setup.save_articles([article("20230911000001"), article("20230911000002")])
        setup.close()
        store = open_store(url)  # its first transaction is the one that fails
        batch = [
            article("20230911000003", body="Before\x00after"),  # NUL: PostgreSQL text refuses it
            article("20230911000001"),  # unchanged
            article("20230911000002", body="Corrected."),  # revised
            article("20230911000004", site="s" * 256),  # site longer than varchar(255)
            article("20230911000005"),  # new
            article("20230911000006", authors=["Before\x00after"]),  # NUL in JSON
            article("20230911000007"),  # new
        ]
        outcome = save_batch(store, batch, [])
        again = save_batch(store, batch, [])
        assert outcome.error is None
        saved = outcome.saved
        assert (saved.new, saved.revised, saved.unchanged) == (2, 1, 1)
        assert [(r.item, r.reason) for r in outcome.refused] == [
            (batch[0], "store_DataError"),
            (batch[3], "store_DataError"),
            (batch[5], "store_DataError"),
        ]
        assert "NUL" in outcome.refused[0].message
        assert "too long" in outcome.refused[1].message
        saved = again.saved
        assert (saved.new, saved.revised, saved.unchanged) == (0, 0, 4)
        assert len(again.refused) == 3
        assert count(store, ArticleRow) == 4
        assert count(store, ArticleRevisionRow) == 5
        store.close()


def test_a_connection_lost_during_the_copy_keeps_the_batch_whole():
    import psycopg
    from sqlalchemy import event
    from sqlalchemy.engine import make_url

    from newsbot.storage.batches import is_connectivity_error, save_batch
    from tests.databases import postgres_database

    with postgres_database() as url:
        store = open_store(url)
        store.save_articles([article("20230911000001")])  # the next statement is the COPY
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as admin:

            def kill(dbapi_connection, record, proxy):  # after the pool's liveness check
                pid = dbapi_connection.info.backend_pid
                admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])

            event.listen(store.engine, "checkout", kill)
            batch = [article("20230911000002"), article("20230911000003")]
            outcome = save_batch(store, batch, [])
            event.remove(store.engine, "checkout", kill)
        assert is_connectivity_error(outcome.error)
        assert outcome.refused == []  # nothing is blamed on the data
        assert outcome.unsaved_articles == batch
        assert store.save_articles(batch).new == 2  # once the connection is back
        store.close()
