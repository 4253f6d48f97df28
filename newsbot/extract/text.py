"""Whitespace and kicker handling for text taken from HTML."""

from __future__ import annotations

import re
from typing import Any

_SPACE = re.compile(r"\s+")
# A leading "[Kicker]" label, e.g. "[Today’s K-pop] Blackpink’s Rose ...".
_KICKER = re.compile(r"^\s*\[([^\[\]]+)\]")


def clean_text(value: str | None) -> str | None:
    """Collapse runs of white space (including U+3000 and NBSP) and strip; empty → None."""
    if value is None:
        return None
    cleaned = _SPACE.sub(" ", value.replace("\u3000", " ")).strip()
    return cleaned or None


def node_text(selection: Any) -> str | None:
    """All text inside the first node of a parsel selection (XPath ``string()``), or None.

    Reads the lxml tree directly: the same result as ``.xpath("string()").get()`` without
    compiling and running an XPath per node, which matters on the parsing hot path.
    """
    return "".join(selection[0].root.itertext()) if selection else None


def node_texts(selection: Any) -> list[str]:
    """:func:`node_text` of every node of a selection."""
    return ["".join(node.root.itertext()) for node in selection]


def kicker_of(title: str | None) -> str | None:
    """Return the bracketed label a headline starts with, without brackets, or None."""
    if not title:
        return None
    match = _KICKER.match(title)
    return clean_text(match.group(1)) if match else None
