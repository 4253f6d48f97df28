"""The Korea Herald (www.koreaherald.com).

Layouts, detected from markup in this order: the current layout (Dec 2024 →, ``/article/<id>``)
and the 2023 layout (Aug 2023 – Dec 2024, ``view.php?ud=`` with ``news_*`` classes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from newsbot.extract.dates import KST
from newsbot.extract.landmarks import popular_list
from newsbot.extract.text import clean_text, node_text
from newsbot.items import PopularRank
from newsbot.loaders import PopularRankLoader
from newsbot.page import Page
from newsbot.sites.base import KnownFeed, Section, Site
from newsbot.sites.koreaherald.current import CurrentLayout
from newsbot.sites.koreaherald.layout_2023 import Layout2023
from newsbot.sites.koreaherald.urls import (
    CT_TOP,
    PATH_TOP,
    POPULAR_LIST,
    SITE_NAME,
    article_id_of,
    canonical_article_url,
)

# Per-section feeds: /rss/kh_<name>; the name is the section's without spaces or
# punctuation, except where the site spells it otherwise.
SECTION_FEED = re.compile(r"/rss/kh_([0-9A-Za-z]+)/?$")
FEED_SECTIONS = {"Life & Culture": "LifenCulture", "K-pop": "Kpop"}
FEED_NAMES = {re.sub(r"[^0-9a-z]", "", s.lower()): n for s, n in FEED_SECTIONS.items()}


def feed_name(section: str) -> str:
    """``national`` → ``National``, ``world news`` → ``WorldNews``: as the feed URLs spell it."""
    words = re.split(r"[^0-9A-Za-z]+", section)
    return "".join(word[:1].upper() + word[1:] for word in words)


def section_key(name: str) -> str:
    """Section names compare without case, spaces or punctuation ("Life & Culture")."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


class KoreaHerald(Site):
    """The Korea Herald; see the module docstring for its layouts."""

    name = SITE_NAME
    default_base_url = "https://www.koreaherald.com"
    # Seen on its pages: www., m. and news.koreaherald.com; photos on wimg.heraldcorp.com
    # (current layout) and res.heraldm.com (older layouts). Whether the live pages' scripts
    # need other hosts is not known: a rendering that loses its list because of this shows
    # as newsbot/popular/empty beside newsbot/browser/aborted_offsite.
    domains = ("koreaherald.com", "wimg.heraldcorp.com", "res.heraldm.com")
    layouts = (CurrentLayout(), Layout2023())
    timezone = KST  # the site prints dates without a zone; they are Korea Standard Time

    def article_id(self, url: str) -> str | None:
        """The article id of ``url`` (either URL family)."""
        return article_id_of(url)

    def article_url(self, url: str) -> str | None:
        """The canonical URL of the article ``url`` links to (either URL family)."""
        return canonical_article_url(url)

    def known_feeds(self, base_url: str, sections: Iterable[str] = ()) -> list[KnownFeed]:
        """``/rss/newsAll`` and, for each wanted section, ``/rss/kh_<Section>``."""
        base = base_url.rstrip("/")
        feeds = [KnownFeed(f"{base}/rss/newsAll")]
        for section in sections:
            name = FEED_NAMES.get(section_key(section)) or feed_name(section)
            if name:
                feeds.append(KnownFeed(f"{base}/rss/kh_{name}", section))
        return feeds

    def feed_section(self, url: str) -> str | None:
        """The section of a ``/rss/kh_<Section>`` feed."""
        match = SECTION_FEED.search(urlsplit(url).path)
        if match is None:
            return None
        name = match.group(1)
        return next((s for s, n in FEED_SECTIONS.items() if n == name), name)

    def sections(self, page: Page) -> list[Section]:
        """Top-level section links in either URL form, first occurrence of each.

        When the page links to neither form (a redesign), the navigation's links by text.
        """
        return self._sections_by_url(page) or self.navigation_sections(page)

    def _sections_by_url(self, page: Page) -> list[Section]:
        found: dict[str, Section] = {}
        for link in page.xpath("//body//a[@href]"):
            url = page.absolute(link.attrib["href"])
            parts = urlsplit(url)
            if parts.netloc != urlsplit(page.url).netloc:
                continue
            path_and_query = parts.path + (f"?{parts.query}" if parts.query else "")
            if not (CT_TOP.search(path_and_query) or PATH_TOP.match(parts.path)):
                continue
            name = clean_text(node_text([link]))
            if name and url not in found:
                found[url] = Section(name=name, url=url)
        return list(found.values())

    def popular(self, page: Page) -> list[PopularRank] | None:
        """The site-wide Most Popular list, anchored on its visible heading."""
        ranked = popular_list(page.selector, lambda href: article_id_of(href) is not None)
        if ranked is None:
            return None
        ranks = []
        for entry in ranked:
            url = canonical_article_url(page.absolute(entry.href))
            loader = PopularRankLoader()
            loader.add_value("site", SITE_NAME)
            loader.add_value("list_name", POPULAR_LIST)
            loader.add_value("rank", entry.rank)
            loader.add_value("title", entry.title)
            loader.add_value("url", url)
            loader.add_value("article_id", article_id_of(url or ""))
            loader.add_value("captured_at", page.crawled_at)
            loader.add_value("source_url", page.url)
            ranks.append(loader.load_item())
        return ranks
