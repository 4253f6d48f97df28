"""Shared test helpers: fixture pages and a replica served over loopback."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import redis

from newsbot.page import Page
from newsbot.replica.server import ReplicaServer, serving

FIXTURES = Path(__file__).parent / "fixtures"
# Distributed tests use the real Redis under a key prefix of their own.
REDIS_URL = os.environ.get("NEWSBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Fixture:
    """A saved page with its metadata and the values a person checked against it."""

    name: str
    page: Page
    meta: dict[str, Any]
    expected: dict[str, Any]


def fixture_dirs(site: str = "koreaherald") -> list[Path]:
    return sorted(path for path in (FIXTURES / site).iterdir() if path.is_dir())


def load_fixture(directory: Path) -> Fixture:
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    html = (directory / "page.html").read_text(encoding="utf-8")
    page = Page.from_html(meta["url"], html, datetime.fromisoformat(meta["crawled_at"]))
    expected = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    return Fixture(directory.name, page, meta, expected)


# Session-wide replicas are for tests that only read them; a test that edits articles
# serves its own (newsbot.replica.server.serving).
@pytest.fixture(scope="session")
def replica_2023() -> Iterator[ReplicaServer]:
    with serving("2023", articles=300) as server:
        yield server


@pytest.fixture(scope="session")
def replica_current() -> Iterator[ReplicaServer]:
    with serving("current", articles=300) as server:
        yield server


@pytest.fixture(scope="session")
def replica_1000() -> Iterator[ReplicaServer]:
    """Large enough for crawls that something can happen in the middle of."""
    with serving("2023", articles=1000) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """Each storage test runs on SQLite and on the real PostgreSQL."""
    from tests.databases import database

    with database(request.param, tmp_path) as url:
        yield url


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
