"""Page: a fetched HTML document with what every parser needs, computed once."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HTMLParser
from parsel import Selector
from scrapy.http import HtmlResponse

from newsbot.extract.jsonld import json_ld_objects

if TYPE_CHECKING:
    from scrapy.http import TextResponse

# parsel reads a text that starts so as XML.
_XML_DECLARATION = re.compile(r"[\s\ufeff]*<\?xml\s")
# How libxml2 reports bytes that are not UTF-8 (parsel checks the same).
_ENCODING_ERRORS = frozenset(
    {etree.ErrorTypes.ERR_INVALID_CHAR, etree.ErrorTypes.ERR_INVALID_ENCODING}
)
# Elements parsers read on most pages, found in one walk of the tree instead of a search of
# the whole document each: meta tags, scripts (JSON-LD) and level-one headings.
_GATHERED = ("meta", "script", "h1")
_TEXT_NODES = etree.XPath("text()", smart_strings=False)
# White space that str.strip removes and bytes.strip keeps: the C0 separators.
_SEPARATORS = frozenset(b"\x1c\x1d\x1e\x1f")


def html_parser() -> HTMLParser:
    """The HTML parser parsel uses, without the id index no query reads.

    CSS "#id" is an ``@id`` test, never a lookup in the index. lxml.html's element classes
    stay: the generic extractor's trafilatura needs them. A new parser per page, as parsel
    makes: lxml parsers are not shared between threads.
    """
    return HTMLParser(recover=True, encoding="utf-8", huge_tree=True, collect_ids=False)


def html_root(body: bytes) -> tuple[etree._Element, bool]:
    """The tree of a UTF-8 HTML document, and whether libxml2 found bytes that are not UTF-8."""
    parser = html_parser()
    root = etree.fromstring(body or b"<html/>", parser=parser)
    if root is None:  # nothing but white space or comments: an empty document, as parsel does
        root = etree.fromstring(b"<html/>", parser=parser)
    return root, any(error.type in _ENCODING_ERRORS for error in parser.error_log)


def _utf8_body(response: TextResponse) -> bytes | None:
    """The body, ready to parse as the text Scrapy decodes from it would be; None if it differs.

    parsel strips the decoded text, drops NULs and encodes it to UTF-8 again. For a UTF-8
    body whose ends are ASCII (so no byte order mark), stripping the bytes drops the same
    characters, and the round trip gives the bytes back: read them as they are, saving the
    decoding, the copies and the encoding of a page (about half a millisecond at 110 KB).
    """
    if not isinstance(response, HtmlResponse) or codecs.lookup(response.encoding).name != "utf-8":
        return None
    body = response.body.strip()
    if not body:
        return None
    if body[0] >= 0x80 or body[-1] >= 0x80 or body[0] in _SEPARATORS or body[-1] in _SEPARATORS:
        return None  # the text may start or end with white space the bytes keep
    return body.replace(b"\x00", b"")


@dataclass
class Page:
    """A page's URL, its parsed tree and when it was fetched. No network, no engine."""

    url: str
    selector: Selector
    crawled_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    _selections: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_html(cls, url: str, html: str, crawled_at: datetime | None = None) -> Page:
        """Build a page from raw HTML, as tests and benchmarks do: the tree parsel builds."""
        text = html.strip()
        if text[:1] != "<" or _XML_DECLARATION.match(html):  # JSON, plain text or XML
            return cls(url, Selector(text=html), crawled_at or datetime.now(UTC))
        root, _ = html_root(text.replace("\x00", "").encode("utf-8"))
        return cls(url, Selector(root=root, type="html"), crawled_at or datetime.now(UTC))

    @classmethod
    def from_response(cls, response: TextResponse) -> Page:
        """Build a page from a Scrapy response (the spider's only way in).

        The tree of ``response.selector``, built from the body's bytes when they are UTF-8.
        """
        body = _utf8_body(response)
        if body is not None:
            root, not_utf8 = html_root(body)
            if not not_utf8:
                return cls(response.url, Selector(root=root, type="html"))
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
        """Every JSON-LD object on the page, flattened; malformed blocks are skipped.

        The texts of ``script[type="application/ld+json"]``, in document order.
        """
        blocks: list[str] = []
        for script in self._gathered["script"]:
            if script.get("type") == "application/ld+json":
                blocks += _TEXT_NODES(script)
        return json_ld_objects(blocks)

    def headings(self) -> list[Selector]:
        """The page's ``<h1>`` elements inside its body (``//body//h1``), in document order."""
        return [
            Selector(root=h1, type=self.selector.type)
            for h1 in self._gathered["h1"]
            if any(True for _ in h1.iterancestors("body"))
        ]

    @cached_property
    def _gathered(self) -> dict[str, list[Any]]:
        """The elements of :data:`_GATHERED` by tag, in document order: one walk for all."""
        found: dict[str, list[Any]] = {tag: [] for tag in _GATHERED}
        for element in self.selector.root.iter(*_GATHERED):
            found[element.tag].append(element)
        return found

    def meta(self, name: str) -> str | None:
        """Content of ``<meta property=name>`` or ``<meta name=name>``."""
        return self._meta_contents.get(name)

    @cached_property
    def _meta_contents(self) -> dict[str, str]:
        """The first content of each meta property or name: one pass for every lookup."""
        found: dict[str, str] = {}
        for element in self._gathered["meta"]:
            content = element.get("content")
            if content is not None:
                for key in (element.get("property"), element.get("name")):
                    if key is not None:
                        found.setdefault(key, content)
        return found
