"""Alembic, driven from code: migrations define the schema and upgrade older databases.

A new, empty database gets the schema from the tables (which the models map), stamped with
the newest migration (tests/test_migrations.py proves both give the same database). Alembic is
imported only when a database must be migrated: it costs a crawl a good part of its start-up.
"""

from __future__ import annotations

import functools
import logging
import tempfile
import threading
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    select,
    text,
)

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
_IN_PROCESS = threading.RLock()
_LOCK_KEY = 0x6E657773626F74  # "newsbot": one advisory lock for newsbot's migrations

# The newest migration, which the tables describe; a test checks it against the scripts.
SCHEMA_REVISION = "0004"

# Alembic's own version table, as Alembic creates it (alembic.runtime.migration).
_VERSION_TABLE = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def render_item(type_: str, obj: Any, context: AutogenContext) -> str | Literal[False]:
    """Autogenerate's ``render_item``: newsbot's JSON type written as plain SQLAlchemy.

    A migration then needs no newsbot import, like the migrations written so far.
    """
    from newsbot.storage.tables import Json

    if type_ == "type" and isinstance(obj, Json):
        context.imports.add("from sqlalchemy.dialects import postgresql")
        sa = context.opts["sqlalchemy_module_prefix"]
        return f'{sa}JSON().with_variant(postgresql.JSONB(astext_type={sa}Text()), "postgresql")'
    return False


class SchemaOutdated(RuntimeError):
    """The database has an older schema and automatic migration is off."""


@functools.cache
def migrations_directory() -> Path:
    """The migration scripts as real files.

    Alembic reads scripts from a directory; inside a zipped egg (as Scrapyd runs projects)
    they are copied out to a temporary directory once per process.
    """
    if (MIGRATIONS / "env.py").is_file():
        return MIGRATIONS
    target = Path(tempfile.mkdtemp(prefix="newsbot-migrations-"))
    _copy_tree(resources.files("newsbot.storage").joinpath("migrations"), target)
    return target


def _copy_tree(source: Traversable, target: Path) -> None:
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                (target / entry.name).mkdir()
                _copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())


def alembic_config(url: str) -> Config:
    """An Alembic config for ``url`` using the migrations shipped in the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    """The newest migration."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at; None for an empty database."""
    with engine.connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    """What Alembic's ``MigrationContext.get_current_revision`` reads, without loading Alembic."""
    if not inspect(connection).has_table(_VERSION_TABLE.name):
        return None
    versions = connection.execute(select(_VERSION_TABLE.c.version_num)).scalars().all()
    if len(versions) > 1:
        raise RuntimeError(f"database has several migration heads: {', '.join(versions)}")
    return versions[0] if versions else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` over ``engine``'s connection."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with _IN_PROCESS, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Revert migrations down to ``revision`` ("base" for none)."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with _IN_PROCESS, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def ensure_schema(engine: Engine, auto_migrate: bool) -> None:
    """Create the schema on an empty database; upgrade an old one only when allowed.

    Several crawlers may start at once on a fresh database: one creates or migrates the
    schema, the others wait (a PostgreSQL advisory lock across processes; a lock within this
    process, because Alembic's context is global) and then find the schema ready.
    """
    head = SCHEMA_REVISION
    if current_revision(engine) == head:
        return
    with _IN_PROCESS, engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        current = _revision(connection)
        if current == head:
            return
        if current is not None and not auto_migrate:
            raise SchemaOutdated(
                f"database schema is at {current}, newsbot needs {head}: run `newsbot migrate`"
            )
        if current is None and not inspect(connection).get_table_names():
            logger.info("Creating the schema %s in %s", head, engine.url)
            _create_schema(connection, head)
            return
        logger.info("Migrating %s from %s to %s", engine.url, current or "empty", head)
        from alembic import command

        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _create_schema(connection: Connection, revision: str) -> None:
    """The tables, stamped with the migration they correspond to."""
    from newsbot.storage.tables import metadata

    metadata.create_all(connection)
    _VERSION_TABLE.create(connection)
    connection.execute(_VERSION_TABLE.insert().values(version_num=revision))
