"""Whitespace and kicker handling for text taken from HTML."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
# A leading "[Kicker]" label, e.g. "[Today’s K-pop] Blackpink’s Rose ...".
_KICKER = re.compile(r"^\s*\[([^\[\]]+)\]")


def clean_text(value: str | None) -> str | None:
    """Collapse runs of white space (including U+3000 and NBSP) and strip; empty → None."""
    if value is None:
        return None
    cleaned = _SPACE.sub(" ", value.replace("\u3000", " ")).strip()
    return cleaned or None


def kicker_of(title: str | None) -> str | None:
    """Return the bracketed label a headline starts with, without brackets, or None."""
    if not title:
        return None
    match = _KICKER.match(title)
    return clean_text(match.group(1)) if match else None
