"""Helpers shared by the replica's layouts."""

from __future__ import annotations

import html
import re
from datetime import datetime

_AP_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
PAGE_SIZE = 15


def esc(text: str | None) -> str:
    """Escape text for HTML; None becomes empty."""
    return html.escape(text or "", quote=True)


def ap_date(moment: datetime) -> str:
    """AP style as the site prints it: "Sept. 11, 2023"."""
    return f"{_AP_MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def ap_datetime(moment: datetime) -> str:
    """The article date line's form: "Sept. 11, 2023 - 20:38"."""
    return f"{ap_date(moment)} - {moment:%H:%M}"


def page_count(total: int) -> int:
    """How many list pages ``total`` teasers fill."""
    return max(1, -(-total // PAGE_SIZE))


def inline_html(text: str, marks: list[tuple[str, str]], href: str) -> str:
    """A paragraph's text as HTML with its inline markup (see corpus.Mark).

    ``a``, ``em`` and ``strong`` wrap a phrase's first whole-word occurrence; ``br`` takes
    the place of the space before its phrase. Marks that are not found (the text was edited
    or damaged on purpose) or that overlap an earlier one are left out; the text is unchanged.
    """
    spans: list[tuple[int, int, str]] = []
    for tag, phrase in marks:
        if not phrase:
            continue
        if tag == "br":
            at = text.find(" " + phrase)
            span = (at, at + 1, tag)
        else:
            found = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)
            at = found.start() if found else -1
            span = (at, at + len(phrase), tag)
        if at < 0 or any(start < span[1] and span[0] < end for start, end, _ in spans):
            continue
        spans.append(span)
    parts: list[str] = []
    position = 0
    for start, end, tag in sorted(spans):
        parts.append(esc(text[position:start]))
        if tag == "br":
            parts.append("<br>")
        elif tag == "a":
            parts.append(f'<a href="{esc(href)}">{esc(text[start:end])}</a>')
        else:
            parts.append(f"<{tag}>{esc(text[start:end])}</{tag}>")
        position = end
    parts.append(esc(text[position:]))
    return "".join(parts)
