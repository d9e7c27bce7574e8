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
from datetime import date, datetime, timedelta
from typing import Any

from wintogether.clock import from_utc_iso, to_utc_iso
from wintogether.dates import start_of_day, stored_day
from wintogether.records import dataclass
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


@dataclass(frozen=True)
class Trends:
    """``weeks[i]`` is the first day of week i; each series has one value per week."""

    weeks: list[date]
    series: dict[str, list[int]]

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
    series: dict[str, list[int]] = {
        "conversations": conversations,
        "my_kept_on_time": _kept_on_time(done, "me", bounds),
        "their_kept_on_time": _kept_on_time(done, "them", bounds),
        "value_given": ledger["gave"],
        "value_received": ledger["got"],
    }
    return Trends(weeks, series)


def _week_of(moment: datetime, bounds: list[datetime]) -> int | None:
    if not bounds[0] <= moment < bounds[-1]:
        return None
    return bisect_right(bounds, moment) - 1


def _kept_on_time(
    done: Sequence[tuple[str, str, str]], owner: str, bounds: list[datetime]
) -> list[int]:
    """Per week, the promises of ``owner`` done in it on or before their due
    day (the local day of ``done_at``, as the summary decides it)."""
    counts = [0] * (len(bounds) - 1)
    for who, done_at, due_on in done:
        if who != owner or not done_at:
            continue
        moment = from_utc_iso(done_at)
        week = _week_of(moment, bounds)
        if week is not None and moment.date() <= stored_day(due_on):
            counts[week] += 1
    return counts
