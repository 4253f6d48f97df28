from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from newsbot.extract.dates import (
    DATE_IN_TEXT,
    KST,
    parse_date,
    parse_site_date,
    parse_site_datetime,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Published : Sept. 11, 2023 - 20:38", datetime(2023, 9, 11, 20, 38, tzinfo=KST)),
        ("March 29, 2020", datetime(2020, 3, 29, tzinfo=KST)),
        ("Jan. 23, 2025", datetime(2025, 1, 23, tzinfo=KST)),
        ("Apr 18, 2022 - 16:41", datetime(2022, 4, 18, 16, 41, tzinfo=KST)),
        ("Sept 11, 2023", datetime(2023, 9, 11, tzinfo=KST)),
        ("June 4, 2019", datetime(2019, 6, 4, tzinfo=KST)),
        ("2025.12.15 09:30", datetime(2025, 12, 15, 9, 30, tzinfo=KST)),
        ("2014-11-11 18:08", datetime(2014, 11, 11, 18, 8, tzinfo=KST)),
        ("2025-12-15T09:30:00", datetime(2025, 12, 15, 9, 30, tzinfo=KST)),
    ],
)
def test_site_formats_read_as_kst(text, expected):
    parsed = parse_site_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(hours=9)


def test_explicit_offset_is_kept():
    parsed = parse_site_datetime("2025-11-17T21:44:23+09:00")
    assert parsed.utcoffset() == timedelta(hours=9)
    parsed = parse_site_datetime("2025-11-17T12:44:23Z")
    assert parsed.utcoffset() == timedelta(0)
    assert parsed == datetime(2025, 11, 17, 21, 44, 23, tzinfo=KST)


@pytest.mark.parametrize(
    "text", [None, "", "yesterday", "Foo. 11, 2023", "Feb. 30, 2023", "2023.13.01"]
)
def test_non_dates_are_none(text):
    assert parse_site_datetime(text) is None


def test_date_only():
    assert parse_site_date("Nov. 14, 2024") == date(2024, 11, 14)


def test_date_found_inside_teaser_text():
    assert DATE_IN_TEXT.search("PoliticsNov. 14, 2024").group() == "Nov. 14, 2024"
    assert DATE_IN_TEXT.search("Snow 2025.01.22 18:34").group() == "2025.01.22"
    assert DATE_IN_TEXT.search("no date here") is None


BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "moment", "date_only"),
    [
        ("2026-11-30", datetime(2026, 11, 30, tzinfo=BERLIN), True),
        ("2026-11-30T10:00:05", datetime(2026, 11, 30, 10, 0, 5, tzinfo=BERLIN), False),
        ("2026-11-30T10:00:05Z", datetime(2026, 11, 30, 10, 0, 5, tzinfo=UTC), False),
        (
            "2026-11-30T10:00:05+0100",
            datetime(2026, 11, 30, 10, 0, 5, tzinfo=timezone(timedelta(hours=1))),
            False,
        ),
        ("Mon, 30 Nov 2026 10:00:00 GMT", datetime(2026, 11, 30, 10, 0, tzinfo=UTC), False),
        (
            "Nov. 30, 2026 10:30 a.m. EST",
            datetime(2026, 11, 30, 10, 30, tzinfo=timezone(timedelta(hours=-5))),
            False,
        ),
        (
            "Published 7:07 PM ET Nov 19, 2019",
            datetime(2019, 11, 19, 19, 7, tzinfo=ZoneInfo("America/New_York")),
            False,
        ),
        ("30 November 2026", datetime(2026, 11, 30, tzinfo=BERLIN), True),
        ("publiziert am 25. September 2018", datetime(2018, 9, 25, tzinfo=BERLIN), True),
        ("30. Juli 2018, 14:05", datetime(2018, 7, 30, 14, 5, tzinfo=BERLIN), False),
        ("Updated: June 1, 2026 at 3:05 PM", datetime(2026, 6, 1, 15, 5, tzinfo=BERLIN), False),
        ("2026.11.30 09:30", datetime(2026, 11, 30, 9, 30, tzinfo=BERLIN), False),
    ],
)
def test_parse_date_reads_any_common_shape(text, moment, date_only):
    found = parse_date(text, BERLIN)
    assert found is not None
    assert found.moment == moment
    assert found.moment.utcoffset() == moment.utcoffset()
    assert found.date_only is date_only


@pytest.mark.parametrize(
    "text", ["", "no date here", "2026-02-31", "Smarch 3, 2026", "31. Februar 2026", None]
)
def test_parse_date_refuses_what_is_no_date(text):
    assert parse_date(text, BERLIN) is None
