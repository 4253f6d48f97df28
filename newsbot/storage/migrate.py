"""Alembic, driven from code: the schema is created and upgraded by migrations only."""

from __future__ import annotations

import functools
import logging
import tempfile
import threading
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
_IN_PROCESS = threading.RLock()
_LOCK_KEY = 0x6E657773626F74  # "newsbot": one advisory lock for newsbot's migrations


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
    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    """The newest migration."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at; None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` over ``engine``'s connection."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with _IN_PROCESS, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Revert migrations down to ``revision`` ("base" for none)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with _IN_PROCESS, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def ensure_schema(engine: Engine, auto_migrate: bool) -> None:
    """Create the schema on an empty database; upgrade an old one only when allowed.

    Several crawlers may start at once on a fresh database: one migrates, the others wait
    (a PostgreSQL advisory lock across processes; a lock within this process, because
    Alembic's context is global) and then find the schema ready.
    """
    head = head_revision()
    if current_revision(engine) == head:
        return
    with _IN_PROCESS, engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        current = MigrationContext.configure(connection).get_current_revision()
        if current == head:
            return
        if current is not None and not auto_migrate:
            raise SchemaOutdated(
                f"database schema is at {current}, newsbot needs {head}: run `newsbot migrate`"
            )
        logger.info("Migrating %s from %s to %s", engine.url, current or "empty", head)
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
