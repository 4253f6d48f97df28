"""Hostile JSON-LD never crashes a parser: the page is read from its visible markup instead."""

from __future__ import annotations

import re
from dataclasses import asdict

import pytest

from newsbot.extract.jsonld import (
    _flatten,
    article_object,
    author_names,
    json_ld_objects,
    type_names,
)
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


@pytest.mark.parametrize(
    ("headline", "date"),
    [
        ("Korea\\ud800’s chip exports hit record high", "2025-12-15T09:30:00"),
        ("Korea’s chip exports hit record high", "2025-12-\\udc0015T09:30:00"),
    ],
    ids=["lone_surrogate_in_headline", "lone_surrogate_in_date"],
)
def test_damaged_json_ld_strings_give_way_to_the_visible_page(headline, date):
    """A lone surrogate is a character lost on the way: the clean meta/h1 copy is the record."""
    directory = FIXTURES / "koreaherald" / "article-current-jsonld"
    fixture = load_fixture(directory)
    html = (directory / "page.html").read_text(encoding="utf-8")
    html = html.replace(
        '"headline":"Korea’s chip exports hit record high - The Korea Herald"',
        f'"headline":"{headline}"',
    ).replace('"datePublished":"2025-12-15T09:30:00"', f'"datePublished":"{date}"')
    page = Page.from_html(fixture.page.url, html, fixture.page.crawled_at)
    layout = SITE.article_layout(page)
    assert layout is not None
    article = layout.parse_article(page, fixture.meta["section"])
    want = fixture.expected["article"]
    assert article.title == want["title"]
    assert article.published_at is not None
    assert article.published_at.isoformat() == want["published_at"]


def test_main_entities_and_iri_types_are_found():
    blocks = [
        '{"@type": "WebPage",'
        ' "mainEntity": {"@type": "schema:OpinionNewsArticle", "headline": "A"}}',
        '{"@type": "NewsArticle", "mainEntityOfPage": {"@type": "WebPage", "@id": "x"}}',
        '[{"@type": "https://schema.org/LiveBlogPosting", "headline": "B"}]',
    ]
    objects = json_ld_objects(blocks)
    assert [type_names(obj.get("@type")) for obj in objects] == [
        {"WebPage"},
        {"OpinionNewsArticle"},
        {"NewsArticle"},
        {"WebPage"},
        {"LiveBlogPosting"},
    ]
    assert article_object(objects) == {"@type": "schema:OpinionNewsArticle", "headline": "A"}


def test_deeply_nested_main_entities_do_not_recurse():
    nested: dict = {"@type": "Article", "headline": "deep"}
    for _ in range(50_000):
        nested = {"@type": "WebPage", "mainEntity": nested}
    objects = _flatten(nested)  # a dict this deep cannot come from json.loads; a stack copes
    assert objects[-1] == {"@type": "Article", "headline": "deep"}
    assert len(objects) == 50_001
