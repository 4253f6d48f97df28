"""Spider contracts for ``scrapy check``: the callbacks tried on the site the spider crawls.

The contracts in the callbacks' docstrings name pages by path (``@url /view.php?ud=…``); the
spider's ``base_url`` argument says which site serves them, so
``scrapy check koreaherald -a base_url=http://127.0.0.1:8023`` checks the parsers against a
replica, and without the argument against the live site.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from scrapy.contracts import Contract
from scrapy.http import Response

# Stats a callback counts when it cannot read what it was given: a page its parsers do not
# know, fields missing, a list without links, a ranking box gone (see SiteSpider._fail).
PROBLEM_STATS = (
    "newsbot/layout_unknown/",
    "newsbot/parse_failed/",
    "newsbot/field_missing/",
    "newsbot/list_empty",
    "newsbot/teasers/undated",
    "newsbot/popular/",
    "newsbot/sections/not_found",
    "newsbot/lost/",
)
# popular/snapshots and popular/rendered count work done, not problems.
NOT_PROBLEMS = ("newsbot/popular/snapshots", "newsbot/popular/rendered")


class SiteUrlContract(Contract):
    """``@url PATH``: the page at PATH on the spider's ``base_url`` (an absolute URL as is).

    Replaces Scrapy's own ``@url`` so that one set of contracts checks the live site, a
    mirror or the replica.
    """

    name = "url"

    def __init__(self, method: Callable[..., Any], *args: Any) -> None:
        super().__init__(method, *args)
        self.spider = getattr(method, "__self__", None)

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        """Resolve the contract's URL against the spider's base URL."""
        base_url = getattr(self.spider, "base_url", "")
        args["url"] = urljoin(f"{base_url.rstrip('/')}/", self.args[0])
        return args


class ReadsCleanlyContract(Contract):
    """``@reads_cleanly``: the callback counted no page, field or list it could not read.

    ``@returns``/``@scrapes`` alone pass on a drifted page that the generic reader still
    fills; the spider's problem counters (``newsbot/layout_unknown/…``, ``…/field_missing/…``)
    are what tell drift apart, so the check fails when the callback raised one of them.
    """

    name = "reads_cleanly"

    def __init__(self, method: Callable[..., Any], *args: Any) -> None:
        super().__init__(method, *args)
        self.spider = getattr(method, "__self__", None)
        self.before: dict[str, int] = {}

    def _problems(self) -> dict[str, int]:
        crawler = getattr(self.spider, "crawler", None)
        stats = crawler.stats.get_stats() if crawler is not None and crawler.stats else {}
        return {
            key: value
            for key, value in stats.items()
            if key.startswith(PROBLEM_STATS) and not key.startswith(NOT_PROBLEMS)
        }

    def pre_process(self, response: Response) -> None:
        """Note the problem counters before the callback runs."""
        self.before = self._problems()

    def post_process(self, output: list[Any]) -> None:
        """Fail with the counters the callback raised."""
        raised = {
            key: value - self.before.get(key, 0)
            for key, value in self._problems().items()
            if value != self.before.get(key, 0)
        }
        if raised:
            problems = ", ".join(f"{key}={count}" for key, count in sorted(raised.items()))
            raise AssertionError(f"the callback could not read its page: {problems}")


class FillsContract(Contract):
    """``@fills CLASS FIELD…``: every CLASS item the callback returned has each FIELD filled.

    Scrapy's ``@scrapes`` asks only whether a field exists, which a dataclass item's fields
    always do; here None, an empty string and an empty list count as missing.
    """

    name = "fills"

    def post_process(self, output: list[Any]) -> None:
        """Fail naming the items and fields left empty."""
        item_class, *fields = self.args
        items = [item for item in output if type(item).__name__ == item_class]
        if not items:
            raise AssertionError(f"no {item_class} item returned")
        for item in items:
            empty = [name for name in fields if getattr(item, name, None) in (None, "", [], {})]
            if empty:
                url = getattr(item, "url", None)
                raise AssertionError(f"{item_class} {url} has no {', '.join(empty)}")
