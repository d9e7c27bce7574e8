from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from wintogether.dates import (
    format_day,
    format_duration,
    next_birthday,
    parse_birthday,
    parse_day,
    parse_duration,
    parse_moment,
)
from wintogether.errors import InvalidDate, InvalidDuration

# Saturday 28 November 2026, 10:00 UTC
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-04", date(2026, 12, 4)),
        ("today", date(2026, 11, 28)),
        ("tomorrow", date(2026, 11, 29)),
        ("fri", date(2026, 12, 4)),
        ("Friday", date(2026, 12, 4)),
        ("next friday", date(2026, 12, 4)),
        ("sat", date(2026, 12, 5)),  # the same weekday means a week out
        ("in 2 weeks", date(2026, 12, 12)),
        ("dec 5", date(2026, 12, 5)),
        ("  Next   FRI ", date(2026, 12, 4)),
    ],
)
def test_due_dates(text: str, expected: date) -> None:
    assert parse_day(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday", datetime(2026, 11, 27, 10, 0, tzinfo=UTC)),
        ("fri", datetime(2026, 11, 27, 10, 0, tzinfo=UTC)),
        ("last monday", datetime(2026, 11, 23, 10, 0, tzinfo=UTC)),
        ("3 days ago", datetime(2026, 11, 25, 10, 0, tzinfo=UTC)),
        ("2026-11-20T15:30", datetime(2026, 11, 20, 15, 30, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 20, 10, 0, tzinfo=UTC)),
    ],
)
def test_moments_prefer_the_past(text: str, expected: datetime) -> None:
    assert parse_moment(text, NOW, prefer="past") == expected


@pytest.mark.parametrize("text", ["", "   ", "someday maybe", "2026-13-45", "5", "2026-02-30"])
def test_bad_dates_name_examples(text: str) -> None:
    with pytest.raises(InvalidDate) as info:
        parse_day(text, NOW)
    assert info.value.hint and "next friday" in info.value.hint


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("10d", 10),
        ("2w", 14),
        ("3m", 90),
        ("1y", 365),
        ("weekly", 7),
        ("monthly", 30),
        ("quarterly", 90),
        ("2 weeks", 14),
        (" 45 days ", 45),
    ],
)
def test_durations(text: str, days: int) -> None:
    assert parse_duration(text) == days


@pytest.mark.parametrize("text", ["", "0d", "soon", "-3d", "2x", "10000000d"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(InvalidDuration) as info:
        parse_duration(text)
    assert info.value.hint and "monthly" in info.value.hint


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("1986-04-17", "1986-04-17"),
        ("--04-17", "--04-17"),
        ("04-17", "--04-17"),
        ("apr 17", "--04-17"),
        ("17 april 1986", "1986-04-17"),
        ("--02-29", "--02-29"),
    ],
)
def test_birthdays_with_and_without_year(text: str, stored: str) -> None:
    assert parse_birthday(text, NOW) == stored


@pytest.mark.parametrize("text", ["--02-30", "13-01", "never", "1986-02-30"])
def test_bad_birthdays(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_birthday(text, NOW)


def test_next_birthday_wraps_the_year_and_handles_leap_day() -> None:
    assert next_birthday("--01-02", date(2026, 12, 30)) == date(2027, 1, 2)
    assert next_birthday("1990-12-30", date(2026, 12, 30)) == date(2026, 12, 30)
    assert next_birthday("--02-29", date(2027, 2, 1)) == date(2027, 2, 28)


def test_formats() -> None:
    assert format_day(date(2026, 12, 4), date(2026, 11, 28)) == "Fri 4 Dec"
    assert format_day(date(2027, 1, 4), date(2026, 11, 28)) == "Mon 4 Jan 2027"
    assert format_duration(30) == "1 month"
    assert format_duration(14) == "2 weeks"
    assert format_duration(10) == "10 days"
