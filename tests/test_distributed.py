"""Distributed crawls: workers share one crawl through the real Redis, results in the real
PostgreSQL; each article stored exactly once, work shared, a killed worker loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from newsbot.exitcodes import EXIT_CRAWL_FAILED, EXIT_MONITORS_FAILED, EXIT_OK
from newsbot.replica.corpus import build_corpus
from tests.conftest import REDIS_URL
from tests.crawling import REPO
from tests.databases import postgres_database
from tests.faults import serving_faults
from tests.test_e2e_storage import table_counts

pytestmark = pytest.mark.e2e


def start_worker(name, workdir: Path, replica, database_url, prefix, *extra, crawl_id="c1"):
    out = workdir / name
    out.mkdir(parents=True)
    env = {
        **os.environ,
        "NEWSBOT_EXPORTS_DIR": str(out),
        "NEWSBOT_STATS_FILE": str(out / "stats.json"),
        "NEWSBOT_DATABASE_URL": database_url,
        "NEWSBOT_REDIS_URL": REDIS_URL,
        "NEWSBOT_REDIS_PREFIX": prefix,
        "NEWSBOT_CRAWL_ID": crawl_id,
    }
    command = [
        sys.executable, "-m", "scrapy", "crawl", "koreaherald",
        "-a", f"base_url={replica.base_url}", "-a", "pages=100", "-a", "discover=sections",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.01",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", "-s", f"LOG_FILE={out / 'crawl.log'}",
        *extra,
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=REPO, env=env)


def kill_all(workers) -> None:
    """Kill the workers still running (a test that failed half-way leaves none behind)."""
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def stats_of(workdir: Path, name: str) -> dict:
    return json.loads((workdir / name / "stats.json").read_text())


def prefix_keys(prefix: str) -> list[bytes]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        return list(client.scan_iter(match=f"{prefix}:*"))
    finally:
        client.close()


def test_two_workers_share_one_crawl_and_store_each_article_once(
    replica_1000, redis_prefix, tmp_path
):
    corpus = replica_1000.replica.corpus
    with postgres_database() as url:
        workers = [
            start_worker(name, tmp_path, replica_1000, url, redis_prefix) for name in ("a", "b")
        ]
        for worker in workers:
            assert worker.wait(timeout=300) == 0
        counts = table_counts(url)
    assert counts["articles"] == len(corpus.articles) >= 1000
    assert counts["article_revisions"] == len(corpus.articles), "exactly once"
    assert counts["popular_snapshots"] == 1, "one Most Popular snapshot per crawl, not per worker"
    stored = {name: stats_of(tmp_path, name).get("newsbot/saved/Article/new", 0) for name in "ab"}
    assert sum(stored.values()) == len(corpus.articles)
    for name, count in stored.items():
        assert count >= 0.2 * len(corpus.articles), f"worker {name} did little: {stored}"
    for name in "ab":
        assert stats_of(tmp_path, name)["finish_reason"] == "finished"
    assert prefix_keys(redis_prefix) == [], "a finished crawl leaves no keys behind"


def test_a_killed_worker_loses_nothing(replica_1000, redis_prefix, tmp_path):
    corpus = replica_1000.replica.corpus
    fast_failover = ("-s", "NEWSBOT_REDIS_HEARTBEAT_TTL=3")
    with postgres_database() as url:
        survivor = start_worker("a", tmp_path, replica_1000, url, redis_prefix, *fast_failover)
        victim = start_worker("b", tmp_path, replica_1000, url, redis_prefix, *fast_failover)
        deadline = time.monotonic() + 120
        while _articles(url) < 250 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert victim.poll() is None, "the victim must die mid-crawl"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        assert survivor.wait(timeout=300) == 0
        counts = table_counts(url)
    assert counts["articles"] == len(corpus.articles)
    assert counts["article_revisions"] == len(corpus.articles), "no duplicate rows"
    assert counts["popular_snapshots"] == 1
    survivor_stats = stats_of(tmp_path, "a")
    assert survivor_stats["finish_reason"] == "finished"
    assert survivor_stats["newsbot/distributed/recovered_requests"] >= 1


def _articles(url: str) -> int:
    try:
        return table_counts(url)["articles"]
    except Exception:  # schema not created yet
        return 0


@pytest.mark.parametrize(("keep", "second_run_ranks"), [(False, 10), (True, 0)])
def test_next_crawl_inherits_fingerprints_only_when_asked(
    replica_2023, redis_prefix, tmp_path, keep, second_run_ranks
):
    with postgres_database() as url:
        extra = ("-a", "popular=only", "-s", f"NEWSBOT_REDIS_KEEP_FINGERPRINTS={keep}")
        for run in ("first", "second"):
            worker = start_worker(run, tmp_path, replica_2023, url, redis_prefix, *extra)
            assert worker.wait(timeout=120) == 0
        first, second = stats_of(tmp_path, "first"), stats_of(tmp_path, "second")
    assert first["newsbot/saved/PopularRank"] == 10
    assert second.get("newsbot/saved/PopularRank", 0) == second_run_ranks


def test_dist_status_stop_and_clean(redis_prefix, capsys):
    from newsbot.cli import main as newsbot
    from newsbot.distributed import CrawlKeys

    client = redis.Redis.from_url(REDIS_URL)
    keys = CrawlKeys(f"{redis_prefix}:koreaherald:c9")
    client.zadd(keys.requests, {"r1": 0, "r2": 0})
    client.sadd(keys.fingerprints, "f1", "f2", "f3")
    client.sadd(keys.workers, "w1", "w2")
    client.set(keys.heartbeat("w1"), "1", ex=30)
    client.hset(keys.leases("w2"), "lease", "request")
    common = ["dist", "--redis-url", REDIS_URL, "--prefix", redis_prefix, "--crawl-id", "c9"]
    assert newsbot([*common[:1], "status", *common[1:]]) == 0
    out = capsys.readouterr().out
    assert "2 queued, 3 seen, 2 worker(s)" in out
    assert "w1: alive, 0 request(s) in hand" in out
    assert "w2: no heartbeat, 1 request(s) in hand" in out
    assert newsbot([*common[:1], "stop", *common[1:]]) == 0
    assert client.zcard(keys.requests) == 0
    assert client.scard(keys.fingerprints) == 3
    # w1 is alive: its crawl is not removed under it unless forced.
    assert newsbot([*common[:1], "clean", *common[1:]]) == 1
    assert "live worker(s): w1" in capsys.readouterr().err
    assert client.scard(keys.fingerprints) == 3
    assert newsbot([*common[:1], "clean", "--force", *common[1:]]) == 0
    # Only the note that tells the live worker why its keys went.
    assert prefix_keys(redis_prefix) == [keys.cleaned.encode()]
    client.close()


def _leases(prefix: str) -> dict[str, int]:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        return {key: client.hlen(key) for key in client.scan_iter(match=f"{prefix}:*:leases:*")}
    finally:
        client.close()


def test_retries_redirects_timeouts_and_drops_leave_no_lease_behind(redis_prefix, tmp_path):
    paths = [f"/view.php?ud={a.article_id}" for a in build_corpus("2023", 60).articles]
    faults = {
        paths[0]: "flaky_500",
        paths[1]: f"redirect:{paths[2]}",  # to an article listed too: one of the two is dropped
        paths[3]: "redirect:/moved/1",  # a chain: /moved/1 → /moved/2 → an article
        "/moved/1": "redirect:/moved/2",
        "/moved/2": f"redirect:{paths[4]}",
        paths[5]: "stall",  # past DOWNLOAD_TIMEOUT
        paths[6]: "redirect:/search/index.php?q=x",  # robots.txt forbids it
        paths[7]: "redirect:http://127.0.0.2:9/offsite",  # off the site
        paths[8]: "flaky_500",
    }
    extra = ("-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1")
    workers = []
    with serving_faults(articles=60) as site, postgres_database() as url:
        site.faulty.faults.update(faults)
        hits = site.faulty.hits
        try:
            workers = [
                start_worker(name, tmp_path, site, url, redis_prefix, *extra) for name in "ab"
            ]
            queue = f"{redis_prefix}:koreaherald:c1:requests"
            client = redis.Redis.from_url(REDIS_URL)
            assert _wait(lambda: len(hits.get(paths[5], [])) >= 2 and not client.zcard(queue))
            client.close()
            for worker in workers:
                try:
                    worker.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    pytest.fail(
                        f"a worker still runs 60 s after the queue drained: {_leases(redis_prefix)}"
                    )
            counts = table_counts(url)
        finally:
            kill_all(workers)
    # Each worker finished; the one that met the lost pages exits 2, its monitors failed.
    verdicts = [stats_of(tmp_path, name)["newsbot/monitors/status"] for name in "ab"]
    assert [w.returncode for w in workers] == [
        EXIT_MONITORS_FAILED if verdict == "failed" else EXIT_OK for verdict in verdicts
    ]
    assert _leases(redis_prefix) == {}
    assert prefix_keys(redis_prefix) == [], "a finished crawl leaves no keys behind"
    # Every article but those whose URL never leads to an article page of their own.
    assert counts["articles"] == 60 - 5
    assert len(hits[paths[0]]) == 2, "a 500 is retried once"
    assert len(hits[paths[8]]) == 2
    for name in "ab":
        stats = stats_of(tmp_path, name)
        assert stats["finish_reason"] == "finished"
        assert "newsbot/distributed/stale_leases" not in stats, "each lease released where it ends"


def _wait(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def dist(prefix: str, *args: str, crawl_id: str = "c1") -> int:
    from newsbot.cli import main as newsbot

    return newsbot(["dist", *args, "--redis-url", REDIS_URL, "--prefix", prefix,
                    "--crawl-id", crawl_id])  # fmt: skip


def test_dist_stop_ends_the_crawl_as_stopped_not_finished(replica_1000, redis_prefix, tmp_path):
    corpus = replica_1000.replica.corpus
    with postgres_database() as url:
        workers = [
            start_worker(name, tmp_path, replica_1000, url, redis_prefix) for name in ("a", "b")
        ]
        try:
            assert _wait(lambda: _articles(url) >= 100)
            assert dist(redis_prefix, "stop") == 0
            for worker in workers:
                # Ended by hand: a partial crawl, finish reason dist_stop, exit 1.
                assert worker.wait(timeout=60) == EXIT_CRAWL_FAILED
        finally:
            kill_all(workers)
        assert _articles(url) < len(corpus.articles), "stopped half-way"
    for name in "ab":
        stats = stats_of(tmp_path, name)
        assert stats["finish_reason"] == "dist_stop"
        assert stats["newsbot/monitors/status"] == "failed"
        assert any("Finish Reason" in f for f in stats["newsbot/monitors/failures"])
    assert prefix_keys(redis_prefix) == [], "the last worker of a stopped crawl cleans up"


def test_dist_clean_refuses_live_workers_unless_forced(
    replica_1000, redis_prefix, tmp_path, capsys
):
    with postgres_database() as url:
        workers = [
            start_worker(name, tmp_path, replica_1000, url, redis_prefix) for name in ("a", "b")
        ]
        try:
            assert _wait(lambda: _articles(url) >= 100)
            client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
            live = client.smembers(f"{redis_prefix}:koreaherald:c1:workers")
            client.close()
            assert len(live) == 2
            assert dist(redis_prefix, "clean") == 1
            err = capsys.readouterr().err
            assert all(worker in err for worker in live), err
            assert all(worker.poll() is None for worker in workers), "refused: they go on"
            assert dist(redis_prefix, "clean", "--force") == 0
            for worker in workers:
                assert worker.wait(timeout=60) == EXIT_CRAWL_FAILED  # dist_clean: partial
        finally:
            kill_all(workers)
    for name in "ab":
        assert stats_of(tmp_path, name)["finish_reason"] == "dist_clean"
    left = {key.decode() for key in prefix_keys(redis_prefix)}
    assert left <= {f"{redis_prefix}:koreaherald:c1:cleaned"}, left


def test_an_old_stop_or_clean_does_not_end_a_new_crawl(replica_2023, redis_prefix, tmp_path):
    # Both notes of a previous crawl are still there when the next one starts.
    from newsbot.distributed import CrawlKeys

    keys = CrawlKeys(f"{redis_prefix}:koreaherald:c1")
    client = redis.Redis.from_url(REDIS_URL)
    client.sadd(keys.workers, "old")
    client.set(keys.heartbeat("old"), "1", ex=30)
    assert dist(redis_prefix, "clean", "--force") == 0
    assert dist(redis_prefix, "stop") == 0
    assert client.exists(keys.stopped, keys.cleaned) == 2
    client.close()
    with postgres_database() as url:
        worker = start_worker(
            "new", tmp_path, replica_2023, url, redis_prefix, "-a", "popular=only"
        )
        assert worker.wait(timeout=120) == 0
    stats = stats_of(tmp_path, "new")
    assert stats["finish_reason"] == "finished"
    assert stats["newsbot/saved/PopularRank"] == 10


def test_newsbot_run_reports_a_crawl_ended_by_dist_stop(replica_1000, redis_prefix, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "NEWSBOT_EXPORTS_DIR": str(tmp_path / "exports"),
        "NEWSBOT_REDIS_URL": REDIS_URL,
        "NEWSBOT_REDIS_PREFIX": redis_prefix,
        "NEWSBOT_CRAWL_ID": "c1",
    }
    env.pop("NEWSBOT_STATS_FILE", None)
    with postgres_database() as url:
        env["NEWSBOT_DATABASE_URL"] = url
        run = subprocess.Popen(
            [sys.executable, "-m", "newsbot", "run", "dist", "--",
             "-a", f"base_url={replica_1000.base_url}", "-a", "pages=100",
             "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.01"],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert _wait(lambda: _articles(url) >= 50)
            assert dist(redis_prefix, "stop") == 0
            _, err = run.communicate(timeout=60)
        finally:
            if run.poll() is None:
                run.kill()
                run.communicate()
    assert run.returncode == 1, err
    assert "stopped by `newsbot dist stop`" in err
