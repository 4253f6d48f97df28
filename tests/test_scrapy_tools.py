"""Scrapy's own tools on the project: `scrapy check`, `scrapy parse`, `scrapy shell`.

Each runs as a user would, in its own process, against a replica over loopback, with a SQLite
database in tmp_path to see whether the tool left a crawl run behind.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from scrapy import Request
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from newsbot.replica.server import ReplicaServer, serving
from tests.crawling import REPO

# Each test runs a scrapy command in its own process against a replica.
pytestmark = pytest.mark.e2e

ARTICLE = "/view.php?ud=20230922000489"  # the newest article of every 2023 corpus
NATIONAL = "/list.php?ct=020100000000"


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaServer]:
    with serving("2023", articles=300) as server:
        yield server


def run_tool(
    tmp_path: Path, *arguments: str, proxy: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "NEWSBOT_EXPORTS_DIR": str(tmp_path / "exports"),
        "NEWSBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'newsbot.sqlite3'}",
    }
    env.pop("http_proxy", None)
    if proxy:
        env["http_proxy"] = proxy
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


def crawl_runs(tmp_path: Path) -> int:
    """Rows in crawl_runs (0 when the tool never created the database)."""
    path = tmp_path / "newsbot.sqlite3"
    if not path.exists():
        return 0
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
            if "crawl_runs" not in tables:
                return 0
            return int(connection.execute(sa.text("SELECT count(*) FROM crawl_runs")).scalar_one())
    finally:
        engine.dispose()


def contracts_ran(output: str) -> int:
    match = re.search(r"Ran (\d+) contracts?", output)
    assert match, output[-3000:]
    return int(match.group(1))


def page_title(server: ReplicaServer, path: str) -> str:
    """The article's headline as the page shows it (its h1)."""
    with urllib.request.urlopen(server.base_url + path, timeout=10) as response:
        html = response.read().decode("utf-8")
    match = re.search(r"<h1[^>]*news_title[^>]*>(.*?)</h1>", html, re.S)
    assert match, html[:2000]
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


# --- scrapy check ---------------------------------------------------------------------------


def test_check_runs_the_contracts_against_the_replica(replica, tmp_path):
    result = run_tool(tmp_path, "check", "koreaherald", "-a", f"base_url={replica.base_url}")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    # parse_home, parse_section, parse_article: 5 + 4 + 5 hooks (@url and @cb_kwargs add none).
    assert contracts_ran(output) == 14
    assert output.rstrip().endswith("OK")


@pytest.mark.parametrize(
    ("drift", "failing", "reason"),
    [
        # Teasers no longer read: no article requests, an empty list counted.
        ("list", {"parse_section (@returns", "parse_section (@reads_cleanly"}, "list_empty=1"),
        # The byline moved: the article is kept without authors.
        (
            "authors",
            {"parse_article (@fills", "parse_article (@reads_cleanly"},
            "field_missing/Article/authors=1",
        ),
        # Paragraphs moved: the layout is not recognised and the article is dropped.
        (
            "body",
            {"parse_article (@returns", "parse_article (@fills", "parse_article (@reads_cleanly"},
            "parse_failed/Article/missing_body=1",
        ),
    ],
)
def test_check_fails_on_a_drifted_replica(tmp_path, drift, failing, reason):
    with serving("2023", articles=300, drift=drift) as server:
        result = run_tool(tmp_path, "check", "koreaherald", "-a", f"base_url={server.base_url}")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-3000:]
    assert f"FAILED (failures={len(failing)})" in output
    failed = set(re.findall(r"^FAIL: \[koreaherald\] (\w+ \(@\w+) post-hook\)", output, re.M))
    assert failed == failing, output[-3000:]
    assert f"could not read its page: newsbot/{reason}" in output


def test_check_writes_no_crawl_run(replica, tmp_path):
    result = run_tool(tmp_path, "check", "koreaherald", "-a", f"base_url={replica.base_url}")
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert crawl_runs(tmp_path) == 0


# --- scrapy parse ---------------------------------------------------------------------------


def test_koreaherald_urls_find_their_spider():
    loader = SpiderLoader.from_settings(get_project_settings())
    for url in (
        "https://www.koreaherald.com/view.php?ud=20230922000489",
        "https://www.koreaherald.com/article/10345678",
        "https://m.koreaherald.com/",
        "http://koreaherald.com/National",
    ):
        assert loader.find_by_request(Request(url)) == ["koreaherald"], url
    for url in ("http://127.0.0.1:8023/", "https://example.com/", "https://notkoreaherald.com/"):
        assert loader.find_by_request(Request(url)) == [], url


def test_parse_reads_a_koreaherald_article_without_flags(replica, tmp_path):
    # The replica as the HTTP proxy stands in for www.koreaherald.com over loopback.
    url = f"http://www.koreaherald.com{ARTICLE}"
    result = run_tool(tmp_path, "parse", "--nolog", url, proxy=replica.base_url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Unable to find spider" not in result.stderr
    assert f"'title': {page_title(replica, ARTICLE)!r}" in result.stdout, result.stdout[-3000:]
    assert "'layout': '2023'" in result.stdout
    # An article page yields its article, no further requests.
    assert result.stdout.rstrip().endswith("[]")


def test_parse_picks_the_list_callback_for_a_section_page(replica, tmp_path):
    url = f"http://www.koreaherald.com{NATIONAL}"
    result = run_tool(tmp_path, "parse", "--nolog", url, proxy=replica.base_url)
    assert result.returncode == 0, result.stderr[-3000:]
    with urllib.request.urlopen(replica.base_url + NATIONAL, timeout=10) as response:
        teasers = response.read().decode("utf-8").count('class="news_link"')
    assert teasers == 15
    # Each teaser's article, then the list's next page; no item from a list page.
    requests = re.findall(r"<GET (\S+)>", result.stdout)
    assert len([r for r in requests if "view.php?ud=" in r]) == teasers, result.stdout[-3000:]
    assert any("np=2" in r for r in requests), requests


def test_parse_picks_the_home_callback_for_the_homepage(replica, tmp_path):
    result = run_tool(
        tmp_path, "parse", "--nolog", "http://www.koreaherald.com/", proxy=replica.base_url
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # Most Popular's ten ranks, and the six sections the homepage's navigation links.
    assert len(re.findall(r"'rank': \d+", result.stdout)) == 10, result.stdout[-3000:]
    assert len(set(re.findall(r"<GET (\S+list\.php\?ct=\d+)>", result.stdout))) == 6


def test_parse_writes_no_crawl_run(replica, tmp_path):
    result = run_tool(
        tmp_path,
        "parse",
        "--spider",
        "koreaherald",
        "-a",
        f"base_url={replica.base_url}",
        replica.base_url + ARTICLE,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "'title':" in result.stdout
    assert crawl_runs(tmp_path) == 0


def test_fetch_writes_no_crawl_run(replica, tmp_path):
    url = f"http://www.koreaherald.com{ARTICLE}"
    result = run_tool(tmp_path, "fetch", "--nolog", url, proxy=replica.base_url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "news_title" in result.stdout
    assert crawl_runs(tmp_path) == 0


# --- scrapy shell ---------------------------------------------------------------------------


def test_shell_writes_no_crawl_run(replica, tmp_path):
    # The shell runs its engine in a thread of its own, where the browser's download handler
    # never answers: Scrapy's own handlers fetch plain pages.
    result = run_tool(
        tmp_path,
        "shell",
        "--spider",
        "koreaherald",
        "-s",
        "DOWNLOAD_HANDLERS={}",
        "-c",
        "response.status",
        replica.base_url + "/",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("200")
    assert crawl_runs(tmp_path) == 0


def test_parse_follows_a_current_layout_list_from_its_page_number(tmp_path):
    with serving("current", articles=300) as server:
        url = "http://www.koreaherald.com/National?page=2"
        result = run_tool(tmp_path, "parse", "--nolog", url, proxy=server.base_url)
        with urllib.request.urlopen(server.base_url + "/National?page=2", timeout=10) as response:
            html = response.read().decode("utf-8")
    assert result.returncode == 0, result.stderr[-3000:]
    listed = {f"/article/{i}" for i in re.findall(r'href="[^"]*/article/(\d+)"', html)}
    requests = re.findall(r"<GET http://www\.koreaherald\.com(\S+)>", result.stdout)
    articles = [r for r in requests if r.startswith("/article/")]
    # The list's own teasers, each once, and the page after the one asked for.
    assert articles, result.stdout[-3000:]
    assert set(articles) <= listed
    assert len(articles) == len(set(articles))
    assert [r for r in requests if not r.startswith("/article/")] == [
        "/National?page=3&pageTop=true"
    ]


def test_parse_reads_a_feed(tmp_path):
    with serving("current", articles=300) as server:
        url = "http://www.koreaherald.com/rss/newsAll"
        result = run_tool(tmp_path, "parse", "--nolog", url, proxy=server.base_url)
        with urllib.request.urlopen(server.base_url + "/rss/newsAll", timeout=10) as response:
            entries = response.read().decode("utf-8").count("<item>")
    assert result.returncode == 0, result.stderr[-3000:]
    assert entries > 0
    requests = re.findall(r"<GET (\S+/article/\d+)>", result.stdout)
    assert len(set(requests)) == entries, result.stdout[-3000:]
