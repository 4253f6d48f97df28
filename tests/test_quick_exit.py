"""A crawl's process exits without the interpreter's last garbage collection.

That collection walks and frees every object the crawl left (seconds on a loaded machine),
for memory the operating system takes back anyway when the process ends.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.crawling import REPO

GARBAGE_AT_EXIT = """
import gc, sys
from scrapy.utils.test import get_crawler

class Cycle:
    def __del__(self):
        print("collected", flush=True)

crawler = get_crawler()
if sys.argv[1] == "crawl":
    from newsbot.extensions.quick_exit import QuickExit
    QuickExit.from_crawler(crawler)
gc.disable()  # only the collection at exit could free it
cycle = Cycle()
cycle.itself = cycle
del cycle
print("exiting", flush=True)
"""


@pytest.mark.parametrize(("process", "collected"), [("plain", True), ("crawl", False)])
def test_garbage_left_at_exit_is_not_collected_once_a_crawl_ran(process, collected):
    done = subprocess.run(
        [sys.executable, "-c", GARBAGE_AT_EXIT, process],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert done.stdout.splitlines()[0] == "exiting"
    assert ("collected" in done.stdout) is collected, done.stdout + done.stderr
