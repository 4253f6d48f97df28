"""Questions people ask of the archive: latest articles, an article's revisions, rank history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, or_, select

from newsbot.storage.models import (
    ArticleRevisionRow,
    ArticleRow,
    PopularRankRow,
    PopularSnapshotRow,
)


def latest_articles(
    engine: Engine, site: str | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """The most recently published articles, newest first."""
    query = select(
        ArticleRow.site,
        ArticleRow.article_id,
        ArticleRow.published_at,
        ArticleRow.section,
        ArticleRow.title,
        ArticleRow.authors,
        ArticleRow.revision_count,
        ArticleRow.url,
    ).order_by(ArticleRow.published_at.desc(), ArticleRow.article_id.desc())
    if site:
        query = query.where(ArticleRow.site == site)
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(query.limit(limit)).mappings()]


def article_revisions(
    engine: Engine, article_id: str, site: str = "koreaherald"
) -> list[dict[str, Any]]:
    """Every stored version of an article, oldest first."""
    query = (
        select(
            ArticleRevisionRow.revision,
            ArticleRevisionRow.crawled_at,
            ArticleRevisionRow.updated_at,
            ArticleRevisionRow.title,
            ArticleRevisionRow.authors,
            ArticleRevisionRow.body,
            ArticleRevisionRow.content_hash,
        )
        .join(ArticleRow, ArticleRow.id == ArticleRevisionRow.article_pk)
        .where(ArticleRow.site == site, ArticleRow.article_id == article_id)
        .order_by(ArticleRevisionRow.revision)
    )
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


@dataclass
class RankHistory:
    """How one article fared in a ranking list."""

    article_id: str | None
    title: str
    first_seen: datetime
    last_seen: datetime
    best_rank: int
    latest_rank: int
    appearances: int
    time_in_list: timedelta  # until the next capture of the list, summed over appearances


def rank_history(
    engine: Engine,
    match: str,
    list_name: str = "most_popular",
    site: str = "koreaherald",
) -> list[RankHistory]:
    """Rank history of the articles whose id is ``match`` or whose title contains it.

    The title match ignores case (on PostgreSQL too) and takes ``%``, ``_`` and the
    backslash literally: they are escaped, not LIKE wildcards.
    """
    with engine.connect() as connection:
        captures = [
            row.captured_at
            for row in connection.execute(
                select(PopularSnapshotRow.captured_at)
                .where(PopularSnapshotRow.site == site, PopularSnapshotRow.list_name == list_name)
                .order_by(PopularSnapshotRow.captured_at)
            )
        ]
        rows = connection.execute(
            select(
                PopularRankRow.article_id,
                PopularRankRow.title,
                PopularRankRow.rank,
                PopularSnapshotRow.captured_at,
            )
            .join(PopularSnapshotRow, PopularSnapshotRow.id == PopularRankRow.snapshot_id)
            .where(
                PopularSnapshotRow.site == site,
                PopularSnapshotRow.list_name == list_name,
                or_(
                    PopularRankRow.article_id == match,
                    PopularRankRow.title.icontains(match, autoescape=True),
                ),
            )
            .order_by(PopularSnapshotRow.captured_at)
        ).all()
    next_capture = dict(zip(captures, [*captures[1:], None], strict=True))
    histories: dict[str | None, RankHistory] = {}
    for article_id, title, rank, captured_at in rows:
        key = article_id or title
        stay = (next_capture.get(captured_at) or captured_at) - captured_at
        history = histories.get(key)
        if history is None:
            histories[key] = RankHistory(
                article_id, title, captured_at, captured_at, rank, rank, 1, stay
            )
            continue
        history.last_seen = captured_at
        history.best_rank = min(history.best_rank, rank)
        history.latest_rank = rank
        history.appearances += 1
        history.time_in_list += stay
    return list(histories.values())
