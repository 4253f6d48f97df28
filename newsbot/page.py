"""Page: a fetched HTML document with what every parser needs, computed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from parsel import Selector

from newsbot.extract.jsonld import json_ld_objects

if TYPE_CHECKING:
    from scrapy.http import TextResponse


@dataclass
class Page:
    """A page's URL, its parsed tree and when it was fetched. No network, no engine."""

    url: str
    selector: Selector
    crawled_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    _selections: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_html(cls, url: str, html: str, crawled_at: datetime | None = None) -> Page:
        """Build a page from raw HTML, as tests and benchmarks do."""
        return cls(url, Selector(text=html), crawled_at or datetime.now(UTC))

    @classmethod
    def from_response(cls, response: TextResponse) -> Page:
        """Build a page from a Scrapy response (the spider's only way in)."""
        return cls(response.url, response.selector)

    def css(self, query: str) -> Any:
        """Shortcut for ``self.selector.css``; a query asked again is answered from memory.

        Layout detection and the layout's parser ask for the same markers: each is a search
        of the whole document.
        """
        found = self._selections.get(query)
        if found is None:
            found = self._selections[query] = self.selector.css(query)
        return found

    def xpath(self, query: str, **kwargs: Any) -> Any:
        """Shortcut for ``self.selector.xpath``."""
        return self.selector.xpath(query, **kwargs)

    def absolute(self, href: str) -> str:
        """Resolve a link found on this page."""
        return urljoin(self.url, href.strip())

    @cached_property
    def json_ld(self) -> list[dict[str, Any]]:
        """Every JSON-LD object on the page, flattened; malformed blocks are skipped."""
        return json_ld_objects(self.css('script[type="application/ld+json"]::text').getall())

    def meta(self, name: str) -> str | None:
        """Content of ``<meta property=name>`` or ``<meta name=name>``."""
        return self._meta_contents.get(name)

    @cached_property
    def _meta_contents(self) -> dict[str, str]:
        """The first content of each meta property or name: one pass for every lookup."""
        found: dict[str, str] = {}
        for element in self.selector.root.iter("meta"):
            content = element.get("content")
            if content is not None:
                for key in (element.get("property"), element.get("name")):
                    if key is not None:
                        found.setdefault(key, content)
        return found
