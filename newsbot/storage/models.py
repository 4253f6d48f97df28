"""Tables, in SQLAlchemy 2.x declarative style; Alembic migrations are compared against these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints make migrations reviewable and portable (SQLite batch mode needs names).
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Json = JSON().with_variant(JSONB(), "postgresql")
# Article ids of sites read generically are canonical URLs; site names may be host names.
ARTICLE_ID_MAX_CHARS = 2048
SITE_MAX_CHARS = 255
# SQLite has no 64-bit autoincrement type other than INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


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


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING)


class ArticleContent:
    """The columns of an article's content, shared by its current row and its revisions."""

    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    kicker: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(Json)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    body: Mapped[str] = mapped_column(Text)
    images: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Where each field was read from (generic extraction); not part of the content hash.
    provenance: Mapped[dict[str, str] | None] = mapped_column(Json)


class ArticleRow(ArticleContent, Base):
    """The current state of each article: one row per (site, article_id)."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("site", "article_id"),
        Index("ix_articles_published_at", "published_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(SITE_MAX_CHARS))
    article_id: Mapped[str] = mapped_column(String(ARTICLE_ID_MAX_CHARS))
    layout: Mapped[str | None] = mapped_column(String(32))
    section: Mapped[str | None] = mapped_column(String(128))
    revision_count: Mapped[int] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ArticleRevisionRow(ArticleContent, Base):
    """Each distinct version of an article, in the order they were seen (revision 1 first)."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_pk", "revision"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_pk: Mapped[int] = mapped_column(
        BigId, ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer)
    crawled_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PopularSnapshotRow(Base):
    """One capture of a ranking list: the time series is one row per capture."""

    __tablename__ = "popular_snapshots"
    __table_args__ = (UniqueConstraint("site", "list_name", "captured_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(SITE_MAX_CHARS))
    list_name: Mapped[str] = mapped_column(String(64))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source_url: Mapped[str] = mapped_column(Text)


class PopularRankRow(Base):
    """One entry of a captured ranking list."""

    __tablename__ = "popular_ranks"

    snapshot_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("popular_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    article_id: Mapped[str | None] = mapped_column(String(ARTICLE_ID_MAX_CHARS), index=True)


class CrawlRunRow(Base):
    """One crawl: what was asked, when it ran, how it ended and its final stats."""

    __tablename__ = "crawl_runs"
    # Key of a run record replayed from the spool: completed once however often it is replayed.
    __table_args__ = (UniqueConstraint("crawl_uuid"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    crawl_uuid: Mapped[str | None] = mapped_column(String(32))
    spider: Mapped[str] = mapped_column(String(64))
    arguments: Mapped[dict[str, Any]] = mapped_column(Json)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    stats: Mapped[dict[str, Any] | None] = mapped_column(Json)


class LostArticleRow(Base):
    """An article page a crawl could not read: retried by later crawls until stored or given up."""

    __tablename__ = "lost_articles"
    __table_args__ = (UniqueConstraint("site", "article_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(SITE_MAX_CHARS))
    article_id: Mapped[str] = mapped_column(String(ARTICLE_ID_MAX_CHARS))
    url: Mapped[str] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(String(128))
    last_reason: Mapped[str] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer)
    first_lost_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_lost_at: Mapped[datetime] = mapped_column(UTCDateTime())
    given_up: Mapped[bool] = mapped_column(Boolean)
