"""Dates as The Korea Herald and similar sites print them, read as aware datetimes.

Formats seen on the site (koreaherald reference §6): AP style ("Sept. 11, 2023",
"March 29, 2020", "Jan. 23, 2025"), abbreviated ("Apr 18, 2022", "Sept 11, 2023"),
"YYYY.MM.DD HH:MM", "YYYY-MM-DD HH:MM" and ISO 8601 without a zone. Page text carries no
zone; it is Korea Standard Time. We key months on their first three letters, which covers
every AP and abbreviated spelling (dateutil would also accept "Sept." but guesses silently
on garbage, and we want a clear failure instead).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}

# "Sept. 11, 2023", "March 29, 2020", "Apr 18, 2022", optionally "- 20:38" or "20:38".
_WORDY = re.compile(
    r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),\s*(?P<year>\d{4})"
    r"(?:\s*-?\s*(?P<hour>\d{1,2}):(?P<minute>\d{2}))?"
)
# "2025.12.15 09:30", "2014-11-11 18:08", "2025-12-15T09:30:00".
_NUMERIC = re.compile(
    r"(?P<year>\d{4})[.\-/](?P<month>\d{1,2})[.\-/](?P<day>\d{1,2})"
    r"(?:[T\s]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)
# The date part alone, to find a teaser's date inside longer text. No word boundary before
# the month: list teasers print the section label straight into it ("PoliticsNov. 14, 2024").
DATE_IN_TEXT = re.compile(
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},\s*\d{4}\b"
    r"|\b\d{4}[.\-]\d{1,2}[.\-]\d{1,2}\b"
)


def parse_site_datetime(text: str | None, tz: ZoneInfo = KST) -> datetime | None:
    """Parse one of the site's date strings into an aware datetime in ``tz``.

    Returns None when ``text`` holds no recognisable date. A string that already carries a
    UTC offset (ISO 8601 with "+09:00" or "Z") keeps its own offset.
    """
    if not text:
        return None
    text = text.strip()
    iso = _parse_iso_with_offset(text)
    if iso is not None:
        return iso
    match = _WORDY.search(text)
    if match:
        month = _MONTHS.get(match["month"][:3].lower())
        if month is None:
            return None
        return _build(match["year"], month, match["day"], match["hour"], match["minute"], None, tz)
    match = _NUMERIC.search(text)
    if match:
        return _build(
            match["year"],
            int(match["month"]),
            match["day"],
            match["hour"],
            match["minute"],
            match["second"],
            tz,
        )
    return None


def parse_site_date(text: str | None) -> date | None:
    """Parse the date part of one of the site's date strings (time ignored)."""
    found = parse_site_datetime(text)
    return found.date() if found else None


def _parse_iso_with_offset(text: str) -> datetime | None:
    if not re.search(r"T\d{2}:\d{2}.*(?:Z|[+-]\d{2}:?\d{2})$", text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _build(
    year: str,
    month: int,
    day: str,
    hour: str | None,
    minute: str | None,
    second: str | None,
    tz: ZoneInfo,
) -> datetime | None:
    try:
        moment = time(int(hour or 0), int(minute or 0), int(second or 0))
        return datetime.combine(date(int(year), month, int(day)), moment, tzinfo=tz)
    except ValueError:  # 31 February and the like: not a date
        return None
