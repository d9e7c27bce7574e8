"""Promises: mine and theirs, listing filters, done, snooze, cancel."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import Invoke


def promises(wt: Invoke, *args: str) -> list[dict[str, object]]:
    return json.loads(wt("followups", "--json", *args).stdout)


def seed(wt: Invoke) -> None:
    wt("follow-up", "dana", "Send SOC2 report", "--due", "2026-11-20")  # 1: mine, overdue
    wt("follow-up", "dana", "Intro to CFO", "--due", "2026-11-25", "--theirs")  # 2: theirs, overdue
    wt("follow-up", "marcus", "Call back", "--due", "today")  # 3: mine, today
    wt("follow-up", "marcus", "Send referral list", "--due", "in 10 days", "--theirs")  # 4
    wt("follow-up", "dana", "Quarterly check-in", "--due", "2027-02-01")  # 5


def test_follow_up_echoes_the_resolved_date(dana: Path, wt: Invoke) -> None:
    run = wt("follow-up", "dana", "Send SOC2 report", "--due", "fri")
    assert run.stdout == ""
    assert "#1, I owe Dana Reyes: Send SOC2 report (due Fri 4 Dec)" in run.stderr
    theirs = wt("follow-up", "dana", "Intro to CFO", "--due", "dec 10", "--theirs")
    assert "#2, Dana Reyes owes me: Intro to CFO (due Thu 10 Dec)" in theirs.stderr


def test_a_month_day_that_is_today_is_due_today(dana: Path, wt: Invoke) -> None:
    run = wt("follow-up", "dana", "Send SOC2 report", "--due", "nov 28")  # today
    assert "(due Sat 28 Nov)" in run.stderr
    snoozed = wt("snooze", "1", "28 november")
    assert "(due Sat 28 Nov)" in snoozed.stderr


def test_a_due_time_is_said_to_be_ignored(dana: Path, wt: Invoke) -> None:
    run = wt("follow-up", "dana", "Call back", "--due", "fri 3pm")
    assert "(due Fri 4 Dec)" in run.stderr
    assert "(time ignored: promises are due on a day)" in run.stderr
    plain = wt("follow-up", "dana", "Call back", "--due", "fri")
    assert "time ignored" not in plain.stderr
    snoozed = wt("snooze", "1", "next tuesday afternoon")
    assert "time ignored" in snoozed.stderr
    logged = wt("log", "dana", "Call", "--follow-up", "mon 9:30")
    assert "time ignored" in logged.stderr


def test_a_due_day_already_past_is_kept_and_said_to_be_overdue(dana: Path, wt: Invoke) -> None:
    # a year typed wrong, a snooze to a day gone: kept as typed, but said
    run = wt("follow-up", "dana", "Send deck", "--due", "2025-11-30")
    assert "(due Sun 30 Nov 2025)" in run.stderr
    assert "Note: Sun 30 Nov 2025 is past, so it is overdue already; `wt snooze 1 DATE`" in (
        run.stderr
    )
    today = wt("follow-up", "dana", "Call back", "--due", "today")
    assert "is past" not in today.stderr
    snoozed = wt("snooze", "2", "yesterday")
    assert "Note: Fri 27 Nov is past" in snoozed.stderr
    assert "`wt snooze 2 DATE`" in snoozed.stderr
    logged = wt(
        "log", "dana", "Call", "--follow-up", "2026-11-01", "--they-will", "x", "--by", "fri"
    )
    assert "Note: Sun 1 Nov is past" in logged.stderr
    assert logged.stderr.count("is past") == 1
    wt("deal", "add", "Renewal", "--with", "dana")
    step = wt("plan", "add", "Renewal", "Kick-off", "--owner", "me", "--due", "2026-11-20")
    assert "Note: Fri 20 Nov is past" in step.stderr
    overdue = json.loads(wt("followups", "--overdue", "--json").stdout)
    assert {p["text"] for p in overdue} == {"Send deck", "Call back", "Follow up: Call", "Kick-off"}


def test_a_day_without_a_year_read_as_next_years_is_said(dana: Path, wt: Invoke) -> None:
    # 27 Nov typed on 28 Nov: next year's, as a due date looks ahead; said, since
    # it is more likely a slip than a plan a year out.
    run = wt("follow-up", "dana", "Send deck", "--due", "nov 27")
    assert "(due Sat 27 Nov 2027)" in run.stderr
    assert (
        "Note: read as Sat 27 Nov 2027, the day being past this year (for this year's, type"
        " 2026-11-27)." in " ".join(run.stderr.split())
    )
    for meant in ("2027-11-27", "in 364 days", "next year", "dec 1", "27/11/2027"):
        assert "Note: read as" not in wt("follow-up", "dana", "A", "--due", meant).stderr
    assert "Note: read as Sat 27 Nov 2027" in wt("snooze", "1", "27/11").stderr


def test_filters(dana: Path, wt: Invoke) -> None:
    seed(wt)
    assert [p["id"] for p in promises(wt)] == [1, 2, 3, 4, 5]  # soonest first
    assert [p["id"] for p in promises(wt, "--overdue")] == [1, 2]
    assert [p["id"] for p in promises(wt, "--theirs")] == [2, 4]
    assert [p["id"] for p in promises(wt, "--mine")] == [1, 3, 5]
    assert [p["id"] for p in promises(wt, "--due-within", "7d")] == [1, 2, 3]
    assert [p["id"] for p in promises(wt, "--due-within", "2w", "--theirs")] == [2, 4]
    rows = list(csv.DictReader(io.StringIO(wt("followups", "-f", "csv").stdout)))
    assert [r["owner"] for r in rows] == ["me", "them", "me", "them", "me"]
    both = wt("followups", "--mine", "--theirs", ok=False)
    assert both.exit_code == 1


def test_table_marks_lateness(dana: Path, wt: Invoke) -> None:
    seed(wt)
    text = wt("followups").stdout
    assert "8d late" in text and "(today)" in text
    assert "they owe" in text and "I owe" in text


def test_done_snooze_cancel(dana: Path, wt: Invoke) -> None:
    seed(wt)
    done = wt("done", "1", "--note", "Sent it")
    assert "Done: #1" in done.stderr and "8 days late" in done.stderr
    on_time = wt("done", "3")
    assert "on time" in on_time.stderr
    snoozed = wt("snooze", "2", "next monday")
    assert "due Mon 30 Nov" in snoozed.stderr
    wt("cancel", "5", "--note", "Lost the deal")
    assert [p["id"] for p in promises(wt)] == [2, 4]
    everything = {p["id"]: p for p in promises(wt, "--all")}
    assert everything[1]["status"] == "done" and everything[1]["done_note"] == "Sent it"
    assert everything[1]["done_at"] == "2026-11-28T10:00:00+00:00"
    assert everything[5]["status"] == "cancelled"
    assert everything[2]["due_on"] == "2026-11-30"


def test_settling_twice_or_missing_is_an_error(dana: Path, wt: Invoke) -> None:
    seed(wt)
    wt("done", "1")
    again = wt("done", "1", ok=False)
    assert again.exit_code == 1 and "already done" in again.stderr
    snooze_done = wt("snooze", "1", "fri", ok=False)
    assert snooze_done.exit_code == 1
    missing = wt("cancel", "99", ok=False)
    assert missing.exit_code == 1 and "No promise has id 99" in missing.stderr
    not_a_number = wt("done", "abc", ok=False)
    assert not_a_number.exit_code == 2


def test_bad_promise_input(dana: Path, wt: Invoke) -> None:
    no_due = wt("follow-up", "dana", "x", ok=False)
    assert no_due.exit_code == 2  # --due is required: a usage error
    bad_due = wt("follow-up", "dana", "x", "--due", "someday", ok=False)
    assert bad_due.exit_code == 1 and "Try one of" in bad_due.stderr
    empty = wt("follow-up", "dana", " ", "--due", "fri", ok=False)
    assert empty.exit_code == 1 and "promise is empty" in empty.stderr
    assert promises(wt, "--all") == []


def test_empty_listing_messages(dana: Path, wt: Invoke) -> None:
    run = wt("followups")
    assert run.stdout == "" and "No open promises" in run.stderr


def test_a_closed_promise_shows_the_note_it_was_closed_with(dana: Path, wt: Invoke) -> None:
    """`wt done 1 --note "Sent it"`: the note is where the promise is shown, on
    a terminal and in a pipe, on one line (a pasted newline cannot break it)."""
    import os
    import re
    from datetime import UTC, datetime

    from wintogether.config import Config
    from wintogether.domain import contacts
    from wintogether.render.base import make_console
    from wintogether.render.contacts import profile_view
    from wintogether.store import open_store

    seed(wt)
    wt("done", "1", "--note", "Sent it\nby mail")
    wt("done", "3")
    piped = " ".join(wt("show", "dana").stdout.split())  # the timeline wraps
    assert "Send SOC2 report due Fri 20 Nov [done: Sent it by mail] #1" in piped, piped

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    store, _ = open_store(Path(os.environ["WINTOGETHER_DB"]))
    now = datetime(2026, 11, 28, 10, tzinfo=UTC)
    shown = {}
    try:
        for who in ("dana", "marcus"):
            buffer = Tty()
            profile = contacts.profile(store, who, Config(), now)
            make_console(buffer, width=160).print(profile_view(profile, now.date(), plain=False))
            shown[who] = re.sub(r"\x1b\[[0-9;]*m", "", buffer.getvalue())
    finally:
        store.close()
    assert "Send SOC2 report  due Fri 20 Nov  [done: Sent it by mail]  #1" in shown["dana"]
    assert "Call back  due Sat 28 Nov  [done]  #3" in shown["marcus"], shown["marcus"]


def test_an_id_is_taken_as_shown(dana: Path, wt: Invoke) -> None:
    """Ids are shown as #N: `wt done '#1'` and `wt conversation show '#1'` take them."""
    seed(wt)
    assert "Done: #1" in wt("done", "#1").stderr
    assert "Snoozed #2" in wt("snooze", " #2", "next monday").stderr
    wt("log", "dana", "A call")
    assert "A call" in wt("conversation", "show", "#1").stdout
    for bad in ("x1", "#", "1.5", "#-1", "\u0661", "9" * 20):  # an Arabic-Indic 1, too big
        run = wt("done", bad, ok=False)
        assert run.exit_code == 2 and "is not an id" in run.stderr, (bad, run)
