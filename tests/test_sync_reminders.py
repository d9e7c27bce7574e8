"""Reminders on the phone: alarms on synced promises and "Reach out" to-dos.

`[sync] reminders = true`. The vdir is the phone's side: a test edits its
files as a to-do app would (ticking, deleting), and every file is read back
with the icalendar library, as a calendar app would read it.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from conftest import Invoke, WrittenOnce, write_config

NOW = "2026-11-28T10:00:00+00:00"
LATER = "2026-11-28T11:00:00+00:00"
ON = '[sync]\nreminders = true\nreminder_time = "08:30"\n'


def todo(path: Path) -> Any:
    """The file's VTODO, parsed by icalendar."""
    return next(iter(Calendar.from_ical(path.read_bytes()).walk("VTODO")))


def alarms(path: Path) -> list[Any]:
    return list(todo(path).walk("VALARM"))


def rows(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def listing(folder: Path) -> list[tuple[str, int, int]]:
    return [
        (str(p.relative_to(folder)), p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.rglob("*"))
    ]


def sync(wt: Invoke, vdir: Path, monkeypatch: pytest.MonkeyPatch, at: str = NOW) -> str:
    monkeypatch.setenv("WINTOGETHER_NOW", at)
    return wt("sync", str(vdir)).stderr


def tick(path: Path, at: str = "20261128T093000Z") -> None:
    """What a phone does to a to-do ticked off: COMPLETED, and the alarm left as it was."""
    text = path.read_text()
    assert "STATUS:NEEDS-ACTION" in text
    path.write_text(text.replace("STATUS:NEEDS-ACTION", f"STATUS:COMPLETED\r\nCOMPLETED:{at}", 1))


@pytest.fixture
def promised(db: Path, wt: Invoke, tmp_path: Path) -> Path:
    write_config(tmp_path, ON)
    wt("add", "Dana Reyes", "--company", "Northwind")
    wt("follow-up", "dana", "Send the SOC2 report", "--due", "2026-12-04")
    return tmp_path / "vdir"


def test_open_promises_get_an_alarm_on_their_due_day(
    promised: Path, db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    vdir = promised
    out = sync(wt, vdir, monkeypatch)
    assert "Reminders: 1 alarm set" in out
    (path,) = (vdir / "promises").iterdir()
    (alarm,) = alarms(path)
    assert alarm["TRIGGER"].dt == datetime(2026, 12, 4, 8, 30, tzinfo=UTC)
    assert alarm["TRIGGER"].params["VALUE"] == "DATE-TIME"
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert str(alarm["DESCRIPTION"]) == "Send the SOC2 report (for Dana Reyes)"
    assert "X-WINTOGETHER-ALARM" in alarm
    # The rewritten file is what the sync state remembers: the next sync reads
    # nothing, writes nothing, says nothing about reminders.
    files = listing(vdir)
    again = sync(wt, vdir, monkeypatch, at=LATER)
    assert again.strip() == "sent 0, received 0, deleted 0, conflicts 0"
    assert listing(vdir) == files


def test_the_alarm_follows_the_due_date_and_leaves_the_phones_own_alarm(
    promised: Path, db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    vdir = promised
    sync(wt, vdir, monkeypatch)
    (path,) = (vdir / "promises").iterdir()
    # The phone adds its own alarm (the day before).
    text = path.read_text()
    own = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Phone\r\nTRIGGER:-P1D\r\nEND:VALARM\r\n"
    path.write_text(text.replace("END:VTODO", own + "END:VTODO"))
    sync(wt, vdir, monkeypatch, at="2026-11-28T10:10:00+00:00")
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-28T10:20:00+00:00")
    wt("snooze", "1", "2026-12-09")
    out = sync(wt, vdir, monkeypatch, at="2026-11-28T10:30:00+00:00")
    assert "sent 1" in out
    found = alarms(path)
    assert len(found) == 2
    ours = next(a for a in found if "X-WINTOGETHER-ALARM" in a)
    theirs = next(a for a in found if "X-WINTOGETHER-ALARM" not in a)
    assert ours["TRIGGER"].dt == datetime(2026, 12, 9, 8, 30, tzinfo=UTC)
    assert str(theirs["DESCRIPTION"]) == "Phone"
    assert todo(path)["DUE"].dt == date(2026, 12, 9)


def test_ticked_on_the_phone_the_promise_is_done_and_the_alarm_goes(
    promised: Path, db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    vdir = promised
    sync(wt, vdir, monkeypatch)
    (path,) = (vdir / "promises").iterdir()
    tick(path)
    out = sync(wt, vdir, monkeypatch, at=LATER)
    assert "received 1" in out
    assert "Reminders: 1 removed" in out
    assert rows(db, "SELECT status FROM promises") == [("done",)]
    assert alarms(path) == []
    assert str(todo(path)["STATUS"]) == "COMPLETED"
    files = listing(vdir)
    assert sync(wt, vdir, monkeypatch, at="2026-11-28T12:00:00+00:00").strip() == (
        "sent 0, received 0, deleted 0, conflicts 0"
    )
    assert listing(vdir) == files


def test_cancelled_on_the_phone_the_promise_is_cancelled_at_that_sync(
    promised: Path, db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    vdir = promised
    sync(wt, vdir, monkeypatch)
    (path,) = (vdir / "promises").iterdir()
    path.write_text(path.read_text().replace("STATUS:NEEDS-ACTION", "STATUS:CANCELLED", 1))
    assert "received 1" in sync(wt, vdir, monkeypatch, at=LATER)
    assert rows(db, "SELECT status, done_at FROM promises") == [
        ("cancelled", "2026-11-28T11:00:00Z")
    ]


def test_turning_reminders_off_takes_the_alarms_away(
    promised: Path, db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    vdir = promised
    sync(wt, vdir, monkeypatch)
    (path,) = (vdir / "promises").iterdir()
    assert len(alarms(path)) == 1
    write_config(tmp_path, "[sync]\nreminders = false\n")
    out = sync(wt, vdir, monkeypatch, at=LATER)
    assert "Reminders: 1 removed" in out
    assert alarms(path) == []
    # Without reminders and with nothing of ours left, a sync is as before.
    assert "Reminders" not in sync(wt, vdir, monkeypatch, at="2026-11-28T12:00:00+00:00")
    assert rows(db, "SELECT kind, value FROM sync_reminders") == [("alarm", "")]


# -- "Reach out" to-dos -------------------------------------------------------------------

PEOPLE = [  # name, rhythm, last talked: the more days past the rhythm, the higher
    ("Ana Souza", "1w", "2026-11-16"),  # 12 days, every week
    ("Ben Okafor", "1w", "2026-11-10"),
    ("Cleo Park", "2w", "2026-10-20"),
    ("Dev Patel", "1w", "2026-11-12"),
    ("Eli Cohen", "1w", "2026-11-14"),
    ("Fay Wong", "1w", "2026-11-19"),  # sixth: 9 days, the least slipping
    ("Gus Lima", "monthly", "2026-11-20"),  # within the rhythm
]


@pytest.fixture
def slipping(db: Path, wt: Invoke, tmp_path: Path, written_once: WrittenOnce) -> Path:
    """PEOPLE, each with their last conversation (written by the first test,
    copied for the others); reminders on. The vdir to sync with."""
    write_config(tmp_path, ON)
    written_once("test_sync_reminders slipping", lambda: _write_slipping(db, wt))
    return tmp_path / "vdir"


def _write_slipping(db: Path, wt: Invoke) -> Path:
    for name, every, last in PEOPLE:
        wt("add", name, "--every", every)
        wt("log", name, "Catch-up", "--at", f"{last}T12:00")
    return db


def reach_outs(vdir: Path, status: str = "NEEDS-ACTION") -> dict[str, Path]:
    """Each "Reach out" to-do with that status, by its summary."""
    folder = vdir / "reminders"
    return {
        str(todo(p)["SUMMARY"]): p
        for p in sorted(folder.iterdir())
        if str(todo(p)["STATUS"]) == status
    }


def test_the_five_most_slipping_get_a_reach_out_to_do(
    slipping: Path, db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    vdir = slipping
    out = sync(wt, vdir, monkeypatch)
    assert "5 reach-out to-dos written" in out
    found = reach_outs(vdir)
    assert "Reach out to Ana Souza (12 days, every week)" in found
    assert "Reach out to Cleo Park (39 days, every 2 weeks)" in found
    assert not [s for s in found if "Fay Wong" in s or "Gus Lima" in s]
    item = todo(found["Reach out to Ana Souza (12 days, every week)"])
    assert str(item["X-WINTOGETHER-KIND"]) == "reach-out"
    assert str(item["STATUS"]) == "NEEDS-ACTION"
    assert item["DUE"].dt == date(2026, 11, 28)
    ana = rows(db, "SELECT uid FROM contacts WHERE name = 'Ana Souza'")[0][0]
    assert str(item["X-WINTOGETHER-CONTACT"]) == ana
    # They are not promises: nothing came in, nothing else was written.
    assert rows(db, "SELECT count(*) FROM promises") == [(0,)]
    assert not (vdir / "promises").exists() or not list((vdir / "promises").iterdir())
    # The next sync, the same day, with nothing new: no file touched.
    files = listing(vdir)
    assert "Reminders" not in sync(wt, vdir, monkeypatch, at=LATER)
    assert listing(vdir) == files
    # The next day the days move on, and the to-do says so.
    sync(wt, vdir, monkeypatch, at="2026-11-29T08:00:00+00:00")
    assert "Reach out to Ana Souza (13 days, every week)" in reach_outs(vdir)


def test_ticking_a_reach_out_records_a_touch_and_the_next_person_moves_up(
    slipping: Path, db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    vdir = slipping
    sync(wt, vdir, monkeypatch)
    tick(reach_outs(vdir)["Reach out to Ana Souza (12 days, every week)"])
    out = sync(wt, vdir, monkeypatch, at=LATER)
    assert "reached out to Ana Souza (ticked on the phone)" in out
    found = reach_outs(vdir)
    assert not [s for s in found if "Ana Souza" in s]
    assert "Reach out to Fay Wong (9 days, every week)" in found
    assert len(found) == 5
    # Hers stays in the list as the phone left it, ticked, for a week.
    assert list(reach_outs(vdir, "COMPLETED")) == ["Reach out to Ana Souza (12 days, every week)"]
    talked = rows(
        db,
        "SELECT i.happened_at, i.channel, i.note FROM interactions i"
        " JOIN interaction_participants p ON p.interaction_id = i.id"
        " JOIN contacts c ON c.id = p.contact_id WHERE c.name = 'Ana Souza'"
        " ORDER BY i.happened_at DESC LIMIT 1",
    )
    assert talked == [("2026-11-28T09:30:00Z", "note", "Reached out (ticked on the phone)")]
    monkeypatch.setenv("WINTOGETHER_NOW", LATER)
    assert not [a for a in json.loads(wt("neglected", "--json").stdout)
                if a["contact"]["name"] == "Ana Souza"]  # fmt: skip
    # One command in the change journal: undone like any other.
    wt("undo")
    assert [a for a in json.loads(wt("neglected", "--json").stdout)
            if a["contact"]["name"] == "Ana Souza"]  # fmt: skip


def test_a_reach_out_deleted_on_the_phone_stays_gone_and_a_person_who_stops_slipping_loses_it(
    slipping: Path, db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    vdir = slipping
    sync(wt, vdir, monkeypatch)
    reach_outs(vdir)["Reach out to Ben Okafor (18 days, every week)"].unlink()
    monkeypatch.setenv("WINTOGETHER_NOW", LATER)
    wt("log", "Dev Patel", "Coffee")
    out = sync(wt, vdir, monkeypatch, at="2026-11-28T11:05:00+00:00")
    found = reach_outs(vdir)
    assert not [s for s in found if "Ben Okafor" in s]  # dismissed, not made again
    assert not [s for s in found if "Dev Patel" in s]  # talked today: no longer slipping
    assert "Reach out to Fay Wong (9 days, every week)" in found
    assert "1 ticked off (no longer slipping)" in out
    # Dev's is ticked off here; the conversation logged is the touch, no second one.
    (dev,) = [p for s, p in reach_outs(vdir, "COMPLETED").items() if "Dev Patel" in s]
    assert todo(dev)["COMPLETED"].dt == datetime(2026, 11, 28, 11, 5, tzinfo=UTC)
    assert rows(db, "SELECT count(*) FROM interactions WHERE note LIKE 'Reached out%'") == [(0,)]
    # A week later the done ones are removed; the open ones stay.
    out = sync(wt, vdir, monkeypatch, at="2026-12-06T09:00:00+00:00")
    assert "1 removed" in out
    assert not dev.exists()
    assert reach_outs(vdir, "COMPLETED") == {}
    # Turning reminders off takes every one of ours away.
    write_config(tmp_path, "[sync]\nreminders = false\n")
    sync(wt, vdir, monkeypatch, at="2026-12-06T09:10:00+00:00")
    assert list((vdir / "reminders").iterdir()) == []
    assert rows(db, "SELECT count(*) FROM sync_reminders WHERE kind = 'reach_out'") == [(0,)]


def test_the_last_reach_out_stays_ticked_so_the_list_is_never_emptied(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """vdirsyncer refuses to sync a collection emptied at once: the last to-do stays."""
    write_config(tmp_path, ON)
    wt("add", "Ana Souza", "--every", "2w")
    wt("log", "Ana Souza", "Catch-up", "--at", "2026-11-10T12:00")
    vdir = tmp_path / "vdir"
    sync(wt, vdir, monkeypatch)
    tick(reach_outs(vdir)["Reach out to Ana Souza (18 days, every 2 weeks)"])
    sync(wt, vdir, monkeypatch, at=LATER)
    # Nine days on: done over a week ago, but the only one: it stays, ticked.
    out = sync(wt, vdir, monkeypatch, at="2026-12-07T09:00:00+00:00")
    assert "removed" not in out
    assert list(reach_outs(vdir, "COMPLETED")) == [
        "Reach out to Ana Souza (18 days, every 2 weeks)"
    ]
    # When she slips again, her to-do opens again.
    sync(wt, vdir, monkeypatch, at="2026-12-13T09:00:00+00:00")
    assert list(reach_outs(vdir)) == ["Reach out to Ana Souza (15 days, every 2 weeks)"]
    assert len(list((vdir / "reminders").iterdir())) == 1


def test_export_ics_with_alarms(db: Path, wt: Invoke, tmp_path: Path) -> None:
    wt("add", "Dana Reyes")
    wt("follow-up", "dana", "Send the deck", "--due", "2026-12-02")
    plain = Calendar.from_ical(wt("export", "--format", "ics").stdout)
    assert [list(t.walk("VALARM")) for t in plain.walk("VTODO")] == [[]]
    calendar = Calendar.from_ical(wt("export", "--format", "ics", "--alarms").stdout)
    (item,) = calendar.walk("VTODO")
    (alarm,) = item.walk("VALARM")
    assert alarm["TRIGGER"].dt == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    write_config(tmp_path, '[sync]\nreminder_time = "17:45"\n')
    calendar = Calendar.from_ical(wt("export", "--format", "ics", "--alarms").stdout)
    (alarm,) = next(iter(calendar.walk("VTODO"))).walk("VALARM")
    assert alarm["TRIGGER"].dt == datetime(2026, 12, 2, 17, 45, tzinfo=UTC)
    refused = wt("export", "--format", "json", "--alarms", ok=False)
    assert refused.exit_code == 1 and "--alarms is for --format ics" in refused.stderr


def test_the_settings_are_shown_and_checked(db: Path, wt: Invoke, tmp_path: Path) -> None:
    shown = {s["key"]: s for s in json.loads(wt("config", "show", "--json").stdout)}
    assert shown["sync.reminders"]["value"] == "false"
    assert shown["sync.reminder_time"]["value"] == "09:00"
    wt("config", "set", "sync.reminders", "true")
    wt("config", "set", "sync.reminder_time", "07:15")
    shown = {s["key"]: s for s in json.loads(wt("config", "show", "--json").stdout)}
    assert (shown["sync.reminders"]["value"], shown["sync.reminders"]["source"]) == (
        "true",
        "file",
    )
    assert shown["sync.reminder_time"]["value"] == "07:15"
    for bad in ("25:00", "9", "9am", "07:5"):
        run = wt("config", "set", "sync.reminder_time", bad, ok=False)
        assert run.exit_code == 1 and "time of day" in run.stderr, bad


def test_forgetting_a_person_removes_their_reach_out_now(
    slipping: Path, db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    vdir = slipping
    sync(wt, vdir, monkeypatch)
    path = reach_outs(vdir)["Reach out to Ana Souza (12 days, every week)"]
    ana = rows(db, "SELECT uid FROM contacts WHERE name = 'Ana Souza'")[0][0]
    wt("forget", "Ana Souza", "--yes")
    assert not path.exists()
    assert rows(db, "SELECT count(*) FROM sync_reminders WHERE uid = ?", ana) == [(0,)]
    assert len(reach_outs(vdir)) == 4
    assert not [p for p in (vdir / "reminders").iterdir() if "Ana" in p.read_text()]


# -- through icalendar, as a to-do app rewrites a file -------------------------------------


def rewrite_with_icalendar(path: Path, change: Any = None) -> None:
    """What an app built on icalendar does to a file it saves: parse, change, write it whole."""
    calendar = Calendar.from_ical(path.read_bytes())
    if change is not None:
        change(next(iter(calendar.walk("VTODO"))))
    path.write_bytes(calendar.to_ical())


def test_the_alarm_round_trips_through_icalendar(
    promised: Path, db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    vdir = promised
    sync(wt, vdir, monkeypatch)
    (path,) = (vdir / "promises").iterdir()
    rewrite_with_icalendar(path)
    # Saved whole by the phone, nothing changed: no conflict, the same one alarm.
    out = sync(wt, vdir, monkeypatch, at=LATER)
    assert "conflicts 0" in out and "received 0" in out
    (alarm,) = alarms(path)
    assert "X-WINTOGETHER-ALARM" in alarm
    assert alarm["TRIGGER"].dt == datetime(2026, 12, 4, 8, 30, tzinfo=UTC)
    assert rows(db, "SELECT text, due_on, status FROM promises") == [
        ("Send the SOC2 report", "2026-12-04", "open")
    ]

    # Moved on the phone, through the library: the alarm follows the new day.
    def move(item: Any) -> None:
        del item["DUE"]
        item.add("due", date(2026, 12, 8))

    rewrite_with_icalendar(path, move)
    out = sync(wt, vdir, monkeypatch, at="2026-11-28T12:00:00+00:00")
    assert "received 1" in out
    assert rows(db, "SELECT due_on FROM promises") == [("2026-12-08",)]
    (alarm,) = alarms(path)
    assert alarm["TRIGGER"].dt == datetime(2026, 12, 8, 8, 30, tzinfo=UTC)

    # Ticked through the library: done here, and our alarm goes.
    def done(item: Any) -> None:
        item["STATUS"] = "COMPLETED"
        item.add("completed", datetime(2026, 11, 28, 12, 30, tzinfo=UTC))

    rewrite_with_icalendar(path, done)
    out = sync(wt, vdir, monkeypatch, at="2026-11-28T13:00:00+00:00")
    assert "received 1" in out and "Reminders: 1 removed" in out
    assert rows(db, "SELECT status FROM promises") == [("done",)]
    assert alarms(path) == []


def test_a_reach_out_ticked_through_icalendar_is_done_here(
    slipping: Path, db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    vdir = slipping
    sync(wt, vdir, monkeypatch)
    path = reach_outs(vdir)["Reach out to Ana Souza (12 days, every week)"]
    rewrite_with_icalendar(path)  # saved whole, not ticked: nothing happens
    assert "reached out" not in sync(wt, vdir, monkeypatch, at=LATER)

    def done(item: Any) -> None:
        item["STATUS"] = "COMPLETED"
        item.add("completed", datetime(2026, 11, 28, 10, 45, tzinfo=UTC))

    rewrite_with_icalendar(path, done)
    out = sync(wt, vdir, monkeypatch, at="2026-11-28T11:30:00+00:00")
    assert "reached out to Ana Souza (ticked on the phone)" in out
    assert rows(
        db,
        "SELECT i.happened_at, i.note FROM interactions i"
        " JOIN interaction_participants p ON p.interaction_id = i.id"
        " JOIN contacts c ON c.id = p.contact_id WHERE c.name = 'Ana Souza'"
        " ORDER BY i.happened_at DESC LIMIT 1",
    ) == [("2026-11-28T10:45:00Z", "Reached out (ticked on the phone)")]
    assert "Reach out to Fay Wong (9 days, every week)" in reach_outs(vdir)


def test_the_alarm_rings_at_the_local_time_of_day(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """9:00 is 9:00 where the seller is, on each side of a daylight-saving change."""
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    write_config(tmp_path, "[sync]\nreminders = true\n")
    wt("add", "Dana Reyes")
    wt("follow-up", "dana", "Send the deck", "--due", "2026-12-04")  # EST: UTC-5
    wt("follow-up", "dana", "Renewal call", "--due", "2027-03-15")  # EDT: UTC-4
    vdir = tmp_path / "vdir"
    sync(wt, vdir, monkeypatch)
    triggers = sorted(alarms(p)[0]["TRIGGER"].dt for p in (vdir / "promises").iterdir())
    assert triggers == [
        datetime(2026, 12, 4, 14, 0, tzinfo=UTC),
        datetime(2027, 3, 15, 13, 0, tzinfo=UTC),
    ]
    exported = Calendar.from_ical(wt("export", "--format", "ics", "--alarms").stdout)
    assert sorted(a["TRIGGER"].dt for a in exported.walk("VALARM")) == triggers
