"""What the figures share: run modes, the replica and crawl processes, timing helpers.

And the record of the machine a run measured on.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BARE_SPIDER = Path(__file__).with_name("bare_spider.py")
# The same engine settings for newsbot and the bare spider: no politeness, same concurrency.
ENGINE = [
    "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "ROBOTSTXT_OBEY=True", "-s", "LOG_LEVEL=WARNING",
    "-s", "TELNETCONSOLE_ENABLED=False", "-s", "REMOTE_CONTROL_ENABLED=False",
]  # fmt: skip
# Pages as heavy as real news pages (newsbot.replica.chrome): what every figure runs at.
PAGE_WEIGHT = "realistic"


@dataclass(frozen=True)
class Mode:
    """How much work each figure gets."""

    crawl_articles: int
    pairs: int
    parse_pages: int
    store_rows: int
    memory_small: int
    memory_large: int
    aeb_pages: int | None  # None: all 181


# Sized for realistic-weight pages, about 20 times the bytes of light ones: quick under two
# minutes, full under five on an idle two-core machine. Crawls and memory scale with articles,
# parse cost with pages (newspaper4k and trafilatura take 50-120 ms a page).
MODES = {
    "smoke": Mode(60, 1, 20, 200, 60, 120, 15),
    "quick": Mode(300, 3, 40, 2_000, 300, 1_200, None),
    "full": Mode(1_000, 5, 100, 10_000, 600, 2_400, None),
}


def machine() -> dict[str, Any]:
    """The machine a run measured on: its cores and how busy it was at the start."""
    return {
        "cpu_count": os.cpu_count(),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
        "python": sys.version.split()[0],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def replica_process(articles: int, weight: str = PAGE_WEIGHT) -> Iterator[tuple[str, int]]:
    """The 2023-layout replica in a process of its own, yielding its base URL and process id.

    Its own process: it does not compete with the driver, and its memory is not the crawl's.
    """
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "newsbot.replica", "--layout", "2023",
         "--articles", str(articles), "--port", str(port), "--page-weight", weight],
        cwd=REPO, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        # A large corpus takes a while to generate before the server answers.
        deadline = time.monotonic() + 600
        while not _answers(f"{base}/robots.txt"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the replica of {articles} articles did not start")
            time.sleep(0.5)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def replica(articles: int, weight: str = PAGE_WEIGHT) -> Iterator[str]:
    """The replica's base URL (:func:`replica_process`)."""
    with replica_process(articles, weight) as (base, _):
        yield base


def _answers(url: str) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback http
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@dataclass(frozen=True)
class Finished:
    """A crawl process that exited: its wall time, start to exit, CPU time and peak RSS."""

    seconds: float
    cpu_seconds: float
    peak_rss_kib: int


def run_process(command: list[str], cwd: Path, env: dict[str, str]) -> Finished:
    """Run, timing it from start to exit and sampling its resident memory.

    The wall time covers everything the process does: imports, migrations, the crawl and the
    close-time work (monitors, the crawl-run row, feeds, the last store flush) that Scrapy's
    ``elapsed_time_seconds`` leaves out. The CPU time (user + system, from ``wait4``) says
    what the process cost, less disturbed than wall time by other work on a busy machine.

    Memory is sampled rather than read from ``wait4``'s ``ru_maxrss``: Linux carries that
    high-water mark across fork and exec, so a child would report this (larger) driver's
    memory.
    """
    import psutil

    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env)
    watched = psutil.Process(process.pid)
    peak = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        with suppress(psutil.NoSuchProcess):
            peak = max(peak, watched.memory_info().rss)
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command[:6]}… exited with {process.returncode}")
    return Finished(seconds, usage.ru_utime + usage.ru_stime, peak // 1024)


def _url_log(workdir: Path) -> tuple[Path, list[str]]:
    """Where a crawl writes the URLs it received, and the settings that make it write them.

    Added to ``EXTENSIONS_BASE`` (Scrapy's defaults plus this one), so that newsbot's own
    ``EXTENSIONS`` stay as they are.
    """
    from scrapy.settings.default_settings import EXTENSIONS_BASE

    path = workdir / "requested-urls.txt"
    extensions = {**EXTENSIONS_BASE, "benchmarks.urllog.RequestedUrls": 0}
    settings = [f"EXTENSIONS_BASE={json.dumps(extensions)}", f"BENCH_URLS_FILE={path}"]
    return path, [arg for setting in settings for arg in ("-s", setting)]


def _finish(stats_file: Path, urls_file: Path, finished: Finished) -> dict[str, Any]:
    stats: dict[str, Any] = json.loads(stats_file.read_text())
    stats["peak_rss_kib"] = finished.peak_rss_kib
    stats["process_seconds"] = finished.seconds
    stats["process_cpu_seconds"] = finished.cpu_seconds
    stats["requested_urls"] = urls_file.read_text(encoding="utf-8").split()
    return stats


def newsbot_crawl(base: str, workdir: Path) -> dict[str, Any]:
    """The whole product: parse, validate, dedupe, SQLite store, feeds, monitors."""
    env = {**os.environ, "NEWSBOT_EXPORTS_DIR": str(workdir)}
    for name in ("NEWSBOT_DATABASE_URL", "NEWSBOT_REDIS_URL", "NEWSBOT_STATS_FILE"):
        env.pop(name, None)
    stats_file = workdir / "stats.json"
    urls_file, url_log = _url_log(workdir)
    finished = run_process(
        # Section lists only: the bare spider does not read feeds (the 2023 replica has none).
        [sys.executable, "-m", "scrapy", "crawl", "koreaherald", "-a", f"base_url={base}",
         "-a", "pages=100000", "-a", "discover=sections", *ENGINE,
         "-s", f"NEWSBOT_STATS_FILE={stats_file}", *url_log],
        REPO, env,
    )  # fmt: skip
    return _finish(stats_file, urls_file, finished)


def bare_crawl(base: str, workdir: Path) -> dict[str, Any]:
    """The baseline, run outside the project so that none of newsbot's settings apply."""
    stats_file = workdir / "bare-stats.json"
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(REPO)  # for benchmarks.urllog only; no newsbot setting applies
    urls_file, url_log = _url_log(workdir)
    finished = run_process(
        [sys.executable, "-m", "scrapy", "runspider", str(BARE_SPIDER), "-a", f"base_url={base}",
         "-a", f"stats_file={stats_file}", *ENGINE, *url_log],
        workdir, env,
    )  # fmt: skip
    return _finish(stats_file, urls_file, finished)


def pages_per_second(stats: dict[str, Any]) -> float:
    """Pages received per second of the whole process, start to exit."""
    return float(stats["response_received_count"]) / float(stats["process_seconds"])


def same_pages(newsbot: dict[str, Any], bare: dict[str, Any]) -> None:
    """Raise unless both crawls received exactly the same URLs, each as often."""
    a, b = Counter(newsbot["requested_urls"]), Counter(bare["requested_urls"])
    if a != b:
        only_newsbot = sorted((a - b).elements())
        only_bare = sorted((b - a).elements())
        raise RuntimeError(
            f"newsbot and the bare spider must fetch the same pages: {len(only_newsbot)} "
            f"only by newsbot (e.g. {only_newsbot[:3]}), {len(only_bare)} only by the bare "
            f"spider (e.g. {only_bare[:3]})"
        )


def rates(work: Callable[[], int], rounds: int = 3) -> list[float]:
    """Items per second of each of ``rounds`` runs.

    Figures take the fastest (the least disturbed one) and record them all, so a reader can
    judge the noise.
    """
    found = []
    for _ in range(rounds):
        started = time.perf_counter()
        done = work()
        found.append(done / (time.perf_counter() - started))
    return found


def fresh(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=False)
    return path
