"""End to end against the fault-injecting replica: every article stored exactly once or
accounted for, lost with its reason or rejected with its reason, single process and
distributed, on SQLite and PostgreSQL; the monitors fail the faulty crawl and pass a clean one.

Each test prints its accounting (``pytest -s`` shows it).
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import func, select

from newsbot.distributed import CrawlKeys
from newsbot.replica.server import ReplicaServer, serving
from newsbot.sites.koreaherald.urls import article_id_of
from newsbot.storage import open_store
from newsbot.storage.models import ArticleRevisionRow, ArticleRow
from tests.conftest import REDIS_URL
from tests.crawling import REPO, crawl, crawl_command, crawl_env
from tests.databases import database, postgres_database

pytestmark = pytest.mark.e2e

SEED = 2026
ARTICLES = 70  # few enough that every section fits on its first list page
# Small limits, so that stalls and big bodies cost seconds, not minutes.
FAULT_LIMITS = (
    "-a", "pages=100",
    "-s", "DOWNLOAD_TIMEOUT=3",
    "-s", "DOWNLOAD_MAXSIZE=1000000",
)  # fmt: skip
DRAIN_GRACE = 60  # seconds a distributed worker may take to leave once the queue is empty


@dataclass
class Accounting:
    """What the crawl did with each article, read from the database, stats and rejects."""

    titles: dict[str, list[str]] = field(default_factory=dict)  # stored rows per id
    revisions: Counter[str] = field(default_factory=Counter)
    lost: dict[str, list[str]] = field(default_factory=dict)  # article id → reasons
    lost_elsewhere: list[dict[str, Any]] = field(default_factory=list)  # home and list pages
    lost_counters: Counter[str] = field(default_factory=Counter)
    rejected: dict[str, list[list[str]]] = field(default_factory=dict)  # id → reasons per record
    monitors: list[str] = field(default_factory=list)
    saved_new: int = 0

    def events(self, article_id: str) -> list[str]:
        """Everything that happened to one article; exactly one event is right."""
        found = ["stored"] * len(self.titles.get(article_id, []))
        found += [f"lost:{reason}" for reason in self.lost.get(article_id, [])]
        found += ["rejected:" + "+".join(r) for r in self.rejected.get(article_id, [])]
        return found


def read_accounting(database_url: str, outs: list[Path]) -> Accounting:
    """Database rows, then each process's stats and rejects files."""
    seen = Accounting()
    store = open_store(database_url)
    try:
        with store.engine.connect() as connection:
            for article_id, title in connection.execute(
                select(ArticleRow.article_id, ArticleRow.title)
            ):
                seen.titles.setdefault(article_id, []).append(title)
            counts = connection.execute(
                select(ArticleRow.article_id, func.count())
                .join(ArticleRevisionRow, ArticleRevisionRow.article_pk == ArticleRow.id)
                .group_by(ArticleRow.article_id)
            )
            seen.revisions.update(dict(counts.all()))
    finally:
        store.close()
    for out in outs:
        stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
        seen.saved_new += stats.get("newsbot/saved/Article/new", 0)
        seen.monitors.append(stats.get("newsbot/monitors/status", "missing"))
        for key, value in stats.items():
            if key.startswith("newsbot/lost/"):
                seen.lost_counters[key] += value
        for entry in stats.get("newsbot/lost_pages", []):
            if entry.get("kind") == "article":
                article_id = article_id_of(entry["url"]) or entry["url"]
                seen.lost.setdefault(article_id, []).append(entry["reason"])
            else:
                seen.lost_elsewhere.append(entry)
        for rejects in sorted(out.rglob("rejects-*.jsonl")):
            for line in rejects.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if record.get("item_type") != "Article":
                    continue
                article_id = str(record["item"].get("article_id"))
                seen.rejected.setdefault(article_id, []).append(list(record["reasons"]))
    return seen


def problems_with(server: ReplicaServer, seen: Accounting, label: str) -> list[str]:
    """Every way the crawl's record differs from the replica's truth; prints the accounting."""
    replica = server.replica
    expected = replica.expected_outcomes()
    faults = replica.faults.article_faults() if replica.faults else {}
    problems = []
    for article_id, outcome in expected.items():
        events = seen.events(article_id)
        title = replica.corpus.by_id[article_id].title
        if outcome.startswith("rejected:"):
            reason = outcome.removeprefix("rejected:")
            right = len(events) == 1 and reason in events[0].removeprefix("rejected:").split("+")
        else:
            right = events == [outcome]
        if right and outcome == "stored" and seen.titles[article_id] != [title]:
            events = [f"stored with title {seen.titles[article_id][0][:80]!r}"]
            right = False
        if right and outcome == "stored" and seen.revisions[article_id] != 1:
            events = [f"stored with {seen.revisions[article_id]} revisions"]
            right = False
        if not right:
            fault = faults.get(article_id, "no fault")
            problems.append(
                f"{article_id} ({fault}): expected {outcome}, got {events or 'nothing'}"
            )
    strays = set(seen.titles) | set(seen.lost) | set(seen.rejected)
    problems += [f"{i}: not served, yet recorded" for i in sorted(strays - set(expected))]
    wanted = Counter(
        f"newsbot/lost/article/{o.removeprefix('lost:')}"
        for o in expected.values()
        if o.startswith("lost:")
    )
    if seen.lost_counters != wanted:
        problems.append(f"lost counters {dict(seen.lost_counters)}, expected {dict(wanted)}")
    if seen.lost_elsewhere:
        problems.append(f"homepage or list pages lost despite retries: {seen.lost_elsewhere}")
    stored = sum(1 for o in expected.values() if o == "stored")
    if seen.saved_new != stored:
        problems.append(f"newsbot/saved/Article/new is {seen.saved_new}, expected {stored}")
    print_accounting(server, seen, label, problems)
    return problems


def print_accounting(
    server: ReplicaServer, seen: Accounting, label: str, problems: list[str]
) -> None:
    replica = server.replica
    expected = Counter(replica.expected_outcomes().values())
    faults = replica.faults.article_faults() if replica.faults else {}
    lost = Counter(r for reasons in seen.lost.values() for r in reasons)
    rejected = Counter(r for records in seen.rejected.values() for rs in records for r in rs)
    print(
        f"\n== {label}: {len(replica.corpus.articles)} articles served, {len(faults)} with a fault"
    )
    print(f"   expected: {dict(sorted(expected.items()))}")
    print(f"   stored {sum(len(t) for t in seen.titles.values())}, "
          f"lost {sum(lost.values())} {dict(sorted(lost.items()))}, "
          f"rejected {len(seen.rejected)} {dict(sorted(rejected.items()))}")  # fmt: skip
    print(f"   requests served: {sum(replica.requests.values())}; monitors: {seen.monitors}")
    print(f"   {len(problems)} problem(s)" + "".join(f"\n   - {p}" for p in problems))


# --- single process -------------------------------------------------------------------------


# The current layout's Most Popular list is built by script: those crawls drive Chromium.
BROWSER = pytest.mark.browser


@pytest.mark.parametrize(
    ("layout", "kind"),
    [
        ("2023", "sqlite"),
        ("2023", "postgresql"),
        pytest.param("current", "sqlite", marks=BROWSER),
        pytest.param("current", "postgresql", marks=BROWSER),
    ],
)
def test_faulty_crawl_accounts_for_every_article(layout, kind, tmp_path):
    with serving(layout, ARTICLES, faults=SEED) as server, database(kind, tmp_path) as url:
        result = crawl(server, tmp_path / "crawl", *FAULT_LIMITS, database_url=url)
        seen = read_accounting(url, [result.out])
        problems = problems_with(server, seen, f"faulty crawl, {layout} layout, {kind}")
    if seen.monitors != ["failed"]:
        problems.append(f"the monitors must fail a crawl that lost pages: {seen.monitors}")
    if result.stats.get("newsbot/popular/snapshots") != 1:
        problems.append("the Most Popular list was not captured despite the homepage's retry")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("layout", ["2023", pytest.param("current", marks=BROWSER)])
def test_control_crawl_of_the_same_replica_without_faults_passes(layout, tmp_path):
    with serving(layout, ARTICLES) as server, database("sqlite", tmp_path) as url:
        result = crawl(server, tmp_path / "crawl", *FAULT_LIMITS, database_url=url)
        seen = read_accounting(url, [result.out])
        problems = problems_with(server, seen, f"control crawl, {layout} layout")
    assert seen.monitors == ["passed"], result.stats.get("newsbot/monitors/failures")
    assert result.returncode == 0
    assert not problems, "\n".join(problems)


# --- distributed --------------------------------------------------------------------------


def start_worker(
    server: ReplicaServer, out: Path, database_url: str, prefix: str
) -> subprocess.Popen[bytes]:
    out.mkdir(parents=True)
    env = crawl_env(out, database_url) | {
        "NEWSBOT_REDIS_URL": REDIS_URL,
        "NEWSBOT_REDIS_PREFIX": prefix,
        "NEWSBOT_CRAWL_ID": "faults",
    }
    return subprocess.Popen(crawl_command(server, out, *FAULT_LIMITS), cwd=REPO, env=env)


def wait_for_workers(
    workers: dict[str, subprocess.Popen[bytes]], keys: CrawlKeys, limit: float = 200
) -> dict[str, float | None]:
    """Seconds each worker took to exit after the shared queue last emptied (None: killed).

    A worker still running ``DRAIN_GRACE`` seconds after the queue drained is stopped.
    """
    client = redis.Redis.from_url(REDIS_URL)
    started = time.monotonic()
    began = False  # the queue has held work
    drained_at: float | None = None
    exits: dict[str, float | None] = {}
    try:
        while len(exits) < len(workers) and time.monotonic() - started < limit:
            now = time.monotonic()
            queued = client.zcard(keys.requests)
            began = began or bool(queued) or bool(client.scard(keys.fingerprints))
            if queued or not began:
                drained_at = None
            elif drained_at is None:
                drained_at = now
            for name, worker in workers.items():
                if name in exits:
                    continue
                if worker.poll() is not None:
                    exits[name] = now - (drained_at or now)
                elif drained_at is not None and now - drained_at > DRAIN_GRACE:
                    exits[name] = None
            time.sleep(0.2)
    finally:
        client.close()
        for name, worker in workers.items():
            if worker.poll() is None:
                exits.setdefault(name, None)
                worker.send_signal(signal.SIGTERM)  # twice: Scrapy's forced shutdown
                time.sleep(1)
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait(timeout=15)
    return exits


@BROWSER
def test_distributed_faulty_crawl_accounts_for_every_article(redis_prefix, tmp_path):
    keys = CrawlKeys(f"{redis_prefix}:koreaherald:faults")
    with serving("current", ARTICLES, faults=SEED) as server, postgres_database() as url:
        outs = {name: tmp_path / name for name in ("a", "b")}
        workers = {name: start_worker(server, out, url, redis_prefix) for name, out in outs.items()}
        exits = wait_for_workers(workers, keys)
        finished = [name for name in outs if (outs[name] / "stats.json").exists()]
        seen = read_accounting(url, [outs[name] for name in finished])
        problems = problems_with(server, seen, "distributed faulty crawl, current layout")
    print(f"   workers left this many seconds after the queue drained: {exits}")
    for name, after in exits.items():
        if after is None or after > DRAIN_GRACE:
            problems.append(f"worker {name} still ran {DRAIN_GRACE} s after the queue drained")
    if "failed" not in seen.monitors:
        problems.append(f"the monitors must fail a crawl that lost pages: {seen.monitors}")
    assert not problems, "\n".join(problems)
