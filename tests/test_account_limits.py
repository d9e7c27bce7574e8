"""`wt company NAME` on a big account: a screenful of each list, the rest counted.

The account read with a limit keeps only the first people of each list (and
the newest ledger entries) in full; everything the account adds up is still
everyone's. These tests compare it with the account read whole, and check the
reads it is built from against the general ones.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from conftest import Invoke
from factory import Factory
from test_accounts import record_job_change
from wintogether.clock import from_utc_iso, month_start
from wintogether.config import Config
from wintogether.domain import accounts
from wintogether.store import accounts as accounts_store
from wintogether.store import deals as deals_store
from wintogether.store import ledger as ledger_store
from wintogether.store import open_store, touches

NOW = datetime.fromisoformat("2026-11-28T10:00:00+00:00")


def job_change(db: Path, contact_id: int, old: str | None, new: str, at: str) -> None:
    record_job_change(db, contact_id, old, json.dumps({"company": new, "title": "Lead"}), at)


@pytest.fixture
def acme(db: Path) -> Path:
    """Acme with nine people there (roles, titles, one archived, one reporting to
    someone at another company) and three who left, each with promises, ledger
    entries, conversations (some with two of them at once) and wins; Person B
    joined from Initech, so what came before is not Acme's."""
    names = [f"Person {chr(ord('A') + n)}" for n in range(12)]
    with Factory(db) as make:
        make.at("2025-06-01T09:00:00+00:00")
        make.contact("Outside Boss", company="Globex")
        for n, name in enumerate(names):
            make.contact(name, company="Acme", title=f"Title {n}" if n % 3 else None)
        make.at("2026-02-01T09:00:00+00:00")
        roles = ["champion", "blocker", "economic-buyer", None, "user", None, "champion"]
        for n, role in enumerate(roles):
            if role:
                make.edit(names[n], role=role)
        make.edit(names[1], reports_to="outside boss")
        make.edit(names[2], reports_to=names[0])
        make.archive(names[5])
        make.at("2026-11-28T09:00:00+00:00")
        for n, name in enumerate(names):
            for k in range(n % 4 + 1):
                day = f"2026-{(n + k) % 11 + 1:02d}-{k * 5 + 3:02d}"
                make.log(name, f"Call {k}", at=f"{day}T10:00", with_=[names[(n + 1) % 12]])
                if k % 2:
                    make.gave(name, f"Help {k}", kind="intro", at=day)
                else:
                    make.got(name, f"Tip {k}", kind="advice", at=day)
            promise = make.promise(name, f"Send {n}", due=f"2026-{n % 11 + 1:02d}-15")
            if n % 2:
                make.done(promise)
            make.promise(name, f"Their {n}", due=f"2026-12-{n + 1:02d}", theirs=True)
            if n % 5 == 0:
                make.win(name, f"Win {n}", mine="Renewal", at=f"2026-{n % 11 + 1:02d}-20")
        for n in (9, 10, 11):
            make.edit(names[n], company="Initech")
    for n in (9, 10, 11):
        job_change(
            db,
            n + 2,
            json.dumps({"company": "Acme", "title": "Old"}),
            "Initech",
            "2026-08-01T09:00Z",
        )
    job_change(db, 3, json.dumps({"company": "Initech"}), "Acme", "2026-03-01T09:00:00Z")
    return db


def test_an_account_read_with_a_limit_is_the_whole_one_cut(acme: Path) -> None:
    store, _ = open_store(acme)
    try:
        whole = accounts.account(store, "acme", Config(), NOW)
        assert whole.current_count == 9 and whole.former_count == 3
        assert len(whole.ledger) > 8 and whole.wins
        for limit in (1, 2, 3, 5, 8, 9, 20):
            part = accounts.account(store, "acme", Config(), NOW, limit=limit)
            assert part.current == whole.current[:limit]
            assert part.former == whole.former[:limit]
            assert [p.health for p in part.people] == [
                p.health for p in whole.current[:limit] + whole.former[:limit]
            ]
            assert (part.current_count, part.former_count) == (9, 3)
            assert part.ledger == whole.ledger[:limit]
            assert part.ledger_count == whole.ledger_count == len(whole.ledger)
            for name in (
                "company", "my_promises", "their_promises", "per_month", "wins", "balance",
                "my_word", "their_word", "as_of",
            ):  # fmt: skip
                assert getattr(part, name) == getattr(whole, name), (limit, name)
    finally:
        store.close()


def test_the_table_shows_a_screenful_of_each_list_and_says_how_many_more(
    acme: Path, wt: Invoke
) -> None:
    out = wt("company", "acme", "--limit", "2").stdout
    assert "People (9)" in out and "… and 7 more: --limit 0 shows all." in out
    assert "Former (3)" in out and "… and 1 more: --limit 0 shows all." in out
    assert out.count("… and") >= 4  # people, former, my promises, ledger
    every = wt("company", "acme", "--limit", "0").stdout
    assert "… and" not in every and "People\n" in every
    data = json.loads(wt("company", "acme", "--json").stdout)
    cut = json.loads(wt("company", "acme", "--json", "--limit", "2").stdout)
    for key in ("people", "former", "ledger", "wins"):
        assert cut[key] == data[key][:2], key
    for way in ("mine", "theirs"):
        assert cut["open_promises"][way] == data["open_promises"][way][:2]
    for key in ("conversations_per_month", "balance", "my_word", "their_word", "company"):
        assert cut[key] == data[key], key
    assert len(data["people"]) == 9 and len(data["ledger"]) > 2


def test_conversation_times_are_each_conversation_once_in_order(acme: Path) -> None:
    store, _ = open_store(acme)
    try:
        ids = [row[0] for row in store.conn.execute("SELECT id FROM contacts")]
        since = "2026-01-01T00:00:00Z"
        expected = sorted(
            dict(
                store.conn.execute(
                    "SELECT DISTINCT i.id, i.happened_at FROM interactions i"
                    " JOIN interaction_participants p ON p.interaction_id = i.id"
                    " WHERE i.happened_at >= ?",
                    (since,),
                ).fetchall()
            ).values()
        )
        assert touches.conversation_times(store, ids, since) == expected
        # Bounds: one person's conversations only from a moment, another's until one.
        stays: dict[int, tuple[str | None, str | None]] = {
            cid: ("2026-05-01T00:00:00Z", None) if n % 2 else (None, "2026-04-01T00:00:00Z")
            for n, cid in enumerate(ids[1:])
        }
        bounded = touches.conversation_times(store, ids, since, stays)
        by_hand = sorted(
            {
                conversation: at
                for conversation, cid, at in store.conn.execute(
                    "SELECT interaction_id, contact_id, happened_at FROM contact_touches"
                    " WHERE happened_at >= ?",
                    (since,),
                )
                if cid not in stays or (stays[cid][0] or "") <= at < (stays[cid][1] or "~")
            }.values()
        )
        assert bounded == by_hand and bounded != expected
    finally:
        store.close()


def test_a_time_edited_by_hand_with_a_space_is_still_read(acme: Path) -> None:
    """Stored times never hold a space; one edited in by hand is read through JSON."""
    conn = sqlite3.connect(acme)
    conn.execute(
        "UPDATE contact_touches SET happened_at = '2026-05-05 10:00:00'"
        " WHERE interaction_id = (SELECT interaction_id FROM contact_touches"
        " WHERE happened_at >= '2026-05' LIMIT 1)"
    )
    conn.commit()
    edited = conn.execute(
        "SELECT count(*) FROM contact_touches WHERE happened_at = '2026-05-05 10:00:00'"
    ).fetchone()[0]
    conn.close()
    assert edited
    store, _ = open_store(acme)
    try:
        ids = [row[0] for row in store.conn.execute("SELECT id FROM contacts")]
        times = touches.conversation_times(store, ids, "2026-01-01T00:00:00Z")
        assert "2026-05-05 10:00:00" in times and times == sorted(times)
    finally:
        store.close()


@pytest.mark.parametrize(
    "zone",
    [
        "UTC",
        "America/New_York",
        "Australia/Lord_Howe",  # half an hour of daylight saving
        "America/Santiago",  # changes at midnight
        "America/Havana",  # changes at midnight
        "Asia/Beirut",  # changes at midnight
        "Pacific/Apia",  # skipped 30 December 2011
        "Asia/Kolkata",
        "Pacific/Chatham",
        "America/St_Johns",  # back across midnight, 1 November 2009
    ],
)
def test_a_local_month_starts_at_its_first_moment(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """month_start gives, in any zone, the first second whose local date is in
    the month (the C library's rules, as SQLite's 'localtime' and Python read them)."""
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        for year in range(1975, 2041):
            for month in range(1, 13):
                start = from_utc_iso(month_start(year, month)[0])
                seconds = int(start.timestamp())
                assert time.localtime(seconds)[:2] == (year, month), (year, month)
                assert time.localtime(seconds - 1)[:2] < (year, month), (year, month)
        # Whether the clock goes back in the day after: St John's, 1 November 2009
        # (back at 00:01); never in UTC.
        if zone == "America/St_Johns":
            assert month_start(2009, 11)[1], month_start(2009, 11)
        if zone == "UTC":
            assert not any(month_start(2026, month)[1] for month in range(1, 13))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert month_start(0, 12) == ("", False) and month_start(10000, 1) == ("~", False)


def test_per_month_counts_each_moment_in_its_local_month(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        now = NOW.astimezone()
        moments = [
            "2025-11-30T12:00:00Z",  # before the twelve months
            "2025-12-01T04:59:59Z",  # still 30 November in New York
            "2025-12-01T05:00:00Z",  # 1 December, midnight there
            "2026-07-01T03:59:59Z",  # 30 June (summer time)
            "2026-07-01T04:00:00Z",
            "2026-11-28T09:00:00Z",
            "2026-12-01T05:00:00Z",  # next month
        ]
        shown = dict(accounts.per_month(sorted(moments), now))
        months = list(shown)
        assert months[0] == "2025-12" and months[-1] == "2026-11"
        assert {m: n for m, n in shown.items() if n} == {
            "2025-12": 1,
            "2026-06": 1,
            "2026-07": 1,
            "2026-11": 1,
        }
        expected: dict[str, int] = {}
        for moment in moments:
            month = from_utc_iso(moment).strftime("%Y-%m")
            if month in shown:
                expected[month] = expected.get(month, 0) + 1
        assert {m: n for m, n in shown.items() if n} == expected
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.mark.parametrize(
    ("zone", "now"),
    [
        ("America/St_Johns", "2009-11-20T12:00:00+00:00"),  # back across midnight, 1 Nov
        ("America/St_Johns", "2010-03-10T12:00:00+00:00"),
        ("America/New_York", "2026-11-28T10:00:00+00:00"),
        ("Australia/Lord_Howe", "2026-10-15T10:00:00+00:00"),
        ("America/Santiago", "2026-09-30T10:00:00+00:00"),
        ("Asia/Kolkata", "2026-01-15T10:00:00+00:00"),
        ("UTC", "2026-12-31T23:00:00+00:00"),
    ],
)
def test_per_month_places_each_time_in_its_own_local_month(
    zone: str, now: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """per_month against each time's own local month (clock.from_utc_iso, the
    app's reading of a stored time): times in the hours around every month's
    first moment, anywhere in the months, and a few edited by hand."""
    import random

    from wintogether.clock import to_utc_iso

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        moment = datetime.fromisoformat(now).astimezone()
        rng = random.Random(zone + now)
        times = []
        for year, month in accounts._months(moment):
            start = from_utc_iso(month_start(year, month)[0])
            for minutes in (-150, -61, -60, -59, -31, -30, -1, 0, 1, 29, 30, 59, 60, 61, 150):
                times.append(to_utc_iso(start + timedelta(minutes=minutes)))
        first = from_utc_iso(month_start(*accounts._months(moment)[0])[0])
        for _ in range(300):
            times.append(to_utc_iso(first + timedelta(seconds=rng.randrange(0, 400 * 86_400))))
        times += [
            f"{moment.year}-{moment.month:02d}-01 10:00:00",  # a space for the T
            f"{moment.year}-{moment.month:02d}-01T01:00:00+02:00",  # an offset
            "not a time",
        ]
        times.sort()
        shown = accounts.per_month(times, moment)
        expected = dict.fromkeys((m for m, _ in shown), 0)
        for text in times:
            local = from_utc_iso(text)
            label = f"{local.year:04d}-{local.month:02d}"
            if label in expected:
                expected[label] += 1
        assert shown == list(expected.items())
        assert sum(n for _, n in shown) > 300
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_the_newest_ledger_entries_are_those_the_whole_list_shows_first(acme: Path) -> None:
    """With a limit, the ledger listed is the whole list's first entries, as it
    orders them, even where a time was edited by hand."""
    conn = sqlite3.connect(acme)
    (newest,) = conn.execute("SELECT max(happened_at) FROM ledger").fetchone()
    conn.execute(
        "UPDATE ledger SET happened_at = ? WHERE id = (SELECT min(id) FROM ledger"
        " WHERE happened_at >= '2026-06')",
        (newest[:10] + " 23:59:59",),
    )
    conn.commit()
    conn.close()
    store, _ = open_store(acme)
    try:
        whole = accounts.account(store, "acme", Config(), NOW)
        for limit in (1, 2, 3):
            part = accounts.account(store, "acme", Config(), NOW, limit=limit)
            assert part.ledger == whole.ledger[:limit]
    finally:
        store.close()


def test_has_deals_is_whether_the_account_lists_any(db: Path) -> None:
    from wintogether.domain import deals

    assert accounts.DEALS_YEAR_DAYS == deals.DEALS_YEAR_DAYS
    with Factory(db) as make:
        make.at("2026-01-01T09:00:00+00:00")
        make.contact("Dana", company="Acme")
        make.contact("Lee", company="Globex")
        for title in ("One", "Two", "Three"):
            make.deal(title, company="Acme")
    conn = sqlite3.connect(db)
    cases = [
        ("open", None),
        ("won", "2026-03-01T00:00:00Z"),
        ("lost", "2025-01-01T00:00:00Z"),
        ("dropped", None),
    ]
    store, _ = open_store(db)
    try:
        (acme,) = store.conn.execute("SELECT id FROM companies WHERE name = 'Acme'").fetchone()
        (globex,) = store.conn.execute("SELECT id FROM companies WHERE name = 'Globex'").fetchone()
        for first in cases:
            for second in cases:
                for deal_id, (status, closed) in ((1, first), (2, second), (3, second)):
                    conn.execute(
                        "UPDATE deals SET status = ?, closed_at = ? WHERE id = ?",
                        (status, closed, deal_id),
                    )
                conn.commit()
                for since in ("2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2027"):
                    for company in (acme, globex):
                        listed = deals_store.deals_of_company(store, company, since)
                        found = accounts_store.has_deals(store, company, since)
                        assert found == bool(listed), (first, second, since, company)
        assert accounts.has_deals(store, acme, NOW) in (True, False)
    finally:
        store.close()
        conn.close()


def test_job_changes_take_only_text(db: Path, wt: Invoke) -> None:
    """A job change's company and title are its JSON object's text, read as
    Python reads JSON (the last of two equal keys, escaped key names, NaN
    elsewhere in the object, a NUL or a lone surrogate escaped in the text);
    anything else (not JSON, not an object, not text, missing) reads as none."""
    with Factory(db) as make:
        make.at("2026-01-01T09:00:00+00:00")
        make.contact("Dana", company="Acme")
    values = [
        json.dumps({"company": "Initech", "title": "VP"}),
        json.dumps({"company": 5, "title": None}),
        json.dumps(["Initech"]),
        '"Initech"',
        "{not json",
        "",
        None,
        json.dumps({"title": "Só \u202e"}),
        '{"company": "Globex", "company": "Initech"}',
        '{"compan\\u0079": "Initech", "title": "A\\u0000B", "n": NaN}',
        '{"company": "Initech", "title": "\\ud800"}',
    ]
    for n, value in enumerate(values):
        job_change(db, 1, value, "Acme", f"2026-02-{n + 1:02d}T09:00:00Z")
    store, _ = open_store(db)
    try:
        moves = accounts_store.job_moves(store)
    finally:
        store.close()
    assert [(m.old_company, m.old_title, m.new_company) for m in moves] == [
        ("Initech", "VP", "Acme"),
        (None, None, "Acme"),
        (None, None, "Acme"),
        (None, None, "Acme"),
        (None, None, "Acme"),
        (None, None, "Acme"),
        (None, None, "Acme"),
        (None, "Só \u202e", "Acme"),
        ("Initech", None, "Acme"),
        ("Initech", "A\x00B", "Acme"),
        ("Initech", "\ud800", "Acme"),
    ]
    # And the account views still read them all.
    assert "Dana" in wt("company", "acme").stdout
    assert "Dana" in wt("path", "acme").stdout


def test_unnamed_moves_are_the_named_ones_without_names(acme: Path) -> None:
    store, _ = open_store(acme)
    try:
        ids = [row[0] for row in store.conn.execute("SELECT id FROM contacts")]
        since = "2026-01-01T00:00:00Z"
        named = ledger_store.moves(store, ids, since)
        unnamed = ledger_store.moves(store, ids, since, named=False)
        assert named and [
            (m.id, m.contact.id, m.direction, m.kind, m.happened_at) for m in named
        ] == [(m.id, m.contact.id, m.direction, m.kind, m.happened_at) for m in unnamed]
        assert {m.contact.name for m in unnamed} == {""}
        wins = ledger_store.wins_of(store, ids, since)
        assert wins and wins == ledger_store.wins(store, since=since)
    finally:
        store.close()


def test_the_listing_names_are_there_when_asked_for() -> None:
    assert callable(accounts.companies) and accounts.COMPANY_SORTS
    with pytest.raises(AttributeError):
        accounts.no_such_name  # noqa: B018


def test_an_account_without_deals_loads_no_deal_code(acme: Path) -> None:
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wintogether", "company", "acme"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "WINTOGETHER_DB": str(acme)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "wintogether.domain.accounts" in modules
    assert not {"wintogether.domain.deals", "wintogether.store.deals"} & modules
    assert "People\nPerson C" in done.stdout


def test_an_accounts_open_promises_and_wins_are_read_before_their_people(acme: Path) -> None:
    """Query plans: the open promises and the wins of many people are found in
    their own indexes first, not by looking up every person (CROSS JOIN)."""
    store, _ = open_store(acme)
    seen: list[str] = []
    try:
        ids = [row[0] for row in store.conn.execute("SELECT id FROM contacts")]
        store.conn.set_trace_callback(seen.append)
        assert accounts_store.open_promises(store, ids)
        assert accounts_store.wins_since(store, ids, "2026-01-01T00:00:00Z")
        store.conn.set_trace_callback(None)
        for table, alias in (("FROM promises p", "p"), ("FROM wins w", "w")):
            sql = next(s for s in seen if table in s)
            plan = [r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
            first = next(step for step in plan if step.startswith(("SEARCH", "SCAN")))
            assert first.startswith(f"SEARCH {alias} USING INDEX"), plan
    finally:
        store.close()
