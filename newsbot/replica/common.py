"""Helpers shared by the replica's two layouts."""

from __future__ import annotations

import html
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
