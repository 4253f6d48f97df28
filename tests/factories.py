"""Valid items to start tests from; each test changes what it is about."""

from __future__ import annotations

from datetime import UTC, datetime

from newsbot.extract.dates import KST
from newsbot.items import Article, PopularRank

BASE = "https://www.koreaherald.com"


def article(article_id: str = "20230911000813", **changes) -> Article:
    values = {
        "url": f"{BASE}/view.php?ud={article_id}",
        "article_id": article_id,
        "site": "koreaherald",
        "layout": "2023",
        "section": "National",
        "title": "N. Korean leader to 'soon' visit Russia for summit with Putin: KCNA",
        "subtitle": None,
        "kicker": None,
        "authors": ["Yonhap"],
        "published_at": datetime(2023, 9, 11, 20, 38, tzinfo=KST),
        "updated_at": None,
        "body": "First paragraph.\n\nSecond paragraph. (Yonhap)",
        "images": [{"url": f"{BASE}/content/image/2023/09/11/x_0.jpg", "caption": "A photo"}],
        "crawled_at": datetime(2023, 9, 22, 9, 0, tzinfo=UTC),
    }
    values.update(changes)
    return Article(**values)


def rank(rank: int = 1, captured_at: datetime | None = None, **changes) -> PopularRank:
    article_id = changes.pop("article_id", f"2023092100{rank:04d}")
    values = {
        "site": "koreaherald",
        "list_name": "most_popular",
        "rank": rank,
        "title": f"Headline {rank}",
        "url": f"{BASE}/view.php?ud={article_id}",
        "article_id": article_id,
        "captured_at": captured_at or datetime(2023, 9, 22, 9, 0, tzinfo=UTC),
        "source_url": f"{BASE}/",
    }
    values.update(changes)
    return PopularRank(**values)


def snapshot(captured_at: datetime, ids: list[str]) -> list[PopularRank]:
    return [
        rank(position, captured_at, article_id=article_id, title=f"Headline {article_id}")
        for position, article_id in enumerate(ids, start=1)
    ]
