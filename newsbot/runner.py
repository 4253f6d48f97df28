"""Run a crawl as a scheduled job (``newsbot run JOB -- ARGS``), as cron needs it.

- One run at a time per job: a second run of the same job exits at once with
  ``EXIT_ALREADY_RUNNING`` and says which process holds the job. The crawl process shares the
  job's lock, so a crawl whose runner was killed still holds its job (and its ``JOBDIR``).
- A log per run in a predictable place: ``<runs>/<job>/logs/<UTC time>.log`` (``latest.log``
  links to the newest), with the stats and the monitor report beside it.
- Resumable: the crawl keeps its queue in ``<runs>/<job>/jobdir`` (Scrapy's ``JOBDIR``). A run
  stopped by SIGINT/SIGTERM leaves it, and the next run of the job continues from there; a
  finished run clears it, so the next one starts afresh.
- The exit status says how it went: the crawl's own (newsbot.exitcodes, set by newsbot's
  ``scrapy crawl``), passed through, or ``EXIT_ALREADY_RUNNING`` for a locked job.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from newsbot.exitcodes import (
    EXIT_ALREADY_RUNNING,
    EXIT_CRAWL_FAILED,
    EXIT_INTERRUPTED,
    EXIT_MONITORS_FAILED,
    EXIT_OK,
    SITE_UNREACHABLE,
    UNKNOWN_SECTION,
    UNKNOWN_SECTIONS_STAT,
)
from newsbot.pids import alive

# The exit codes of the one table (newsbot.exitcodes), re-exported for the runner's callers.
__all__ = [
    "EXIT_ALREADY_RUNNING",
    "EXIT_CRAWL_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_MONITORS_FAILED",
    "EXIT_OK",
    "run_job",
    "runs_directory",
]

# Finish reasons of distributed crawls an operator ended (newsbot.distributed).
_ENDED_BY_HAND = {
    "dist_stop": "the distributed crawl was stopped by `newsbot dist stop`",
    "dist_clean": "the distributed crawl was removed by `newsbot dist clean --force`",
}
_CRAWL_CODES = {EXIT_OK, EXIT_CRAWL_FAILED, EXIT_MONITORS_FAILED, EXIT_INTERRUPTED}
# The crawl's own words on why its site was unreachable (newsbot.spiders.base).
_UNREACHABLE_STAT = "newsbot/site_unreachable/detail"
_JOBDIR_OWNER = "newsbot-run"  # in the JOBDIR: the time stamp of the run that used it last
_JOB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def runs_directory() -> Path:
    """``NEWSBOT_RUNS_DIR``, else ``runs`` in the exports directory."""
    default = Path(os.environ.get("NEWSBOT_EXPORTS_DIR", "exports")) / "runs"
    return Path(os.environ.get("NEWSBOT_RUNS_DIR", default))


def run_job(
    job: str,
    crawl_args: list[str],
    spider: str = "koreaherald",
    runs: Path | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Run ``scrapy crawl <spider> <crawl_args>`` as job ``job``; returns the exit status."""
    if not _JOB_NAME.match(job):
        print(f"newsbot run: bad job name {job!r} (letters, digits, . _ -)", file=sys.stderr)
        return EXIT_CRAWL_FAILED
    home = (runs or runs_directory()) / job
    (home / "logs").mkdir(parents=True, exist_ok=True)
    with (home / "lock").open("a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            print(
                f"newsbot run: job {job!r} is already running ({holder}); not starting another"
                f"{_orphan_note(holder)}",
                file=sys.stderr,
            )
            return EXIT_ALREADY_RUNNING
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
        _write_holder(lock, f"pid {os.getpid()}, started {stamp}")
        return _run_locked(job, crawl_args, spider, home, stamp, out, lock)


def _write_holder(lock: TextIO, holder: str) -> None:
    lock.seek(0)
    lock.truncate()
    lock.write(f"{holder}\n")
    lock.flush()


def _orphan_note(holder: str) -> str:
    """A hint when the holder's runner is gone but its crawl still runs."""
    found = re.match(r"pid (\d+), crawl pid (\d+)", holder)
    if found is None or alive(int(found[1])) or not alive(int(found[2])):
        return ""
    return (
        f"; its runner is gone but its crawl (pid {found[2]}) still runs: let it finish, or"
        " stop it with SIGTERM to keep its queue for the next run"
    )


def _run_locked(
    job: str,
    crawl_args: list[str],
    spider: str,
    home: Path,
    stamp: str,
    out: TextIO,
    lock: TextIO,
) -> int:
    log = home / "logs" / f"{stamp}.log"
    stats_file = home / "logs" / f"{stamp}.stats.json"
    jobdir = home / "jobdir"
    owner = jobdir / _JOBDIR_OWNER
    if owner.is_file() and _finished(home / "logs" / f"{owner.read_text().strip()}.stats.json"):
        # Its crawl finished after its runner was killed, so nobody cleared it.
        print(f"job {job}: the queue in {jobdir} is of a crawl that finished; starting afresh",
              file=out)  # fmt: skip
        shutil.rmtree(jobdir, ignore_errors=True)
    if jobdir.is_dir() and any(path.name != _JOBDIR_OWNER for path in jobdir.iterdir()):
        print(f"job {job}: resuming the interrupted run kept in {jobdir}", file=out)
    jobdir.mkdir(exist_ok=True)
    owner.write_text(f"{stamp}\n")  # the run whose crawl last used this queue
    command = [
        sys.executable, "-m", "scrapy", "crawl", spider, *crawl_args,
        "-s", f"JOBDIR={jobdir}",
        "-s", f"LOG_FILE={log}",
        "-s", f"NEWSBOT_STATS_FILE={stats_file}",
        "-s", f"NEWSBOT_REPORT_FILE={home / 'logs' / f'{stamp}.report.json'}",
    ]  # fmt: skip
    env = {**os.environ}
    env.setdefault("SCRAPY_SETTINGS_MODULE", "newsbot.settings")
    # Its own session: a terminal's Ctrl-C reaches the crawl once, through us, so that
    # Scrapy shuts down gracefully instead of seeing a second, forcing signal.
    # The locked file goes with it: the lock belongs to the open file, not to a process, so
    # the job stays locked until both have exited, even if we are killed.
    child = subprocess.Popen(  # noqa: S603 - our scrapy, the operator's arguments
        command, env=env, start_new_session=True, pass_fds=(lock.fileno(),)
    )
    _write_holder(lock, f"pid {os.getpid()}, crawl pid {child.pid}, started {stamp}")

    def forward(signum: int, frame: FrameType | None) -> None:
        child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        returncode = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    _link_latest(home / "latest.log", log)
    return _outcome(job, returncode, _read_json(stats_file), jobdir, log, out)


def _outcome(
    job: str,
    returncode: int,
    stats: dict[str, Any] | None,
    jobdir: Path,
    log: Path,
    out: TextIO,
) -> int:
    """One line saying how the crawl went; its exit code passed through (1 if it has none)."""
    code = returncode if returncode in _CRAWL_CODES else EXIT_CRAWL_FAILED
    reason = stats.get("finish_reason") if stats is not None else None
    if stats is None or reason is None:
        print(f"job {job}: crawl failed (exit status {returncode}); see {log}", file=sys.stderr)
        return code
    if reason == "shutdown":
        print(f"job {job}: interrupted; run it again to resume ({jobdir})", file=sys.stderr)
        return code
    if reason == "finished":
        shutil.rmtree(jobdir, ignore_errors=True)  # done: the next run starts afresh
    if reason == SITE_UNREACHABLE:
        print(f"job {job}: site unreachable: {stats.get(_UNREACHABLE_STAT)}; see {log}",
              file=sys.stderr)  # fmt: skip
        return code
    if reason == UNKNOWN_SECTION or stats.get(UNKNOWN_SECTIONS_STAT):
        print(f"job {job}: unknown section(s) asked for; see {log}", file=sys.stderr)
        if reason == UNKNOWN_SECTION:
            return code
    elif reason in _ENDED_BY_HAND:
        print(f"job {job}: {_ENDED_BY_HAND[reason]}: a partial crawl; see {log}", file=sys.stderr)
        return code
    elif reason != "finished":
        print(f"job {job}: crawl ended with {reason!r}; see {log}", file=sys.stderr)
        return code
    articles = stats.get("newsbot/saved/Article/new", 0) + stats.get(
        "newsbot/saved/Article/revised", 0
    )
    ranks = stats.get("newsbot/saved/PopularRank", 0)
    monitors = stats.get("newsbot/monitors/status")
    if monitors is None:
        print(
            f"job {job}: the monitors did not run (no newsbot/monitors/status in the stats), "
            f"so nothing vouches for this crawl; see {log}",
            file=sys.stderr,
        )
        return code
    print(
        f"job {job}: finished; {articles} new or revised articles, {ranks} ranks stored; "
        f"monitors {monitors}; log {log}",
        file=out,
    )
    if monitors == "failed":
        for failure in stats.get("newsbot/monitors/failures", []):
            print(f"job {job}: monitor failed: {failure}", file=sys.stderr)
    return code


def _finished(stats_file: Path) -> bool:
    stats = _read_json(stats_file)
    return stats is not None and stats.get("finish_reason") == "finished"


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def _link_latest(link: Path, target: Path) -> None:
    temporary = link.with_name(f".{link.name}.{os.getpid()}")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target.relative_to(link.parent))
    temporary.replace(link)
