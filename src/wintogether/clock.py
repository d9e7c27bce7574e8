"""The one source of "now".

Everything that depends on the time asks :func:`now`, so tests, demos and
screenshots can pin it with ``WINTOGETHER_NOW`` (an ISO-8601 timestamp).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime

from wintogether.patterns import LazyPattern


def now() -> datetime:
    """The current time, timezone-aware, in the local zone."""
    pinned = os.environ.get("WINTOGETHER_NOW")
    if pinned:
        try:
            moment = datetime.fromisoformat(pinned)
            if moment.tzinfo is None:
                moment = moment.astimezone()
            return moment.astimezone()
        except (ValueError, OverflowError):
            from wintogether.errors import ConfigError

            raise ConfigError(
                f"WINTOGETHER_NOW={pinned!r} is not a time: give an ISO-8601 timestamp"
                " such as 2026-12-07T09:00:00+00:00, or unset it."
            ) from None
    return datetime.now(UTC).astimezone()


def to_utc_iso(moment: datetime) -> str:
    """Storage form: UTC, ISO-8601, second precision, ``Z`` suffix."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    utc = moment.astimezone(UTC)
    if utc.year < 1000:
        # The C library writes such a year without leading zeros (``999-06-01``),
        # as earlier versions stored it.
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    # The same text as strftime's, a third of the time: reads write a dozen
    # bounds, the summary's trends a hundred.
    return utc.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def month_start(year: int, month: int) -> tuple[str, bool]:
    """The stored form (:func:`to_utc_iso`) of the first moment whose local date
    is in this month, by the zone's rules at that moment (the C library's, as
    ``astimezone`` reads them); "" for a month before year 1 and "~" after
    9999, below and above every stored time. And whether the local clock goes
    back at least once in the day after that moment (the zone's offset is
    smaller a day later): then some local times after it are of the month
    before (St John's, 1 November 2009: back to 23:01 a minute after midnight);
    otherwise every stored time from it to the next month's start is this
    month's."""
    import time

    if year < 1:
        return "", False
    if year > 9999:
        return "~", False

    def month_of(seconds: int) -> tuple[int, int]:
        local = time.localtime(seconds)
        return local.tm_year, local.tm_mon

    target = (year, month)
    midnight = (year, month, 1, 0, 0, 0)
    try:
        # The clock reads the month's first midnight at that midnight in UTC less
        # the zone's offset then (offsets are within 14 hours): each offset the
        # zone has in the 14 hours either side gives a moment to check, and the
        # earliest that reads it wins (a midnight the clock comes back to is
        # read twice).
        utc = int(datetime(year, month, 1, tzinfo=UTC).timestamp())
        offsets = {time.localtime(utc + hours * 3600).tm_gmtoff for hours in (-14, -7, 0, 7, 14)}
        readings = [
            utc - offset for offset in offsets if time.localtime(utc - offset)[:6] == midnight
        ]
        if readings:
            first = min(readings)
        else:
            # Midnight skipped there: the first second of the month.
            from wintogether.halving import first_holding

            first = first_holding(
                utc - 3 * 86_400, utc + 3 * 86_400, lambda seconds: month_of(seconds) >= target
            )
        back = time.localtime(first + 86_400).tm_gmtoff < time.localtime(first).tm_gmtoff
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(first)), back
    except (OverflowError, ValueError, OSError):  # the ends of the calendar
        return f"{year:04d}-{month:02d}-01T00:00:00Z", False


#: Every digit as a 0: what a stored time's form is checked against.
_ZEROED = bytes.maketrans(b"123456789", b"000000000")
_STORED_FORM = b"0000-00-00T00:00:00Z"


def all_stored(texts: Sequence[str]) -> bool:
    """Whether every text has the form :func:`to_utc_iso` writes
    (``2026-11-28T10:00:00Z``), so that they sort as their moments do: checked
    for thousands at once, in C."""
    joined = "".join(texts)
    if len(joined) != len(_STORED_FORM) * len(texts) or not joined.isascii():
        return False
    return joined.encode().translate(_ZEROED) == _STORED_FORM * len(texts)


def from_utc_iso(text: str) -> datetime:
    """Parse a stored timestamp into local time.

    Never raises: a value stored by an older version or edited by hand
    (``999-06-01T…``, ``9999-12-31T23:59Z`` east of UTC, garbage) is read as
    well as it can be, so that one bad row cannot stop every command.
    """
    return from_utc_iso_utc(text).astimezone()


class LocalTimes(dict[str, datetime]):
    """:func:`from_utc_iso` of many stored times, each text read once: a row's
    times are often the same text (an entry logged as it happened), and so are
    neighbouring rows'. ``times[text]`` is the local time."""

    def __missing__(self, text: str) -> datetime:
        moment = self[text] = from_utc_iso(text)
        return moment


def from_utc_iso_utc(text: str) -> datetime:
    """A stored timestamp as an aware UTC datetime; as forgiving as :func:`from_utc_iso`.

    The result is kept a day inside the years 1 to 9999, so that turning it into
    any local time (or a day either side) cannot overflow.
    """
    try:
        moment = datetime.fromisoformat(text)
    except (ValueError, TypeError, AttributeError):
        moment = _lenient(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        if _FLOOR <= moment <= _CEILING:  # nearly always: no clamping
            return moment
        return min(max(moment, _FLOOR), _CEILING)
    except OverflowError:
        return _FLOOR if moment.year < 5000 else _CEILING


_FLOOR = datetime(1, 1, 3, tzinfo=UTC)
_CEILING = datetime(9999, 12, 29, tzinfo=UTC)


_LENIENT = LazyPattern(
    r"^\s*(-?\d{1,6})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?"
)


def _lenient(text: object) -> datetime:
    """The best reading of a malformed timestamp: the year clamped to 1 to 9999,
    month, day and time to their ranges; unreadable text is 0001-01-01."""
    match = _LENIENT.match(text) if isinstance(text, str) else None
    if not match:
        return datetime(1, 1, 1, tzinfo=UTC)
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    year = min(max(year, 1), 9999)
    month = min(max(month, 1), 12)
    day = min(max(day, 1), 28 if month == 2 else 30)
    return datetime(year, month, day, min(hour, 23), min(minute, 59), min(second, 59), tzinfo=UTC)
