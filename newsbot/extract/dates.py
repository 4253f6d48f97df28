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
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
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
    tz: tzinfo,
) -> datetime | None:
    try:
        moment = time(int(hour or 0), int(minute or 0), int(second or 0))
        return datetime.combine(date(int(year), month, int(day)), moment, tzinfo=tz)
    except ValueError:  # 31 February and the like: not a date
        return None


@dataclass(frozen=True)
class FoundDate:
    """A date read from a page: the moment, and whether the source gave only a day.

    A day alone is midnight in the site's zone; ``date_only`` lets provenance say so.
    """

    moment: datetime
    date_only: bool


# Zone abbreviations news pages print after a time ("10:30 a.m. EST"). Ambiguous ones
# (CST, IST, BST) are left out: a wrong zone is worse than the site's own.
_ZONE_ABBREVIATIONS = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5,
    "EDT": -4,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "CET": 1,
    "CEST": 2,
    "KST": 9,
    "JST": 9,
}
# US zones printed without saying whether daylight saving applies: the zone knows.
_ZONE_NAMES = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")
_SPACE_BEFORE_OFFSET = re.compile(r"\s+(?=[+-]\d{2}:?\d{2}$)")
_TIME_PART = (
    r"(?:\s*(?:,|-|at|\|)?\s*(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?(?:\s*(?P<zone>[A-Z]{1,4})\b)?)?"
)
# "Sept. 11, 2023", "November 30 2026, 10:30 a.m. EST"
_MONTH_DAY_YEAR = re.compile(
    r"\b(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b"
    + _TIME_PART,
    re.IGNORECASE,
)
# "30 November 2026", "30 Nov. 2026 14:05", "30. November 2026" (German and Nordic days)
_DAY_MONTH_YEAR = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th|\.)?\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})\b"
    + _TIME_PART,
    re.IGNORECASE,
)
# "7:07 PM EST Nov 19, 2019", "10:30 a.m. ET, Nov. 30, 2026"
_TIME_THEN_DATE = re.compile(
    r"\b(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?(?:\s*(?P<zone>[A-Z]{1,4})\b)?\s*[,|]?\s*(?:on\s+)?"
    r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b",
    re.IGNORECASE,
)
# "2026.11.30 09:30", "2026/11/30", "2026-11-30 09:30:15"
_YEAR_MONTH_DAY = re.compile(
    r"\b(?P<year>\d{4})[.\-/](?P<month>\d{1,2})[.\-/](?P<day>\d{1,2})\b" + _TIME_PART
)


def parse_date(text: str | None, tz: tzinfo) -> FoundDate | None:
    """Read a date of any common shape: ISO 8601, RFC 2822, or as news pages print it.

    An offset in the text is kept; text without one is in ``tz``; a day alone is midnight
    in ``tz`` (``date_only``). Seconds are kept when given. None when no date is found or
    the date does not exist.
    """
    if not text:
        return None
    text = text.strip()[:200]  # a date is short; a huge attribute is not worth scanning
    if _ISO_START.match(text):
        found = _parse_iso(text, tz)
        if found is not None:
            return found
    if text[:3].isalpha() and "," in text[:5]:
        try:
            moment = parsedate_to_datetime(text)  # RFC 2822, as feeds and HTTP write it
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None:
            return FoundDate(moment if moment.tzinfo else moment.replace(tzinfo=tz), False)
    for pattern in (_TIME_THEN_DATE, _MONTH_DAY_YEAR, _DAY_MONTH_YEAR, _YEAR_MONTH_DAY):
        match = pattern.search(text)
        if match is None:
            continue
        found = _from_match(match, tz)
        if found is not None:
            return found
    return None


def _parse_iso(text: str, tz: tzinfo) -> FoundDate | None:
    cleaned = _SPACE_BEFORE_OFFSET.sub("", text.replace("Z", "+00:00").replace("z", "+00:00"))
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    date_only = len(cleaned) == 10
    return FoundDate(moment if moment.tzinfo else moment.replace(tzinfo=tz), date_only)


def _from_match(match: re.Match[str], tz: tzinfo) -> FoundDate | None:
    month_text = match["month"]
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text[:3].lower())
    if month is None:
        return None
    if match["hour"] is None:
        moment = _build(match["year"], month, match["day"], None, None, None, tz)
        return FoundDate(moment, True) if moment else None
    hour = int(match["hour"])
    ampm = (match["ampm"] or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    zone: tzinfo = tz
    offset = _ZONE_ABBREVIATIONS.get(match["zone"] or "")
    if offset is not None:
        zone = timezone(timedelta(hours=offset))
    elif match["zone"] in _ZONE_NAMES:
        zone = ZoneInfo(_ZONE_NAMES[match["zone"]])
    moment = _build(
        match["year"], month, match["day"], str(hour), match["minute"], match["second"], zone
    )
    return FoundDate(moment, False) if moment else None
