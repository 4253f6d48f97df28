"""Page: the tree it builds is the one parsel builds, from a response's bytes or from text."""

from __future__ import annotations

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse, TextResponse, XmlResponse

from newsbot.extract.jsonld import json_ld_objects
from newsbot.page import Page

HTML = "<html><head><title>T</title></head><body><h1>Héllo’s</h1><p>A<br>B</p></body></html>"
UTF8 = "text/html; charset=utf-8"
BODIES = {
    "utf-8": HTML.encode(),
    "white space around": b" \n\t" + HTML.encode() + b"\r\n ",
    "C0 separators around": b"\x1c" + HTML.encode() + b"\x1f",
    "no-break spaces around": "\xa0".encode() + HTML.encode() + "\u3000".encode(),
    "byte order mark": b"\xef\xbb\xbf" + HTML.encode(),
    "NULs": HTML.replace("<p>", "<p>\x00").encode(),
    "NUL first": b"\x00 " + HTML.encode(),
    "not UTF-8": HTML.replace("<p>", "<p>\xff").encode("latin-1", "replace"),
    "UTF-16 surrogate bytes": HTML.encode().replace(b"<p>", b"<p>\xed\xa0\x80"),
    "text after the tags": HTML.encode() + b" words",
    "control characters": HTML.replace("<p>", "<p>\x1b\x07").encode(),
    "empty": b"",
    "white space only": b"  \n ",
    "a comment only": b"<!-- nothing -->",
}


@pytest.mark.parametrize("content_type", [UTF8, "text/html; charset=iso-8859-1", "text/html"])
@pytest.mark.parametrize("name", BODIES)
def test_a_response_page_has_the_tree_of_the_response_selector(name, content_type):
    def response() -> HtmlResponse:
        headers = {"Content-Type": content_type}
        return HtmlResponse("https://example.com/a", body=BODIES[name], headers=headers)

    page = Page.from_response(response())

    assert page.selector.get() == response().selector.get()
    assert page.selector.type == "html"


def test_other_responses_keep_their_selector():
    response = XmlResponse("https://example.com/a.xml", body=b"<?xml version='1.0'?><a>b</a>")

    assert Page.from_response(response).selector is response.selector
    text = TextResponse("https://example.com/a", body=HTML.encode(), encoding="utf-8")
    assert Page.from_response(text).selector is text.selector


@pytest.mark.parametrize(
    "text",
    [
        HTML,
        f"  {HTML}\n",
        f"\x1c{HTML}\u3000",
        HTML.replace("<p>", "<p>\x00"),
        f'<?xml version="1.0"?>\n{HTML}',
        '{"a": 1}',
        "plain words",
        "",
        "   ",
    ],
)
def test_a_page_from_text_has_the_tree_parsel_builds(text):
    page = Page.from_html("https://example.com/a", text)
    selector = Selector(text=text)

    assert page.selector.get() == selector.get()
    assert page.selector.type == selector.type


@pytest.mark.parametrize("name", ["utf-8", "white space around", "NULs", "control characters"])
def test_a_utf8_response_is_read_from_its_bytes(name):
    headers = {"Content-Type": UTF8}
    response = HtmlResponse("https://example.com/a", body=BODIES[name], headers=headers)

    page = Page.from_response(response)

    # Not through response.selector, which decodes the body and encodes it again.
    assert type(page.selector) is Selector
    assert response._cached_selector is None


GATHERED = """<html><head><h1>In the head</h1>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "A"}</script>
<script type="application/LD+JSON">{"@type": "NewsArticle", "headline": "Case"}</script>
<script>{"@type": "NewsArticle", "headline": "Not typed"}</script>
<script type="application/ld+json"></script>
</head><body><h1>First</h1><div><h1>Second <b>bold</b></h1></div>
<script type="application/ld+json">[{"@type": "BreadcrumbList"}, {"@type": "Person"}]</script>
<template><h1>Templated</h1></template></body></html>"""


@pytest.mark.parametrize("text", [GATHERED, HTML, f'<?xml version="1.0"?>\n{GATHERED}'])
def test_json_ld_and_headings_read_what_their_queries_select(text):
    page = Page.from_html("https://example.com/a", text)
    # The definitions: a CSS query for the JSON-LD texts, XPath for the headings.
    blocks = page.selector.css('script[type="application/ld+json"]::text').getall()

    assert page.json_ld == json_ld_objects(blocks)
    assert [h.get() for h in page.headings()] == page.selector.xpath("//body//h1").getall()
