"""Dates and durations as people type them, and as the tool says them back.

ISO input (``2026-12-04``, ``2026-12-04T15:00``) and the words a seller types
most (``today``, ``tomorrow``, ``fri``, ``next friday``) are read here without
loading anything. Everything else (``in 2 weeks``, ``dec 5``, ``3 days ago``)
goes to dateparser, which is imported only then: it costs about 300 ms on
first use, too much for the common case of a note typed right after a call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from wintogether.errors import InvalidDate, InvalidDuration
from wintogether.patterns import LazyPattern

Prefer = Literal["past", "future"]

DATE_EXAMPLES = "2026-12-04, today, tomorrow, fri, next friday, in 2 weeks, 3 days ago, dec 5"

#: The dates the program accepts, from every way in (typed, imported, synced):
#: years 1900 to 2200. A birthday may have no year at all (``--04-17``).
MIN_YEAR = 1900
MAX_YEAR = 2200
DATE_RANGE = f"years {MIN_YEAR} to {MAX_YEAR}"
DURATION_EXAMPLES = "10d, 2w, 3m, 1y, weekly, monthly, quarterly"

_WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for name in names
}
_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_WEEKDAY_RE = LazyPattern(r"^(?:(next|last|this)\s+)?([a-z]+)$")
_ONLY_DIGITS = LazyPattern(r"^\d{1,3}$")
#: "last week", "3 days ago", "in 2 weeks": read as the full parser reads them,
#: without loading it (a third of a second for `wt history --since 'last week'`).
_WEEK_WORDS = {"last week": -7, "next week": 7}
_COUNTED_RE = LazyPattern(r"^(?:(a|\d{1,3}) (days?|weeks?) ago|in (a|\d{1,3}) (days?|weeks?))$")


#: "2 hours ago", "in 30 minutes": a span of real time from now, across a
#: daylight-saving change too (the full parser counts on the wall clock).
_TIME_UNITS = r"(an?|\d{1,4}) (hours?|hrs?|minutes?|mins?)"
_COUNTED_TIME_RE = LazyPattern(rf"^(?:{_TIME_UNITS} ago|in {_TIME_UNITS})$")


def _counted_time(text: str) -> timedelta | None:
    if not (text.endswith(" ago") or text.startswith("in ")):
        return None  # the pattern is compiled only for what it may match
    match = _COUNTED_TIME_RE.match(text)
    if not match:
        return None
    count, unit = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
    number = 1 if count in ("a", "an") else int(count)
    span = timedelta(hours=number) if unit.startswith("h") else timedelta(minutes=number)
    return -span if match.group(1) else span


def _counted_days(text: str) -> int | None:
    if text in _WEEK_WORDS:
        return _WEEK_WORDS[text]
    match = _COUNTED_RE.match(text)
    if not match:
        return None
    count, unit = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
    days = (1 if count == "a" else int(count)) * (7 if unit.startswith("week") else 1)
    return -days if match.group(1) else days


def _fast_day(text: str, today: date, prefer: Prefer) -> date | None:
    if text in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[text])
    counted = _counted_days(text)
    if counted is not None:
        return today + timedelta(days=counted)
    match = _WEEKDAY_RE.match(text)
    if not match or match.group(2) not in _WEEKDAYS:
        return None
    qualifier, weekday = match.group(1), _WEEKDAYS[match.group(2)]
    if qualifier == "this" and weekday == today.weekday():
        return today  # "this fri" said on a Friday: today ("fri" and "next fri": a week out)
    direction = {"next": "future", "last": "past"}.get(qualifier or "", prefer)
    if direction == "future":
        # The next such day after today: "fri" said on a Friday means a week out.
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)


#: The named ways to show a day (``[display] date_format`` in the config).
DATE_FORMATS = ("day-month", "month-day", "iso")
#: The ways to read a slashed date (``[input] date_order`` in the config).
DATE_ORDERS = ("day-month", "month-day")


class _InUse:
    """The way days are shown and, when the config names one, the order slashed
    dates are read in (None: see :func:`slashed_order`), while a command runs
    (:func:`showing_days`). A plain holder: a command runs on one thread, and
    ``contextvars`` is a C extension to load (≈ 1 M instructions) for every
    command that shows a day."""

    showing = "day-month"
    reading: str | None = None


_in_use = _InUse()
#: Territories whose people write the month first (4/5 is April 5).
_MONTH_FIRST_TERRITORIES = {"US", "PH", "PR", "GU", "AS", "VI", "UM", "MP", "FM", "MH", "PW", "BZ"}
_SLASHED = LazyPattern(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?$")
_MONTH_WORD = LazyPattern(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b")
_TIME_OF_DAY = LazyPattern(
    r"\d:\d\d|\d\s*(am|pm)\b|\b(noon|midnight|morning|afternoon|evening|tonight|night"
    r"|hours?|hrs?|minutes?|mins?|o'clock)\b"
)


def slashed_order(order: str | None = None, shown: str | None = None) -> str:
    """How ``4/5`` is read: as the config says (``order``, default: the one in
    use); else month first when days are shown month first (``shown``, default:
    the format in use, is "month-day") or the locale writes them so (``LC_ALL``,
    ``LC_TIME``, ``LANG``: en_US and a few others); else day first."""
    order = order or _in_use.reading
    if order is not None:
        return order
    if (shown or _in_use.showing) == "month-day":
        return "month-day"
    import os

    for var in ("LC_ALL", "LC_TIME", "LANG"):
        value = os.environ.get(var)
        if value:
            territory = value.split(".")[0].split("@")[0].partition("_")[2].upper()
            return "month-day" if territory in _MONTH_FIRST_TERRITORIES else "day-month"
    return "day-month"


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def _slashed_day(text: str, today: date, prefer: Prefer, original: str) -> date | None:
    """``4/5``, ``4/5/26``, ``4/5/2026`` in the configured order; None if not slashed."""
    match = _SLASHED.match(text)
    if not match:
        return None
    order = slashed_order()
    first, second = int(match.group(1)), int(match.group(2))
    day, month = (second, first) if order == "month-day" else (first, second)
    year_text = match.group(3)
    year = (2000 + int(year_text) if len(year_text) == 2 else int(year_text)) if year_text else None
    if year is None and (month, day) == (2, 29):
        return check_day(_leap_day(today, prefer), original)
    try:
        found = date(year or today.year, month, day)
        if year is None and prefer == "future" and found < today:
            found = date(today.year + 1, month, day)
        elif year is None and prefer == "past" and found > today:
            found = date(today.year - 1, month, day)
    except ValueError:
        shape = "month/day/year" if order == "month-day" else "day/month/year"
        other = "day-month" if order == "month-day" else "month-day"
        try:  # read the other way round: what was most likely meant
            meant = date(year or today.year, day, month)
            if year is None and prefer == "future" and meant < today:
                meant = date(today.year + 1, day, month)
            elif year is None and prefer == "past" and meant > today:
                meant = date(today.year - 1, day, month)
        except ValueError:
            # No such day either way round (31/2): the order is not the slip.
            why = (
                f"{_MONTH_NAMES[month - 1]}{f' {year}' if year else ''} has no day {day}"
                if 1 <= month <= 12
                else f"there is no month {month}"
            )
            raise InvalidDate(
                f"'{original}' is not a valid date: {why}.",
                hint="Type it as 2026-12-31 or dec 31.",
            ) from None
        example = f"{meant.isoformat()} or {_MONTHS[meant.month - 1]} {meant.day}"
        raise InvalidDate(
            f"'{original}' is not a valid date: dates with slashes are read as {shape}.",
            hint=f"Type it as {example}, or set it once: `wt config set input.date_order {other}`.",
        ) from None
    return check_day(found, original)


def _leap_day(today: date, prefer: Prefer) -> date:
    """29 February without a year: the next one (the last one when the past is
    preferred), today's year's when it has one."""
    import calendar

    step = -1 if prefer == "past" else 1
    year = today.year
    while not calendar.isleap(year) or (date(year, 2, 29) - today).days * step < 0:
        year += step
    return date(year, 2, 29)


def has_time_of_day(text: str) -> bool:
    """Whether a typed date also names a time (``fri 3pm``, ``tomorrow afternoon``)."""
    return bool(_TIME_OF_DAY.search(" ".join(text.strip().lower().split())))


def _natural(text: str, now: datetime, prefer: Prefer) -> datetime | None:
    import dateparser

    settings = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": prefer,
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "MDY" if slashed_order() == "month-day" else "DMY",
    }
    parsed: datetime | None = dateparser.parse(text, languages=["en"], settings=settings)
    if (
        parsed is not None
        and prefer == "future"
        and parsed.year == now.year + 1
        and (parsed.month, parsed.day) == (now.month, now.day)
        and _MONTH_WORD.search(text)
        and not _HAS_YEAR.search(text)
        and "year" not in text
    ):
        # "dec 5" typed on 5 December is today, not next year (a month-day
        # already past this year does roll forward).
        parsed = parsed.replace(year=now.year)
    return parsed


def parse_moment(text: str, now: datetime, *, prefer: Prefer = "past") -> datetime:
    """A point in time, for when something happened (``--at``).

    A bare date keeps the current time of day (so entries of one day sort in the
    order they were typed); the result is never later than ``now`` when it falls
    on today.
    """
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise InvalidDate("Empty date.", hint=f"Try one of: {DATE_EXAMPLES}.")
    tz = now.tzinfo
    try:
        if len(cleaned) > 10 and cleaned[4:5] == "-":
            moment = datetime.fromisoformat(cleaned.upper().replace(" ", "T"))
            # Checked before any zone arithmetic: 0001-01-01T00:00+14:00 would overflow.
            check_day(moment.date(), text)
            return local_moment(moment, tz) if moment.tzinfo is None else local_time(moment, tz)
        if len(cleaned) == 10 and cleaned[4:5] == "-":
            day = date.fromisoformat(cleaned)
            return _at_time_of(check_day(day, text), now)
    except (ValueError, OverflowError) as exc:
        raise InvalidDate(
            f"'{text}' is not a valid date.", hint=f"Try one of: {DATE_EXAMPLES}."
        ) from exc
    fast = _fast_day(cleaned, now.date(), prefer) or _slashed_day(cleaned, now.date(), prefer, text)
    if fast is not None:
        return _at_time_of(fast, now)
    span = _counted_time(cleaned)
    if span is not None:
        moment = local_time(now + span, tz)
        check_day(moment.date(), text)
        return moment
    if _ONLY_DIGITS.match(cleaned):
        raise InvalidDate(f"'{text}' is not a date.", hint=f"Try one of: {DATE_EXAMPLES}.")
    try:
        parsed = _natural(cleaned, now, prefer)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise InvalidDate(
            f"Could not understand the date '{text}'.", hint=f"Try one of: {DATE_EXAMPLES}."
        )
    check_day(parsed.date(), text)
    return local_moment(parsed.replace(tzinfo=None), tz)


def check_day(day: date, text: object = None) -> date:
    """``day`` when its year is in the accepted range; else the usual one-line error."""
    if MIN_YEAR <= day.year <= MAX_YEAR:
        return day
    shown = day.isoformat() if text is None else str(text)
    raise InvalidDate(
        f"'{shown}' is out of range: dates must fall in {DATE_RANGE}.",
        hint="Like 2026-12-04.",
    )


_STORED_DAY = LazyPattern(r"^\d{4}-\d{2}-\d{2}$")
_STORED_STAMP = LazyPattern(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_STORED_BIRTHDAY_NO_YEAR = LazyPattern(r"^--\d{2}-\d{2}$")


def check_stored(value: str, kind: Literal["day", "stamp", "birthday"], label: str) -> str:
    """A date in its stored form, checked before it is written from a file.

    ``day`` is ``YYYY-MM-DD``, ``stamp`` is ``YYYY-MM-DDTHH:MM:SSZ`` (UTC) and a
    ``birthday`` is a day or ``--MM-DD``. Imports and sync pass every date
    through here, so what typed dates may not be, files may not be either.
    """
    hint = f"Dates must be real days in {DATE_RANGE}, like 2026-12-04."
    try:
        if kind == "birthday" and _STORED_BIRTHDAY_NO_YEAR.match(value):
            date(2000, int(value[2:4]), int(value[5:7]))
            return value
        pattern = _STORED_STAMP if kind == "stamp" else _STORED_DAY
        if pattern.match(value):
            day = date.fromisoformat(value[:10])
            if kind == "stamp":
                datetime.fromisoformat(value[:-1])
            if MIN_YEAR <= day.year <= MAX_YEAR:
                return value
    except ValueError:
        pass
    raise InvalidDate(f"The {label} '{value}' is not a date the program accepts.", hint=hint)


def is_stored(value: object, kind: Literal["day", "stamp", "birthday"]) -> bool:
    """Whether ``value`` passes :func:`check_stored`."""
    if not isinstance(value, str):
        return False
    try:
        check_stored(value, kind, kind)
    except InvalidDate:
        return False
    return True


def parse_day(text: str, now: datetime, *, prefer: Prefer = "future") -> date:
    """A calendar day, for when something is due (``--due``, ``--follow-up``)."""
    return parse_moment(text, now, prefer=prefer).date()


def _at_time_of(day: date, now: datetime) -> datetime:
    moment = local_moment(datetime.combine(day, now.time().replace(microsecond=0)), now.tzinfo)
    return min(moment, now) if day == now.date() else moment


_DURATION_WORDS = {
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "fortnightly": 14,
    "monthly": 30,
    "quarterly": 90,
    "yearly": 365,
    "annually": 365,
}
_DURATION_UNITS = {"d": 1, "w": 7, "m": 30, "y": 365}
#: The longest rhythm a command takes (``9999y``): a file or an import brings no longer one.
MAX_CADENCE_DAYS = 9999 * 365
_DURATION_RE = LazyPattern(r"^(\d{1,4})\s*(d|days?|w|wks?|weeks?|m|mos?|months?|y|yrs?|years?)$")


def parse_duration(text: str) -> int:
    """A rhythm in days: ``10d``, ``2w``, ``3m`` (90 days), ``1y``, ``monthly``…"""
    cleaned = text.strip().lower()
    if cleaned in _DURATION_WORDS:
        return _DURATION_WORDS[cleaned]
    # A number and a unit's letter (``90d``, ``2w``: the config's usual form)
    # read without compiling the pattern, which takes more than reading a config.
    number, unit = cleaned[:-1], cleaned[-1:]
    if unit in _DURATION_UNITS and 0 < len(number) <= 4 and number.isdigit() and number.isascii():
        days = int(number) * _DURATION_UNITS[unit]
    else:
        match = _DURATION_RE.match(cleaned)
        days = int(match.group(1)) * _DURATION_UNITS[match.group(2)[0]] if match else 0
    if days > 0:
        return days
    raise InvalidDuration(f"'{text}' is not a duration.", hint=f"Try one of: {DURATION_EXAMPLES}.")


def every(days: int) -> str:
    """``every month``, ``every 3 weeks``: a rhythm in words."""
    return f"every {format_duration(days).removeprefix('1 ')}"


def format_duration(days: int) -> str:
    for word, length in (("year", 365), ("month", 30), ("week", 7)):
        if days % length == 0 and days >= length:
            count = days // length
            return f"{count} {word}{'s' if count != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


_BIRTHDAY_NO_YEAR = LazyPattern(r"^-{0,2}(\d{1,2})-(\d{1,2})$")
_HAS_YEAR = LazyPattern(r"\b\d{4}\b")


def parse_birthday(text: str, now: datetime) -> str:
    """``YYYY-MM-DD`` when the year is known, ``--MM-DD`` (as in vCard 4) when not."""
    cleaned = text.strip()
    match = _BIRTHDAY_NO_YEAR.match(cleaned)
    try:
        if match:
            month, day = int(match.group(1)), int(match.group(2))
            date(2000, month, day)  # validates, leap day included
            return f"--{month:02d}-{day:02d}"
        if len(cleaned) == 10 and cleaned[4] == "-":
            full = check_day(date.fromisoformat(cleaned), text)
            return _born(full, text, now)
    except ValueError as exc:
        raise InvalidDate(
            f"'{text}' is not a valid birthday.", hint="Try 1986-04-17, --04-17 or 'apr 17'."
        ) from exc
    parsed = _natural(cleaned.lower(), now, "past") if not _ONLY_DIGITS.match(cleaned) else None
    if parsed is None:
        raise InvalidDate(
            f"'{text}' is not a valid birthday.", hint="Try 1986-04-17, --04-17 or 'apr 17'."
        )
    if _HAS_YEAR.search(cleaned):
        return _born(check_day(parsed.date(), text), text, now)
    return f"--{parsed.month:02d}-{parsed.day:02d}"


def _born(day: date, text: str, now: datetime) -> str:
    """A birthday with its year, refused when that is still to come."""
    if day > now.date():
        raise InvalidDate(
            f"'{text}' is not a valid birthday: it is in the future.",
            hint="Type the year they were born, or leave it out: --04-17 or 'apr 17'.",
        )
    return day.isoformat()


def stored_day(text: str) -> date:
    """A stored ``YYYY-MM-DD`` as a date; never raises (see ``clock.from_utc_iso``)."""
    try:
        return date.fromisoformat(text)
    except (ValueError, TypeError):
        from wintogether.clock import from_utc_iso_utc

        return from_utc_iso_utc(text).date()


def birthday_month_day(birthday: str) -> tuple[int, int]:
    """Month and day of a stored birthday; a malformed one reads as 1 January
    (``format_birthday`` shows it as stored)."""
    try:
        month, day = int(birthday[-5:-3]), int(birthday[-2:])
        date(2000, month, day)
    except (ValueError, TypeError):
        return 1, 1
    return month, day


def next_birthday(birthday: str, today: date) -> date:
    """The next occurrence of a birthday on or after ``today`` (29 Feb → 28 Feb)."""
    month, day = birthday_month_day(birthday)
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = date(year, 2, 28)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def birthday_age(birthday: str, on: date) -> int | None:
    """The age turned on ``on``; None without a year, or with one still to come
    (a typo, or a date an import or another app wrote)."""
    if birthday.startswith("--") or not birthday[:4].isdigit():
        return None
    age = on.year - int(birthday[:4])
    return age if age >= 0 else None


@contextmanager
def showing_days(date_format: str, date_order: str | None = None) -> Iterator[None]:
    """Show days as ``date_format`` and read slashed dates in ``date_order`` until
    the block ends (the CLI opens one per command, from the config file; without
    one days show ``day-month`` and :func:`slashed_order` decides)."""
    shown, read = _in_use.showing, _in_use.reading
    _in_use.showing, _in_use.reading = date_format, date_order
    try:
        yield
    finally:
        _in_use.showing, _in_use.reading = shown, read


def format_day(day: date, today: date | None = None) -> str:
    """``Fri 4 Dec`` (or ``Fri Dec 4``, or ``2026-12-04``, as configured), with the
    year when it is not this year.

    Each day is written once per way of showing it (:data:`_DAYS`): a timeline
    shows the same few dates hundreds of times, and ``%a``/``%b`` go through
    ``strftime`` (≈ 17,000 instructions each)."""
    key = (day, _in_use.showing, today is None or day.year != today.year)
    text = _DAYS.get(key)
    if text is None:
        if len(_DAYS) >= _DAYS_KEPT:
            _DAYS.clear()
        text = _DAYS[key] = _day_text(*key)
    return text


#: :func:`format_day`'s texts by (day, date format, with the year); cleared
#: when it holds :data:`_DAYS_KEPT`.
_DAYS: dict[tuple[date, str, bool], str] = {}
_DAYS_KEPT = 4096


def _day_text(day: date, date_format: str, with_year: bool) -> str:
    """:func:`format_day` worked out."""
    if date_format == "iso":
        return day.isoformat()
    if date_format == "month-day":
        text = f"{day:%a} {day:%b} {day.day}"
    else:
        text = f"{day:%a} {day.day} {day:%b}"
    if with_year:
        text += f" {day.year}"
    return text


def format_moment(moment: datetime, today: date | None = None) -> str:
    return f"{format_day(moment.date(), today)} {moment:%H:%M}"


def format_birthday(birthday: str) -> str:
    """``17 Apr 1986`` or ``17 Apr``; a malformed stored value is shown as it is."""
    if not _BIRTHDAY_SHAPE.match(birthday):
        return birthday
    try:
        month, day = int(birthday[-5:-3]), int(birthday[-2:])
        text = f"{day} {date(2000, month, day):%b}"
    except ValueError:
        return birthday
    return text if birthday.startswith("--") else f"{text} {birthday[:4]}"


_BIRTHDAY_SHAPE = LazyPattern(r"^(--|\d{4}-)(\d{2}-\d{2})$")


def relative_days(day: date, today: date) -> str:
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return f"in {delta} days" if delta > 0 else f"{-delta} days ago"


def start_of_day(day: date, tz: object) -> datetime:
    """The first moment of ``day`` in the local zone (see :func:`local_moment`)."""
    return local_moment(datetime.combine(day, time.min), tz)


def local_moment(wall: datetime, tz: object) -> datetime:
    """A wall-clock time (naive) in the local zone, with the offset the zone's
    rules give on its own day: across a daylight-saving change that is not the
    offset of today, which ``now().tzinfo`` is. ``tz`` (a fixed offset) where
    the platform cannot say (a year its clock functions do not reach). A time
    a change skips is read with the offset before it; a time it repeats, the
    first time."""
    try:
        # timestamp() reads a naive time by PEP 495 (fold 0: a skipped time
        # with the offset before the change, a repeated one the first time);
        # astimezone() alone would read a skipped time an hour early.
        return datetime.fromtimestamp(wall.timestamp(), UTC).astimezone()
    except (OverflowError, OSError, ValueError):
        return wall.replace(tzinfo=tz)  # type: ignore[arg-type]


def local_time(moment: datetime, tz: object) -> datetime:
    """An aware moment in the local zone, with that moment's own offset; in
    ``tz`` where the platform cannot say."""
    try:
        return moment.astimezone()
    except (OverflowError, OSError, ValueError):
        return moment.astimezone(tz)  # type: ignore[arg-type]
