"""The tables, as SQLAlchemy Core: what the store writes, without loading the ORM.

The ORM classes of :mod:`newsbot.storage.models` (for queries and reports) map onto these
tables, and Alembic migrations are compared against them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.types import TypeEngine

# Named constraints make migrations reviewable and portable (SQLite batch mode needs names).
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Article ids of sites read generically are canonical URLs; site names may be host names.
ARTICLE_ID_MAX_CHARS = 2048
SITE_MAX_CHARS = 255
# SQLite has no 64-bit autoincrement type other than INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Json(TypeDecorator[Any]):
    """JSON, as JSONB on PostgreSQL: that dialect's module loads only where it is used."""

    impl = JSON
    cache_ok = True
    # As JSON's default: None is stored as JSON null, not SQL NULL.
    should_evaluate_none = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """JSONB on PostgreSQL (already loaded there), JSON elsewhere."""
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC, read back aware (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes: their meaning depends on where the code ran."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC where the database returned a naive value."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(naming_convention=NAMING)


def _content() -> list[Column[Any]]:
    """The columns of an article's content, shared by its current row and its revisions."""
    return [
        Column("url", Text, nullable=False),
        Column("title", Text, nullable=False),
        Column("subtitle", Text),
        Column("kicker", Text),
        Column("authors", Json, nullable=False),
        Column("published_at", UTCDateTime, nullable=False),
        Column("updated_at", UTCDateTime),
        Column("body", Text, nullable=False),
        Column("images", Json, nullable=False),
        Column("content_hash", String(64), nullable=False),
        # Where each field was read from (generic extraction); not part of the content hash.
        Column("provenance", Json),
    ]


# The current state of each article: one row per (site, article_id).
articles = Table(
    "articles",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("site", String(SITE_MAX_CHARS), nullable=False),
    Column("article_id", String(ARTICLE_ID_MAX_CHARS), nullable=False),
    Column("layout", String(32)),
    Column("section", String(128)),
    Column("revision_count", Integer, nullable=False),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    *_content(),
    UniqueConstraint("site", "article_id"),
    Index("ix_articles_published_at", "published_at"),
)

# Each distinct version of an article, in the order they were seen (revision 1 first).
article_revisions = Table(
    "article_revisions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column(
        "article_pk",
        BigId,
        ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("revision", Integer, nullable=False),
    Column("crawled_at", UTCDateTime, nullable=False),
    *_content(),
    UniqueConstraint("article_pk", "revision"),
)

# One capture of a ranking list: the time series is one row per capture.
popular_snapshots = Table(
    "popular_snapshots",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("site", String(SITE_MAX_CHARS), nullable=False),
    Column("list_name", String(64), nullable=False),
    Column("captured_at", UTCDateTime, nullable=False),
    Column("source_url", Text, nullable=False),
    UniqueConstraint("site", "list_name", "captured_at"),
)

# One entry of a captured ranking list.
popular_ranks = Table(
    "popular_ranks",
    metadata,
    Column(
        "snapshot_id",
        BigId,
        ForeignKey("popular_snapshots.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("rank", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("article_id", String(ARTICLE_ID_MAX_CHARS), index=True),
)

# One crawl: what was asked, when it ran, how it ended and its final stats.
crawl_runs = Table(
    "crawl_runs",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("crawl_uuid", String(32)),
    Column("spider", String(64), nullable=False),
    Column("arguments", Json, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("finish_reason", String(64)),
    Column("stats", Json),
    # Key of a run record replayed from the spool: completed once however often it is replayed.
    UniqueConstraint("crawl_uuid"),
)

# An article page a crawl could not read: retried by later crawls until stored or given up.
lost_articles = Table(
    "lost_articles",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("site", String(SITE_MAX_CHARS), nullable=False),
    Column("article_id", String(ARTICLE_ID_MAX_CHARS), nullable=False),
    Column("url", Text, nullable=False),
    Column("section", String(128)),
    Column("last_reason", String(128), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("first_lost_at", UTCDateTime, nullable=False),
    Column("last_lost_at", UTCDateTime, nullable=False),
    Column("given_up", Boolean, nullable=False),
    UniqueConstraint("site", "article_id"),
)
