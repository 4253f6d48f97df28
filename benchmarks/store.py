"""Figure 3, store cost: rows/s of newsbot's store ÷ raw batched ``executemany``.

The same rows, SQLite and PostgreSQL (goal ≥ 0.5). Page weight does not enter: rows come
from the replica's corpus, not from pages.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import Mode, fresh

POSTGRES_ADMIN = os.environ.get(
    "NEWSBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def figure(mode: Mode, scratch: Path) -> dict[str, Any]:
    from newsbot.replica.corpus import build_corpus

    corpus = build_corpus("2023", mode.store_rows)
    crawled = datetime.now(UTC)
    articles = [_article(a, crawled) for a in corpus.articles]
    results = {"rows": len(articles), "goal": ">= 0.5"}
    results["sqlite"] = _store_pair(
        lambda: f"sqlite:///{fresh(scratch / f'db-{time.monotonic_ns()}')}/bench.sqlite3",
        articles,
    )
    results["postgresql"] = _store_pair(_postgres_database, articles)
    return results


def _article(truth: Any, crawled: datetime) -> Any:
    from newsbot.items import Article

    return Article(
        url=f"https://www.koreaherald.com/view.php?ud={truth.article_id}",
        article_id=truth.article_id, site="koreaherald", layout="2023",
        section=truth.sections[0], title=truth.title, subtitle=truth.subtitle,
        kicker=truth.kicker, authors=list(truth.authors), published_at=truth.published_at,
        updated_at=truth.updated_at, body=truth.body,
        images=[{"url": f"https://www.koreaherald.com{p}", "caption": c} for p, c in truth.images],
        crawled_at=crawled,
    )  # fmt: skip


_DATABASES: list[str] = []


def _postgres_database() -> str:
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    name = f"newsbot_bench_{uuid.uuid4().hex[:10]}"
    admin = make_url(POSTGRES_ADMIN).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    _DATABASES.append(name)
    return make_url(POSTGRES_ADMIN).set(database=name).render_as_string(hide_password=False)


def drop_postgres_databases() -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(POSTGRES_ADMIN).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        for name in _DATABASES:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _DATABASES.clear()


def _store_pair(new_database: Callable[[], str], articles: list[Any]) -> dict[str, Any]:
    from newsbot.storage.migrate import ensure_schema
    from newsbot.storage.sql import SqlStore

    def with_store(write: Callable[[SqlStore], None]) -> float:
        store = SqlStore(new_database())
        ensure_schema(store.engine, auto_migrate=True)
        started = time.perf_counter()
        write(store)
        elapsed = time.perf_counter() - started
        store.close()
        return len(articles) / elapsed

    def newsbot(store: SqlStore) -> None:
        for start in range(0, len(articles), 100):
            store.save_articles(articles[start : start + 100])

    def raw(store: SqlStore) -> None:
        _raw_executemany(store, articles)

    newsbot_rates = [with_store(newsbot) for _ in range(2)]
    raw_rates = [with_store(raw) for _ in range(2)]
    newsbot_rate, raw_rate = max(newsbot_rates), max(raw_rates)
    return {
        "newsbot_rows_per_s": round(newsbot_rate),
        "raw_executemany_rows_per_s": round(raw_rate),
        "ratio": round(newsbot_rate / raw_rate, 3),
        "samples_rows_per_s": {
            "newsbot": [round(rate) for rate in newsbot_rates],
            "raw_executemany": [round(rate) for rate in raw_rates],
        },
    }


def _raw_executemany(store: Any, articles: list[Any]) -> None:
    """The same rows (article and first revision), batched, through the driver directly."""
    from newsbot.storage.serialize import content_hash

    postgres = store.engine.dialect.name == "postgresql"
    mark, json_mark = ("%s", "%s::jsonb") if postgres else ("?", "?")
    article_columns = (
        "id, site, article_id, url, layout, section, title, subtitle, kicker, authors, "
        "published_at, updated_at, body, images, content_hash, revision_count, "
        "first_seen_at, last_seen_at"
    )
    article_marks = ", ".join([mark] * 9 + [json_mark] + [mark] * 3 + [json_mark] + [mark] * 4)
    revision_columns = (
        "article_pk, revision, content_hash, url, title, subtitle, kicker, authors, "
        "published_at, updated_at, body, images, crawled_at"
    )
    revision_marks = ", ".join([mark] * 7 + [json_mark] + [mark] * 3 + [json_mark, mark])
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for start in range(0, len(articles), 100):
            if (
                not postgres
            ):  # newsbot's engine runs SQLite in autocommit: open the batch's transaction
                cursor.execute("BEGIN")
            batch = list(enumerate(articles[start : start + 100], start=start + 1))
            rows, revision_rows = [], []
            for pk, a in batch:
                digest = content_hash(a)
                authors, images = json.dumps(a.authors), json.dumps(a.images)
                published = a.published_at.astimezone(UTC)
                updated = a.updated_at.astimezone(UTC) if a.updated_at else None
                when = (published, updated) if postgres else (str(published), str(updated))
                rows.append(
                    (pk, a.site, a.article_id, a.url, a.layout, a.section, a.title, a.subtitle,
                     a.kicker, authors, when[0], when[1], a.body, images, digest, 1,
                     a.crawled_at if postgres else str(a.crawled_at),
                     a.crawled_at if postgres else str(a.crawled_at))
                )  # fmt: skip
                revision_rows.append(
                    (pk, 1, digest, a.url, a.title, a.subtitle, a.kicker, authors, when[0],
                     when[1], a.body, images, a.crawled_at if postgres else str(a.crawled_at))
                )  # fmt: skip
            cursor.executemany(
                f"INSERT INTO articles ({article_columns}) VALUES ({article_marks})",
                rows,
            )
            cursor.executemany(
                f"INSERT INTO article_revisions ({revision_columns}) VALUES ({revision_marks})",
                revision_rows,
            )
            raw.commit()
    finally:
        raw.close()


def lines(result: dict[str, Any]) -> list[str]:
    s = result
    return [
        f"3. store cost        SQLite {s['sqlite']['ratio']:.2f}, PostgreSQL "
        f"{s['postgresql']['ratio']:.2f} of raw executemany ({s['rows']} rows; goal >= 0.5)"
    ]
