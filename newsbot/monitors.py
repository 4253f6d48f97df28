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
from spidermon.contrib.scrapy.monitors import ErrorCountMonitor as SpidermonErrorCountMonitor
from spidermon.contrib.scrapy.monitors import FinishReasonMonitor
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor
from spidermon.core.actions import Action

from newsbot.extensions.stats_file import crawl_stamp

logger = logging.getLogger(__name__)
# Spidermon's runner still calls Spider.log(); the warning is Spidermon's to fix, and it would
# otherwise add a WARNING line to every crawl's log.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated", module="spidermon")

# Stats that count pages newsbot met but could not read: a redesign raises them. Pages no
# layout recognises (newsbot/layout_unknown/) are not among them: they are read generically,
# and counted here only when that fails too (parse_failed, list_empty). See DRIFT_PREFIX.
UNRECOGNISED_PREFIXES = (
    "newsbot/feeds/empty",
    "newsbot/feeds/unreadable",
    "newsbot/list_empty",
    "newsbot/parse_failed/",
    "newsbot/popular/not_found",
    "newsbot/popular/empty",
    "newsbot/sections/not_found",
    "newsbot/teasers/undated",
)
# Pages of a site with layouts that none of them recognised: read by the generic extractor.
DRIFT_PREFIX = "newsbot/layout_unknown/"  # newsbot/layout_unknown/<article|list>
LOST_PREFIX = "newsbot/lost/"  # newsbot/lost/<kind>/<reason>: leaves only, no totals
LOST_PAGES_SHOWN = 5  # URLs quoted in the lost pages monitor's message
CANARY_LOST_PREFIX = "newsbot/canary/lost/"  # newsbot/canary/lost/<reason>


@monitors.name("Error Count Monitor")
class ErrorCountMonitor(SpidermonErrorCountMonitor):  # type: ignore[misc]
    """Lines logged at ERROR: bugs, not losses (those are counted and judged on their own).

    Spidermon's monitor skips itself when no ERROR was logged, which is every clean crawl, and
    says so in every log and report as "SKIPPED"; no ERROR line is zero of them, a pass.
    """

    def test_stat_monitor(self) -> None:
        """At most ``SPIDERMON_MAX_ERRORS`` lines logged at ERROR."""
        allowed = self.crawler.settings.getint("SPIDERMON_MAX_ERRORS", 0)
        errors = self.stats.get("log_count/ERROR", 0)
        self.assertLessEqual(
            errors,
            allowed,
            msg=f"{errors} error(s) logged (allowed {allowed}): read the ERROR lines in the log",
        )


@monitors.name("Field coverage")
class FieldCoverageMonitor(BaseScrapyMonitor):  # type: ignore[misc]
    """Share of article pages parsed that filled each field users rely on.

    Rules (``NEWSBOT_FIELD_COVERAGE``, ``"Article/<field>": minimum share``) are measured over
    the pages the spider parsed (``newsbot/coverage/Article/pages``), pages dropped for a
    missing required field included: counting scraped items instead would never see a title
    that vanished, because such items are never scraped. A crawl that parsed no article page
    (nothing new, or ``popular=only``) is not judged: there is nothing to measure.
    """

    @monitors.name("Fields users rely on are filled")
    def test_field_coverage(self) -> None:
        """Every rule's minimum share is met."""
        rules: dict[str, float] = self.crawler.settings.getdict("NEWSBOT_FIELD_COVERAGE")
        failures = []
        for rule, minimum in rules.items():
            item_type, field = rule.split("/", 1)
            pages = self.stats.get(f"newsbot/coverage/{item_type}/pages", 0)
            if not pages:
                continue
            filled = self.stats.get(f"newsbot/coverage/{item_type}/{field}", 0)
            if filled / pages < float(minimum):
                failures.append(
                    f"{item_type}.{field} filled on {filled / pages:.0%} of {pages} "
                    f"{item_type.lower()} pages parsed (expected at least {float(minimum):.0%})"
                )
        self.assertFalse(failures, msg="field coverage dropped: " + "; ".join(failures))


@monitors.name("Articles found")
class ArticlesFoundMonitor(BaseScrapyMonitor):  # type: ignore[misc]
    """Section list pages that show no article at all: their markup changed.

    ``newsbot/articles/seen`` counts every teaser read on a list page, new, already stored or
    older than ``-a since``, so a quiet re-run passes. ``newsbot/sections/crawled`` counts
    the sections whose first list page this process read, so each distributed worker judges
    the lists it read. A crawl that read no section list (``popular=only``) is not judged;
    its Most Popular items do not count as articles.
    """

    @monitors.name("Section lists show articles")
    def test_articles_seen(self) -> None:
        """Some article was seen when sections were crawled."""
        sections = self.stats.get("newsbot/sections/crawled", 0)
        seen = self.stats.get("newsbot/articles/seen", 0)
        self.assertFalse(
            sections and not seen,
            msg=f"{sections} section(s) crawled, but their list pages showed no article",
        )


@monitors.name("Lost pages")
class LostPagesMonitor(BaseScrapyMonitor):  # type: ignore[misc]
    """Pages the crawl wanted but did not get (HTTP errors, timeouts, redirects, crashes)."""

    @monitors.name("No page is lost")
    def test_lost_pages(self) -> None:
        """At most ``NEWSBOT_MAX_LOST_PAGES`` pages lost, summed over every kind and reason."""
        allowed = self.crawler.settings.getint("NEWSBOT_MAX_LOST_PAGES", 0)
        found = _counted(self.stats, (LOST_PREFIX,), LOST_PREFIX)
        total = sum(found.values())
        detail = ", ".join(f"{key}: {n}" for key, n in sorted(found.items()))
        pages = lost_pages(self.stats)
        if pages:
            shown = ", ".join(
                f"{p.get('url')} ({p.get('kind')}, {p.get('reason')})"
                for p in pages[:LOST_PAGES_SHOWN]
            )
            more = len(pages) - LOST_PAGES_SHOWN
            detail += f"; first: {shown}" + (f" and {more} more" if more > 0 else "")
        self.assertLessEqual(
            total, allowed, msg=f"{total} page(s) lost (allowed {allowed}): {detail}"
        )


def lost_pages(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The lost pages listed in the stats (``newsbot/lost_pages``), each a URL, kind and reason."""
    pages = stats.get("newsbot/lost_pages") or []
    return [page for page in pages if isinstance(page, dict)]


@monitors.name("Unrecognised pages")
class UnrecognisedPagesMonitor(BaseScrapyMonitor):  # type: ignore[misc]
    """Pages newsbot could not read; a redesign raises their count.

    Empty or undated lists, articles missing required fields (the generic reading included),
    a vanished Most Popular or section, a feed that is not one. Pages no layout recognised but
    the generic extractor read are drift, not holes: see :class:`LayoutDriftMonitor`.
    """

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


@monitors.name("Layout drift")
class LayoutDriftMonitor(BaseScrapyMonitor):  # type: ignore[misc]
    """Pages of a site with known layouts that none of them recognised.

    Such pages are read by the generic extractor, so the data keeps coming; the site's own
    parsers no longer fit them, and that is worth fixing before the generic reading errs.
    The ``news`` spider reads every page generically by design: it never counts these.
    """

    @monitors.name("Pages are read by their site's layouts")
    def test_layout_drift(self) -> None:
        """At most ``NEWSBOT_MAX_DRIFTED_PAGES`` pages read generically on such a site."""
        allowed = self.crawler.settings.getint("NEWSBOT_MAX_DRIFTED_PAGES", 0)
        found = drifted_pages(self.stats)
        total = sum(found.values())
        detail = ", ".join(f"{n} {kind} page(s)" for kind, n in sorted(found.items()))
        self.assertLessEqual(
            total,
            allowed,
            msg=f"{total} pages read by the generic extractor (layout drift?): {detail}",
        )


@monitors.name("Canaries")
class CanariesMonitor(BaseScrapyMonitor):  # type: ignore[misc]
    """Stored articles re-read as canaries that could not be fetched again.

    One canary lost is an article the site removed, counted and warned about but not a lost
    page (it is stored). Most of them lost is the site moving its article URLs or blocking
    article pages: nothing new would be found there either, and the other checks, which
    judge pages read, would see nothing to judge.
    """

    @monitors.name("Stored articles can be read again")
    def test_canaries_fetched(self) -> None:
        """At most ``NEWSBOT_MAX_CANARY_LOST_SHARE`` of the canaries lost (default half)."""
        requested = self.stats.get("newsbot/canary/requested", 0)
        if not requested:
            return
        allowed = self.crawler.settings.getfloat("NEWSBOT_MAX_CANARY_LOST_SHARE", 0.5)
        found = _counted(self.stats, (CANARY_LOST_PREFIX,), CANARY_LOST_PREFIX)
        lost = sum(found.values())
        detail = ", ".join(f"{reason}: {n}" for reason, n in sorted(found.items()))
        self.assertLessEqual(
            lost / requested,
            allowed,
            msg=f"{lost} of {requested} stored articles re-read as canaries could not be "
            f"fetched (allowed {allowed:.0%}): {detail}",
        )


def drifted_pages(stats: dict[str, Any]) -> dict[str, int]:
    """Pages read generically because no layout of their site recognised them, by kind."""
    return _counted(stats, (DRIFT_PREFIX,), DRIFT_PREFIX)


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
        # The crawl's summary repeats the verdict with the failing checks.
        logger.debug("Monitors %s (%d of %d checks failed)", status, len(failed), len(checks))
        template = self.data.crawler.settings.get("NEWSBOT_REPORT_FILE")
        if template:
            path = Path(template % {"name": self.data.spider.name, "time": crawl_stamp(stats)})
            path.parent.mkdir(parents=True, exist_ok=True)
            report: dict[str, Any] = {
                "spider": self.data.spider.name,
                "status": status,
                "checks": checks,
                "layout_drift": drifted_pages(stats),
                "lost_pages": [
                    {key: page.get(key) for key in ("url", "kind", "reason")}
                    for page in lost_pages(stats)
                ],
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
        ErrorCountMonitor,  # log lines at ERROR: bugs, not losses (those are counted)
        ArticlesFoundMonitor,
        FieldCoverageMonitor,
        UnrecognisedPagesMonitor,
        LayoutDriftMonitor,
        CanariesMonitor,  # stored articles that could not be re-read: moved URLs, blocking
        LostPagesMonitor,
        RejectsMonitor,
    ]
    monitors_finished_actions = [WriteReport]  # noqa: RUF012
