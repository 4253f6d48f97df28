"""Distributed crawls: workers share one crawl through the real Redis, results in the real
PostgreSQL; each article stored exactly once, work shared, a killed worker loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from tests.crawling import REPO
from tests.databases import postgres_database
from tests.test_e2e_storage import table_counts

pytestmark = pytest.mark.e2e

REDIS_URL = os.environ.get("NEWSBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own; its keys, and only those, are deleted afterwards."""
    prefix = f"newsbot-test-{uuid.uuid4().hex[:10]}"
    client = redis.Redis.from_url(REDIS_URL)
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


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
        "-a", f"base_url={replica.base_url}", "-a", "pages=100",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.01",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", "-s", f"LOG_FILE={out / 'crawl.log'}",
        *extra,
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=REPO, env=env)


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
    assert newsbot([*common[:1], "clean", *common[1:]]) == 0
    assert prefix_keys(redis_prefix) == []
    client.close()
