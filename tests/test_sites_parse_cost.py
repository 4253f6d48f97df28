"""How often a Korea Herald parser searches a whole realistic page for the same element.

Each search of the document visits its every element (about 750 on a realistic page): layout
detection and the parser share the article element they find rather than search again.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from parsel import Selector

from newsbot.page import Page
from newsbot.replica import layout_2023, layout_current
from newsbot.replica.corpus import build_corpus
from newsbot.sites import get_site

SITE = get_site("koreaherald")


class CountingSelector(Selector):
    """A document that counts the queries run on it as a whole (not on its parts)."""

    def css(self, query: str) -> Any:
        searches = getattr(self, "searches", None)  # set on the document only
        if searches is not None:
            searches[query] += 1
        return super().css(query)

    def xpath(self, query: str, *args: Any, **kwargs: Any) -> Any:
        searches = getattr(self, "searches", None)
        if searches is not None:
            searches[query] += 1
        return super().xpath(query, *args, **kwargs)


def realistic_page(layout: str) -> tuple[Page, Counter[str]]:
    corpus = build_corpus(layout, 20)
    article = corpus.articles[0]
    if layout == "2023":
        url = f"https://www.koreaherald.com/view.php?ud={article.article_id}"
        html = layout_2023.article(corpus, article.article_id, weight="realistic")
    else:
        url = f"https://www.koreaherald.com/article/{article.article_id}"
        html = layout_current.article(corpus, article.article_id, weight="realistic")
    selector = CountingSelector(text=html)
    selector.searches = Counter()
    return Page(url, selector), selector.searches


@pytest.mark.parametrize(("layout", "marker"), [
    ("2023", "div.news_content div.news_title_area"),
    ("current", "article#articleText"),
])  # fmt: skip
def test_the_article_element_is_searched_for_once_per_page(layout, marker):
    page, searches = realistic_page(layout)

    article = SITE.article_layout(page).parse_article(page, None)

    assert article.body
    assert sum(count for query, count in searches.items() if marker in query) == 1


def test_meta_tags_are_searched_for_at_most_once_per_page():
    page, searches = realistic_page("current")

    SITE.article_layout(page).parse_article(page, None)

    assert sum(count for query, count in searches.items() if "meta" in query) <= 1


HEAD = """<html><head>
<meta property="og:title"><meta name="og:title" content="Second">
<meta property="og:title" content="Third">
<meta name="description" property="og:description" content="Both">
<meta name="empty" content="">
</head><body><meta name="late" content="In the body"></body></html>"""


@pytest.mark.parametrize("name", ["og:title", "description", "og:description", "empty", "late",
                                  "missing", "content"])  # fmt: skip
def test_a_meta_tag_reads_as_the_first_content_of_its_property_or_name(name):
    page = Page.from_html("https://example.com/a", HEAD)
    # The definition: XPath over the whole document, the first match in document order.
    expected = page.selector.xpath("//meta[@property=$n or @name=$n]/@content", n=name).get()

    assert page.meta(name) == expected
