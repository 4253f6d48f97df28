"""End-of-crawl checks with Spidermon; layout drift shows up here first.

Did the crawl finish, fill the fields people rely on, understand the pages it met?
Each check's verdict is logged, added to the crawl's stats (so it is stored with the crawl
run), and written as a small JSON report; ``newsbot run`` exits non-zero when one failed.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path
from typing import Any

from spidermon import MonitorSuite, monitors
from spidermon.contrib.scrapy.monitors import (
    ErrorCountMonitor,
    FinishReasonMonitor,
    ItemCountMonitor,
)
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor
from spidermon.core.actions import Action

from newsbot.extensions.stats_file import crawl_stamp

logger = logging.getLogger(__name__)
# Spidermon's runner still calls Spider.log(); the warning is Spidermon's to fix, and it would
# otherwise add a WARNING line to every crawl's log.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated", module="spidermon")

# Stats that count pages newsbot met but could not read: a redesign raises them.
UNRECOGNISED_PREFIXES = (
    "newsbot/layout_unknown/",
    "newsbot/parse_failed/",
    "newsbot/popular/not_found",
    "newsbot/popular/empty",
    "newsbot/sections/not_found",
)


@monitors.name("Field coverage")
class FieldCoverageMonitor(BaseScrapyMonitor):  # type: ignore[misc]
    """Share of scraped items that have each field users rely on (``NEWSBOT_FIELD_COVERAGE``).

    Unlike Spidermon's own coverage monitor, an item type this crawl did not produce at all
    (an incremental run with no new article) is not judged: there is nothing to measure.
    """

    @monitors.name("Fields users rely on are filled")
    def test_field_coverage(self) -> None:
        """Every rule's minimum share is met."""
        rules: dict[str, float] = self.crawler.settings.getdict("NEWSBOT_FIELD_COVERAGE")
        failures = []
        for rule, minimum in rules.items():
            item_type, field = rule.split("/", 1)
            total = self.stats.get(f"spidermon_item_scraped_count/{item_type}", 0)
            if not total:
                continue
            filled = self.stats.get(f"spidermon_item_scraped_count/{item_type}/{field}", 0)
            if filled / total < float(minimum):
                failures.append(
                    f"{item_type}.{field} filled in {filled / total:.0%} of {total} items "
                    f"(expected at least {float(minimum):.0%})"
                )
        self.assertFalse(failures, msg="field coverage dropped: " + "; ".join(failures))


@monitors.name("Unrecognised pages")
class UnrecognisedPagesMonitor(BaseScrapyMonitor):  # type: ignore[misc]
    """Pages of no known layout, articles missing required fields, a vanished Most Popular."""

    @monitors.name("Pages are understood")
    def test_unrecognised_pages(self) -> None:
        """At most ``NEWSBOT_MAX_UNRECOGNISED_PAGES`` pages newsbot could not read."""
        allowed = self.crawler.settings.getint("NEWSBOT_MAX_UNRECOGNISED_PAGES", 0)
        found = _counted(self.stats, UNRECOGNISED_PREFIXES, "newsbot/")
        total = sum(found.values())
        detail = ", ".join(f"{key}: {n}" for key, n in sorted(found.items()))
        self.assertLessEqual(
            total, allowed, msg=f"{total} page(s) not understood (allowed {allowed}): {detail}"
        )


@monitors.name("Validation rejects")
class RejectsMonitor(BaseScrapyMonitor):  # type: ignore[misc]
    """Items the validation pipeline rejected (see the rejects file)."""

    @monitors.name("Items pass validation")
    def test_rejects(self) -> None:
        """At most ``NEWSBOT_MAX_REJECTS`` items rejected."""
        allowed = self.crawler.settings.getint("NEWSBOT_MAX_REJECTS", 0)
        # "<Item>" keys count rejected items, "<Item>/<reason>" keys their reasons.
        found = _counted(self.stats, ("newsbot/invalid/",), "newsbot/invalid/")
        total = sum(n for key, n in found.items() if "/" not in key)
        reasons = {key: n for key, n in found.items() if "/" in key}
        detail = ", ".join(f"{reason}: {n}" for reason, n in sorted(reasons.items()))
        self.assertLessEqual(
            total, allowed, msg=f"{total} item(s) rejected (allowed {allowed}): {detail}"
        )


def _counted(stats: dict[str, Any], prefixes: tuple[str, ...], strip: str) -> dict[str, int]:
    """The counters whose keys start with one of ``prefixes``, keyed without ``strip``."""
    return {
        key.removeprefix(strip): value
        for key, value in stats.items()
        if key.startswith(prefixes) and isinstance(value, int)
    }


class WriteReport(Action):  # type: ignore[misc]
    """Log every verdict, put them in the crawl's stats, and write the JSON report."""

    def run_action(self) -> None:
        """Runs once all monitors have finished."""
        failing = {id(result) for result in self.result.monitors_failed_results}
        checks = []
        for result in self.result.monitor_results:
            checks.append(
                {
                    "check": result.monitor.name,
                    "status": "FAILED" if id(result) in failing else result.status,
                    "message": _first_line(result.reason) if result.reason else None,
                }
            )
        failed = [check for check in checks if check["status"] == "FAILED"]
        status = "failed" if failed else "passed"
        crawler_stats = self.data.crawler.stats  # the data Spidermon hands over is read-only
        crawler_stats.set_value("newsbot/monitors/status", status)
        crawler_stats.set_value("newsbot/monitors/failed", len(failed))
        crawler_stats.set_value(
            "newsbot/monitors/failures", [f"{c['check']}: {c['message']}" for c in failed]
        )
        stats = crawler_stats.get_stats()
        for check in failed:
            logger.error("Monitor failed: %s: %s", check["check"], check["message"])
        logger.info("Monitors %s (%d of %d checks failed)", status, len(failed), len(checks))
        template = self.data.crawler.settings.get("NEWSBOT_REPORT_FILE")
        if template:
            path = Path(template % {"name": self.data.spider.name, "time": crawl_stamp(stats)})
            path.parent.mkdir(parents=True, exist_ok=True)
            report: dict[str, Any] = {
                "spider": self.data.spider.name,
                "status": status,
                "checks": checks,
                "stats": {k: v for k, v in stats.items() if k.startswith("newsbot/")},
            }
            path.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
            logger.info("Monitor report written to %s", path)


def _first_line(reason: str) -> str:
    return next((line.strip() for line in reason.strip().splitlines() if line.strip()), reason)


class CloseMonitorSuite(MonitorSuite):  # type: ignore[misc]
    """What runs when a crawl closes (``SPIDERMON_SPIDER_CLOSE_MONITORS``)."""

    monitors = [  # noqa: RUF012 - Spidermon's declaration style
        FinishReasonMonitor,
        ErrorCountMonitor,
        ItemCountMonitor,
        FieldCoverageMonitor,
        UnrecognisedPagesMonitor,
        RejectsMonitor,
    ]
    monitors_finished_actions = [WriteReport]  # noqa: RUF012
