"""Run `scrapy crawl koreaherald` as a user would, in its own process, and read what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsbot.replica.server import ReplicaServer

REPO = Path(__file__).resolve().parents[1]
# The replica is local: politeness towards it only slows the tests down.
FAST = [
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
]  # fmt: skip


SECTIONS_ONLY = ["-a", "discover=sections"]


@dataclass
class Crawl:
    returncode: int
    articles: list[dict[str, Any]]
    popular: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str
    out: Path


def crawl_command(server: ReplicaServer, out: Path, *arguments: str) -> list[str]:
    # Section lists only, unless a test asks for feeds: these tests count the pages of the
    # lists they set up, and feeds are tested on their own (tests/test_discovery_crawl.py).
    discover = [] if any(a.startswith("discover=") for a in arguments) else SECTIONS_ONLY
    return [
        sys.executable, "-m", "scrapy", "crawl", "koreaherald",
        "-a", f"base_url={server.base_url}", *FAST, *discover, *arguments,
        "-s", f"LOG_FILE={out / 'crawl.log'}",
    ]  # fmt: skip


def crawl_env(out: Path, database_url: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "NEWSBOT_EXPORTS_DIR": str(out),
        "NEWSBOT_STATS_FILE": str(out / "stats.json"),
    }
    if database_url:
        env["NEWSBOT_DATABASE_URL"] = database_url
    return env


def start_crawl(
    server: ReplicaServer, out: Path, *arguments: str, database_url: str | None = None
) -> subprocess.Popen[bytes]:
    out.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        crawl_command(server, out, *arguments), cwd=REPO, env=crawl_env(out, database_url)
    )


def finish_crawl(process: subprocess.Popen[bytes], out: Path) -> Crawl:
    returncode = process.wait(timeout=300)
    feeds = out / "koreaherald"

    def read(prefix: str) -> list[dict[str, Any]]:
        files = sorted(feeds.glob(f"{prefix}-*.jsonl"))
        assert len(files) <= 1, f"one {prefix} feed per crawl, got {files}"
        lines = files[0].read_text(encoding="utf-8").splitlines() if files else []
        return [json.loads(line) for line in lines]

    return Crawl(
        returncode,
        read("articles"),
        read("popular"),
        json.loads((out / "stats.json").read_text(encoding="utf-8")),
        (out / "crawl.log").read_text(encoding="utf-8"),
        out,
    )


def crawl(
    server: ReplicaServer, out: Path, *arguments: str, database_url: str | None = None
) -> Crawl:
    return finish_crawl(start_crawl(server, out, *arguments, database_url=database_url), out)


def assert_clean(result: Crawl) -> None:
    """The crawl finished without errors and without any page it could not read."""
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    assert " ERROR: " not in result.log, result.log[-3000:]
    problems = {
        key: value
        for key, value in result.stats.items()
        if key.startswith(
            (
                "newsbot/layout_unknown",
                "newsbot/parse_failed",
                "newsbot/field_missing",
                "newsbot/popular/empty",
                "newsbot/popular/not_found",
                "newsbot/invalid",
                "newsbot/spool",
                "newsbot/store",
            )
        )
    }
    assert problems == {}
