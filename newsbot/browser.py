"""Rules for the headless browser that renders pages whose content a script builds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy_playwright.page import PageMethod

from newsbot.sites.base import on_domains

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

logger = logging.getLogger(__name__)

# What a rendered page needs is its markup and the scripts that build it; pictures, fonts,
# styles and media only cost time and bandwidth.
SKIPPED_RESOURCE_TYPES = frozenset({"image", "media", "font", "stylesheet", "manifest"})
# Schemes that never leave the browser.
_LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


class LazyPlaywrightHandler(HTTP11DownloadHandler):
    """``DOWNLOAD_HANDLERS``: Scrapy's HTTP handler; scrapy-playwright's from the first render.

    scrapy-playwright's handler starts Playwright's Node.js driver when the engine starts, once
    per scheme, for every crawl, and importing it loads Playwright's Python package; most crawls
    render no page (only the current layout's Most Popular needs a browser). The drivers cost
    about 0.7 s of CPU to start and stop, the import about 0.05 s. Requests without
    ``meta["playwright"]`` go to Scrapy's HTTP handler as before; the first request with it
    imports scrapy-playwright, makes its handler and starts Playwright.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._browser_crawler = crawler
        self._renderer: ScrapyPlaywrightDownloadHandler | None = None
        self._launch_lock = asyncio.Lock()  # the first renders may arrive together

    async def download_request(self, request: Request) -> Response:
        """Render with Playwright when the request asks for it, started at the first one."""
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        renderer = self._renderer or await self._start_renderer()
        response: Response = await renderer.download_request(request)
        return response

    async def _start_renderer(self) -> ScrapyPlaywrightDownloadHandler:
        async with self._launch_lock:
            if self._renderer is None:
                from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

                crawler = self._browser_crawler
                renderer = ScrapyPlaywrightDownloadHandler(crawler)
                # Started here rather than when the engine started (it already has).
                crawler.signals.disconnect(
                    renderer._maybe_launch_in_thread, signal=signals.engine_started
                )
                await renderer._maybe_future_from_coro(renderer._launch())
                self._renderer = renderer
            return self._renderer

    async def close(self) -> None:
        """Close the HTTP handler, and Playwright's if a page was rendered."""
        await super().close()
        if self._renderer is not None:
            await self._renderer.close()


def should_abort(request: Any) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: drop resources that do not change the page's text."""
    return request.resource_type in SKIPPED_RESOURCE_TYPES


class SiteOnly:
    """``PLAYWRIGHT_ABORT_REQUEST`` for one crawl: :func:`should_abort`, and nothing off the site.

    A rendered page's scripts would otherwise fetch other hosts (trackers, ad networks) and
    send them the cookies they set; those requests are aborted and counted.
    """

    def __init__(self, crawler: Crawler, domains: Iterable[str]) -> None:
        self.crawler = crawler
        self.domains = tuple(domains)

    def __call__(self, request: Any) -> bool:
        """Whether to abort the browser's ``request`` (a Playwright request)."""
        parts = urlsplit(request.url)
        if parts.scheme not in _LOCAL_SCHEMES and not on_domains(
            parts.hostname or "", self.domains
        ):
            logger.debug("Browser request off the site aborted: %s", request.url)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("newsbot/browser/aborted_offsite")
            return True
        return should_abort(request)


def keep_on_site(crawler: Crawler, domains: Iterable[str]) -> None:
    """Make the crawl's browser abort requests outside ``domains`` (before settings freeze).

    A crawl's settings freeze after its spider is made; a spider made for an already running
    crawler (a test's) cannot change them, and its browser, if any, is not restricted.
    """
    if crawler.settings.frozen:
        logger.warning("Settings are frozen: the browser is not kept on %s", ", ".join(domains))
        return
    crawler.settings.set("PLAYWRIGHT_ABORT_REQUEST", SiteOnly(crawler, domains), "spider")


# Resolves once one more of the lists after the headings holds a link than when the page
# loaded (the list a script fills), when none was empty, or after the timeout: a page that
# keeps polling never becomes idle, and a list that never fills is read as it is. Lists are
# found again on every poll, since scripts may replace them. The XPath is the one
# newsbot.extract.landmarks reads the lists with.
_WAIT_FOR_LIST = """async ([wanted, timeoutMs]) => {
  const text = "translate(normalize-space(.), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
    + "'abcdefghijklmnopqrstuvwxyz')";
  const matches = wanted.map((heading) => text + " = " + heading).join(" or ");
  const headings = "//body//*[not(self::script) and not(self::style)]"
    + "[not(ancestor-or-self::a) and not(ancestor::nav) and not(ancestor::*[@role='navigation'])]"
    + "[text()[" + matches + "]]";
  const lists = () => {
    const found = document.evaluate(
      headings, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    const result = [];
    for (let i = 0; i < found.snapshotLength; i++) {
      const list = document.evaluate(
        "following::*[self::ol or self::ul or self::dl][1]", found.snapshotItem(i), null,
        XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
      if (list !== null) { result.push(list); }
    }
    return result;
  };
  const filled = (all) => all.filter((list) => list.querySelector("a[href]") !== null).length;
  const first = lists();
  const before = filled(first);
  if (first.length > 0 && before === first.length) { return true; }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (filled(lists()) > before) { return true; }
    if (Date.now() >= deadline) { return false; }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}"""


def wait_for_list_after(headings: str | Iterable[str], timeout: float) -> PageMethod:
    """A page method that waits up to ``timeout`` s for links in the list after a heading.

    ``headings`` is one heading text or several ("Most Popular", "Most Read", …); case and
    spacing are ignored.
    """
    texts = [headings] if isinstance(headings, str) else list(headings)
    wanted = [" ".join(text.lower().split()) for text in texts]
    for text in wanted:
        if "'" in text:
            raise ValueError(f"heading text cannot contain a quote: {text!r}")
    return PageMethod("evaluate", _WAIT_FOR_LIST, [[f"'{w}'" for w in wanted], int(timeout * 1000)])
