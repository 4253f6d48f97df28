"""Questions people ask of the archive: latest articles, an article's revisions, rank history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import Engine, func, or_, select

from newsbot.storage.models import (
    ArticleRevisionRow,
    ArticleRow,
    CrawlRunRow,
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


@dataclass
class RankTrajectory:
    """One story's ranks in a ranking list over a period: a line of the report's chart."""

    site: str
    list_name: str
    article_id: str | None
    title: str
    points: list[tuple[datetime, int]]  # (captured_at, rank), oldest first
    best_rank: int
    time_in_list: timedelta  # as RankHistory.time_in_list, within the period
    list_captures: list[datetime]  # every capture of the list in the period, oldest first


def top_trajectories(
    engine: Engine,
    since: datetime,
    site: str | None = None,
    stories: int = 10,
) -> list[RankTrajectory]:
    """The ``stories`` best-ranked stories of each ranking list captured since ``since``.

    A story is its article id, else its title. Best rank first; ties go to the story
    captured more often, then to the one seen first, then to the one ranked higher then.
    """
    query = (
        select(
            PopularSnapshotRow.site,
            PopularSnapshotRow.list_name,
            PopularSnapshotRow.captured_at,
            PopularRankRow.article_id,
            PopularRankRow.title,
            PopularRankRow.rank,
        )
        .join(PopularSnapshotRow, PopularSnapshotRow.id == PopularRankRow.snapshot_id)
        .where(PopularSnapshotRow.captured_at >= since)
        .order_by(PopularSnapshotRow.captured_at, PopularRankRow.rank)
    )
    if site:
        query = query.where(PopularSnapshotRow.site == site)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    captures: dict[tuple[str, str], list[datetime]] = {}
    lines: dict[tuple[str, str, str], RankTrajectory] = {}
    for row in rows:
        list_key = (row.site, row.list_name)
        times = captures.setdefault(list_key, [])
        if not times or times[-1] != row.captured_at:
            times.append(row.captured_at)
        story = (*list_key, row.article_id or row.title)
        line = lines.get(story)
        if line is None:
            line = lines[story] = RankTrajectory(
                row.site, row.list_name, row.article_id, row.title, [], row.rank, timedelta(0), []
            )
        line.points.append((row.captured_at, row.rank))
        line.best_rank = min(line.best_rank, row.rank)
    chosen: list[RankTrajectory] = []
    for list_key, times in captures.items():
        following = dict(pairwise(times))
        candidates = [line for line in lines.values() if (line.site, line.list_name) == list_key]
        candidates.sort(
            key=lambda line: (line.best_rank, -len(line.points), line.points[0], line.title)
        )
        for line in candidates[:stories]:
            line.time_in_list = _time_in_list({when for when, _ in line.points}, following)
            line.list_captures = times
            chosen.append(line)
    return chosen


@dataclass
class CrawlHealth:
    """What one crawl did, read from its ``crawl_runs`` row and final stats."""

    spider: str
    started_at: datetime
    finished_at: datetime | None
    finish_reason: str | None
    new: int
    revised: int
    lost: int
    rejected: int
    monitors: str  # "passed", "failed", or "-" when they did not run
    failures: list[str]


def crawl_health(engine: Engine, since: datetime) -> list[CrawlHealth]:
    """Every crawl started since ``since``, oldest first."""
    query = (
        select(
            CrawlRunRow.spider,
            CrawlRunRow.started_at,
            CrawlRunRow.finished_at,
            CrawlRunRow.finish_reason,
            CrawlRunRow.stats,
        )
        .where(CrawlRunRow.started_at >= since)
        .order_by(CrawlRunRow.started_at, CrawlRunRow.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    health = []
    for row in rows:
        stats: dict[str, Any] = row.stats or {}
        # Lost counts are leaves (newsbot/lost/<kind>/<reason>); rejects count per item
        # type under newsbot/invalid/<Item>, their reasons one level deeper.
        lost = sum(_count(v) for k, v in stats.items() if k.startswith("newsbot/lost/"))
        rejected = sum(
            _count(v)
            for k, v in stats.items()
            if k.startswith("newsbot/invalid/") and "/" not in k.removeprefix("newsbot/invalid/")
        )
        failures = stats.get("newsbot/monitors/failures") or []
        health.append(
            CrawlHealth(
                spider=row.spider,
                started_at=row.started_at,
                finished_at=row.finished_at,
                finish_reason=row.finish_reason,
                new=_count(stats.get("newsbot/saved/Article/new")),
                revised=_count(stats.get("newsbot/saved/Article/revised")),
                lost=lost,
                rejected=rejected,
                monitors=str(stats.get("newsbot/monitors/status") or "-"),
                failures=[str(failure) for failure in failures],
            )
        )
    return health


def _count(value: Any) -> int:
    """A stats counter; anything else (absent, or not a number) counts as zero."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def latest_by_section(
    engine: Engine, site: str | None = None, per_section: int = 5
) -> list[dict[str, Any]]:
    """The ``per_section`` latest articles of each (site, section), by site and section."""
    position = (
        func.row_number()
        .over(
            partition_by=(ArticleRow.site, ArticleRow.section),
            order_by=(ArticleRow.published_at.desc(), ArticleRow.article_id.desc()),
        )
        .label("position")
    )
    ranked = select(
        ArticleRow.site,
        ArticleRow.section,
        ArticleRow.article_id,
        ArticleRow.title,
        ArticleRow.url,
        ArticleRow.published_at,
        position,
    )
    if site:
        ranked = ranked.where(ArticleRow.site == site)
    inner = ranked.subquery()
    query = (
        select(inner)
        .where(inner.c.position <= per_section)
        .order_by(inner.c.site, inner.c.section, inner.c.position)
    )
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]
