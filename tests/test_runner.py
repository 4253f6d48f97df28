"""`newsbot run`: one run per job, a log per run, resumable after a signal, honest exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsbot.runner import (
    EXIT_ALREADY_RUNNING,
    EXIT_CRAWL_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
)
from tests.crawling import FAST, REPO
from tests.databases import postgres_database
from tests.tcpproxy import TcpProxy
from tests.test_e2e_storage import table_counts

pytestmark = pytest.mark.e2e
# Slow enough to act on a crawl while it runs.
SLOW = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", "-s", "DOWNLOAD_DELAY=0.01"]


def newsbot_run(job: str, workdir: Path, *crawl_args: str, database_url: str | None = None):
    """Start `newsbot run` in ``workdir``, as cron would (any directory will do)."""
    env = {**os.environ, "NEWSBOT_EXPORTS_DIR": str(workdir / "exports")}
    # This checkout's newsbot, not whichever one the virtualenv has installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("NEWSBOT_STATS_FILE", None)
    if database_url:
        env["NEWSBOT_DATABASE_URL"] = database_url
    return subprocess.Popen(
        [sys.executable, "-m", "newsbot", "run", job, "--", *crawl_args],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_until(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def job_stats(workdir: Path, job: str) -> list[dict]:
    logs = workdir / "exports" / "runs" / job / "logs"
    return [json.loads(p.read_text()) for p in sorted(logs.glob("*.stats.json"))]


def test_second_run_of_a_running_job_declines(replica_1000, tmp_path):
    base = ["-a", f"base_url={replica_1000.base_url}", "-a", "pages=100", *FAST, *SLOW]
    first = newsbot_run("sections", tmp_path, *base)
    lock = tmp_path / "exports" / "runs" / "sections" / "lock"
    assert wait_until(lambda: lock.exists() and "pid" in lock.read_text())
    second = newsbot_run("sections", tmp_path, *base)
    _, err = second.communicate(timeout=60)
    assert second.returncode == EXIT_ALREADY_RUNNING
    assert "job 'sections' is already running (pid" in err
    assert first.poll() is None, "the first run goes on"
    # Another job may run at the same time.
    other = newsbot_run("popular", tmp_path, "-a", f"base_url={replica_1000.base_url}",
                        "-a", "popular=only", *FAST)  # fmt: skip
    other.communicate(timeout=120)
    assert other.returncode == EXIT_OK
    first.send_signal(signal.SIGTERM)
    first.communicate(timeout=120)
    assert first.returncode == EXIT_INTERRUPTED
    latest = tmp_path / "exports" / "runs" / "sections" / "latest.log"
    assert latest.is_symlink()
    assert "Spider closed (shutdown)" in latest.read_text()


def test_interrupted_crawl_resumes_without_refetching_or_duplicating(replica_1000, tmp_path):
    corpus = replica_1000.replica.corpus
    with postgres_database() as url:
        args = ["-a", f"base_url={replica_1000.base_url}", "-a", "pages=100", *FAST, *SLOW]
        first = newsbot_run("full", tmp_path, *args, database_url=url)
        assert wait_until(lambda: _articles(url) >= 150)
        first.send_signal(signal.SIGINT)
        _, err = first.communicate(timeout=120)
        assert first.returncode == EXIT_INTERRUPTED, err
        assert "run it again to resume" in err
        jobdir = tmp_path / "exports" / "runs" / "full" / "jobdir"
        assert (jobdir / "requests.queue").is_dir(), "the queue is kept for the next run"
        stored_before = _articles(url)
        assert stored_before < len(corpus.articles)

        second = newsbot_run("full", tmp_path, *args, database_url=url)
        out, err = second.communicate(timeout=300)
        assert second.returncode == EXIT_OK, err
        assert "resuming the interrupted run" in out
        assert not jobdir.exists(), "a finished run clears its queue"
        counts = table_counts(url)
        assert counts["articles"] == len(corpus.articles)
        assert counts["article_revisions"] == len(corpus.articles), "no duplicate rows"
        assert counts["popular_snapshots"] == 1, "one Most Popular snapshot per crawl"
        runs = job_stats(tmp_path, "full")
        assert [r["finish_reason"] for r in runs] == ["shutdown", "finished"]
        fetched = sum(r.get("newsbot/articles/2023", 0) for r in runs)
        assert len(corpus.articles) <= fetched <= len(corpus.articles) + 8, fetched
        list_pages = sum(r.get("newsbot/list_pages", 0) for r in runs)
        assert list_pages == sum(-(-len(corpus.in_section(s)) // 15) for s in _sections(corpus))


def _articles(url: str) -> int:
    try:
        return table_counts(url)["articles"]
    except Exception:  # the schema is not there yet
        return 0


def _sections(corpus) -> set[str]:
    return {name for article in corpus.articles for name in article.sections}


def test_crawl_that_cannot_start_exits_non_zero(tmp_path):
    run = newsbot_run("broken", tmp_path, "-a", "pages=0")
    _, err = run.communicate(timeout=120)
    assert run.returncode == EXIT_CRAWL_FAILED
    assert "crawl failed" in err


def test_crawl_of_an_unreachable_site_could_not_crawl(tmp_path):
    closed = TcpProxy("127.0.0.1", 9)
    closed.cut()
    run = newsbot_run("unreachable", tmp_path, "-a", f"base_url=http://127.0.0.1:{closed.port}",
                      *FAST, "-s", "RETRY_ENABLED=False")  # fmt: skip
    _, err = run.communicate(timeout=120)
    assert run.returncode == EXIT_CRAWL_FAILED
    assert f"site unreachable: http://127.0.0.1:{closed.port}/ — connection refused" in err


def test_bad_job_name_is_refused(tmp_path):
    run = newsbot_run("../escape", tmp_path)
    _, err = run.communicate(timeout=60)
    assert run.returncode == EXIT_CRAWL_FAILED
    assert "bad job name" in err


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_killed_runner_keeps_its_job_locked_while_its_crawl_runs(replica_1000, tmp_path):
    base = ["-a", f"base_url={replica_1000.base_url}", "-a", "pages=100", *FAST, *SLOW]
    runner = newsbot_run("orphan", tmp_path, *base)
    orphan = None
    later = None
    try:
        assert wait_until(lambda: bool(_children(runner.pid)))
        orphan = _children(runner.pid)[0]
        home = tmp_path / "exports" / "runs" / "orphan"
        assert wait_until(
            lambda: any("Spider opened" in p.read_text() for p in home.glob("logs/*.log"))
        )
        assert wait_until(lambda: (home / "jobdir" / "requests.queue").is_dir())
        runner.send_signal(signal.SIGKILL)
        runner.wait(timeout=30)  # its crawl still holds the output pipes: no communicate()
        assert _alive(orphan), "the crawl outlives its runner"
        later = newsbot_run("orphan", tmp_path, *base)
        _, err = later.communicate(timeout=60)
        assert later.returncode == EXIT_ALREADY_RUNNING, err
        assert f"crawl pid {orphan}" in err
        # The orphan stops as any crawl does, keeping its queue; the job resumes from there.
        os.kill(orphan, signal.SIGTERM)
        assert wait_until(lambda: not _alive(orphan))
        later = newsbot_run("orphan", tmp_path, *base)
        out, err = later.communicate(timeout=300)
        assert later.returncode == EXIT_OK, err
        assert "resuming the interrupted run" in out
    finally:
        for process in (runner, later):
            if process is not None and process.poll() is None:
                process.kill()
                process.communicate()
        if orphan is not None and _alive(orphan):
            os.kill(orphan, signal.SIGKILL)


def test_crawl_whose_monitors_did_not_run_is_not_a_success(replica_2023, tmp_path):
    run = newsbot_run("unmonitored", tmp_path, "-a", f"base_url={replica_2023.base_url}",
                      "-a", "popular=only", *FAST, "-s", "SPIDERMON_ENABLED=False")  # fmt: skip
    _, err = run.communicate(timeout=120)
    assert run.returncode == EXIT_CRAWL_FAILED, err
    assert "the monitors did not run" in err


def test_queue_of_an_orphan_that_finished_is_not_resumed(replica_1000, tmp_path):
    base = ["-a", f"base_url={replica_1000.base_url}", "-a", "pages=100", *FAST, *SLOW]
    runner = newsbot_run("finished-orphan", tmp_path, *base)
    later = None
    try:
        assert wait_until(lambda: bool(_children(runner.pid)))
        orphan = _children(runner.pid)[0]
        runner.send_signal(signal.SIGKILL)
        runner.wait(timeout=30)
        assert wait_until(lambda: not _alive(orphan), timeout=300), "the orphan finishes"
        assert [r["finish_reason"] for r in job_stats(tmp_path, "finished-orphan")] == ["finished"]
        # Nobody cleared its queue: the next run must start afresh, not "resume" a done crawl.
        later = newsbot_run("finished-orphan", tmp_path, *base, "-a", "popular=only")
        out, err = later.communicate(timeout=120)
        assert later.returncode == EXIT_OK, err
        assert "resuming" not in out
        assert job_stats(tmp_path, "finished-orphan")[-1]["newsbot/popular/snapshots"] == 1
    finally:
        for process in (runner, later):
            if process is not None and process.poll() is None:
                process.kill()
                process.communicate()
