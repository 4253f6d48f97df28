"""Every NEWSBOT_* setting works from the environment and from ``-s``; ``-s`` wins.

Each test runs a real crawl of the replica and looks where its files landed and what it did,
not at the settings object.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from newsbot.replica.server import ReplicaServer
from newsbot.storage import open_store
from newsbot.storage.spool import Spool
from tests.crawling import FAST, REPO, SECTIONS_ONLY
from tests.factories import article

pytestmark = pytest.mark.e2e


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without any NEWSBOT_* variable, plus ``extra``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("NEWSBOT_")}
    env.update(extra)
    return env


def files_under(directory: Path) -> set[Path]:
    """Every file below ``directory`` (none when it does not exist)."""
    return {path for path in directory.rglob("*") if path.is_file()}


@dataclass
class ReplicaServerAddress:
    """Any loopback server to crawl, in place of a replica."""

    base_url: str


def crawl(
    server: ReplicaServer | ReplicaServerAddress, env: dict[str, str], log: Path, *arguments: str
) -> subprocess.CompletedProcess[bytes]:
    """One small crawl (one list page per section) from the repository, as a user runs it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "scrapy", "crawl", "koreaherald",
        "-a", f"base_url={server.base_url}", "-a", "pages=1", *FAST, *SECTIONS_ONLY,
        "-s", f"LOG_FILE={log}", *arguments,
    ]  # fmt: skip
    return subprocess.run(command, cwd=REPO, env=env, timeout=300, check=False)


def read_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_exports_dir_from_the_command_line_moves_every_file(replica_2023, tmp_path):
    """``-s NEWSBOT_EXPORTS_DIR`` alone puts feeds, stats, report and database under it."""
    out = tmp_path / "out"
    # What a koreaherald crawl would write there by default (other tests' spiders aside).
    before = files_under(REPO / "exports" / "koreaherald") | files_under(REPO / "exports" / "spool")
    database_before = (REPO / "exports" / "newsbot.sqlite3").exists()
    result = crawl(
        replica_2023, clean_env(), tmp_path / "crawl.log", "-s", f"NEWSBOT_EXPORTS_DIR={out}"
    )
    assert result.returncode == 0, (tmp_path / "crawl.log").read_text()[-3000:]
    after = files_under(REPO / "exports" / "koreaherald") | files_under(REPO / "exports" / "spool")
    assert after == before, "nothing new under the repository's exports/"
    assert (REPO / "exports" / "newsbot.sqlite3").exists() == database_before
    feeds = out / "koreaherald"
    articles = list(feeds.glob("articles-*.jsonl"))
    assert len(articles) == 1
    # One list page per section of the replica, 10 articles each (newsbot.replica.common).
    assert len(read_lines(articles[0])) > 0
    assert len(list(feeds.glob("popular-*.jsonl"))) == 1
    stats_files = list(feeds.glob("stats-*.json"))
    assert len(stats_files) == 1
    assert json.loads(stats_files[0].read_text())["finish_reason"] == "finished"
    reports = list(feeds.glob("report-*.json"))
    assert len(reports) == 1
    assert json.loads(reports[0].read_text())["status"] == "passed"
    assert (out / "newsbot.sqlite3").is_file()


def test_limit_from_the_environment_takes_effect(replica_2023, tmp_path):
    """NEWSBOT_MAX_TITLE_CHARS exported (and nowhere in -s) rejects the replica's titles.

    Every title of the replica is longer than 10 characters, so every article is rejected
    as title_too_long, into the rejects file under the exports directory.
    """
    out = tmp_path / "out"
    env = clean_env(NEWSBOT_EXPORTS_DIR=str(out), NEWSBOT_MAX_TITLE_CHARS="10")
    crawl(replica_2023, env, tmp_path / "crawl.log")
    feeds = out / "koreaherald"
    reports = list(feeds.glob("report-*.json"))
    assert len(reports) == 1
    assert json.loads(reports[0].read_text())["status"] == "failed", "rejects fail a monitor"
    assert list(feeds.glob("articles-*.jsonl")) == []
    rejects = list(feeds.glob("rejects-*.jsonl"))
    assert len(rejects) == 1
    records = read_lines(rejects[0])
    assert records
    assert all("title_too_long" in json.dumps(record) for record in records)


def test_command_line_beats_the_environment(replica_2023, tmp_path):
    """The same names given both ways: the -s values win, for paths and for limits."""
    from_env, from_cmdline = tmp_path / "from-env", tmp_path / "from-cmdline"
    env = clean_env(NEWSBOT_EXPORTS_DIR=str(from_env), NEWSBOT_MAX_TITLE_CHARS="10")
    result = crawl(
        replica_2023,
        env,
        tmp_path / "crawl.log",
        "-s", f"NEWSBOT_EXPORTS_DIR={from_cmdline}",
        "-s", "NEWSBOT_MAX_TITLE_CHARS=500",
    )  # fmt: skip
    assert result.returncode == 0, (tmp_path / "crawl.log").read_text()[-3000:]
    assert files_under(from_env) == set()
    feeds = from_cmdline / "koreaherald"
    assert len(list(feeds.glob("articles-*.jsonl"))) == 1
    assert list(feeds.glob("rejects-*.jsonl")) == []
    assert (from_cmdline / "newsbot.sqlite3").is_file()


def test_stats_report_and_rejects_files_given_apart_from_the_exports_dir(replica_2023, tmp_path):
    """An explicit file setting beats the path derived from NEWSBOT_EXPORTS_DIR."""
    out = tmp_path / "out"
    env = clean_env(
        NEWSBOT_STATS_FILE=str(tmp_path / "env-stats.json"),
        NEWSBOT_MAX_TITLE_CHARS="10",
    )
    result = crawl(
        replica_2023,
        env,
        tmp_path / "crawl.log",
        "-s", f"NEWSBOT_EXPORTS_DIR={out}",
        "-s", f"NEWSBOT_REPORT_FILE={tmp_path / 'report.json'}",
        "-s", f"NEWSBOT_REJECTS_FILE={tmp_path / 'rejects.jsonl'}",
        "-s", f"NEWSBOT_DATABASE_URL=sqlite:///{tmp_path / 'elsewhere.sqlite3'}",
    )  # fmt: skip
    assert result.returncode in (0, 2), "a monitor fails, nothing else"
    assert json.loads((tmp_path / "env-stats.json").read_text())["finish_reason"] == "finished"
    assert json.loads((tmp_path / "report.json").read_text())["status"] == "failed"
    assert read_lines(tmp_path / "rejects.jsonl")
    assert (tmp_path / "elsewhere.sqlite3").is_file()
    assert not (out / "newsbot.sqlite3").exists()
    feeds = out / "koreaherald"
    assert list(feeds.glob("stats-*.json")) == list(feeds.glob("report-*.json")) == []
    assert list(feeds.glob("rejects-*.jsonl")) == []


def test_spool_follows_the_exports_dir_from_the_command_line(replica_2023, tmp_path):
    """A batch waiting in <exports>/spool is replayed by a crawl told -s NEWSBOT_EXPORTS_DIR."""
    out = tmp_path / "out"
    waiting = article("19990101000001")
    Spool(out / "spool").write([waiting], [])
    result = crawl(
        replica_2023, clean_env(), tmp_path / "crawl.log", "-s", f"NEWSBOT_EXPORTS_DIR={out}"
    )
    assert result.returncode == 0, (tmp_path / "crawl.log").read_text()[-3000:]
    assert Spool(out / "spool").files() == []
    (stats_file,) = (out / "koreaherald").glob("stats-*.json")
    assert json.loads(stats_file.read_text())["newsbot/spool/replayed_items"] == 1
    store = open_store(f"sqlite:///{out / 'newsbot.sqlite3'}")
    try:
        assert store.known_article_ids("koreaherald", [waiting.article_id]) == {waiting.article_id}
    finally:
        store.close()


@pytest.mark.parametrize("off", ["0", "false", ""])
def test_store_switched_off_from_the_environment(replica_2023, tmp_path, off):
    """NEWSBOT_STORE_ENABLED exported as 0, false or empty: feeds only, no database file."""
    out = tmp_path / "out"
    env = clean_env(NEWSBOT_EXPORTS_DIR=str(out), NEWSBOT_STORE_ENABLED=off)
    result = crawl(replica_2023, env, tmp_path / "crawl.log")
    assert result.returncode == 0, (tmp_path / "crawl.log").read_text()[-3000:]
    assert len(list((out / "koreaherald").glob("articles-*.jsonl"))) == 1
    assert not (out / "newsbot.sqlite3").exists()


def test_log_level_from_the_environment_and_from_the_command_line(replica_2023, tmp_path):
    """NEWSBOT_LOG_LEVEL=WARNING exported hides INFO lines; -s NEWSBOT_LOG_LEVEL=DEBUG wins."""
    env = clean_env(NEWSBOT_EXPORTS_DIR=str(tmp_path / "out"), NEWSBOT_LOG_LEVEL="WARNING")
    crawl(replica_2023, env, tmp_path / "quiet.log")
    quiet = (tmp_path / "quiet.log").read_text()
    assert " INFO: " not in quiet
    assert " DEBUG: " not in quiet
    crawl(replica_2023, env, tmp_path / "loud.log", "-s", "NEWSBOT_LOG_LEVEL=DEBUG")
    assert " DEBUG: Crawled (200)" in (tmp_path / "loud.log").read_text()


class AgentRecorder(BaseHTTPRequestHandler):
    """Answers 404 to everything and notes each request's User-Agent."""

    agents: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.agents.append(self.headers.get("User-Agent", ""))
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads the agents, not a log."""


def test_user_agent_from_the_environment_and_from_the_command_line(tmp_path):
    """The agent a site sees: NEWSBOT_USER_AGENT exported, else as given with -s."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), AgentRecorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = ReplicaServerAddress(f"http://127.0.0.1:{server.server_address[1]}/")
    env = clean_env(NEWSBOT_EXPORTS_DIR=str(tmp_path / "out"), NEWSBOT_USER_AGENT="agent-env")
    try:
        crawl(site, env, tmp_path / "env.log")
        from_env = set(AgentRecorder.agents)
        AgentRecorder.agents.clear()
        crawl(site, env, tmp_path / "cmdline.log", "-s", "NEWSBOT_USER_AGENT=agent-cmdline")
        from_cmdline = set(AgentRecorder.agents)
    finally:
        server.shutdown()
        server.server_close()
    assert from_env == {"agent-env"}
    assert from_cmdline == {"agent-cmdline"}


def test_stats_file_turned_off_from_the_command_line(replica_2023, tmp_path):
    """An empty -s NEWSBOT_STATS_FILE= turns the stats file off instead of deriving one."""
    out = tmp_path / "out"
    result = crawl(
        replica_2023, clean_env(NEWSBOT_EXPORTS_DIR=str(out)), tmp_path / "crawl.log",
        "-s", "NEWSBOT_STATS_FILE=",
    )  # fmt: skip
    assert result.returncode == 0, (tmp_path / "crawl.log").read_text()[-3000:]
    assert len(list((out / "koreaherald").glob("articles-*.jsonl"))) == 1
    assert list(out.rglob("stats-*.json")) == []


def test_empty_database_url_means_the_default_in_the_exports_dir(replica_2023, tmp_path):
    """NEWSBOT_DATABASE_URL exported empty: the SQLite file of the -s exports directory."""
    out = tmp_path / "out"
    database_before = (REPO / "exports" / "newsbot.sqlite3").exists()
    result = crawl(
        replica_2023, clean_env(NEWSBOT_DATABASE_URL="", NEWSBOT_SPOOL_DIR=""),
        tmp_path / "crawl.log", "-s", f"NEWSBOT_EXPORTS_DIR={out}",
    )  # fmt: skip
    assert result.returncode == 0, (tmp_path / "crawl.log").read_text()[-3000:]
    assert (out / "newsbot.sqlite3").is_file()
    assert (REPO / "exports" / "newsbot.sqlite3").exists() == database_before


def test_unreadable_boolean_from_the_environment_stops_the_crawl_at_start(replica_2023, tmp_path):
    """NEWSBOT_STORE_ENABLED=maybe is neither on nor off: no crawl, a message naming it."""
    out = tmp_path / "out"
    command = [
        sys.executable, "-m", "scrapy", "crawl", "koreaherald",
        "-a", f"base_url={replica_2023.base_url}", "-a", "pages=1", *FAST,
    ]  # fmt: skip
    env = clean_env(NEWSBOT_EXPORTS_DIR=str(out), NEWSBOT_STORE_ENABLED="maybe")
    result = subprocess.run(
        command, cwd=REPO, env=env, timeout=120, check=False, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "NEWSBOT_STORE_ENABLED='maybe'" in result.stderr
    assert not out.exists()
