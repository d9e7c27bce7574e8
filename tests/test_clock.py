"""Stored times read back: the unclamped fast path and the kept local times
(clock.LocalTimes) against the straightforward reading, in several zones."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import Invoke
from wintogether.clock import _CEILING, _FLOOR, LocalTimes, from_utc_iso, from_utc_iso_utc


def _straight_utc(text: str) -> datetime:
    """from_utc_iso_utc as it was written before its fast path."""
    from wintogether.clock import _lenient

    try:
        moment = datetime.fromisoformat(text)
    except (ValueError, TypeError, AttributeError):
        moment = _lenient(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return min(max(moment, _FLOOR), _CEILING)
    except OverflowError:
        return _FLOOR if moment.year < 5000 else _CEILING


ODD = [
    "0001-01-01T00:00:00Z",
    "0001-01-03T00:00:00Z",
    "0001-01-03T00:00:01+00:00",
    "0001-01-02T23:00:00-05:00",
    "9999-12-29T00:00:00Z",
    "9999-12-28T23:59:59Z",
    "9999-12-31T23:59:00+14:00",
    "9999-12-31T23:59Z",
    "2026-02-30T10:00:00Z",
    "2026-10-05T10:00:00",
    "2026-11-01T06:30:00.250000Z",
    "garbage",
    "",
]


def _stamps() -> list[str]:
    """Every 37 minutes across the US and EU autumn changes and Chatham's
    spring one, each stored time twice in a row, and the odd ones."""
    start = datetime(2026, 9, 20, tzinfo=UTC)
    stamps = []
    for n in range(0, 60 * 24 * 50, 37):
        text = (start + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        stamps += [text, text]
    return stamps + ODD


@pytest.mark.parametrize(
    "zone", ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Pacific/Chatham"]
)
def test_kept_local_times_read_as_each_time_would(
    monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        times = LocalTimes()
        offsets = set()
        for text in _stamps():
            expected = _straight_utc(text).astimezone()
            assert from_utc_iso_utc(text) == _straight_utc(text)
            assert from_utc_iso_utc(text).utcoffset() == _straight_utc(text).utcoffset()
            for moment in (from_utc_iso(text), times[text]):
                assert moment == expected
                assert moment.isoformat() == expected.isoformat()
                assert moment.tzname() == expected.tzname()
                assert moment.utcoffset() == expected.utcoffset()
            offsets.add(times[text].utcoffset())
        if zone in ("America/New_York", "Europe/Berlin", "Pacific/Chatham"):
            assert len(offsets) >= 2  # the stretch crosses a change
        assert times["2026-11-01T06:30:00Z"] is times["2026-11-01T06:30:00Z"]  # read once
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_pinned_time_that_is_not_one_is_a_one_line_error(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    for pinned in ("garbage", "2026-13-01T00:00:00"):
        monkeypatch.setenv("WINTOGETHER_NOW", pinned)
        run = wt("today", ok=False)
        assert run.exit_code == 1
        assert run.stderr.strip() == (
            f"Error: WINTOGETHER_NOW={pinned!r} is not a time: give an ISO-8601 timestamp"
            " such as 2026-12-07T09:00:00+00:00, or unset it."
        )


def test_the_stored_form_is_strftimes_in_every_year_and_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """:func:`to_utc_iso` writes what ``strftime("%Y-%m-%dT%H:%M:%SZ")`` of the
    UTC moment writes: random moments from year 1 to 9999, with and without
    microseconds, aware in several offsets and naive in several zones (a year
    before 1000 without leading zeros, as the C library writes it)."""
    import random
    import time
    from datetime import UTC, datetime, timedelta, timezone

    from wintogether.clock import to_utc_iso

    rng = random.Random(35)
    first, last = datetime(1, 1, 2), datetime(9999, 12, 30)
    span = int((last - first).total_seconds())
    for zone in ("UTC", "America/St_Johns", "Asia/Kolkata", "Pacific/Apia"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        try:
            for n in range(3000):
                wall = first + timedelta(seconds=rng.randrange(span))
                if n % 3 == 0:
                    wall = wall.replace(microsecond=rng.randrange(1_000_000))
                if n < 100:
                    wall = wall.replace(year=rng.randrange(1, 1001))
                offset = timezone(timedelta(minutes=rng.randrange(-14 * 60, 14 * 60 + 1)))
                for moment in (wall.replace(tzinfo=offset), wall):
                    try:
                        utc = moment.astimezone(UTC)
                    except (OverflowError, OSError, ValueError):
                        continue
                    expected = utc.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
                    assert to_utc_iso(moment) == expected, moment
        finally:
            monkeypatch.undo()
            time.tzset()
    assert to_utc_iso(datetime(999, 6, 1, tzinfo=UTC)) == "999-06-01T00:00:00Z"


def test_halving_finds_where_a_condition_starts_to_hold() -> None:
    """:func:`halving.first_holding` is ``bisect_left`` for a sorted list (the
    account's stored times) and finds the first of a range of integers, at
    either end and in between, asking only inside ``(low, high]``."""
    import random
    from bisect import bisect_left

    from wintogether.halving import first_holding

    rng = random.Random(16)
    for _ in range(2000):
        ordered = sorted(rng.choices(range(30), k=rng.randrange(0, 12)))
        wanted = rng.randrange(-1, 32)
        end = len(ordered)
        asked: list[int] = []

        def holds(
            i: int, ordered: list[int] = ordered, wanted: int = wanted, asked: list[int] = asked
        ) -> bool:
            asked.append(i)
            return i == len(ordered) or ordered[i] >= wanted

        assert first_holding(-1, end, holds) == bisect_left(ordered, wanted)
        assert all(-1 < i <= end for i in asked)
    for low, high in ((0, 1), (5, 6), (-3, 90), (0, 10**9)):
        for start in {low + 1, high, (low + high) // 2 + 1}:
            assert first_holding(low, high, lambda n, s=start: n >= s) == start
