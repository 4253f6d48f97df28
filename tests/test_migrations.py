"""Migrations build exactly the schema the models describe, both ways, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata, produce_migrations, render_python_code
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from newsbot.storage.migrate import (
    SCHEMA_REVISION,
    SchemaOutdated,
    current_revision,
    downgrade,
    ensure_schema,
    head_revision,
    render_item,
    upgrade,
)
from newsbot.storage.models import Base
from tests.databases import database

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


def schema(engine: Engine) -> dict[str, Any]:
    """Everything SQLAlchemy's inspection reports about every table, in a comparable form."""
    inspector = inspect(engine)
    tables: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        # By name: migrations append the columns they add, the models group them by meaning,
        # and newsbot reads no column by its position.
        columns = sorted(
            ({**column, "type": repr(column["type"])} for column in inspector.get_columns(table)),
            key=lambda column: str(column["name"]),
        )
        tables[table] = {
            "columns": columns,
            "primary_key": inspector.get_pk_constraint(table),
            "foreign_keys": sorted(map(repr, inspector.get_foreign_keys(table))),
            "indexes": sorted(map(repr, inspector.get_indexes(table))),
            "unique_constraints": sorted(map(repr, inspector.get_unique_constraints(table))),
            "check_constraints": sorted(map(repr, inspector.get_check_constraints(table))),
        }
    return tables


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_new_database_gets_exactly_the_migrated_schema(kind, tmp_path):
    # A crawl on an empty database creates the tables from the models and stamps the newest
    # migration instead of running every migration: the result must be the same database.
    (tmp_path / "migrated").mkdir()
    (tmp_path / "created").mkdir()
    with (
        database(kind, tmp_path / "migrated") as migrated_url,
        database(kind, tmp_path / "created") as created_url,
    ):
        migrated, created = create_engine(migrated_url), create_engine(created_url)
        try:
            upgrade(migrated)
            ensure_schema(created, auto_migrate=True)
            assert current_revision(created) == head_revision()
            assert schema(created) == schema(migrated)
            with created.connect() as connection:
                stamped = connection.execute(text("SELECT version_num FROM alembic_version"))
                assert stamped.scalars().all() == [head_revision()]
        finally:
            migrated.dispose()
            created.dispose()


def test_the_schema_revision_newsbot_expects_is_the_newest_migration():
    assert head_revision() == SCHEMA_REVISION


def test_the_current_revision_is_read_from_the_database(database_url):
    engine = create_engine(database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine, "0002")
        assert current_revision(engine) == "0002"
        with engine.connect() as connection:
            assert current_revision(engine) == (
                MigrationContext.configure(connection).get_current_revision()
            )
    finally:
        engine.dispose()


def test_an_older_schema_is_still_migrated(database_url):
    engine = create_engine(database_url)
    try:
        upgrade(engine, "0003")
        with pytest.raises(SchemaOutdated):
            ensure_schema(engine, auto_migrate=False)
        ensure_schema(engine, auto_migrate=True)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_autogenerate_writes_json_columns_as_plain_sqlalchemy():
    # The models' JSON type is newsbot's own (JSONB on PostgreSQL); a generated migration
    # spells it with SQLAlchemy's types, as the migrations written so far do.
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        operations = produce_migrations(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    code = render_python_code(operations.upgrade_ops, render_item=render_item)
    plain = 'sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")'
    assert code.count(plain) == 8  # three in each article table, two in crawl_runs
    assert "Json(" not in code
