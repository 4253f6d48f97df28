"""SqlStore: the one SQL implementation of :class:`~newsbot.storage.Store`, SQLite and PostgreSQL.

Two dialect switches: the ``INSERT … ON CONFLICT`` construct, which both dialects have, and
how a batch of articles is written: on PostgreSQL it is copied into a staging table and
merged with a few set-based statements (``COPY`` is many times faster than row-by-row
parameters); SQLite, in-process, takes the rows as parameters. Every write is idempotent,
so a batch can be retried (after an outage, from the spool) without creating duplicates, and
several crawlers can write to one database.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Dialect,
    Engine,
    bindparam,
    case,
    create_engine,
    delete,
    event,
    exc,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Row, make_url
from sqlalchemy.pool import ConnectionPoolEntry

from newsbot.items import Article, PopularRank
from newsbot.storage import CrawlRun, LostArticle, SaveResult
from newsbot.storage.migrate import ensure_schema
from newsbot.storage.serialize import content_hash
from newsbot.storage.tables import UTCDateTime, articles
from newsbot.storage.tables import article_revisions as revisions
from newsbot.storage.tables import crawl_runs as runs
from newsbot.storage.tables import lost_articles as lost_table
from newsbot.storage.tables import popular_ranks as ranks_table
from newsbot.storage.tables import popular_snapshots as snapshots

logger = logging.getLogger(__name__)

# Every SQLite transaction takes the write lock as it begins (_sqlite_begin), so a second
# connection of a store never runs beside the first: it only waits its turn, with a page cache
# (up to 2 MiB) and prepared statements of its own.
SQLITE_CONNECTIONS = 1
# Prepared statements each SQLite connection keeps (the driver's default is 128). A batch of n
# articles is a statement of its own, and a long one: 128 of them held about 10 MiB. Preparing
# again costs about 2 % of a batch's write (measured).
SQLITE_STATEMENT_CACHE = 16


# --- PostgreSQL: a batch of articles is COPYed into a staging table, then merged ---------------
#
# Concurrency (READ COMMITTED, several crawlers writing the same articles):
# - New articles are inserted in key order with ON CONFLICT DO NOTHING. If another writer
#   inserted the same article and has not committed, PostgreSQL makes us wait for it; then
#   the article is not ours to insert (it is not counted as new) and is handled below as an
#   existing one. Inserting in one global order means two writers cannot deadlock here.
# - Existing articles (all but those just inserted) are then locked (FOR NO KEY UPDATE), in
#   id order, in one statement.
#   The lock returns each row's latest committed version, so the content hash we compare
#   is the one we will update: a change is counted and recorded as a revision exactly once,
#   on top of the version it follows, as if the writers had run one after the other. Taking
#   every lock in that one ordered statement (later statements only touch rows already
#   locked) keeps two writers from waiting on each other in a cycle.
STAGING = "newsbot_article_batch"
CONTENT_COLUMNS = (
    "content_hash",
    "url",
    "title",
    "subtitle",
    "kicker",
    "authors",
    "published_at",
    "updated_at",
    "body",
    "images",
    "provenance",
)
STAGING_COLUMNS = ("site", "article_id", "layout", "section", "crawled_at", *CONTENT_COLUMNS)
_CONTENT = ", ".join(CONTENT_COLUMNS)
_STAGED_CONTENT = ", ".join(f"s.{name}" for name in CONTENT_COLUMNS)
# The statements below are f-strings of these constant names only: every value is a parameter.
# Plain text columns: a value too long for the real table is refused by the merge, with
# PostgreSQL's own message. Emptied at each commit (and gone on rollback); one per connection.
CREATE_STAGING = f"""
CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} (
    site text NOT NULL, article_id text NOT NULL, layout text, section text,
    crawled_at timestamptz NOT NULL, content_hash text NOT NULL, url text, title text,
    subtitle text, kicker text, authors jsonb, published_at timestamptz,
    updated_at timestamptz, body text, images jsonb, provenance jsonb
) ON COMMIT DELETE ROWS
"""
COPY_STAGING = f"COPY {STAGING} ({', '.join(STAGING_COLUMNS)}) FROM STDIN"
# The batch's articles are no longer lost, if they were (a CTE runs even if not read).
INSERT_NEW = text(f"""
WITH forgotten AS (
    DELETE FROM lost_articles l USING {STAGING} s
    WHERE l.site = s.site AND l.article_id = s.article_id
), inserted AS (
    INSERT INTO articles (site, article_id, layout, section, revision_count, first_seen_at,
                          last_seen_at, {_CONTENT})
    SELECT site, article_id, layout, section, 1, crawled_at, crawled_at, {_CONTENT}
    FROM {STAGING} ORDER BY site, article_id
    ON CONFLICT (site, article_id) DO NOTHING
    RETURNING id, site, article_id
)
INSERT INTO article_revisions (article_pk, revision, crawled_at, {_CONTENT})
SELECT inserted.id, 1, s.crawled_at, {_STAGED_CONTENT}
FROM inserted JOIN {STAGING} s ON s.site = inserted.site AND s.article_id = inserted.article_id
RETURNING article_pk
""")  # noqa: S608 - built from the column names above, no value
LOCK_EXISTING = text(f"""
SELECT a.id, a.content_hash <> s.content_hash AS changed
FROM articles a JOIN {STAGING} s ON a.site = s.site AND a.article_id = s.article_id
WHERE a.id <> ALL(CAST(:new AS bigint[]))
ORDER BY a.id
FOR NO KEY UPDATE OF a
""")  # noqa: S608 - built from the column names above, no value
# The existing rows, locked above: unchanged ones seen again, edited ones revised.
UPDATE_EXISTING = text(f"""
WITH touched AS (
    UPDATE articles a SET last_seen_at = s.crawled_at
    FROM {STAGING} s
    WHERE a.id = ANY(CAST(:unchanged AS bigint[]))
      AND a.site = s.site AND a.article_id = s.article_id AND a.last_seen_at < s.crawled_at
), revised AS (
    UPDATE articles a
    SET layout = s.layout, section = s.section, revision_count = a.revision_count + 1,
        last_seen_at = s.crawled_at,
        {", ".join(f"{name} = s.{name}" for name in CONTENT_COLUMNS)}
    FROM {STAGING} s
    WHERE a.id = ANY(CAST(:changed AS bigint[]))
      AND a.site = s.site AND a.article_id = s.article_id
    RETURNING a.id, a.revision_count, s.crawled_at, {_STAGED_CONTENT}
)
INSERT INTO article_revisions (article_pk, revision, crawled_at, {_CONTENT})
SELECT id, revision_count, crawled_at, {_CONTENT} FROM revised
RETURNING article_pk
""")  # noqa: S608 - built from the column names above, no value


def create_store_engine(url: str) -> Engine:
    """An engine that survives a database restart and does not hang on a dead one."""
    connect_args: dict[str, Any] = {}
    pool_args: dict[str, Any] = {}
    if url.startswith("postgresql"):
        connect_args = {"connect_timeout": 10}
    elif url.startswith("sqlite"):
        connect_args = {"timeout": 30, "cached_statements": SQLITE_STATEMENT_CACHE}
        if _sqlite_file_url(url):
            pool_args = {"pool_size": SQLITE_CONNECTIONS, "max_overflow": 0, "pool_timeout": 30}
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args, **pool_args)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_file_url(url: str) -> bool:
    # An in-memory database keeps SQLAlchemy's pool of one connection per thread.
    database = make_url(url).database
    if not database or database == ":memory:":
        return False
    return not database.startswith("file::memory:")


def _sqlite_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    # WAL lets readers and the writer overlap; foreign keys are off by default in SQLite.
    # The driver's own transaction handling is turned off so that _sqlite_begin decides.
    dbapi_connection.isolation_level = None
    # SQLite's lower() knows only ASCII; PostgreSQL's knows every script. Same answers on both.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL is a property of the database file: set once, by the first connection ever. Two
    # first connections racing to set it get "locked" without waiting, so retry briefly.
    deadline = time.monotonic() + 30
    while cursor.execute("PRAGMA journal_mode").fetchone()[0] not in ("wal", "memory"):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")  # may answer another mode: accepted
            break
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    cursor.close()


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _sqlite_begin(connection: Connection) -> None:
    # A transaction that reads, then writes, fails at once ("database is locked") if another
    # connection wrote in between; taking the write lock up front makes it wait its turn
    # instead (up to the busy timeout). DDL becomes transactional too.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class SqlStore:
    """Articles, revisions, ranking snapshots and crawl runs in one SQL database."""

    def __init__(self, url: str, auto_migrate: bool = True) -> None:
        self.engine = create_store_engine(url)
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)  # the embedded default
        self.auto_migrate = auto_migrate
        self._schema_ready = False

    # --- writes -----------------------------------------------------------------------

    def save_articles(self, batch: Sequence[Article]) -> SaveResult:
        """Insert new articles with revision 1; add a revision to each whose content changed.

        One transaction per batch, with one statement per kind of change (new articles, their
        first revisions, edited articles, their new revisions, unchanged articles seen again).
        """
        result = SaveResult()
        if not batch:
            return result
        self._ready()
        latest: dict[tuple[str, str], Article] = {}
        for article in batch:  # the batch's last copy of an article is its newest
            latest[(_required(article.site), _required(article.article_id))] = article
        digests = {key: content_hash(article) for key, article in latest.items()}
        if self.engine.dialect.name == "postgresql":
            return self._save_staged(latest, digests)
        with self.engine.begin() as connection:
            # SQLite: the transaction took the write lock when it began (_sqlite_begin), so
            # what it reads stays current until it commits.
            existing = self._existing(connection, latest)
            fresh = [key for key in latest if key not in existing]
            inserted = self._insert_articles(connection, fresh, latest, digests)
            result.new = len(inserted)
            lost_races = [key for key in fresh if key not in inserted]
            existing |= self._existing(connection, {k: latest[k] for k in lost_races})
            changed = {k: row for k, row in existing.items() if row["content_hash"] != digests[k]}
            self._revise(connection, changed, latest, digests)
            result.revised = len(changed)
            seen_again = [row["id"] for key, row in existing.items() if key not in changed]
            seen = max(_required(a.crawled_at) for a in latest.values())
            self._touch(connection, seen_again, seen)
            result.unchanged = len(seen_again)
            self._forget_lost(connection, list(latest))
        return result

    def _save_staged(
        self, latest: dict[tuple[str, str], Article], digests: dict[tuple[str, str], str]
    ) -> SaveResult:
        """PostgreSQL: COPY the batch into the staging table, merge it in one transaction."""
        result = SaveResult()
        with self.engine.begin() as connection:
            info = connection.connection.info
            created = info.get(STAGING)
            if not created:
                connection.exec_driver_sql(CREATE_STAGING)
            self._copy_staged(connection, latest, digests)
            if not created:
                # Statistics of a typical batch, kept after the rows go: without them the
                # planner guesses the staging table large and scans the whole articles table.
                connection.exec_driver_sql(f"ANALYZE {STAGING}")
            new = connection.execute(INSERT_NEW).scalars().all()
            existing: Sequence[Row[Any]] = []
            if len(new) < len(latest):  # else nothing to lock
                existing = connection.execute(LOCK_EXISTING, {"new": list(new)}).all()
            changed = [row.id for row in existing if row.changed]
            unchanged = [row.id for row in existing if not row.changed]
            if existing:
                revised = connection.execute(
                    UPDATE_EXISTING, {"unchanged": unchanged, "changed": changed}
                ).all()
                result.revised = len(revised)
        info[STAGING] = True  # created and committed (a rolled-back creation is redone)
        result.new = len(new)
        result.unchanged = len(unchanged)
        return result

    def _copy_staged(
        self,
        connection: Connection,
        latest: dict[tuple[str, str], Article],
        digests: dict[tuple[str, str], str],
    ) -> None:
        dialect = self.engine.dialect
        rows = [_staging_row(a, digests[key], dialect) for key, a in latest.items()]
        driver = connection.connection.driver_connection
        assert driver is not None  # noqa: S101 - a checked-out connection has one
        dbapi = self.engine.dialect.loaded_dbapi
        try:
            with driver.cursor() as cursor, cursor.copy(COPY_STAGING) as copy:
                for row in rows:
                    copy.write_row(row)
        except dbapi.Error as error:
            # COPY goes through the driver, past SQLAlchemy: its error is wrapped as every
            # other statement's is, so that a refused value is refused as store_DataError
            # and a lost connection spools the batch (storage.batches tells them apart).
            raise exc.DBAPIError.instance(
                COPY_STAGING,
                None,
                error,
                dbapi.Error,
                connection_invalidated=self.engine.dialect.is_disconnect(error, driver, None),
            ) from error

    def save_ranks(self, batch: Sequence[PopularRank]) -> int:
        """Store ranking entries; each (site, list, captured_at) is one snapshot."""
        if not batch:
            return 0
        self._ready()
        grouped: dict[tuple[str, str, datetime], list[PopularRank]] = defaultdict(list)
        for rank in batch:
            key = (_required(rank.site), _required(rank.list_name), _required(rank.captured_at))
            grouped[key].append(rank)
        stored = 0
        with self.engine.begin() as connection:
            for (site, list_name, captured_at), entries in grouped.items():
                insert = self._insert(snapshots).values(
                    site=site,
                    list_name=list_name,
                    captured_at=captured_at,
                    source_url=entries[0].source_url or "",
                )
                connection.execute(
                    insert.on_conflict_do_nothing(
                        index_elements=["site", "list_name", "captured_at"]
                    )
                )
                snapshot_id = connection.execute(
                    select(snapshots.c.id).where(
                        snapshots.c.site == site,
                        snapshots.c.list_name == list_name,
                        snapshots.c.captured_at == captured_at,
                    )
                ).scalar_one()
                rows = [
                    {
                        "snapshot_id": snapshot_id,
                        "rank": entry.rank,
                        "title": entry.title,
                        "url": entry.url,
                        "article_id": entry.article_id,
                    }
                    for entry in entries
                ]
                done = connection.execute(
                    self._insert(ranks_table)
                    .values(rows)
                    .on_conflict_do_nothing(index_elements=["snapshot_id", "rank"])
                    .returning(ranks_table.c.rank)  # rowcount is unreliable for multi-row inserts
                )
                stored += len(done.all())
        return stored

    def known_article_ids(self, site: str, article_ids: Iterable[str]) -> set[str]:
        """Which of ``article_ids`` are stored for ``site``."""
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return set()
        self._ready()
        with self.engine.connect() as connection:
            found = connection.execute(
                select(articles.c.article_id).where(
                    articles.c.site == site, articles.c.article_id.in_(ids)
                )
            )
            return set(found.scalars())

    def start_run(
        self,
        spider: str,
        arguments: dict[str, Any],
        crawl_uuid: str | None = None,
        started_at: datetime | None = None,
    ) -> int:
        """Record a crawl's start."""
        self._ready()
        with self.engine.begin() as connection:
            inserted = connection.execute(
                runs.insert()
                .values(
                    spider=spider,
                    arguments=arguments,
                    started_at=started_at or datetime.now(UTC),
                    crawl_uuid=crawl_uuid,
                )
                .returning(runs.c.id)
            )
            return int(inserted.scalar_one())

    def complete_run(self, run: CrawlRun) -> int:
        """Complete (or insert) the row of ``run.crawl_uuid``.

        One upsert: replaying the same record again, or after a replay that died, leaves one
        row with the same values.
        """
        self._ready()
        insert = self._insert(runs).values(
            crawl_uuid=run.crawl_uuid,
            spider=run.spider,
            arguments=run.arguments,
            started_at=run.started_at,
            finished_at=run.finished_at,
            finish_reason=run.finish_reason,
            stats=run.stats,
        )
        upsert = insert.on_conflict_do_update(
            index_elements=["crawl_uuid"],
            set_={
                "finished_at": insert.excluded.finished_at,
                "finish_reason": insert.excluded.finish_reason,
                "stats": insert.excluded.stats,
            },
        ).returning(runs.c.id)
        with self.engine.begin() as connection:
            return int(connection.execute(upsert).scalar_one())

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()

    # --- lost articles: pages a crawl could not read, retried until stored or given up ---

    def record_lost_article(
        self,
        site: str,
        article_id: str,
        url: str,
        reason: str,
        section: str | None,
        max_attempts: int,
        when: datetime,
    ) -> LostArticle:
        """Count one more lost attempt at an article (an upsert); given up at ``max_attempts``."""
        self._ready()
        attempts = lost_table.c.attempts + 1
        insert = self._insert(lost_table).values(
            site=site,
            article_id=article_id,
            url=url,
            section=section,
            last_reason=reason,
            attempts=1,
            first_lost_at=when,
            last_lost_at=when,
            given_up=max_attempts <= 1,
        )
        upsert = insert.on_conflict_do_update(
            index_elements=["site", "article_id"],
            set_={
                "url": url,
                "section": func.coalesce(insert.excluded.section, lost_table.c.section),
                "last_reason": reason,
                "attempts": attempts,
                "last_lost_at": when,
                "given_up": case((attempts >= max_attempts, True), else_=False),
            },
        ).returning(*lost_table.c)
        with self.engine.begin() as connection:
            row = connection.execute(upsert).mappings().one()
        return _lost(row)

    def lost_articles(
        self, site: str | None = None, given_up: bool | None = False, limit: int | None = None
    ) -> list[LostArticle]:
        """Lost articles to retry (``given_up`` True: given up; None: both), oldest first."""
        self._ready()
        query = select(lost_table)
        if given_up is not None:
            query = query.where(lost_table.c.given_up == given_up)
        if site is not None:
            query = query.where(lost_table.c.site == site)
        query = query.order_by(lost_table.c.first_lost_at, lost_table.c.id).limit(limit)
        with self.engine.connect() as connection:
            return [_lost(row) for row in connection.execute(query).mappings()]

    def forget_lost_articles(self, site: str, article_ids: Iterable[str]) -> int:
        """Forget lost articles (they were stored after all); returns how many were forgotten."""
        self._ready()
        with self.engine.begin() as connection:
            return self._forget_lost(connection, [(site, i) for i in article_ids])

    def _forget_lost(self, connection: Connection, keys: list[tuple[str, str]]) -> int:
        forgotten = 0
        for site, ids in _ids_by_site(keys).items():
            done = connection.execute(
                delete(lost_table).where(
                    lost_table.c.site == site, lost_table.c.article_id.in_(ids)
                )
            )
            forgotten += done.rowcount
        return forgotten

    # --- helpers ----------------------------------------------------------------------

    def _ready(self) -> None:
        # Checked lazily, so that a crawl starting while the database is down still runs
        # (its items are spooled) and the schema is created once the database is back.
        if not self._schema_ready:
            ensure_schema(self.engine, self.auto_migrate)
            self._schema_ready = True

    def _insert(self, table: Any) -> Any:
        if self.engine.dialect.name == "postgresql":
            # Loaded only here: a crawl on SQLite never needs PostgreSQL's dialect.
            from sqlalchemy.dialects.postgresql import insert as postgresql_insert

            return postgresql_insert(table)
        return sqlite_insert(table)

    def _existing(
        self, connection: Connection, wanted: dict[tuple[str, str], Article]
    ) -> dict[tuple[str, str], dict[str, Any]]:
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for site, ids in _ids_by_site(wanted).items():
            rows = connection.execute(
                select(
                    articles.c.id,
                    articles.c.article_id,
                    articles.c.content_hash,
                    articles.c.revision_count,
                ).where(articles.c.site == site, articles.c.article_id.in_(ids))
            )
            for row in rows.mappings():
                found[(site, row["article_id"])] = dict(row)
        return found

    def _insert_articles(
        self,
        connection: Connection,
        keys: list[tuple[str, str]],
        latest: dict[tuple[str, str], Article],
        digests: dict[tuple[str, str], str],
    ) -> dict[tuple[str, str], int]:
        """Insert new articles and their first revisions; returns the keys inserted.

        Another writer may have inserted some of them first: those are left to the caller.
        """
        if not keys:
            return {}
        rows = []
        for key in keys:
            article = latest[key]
            rows.append(
                {
                    **_content(article, digests[key]),
                    "site": article.site,
                    "article_id": article.article_id,
                    "layout": article.layout,
                    "section": article.section,
                    "revision_count": 1,
                    "first_seen_at": article.crawled_at,
                    "last_seen_at": article.crawled_at,
                }
            )
        # A list of parameter sets, not .values(rows): SQLAlchemy then batches the rows
        # ("insertmanyvalues") with one compiled statement instead of compiling a new one.
        inserted = connection.execute(
            self._insert(articles)
            .on_conflict_do_nothing(index_elements=["site", "article_id"])
            .returning(articles.c.id, articles.c.site, articles.c.article_id),
            rows,
        ).all()
        ids = {(row.site, row.article_id): row.id for row in inserted}
        _copy_revisions(connection, list(ids.values()))
        return ids

    def _revise(
        self,
        connection: Connection,
        changed: dict[tuple[str, str], dict[str, Any]],
        latest: dict[tuple[str, str], Article],
        digests: dict[tuple[str, str], str],
    ) -> None:
        """SQLite: update the edited articles and add their revisions, one statement each."""
        if not changed:
            return
        updates = []
        for key, row in changed.items():
            article, revision = latest[key], row["revision_count"] + 1
            updates.append(
                {
                    **_content(article, digests[key]),
                    "pk": row["id"],
                    "layout": article.layout,
                    "section": article.section,
                    "revision_count": revision,
                    "last_seen_at": article.crawled_at,
                }
            )
        # The SET clause is made of the parameters' other keys, once for every row.
        connection.execute(update(articles).where(articles.c.id == bindparam("pk")), updates)
        _copy_revisions(connection, [row["id"] for row in changed.values()])

    def _touch(self, connection: Connection, article_pks: list[int], seen: datetime) -> None:
        if article_pks:
            connection.execute(
                update(articles)
                .where(articles.c.id.in_(article_pks), articles.c.last_seen_at < seen)
                .values(last_seen_at=seen)
            )


def _copy_revisions(connection: Connection, article_pks: list[int]) -> None:
    """Record the current version of these just written articles as their latest revision.

    Copied inside the database: the rows' values are not sent (and converted) a second time.
    """
    if not article_pks:
        return
    content = [articles.c[name] for name in CONTENT_COLUMNS]
    connection.execute(
        revisions.insert().from_select(
            ["article_pk", "revision", "crawled_at", *CONTENT_COLUMNS],
            select(
                articles.c.id, articles.c.revision_count, articles.c.last_seen_at, *content
            ).where(articles.c.id.in_(article_pks)),
        )
    )


def _content(article: Article, digest: str) -> dict[str, Any]:
    """The ArticleContent columns, shared by the articles and article_revisions tables."""
    return {
        "content_hash": digest,
        "url": article.url,
        "title": article.title,
        "subtitle": article.subtitle,
        "kicker": article.kicker,
        "authors": list(article.authors),
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "body": article.body,
        "images": [dict(image) for image in article.images],
        "provenance": dict(article.provenance),
    }


def _staging_row(article: Article, digest: str, dialect: Dialect) -> tuple[Any, ...]:
    """A row of the staging table, in STAGING_COLUMNS order."""
    return (
        article.site,
        article.article_id,
        article.layout,
        article.section,
        _utc(_required(article.crawled_at), dialect),
        digest,
        article.url,
        article.title,
        article.subtitle,
        article.kicker,
        json.dumps(list(article.authors)),
        _utc(article.published_at, dialect),
        _utc(article.updated_at, dialect),
        article.body,
        json.dumps([dict(image) for image in article.images]),
        json.dumps(dict(article.provenance)),
    )


_UTC_COLUMN = UTCDateTime()


def _utc(value: datetime | None, dialect: Dialect) -> datetime | None:
    """As the UTCDateTime columns bind: naive datetimes refused, aware ones in UTC."""
    return _UTC_COLUMN.process_bind_param(value, dialect)


def _lost(row: Any) -> LostArticle:
    return LostArticle(**{name: row[name] for name in LostArticle.__dataclass_fields__})


def _ids_by_site(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """(site, article_id) keys grouped by site, for one ``IN`` query per site."""
    by_site: dict[str, list[str]] = defaultdict(list)
    for site, article_id in keys:
        by_site[site].append(article_id)
    return by_site


def _required(value: Any) -> Any:
    if value is None:
        raise ValueError("a stored item lacks a key field (validation should have caught it)")
    return value
