"""A log people can read: a progress line while crawling and a short summary at the end.

The full stats (Scrapy's "Dumping Scrapy stats") go to the stats file and to DEBUG; start-up
listings, Alembic's plugin lines and Spidermon's banners go to DEBUG too. What stays at INFO is
what an operator acts on: how far the crawl got, what it stored and lost, and the verdict.
"""

from __future__ import annotations

import logging
import pprint
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.logstats import LogStats

from newsbot.exitcodes import SITE_UNREACHABLE, UNKNOWN_SECTIONS_STAT
from newsbot.extensions.stats_file import crawl_stamp
from newsbot.monitors import LOST_PREFIX
from newsbot.rejects import crawler_rejects

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

# Short names of their own: the summary and progress lines are what operators grep for.
logger = logging.getLogger("newsbot.summary")
progress_logger = logging.getLogger("newsbot.progress")

# Records demoted to DEBUG: logger name → message prefixes (an empty prefix: every record).
# Each is either a multi-line listing of the start-up configuration, or a line that says
# nothing an operator acts on; all of it is still there with LOG_LEVEL=DEBUG.
DEMOTED: dict[str, tuple[str, ...]] = {
    "alembic.runtime.plugins": ("",),
    "alembic.runtime.migration": ("Context impl", "Will assume"),
    "scrapy.utils.log": ("Versions:",),
    "scrapy.addons": ("Enabled addons",),
    "scrapy.middleware": ("Enabled ",),
    "scrapy.crawler": ("Overridden settings",),
    "scrapy-playwright": ("Starting download handler", "Closing download handler"),
    # Said again, with the feeds, by the summary's "Files:" line.
    "scrapy.extensions.feedexport": ("Stored ",),
    "newsbot.extensions.stats_file": ("Stats written",),
    "newsbot.monitors": ("Monitor report written",),
}
SPIDERMON_PREFIX = "[Spidermon]"  # its runner's banners and per-check lines, via Spider.log


class DemoteToDebug(logging.Filter):
    """Turn matching records into DEBUG records, so handlers at INFO drop them.

    A logger filter runs before the handlers check levels, so the record keeps its place in a
    DEBUG log and leaves an INFO one; Scrapy's log counters see it as DEBUG as well.
    """

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record; demote it when its message starts with a prefix."""
        if isinstance(record.msg, str) and record.msg.startswith(self.prefixes):
            record.levelno = logging.DEBUG
            record.levelname = logging.getLevelName(logging.DEBUG)
        return True


def quiet_noisy_loggers(spider_name: str | None) -> None:
    """Install :class:`DemoteToDebug` on the loggers of :data:`DEMOTED` and the spider's own."""
    wanted = dict(DEMOTED)
    if spider_name:
        wanted[spider_name] = (SPIDERMON_PREFIX,)
    for name, prefixes in wanted.items():
        target = logging.getLogger(name)
        if not any(isinstance(f, DemoteToDebug) for f in target.filters):
            target.addFilter(DemoteToDebug(prefixes))


class Progress(LogStats):
    """Scrapy's periodic "Crawled N pages" line, with articles stored and pages queued.

    Replaces ``scrapy.extensions.logstats.LogStats`` (one timer, not two); the interval is
    ``NEWSBOT_PROGRESS_INTERVAL`` seconds (0 turns the line off).
    """

    def __init__(self, crawler: Crawler, interval: float) -> None:
        assert crawler.stats is not None  # noqa: S101 - stats exist before extensions
        super().__init__(crawler.stats, interval)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Enabled by ``NEWSBOT_PROGRESS_INTERVAL`` (``LOGSTATS_INTERVAL`` when unset)."""
        interval = crawler.settings.getfloat(
            "NEWSBOT_PROGRESS_INTERVAL", crawler.settings.getfloat("LOGSTATS_INTERVAL")
        )
        if not interval:
            raise NotConfigured("NEWSBOT_PROGRESS_INTERVAL is 0")
        progress = cls(crawler, interval)
        crawler.signals.connect(progress.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(progress.spider_closed, signal=signals.spider_closed)
        return progress

    def log(self, spider: Spider) -> None:
        """One line: pages crawled and their rate, articles stored, pages waiting."""
        self.calculate_stats()
        stored = sum(
            self.stats.get_value(f"newsbot/saved/Article/{kind}", 0) for kind in ("new", "revised")
        )
        queued = self.stats.get_value("scheduler/enqueued", 0) - self.stats.get_value(
            "scheduler/dequeued", 0
        )
        progress_logger.info(
            "Progress: %(pages)d pages crawled (%(rate)d/min), %(stored)d articles stored, "
            "%(queued)d pages queued",
            {"pages": self.pages, "rate": self.prate, "stored": stored, "queued": queued},
            extra={"spider": spider},
        )


class CrawlSummary:
    """After the crawl, a few INFO lines saying what it did; the full stats at DEBUG."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.feeds: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        """Always on: every crawl ends with its summary."""
        quiet_noisy_loggers(getattr(crawler.spidercls, "name", None))
        summary = cls(crawler)
        crawler.signals.connect(summary.feed_slot_closed, signal=signals.feed_slot_closed)
        # After the engine stopped, the feeds are stored and the monitors have judged.
        crawler.signals.connect(summary.engine_stopped, signal=signals.engine_stopped)
        return summary

    def feed_slot_closed(self, slot: Any) -> None:
        """Note where a feed was stored."""
        self.feeds.append(f"{slot.uri.removeprefix('file://')} ({slot.itemcount} items)")

    def engine_stopped(self) -> None:
        """Log the summary, and the full stats at DEBUG."""
        if self.crawler.stats is None or self.crawler.spider is None:
            return
        stats: dict[str, Any] = self.crawler.stats.get_stats()
        logger.debug("Dumping Scrapy stats:\n%s", pprint.pformat(stats))
        for line in summary_lines(stats, self.crawler.spider.name, self.crawler, self.feeds):
            logger.info("%s", line)


def summary_lines(
    stats: dict[str, Any], name: str, crawler: Crawler | None = None, feeds: Sequence[str] = ()
) -> list[str]:
    """The end-of-crawl summary: counts, losses, rejects, verdict, and where the files went."""
    count = _counter(stats)
    reason = stats.get("finish_reason", "unknown")
    elapsed = stats.get("elapsed_time_seconds")
    took = f" in {elapsed:.0f}s" if isinstance(elapsed, int | float) else ""
    known = count("newsbot/articles/skipped_known") + count("newsbot/saved/Article/unchanged")
    lines = [
        f"Summary of {name} ({reason}{took}): "
        f"{count('response_received_count')} pages crawled; articles "
        f"{count('newsbot/saved/Article/new')} new, {count('newsbot/saved/Article/revised')} "
        f"revised, {known} known{_canaries(stats)}; "
        f"{count('newsbot/saved/PopularRank')} Most Popular ranks captured"
    ]
    if reason == SITE_UNREACHABLE:
        detail = stats.get("newsbot/site_unreachable/detail", "its homepage failed")
        lines.append(f"The site could not be reached: {detail}")
    if stats.get(UNKNOWN_SECTIONS_STAT):
        lines.append(
            f"{stats[UNKNOWN_SECTIONS_STAT]} section(s) asked for are not on the site "
            "(see the 'Unknown section(s)' line)"
        )
    lost = {k.removeprefix(LOST_PREFIX): v for k, v in stats.items() if k.startswith(LOST_PREFIX)}
    if lost:
        detail = ", ".join(f"{key}: {n}" for key, n in sorted(lost.items()))
        lines.append(f"Lost {sum(lost.values())} page(s) by reason: {detail}")
    else:
        lines.append("Lost no page")
    rejected = sum(
        value
        for key, value in stats.items()
        if key.startswith("newsbot/invalid/") and key.count("/") == 2 and isinstance(value, int)
    )
    rejects = crawler_rejects(crawler) if crawler is not None and rejected else None
    lines.append(
        f"Rejected {rejected} item(s)" + (f", written to {rejects.path}" if rejects else "")
    )
    status = stats.get("newsbot/monitors/status")
    failures = stats.get("newsbot/monitors/failures") or []
    if status is None:
        lines.append("Monitors did not run")
    elif failures:
        lines.append(f"Monitors {status}: " + "; ".join(plain(f) for f in failures))
    else:
        lines.append(f"Monitors {status}")
    if crawler is not None:
        lines.append(_files_line(stats, name, crawler, feeds))
    return lines


def plain(failure: str) -> str:
    """A failed check as people read it: the monitor's name, then what went wrong.

    ``failure`` is ``<monitor>/<check>: <message>`` as the monitors store it; the check's own
    name ("test_stat_monitor" for Spidermon's) says less than the monitor's.
    """
    check, _, message = failure.partition(": ")
    monitor = check.split("/", 1)[0]
    return f"{monitor}: {message}" if message else monitor


def _canaries(stats: dict[str, Any]) -> str:
    """How many known articles were re-read as canaries (counted among the known), if any."""
    count = _counter(stats)
    if not count("newsbot/canary/requested"):
        return ""
    lost = sum(
        value
        for key, value in stats.items()
        if key.startswith("newsbot/canary/lost/") and isinstance(value, int)
    )
    return f" ({count('newsbot/canary/parsed')} re-read as canaries" + (
        f", {lost} lost)" if lost else ")"
    )


def _files_line(stats: dict[str, Any], name: str, crawler: Crawler, feeds: Sequence[str]) -> str:
    settings = crawler.settings
    parts = [f"feeds {', '.join(feeds)}" if feeds else "no feed (nothing new)"]
    for label, setting in (("stats", "NEWSBOT_STATS_FILE"), ("report", "NEWSBOT_REPORT_FILE")):
        template = settings.get(setting)
        if template:
            parts.append(f"{label} {Path(template % {'name': name, 'time': crawl_stamp(stats)})}")
    return "Files: " + "; ".join(parts)


def _counter(stats: dict[str, Any]) -> Callable[[str], int]:
    def count(key: str) -> int:
        value = stats.get(key, 0)
        return value if isinstance(value, int) else 0

    return count
