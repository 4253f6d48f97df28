from datetime import date, datetime, timedelta

import pytest

from newsbot.extract.dates import DATE_IN_TEXT, KST, parse_site_date, parse_site_datetime


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
