"""The dashboard and the neglect rule: cadence, attention, ranking, birthdays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import NOW, Invoke, write_config
from factory import Factory


def board(wt: Invoke, *args: str) -> dict[str, object]:
    return json.loads(wt("today", "--json", *args).stdout)


def slipping(wt: Invoke, *args: str) -> list[dict[str, object]]:
    return json.loads(wt("neglected", "--json", *args).stdout)


def test_ranking_by_attention_with_reasons(db: Path, wt: Invoke) -> None:
    wt("add", "Weekly Wendy", "--every", "weekly")
    wt("add", "Monthly Mo", "--every", "monthly")
    wt("add", "Fresh Fran", "--every", "monthly")
    wt("log", "wendy", "call", "--at", "2026-11-14")  # 14 days / 7  = 2.0
    wt("log", "mo", "call", "--at", "2026-10-12")  # 47 days / 30 = 1.57
    wt("log", "fran", "call", "--at", "2026-11-20")  # 8 days / 30: fine
    rows = slipping(wt)
    assert [r["contact"]["name"] for r in rows] == ["Weekly Wendy", "Monthly Mo"]
    assert rows[0]["attention"] == 2.0
    assert rows[1]["reason"] == "last talked 47 days ago, every month"
    assert rows[1]["days_since_last_touch"] == 47 and rows[1]["cadence_days"] == 30


def test_a_conversation_resets_the_clock(db: Path, wt: Invoke) -> None:
    wt("add", "Monthly Mo", "--every", "monthly")
    wt("log", "mo", "call", "--at", "2026-09-01")
    assert [r["contact"]["name"] for r in slipping(wt)] == ["Monthly Mo"]
    wt("log", "mo", "caught up")
    assert slipping(wt) == []
    # a conversation logged as one of several participants counts too
    wt("add", "Other")
    wt("log", "mo", "old", "--at", "2026-09-01")
    wt("conversation", "delete", "2")
    assert [r["contact"]["name"] for r in slipping(wt)] == ["Monthly Mo"]
    wt("log", "other", "group call", "--with", "mo")
    assert slipping(wt) == []


def test_never_talked_counts_from_when_added(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    mp = monkeypatch
    mp.setenv("WINTOGETHER_NOW", "2026-08-01T10:00:00+00:00")
    wt("add", "Quiet Quinn")
    mp.setenv("WINTOGETHER_NOW", "2026-11-28T10:00:00+00:00")
    rows = slipping(wt)
    assert rows[0]["reason"] == "never talked, added 119 days ago, every 3 months"


def test_tag_and_global_defaults_from_config(db: Path, wt: Invoke, isolated: Path) -> None:
    write_config(
        isolated,
        '[cadence]\ndefault = "60d"\n\n[cadence.tags]\ncustomers = "monthly"\n'
        '"customers/enterprise" = "2w"\npartners = "quarterly"\n',
    )
    wt("add", "Ent Erin", "--tag", "customers/enterprise")
    wt("add", "Cust Cal", "--tag", "customers/smb")  # inherits "customers"
    wt("add", "Both Bo", "--tag", "partners", "--tag", "customers")  # most demanding wins
    wt("add", "Own Olly", "--tag", "customers", "--every", "100d")  # own cadence wins
    wt("add", "Plain Pat")
    for name in ("erin", "cal", "bo", "olly", "pat"):
        wt("log", name, "call", "--at", "2026-09-29")  # 60 days ago
    rows = {r["contact"]["name"]: r for r in slipping(wt)}
    assert rows["Ent Erin"]["cadence_days"] == 14
    assert rows["Ent Erin"]["cadence_source"] == "tag customers/enterprise"
    assert rows["Cust Cal"]["cadence_days"] == 30
    assert rows["Both Bo"]["cadence_days"] == 30
    assert rows["Plain Pat"]["cadence_days"] == 60 and rows["Plain Pat"]["attention"] == 1.0
    assert "Own Olly" not in rows
    assert "(tag customers/enterprise)" in rows["Ent Erin"]["reason"]


def test_bad_config_names_the_key_and_file(db: Path, wt: Invoke, isolated: Path) -> None:
    path = write_config(isolated, '[cadence.tags]\ncustomers = "often"\n')
    run = wt("today", ok=False)
    assert run.exit_code == 1
    assert str(path) in run.stderr and "cadence.tags.customers" in run.stderr
    write_config(isolated, "[cadence\n")
    broken = wt("neglected", ok=False)
    assert broken.exit_code == 1 and "not valid TOML" in broken.stderr


def test_dashboard_promises_mine_and_theirs(dana: Path, wt: Invoke) -> None:
    wt("follow-up", "dana", "Send SOC2", "--due", "2026-11-26")
    wt("follow-up", "dana", "Send PO", "--due", "2026-11-27", "--theirs")
    wt("follow-up", "marcus", "Call", "--due", "today")
    wt("follow-up", "marcus", "Referral", "--due", "today", "--theirs")
    wt("follow-up", "marcus", "Later", "--due", "2026-12-20")
    data = board(wt)
    assert data["date"] == "2026-11-28"
    assert [(p["text"], p["owner"]) for p in data["overdue"]] == [
        ("Send SOC2", "me"),
        ("Send PO", "them"),
    ]
    assert [(p["text"], p["owner"]) for p in data["due_today"]] == [
        ("Call", "me"),
        ("Referral", "them"),
    ]
    text = wt("today").stdout
    assert "Overdue" in text and "Due today" in text and "Later" not in text


def test_birthdays_in_the_next_seven_days(db: Path, wt: Invoke) -> None:
    wt("add", "Today Tess", "--birthday", "1990-11-28")
    wt("add", "Soon Sam", "--birthday", "--12-05")
    wt("add", "Late Lou", "--birthday", "--12-06")  # 8 days away: not shown
    wt("add", "Past Pia", "--birthday", "--11-27")
    data = board(wt)
    rows = [(b["contact"]["name"], b["in_days"], b["turns"]) for b in data["birthdays"]]
    assert rows == [("Today Tess", 0, 36), ("Soon Sam", 7, None)]
    assert "turns 36" in wt("today").stdout


def test_leap_day_birthdays_and_the_year_end(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    wt("add", "Leap Lena", "--birthday", "2000-02-29")
    wt("add", "New Year Ned", "--birthday", "--01-02")
    monkeypatch.setenv("WINTOGETHER_NOW", "2027-02-25T10:00:00+00:00")  # not a leap year
    rows = [(b["contact"]["name"], b["date"]) for b in board(wt)["birthdays"]]
    assert rows == [("Leap Lena", "2027-02-28")]
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-12-28T10:00:00+00:00")
    rows = [(b["contact"]["name"], b["date"]) for b in board(wt)["birthdays"]]
    assert rows == [("New Year Ned", "2027-01-02")]


def test_wt_alone_is_the_dashboard(dana: Path, wt: Invoke) -> None:
    wt("follow-up", "dana", "Send SOC2", "--due", "2026-11-26")
    alone = wt()
    assert alone.stdout == wt("today").stdout
    assert "Send SOC2" in alone.stdout


def test_slipping_list_is_capped_on_the_dashboard(db: Path, wt: Invoke) -> None:
    with Factory(db) as make:
        make.at("2026-10-01T10:00:00+00:00")
        for index in range(12):
            make.contact(f"Person {index:02d}", every=f"{index + 1}d")
    data = board(wt)
    assert len(data["slipping"]) == 10 and data["slipping_total"] == 12
    assert "top 10 of 12" in wt("today").stdout
    assert len(slipping(wt, "--limit", "3")) == 3


def test_birthdays_past_a_screenful_are_counted_on_the_dashboard(db: Path, wt: Invoke) -> None:
    """A big address book has dozens of birthdays a week: the dashboard lists
    the first ten (soonest, then by name) and says how many more and where;
    the JSON lists them all."""
    from datetime import datetime
    from io import StringIO

    from rich.console import Console

    from wintogether.config import Config
    from wintogether.domain.today import dashboard
    from wintogether.render.today import dashboard_view
    from wintogether.store import open_store

    with Factory(db) as make:
        make.at("2026-11-01T10:00:00+00:00")
        for index in range(14):
            make.contact(f"Person {index:02d}", birthday=f"1980-12-0{index % 5 + 1}")
    data = board(wt)
    assert len(data["birthdays"]) == 14
    first = [b["contact"]["name"] for b in data["birthdays"][:10]]
    store, _ = open_store(db)
    try:
        now = datetime.fromisoformat(NOW)
        drawn = StringIO()
        Console(file=drawn, width=100, color_system=None).print(
            dashboard_view(dashboard(store, Config(), now), plain=False)
        )
    finally:
        store.close()
    for out in (wt("today").stdout, drawn.getvalue()):
        section = out[out.index("Birthdays this week") :]
        assert [name for name in first if name in section] == first
        assert section.count("Person ") == 10
        assert "… and 4 more: wt today --json lists them all" in section


def test_neglected_by_tag_and_formats(dana: Path, wt: Invoke) -> None:
    wt("edit", "dana", "--every", "1d")
    wt("edit", "marcus", "--every", "1d")
    wt("log", "dana", "x", "--at", "2026-11-20")
    wt("log", "marcus", "x", "--at", "2026-11-20")
    assert [r["contact"]["name"] for r in slipping(wt, "--tag", "partners")] == ["Marcus O'Neil"]
    csv_text = wt("neglected", "--csv", ok=False)
    assert csv_text.exit_code == 2  # no --csv shorthand; --format csv is the way
    assert wt("neglected", "--format", "csv").stdout.splitlines()[0].startswith("contact_id,")
    bad = wt("neglected", "--limit", "-1", ok=False)
    assert bad.exit_code == 1 and "--limit" in bad.stderr


def test_tables_show_a_screenful_json_shows_all(db: Path, wt: Invoke) -> None:
    with Factory(db) as make:
        make.at("2026-06-01T10:00:00+00:00")
        for index in range(30):
            make.contact(f"Person {index:02d}", every="1d")
            make.promise(f"Person {index:02d}", f"Promise {index:02d}", due="2026-06-02")
    table = wt("neglected")
    assert table.stdout.count("Person ") == 25
    assert "… and 5 more slipping" in table.stderr and "--limit 0" in table.stderr
    assert wt("neglected", "--limit", "0").stdout.count("Person ") == 30
    assert len(slipping(wt)) == 30  # json: everything
    assert len(slipping(wt, "--limit", "3")) == 3
    promises = wt("followups", "--limit", "7")
    assert promises.stdout.count("Promise ") == 7 and "… and more" in promises.stderr
    assert "… and more" not in wt("followups").stderr  # 30 fit in a screenful of 50
    overdue = wt("today")
    assert overdue.stdout.count("Promise ") == 10
    assert "… and 20 more: wt followups --overdue" in overdue.stdout
    assert len(board(wt)["overdue"]) == 30


def test_a_tables_dashboard_reads_only_the_promises_it_shows(db: Path) -> None:
    from datetime import datetime

    from wintogether.config import Config
    from wintogether.domain.today import dashboard
    from wintogether.store import open_store

    with Factory(db) as make:
        make.at("2026-06-01T10:00:00+00:00")
        for index in range(14):
            make.contact(f"Person {index:02d}")
            for day in ("2026-11-20", "2026-11-27", "2026-11-28", "2026-11-29"):
                make.promise(f"Person {index:02d}", f"Promise {index:02d} {day}", due=day)
    store, _ = open_store(db)
    now = datetime.fromisoformat("2026-11-28T10:00:00+00:00")
    try:
        full = dashboard(store, Config(), now)
        for shown in (0, 1, 10, 14, 28, 40):
            few = dashboard(store, Config(), now, promises_shown=shown)
            assert few.overdue == full.overdue[:shown]
            assert few.due_today == full.due_today[:shown]
            assert (few.overdue_total, few.due_today_total) == (28, 14)
        assert (full.overdue_total, full.due_today_total) == (28, 14)
    finally:
        store.close()


def test_the_dashboards_json_text_is_what_write_json_writes() -> None:
    """`wt today --json` writes the promises, who is slipping and the birthdays
    from their fields: the same bytes as the generic writer, whatever the text
    holds."""
    import io
    from datetime import date, datetime

    from wintogether.domain.birthdays import Birthday
    from wintogether.domain.cadence import Attention
    from wintogether.domain.today import Dashboard
    from wintogether.models import ContactRef, Promise
    from wintogether.render import words
    from wintogether.text import write_json

    odd = ['He said "hi"\\', "tab\there\nline", "\x1b[31mred\u202e\x7f", "café 🎉", "", "/"]

    def promise(n: int, text: str) -> Promise:
        return Promise(
            id=n,
            uid=f"u-{text}",
            contact=ContactRef(n, text or "x", None if n % 2 else text),
            conversation_id=None if n % 3 else n * 7,
            text=text or "x",
            due_on=date(2026, 11, 20 + n % 8),
            # An owner the table's check would refuse is still escaped.
            owner=("me" if n % 2 else "them") if n != 2 else "x\u202e",
            status=("open", "done", "cancelled")[n % 3],
            done_at=None if n % 2 else datetime.fromisoformat("2026-11-01T09:30:00+01:00"),
            done_note=None if n % 2 else text,
            created_at=datetime.fromisoformat("2026-10-01T08:00:00+00:00"),
        )

    every = [promise(n, text) for n, text in enumerate(odd)]
    born = [
        Birthday(ContactRef(n, text or "x", text or None), date(2026, 12, n + 1), n, n or None)
        for n, text in enumerate(odd)
    ]
    slipping = [
        Attention(
            ContactRef(n, text or "x", text or None),
            n * 9,
            7 + n,
            ("contact", "default", f"tag {text}")[n % 3],
            n * 9 / (7 + n),
            bool(n % 4),
        )
        for n, text in enumerate(odd)
    ]
    for overdue, due_today, slips, birthdays in (
        (every, every[:2], slipping, born),
        ([], every, slipping[:1], born[:1]),
        ([], [], [], []),
    ):
        board = Dashboard(date(2026, 11, 28), overdue, due_today, slips, len(slips) * 3, birthdays)
        expected = io.StringIO()
        write_json(board.to_json(words), expected)
        assert board.json_text(words) + "\n" == expected.getvalue()


def test_an_empty_database_says_how_to_start(db: Path, wt: Invoke) -> None:
    text = wt("today").stdout
    assert "No contacts yet" in text and "wt demo" in text
    wt("add", "Dana Reyes")
    assert "No contacts yet" not in wt("today").stdout
