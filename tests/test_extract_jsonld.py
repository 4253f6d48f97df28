"""Hostile JSON-LD never crashes a parser: the page is read from its visible markup instead."""

from __future__ import annotations

import re
from dataclasses import asdict

import pytest

from newsbot.extract.jsonld import article_object, author_names, json_ld_objects
from newsbot.page import Page
from newsbot.sites import get_site
from tests.conftest import FIXTURES, load_fixture

DEEP = "[" * 50_000 + "]" * 50_000
DEEP_OBJECT = '{"@graph":' * 50_000 + "{}" + "}" * 50_000
HOSTILE = {
    "type_is_a_number": '{"@type": 5, "headline": "Wrong"}',
    "type_list_of_object": '{"@type": [{}], "headline": "Wrong"}',
    "type_list_of_lists": '{"@type": [["NewsArticle"]], "headline": "Wrong"}',
    "list_of_empty_object": "[{}]",
    "deeply_nested_array": DEEP,
    "deeply_nested_graph": DEEP_OBJECT,
    "deeply_nested_author": '{"@type": "NewsArticle", "author": ' + DEEP + "}",
}
SITE = get_site("koreaherald")


def with_json_ld(html: str, block: str) -> str:
    """The page with its JSON-LD blocks replaced by ``block``."""
    script = f'<script type="application/ld+json">{block}</script>'
    return re.sub(
        r'<script type="application/ld\+json">.*?</script>', lambda _: script, html, flags=re.S
    )


@pytest.mark.parametrize("block", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_json_ld_falls_back_to_the_visible_page(block):
    fixture = load_fixture(FIXTURES / "koreaherald" / "article-current-fallback")
    html = (FIXTURES / "koreaherald" / "article-current-fallback" / "page.html").read_text()
    page = Page.from_html(fixture.page.url, with_json_ld(html, block), fixture.page.crawled_at)
    layout = SITE.article_layout(page)
    assert layout is not None
    article = asdict(layout.parse_article(page, fixture.meta["section"]))
    want = fixture.expected["article"]
    assert article["title"] == want["title"]
    assert article["authors"] == want["authors"]
    assert article["published_at"].isoformat() == want["published_at"]
    assert article["body"] == want["body"]


@pytest.mark.parametrize("block", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_block_does_not_hide_a_good_one(block):
    good = '{"@type": "NewsArticle", "headline": "Good", "author": {"name": "Kim"}}'
    objects = json_ld_objects([block, good])
    found = article_object(objects)
    assert found is not None
    assert found["headline"] == "Good"
    assert author_names(found["author"]) == ["Kim"]


def test_author_names_survive_deep_nesting():
    nested: object = {"name": "Kim"}
    for _ in range(5000):
        nested = [nested]
    assert author_names([nested, "Lee"]) == ["Kim", "Lee"]
    assert author_names(5) == []
