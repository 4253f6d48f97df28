"""The generic path's tree walks, checked against the XPath they stand for.

The walks avoid listing the whole document (XPath's ``preceding::`` axis, a Python loop over
every element); they must find exactly what the XPath does, on markup with the cases that
differ: tails, comments, hidden elements, text of the headline's ancestors, nesting.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from parsel import Selector

from newsbot.extract.generic.body import _tree_for_body
from newsbot.extract.generic.near import near_headline
from newsbot.extract.text import HIDDEN_TAGS

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


def test_the_copy_for_the_body_drops_hidden_elements_and_aria_furniture_only() -> None:
    root = _root()

    tree = _tree_for_body(root)

    text = " ".join(tree.itertext())
    for gone in ("var x", "never shown", "hidden()", "Related", "Aside text", "enable js", "Home"):
        assert gone not in text
    for kept in ("tail of template", "Story", "The headline", "By Jane Doe", "tail of pi"):
        assert kept in text
    assert tree.xpath("//div[@role='main']")  # a role that is not furniture stays
    assert len(tree.xpath("//comment()")) == 2  # the HTML parser keeps a PI as a comment
    assert etree.tostring(root) == etree.tostring(Selector(text=PAGE).root)  # page intact
