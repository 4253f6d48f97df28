"""Generic article extraction: any article page, read without class or id names.

Structured data first (JSON-LD, microdata, meta tags, ``<time datetime>``), then visible text
(the ``<h1>``, a byline, dates printed in the page), the body through trafilatura with
newsbot's own paragraph cleaning. Every field says where it came from in ``provenance``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsbot.items import Article
from newsbot.loaders import ArticleLoader
from newsbot.sites.base import require_article_fields

if TYPE_CHECKING:
    from newsbot.page import Page
    from newsbot.sites.base import Site


def extract_article(page: Page, *, site: Site, section: str | None = None) -> Article:
    """Read ``page`` as an article of ``site``; raise ParseError when required fields lack.

    ``url`` is the page's canonical link when it points to the site, else the page's URL;
    ``article_id`` is ``site.article_id(url)``; undated zones take ``site.timezone``.
    """
    loader = ArticleLoader()
    loader.add_value("url", page.url)
    loader.add_value("article_id", site.article_id(page.url))
    loader.add_value("site", site.name)
    loader.add_value("layout", "generic")
    loader.add_value("section", section)
    loader.add_value("crawled_at", page.crawled_at)
    return require_article_fields(loader.load_item(), page)
