"""Migrations build exactly the schema the models describe, both ways, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from newsbot.storage.migrate import current_revision, downgrade, head_revision, upgrade
from newsbot.storage.models import Base

TABLES = {"articles", "article_revisions", "popular_snapshots", "popular_ranks", "crawl_runs"}


def test_upgrade_matches_models_and_round_trips(database_url):
    engine = create_engine(database_url)
    try:
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= TABLES
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == [], "models and migrations disagree: write a migration"
        downgrade(engine, "base")
        assert current_revision(engine) is None
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_migrate_command(database_url, capsys):
    from newsbot.cli import main

    assert main(["--database-url", database_url, "migrate"]) == 0
    assert f"database at {head_revision()} (was empty)" in capsys.readouterr().out
    assert main(["--database-url", database_url, "migrate"]) == 0
    assert f"(was {head_revision()})" in capsys.readouterr().out


def test_crawl_runs_gain_their_crawl_uuid_keeping_older_rows(database_url):
    engine = create_engine(database_url)
    try:
        upgrade(engine, "0003")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO crawl_runs (spider, arguments, started_at) "
                    "VALUES ('koreaherald', '{}', '2026-11-30 10:00:00+00:00')"
                )
            )
        upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT id, crawl_uuid FROM crawl_runs")).all() == [
                (1, None)
            ]
        downgrade(engine, "0003")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM crawl_runs")).scalar_one() == 1
    finally:
        engine.dispose()
