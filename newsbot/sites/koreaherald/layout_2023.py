"""The Korea Herald's 2023 layout (Aug 2023 – Dec 2024): ``news_*`` classes on view.php pages.

Known markup (title area, date line, text boxes, captions, list teasers) is read by class;
the byline, whose element is unknown, is read as the "By …" text of the title area. The body
is the paragraphs directly inside ``div.text_box`` (there may be several boxes, split by photos
and ads); boxes nested in a text box (ads, photos, related articles) are not the story.
"""

from __future__ import annotations

import re
from typing import Any

from newsbot.extract.dates import DATE_IN_TEXT, parse_site_date
from newsbot.extract.landmarks import byline_in, text_outside_headings
from newsbot.extract.text import NOT_HIDDEN, clean_text, node_text, node_texts
from newsbot.items import Article, Image
from newsbot.loaders import ArticleLoader
from newsbot.page import Page
from newsbot.sites.base import Layout, ListPage, Teaser, next_page_link
from newsbot.sites.base import require_article_fields as require
from newsbot.sites.koreaherald.urls import SITE_NAME, article_id_of, canonical_article_url

_PUBLISHED = re.compile(r"Published\s*:\s*(.+?\d{1,2}:\d{2})")
_UPDATED = re.compile(r"Updated\s*:\s*(.+?\d{1,2}:\d{2})")


class Layout2023(Layout):
    """``div.news_content div.news_title_area`` article pages; ``ul.category_detail_list`` lists."""

    name = "2023"
    article_marker = "div.news_content div.news_title_area"
    list_marker = "ul.category_detail_list"

    def parse_article(self, page: Page, section: str | None) -> Article:
        """Extract the article from its title area and text boxes."""
        area = page.css("div.news_content div.news_title_area")[0]
        url = canonical_article_url(page.url)
        loader = ArticleLoader()
        loader.add_value("url", url)
        loader.add_value("article_id", article_id_of(page.url))
        loader.add_value("site", SITE_NAME)
        loader.add_value("layout", self.name)
        loader.add_value("section", section)
        loader.add_value("title", node_text(area.css("h1.news_title")))
        loader.add_value("subtitle", node_text(area.css("h2.news_title")))
        header = text_outside_headings(area)  # the byline and the date line
        loader.add_value("authors", byline_in(header))
        loader.add_value("published_at", _first(_PUBLISHED, header))
        loader.add_value("updated_at", _first(_UPDATED, header))
        text_area = page.css("div.news_content div.news_text_area")
        # Paragraphs of the text boxes themselves: ads, captions and related-article boxes
        # inside a text box hold paragraphs too, and none of them is the story.
        loader.add_value("body", node_texts(text_area.css("div.text_box > p")))
        loader.add_value("images", _images(text_area, page))
        loader.add_value("crawled_at", page.crawled_at)
        return require(loader.load_item(), page)

    def parse_list(self, page: Page) -> ListPage:
        """Teasers are ``a.news_link`` in the list; each shows its date as AP-style text."""
        teasers = []
        for link in page.css("ul.category_detail_list > li a.news_link[href]"):
            url = canonical_article_url(page.absolute(link.attrib["href"]))
            article_id = article_id_of(url or "")
            if url is None or article_id is None:
                continue
            text = " ".join(link.xpath(f"ancestor::li[1]//text()[{NOT_HIDDEN}]").getall())
            when = DATE_IN_TEXT.search(text)
            teasers.append(Teaser(url, article_id, parse_site_date(when.group()) if when else None))
        return ListPage(teasers, next_page_link(page, "np"))


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


def _images(text_area: Any, page: Page) -> list[Image]:
    images: list[Image] = []
    for box in text_area.css("div.img_box"):
        src = box.css("img::attr(src)").get()
        if src:
            caption = node_text(box.css(".img_caption"))
            images.append({"url": page.absolute(src), "caption": clean_text(caption)})
    return images
