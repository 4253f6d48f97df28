"""A crawl loads only the libraries its features use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from newsbot.replica.server import ReplicaServer
from tests.crawling import FAST, REPO, assert_clean, crawl_command, crawl_env, finish_crawl
from tests.sites_server import redesigned_herald
from tests.sites_server import serving as serving_site

# What `scrapy crawl` loads before crawling: the settings with their add-ons, the spiders and
# every component newsbot's settings enable.
LOAD_A_CRAWL = """
import sys
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.utils.project import get_project_settings

process = AsyncCrawlerProcess(get_project_settings())
crawler = process.create_crawler("koreaherald")
crawler._apply_settings()
for component in ("EXTENSIONS", "ITEM_PIPELINES", "SPIDER_MIDDLEWARES", "DOWNLOADER_MIDDLEWARES"):
    for path in crawler.settings.getdict(component):
        __import__(path.rsplit(".", 1)[0])
__import__(crawler.settings["SCHEDULER"].rsplit(".", 1)[0])
redis = [name for name in sys.modules if name.split(".")[0] in ("redis", "scrapy_redis")]
print(" ".join(sorted(redis)))
"""


def loaded_redis_modules(env_overrides: dict[str, str]) -> str:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), **env_overrides}
    done = subprocess.run(
        [sys.executable, "-c", LOAD_A_CRAWL],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_a_crawl_that_is_not_distributed_does_not_load_redis():
    assert loaded_redis_modules({}) == ""


def test_a_distributed_crawl_loads_scrapy_redis():
    assert "scrapy_redis" in loaded_redis_modules({"NEWSBOT_REDIS_URL": "redis://127.0.0.1:1"})


# The extensions a crawler builds, with settings given as on the command line.
BUILD_A_CRAWLER = """
import sys
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.utils.project import get_project_settings

settings = get_project_settings()
for pair in sys.argv[1:]:
    settings.set(*pair.split("=", 1), priority="cmdline")
crawler = AsyncCrawlerProcess(settings).create_crawler("koreaherald")
crawler._apply_settings()
print(" ".join(type(extension).__name__ for extension in crawler.extensions.middlewares))
"""
CONSOLES = {"RemoteControl", "TelnetConsole"}


def crawler_extensions(*settings: str) -> set[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", BUILD_A_CRAWLER, *settings],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return set(done.stdout.split())


def test_scrapy_consoles_come_back_when_turned_on():
    # Off in settings.py, their extensions are not even loaded (see the test below).
    assert crawler_extensions().isdisjoint(CONSOLES)
    turned_on = crawler_extensions("REMOTE_CONTROL_ENABLED=True", "TELNETCONSOLE_ENABLED=True")
    assert turned_on >= CONSOLES


# Loaded only on the paths that need them: reading a page of an unknown layout (the generic
# stack), reading a feed, drawing a report, migrating an older database, rendering a page;
# Scrapy's remote control only when it is turned on.
LAZY = (
    "trafilatura", "htmldate", "courlan", "justext", "lxml_html_clean",
    "feedparser", "matplotlib", "alembic", "mako", "pygments", "playwright",
    "aiohttp",  # Scrapy's remote control, off
)  # fmt: skip
# Modules of libraries a crawl does use: the store writes through Core tables (the ORM is for
# queries and reports), PostgreSQL's dialect loads only for a PostgreSQL database, and the
# telnet console is off.
LAZY_MODULES = ("sqlalchemy.orm", "sqlalchemy.dialects.postgresql", "twisted.conch")


def imported_by_a_crawl(
    server: ReplicaServer, out: Path, database_url: str, *arguments: str
) -> set[str]:
    """The modules a whole `scrapy crawl koreaherald` process imported."""
    command = crawl_command(server, out, *arguments)
    command[1:1] = ["-X", "importtime"]  # every import of the process, listed on stderr
    out.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        command, cwd=REPO, env=crawl_env(out, database_url), stderr=subprocess.PIPE
    )
    _, stderr = process.communicate(timeout=300)
    assert_clean(finish_crawl(process, out))
    return imported_modules(stderr.decode())


def imported_modules(importtime: str) -> set[str]:
    """The modules named in ``python -X importtime`` output."""
    lines = importtime.splitlines()
    names = {line.rsplit("|", 1)[-1].strip() for line in lines if line.startswith("import time:")}
    assert "scrapy" in names, importtime[-2000:]
    return names


def top_level_imports(importtime: str) -> set[str]:
    """The top-level packages named in ``python -X importtime`` output."""
    return {name.split(".")[0] for name in imported_modules(importtime)}


def test_a_koreaherald_crawl_imports_no_library_it_does_not_use(replica_2023, tmp_path):
    # First on a new database (its schema is created), then on the same one (it is current).
    database_url = f"sqlite:///{tmp_path / 'newsbot.sqlite3'}"
    for run in ("new", "current"):
        loaded = imported_by_a_crawl(replica_2023, tmp_path / run, database_url, "-a", "pages=1")
        packages = {name.split(".")[0] for name in loaded}
        assert packages.isdisjoint(LAZY), (run, sorted(packages & set(LAZY)))
        assert loaded.isdisjoint(LAZY_MODULES), (run, sorted(loaded & set(LAZY_MODULES)))
    assert (tmp_path / "newsbot.sqlite3").is_file()


def test_a_crawl_of_unknown_markup_loads_the_generic_stack_and_feedparser_when_it_reads_them(
    tmp_path,
):
    # The redesigned site: article links from its feed, every article in markup no layout
    # knows, so both lazily loaded paths run, and still read what they read before.
    with serving_site(redesigned_herald()) as site:
        command = [
            sys.executable, "-X", "importtime", "-m", "scrapy", "crawl", "koreaherald",
            "-a", f"base_url={site.base_url}", "-a", "discover=feeds", *FAST,
            "-s", f"LOG_FILE={tmp_path / 'crawl.log'}",
        ]  # fmt: skip
        done = subprocess.run(
            command, cwd=REPO, env=crawl_env(tmp_path), capture_output=True, timeout=300
        )
    stats = json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))
    assert stats["finish_reason"] == "finished"
    assert stats["newsbot/feeds/read"] == 1
    assert stats["newsbot/articles/generic"] == 4  # the feed lists 4 articles
    loaded = top_level_imports(done.stderr.decode())
    assert {"feedparser", "trafilatura", "htmldate", "courlan"} <= loaded
