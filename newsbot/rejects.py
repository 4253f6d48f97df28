"""Rejected items: one JSON-lines file per crawl, written by validation and by the store.

Each line says what was rejected, why and where it came from, so that a person can fix it
and store it with ``newsbot replay-rejects FILE``::

    {"rejected_at", "item_type", "reasons": [...], "errors": [...], "source_url",
     "allowed_domains", "item"}

Every rejected item is counted as ``newsbot/invalid/<Item>`` and each of its reasons as
``newsbot/invalid/<Item>/<reason>``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from itemadapter import ItemAdapter

from newsbot.extensions.stats_file import file_stamp
from newsbot.items import Article, PopularRank
from newsbot.storage.serialize import dumps, item_to_dict

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

_FILES: WeakKeyDictionary[Crawler, RejectsFile] = WeakKeyDictionary()


class RejectsFile:
    """Rejected items as JSON lines, appended and flushed line by line.

    Safe to share between threads (the store writes from its worker thread); writing never
    fails on odd text, since the JSON is escaped into valid UTF-8 (see ``serialize.dumps``).
    The file opens on the first reject, and again after :meth:`close` if more come.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.written = 0
        self._handle: IO[str] | None = None
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        """Append one rejected item."""
        line = dumps(record, default=str) + "\n"
        with self._lock:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("a", encoding="utf-8")
            self._handle.write(line)
            self._handle.flush()
            self.written += 1

    def close(self) -> None:
        """Close the file if it is open."""
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def default_template() -> str:
    """``NEWSBOT_REJECTS_FILE`` as the settings define it, for commands outside a crawl."""
    exports = os.environ.get("NEWSBOT_EXPORTS_DIR", "exports")
    return os.environ.get("NEWSBOT_REJECTS_FILE", f"{exports}/%(name)s/rejects-%(time)s.jsonl")


def render(template: str, name: str, when: datetime | None = None) -> Path:
    """The rejects file for ``name`` (``%(name)s``) at ``when`` (``%(time)s``, default now)."""
    return Path(template % {"name": name, "time": file_stamp(when or datetime.now(UTC))})


def crawler_rejects(crawler: Crawler) -> RejectsFile | None:
    """The crawl's rejects file (``NEWSBOT_REJECTS_FILE``); None when that setting is empty."""
    template = crawler.settings.get("NEWSBOT_REJECTS_FILE")
    if not template:
        return None
    rejects = _FILES.get(crawler)
    if rejects is None:
        spider = crawler.spider
        name = spider.name if spider is not None else "crawl"
        rejects = _FILES[crawler] = RejectsFile(render(template, name))
    return rejects


def source_url(item: Any) -> str | None:
    """The page an item came from."""
    if isinstance(item, PopularRank):
        return item.source_url
    url = getattr(item, "url", None)
    return url if isinstance(url, str) or url is None else str(url)


def reject(
    item: Any,
    reasons: Sequence[str],
    errors: Sequence[str],
    *,
    rejects: RejectsFile | None,
    stats: StatsCollector | None,
    allowed_domains: Sequence[str] = (),
) -> dict[str, Any]:
    """Count a rejected item in ``stats`` and write it to ``rejects``; returns its record."""
    kind = type(item).__name__
    if stats is not None:
        for reason in reasons:
            stats.inc_value(f"newsbot/invalid/{kind}/{reason}")
        stats.inc_value(f"newsbot/invalid/{kind}")
    record = {
        "rejected_at": datetime.now(UTC).isoformat(),
        "item_type": kind,
        "reasons": list(reasons),
        "errors": list(errors),
        "source_url": source_url(item),
        "allowed_domains": list(allowed_domains),
        "item": item_to_dict(item)
        if isinstance(item, Article | PopularRank)
        else ItemAdapter(item).asdict(),
    }
    if rejects is not None:
        rejects.write(record)
    return record


class RejectsBySite:
    """Rejects outside a crawl (``newsbot replay-spool``): one file per site.

    Each is rendered from a ``NEWSBOT_REJECTS_FILE`` template with the site as ``%(name)s``.
    """

    def __init__(self, template: str) -> None:
        self.template = template
        self.when = datetime.now(UTC)
        self.files: dict[str, RejectsFile] = {}

    def write(self, item: Any, reasons: Sequence[str], errors: Sequence[str]) -> None:
        """Write one rejected item to its site's file."""
        name = getattr(item, "site", None) or "replay-spool"
        rejects = self.files.get(name)
        if rejects is None:
            rejects = self.files[name] = RejectsFile(render(self.template, name, self.when))
        reject(item, reasons, errors, rejects=rejects, stats=None)

    @property
    def written(self) -> int:
        """How many items were rejected."""
        return sum(rejects.written for rejects in self.files.values())

    def close(self) -> None:
        """Close every file."""
        for rejects in self.files.values():
            rejects.close()
