"""ORM classes mapped onto the tables of :mod:`newsbot.storage.tables`, for queries and reports.

A crawl writes through the Core tables alone and does not load the ORM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import DeclarativeBase, Mapped

from newsbot.storage import tables


class Base(DeclarativeBase):
    """Declarative base over the tables' metadata."""

    metadata = tables.metadata


class ArticleContent:
    """The columns of an article's content, shared by its current row and its revisions."""

    url: Mapped[str]
    title: Mapped[str]
    subtitle: Mapped[str | None]
    kicker: Mapped[str | None]
    authors: Mapped[list[str]]
    published_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
    body: Mapped[str]
    images: Mapped[list[dict[str, Any]]]
    content_hash: Mapped[str]
    provenance: Mapped[dict[str, str] | None]


class ArticleRow(ArticleContent, Base):
    """The current state of each article: one row per (site, article_id)."""

    __table__ = tables.articles

    id: Mapped[int]
    site: Mapped[str]
    article_id: Mapped[str]
    layout: Mapped[str | None]
    section: Mapped[str | None]
    revision_count: Mapped[int]
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class ArticleRevisionRow(ArticleContent, Base):
    """Each distinct version of an article, in the order they were seen (revision 1 first)."""

    __table__ = tables.article_revisions

    id: Mapped[int]
    article_pk: Mapped[int]
    revision: Mapped[int]
    crawled_at: Mapped[datetime]


class PopularSnapshotRow(Base):
    """One capture of a ranking list: the time series is one row per capture."""

    __table__ = tables.popular_snapshots

    id: Mapped[int]
    site: Mapped[str]
    list_name: Mapped[str]
    captured_at: Mapped[datetime]
    source_url: Mapped[str]


class PopularRankRow(Base):
    """One entry of a captured ranking list."""

    __table__ = tables.popular_ranks

    snapshot_id: Mapped[int]
    rank: Mapped[int]
    title: Mapped[str]
    url: Mapped[str]
    article_id: Mapped[str | None]


class CrawlRunRow(Base):
    """One crawl: what was asked, when it ran, how it ended and its final stats."""

    __table__ = tables.crawl_runs

    id: Mapped[int]
    crawl_uuid: Mapped[str | None]
    spider: Mapped[str]
    arguments: Mapped[dict[str, Any]]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    finish_reason: Mapped[str | None]
    stats: Mapped[dict[str, Any] | None]


class LostArticleRow(Base):
    """An article page a crawl could not read: retried by later crawls until stored or given up."""

    __table__ = tables.lost_articles

    id: Mapped[int]
    site: Mapped[str]
    article_id: Mapped[str]
    url: Mapped[str]
    section: Mapped[str | None]
    last_reason: Mapped[str]
    attempts: Mapped[int]
    first_lost_at: Mapped[datetime]
    last_lost_at: Mapped[datetime]
    given_up: Mapped[bool]
