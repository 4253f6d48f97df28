"""The headline's neighbourhood: the visible texts just before and after it.

Bylines and dates printed for the reader sit next to the headline (below it on most pages,
above it on some), so authors and dates are looked for among these few texts rather than
in the whole page. Hidden elements (scripts, templates, ``hidden``) are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from newsbot.extract.text import HIDDEN_TAGS, clean_text

# How many visible text nodes after the headline a byline or printed date may be.
_NEAR_HEADLINE = 40


@dataclass(frozen=True)
class Near:
    """The headline and the visible texts just before and after it.

    Bylines and printed dates are found there.
    """

    heading: Any
    before: list[tuple[str, Any]]
    after: list[tuple[str, Any]]


def near_headline(root: Any, heading: Any) -> Near:
    """The texts around ``heading``, an element of ``root`` (None: the top of the body)."""
    return Near(heading, list(_texts_before(heading)), list(_texts_after(root, heading)))


_BEFORE_HEADLINE = 8


def _texts_before(heading: Any) -> list[tuple[str, Any]]:
    """The few visible text nodes just before the headline, in document order."""
    if heading is None:
        return []
    # The 20 nearest non-blank text nodes (XPath's ``preceding::text()[normalize-space()]
    # [position() <= 20]``), walked back from the headline: XPath would list the text of
    # the whole page before it first.
    nearest = list(islice(_preceding_texts(heading), _PRECEDING_TEXTS))
    found: list[tuple[str, Any]] = []
    for text, container in reversed(nearest):
        container = _visible_container(container)
        cleaned = clean_text(text)
        if container is not None and cleaned:
            found.append((cleaned, container))
    return found[-_BEFORE_HEADLINE:]


_PRECEDING_TEXTS = 20
_XML_SPACE = " \t\r\n"  # what XPath's normalize-space() strips


def _preceding_texts(element: Any) -> Iterator[tuple[str, Any]]:
    """Non-blank texts before ``element`` (not its ancestors'), nearest first.

    Each comes with the element that holds it: the parent of an element whose tail it is.
    """
    node = element
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            yield from _subtree_texts_backwards(sibling)
        parent = node.getparent()
        if parent is not None and parent.text and parent.text.strip(_XML_SPACE):
            yield parent.text, parent
        node = parent


def _subtree_texts_backwards(element: Any) -> Iterator[tuple[str, Any]]:
    """Non-blank texts of ``element``, its descendants and its tail, last first."""
    parent = element.getparent()
    if element.tail and parent is not None and element.tail.strip(_XML_SPACE):
        yield element.tail, parent
    if isinstance(element.tag, str):  # a comment's or a PI's own text is no text node
        for child in reversed(element):
            yield from _subtree_texts_backwards(child)
        if element.text and element.text.strip(_XML_SPACE):
            yield element.text, element


def _visible_container(container: Any) -> Any:
    """``container``, the element holding a text node; None when the text is hidden."""
    if container is None or not isinstance(container.tag, str):
        return None
    if container.tag in HIDDEN_TAGS or any(
        ancestor.tag in HIDDEN_TAGS for ancestor in container.iterancestors()
    ):
        return None
    return container


def _texts_after(
    root: Any, heading: Any, window: int = _NEAR_HEADLINE
) -> Iterator[tuple[str, Any]]:
    """Visible text nodes after the headline, each with the element that holds it.

    Without a headline, the text from the top of the body. The tree is walked lazily from
    the headline on: an XPath ``following::`` would list the page's every text first.
    """
    if heading is not None:
        texts = _following_texts(heading)
    else:
        body = next(iter(root.iter("body")), None)
        if body is None:
            return
        texts = _subtree_texts(body, with_tail=False)
    count = 0
    for text, container in texts:
        cleaned = clean_text(text)
        if not cleaned:
            continue
        yield cleaned, container
        count += 1
        if count >= window:
            return


def visible_texts(root: Any) -> Iterator[tuple[str, Any]]:
    """Every visible text node of the page's body, cleaned, in document order."""
    body = next(iter(root.iter("body")), None)
    if body is None:
        return
    for text, container in _subtree_texts(body, with_tail=False):
        cleaned = clean_text(text)
        if cleaned:
            yield cleaned, container


def _following_texts(element: Any) -> Iterator[tuple[str, Any]]:
    """Texts after ``element`` (not inside it) in document order, hidden ones left out."""
    node = element
    while node is not None:
        parent = node.getparent()
        if node.tail and parent is not None:
            yield node.tail, parent
        for sibling in node.itersiblings():
            yield from _subtree_texts(sibling, with_tail=True)
        node = parent


def _subtree_texts(element: Any, *, with_tail: bool) -> Iterator[tuple[str, Any]]:
    """The visible texts of ``element`` and its descendants (and its tail), in order.

    A stack, not nested generators: every text would pass up through one generator per
    level of nesting, on the parsing hot path.
    """
    todo: list[tuple[Any, Any]] = [(element, with_tail)]
    while todo:
        node, extra = todo.pop()
        if isinstance(node, str):  # a tail, with the element that shows it
            yield node, extra
            continue
        tail: str | None = node.tail if extra else None
        parent = node.getparent() if tail else None
        if isinstance(node.tag, str) and node.tag not in HIDDEN_TAGS:
            if node.text:
                yield node.text, node
            if tail and parent is not None:
                todo.append((tail, parent))  # after the children
            todo.extend((child, True) for child in reversed(node))
        elif tail and parent is not None:
            yield tail, parent
