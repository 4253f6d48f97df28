"""Throwaway databases for tests: a SQLite file, or a PostgreSQL database created and dropped.

PostgreSQL is the machine's server (``NEWSBOT_TEST_POSTGRES_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test gets its own database named
``newsbot_test_<random>`` and drops only that one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from newsbot.storage import open_store

ADMIN_URL = os.environ.get(
    "NEWSBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _admin_dsn() -> str:
    return make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database; its SQLAlchemy URL."""
    name = f"newsbot_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sqlite_database(directory: Path) -> Iterator[str]:
    """A fresh SQLite file database; its SQLAlchemy URL."""
    yield f"sqlite:///{directory / 'newsbot.sqlite3'}"


@contextmanager
def database(kind: str, directory: Path) -> Iterator[str]:
    """A throwaway database of ``kind`` ("sqlite" or "postgresql")."""
    maker = postgres_database() if kind == "postgresql" else sqlite_database(directory)
    with maker as url:
        yield url


def count_rows(url: str, models: tuple[Any, ...]) -> dict[str, int]:
    """Rows in the table of each of ``models``, by table name."""
    store = open_store(url)
    with store.engine.connect() as connection:
        counts = {
            model.__table__.name: connection.execute(
                select(func.count()).select_from(model)
            ).scalar_one()
            for model in models
        }
    store.close()
    return counts
