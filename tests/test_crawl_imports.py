"""A crawl loads only the libraries its features use."""

from __future__ import annotations

import subprocess
import sys

from tests.crawling import REPO

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
