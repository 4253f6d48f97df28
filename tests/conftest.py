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

from newsbot.fixtures import KINDS as FIXTURE_KINDS
from newsbot.fixtures import decode_html
from newsbot.page import Page
from newsbot.replica.server import ReplicaServer, serving
from newsbot.sites import all_sites, get_site
from newsbot.sites.base import Site
from newsbot.sites.generic import GenericSite

# Every site's fixtures: tests/fixtures/<site>/<name>/. The variable points the fixtures
# test at another tree, to show that it fails on a fixture nobody reviewed.
FIXTURES = Path(os.environ.get("NEWSBOT_TEST_FIXTURES_DIR") or Path(__file__).parent / "fixtures")
# Distributed tests use the real Redis under a key prefix of their own.
REDIS_URL = os.environ.get("NEWSBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Fixture:
    """A saved page with its metadata and the values a person checked against it.

    A fixture is either hand-written (``"synthetic": true`` in meta.json: markup made to
    the site's layout, values derived by hand) or recorded from a real page (``"recorded":
    true``, by ``newsbot fixture``: its ``source`` and ``recorded_at``, and values copied from
    newsbot's output, which are a test only once a person has checked them against the page
    and set ``"reviewed": true`` in expected.json).
    """

    name: str
    page: Page
    meta: dict[str, Any]
    expected: dict[str, Any]
    site: Site
    directory: Path

    @property
    def id(self) -> str:
        """``<site>/<name>``, the fixture's directory under tests/fixtures."""
        return f"{self.directory.parent.name}/{self.name}"


def fixture_dirs(site: str | None = None) -> list[Path]:
    """The fixture directories of ``site``, else of every site."""
    sites = [FIXTURES / site] if site else sorted(p for p in FIXTURES.iterdir() if p.is_dir())
    return sorted(path for folder in sites for path in folder.iterdir() if path.is_dir())


def load_fixture(directory: Path) -> Fixture:
    """Read a fixture; its page decoded as newsbot decodes what it fetches."""
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    # A recorded page's encoding may have come from the HTTP header, which page.html lacks.
    content_type = f"text/html; charset={meta['encoding']}" if meta.get("encoding") else None
    _, html = decode_html((directory / "page.html").read_bytes(), content_type)
    page = Page.from_html(meta["url"], html, datetime.fromisoformat(meta["crawled_at"]))
    expected = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    site_name = directory.parent.name
    site = get_site(site_name) if site_name in {s.name for s in all_sites()} else None
    site = site or GenericSite(meta["url"])
    return Fixture(directory.name, page, meta, expected, site, directory)


def fixture_problems(fixture: Fixture) -> list[str]:
    """What is wrong with a fixture's metadata: each problem as a sentence."""
    meta, problems = fixture.meta, []
    origins = [key for key in ("synthetic", "recorded") if meta.get(key) is True]
    if len(origins) != 1:
        problems.append(
            'meta.json must say either "synthetic": true (hand-written) or "recorded": true '
            f"(saved from a real page); it says {'both' if origins else 'neither'}"
        )
    if meta.get("recorded") is True:
        problems += [
            f"a recorded fixture's meta.json needs {key!r}"
            for key in ("source", "recorded_at")
            if not meta.get(key)
        ]
    if meta.get("kind") not in FIXTURE_KINDS:
        problems.append(f"kind must be one of {', '.join(FIXTURE_KINDS)}, not {meta.get('kind')!r}")
    if fixture.site.name != fixture.directory.parent.name:  # a generic site: the URL's host
        problems.append(f"{meta['url']} is not a page of {fixture.directory.parent.name}")
    return problems


def review_problem(fixture: Fixture) -> str | None:
    """Why the fixture's expected values are not yet a test, or None when they are."""
    reviewed = fixture.expected.get("reviewed")
    # Hand-written fixtures were derived by hand; recorded ones must say they were checked.
    if reviewed is True or (reviewed is None and fixture.meta.get("synthetic") is True):
        return None
    return (
        f"{fixture.id}: expected.json holds values copied from newsbot's own output, which "
        "test nothing until a person has checked them: compare each value with page.html "
        '(in a browser), correct what is wrong, then set "reviewed": true in expected.json'
    )


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
