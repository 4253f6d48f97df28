"""The Korea Herald's current layout (Dec 2024 →): ``/article/<id>`` pages.

JSON-LD and meta tags carry headline, dates and authors; the body is
``article#articleText.article-body > p``. The visible headline, byline and date markup is not
known, so the fallbacks anchor on the page's single ``<h1>``, a "By …" line after it and a
"Published : … Updated : …" date line after it. The visible update time comes first: it is
what the newsroom shows readers, and a JSON-LD dateModified that disagrees is stale.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from newsbot.extract.dates import DATE_IN_TEXT, parse_site_date
from newsbot.extract.jsonld import article_object, author_names
from newsbot.extract.landmarks import byline_after
from newsbot.extract.text import NOT_HIDDEN, clean_text, node_text, node_texts, texts_after
from newsbot.items import Article, Image
from newsbot.loaders import ArticleLoader
from newsbot.page import Page
from newsbot.sanitize import is_damaged
from newsbot.sites.base import Layout, ListPage, Teaser, next_page_link
from newsbot.sites.base import require_article_fields as require
from newsbot.sites.koreaherald.urls import SITE_NAME, article_id_of, canonical_article_url

TITLE_SUFFIX = " - The Korea Herald"
# The visible date line, as the 2023 layout printed it ("Published : Dec. 15, 2025 - 09:30").
_PUBLISHED = re.compile(r"Published\s*:\s*(.+?\d{1,2}:\d{2})")
_UPDATED = re.compile(r"Updated\s*:\s*(.+?\d{1,2}:\d{2})")


def strip_site_suffix(title: str | None) -> str | None:
    """Headlines in JSON-LD and og:title end with " - The Korea Herald"; drop it."""
    if title and title.rstrip().endswith(TITLE_SUFFIX.strip()):
        return title.rstrip()[: -len(TITLE_SUFFIX.strip())].rstrip(" -")
    return title


class CurrentLayout(Layout):
    """``article#articleText.article-body`` article pages; ``article.recent_news`` lists."""

    name = "current"
    article_marker = "article#articleText.article-body"
    list_marker = "article.recent_news ul.news_list"
    states_section = True  # the navigation marks it: ul.gnb li.on

    def parse_article(self, page: Page, section: str | None) -> Article:
        """Extract the article, JSON-LD first, visible text as the fallback."""
        data: dict[str, Any] = article_object(page.json_ld) or {}
        headings = page.headings()
        h1 = headings[0] if len(headings) == 1 else None
        loader = ArticleLoader()
        loader.add_value("url", canonical_article_url(page.url))
        loader.add_value("article_id", article_id_of(page.url))
        loader.add_value("site", SITE_NAME)
        loader.add_value("layout", self.name)
        loader.add_value("section", node_text(page.css("ul.gnb li.on > a")))
        loader.add_value("section", section)
        loader.add_value("title", strip_site_suffix(_text(data.get("headline"))))
        loader.add_value("title", strip_site_suffix(page.meta("og:title")))
        if h1 is not None:
            loader.add_value("title", node_text([h1]))
            loader.add_value("subtitle", node_text(h1.xpath("following-sibling::*[1][self::h2]")))
        loader.add_value("authors", author_names(data.get("author")))
        if not loader.get_collected_values("authors") and h1 is not None:
            loader.add_value("authors", byline_after(h1))
        date_line = _date_line(h1) if h1 is not None else ""
        loader.add_value("published_at", _text(data.get("datePublished")))
        loader.add_value("published_at", page.meta("article:published_time"))
        loader.add_value("published_at", _first(_PUBLISHED, date_line))
        # The update time the page shows readers is the newsroom's word; structured data
        # that lags behind it (a stale dateModified) does not override it.
        loader.add_value("updated_at", _first(_UPDATED, date_line))
        loader.add_value("updated_at", _text(data.get("dateModified")))
        loader.add_value("updated_at", page.meta("article:modified_time"))
        # Inside the article element layout detection found: no second search of the page.
        article = page.css(self.article_marker)
        body = article.xpath("./p")
        loader.add_value("body", node_texts(body))
        loader.add_value("images", _images(article, page))
        loader.add_value("crawled_at", page.crawled_at)
        return require(loader.load_item(), page)

    def parse_list(self, page: Page) -> ListPage:
        """Teasers are the ``/article/<id>`` links of ``ul.news_list``, each with its date."""
        teasers = []
        for item in page.css("article.recent_news ul.news_list > li"):
            href = item.xpath(".//a[contains(@href, '/article/')]/@href").get()
            url = canonical_article_url(page.absolute(href)) if href else None
            article_id = article_id_of(url or "")
            if url is None or article_id is None:
                continue
            when = DATE_IN_TEXT.search(" ".join(item.xpath(f".//text()[{NOT_HIDDEN}]").getall()))
            teasers.append(Teaser(url, article_id, parse_site_date(when.group()) if when else None))
        return ListPage(teasers, next_page_link(page, "page"))


def _date_line(h1: Any, window: int = 12) -> str:
    """The visible text just after the headline, where the byline and date line are."""
    texts = [text for text, _ in islice(texts_after(h1.root), window)]
    return " ".join(text.strip() for text in texts if text.strip())


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


def _text(value: Any) -> str | None:
    """A JSON-LD string, unless damaged: then the meta tags and the visible page decide."""
    return value if isinstance(value, str) and not is_damaged(value) else None


def _images(article: Any, page: Page) -> list[Image]:
    images: list[Image] = []
    for img in article.css("figure.article-img img"):
        src = img.attrib.get("src")
        if src:
            images.append({"url": page.absolute(src), "caption": clean_text(img.attrib.get("alt"))})
    return images
