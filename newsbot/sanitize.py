r"""Text fit to store, hash and show: no lone surrogates, no control characters.

Pages and their JSON-LD can carry anything: a lone surrogate (``\ud800`` in JSON) cannot be
encoded as UTF-8 at all, PostgreSQL refuses NUL, and ESC/BEL/C1 controls reach terminals.
The same cleaning runs in the crawl (the sanitize pipeline) and on every replay (spool,
rejects), so an item is stored the same way whichever path it took.
"""

from __future__ import annotations

import re
from typing import Any

from itemadapter import ItemAdapter

# Everything cleaning may change: C0 controls but tab and newline (CR is turned into a newline),
# DEL, the C1 controls, and surrogate code points.
_SUSPECT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _repair_surrogates(text: str) -> str:
    """Join surrogate pairs that arrived as two code points; a lone one becomes U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_text(text: str) -> str:
    """``text`` without control characters; a lone surrogate becomes U+FFFD.

    Tab and newline are kept; CR LF and lone CR become a newline. A surrogate pair that
    arrived as two code points is joined into its character. Returns ``text`` itself
    when nothing needs cleaning.
    """
    if _SUSPECT.search(text) is None:
        return text
    if _SURROGATE.search(text):
        text = _repair_surrogates(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)


def is_damaged(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate: a character lost on the way, not one to guess.

    Parsers use it to prefer another intact copy of a field (``og:title``, the ``<h1>``) over a
    structured-data string that cleaning could only patch with U+FFFD.
    """
    if _SURROGATE.search(text) is None:
        return False
    return "\ufffd" in _repair_surrogates(text)


def clean_value(value: Any) -> Any:
    """:func:`clean_text` applied to every string in ``value``.

    Strings nested in lists, tuples and dicts (keys too) are cleaned at any depth. Returns
    ``value`` itself when nothing changed.
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        cleaned = [clean_value(element) for element in value]
        if all(new is old for new, old in zip(cleaned, value, strict=True)):
            return value
        return cleaned if isinstance(value, list) else tuple(cleaned)
    if isinstance(value, dict):
        pairs = [(clean_value(key), clean_value(element)) for key, element in value.items()]
        if all(
            k is old_k and v is old_v
            for (k, v), (old_k, old_v) in zip(pairs, value.items(), strict=True)
        ):
            return value
        return dict(pairs)
    return value


def clean_item(item: Any) -> list[str]:
    """Clean every field of an item (dataclass, dict, Scrapy Item) in place.

    Returns the names of the fields that changed.
    """
    adapter = ItemAdapter(item)
    changed = []
    for name in list(adapter.keys()):
        value = adapter[name]
        cleaned = clean_value(value)
        if cleaned is not value:
            adapter[name] = cleaned
            changed.append(name)
    return changed


# For one line of terminal output: controls (C0, DEL, C1) and bidirectional overrides, which
# can rewrite or reorder what a person sees.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_LINE_BREAKS = re.compile("[\t\n\v\f\r]+")


def printable(text: str) -> str:
    """``text`` made safe to print on one terminal line.

    White-space controls become a space, lone surrogates U+FFFD (they cannot be printed),
    and every other control character or bidirectional override is dropped.
    """
    if _UNPRINTABLE.search(text) is None:
        return text
    text = _LINE_BREAKS.sub(" ", text)
    if _SURROGATE.search(text):
        text = _repair_surrogates(text)
    return _UNPRINTABLE.sub("", text)
