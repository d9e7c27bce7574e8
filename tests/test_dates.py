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
        ("next sat", date(2026, 12, 5)),
        ("this saturday", date(2026, 11, 28)),  # ... unless it is "this" one: today
        ("this fri", date(2026, 12, 4)),
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
        ("this sat", datetime(2026, 11, 28, 10, 0, tzinfo=UTC)),
        ("3 days ago", datetime(2026, 11, 25, 10, 0, tzinfo=UTC)),
        ("2026-11-20T15:30", datetime(2026, 11, 20, 15, 30, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 20, 10, 0, tzinfo=UTC)),
        # Hours and minutes: real time from now.
        ("2 hours ago", datetime(2026, 11, 28, 8, 0, tzinfo=UTC)),
        ("an hour ago", datetime(2026, 11, 28, 9, 0, tzinfo=UTC)),
        ("45 mins ago", datetime(2026, 11, 28, 9, 15, tzinfo=UTC)),
        ("in 2 hrs", datetime(2026, 11, 28, 12, 0, tzinfo=UTC)),
        ("  3 Hours   Ago ", datetime(2026, 11, 28, 7, 0, tzinfo=UTC)),
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


# -- a month-day that is today, slashed dates, times --------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nov 28", date(2026, 11, 28)),  # today stays today
        ("28 Nov", date(2026, 11, 28)),
        ("november 28th", date(2026, 11, 28)),
        ("nov 28 3pm", date(2026, 11, 28)),
        ("nov 27", date(2027, 11, 27)),  # a past month-day rolls forward
        ("nov 28 2027", date(2027, 11, 28)),
        ("in 1 year", date(2027, 11, 28)),
    ],
)
def test_month_day_that_is_today_is_today(text: str, expected: date) -> None:
    assert parse_day(text, NOW) == expected


def test_month_day_that_is_today_in_the_past_too() -> None:
    assert parse_moment("nov 28", NOW, prefer="past").date() == date(2026, 11, 28)


def test_slashed_dates_read_day_first_by_default() -> None:
    assert parse_day("4/5", NOW) == date(2027, 5, 4)
    assert parse_day("4/12", NOW) == date(2026, 12, 4)
    assert parse_day("28/11", NOW) == date(2026, 11, 28)
    assert parse_day("4/5/2027", NOW) == date(2027, 5, 4)
    # Month-first elsewhere, so never read silently the other way round.
    with pytest.raises(InvalidDate) as info:
        parse_day("12/31/2026", NOW)
    assert "day/month/year" in info.value.message
    assert info.value.hint and "input.date_order month-day" in info.value.hint


def test_slashed_dates_month_first_from_setting_display_or_locale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wintogether.dates import showing_days

    with showing_days("day-month", "month-day"):
        assert parse_day("4/5", NOW) == date(2027, 4, 5)
        assert parse_day("12/31/2026", NOW) == date(2026, 12, 31)
        with pytest.raises(InvalidDate) as info:
            parse_day("31/12/2026", NOW)
        assert "month/day/year" in info.value.message
    with showing_days("month-day"):
        assert parse_day("4/5", NOW) == date(2027, 4, 5)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert parse_day("4/5", NOW) == date(2027, 4, 5)
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert parse_day("4/5", NOW) == date(2027, 5, 4)
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    with showing_days("day-month", "day-month"):
        assert parse_day("4/5", NOW) == date(2027, 5, 4)


@pytest.mark.parametrize(
    ("text", "timed"),
    [
        ("fri 3pm", True),
        ("next tuesday afternoon", True),
        ("2026-12-04T15:00", True),
        ("tomorrow 9:30", True),
        ("in 3 hours", True),
        ("fri", False),
        ("next tuesday", False),
        ("dec 5", False),
        ("2026-12-04", False),
        ("in 2 weeks", False),
    ],
)
def test_time_of_day_is_noticed(text: str, timed: bool) -> None:
    from wintogether.dates import has_time_of_day

    assert has_time_of_day(text) is timed


@pytest.mark.parametrize(
    "text",
    [
        "last week",
        "next week",
        "a week ago",
        "1 week ago",
        "2 weeks ago",
        "a day ago",
        "1 day ago",
        "3 days ago",
        "0 days ago",
        "10 days ago",
        "in a week",
        "in 1 day",
        "in 3 days",
        "in 2 weeks",
        "in 52 weeks",
    ],
)
@pytest.mark.parametrize("prefer", ["past", "future"])
@pytest.mark.parametrize(
    "now",
    [NOW, datetime(2026, 3, 1, 23, 59, tzinfo=UTC), datetime(2024, 2, 29, 0, 5, tzinfo=UTC)],
)
def test_counted_days_read_as_the_full_parser_reads_them(
    text: str, prefer: str, now: datetime
) -> None:
    """These skip loading the natural-language parser; the day must not change."""
    from wintogether.dates import _fast_day, _natural

    fast = _fast_day(text, now.date(), prefer)  # type: ignore[arg-type]
    assert fast is not None
    full = _natural(text, now, prefer)  # type: ignore[arg-type]
    assert full is not None
    assert fast == full.date()
    assert parse_day(text, now, prefer=prefer) == fast  # type: ignore[arg-type]


def test_format_day_kept_texts_match_the_straightforward_ones() -> None:
    """format_day keeps each day's text (dates._DAYS): over two years of days, in
    each format, with and without a year, and again once the texts are kept, it
    says what strftime says; and the kept texts are let go past their bound."""
    from datetime import timedelta

    from wintogether import dates

    def straight(day: date, today: date | None, date_format: str) -> str:
        if date_format == "iso":
            return day.isoformat()
        text = day.strftime("%a %b ") + str(day.day)
        if date_format != "month-day":
            text = f"{day:%a} {day.day} {day:%b}"
        return text if today is not None and day.year == today.year else f"{text} {day.year}"

    days = [date(2025, 12, 1) + timedelta(days=n) for n in range(0, 730, 3)]
    for _ in range(2):
        for date_format in dates.DATE_FORMATS:
            with dates.showing_days(date_format):
                for day in days:
                    for today in (None, date(2026, 11, 28), date(2027, 1, 1)):
                        assert format_day(day, today) == straight(day, today, date_format)
    # A datetime is a date: its text is its day's.
    assert format_day(datetime(2026, 12, 4, 9, 30), date(2026, 1, 1)) == "Fri 4 Dec"
    for n in range(dates._DAYS_KEPT + 10):
        format_day(date(1900, 1, 1) + timedelta(days=n))
    assert len(dates._DAYS) <= dates._DAYS_KEPT


def test_durations_read_without_the_pattern_as_the_pattern_reads_them() -> None:
    """``90d``, ``2w``… are read without compiling the duration pattern; every
    text reads as the pattern alone reads it (a number of days, or an error)."""
    from wintogether.dates import _DURATION_RE, _DURATION_UNITS, _DURATION_WORDS

    def by_pattern(text: str) -> int | None:
        cleaned = text.strip().lower()
        if cleaned in _DURATION_WORDS:
            return _DURATION_WORDS[cleaned]
        match = _DURATION_RE.match(cleaned)
        days = int(match.group(1)) * _DURATION_UNITS[match.group(2)[0]] if match else 0
        return days if days > 0 else None

    numbers = ["", "0", "00", "1", "07", "42", "999", "9999", "10000", "-3", "+3", "1.5",
               "٣", "²", "\uff13", "1 ", " 1", "1_0"]  # fmt: skip
    units = ["", "d", "D", "w", "m", "y", "x", "days", "\n", " d", "dd"]
    for number in numbers:
        for unit in units:
            text = number + unit
            try:
                got: int | None = parse_duration(text)
            except InvalidDuration:
                got = None
            assert got == by_pattern(text), repr(text)
