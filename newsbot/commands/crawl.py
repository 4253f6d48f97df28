"""``scrapy crawl`` that exits with the crawl's outcome (see newsbot.exitcodes).

Scrapy's own ``crawl`` exits 0 unless start-up fails. This one checks the spider's arguments
and the ``NEWSBOT_*`` environment first, each problem said on one line of stderr (exit 1,
nothing crawled), then sets the exit code from the crawl's final stats: 0 passed, 1 could not
crawl, 2 a monitor failed, 3 interrupted. ``make crawl``, ``make demo``, ``newsbot run`` and
Scrapyd's jobs all run it.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, NoReturn

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from newsbot.addon import apply_environment
from newsbot.exitcodes import EXIT_CRAWL_FAILED, EXIT_OK, crawl_outcome
from newsbot.spiders.base import BadArgument

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler

logger = logging.getLogger("newsbot.exit")


class Command(ScrapyCrawlCommand):
    """Scrapy's ``crawl``, exiting 0, 1, 2 or 3 by how the crawl went."""

    def short_desc(self) -> str:
        """As listed by ``scrapy -h``."""
        return "Run a spider of the current project, by name; exit code by its outcome"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Scrapy's options; then the ``NEWSBOT_*`` environment and the spider's arguments.

        Checked here, before Scrapy sets up logging and the crawler process: a refusal is the
        only line the command prints, and nothing opens, crawls or is recorded.
        """
        super().process_options(args, opts)
        assert self.settings is not None  # noqa: S101 - set by scrapy.cmdline
        try:
            apply_environment(self.settings.copy())
        except ValueError as error:
            _refuse(str(error))
        if len(args) != 1:
            return  # run() says what is wrong with the command line
        loader = get_spider_loader(self.settings)
        try:
            spidercls = loader.load(args[0])
        except KeyError:
            _refuse(f"no spider named {args[0]!r}; the spiders are: {', '.join(loader.list())}")
        try:
            # Built once without a crawler: every argument is checked in __init__.
            spidercls(**opts.spargs)
        except BadArgument as error:
            _refuse(str(error))

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        """Crawl, and set ``exitcode`` from the final stats."""
        if len(args) < 1:
            raise UsageError
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported")
        assert self.crawler_process  # noqa: S101 - requires_crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        self.exitcode = exit_code(crawler, self.crawler_process.bootstrap_failed)


def exit_code(crawler: Crawler, bootstrap_failed: bool) -> int:
    """The crawl's exit code, logged with its reason when it is not 0."""
    if bootstrap_failed or crawler.stats is None:
        return EXIT_CRAWL_FAILED
    code, why = crawl_outcome(crawler.stats.get_stats())
    if code != EXIT_OK:
        logger.warning("Exit status %d: %s", code, why)
    return code


def _refuse(message: str) -> NoReturn:
    print(f"scrapy crawl: {message}", file=sys.stderr)
    sys.exit(EXIT_CRAWL_FAILED)
