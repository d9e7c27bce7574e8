"""The ledger: gave, got, win, balance; on timelines and the dashboard."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import Invoke


def test_gave_with_to_shows_on_both_timelines(dana: Path, wt: Invoke) -> None:
    run = wt("gave", "dana", "Intro to Marcus for EMEA", "--kind", "intro", "--to", "marcus")
    assert run.stdout == ""
    assert run.stderr.strip() == "Gave Dana Reyes: intro (to Marcus O'Neil) (#1)"
    for who in ("dana", "marcus"):
        timeline = json.loads(wt("show", who, "--json").stdout)["timeline"]
        assert [(e["kind"], e["ledger_kind"], e["direction"]) for e in timeline] == [
            ("ledger", "intro", "gave")
        ]
        assert timeline[0]["to_contact"]["name"] == "Marcus O'Neil"
    shown = wt("--plain", "show", "marcus").stdout
    assert "gave    intro Dana Reyes → Marcus O'Neil: Intro to Marcus" in shown
    # The intro counts in Dana's balance, not in Marcus's.
    rows = json.loads(wt("balance", "--json").stdout)["rows"]
    assert [(r["contact"]["name"], r["given"]) for r in rows] == [("Dana Reyes", 1)]


def test_got_with_date_and_json(dana: Path, wt: Invoke) -> None:
    data = json.loads(
        wt(
            "got",
            "marcus",
            "Reviewed my proposal",
            "--kind",
            "advice",
            "--at",
            "2026-11-20",
            "--json",
        ).stdout
    )
    assert data["direction"] == "got"
    assert data["kind"] == "advice"
    assert data["happened_at"].startswith("2026-11-20T10:00")


def test_win_records_both_sides(dana: Path, wt: Invoke) -> None:
    run = wt("win", "dana", "Onboarding halved", "--mine", "Three-year renewal")
    assert "Win with Dana Reyes recorded (#1)" in run.stderr
    timeline = json.loads(wt("show", "dana", "--json").stdout)["timeline"]
    assert timeline[0]["kind"] == "win"
    assert (timeline[0]["theirs"], timeline[0]["mine"]) == (
        "Onboarding halved",
        "Three-year renewal",
    )
    assert json.loads(wt("balance", "dana", "--json").stdout)["rows"][0]["wins"] == 1


def test_bad_input_is_one_line_and_writes_nothing(dana: Path, wt: Invoke) -> None:
    for args, needle in (
        (("gave", "dana", "x", "--kind", "bribe"), "Unknown kind 'bribe'"),
        (("gave", "dana", "   "), "empty"),
        (("gave", "dana", "x", "--to", "dana"), "An intro needs two people"),
        (("got", "nobody", "x"), "No contact matches 'nobody'"),
        (("win", "dana", "x", "--mine", " "), "empty"),
        (("gave", "dana", "x", "--at", "someday soon"), "date"),
    ):
        run = wt(*args, ok=False)
        assert run.exit_code == 1, args
        assert needle in run.stderr, (args, run.stderr)
        assert run.stderr.count("\n") == 1
        assert run.stdout == ""
    with sqlite3.connect(dana) as conn:
        assert conn.execute("SELECT count(*) FROM ledger").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM wins").fetchone()[0] == 0


def test_balance_orders_by_what_i_owe_and_flags_one_sided(dana: Path, wt: Invoke) -> None:
    wt("got", "marcus", "Referral", "--kind", "referral", "--at", "2026-07-01")
    wt("got", "marcus", "Referral", "--kind", "referral", "--at", "2026-08-01")
    wt("got", "marcus", "Referral", "--kind", "referral", "--at", "2026-11-01")
    wt("gave", "dana", "Advice", "--kind", "advice", "--at", "2026-11-01")
    data = json.loads(wt("balance", "--json").stdout)
    names = [r["contact"]["name"] for r in data["rows"]]
    assert names == ["Marcus O'Neil", "Dana Reyes"]
    marcus = data["rows"][0]
    assert (marcus["received"], marcus["given"], marcus["net"]) == (3, 0, -3)
    assert marcus["one_sided"] == "receiving"
    assert marcus["suggestion"].startswith(
        "one-sided: you have received 3 referrals and given nothing since July"
    )
    table = wt("--plain", "balance").stdout
    assert "Marcus O'Neil" in table
    assert "-3" in table
    # Even is 0, not "+0".
    wt("gave", "dana", "An intro", "--kind", "intro", "--to", "marcus")
    wt("got", "dana", "Advice back", "--kind", "advice")
    wt("got", "dana", "More advice", "--kind", "advice")
    table = wt("--plain", "balance").stdout
    even = next(line for line in table.splitlines() if line.startswith("Dana Reyes"))
    assert even.split()[-4:] == ["2", "2", "0", "0"], table  # gave, received, net, wins
    csv_out = wt("balance", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "contact_id,name,company,given,received,net,wins,one_sided"
    assert csv_out[1].startswith("2,Marcus O'Neil,O'Neil Consulting,0,3,-3,0,receiving")


def test_balance_table_shows_a_screenful_and_says_how_to_see_all(dana: Path, wt: Invoke) -> None:
    from factory import Factory

    with Factory(dana) as make:
        for index in range(55):
            make.contact(f"Giver {index:02d}")
            make.got(f"Giver {index:02d}", "Intro", at="2026-11-01")
        make.win("Giver 00", "Signed", mine="Commission", at="2026-11-02")
        make.win("Giver 00", "Renewed", mine="Bonus", at="2026-11-03")
    run = wt("--plain", "balance")
    assert run.stdout.count("Giver ") == 50
    assert "… and 5 more: `wt balance --limit 0` shows all." in run.stderr
    assert wt("--plain", "balance", "-n", "0").stdout.count("Giver ") == 55
    rows = json.loads(wt("balance", "--json").stdout)["rows"]
    assert len(rows) == 55  # scripts get all the data
    assert {r["contact"]["name"]: r["wins"] for r in rows}["Giver 00"] == 2
    assert [
        r["contact"]["name"] for r in json.loads(wt("balance", "--json", "-n", "1").stdout)["rows"]
    ] == ["Giver 00"]


def test_balance_empty_says_so(dana: Path, wt: Invoke) -> None:
    run = wt("balance")
    assert run.stdout == ""
    assert "Nothing given or received" in run.stderr


def test_today_lists_who_to_give_to_first(dana: Path, wt: Invoke) -> None:
    wt("got", "marcus", "Referral", "--kind", "referral", "--at", "2026-06-01")
    wt("got", "dana", "Intro", "--kind", "intro", "--at", "2026-11-20")
    wt("got", "dana", "Intro", "--kind", "intro", "--at", "2026-11-21")
    wt("gave", "dana", "Advice", "--kind", "advice", "--at", "2026-11-22")
    board = json.loads(wt("today", "--json").stdout)
    owed = [(g["contact"]["name"], g["net"]) for g in board["give_first"]]
    # Marcus is one-sided (receiving since June); Dana: received 2, gave 1.
    assert owed == [("Marcus O'Neil", -1), ("Dana Reyes", -1)]
    assert board["give_first"][0]["reason"].startswith(
        "you have received 1 referral and given nothing since June"
    )
    text = wt("--plain", "today").stdout
    assert "Give first" in text
    assert "gave 1 piece of advice, received 2 intros" in text


@pytest.mark.parametrize("first", ["got", "gave"])
def test_entries_of_one_moment_read_the_same_everywhere(db: Path, wt: Invoke, first: str) -> None:
    """Two entries logged for one moment are in the order they were recorded:
    the balance, the profile, the attention ranking and give first agree on
    which came last."""
    second = "gave" if first == "got" else "got"
    wt("add", "Sam Tie")
    wt(first, "Sam Tie", "x", "--at", "2026-05-01T10:00")
    wt(second, "Sam Tie", "y", "--at", "2026-05-01T10:00")
    way = "giving" if second == "gave" else "receiving"
    [row] = json.loads(wt("balance", "--json").stdout)["rows"]
    [own] = json.loads(wt("balance", "Sam Tie", "--json").stdout)["rows"]
    shown = json.loads(wt("show", "Sam Tie", "--json").stdout)["health"]["balance"]
    [ranked] = json.loads(wt("contacts", "--sort", "attention", "--json").stdout)
    give_first = json.loads(wt("today", "--json").stdout)["give_first"]
    assert row["one_sided"] == own["one_sided"] == shown["one_sided"] == way
    assert ranked["health"]["balance"]["one_sided"] == way
    assert bool(give_first) == (way == "receiving")


def test_log_captures_both_sides_promises(dana: Path, wt: Invoke) -> None:
    run = wt(
        "log",
        "dana",
        "Pricing call",
        "--follow-up",
        "fri",
        "--about",
        "Send quote",
        "--they-will",
        "Send the signed order form",
        "--by",
        "mon",
        "--json",
    )
    data = json.loads(run.stdout)
    assert data["promise_due_on"] == "2026-12-04"
    assert data["their_promise_due_on"] == "2026-11-30"
    promises = json.loads(wt("followups", "--json").stdout)
    assert sorted((p["owner"], p["text"], p["conversation_id"]) for p in promises) == [
        ("me", "Send quote", data["conversation_id"]),
        ("them", "Send the signed order form", data["conversation_id"]),
    ]
    plain = wt("log", "dana", "Again", "--they-will", "Call back", "--by", "2026-12-01")
    assert "their promise due Tue 1 Dec (#3)" in plain.stderr


def test_they_will_needs_by_and_nothing_is_saved(dana: Path, wt: Invoke) -> None:
    for args in (("--they-will", "x"), ("--by", "fri")):
        run = wt("log", "dana", "Note", *args, ok=False)
        assert run.exit_code == 1
        assert "--they-will and --by go together" in run.stderr
    with sqlite3.connect(dana) as conn:
        assert conn.execute("SELECT count(*) FROM interactions").fetchone()[0] == 0
