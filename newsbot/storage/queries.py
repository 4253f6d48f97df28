"""Questions people ask of the archive: latest articles, an article's revisions, rank history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
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
    following = dict(pairwise(captures))
    histories: dict[str | None, RankHistory] = {}
    seen_at: dict[str | None, set[datetime]] = {}
    for article_id, title, rank, captured_at in rows:
        key = article_id or title
        seen_at.setdefault(key, set()).add(captured_at)
        history = histories.get(key)
        if history is None:
            histories[key] = RankHistory(
                article_id, title, captured_at, captured_at, rank, rank, 1, timedelta(0)
            )
            continue
        history.last_seen = captured_at
        history.best_rank = min(history.best_rank, rank)
        history.latest_rank = rank
        history.appearances += 1
    for name, history in histories.items():
        history.time_in_list = _time_in_list(seen_at[name], following)
    return list(histories.values())


def _time_in_list(seen_at: set[datetime], following: dict[datetime, datetime]) -> timedelta:
    """The time between captures that both list the article.

    What was observed, never more: an article may have left the list just after its last
    capture, so the time to the next capture is not counted, and so the total never
    exceeds last seen minus first seen (a single capture gives zero).
    """
    total = timedelta(0)
    for captured_at in seen_at:
        after = following.get(captured_at)
        if after is not None and after in seen_at:
            total += after - captured_at
    return total
