"""The weekly review's trends: the last twelve weeks, one number per week.

One computation for every format: the JSON summary carries these series, the
HTML summary draws them, the Markdown summary lists them and the terminal
shows them as sparklines, so a chart can never say something the numbers do
not. Each week is counted with the summary's own rules (domain/summary.py),
so the last week of a weekly summary's trend equals that summary's numbers:

* conversations: held in the week;
* my / their promises kept on time: marked done in the week, on or before
  the due day (cancelled ones never count);
* value given / received: ledger entries recorded in the week.

The weeks are whole local weeks (``[summary] week_start``), the last one the
week holding the period's last day; a week still running counts up to now.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from wintogether.clock import all_stored, from_utc_iso, to_utc_iso
from wintogether.dates import start_of_day, stored_day
from wintogether.frozen import Frozen
from wintogether.store import Store, reports

WEEKS = 12

#: key, label: the series in the order every format shows them.
SERIES = (
    ("conversations", "Conversations"),
    ("my_kept_on_time", "My promises kept on time"),
    ("their_kept_on_time", "Their promises kept on time"),
    ("value_given", "Value given"),
    ("value_received", "Value received"),
)


class Trends(Frozen):
    """``weeks[i]`` is the first day of week i; each series has one value per week."""

    _fields = ("weeks", "series")

    weeks: list[date]
    series: dict[str, list[int]]

    def __init__(self, weeks: list[date], series: dict[str, list[int]]) -> None:
        self._set(weeks=weeks, series=series)

    @property
    def first(self) -> date:
        return self.weeks[0]

    @property
    def last(self) -> date:
        return self.weeks[-1] + timedelta(days=6)

    def rows(self) -> list[tuple[str, str, list[int]]]:
        """(key, label, values) for each series, in the order of ``SERIES``."""
        return [(key, label, self.series[key]) for key, label in SERIES]

    def to_json(self) -> dict[str, Any]:
        return {
            "weeks": [week.isoformat() for week in self.weeks],
            **{key: list(values) for key, values in self.series.items()},
        }


def week_starts(last_day: date, week_start: int, weeks: int = WEEKS) -> list[date]:
    """The first days of the ``weeks`` weeks ending with the one holding ``last_day``."""
    last_week = last_day - timedelta(days=(last_day.weekday() - week_start) % 7)
    return [last_week - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def window(last_day: date, week_start: int, tz: Any) -> tuple[datetime, datetime]:
    """The stretch the trends read: the start of the first week, the end of the last."""
    weeks = week_starts(last_day, week_start)
    return start_of_day(weeks[0], tz), start_of_day(weeks[-1] + timedelta(days=7), tz)


def weekly_trends(
    store: Store,
    now: datetime,
    last_day: date,
    week_start: int,
) -> Trends:
    """The series for the twelve weeks ending with the week of ``last_day``.

    Read inside the caller's read transaction: the conversations and the ledger
    entries each way counted per week in one grouped query each, and only the
    times of the promises done in the twelve weeks.
    """
    tz = now.tzinfo
    weeks = week_starts(last_day, week_start)
    bounds = [start_of_day(week, tz) for week in weeks]
    bounds.append(start_of_day(weeks[-1] + timedelta(days=7), tz))
    stamps = [to_utc_iso(moment) for moment in bounds]
    conversations = reports.conversations_per_span(store, stamps)
    ledger = reports.ledger_per_span(store, stamps)
    done = reports.promises_done_moments(store, stamps[0], stamps[-1])
    kept = _kept_on_time(done, bounds, stamps)
    series: dict[str, list[int]] = {
        "conversations": conversations,
        "my_kept_on_time": kept["me"],
        "their_kept_on_time": kept["them"],
        "value_given": ledger["gave"],
        "value_received": ledger["got"],
    }
    return Trends(weeks, series)


def _week_of(moment: datetime, bounds: list[datetime]) -> int | None:
    if not bounds[0] <= moment < bounds[-1]:
        return None
    return bisect_right(bounds, moment) - 1


def _kept_on_time(
    done: Sequence[tuple[str, str, str]], bounds: list[datetime], stamps: list[str]
) -> dict[str, list[int]]:
    """Per owner and week, the promises done in it on or before their due
    day (the local day of ``done_at``, as the summary decides it).

    A stored time in its usual form (``to_utc_iso``) is compared as text: with
    the week bounds' stored forms (``stamps``), and with the first moment of
    the day after its due day (:func:`_day_after`, once per due day inside the
    weeks: a promise due after them and done in them was done in time), so
    that the thousands done in twelve weeks are not each parsed; any other form
    is parsed as before."""
    counts = {"me": [0] * (len(bounds) - 1), "them": [0] * (len(bounds) - 1)}
    first, end = stamps[0], stamps[-1]
    # A time in the weeks is, in the local zone of its own moment, on a day from
    # the one before the first day to the one after the last (the zone's
    # offset then may differ from the one the weeks are cut at, by hours).
    last_day = (bounds[-1] - timedelta(days=1)).date().isoformat()
    day_before = (bounds[0] - timedelta(days=1)).date().isoformat()
    cuts: dict[str, str | None] = {}
    days: dict[str, bool] = {}
    # Every time in the stored form, checked at once (the usual case); else each.
    forms_known = all_stored([done_at for _, done_at, _ in done if done_at])
    for who, done_at, due_on in done:
        if who not in counts or not done_at:
            continue
        if len(done_at) == 20 and (forms_known or all_stored((done_at,))) and _real_time(done_at):
            day = done_at[:10]
            if day not in days:
                days[day] = _real_day(day)
            if due_on not in cuts:
                plain = _day_form(due_on) and _real_day(due_on)
                if plain and due_on > last_day:
                    cuts[due_on] = end  # due after the weeks: in time
                elif plain and due_on < day_before:
                    cuts[due_on] = first  # due before the day before the weeks: late
                else:
                    cuts[due_on] = _day_after(due_on)
            cut = cuts[due_on]
            if cut is not None and days[day]:
                if first <= done_at < end and done_at < cut:
                    counts[who][bisect_right(stamps, done_at) - 1] += 1
                continue
        moment = from_utc_iso(done_at)
        week = _week_of(moment, bounds)
        if week is not None and moment.date() <= stored_day(due_on):
            counts[who][week] += 1
    return counts


def _real_time(stored: str) -> bool:
    """Whether a time in the stored form (:func:`clock.all_stored`) has a real
    hour, minute and second (``23:59:59`` at most), so that it compares as text."""
    return stored[11:13] <= "23" and stored[14] <= "5" and stored[17] <= "5"


_DAY_FORM = b"0000-00-00"
_ZEROED = bytes.maketrans(b"123456789", b"000000000")


def _day_form(text: str) -> bool:
    """Whether ``text`` is a day as stored: ``2026-11-28``, ASCII digits."""
    return (
        len(text) == len(_DAY_FORM)
        and text.isascii()
        and text.encode().translate(_ZEROED) == _DAY_FORM
    )


def _real_day(text: str) -> bool:
    """Whether a stored day is a real one (a time on it compares as text)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return False
    # Times a day inside the years 1 to 9999 are read as they are (clock.from_utc_iso).
    return date(1, 1, 3) <= day <= date(9999, 12, 28)


def _day_after(due_on: str) -> str | None:
    """The stored form of the first moment whose local day is after ``due_on``
    (a stored time before it is on or before the due day); None when that
    cannot be said by comparing text (the zone's midnight is unusual, or the
    day is at the end of the calendar)."""
    try:
        after = stored_day(due_on) + timedelta(days=1)
        cut = to_utc_iso(start_of_day(after, UTC))
        read = from_utc_iso(cut)
        before = read - timedelta(seconds=1)
    except (OverflowError, ValueError, OSError):
        return None
    if read.date() != after or before.date() >= after:
        return None
    return cut
