"""Whitespace and kicker handling for text taken from HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

_SPACE = re.compile(r"\s+")
# A leading "[Kicker]" label, e.g. "[Today’s K-pop] Blackpink’s Rose ...".
_KICKER = re.compile(r"^\s*\[([^\[\]]+)\]")
# Elements whose text a reader never sees: code, styles, fallbacks, inert templates.
HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template"})
# Elements a reader sees as a line break: words on either side stay apart ("\n").
_LINE_BREAKS = frozenset({"br"})
# XPath predicate for a text node outside those elements, e.g. ``.//text()[{NOT_HIDDEN}]``.
NOT_HIDDEN = " and ".join(f"not(ancestor::{tag})" for tag in sorted(HIDDEN_TAGS))


def clean_text(value: str | None) -> str | None:
    """Collapse runs of white space (including U+3000 and NBSP) and strip; empty → None."""
    if value is None:
        return None
    cleaned = _SPACE.sub(" ", value.replace("\u3000", " ")).strip()
    return cleaned or None


def node_text(selection: Any) -> str | None:
    """The visible text inside the first node of a parsel selection, or None without one.

    Like XPath ``string()``, but text inside script, style, noscript and template elements is
    left out (the text after them is kept). Reads the lxml tree directly: no XPath compiled and
    run per node, which matters on the parsing hot path.
    """
    return visible_text(selection[0].root) if selection else None


def node_texts(selection: Any) -> list[str]:
    """:func:`node_text` of every node of a selection."""
    return [visible_text(node.root) for node in selection]


def visible_text(element: Any) -> str:
    """All text inside an lxml element except that of hidden elements (:data:`HIDDEN_TAGS`).

    A ``<br>`` becomes a newline, as a reader sees it: "14:30<br>Officials" is two words.
    """
    if not isinstance(element, etree._Element):
        return str(element)  # an attribute or text node selected by XPath
    parts: list[str] = []
    hidden = 0  # how many hidden elements enclose the current node
    for event, node in etree.iterwalk(element, events=("start", "end", "comment", "pi")):
        if event in ("comment", "pi"):  # their own text is not shown; the text after them is
            if not hidden and node.tail:
                parts.append(node.tail)
            continue
        is_hidden = node.tag in HIDDEN_TAGS
        if event == "start":
            if is_hidden:
                hidden += 1
            elif not hidden and node.tag in _LINE_BREAKS:
                parts.append("\n")
            elif not hidden and node.text:
                parts.append(node.text)
            continue
        if is_hidden:
            hidden -= 1
        if node is not element and not hidden and node.tail:
            parts.append(node.tail)
    return "".join(parts)


def kicker_of(title: str | None) -> str | None:
    """Return the bracketed label a headline starts with, without brackets, or None."""
    if not title:
        return None
    match = _KICKER.match(title)
    return clean_text(match.group(1)) if match else None


def texts_after(element: Any) -> Iterator[tuple[str, Any]]:
    """Text nodes after an lxml ``element`` (not inside it), hidden ones left out, in order.

    What XPath's ``following::text()[{NOT_HIDDEN}]`` selects, each text with the element
    that shows it (the parent of an element whose tail it is), but walked lazily: the XPath
    lists the rest of the page before a caller can take the few texts it needs.
    """
    hidden = sum(ancestor.tag in HIDDEN_TAGS for ancestor in element.iterancestors())
    node = element
    while node is not None:
        parent = node.getparent()
        if not hidden and parent is not None:  # else everything left at this level is hidden
            if node.tail:
                yield node.tail, parent
            for sibling in node.itersiblings():
                yield from _subtree_texts(sibling)
        if parent is not None and parent.tag in HIDDEN_TAGS:
            hidden -= 1
        node = parent


def _subtree_texts(element: Any) -> Iterator[tuple[str, Any]]:
    """The visible texts of ``element``, its descendants and its tail, in document order.

    A stack, not nested generators: every text would pass up through one generator per
    level of nesting.
    """
    todo: list[Any] = [element]
    while todo:
        node = todo.pop()
        if isinstance(node, tuple):  # a tail, with the element that shows it
            yield node
            continue
        parent = node.getparent()
        tail = (node.tail, parent) if node.tail and parent is not None else None
        if isinstance(node.tag, str) and node.tag not in HIDDEN_TAGS:
            if node.text:
                yield node.text, node
            if tail is not None:
                todo.append(tail)  # after the children
            todo.extend(reversed(node))
        elif tail is not None:
            yield tail
