"""The exit codes of every crawl command: ``scrapy crawl``, ``make crawl``, ``newsbot run``.

One table (docs/operations.md): the crawl command (newsbot.commands.crawl) sets them from the
crawl's outcome, and ``newsbot run`` passes the crawl's code through, adding its own for a job
that is already running.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EXIT_OK = 0  # the crawl finished and its monitors passed
EXIT_CRAWL_FAILED = 1  # could not crawl: bad argument, site unreachable, crash, no verdict
EXIT_MONITORS_FAILED = 2  # the crawl finished but a monitor failed (losses, drift, rejects)
EXIT_INTERRUPTED = 3  # stopped by a signal (finish reason "shutdown"); the queue is kept
EXIT_ALREADY_RUNNING = 75  # EX_TEMPFAIL: `newsbot run` only, another run holds the job's lock

FINISHED = "finished"
INTERRUPTED = "shutdown"
# Finish reasons newsbot gives a crawl it ends itself.
SITE_UNREACHABLE = "site_unreachable"
UNKNOWN_SECTION = "unknown_section"
# Counted when some of the sections asked for are not on the site (the others are crawled).
UNKNOWN_SECTIONS_STAT = "newsbot/sections/unknown"


def crawl_exit_code(stats: Mapping[str, Any] | None) -> int:
    """The exit code of a crawl, from its final stats (None: it never ran)."""
    return crawl_outcome(stats)[0]


def crawl_outcome(stats: Mapping[str, Any] | None) -> tuple[int, str]:
    """The exit code of a crawl and a few words saying why."""
    if stats is None:
        return EXIT_CRAWL_FAILED, "the crawl did not run"
    reason = stats.get("finish_reason")
    if reason == INTERRUPTED:
        return EXIT_INTERRUPTED, "interrupted; run it again to resume"
    if reason == SITE_UNREACHABLE:
        return EXIT_CRAWL_FAILED, "the site could not be reached"
    if reason == UNKNOWN_SECTION or stats.get(UNKNOWN_SECTIONS_STAT):
        return EXIT_CRAWL_FAILED, "sections asked for are not on the site"
    if reason is None:  # stopped before its spider opened, or it crashed
        return EXIT_CRAWL_FAILED, "the crawl never closed its spider (stopped while starting?)"
    if reason != FINISHED:
        return EXIT_CRAWL_FAILED, f"the crawl ended with {reason!r}"
    status = stats.get("newsbot/monitors/status")
    if status is None:
        return EXIT_CRAWL_FAILED, "the monitors did not run, so nothing vouches for this crawl"
    if status == "failed":
        return EXIT_MONITORS_FAILED, "a monitor failed"
    return EXIT_OK, "monitors passed"
