"""The generic path's tree walks, checked against the XPath they stand for.

The walks avoid listing the whole document (XPath's ``preceding::`` axis, a Python loop over
every element); they must find exactly what the XPath does, on markup with the cases that
differ: tails, comments, hidden elements, text of the headline's ancestors, nesting.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from lxml import etree
from parsel import Selector

from newsbot.extract.generic.body import FURNITURE_XPATH, read_body
from newsbot.extract.generic.near import near_headline
from newsbot.extract.generic.sources import read_sources
from newsbot.extract.text import HIDDEN_TAGS
from newsbot.page import Page
from newsbot.sites.generic import GenericSite

PAGE = """<html><head><title>T</title><script>var x = 1;</script></head><body>
<div class="top">Site name<!-- a comment --> after comment
  <nav role="navigation"><a href="/">Home</a> <a href="/world">World</a></nav>
  <span>   </span>
  <template><p>never shown</p></template> tail of template
</div>
<main>Lead text of main
  <p>Kicker <b>bold</b> tail of bold</p><?pi ignored?> tail of pi
  <script>hidden();</script>
  <section>Section text
    <aside aria-label="Related stories"><p>Related</p></aside>
    <div role="complementary">Aside text</div>
    <div><span>Inner</span>
      <h1>The headline</h1>
      <p>By Jane Doe</p>
    </div>
  </section>
  <div aria-label="Share this"><noscript>enable js</noscript></div>
  <div role="main"><p>Story</p></div>
</main></body></html>"""


GENERIC = GenericSite("https://news.example.com")


def _root() -> Any:
    return Selector(text=PAGE).root


def _visible(text: Any) -> bool:
    container = text.getparent()
    if container is not None and text.is_tail:
        container = container.getparent()
    if container is None or not isinstance(container.tag, str):
        return False
    return not any(e.tag in HIDDEN_TAGS for e in (container, *container.iterancestors()))


def test_texts_before_the_headline_are_the_nearest_visible_text_nodes_in_order() -> None:
    root = _root()
    heading = root.xpath("//h1")[0]
    # The definition: the 20 nearest non-blank text nodes before it, the visible ones kept.
    expected = [
        " ".join(str(text).split())
        for text in heading.xpath("preceding::text()[normalize-space()][position() <= 20]")
        if _visible(text)
    ][-8:]

    before = near_headline(root, heading).before

    assert [text for text, _ in before] == expected
    assert "Inner" in expected
    assert "var x = 1;" not in " ".join(expected)
    assert "tail of pi" in expected  # the text after a comment is a text node
    assert dict(before)["Inner"].tag == "span"
    assert dict(before)["tail of bold"].tag == "p"  # a tail belongs to the element around it


def test_texts_before_stop_at_twenty_text_nodes_back() -> None:
    page = "<html><body>" + "".join(f"<p>t{i}</p>" for i in range(30)) + "<h1>H</h1></body></html>"
    root = Selector(text=page).root

    before = near_headline(root, root.xpath("//h1")[0]).before

    assert [text for text, _ in before] == [f"t{i}" for i in range(22, 30)]


def test_texts_before_the_first_element_are_none() -> None:
    root = Selector(text="<html><body><h1>H</h1><p>after</p></body></html>").root

    assert near_headline(root, root.xpath("//h1")[0]).before == []


def _pruned(root: Any) -> Any:
    """What trafilatura is given to read: its copy of the page without the furniture."""
    tree = copy.deepcopy(root)
    for element in etree.XPath(FURNITURE_XPATH)(tree):
        if element.getparent() is not None:
            element.drop_tree()
    return tree


def test_the_body_is_read_without_hidden_elements_and_aria_furniture_only() -> None:
    tree = _pruned(_root())

    text = " ".join(tree.itertext())
    for gone in ("var x", "never shown", "hidden()", "Related", "Aside text", "enable js", "Home"):
        assert gone not in text
    for kept in ("tail of template", "Story", "The headline", "By Jane Doe", "tail of pi"):
        assert kept in text
    assert tree.xpath("//div[@role='main']")  # a role that is not furniture stays
    assert len(tree.xpath("//comment()")) == 2  # the HTML parser keeps a PI as a comment


# Labels marking furniture: any containing these words, in any case (re.IGNORECASE).
FURNITURE_LABEL = re.compile(r"advert|sponsor|shar(?:e|ing)|related|newsletter|promo|comment", re.I)
LABELS = [
    "Advertisement", "ADVERTISING", "Sponsored content", "Share this article", "Sharing tools",
    "Shard", "Related stories", "Newsletter sign-up", "Promotions", "Comments (3)",
    "Main story", "Photo gallery", "Navigation", "ShareBar", "ſhare", "Relatİon", "relatıon",
    "Anzeige", "Ähnliche Artikel", "commentary", "compromise", "",
]  # fmt: skip


@pytest.mark.parametrize("label", LABELS)
def test_aria_labels_mark_furniture_as_the_word_list_says(label: str) -> None:
    page = Selector(text=f'<html><body><div aria-label="{label}">x</div><p>y</p></body></html>')

    dropped = not _pruned(page.root).xpath("//div")

    assert dropped == bool(FURNITURE_LABEL.search(label))


def test_reading_the_body_leaves_the_page_intact() -> None:
    page = Page.from_html("https://news.example.com/a/1", PAGE)
    before = etree.tostring(page.selector.root)

    read_body(
        page.selector.root, page.url, read_sources(page, page.selector.root, GENERIC), None, {}
    )

    assert etree.tostring(page.selector.root) == before
