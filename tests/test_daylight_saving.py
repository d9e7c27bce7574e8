"""Days and typed times by the local zone's rules for their own day.

"Now" carries today's offset; a date on the other side of a daylight-saving
change has another. A time typed for a July day in December, a day's bounds in
`wt history`, a month's in `wt summary`: each by the offset of its own day.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from conftest import Invoke
from wintogether.dates import local_moment, parse_moment, start_of_day

#: 10:00 in New York on Saturday 28 November 2026 (standard time, UTC-5).
WINTER = "2026-11-28T15:00:00+00:00"


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    monkeypatch.setenv("WINTOGETHER_NOW", WINTER)
    time.tzset()


def _now() -> datetime:
    return datetime.fromisoformat(WINTER).astimezone()


def test_a_summer_time_typed_in_winter_is_that_summer_day_s_time(new_york: None) -> None:
    now = _now()
    assert now.utcoffset() == timedelta(hours=-5)
    july = parse_moment("2026-07-01T15:00", now, prefer="past")
    assert july.astimezone(UTC) == datetime(2026, 7, 1, 19, 0, tzinfo=UTC)  # 15:00 EDT
    assert (july.hour, july.utcoffset()) == (15, timedelta(hours=-4))
    # An explicit offset is kept as the moment it names, shown in local time.
    edge = parse_moment("2026-11-01T00:30-04:00", now, prefer="past")
    assert (edge.date(), edge.hour, edge.minute) == (date(2026, 11, 1), 0, 30)
    # A bare summer date keeps the time of day it is now, in summer time.
    day = parse_moment("2026-07-01", now, prefer="past")
    assert (day.hour, day.minute, day.utcoffset()) == (10, 0, timedelta(hours=-4))
    # Natural language too.
    natural = parse_moment("july 1 2026 3pm", now, prefer="past")
    assert natural.astimezone(UTC) == datetime(2026, 7, 1, 19, 0, tzinfo=UTC)


def test_a_day_begins_at_its_own_midnight(new_york: None) -> None:
    now = _now()
    assert start_of_day(date(2026, 7, 1), now.tzinfo).astimezone(UTC) == datetime(
        2026, 7, 1, 4, 0, tzinfo=UTC
    )
    assert start_of_day(date(2026, 12, 1), now.tzinfo).astimezone(UTC) == datetime(
        2026, 12, 1, 5, 0, tzinfo=UTC
    )
    # The day of the change is 25 hours long.
    first = start_of_day(date(2026, 11, 1), now.tzinfo)
    second = start_of_day(date(2026, 11, 2), now.tzinfo)
    assert second - first == timedelta(hours=25)
    # A time the clocks skip is read with the offset before the change (PEP 495's
    # fold=0): 02:30 on 8 March 2026 is 07:30 UTC, 03:30 EDT.
    skipped = local_moment(datetime(2026, 3, 8, 2, 30), now.tzinfo)
    assert skipped.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    # A time they repeat is the first of the two: 01:30 EDT on 1 November.
    repeated = local_moment(datetime(2026, 11, 1, 1, 30), now.tzinfo)
    assert repeated.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "first"),
    [
        # Clocks go from 00:00 to 01:00: the day begins at 01:00, not the evening before.
        ("America/Santiago", date(2026, 9, 6), datetime(2026, 9, 6, 4, 0, tzinfo=UTC)),
        ("America/Havana", date(2026, 3, 8), datetime(2026, 3, 8, 5, 0, tzinfo=UTC)),
        ("Europe/Berlin", date(2026, 3, 29), datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),
    ],
)
def test_a_day_whose_midnight_the_clocks_skip_begins_that_day(
    monkeypatch: pytest.MonkeyPatch, zone: str, day: date, first: datetime
) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    now = datetime(2026, 11, 28, 15, 0, tzinfo=UTC).astimezone()
    start = start_of_day(day, now.tzinfo)
    assert start.astimezone(UTC) == first
    assert start.date() == day


def test_history_and_summary_count_a_day_by_its_own_offset(
    db: Path, wt: Invoke, new_york: None
) -> None:
    wt("add", "Pat Lee")
    # 00:30 on Sunday 1 November, summer time: 04:30 UTC, 23:30 on 31 October
    # at the winter offset of "now".
    logged = wt("log", "Pat Lee", "call", "--at", "2026-11-01T00:30-04:00")
    assert "Sun 1 Nov" in logged.stderr + logged.stdout
    wt("log", "Pat Lee", "july", "--at", "2026-07-01T15:00")

    def entries(day: str) -> list[dict[str, object]]:
        run = wt("history", "--since", day, "--until", day, "--json")
        found: list[dict[str, object]] = json.loads(run.stdout)["entries"]
        return found

    assert [e["note"] for e in entries("2026-11-01")] == ["call"]
    assert entries("2026-10-31") == []
    [july] = entries("2026-07-01")
    assert (july["note"], july["happened_at"]) == ("july", "2026-07-01T15:00:00-04:00")
    month = json.loads(wt("summary", "--month", "--json").stdout)
    assert month["numbers"]["conversations"] == 1
    october = json.loads(
        wt("summary", "--since", "2026-10-01", "--until", "2026-10-31", "--json").stdout
    )
    assert october["numbers"]["conversations"] == 0


def test_the_brief_s_day_on_the_day_the_clocks_change(new_york: None) -> None:
    from wintogether.domain.brief import _day_bounds

    # 10:00 on Sunday 1 November 2026, an hour after the change (UTC-4 to UTC-5).
    now = datetime(2026, 11, 1, 15, 0, tzinfo=UTC).astimezone()
    start, end = _day_bounds(now)
    assert start.astimezone(UTC) == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # midnight EDT
    assert end.astimezone(UTC) == datetime(2026, 11, 2, 5, 0, tzinfo=UTC)  # midnight EST


def test_a_summer_day_s_start_and_a_run_s_first_day(new_york: None) -> None:
    from wintogether.domain import health
    from wintogether.domain.referrals import _start
    from wintogether.models import ContactRef
    from wintogether.store.ledger import Move

    now = _now()
    assert _start(date(2026, 7, 1), now) == "2026-07-01T04:00:00Z"
    # 00:30 on 1 July, summer time: 23:30 on 30 June at the winter offset of now.
    ref = ContactRef(1, "Pat Lee")
    moves = [Move(1, ref, "gave", "intro", datetime(2026, 7, 1, 4, 30, tzinfo=UTC))]
    balance = health.balance(moves, 1, now, 30)
    assert (balance.one_sided, balance.one_sided_since) == ("giving", date(2026, 7, 1))


def _todo(due: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nBEGIN:VTODO\r\n"
        f"UID:t1\r\nSUMMARY:Call\r\n{due}\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )


def test_a_due_time_from_elsewhere_is_due_on_its_local_day(new_york: None) -> None:
    from wintogether.formats.ics import read_todo

    def due_on(line: str) -> object:
        record = read_todo(_todo(line))
        assert record is not None
        return record["due_on"]

    # 04:00 UTC on 1 December is 23:00 on 30 November in New York.
    assert due_on("DUE:20261201T040000Z") == "2026-11-30"
    assert due_on("DUE;TZID=Europe/Berlin:20261201T003000") == "2026-11-30"
    assert due_on("DUE:20261201T003000") == "2026-12-01"  # floating: its own day
    assert due_on("DUE;VALUE=DATE:20261201") == "2026-12-01"


def test_a_floating_start_is_a_local_time(new_york: None) -> None:
    from wintogether.formats.vjournal import read_journal

    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nBEGIN:VJOURNAL\r\n"
        "UID:j1\r\nDTSTART:{start}\r\nDESCRIPTION:call\r\n"
        "LAST-MODIFIED:20261128T160000\r\nEND:VJOURNAL\r\nEND:VCALENDAR\r\n"
    )
    floating = read_journal(text.format(start="20261120T103000"))
    utc = read_journal(text.format(start="20261120T103000Z"))
    assert floating is not None and utc is not None
    assert floating["happened_at"] == "2026-11-20T15:30:00Z"  # 10:30 in New York
    assert utc["happened_at"] == "2026-11-20T10:30:00Z"
    # Stamps RFC 5545 wants in UTC stay read as UTC.
    assert floating["modified"] == "2026-11-28T16:00:00Z"


def test_an_account_counts_a_conversation_in_its_own_month(
    db: Path, wt: Invoke, new_york: None
) -> None:
    wt("add", "Ann Bee", "--company", "Acme")
    wt("log", "ann", "july first", "--at", "2026-07-01T00:30")  # 23:30 on 30 June at EST
    data = json.loads(wt("company", "acme", "--json").stdout)
    months = {m["month"]: m["count"] for m in data["conversations_per_month"]}
    assert (months["2026-06"], months["2026-07"]) == (0, 1)


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        # 03:30 EDT on 8 March 2026, half an hour after the clocks went forward.
        ("2026-03-08T07:30:00+00:00", "1 hour ago", "2026-03-08T06:30:00+00:00"),
        ("2026-03-08T07:30:00+00:00", "2 hours ago", "2026-03-08T05:30:00+00:00"),
        # 02:30 EST on 1 November 2026, after the hour from 01:00 came twice.
        ("2026-11-01T07:30:00+00:00", "an hour ago", "2026-11-01T06:30:00+00:00"),
        ("2026-11-01T07:30:00+00:00", "90 mins ago", "2026-11-01T06:00:00+00:00"),
        ("2026-11-01T07:30:00+00:00", "in 30 minutes", "2026-11-01T08:00:00+00:00"),
    ],
)
def test_hours_ago_are_real_hours_across_a_change(
    new_york: None, now: str, text: str, expected: str
) -> None:
    moment = datetime.fromisoformat(now).astimezone()
    got = parse_moment(text, moment, prefer="past")
    assert got == datetime.fromisoformat(expected)
    assert got.utcoffset() == got.astimezone().utcoffset()  # shown in its own offset


def test_an_alarm_and_an_all_day_event_on_a_day_the_clocks_skip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import time as clock_time

    from wintogether.formats.calendar import _moment
    from wintogether.formats.ics import alarm_moment

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    # 02:30 does not exist on 29 March 2026 in Berlin: 03:30 summer time, 01:30 UTC.
    assert alarm_moment(date(2026, 3, 29), clock_time(2, 30)) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    assert alarm_moment(date(2026, 7, 1), clock_time(9, 0)) == datetime(
        2026, 7, 1, 7, 0, tzinfo=UTC
    )
    monkeypatch.setenv("TZ", "America/Santiago")
    time.tzset()
    # Midnight is skipped on 6 September 2026: the all-day event starts at 01:00.
    start, all_day = _moment(date(2026, 9, 6))
    assert all_day and start.astimezone(UTC) == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize("kept", [False, True], ids=["from-contacts", "from-kept-figures"])
def test_days_since_a_touch_are_counted_in_its_own_local_day(
    db: Path, wt: Invoke, new_york: None, kept: bool
) -> None:
    """A call at 00:30 on Tue 20 Oct (summer time) is 39 days before Sat 28 Nov
    (winter): not yet slipping on a 40-day rhythm, in every view that counts days
    (with a tag filter the list is counted from the contacts, without one from the
    kept figures)."""
    wt("add", "Summer Sam", "--every", "40d", "--tag", "summer")
    wt("log", "sam", "call", "--at", "2026-10-20T00:30")
    assert "Tue 20 Oct" in wt("--plain", "history", "--since", "2026-10-01").stdout
    listed = ("neglected", "--json") if kept else ("neglected", "--tag", "summer", "--json")
    assert json.loads(wt(*listed).stdout) == []
    assert json.loads(wt("today", "--json").stdout)["slipping"] == []
    assert "last talked 39 days ago" in wt("--plain", "show", "sam").stdout
    wt("add", "Winter Wes", "--every", "39d", "--tag", "summer")
    wt("log", "wes", "call", "--at", "2026-10-20T00:30")
    listed_wes = json.loads(wt(*listed).stdout)
    assert [(p["contact"]["name"], p["days_since_last_touch"]) for p in listed_wes] == [
        ("Winter Wes", 39)
    ]


@pytest.mark.parametrize(
    ("zone", "at", "every"),
    [
        # Beirut's clocks go from 00:00 to 01:00 on Sun 29 Mar 2026: 23:30 on the
        # 28th is 245 days before Sat 28 Nov, the day before the skipped midnight.
        ("Asia/Beirut", "2026-03-28T23:30", "245d"),
        # Cairo's go from 00:00 to 01:00 on Fri 24 Apr 2026.
        ("Africa/Cairo", "2026-04-23T23:30", "219d"),
    ],
)
def test_slipping_on_a_rhythm_whose_bound_is_a_skipped_midnight(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, zone: str, at: str, every: str
) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    wt("add", "Edge Ed", "--every", every, "--tag", "edge")
    wt("log", "ed", "call", "--at", at)
    tagged = json.loads(wt("neglected", "--tag", "edge", "--json").stdout)
    assert [p["days_since_last_touch"] for p in tagged] == [int(every[:-1])]  # slipping
    kept = json.loads(wt("neglected", "--json").stdout)
    assert kept == tagged  # the kept figures' bound is not an hour early
    assert json.loads(wt("today", "--json").stdout)["slipping"] != []
