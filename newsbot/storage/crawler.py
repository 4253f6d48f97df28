"""One store per crawl, shared by the store pipeline, the spider and the crawl-run recorder."""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from newsbot.storage import Store, default_database_url, open_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_STORES: WeakKeyDictionary[Crawler, Store] = WeakKeyDictionary()


def crawler_store(crawler: Crawler) -> Store | None:
    """The crawl's store, opened on first use; None when storage is turned off."""
    if not crawler.settings.getbool("NEWSBOT_STORE_ENABLED", True):
        return None
    store = _STORES.get(crawler)
    if store is None:
        store = open_store(
            crawler.settings.get("NEWSBOT_DATABASE_URL") or default_database_url(),
            auto_migrate=crawler.settings.getbool("NEWSBOT_DATABASE_AUTO_MIGRATE", True),
        )
        _STORES[crawler] = store
    return store


def close_crawler_store(crawler: Crawler) -> None:
    """Close the crawl's store, if one was opened."""
    store = _STORES.pop(crawler, None)
    if store is not None:
        store.close()
