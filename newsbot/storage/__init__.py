"""Storage behind a small interface: articles with their revisions, ranking snapshots, crawl runs.

:class:`Store` is what pipelines, spiders and commands use; :func:`open_store` picks the
implementation from a database URL. SQLite is the embedded default; PostgreSQL is chosen with
``NEWSBOT_DATABASE_URL=postgresql+psycopg://…``. The same SQL code serves both.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from newsbot.items import Article, PopularRank

if TYPE_CHECKING:
    from newsbot.storage.sql import SqlStore


@dataclass
class SaveResult:
    """What a batch of articles did to the database."""

    new: int = 0
    revised: int = 0
    unchanged: int = 0


@dataclass
class LostArticle:
    """An article page a crawl could not read, kept until it is stored or given up."""

    site: str
    article_id: str
    url: str
    section: str | None
    last_reason: str
    attempts: int
    first_lost_at: datetime
    last_lost_at: datetime
    given_up: bool


@dataclass
class CrawlRun:
    """A crawl's run record: what its ``crawl_runs`` row holds once the crawl is over.

    ``crawl_uuid`` names the crawl for good; ``run_id`` is its row's id, when its start could
    be recorded.
    """

    crawl_uuid: str
    spider: str
    arguments: dict[str, Any]
    started_at: datetime
    finished_at: datetime
    finish_reason: str
    stats: dict[str, Any]
    run_id: int | None = None


class Store(Protocol):
    """Where items end up. Writes are idempotent: saving the same items twice changes nothing."""

    def save_articles(self, articles: Sequence[Article]) -> SaveResult:
        """Insert new articles, record a revision for changed ones."""

    def save_ranks(self, ranks: Sequence[PopularRank]) -> int:
        """Store ranking entries, grouped into snapshots; returns entries newly stored."""

    def known_article_ids(self, site: str, article_ids: Iterable[str]) -> set[str]:
        """Which of ``article_ids`` are already stored for ``site``."""

    def start_run(
        self,
        spider: str,
        arguments: dict[str, Any],
        crawl_uuid: str | None = None,
        started_at: datetime | None = None,
    ) -> int:
        """Record a crawl's start; returns its run id."""

    def complete_run(self, run: CrawlRun) -> int:
        """Complete the row of ``run.crawl_uuid`` (inserted if its start was never recorded).

        The same record stored again changes nothing. Returns the run id.
        """

    def close(self) -> None:
        """Release connections."""

    # --- lost articles ---------------------------------------------------------------------

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
        """Count one more lost attempt at an article; given up at ``max_attempts``."""

    def lost_articles(
        self, site: str | None = None, given_up: bool | None = False, limit: int | None = None
    ) -> list[LostArticle]:
        """Lost articles to retry (``given_up`` True: given up; None: both), oldest first."""

    def forget_lost_articles(self, site: str, article_ids: Iterable[str]) -> int:
        """Forget lost articles (they were stored after all); returns how many were forgotten."""


def default_database_url() -> str:
    """``NEWSBOT_DATABASE_URL``, else SQLite in the exports directory."""
    url = os.environ.get("NEWSBOT_DATABASE_URL")
    if url:
        return url
    exports = os.environ.get("NEWSBOT_EXPORTS_DIR", "exports")
    return f"sqlite:///{exports}/newsbot.sqlite3"


def open_store(url: str | None = None, auto_migrate: bool = True) -> Store:
    """A store for ``url`` (default: :func:`default_database_url`)."""
    from newsbot.storage.sql import SqlStore  # SQLAlchemy loads only when storage is used

    return SqlStore(url or default_database_url(), auto_migrate=auto_migrate)


class NoDatabase(Exception):
    """A lookup found no newsbot database where it was pointed (and created none)."""


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for other databases and in-memory SQLite."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def open_existing_store(url: str | None = None) -> SqlStore:
    """A store on a database that already has newsbot's tables, for commands that only read.

    Nothing is created: not the SQLite file (nor its directory), not the schema. Raises
    :class:`NoDatabase` when there is no file or no schema; connection errors pass through.
    """
    from newsbot.storage.migrate import current_revision
    from newsbot.storage.sql import SqlStore

    url = url or default_database_url()
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise NoDatabase(f"no database at {path} (a crawl or `newsbot migrate` creates it)")
    if path is not None and not _sqlite_has_schema(path):
        # Checked read-only: the store's own connection would switch the file to WAL.
        raise NoDatabase(f"no newsbot tables in {path} (a crawl or `newsbot migrate` creates them)")
    store = SqlStore(url, auto_migrate=False)
    try:
        if current_revision(store.engine) is None:
            where = path or store.engine.url.render_as_string(hide_password=True)
            raise NoDatabase(
                f"no newsbot tables in {where} (a crawl or `newsbot migrate` creates them)"
            )
    except BaseException:
        store.close()
        raise
    return store


def _sqlite_has_schema(path: Path) -> bool:
    """Whether a SQLite file has newsbot's migration table, opened read-only."""
    import sqlite3

    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        found = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        )
        return found.fetchone() is not None
    finally:
        connection.close()
