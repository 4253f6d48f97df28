"""`scrapy crawl` exits with the code of the one exit-code table (newsbot.exitcodes).

Real crawls in their own processes, over the replica or over loopback ports that refuse or
stall; each says what an operator needs on one line.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsbot.exitcodes import EXIT_CRAWL_FAILED, EXIT_INTERRUPTED, EXIT_MONITORS_FAILED, EXIT_OK
from tests.crawling import FAST, REPO, crawl, crawl_env
from tests.databases import postgres_database
from tests.test_runner import newsbot_run

pytestmark = pytest.mark.e2e

QUICK = ["-a", "sections=National", "-a", "pages=1"]


def scrapy_crawl(
    out: Path,
    *arguments: str,
    spider: str = "koreaherald",
    env: dict[str, str] | None = None,
    log_file: bool = True,
) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl`` as an operator types it, its output captured (its log in a file)."""
    out.mkdir(parents=True, exist_ok=True)
    log = ["-s", f"LOG_FILE={out / 'crawl.log'}"] if log_file else []
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", spider, *FAST, *arguments, *log],
        cwd=REPO, env={**crawl_env(out), **(env or {})},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket goes


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: every request times out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for sock in held:
            sock.close()
        listener.close()


# --- bad arguments: one line naming the argument, exit 1, nothing crawled -----------------


@pytest.mark.parametrize(
    ("spider", "argument", "says"),
    [
        ("koreaherald", "pages=abc", "bad argument pages='abc': pages must be a positive"),
        ("koreaherald", "pages=0", "bad argument pages='0': pages must be a positive"),
        ("koreaherald", "since=yesterday", "bad argument since='yesterday': since must be a date"),
        ("koreaherald", "popular=x", "bad argument popular='x': popular must be one of"),
        ("koreaherald", "refresh=maybe", "bad argument refresh='maybe': refresh must be"),
        ("koreaherald", "discover=x", "bad argument discover='x': discover must be one of"),
        ("koreaherald", "base_url=ftp://x", "bad argument base_url='ftp://x': base_url must be"),
        ("news", "timezone=Mars/Base", "bad argument timezone='Mars/Base': timezone must be"),
    ],
)
def test_bad_argument_fails_at_start_with_one_line(tmp_path, spider, argument, says):
    port = closed_port()
    base = [] if argument.startswith("base_url=") else ["-a", f"base_url=http://127.0.0.1:{port}"]
    run = scrapy_crawl(tmp_path, *base, "-a", argument, spider=spider, log_file=False)
    assert run.returncode == EXIT_CRAWL_FAILED, run.stderr
    # The only line printed: not even Scrapy's start-up line, as logging is not set up yet.
    assert run.stderr.strip().startswith(f"scrapy crawl: {says}"), run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    # Nothing crawled, nothing recorded: no database.
    assert not (tmp_path / "newsbot.sqlite3").exists()


def test_news_spider_without_base_url_names_it(tmp_path):
    run = scrapy_crawl(tmp_path, spider="news", log_file=False)
    assert run.returncode == EXIT_CRAWL_FAILED
    assert "scrapy crawl: bad argument base_url=None: base_url is required" in run.stderr
    assert "Traceback" not in run.stderr


def test_unknown_spider_is_one_line(tmp_path):
    run = scrapy_crawl(tmp_path, spider="nope", log_file=False)
    assert run.returncode == EXIT_CRAWL_FAILED
    assert run.stderr.strip() == "scrapy crawl: no spider named 'nope'; the spiders are: " + (
        "koreaherald, news"
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [("NEWSBOT_STORE_ENABLED", "maybe"), ("NEWSBOT_DATABASE_AUTO_MIGRATE", "perhaps")],
)
def test_bad_boolean_in_the_environment_names_the_variable(tmp_path, variable, value):
    run = scrapy_crawl(
        tmp_path, "-a", "base_url=http://127.0.0.1:9", env={variable: value}, log_file=False
    )
    assert run.returncode == EXIT_CRAWL_FAILED
    assert f"scrapy crawl: {variable}={value!r}: expected one of" in run.stderr
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


# --- the site cannot be reached -------------------------------------------------------------


def test_refused_homepage_ends_the_crawl_as_unreachable(tmp_path):
    port = closed_port()
    run = scrapy_crawl(tmp_path, "-a", f"base_url=http://127.0.0.1:{port}", *QUICK,
                       "-s", "RETRY_TIMES=1")  # fmt: skip
    log = (tmp_path / "crawl.log").read_text()
    assert run.returncode == EXIT_CRAWL_FAILED, log[-3000:]
    unreachable = [line for line in log.splitlines() if "Site unreachable" in line]
    assert len(unreachable) == 1, log[-3000:]
    assert " ERROR: " in unreachable[0]
    assert (
        f"Site unreachable: http://127.0.0.1:{port}/ — connection refused (after 1 retries)"
        in unreachable[0]
    )
    assert "Spider closed (site_unreachable)" in log
    assert "Summary of koreaherald (site_unreachable" in log
    assert "The site could not be reached" in log


def test_homepage_that_never_answers_ends_the_crawl_as_unreachable(tmp_path, silent_server):
    started = time.monotonic()
    run = scrapy_crawl(tmp_path, "-a", f"base_url=http://127.0.0.1:{silent_server}", *QUICK,
                       "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1",
                       "-s", "ROBOTSTXT_OBEY=False")  # fmt: skip
    log = (tmp_path / "crawl.log").read_text()
    assert run.returncode == EXIT_CRAWL_FAILED, log[-3000:]
    assert (
        f"Site unreachable: http://127.0.0.1:{silent_server}/ — timed out (after 1 retries)" in log
    )
    assert time.monotonic() - started < 60


def test_unreachable_site_is_counted_in_the_stats(tmp_path):
    port = closed_port()
    scrapy_crawl(tmp_path, "-a", f"base_url=http://127.0.0.1:{port}", *QUICK,
                 "-s", "RETRY_ENABLED=False")  # fmt: skip
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["finish_reason"] == "site_unreachable"
    assert stats["newsbot/site_unreachable"] == 1


# --- sections the site does not have ---------------------------------------------------------


def test_unknown_section_fails_the_crawl_listing_the_sites_sections(replica_2023, tmp_path):
    result = crawl(replica_2023, tmp_path, "-a", "sections=Nope", "-a", "pages=1")
    assert result.returncode == EXIT_CRAWL_FAILED, result.log[-3000:]
    assert "Unknown section(s) Nope; the site has: National, Business" in result.log
    assert result.stats["finish_reason"] == "unknown_section"


def test_unknown_section_among_known_ones_crawls_them_but_fails(replica_2023, tmp_path):
    result = crawl(replica_2023, tmp_path, "-a", "sections=National,Nope", "-a", "pages=1")
    assert result.returncode == EXIT_CRAWL_FAILED, result.log[-3000:]
    assert "Unknown section(s) Nope; the site has: National" in result.log
    assert result.articles, "the known section is crawled"
    assert {a["section"] for a in result.articles} == {"National"}


# --- finished: passed, monitors failed, monitors absent; interrupted -----------------------


def test_clean_crawl_exits_0(replica_2023, tmp_path):
    result = crawl(replica_2023, tmp_path, *QUICK)
    assert result.returncode == EXIT_OK, result.log[-3000:]
    assert result.stats["newsbot/monitors/status"] == "passed"


def test_failed_monitor_exits_2(replica_2023, tmp_path):
    # No ERROR line at all is still one too many when the limit is below zero.
    result = crawl(replica_2023, tmp_path, *QUICK, "-s", "SPIDERMON_MAX_ERRORS=-1")
    assert result.returncode == EXIT_MONITORS_FAILED, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"


def test_crawl_without_monitors_exits_1(replica_2023, tmp_path):
    result = crawl(replica_2023, tmp_path, *QUICK, "-s", "SPIDERMON_ENABLED=False")
    assert result.returncode == EXIT_CRAWL_FAILED, result.log[-3000:]
    assert "the monitors did not run" in result.log


def test_interrupted_crawl_exits_3(replica_1000, tmp_path):
    tmp_path.mkdir(exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "koreaherald",
         "-a", f"base_url={replica_1000.base_url}", "-a", "pages=100", *FAST,
         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "DOWNLOAD_DELAY=0.05",
         "-s", f"LOG_FILE={tmp_path / 'crawl.log'}"],
        cwd=REPO, env=crawl_env(tmp_path),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        log = tmp_path / "crawl.log"
        # Interrupted once articles come in: the crawl is under way, not starting.
        while not list((tmp_path / "koreaherald").glob("articles-*.jsonl")):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        returncode = process.wait(timeout=120)
        assert returncode == EXIT_INTERRUPTED, log.read_text()[-3000:]
    finally:
        if process.poll() is None:
            process.kill()


# --- quiet runs: nothing new is not a failure ---------------------------------------------


def test_quiet_rerun_passes(replica_2023, tmp_path):
    with postgres_database() as url:
        first = crawl(replica_2023, tmp_path / "first", *QUICK, database_url=url)
        assert first.returncode == EXIT_OK, first.log[-3000:]
        assert first.articles
        again = crawl(replica_2023, tmp_path / "again", *QUICK, database_url=url)
        assert again.returncode == EXIT_OK, again.log[-3000:]
        assert again.articles == []
        assert again.stats["newsbot/monitors/status"] == "passed"


def test_quiet_sections_job_passes(replica_2023, tmp_path):
    """The hourly ``sections`` job over a database that holds everything already."""
    with postgres_database() as url:
        args = ["-a", f"base_url={replica_2023.base_url}", "-a", "popular=skip", *QUICK, *FAST]
        for _ in range(2):
            run = newsbot_run("sections", tmp_path, *args, database_url=url)
            _, err = run.communicate(timeout=300)
            assert run.returncode == EXIT_OK, err


# --- `newsbot run` passes the crawl's code through ------------------------------------------


def test_newsbot_run_passes_an_unreachable_site_through(tmp_path):
    port = closed_port()
    run = newsbot_run("unreachable", tmp_path, "-a", f"base_url=http://127.0.0.1:{port}",
                      *FAST, "-s", "RETRY_ENABLED=False")  # fmt: skip
    _, err = run.communicate(timeout=120)
    assert run.returncode == EXIT_CRAWL_FAILED
    assert f"site unreachable: http://127.0.0.1:{port}/ — connection refused" in err


def test_newsbot_run_passes_a_bad_argument_through(tmp_path):
    run = newsbot_run("broken", tmp_path, "-a", "since=yesterday")
    _, err = run.communicate(timeout=120)
    assert run.returncode == EXIT_CRAWL_FAILED
    assert "bad argument since='yesterday'" in err
    assert "Traceback" not in err


def test_newsbot_run_passes_a_monitor_failure_through(replica_2023, tmp_path):
    run = newsbot_run("strict", tmp_path, "-a", f"base_url={replica_2023.base_url}", *QUICK,
                      *FAST, "-s", "SPIDERMON_MAX_ERRORS=-1")  # fmt: skip
    _, err = run.communicate(timeout=120)
    assert run.returncode == EXIT_MONITORS_FAILED, err
    assert "monitor failed: Error Count Monitor" in err
