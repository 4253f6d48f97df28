"""RSS and Atom feeds as a source of article links: which feeds, and what they list.

Parsing is pure (bytes and a URL in, entries out) and left to feedparser, which copes with
both formats, their date spellings and the malformed documents sites serve.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from newsbot.extract.text import clean_text
from newsbot.sites.base import KnownFeed, on_domains

if TYPE_CHECKING:
    from newsbot.page import Page
    from newsbot.sites.base import Site

FEED_TYPES = ("application/rss+xml", "application/atom+xml")
__all__ = ["FeedEntry", "KnownFeed", "UnreadableFeed", "advertised_feeds", "feed_entries", "rebase"]


class UnreadableFeed(Exception):
    """A fetched feed that is not one (HTML, empty, broken XML); ``reason`` is a stats suffix."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, its link already on the crawled host."""

    url: str
    article_id: str | None  # None: the site does not call this link an article
    published: datetime | None  # aware
    categories: tuple[str, ...]
    title: str | None = None


def advertised_feeds(page: Page) -> list[str]:
    """Feed URLs a page advertises with ``<link rel="alternate" type="…rss+xml|atom+xml">``."""
    hrefs = page.xpath(
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')]"
        "[@type=$rss or @type=$atom]/@href",
        rss=FEED_TYPES[0],
        atom=FEED_TYPES[1],
    ).getall()
    urls: list[str] = []
    for href in hrefs:
        url = page.absolute(href)
        if urlsplit(url).scheme in ("http", "https") and url not in urls:
            urls.append(url)
    return urls


def rebase(url: str, base_url: str, domains: tuple[str, ...]) -> str:
    """``url`` moved onto ``base_url``'s host when it is on the site's own domains.

    Feeds name the site's canonical host (``https://www.koreaherald.com/…``) even when served
    by a mirror or a replica; the crawl must stay on the host it was given.
    """
    parts = urlsplit(url)
    base = urlsplit(base_url)
    if (parts.hostname or "") == (base.hostname or "") or not on_domains(
        parts.hostname or "", domains
    ):
        return url
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


def feed_entries(body: bytes, url: str, site: Site, base_url: str | None = None) -> list[FeedEntry]:
    """The entries of the RSS or Atom document ``body`` fetched from ``url``.

    Links are resolved against ``url``, rebased onto ``base_url`` (see :func:`rebase`) and
    named by ``site.article_url`` / ``site.article_id``. Raises :class:`UnreadableFeed` for a
    body that is empty, not a feed, or broken.
    """
    if not body.strip():
        raise UnreadableFeed("empty", f"feed {url} is empty")
    # Imported here: a crawl that reads no feed does not pay for loading feedparser.
    import feedparser

    parsed: Any = feedparser.parse(body, response_headers={"content-location": url})
    version = parsed.get("version") or ""
    bozo = parsed.get("bozo_exception") if parsed.get("bozo") else None
    # feedparser flags these on readable feeds whose declared charset was wrong: not a problem.
    harmless = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    if bozo is not None and not isinstance(bozo, harmless):
        raise UnreadableFeed("malformed", f"feed {url} is malformed: {bozo}")
    if not version:
        raise UnreadableFeed("not_a_feed", f"{url} is not an RSS or Atom feed")
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        absolute = urljoin(url, link.strip())
        if base_url:
            absolute = rebase(absolute, base_url, site.domains)
        canonical = site.article_url(absolute)
        entries.append(
            FeedEntry(
                url=canonical or absolute,
                article_id=site.article_id(canonical) if canonical else None,
                published=_published(entry),
                categories=_categories(entry),
                title=clean_text(entry.get("title")),
            )
        )
    return entries


def _published(entry: Any) -> datetime | None:
    """The entry's publication time; feedparser gives it normalised to UTC."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def _categories(entry: Any) -> tuple[str, ...]:
    names = []
    for tag in entry.get("tags") or []:
        name = clean_text(tag.get("label") or tag.get("term"))
        if name and name not in names:
            names.append(name)
    return tuple(names)
