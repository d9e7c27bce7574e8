"""`wt company NAME`, `wt companies`, roles and the reporting tree."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from conftest import Invoke, WrittenOnce
from factory import Factory
from wintogether.store import events as events_store
from wintogether.store import open_store


def job_change(db: Path, contact_id: int, old: str, new: str, at: str) -> None:
    """A job change as an import records it."""
    record_job_change(
        db,
        contact_id,
        json.dumps({"company": old, "title": None}),
        json.dumps({"company": new, "title": None}),
        at,
        text=f"now at {new}, was at {old}",
    )


def record_job_change(
    db: Path,
    contact_id: int,
    old_value: str | None,
    new_value: str,
    at: str,
    *,
    text: str = "job change",
) -> None:
    """A job change event with these stored values, whatever they hold."""
    store, _ = open_store(db)
    try:
        with store.write("import"):
            events_store.insert_event(
                store,
                contact_id=contact_id,
                kind="job_change",
                text=text,
                old_value=old_value,
                new_value=new_value,
                happened_at=at,
                stamp=at,
            )
    finally:
        store.close()


@pytest.fixture
def northwind(db: Path, written_once: WrittenOnce) -> Path:
    """Northwind Traders (alias NWT) on Saturday 28 November 2026: Hannah (economic
    buyer, came from Initrode in December 2025), Dana (champion, reports to Hannah),
    Lee (blocker, reports to Hannah); Sam left for Globex in March. Globex has Ana.
    Written by the first test, copied for the others."""
    return written_once("test_accounts northwind", lambda: _write_northwind(db))


def _write_northwind(db: Path) -> Path:
    with Factory(db) as make:
        make.at("2025-11-01T09:00:00+00:00")
        make.contact("Hannah Schmidt", company="Northwind Traders", title="VP Sales")
        make.contact("Dana Reyes", company="NWT", title="Head of Procurement", every="monthly")
        make.contact("Lee Park", company="Northwind Traders")
        make.contact("Sam Okafor", company="Globex")
        make.contact("Ana Silva", company="Globex", every="monthly")
        make.at("2026-11-20T10:00:00+00:00")
        make.edit("hannah", role="economic-buyer")
        make.edit("dana", role="champion", reports_to="hannah")
        make.edit("lee", role="blocker", reports_to="hannah")
        make.at("2026-11-28T09:00:00+00:00")
        make.log("dana", "Renewal call", at="2026-11-18T15:00")
        make.log("dana", "Kickoff", at="2026-09-02T15:00", with_=["hannah"])
        make.log("sam", "Old days", at="2026-02-10T15:00")
        make.log("ana silva", "Globex intro call", at="2026-06-01T10:00")
        kept = make.promise("dana", "Send the SOC2 report", due="2026-11-10")
        make.promise("dana", "Send the renewal quote", due="2026-12-04")
        make.promise("hannah", "Sign the order form", due="2026-12-10", theirs=True)
        make.gave("dana", "Intro to an auditor", kind="intro", at="2026-10-01")
        make.win("dana", "Passed the audit", mine="Renewal", at="2026-11-01")
    with Factory(db) as make:
        make.at("2026-11-09T09:00:00+00:00")
        make.done(kept)
    job_change(db, 1, "Initrode", "Northwind Traders", "2025-12-03T09:00:00Z")
    job_change(db, 4, "Northwind Traders", "Globex", "2026-03-15T09:00:00Z")
    return db


def test_company_json_people_former_promises_months_word(northwind: Path, wt: Invoke) -> None:
    wt("company", "merge", "Northwind Traders", "NWT")
    data = json.loads(wt("company", "northwind", "--json").stdout)
    assert data["company"]["name"] == "Northwind Traders"
    assert data["company"]["aliases"] == ["NWT"]
    people = [(p["contact"]["name"], p["role"]) for p in data["people"]]
    # The economic buyer first, then the champion, then the blocker.
    assert people == [
        ("Hannah Schmidt", "economic-buyer"),
        ("Dana Reyes", "champion"),
        ("Lee Park", "blocker"),
    ]
    hannah, dana, _ = data["people"]
    assert (hannah["since"], hannah["was_at"]) == ("2025-12-03", "Initrode")
    assert dana["reports_to"]["name"] == "Hannah Schmidt"
    assert dana["last_touch_at"].startswith("2026-11-18")
    assert dana["health"]["my_word"]["kept_on_time"] == 1
    [sam] = data["former"]
    assert (sam["contact"]["name"], sam["now_at"], sam["left_on"]) == (
        "Sam Okafor",
        "Globex",
        "2026-03-15",
    )
    assert [p["text"] for p in data["open_promises"]["mine"]] == ["Send the renewal quote"]
    assert [p["text"] for p in data["open_promises"]["theirs"]] == ["Sign the order form"]
    months = {m["month"]: m["count"] for m in data["conversations_per_month"]}
    assert next(iter(months)) == "2025-12" and list(months)[-1] == "2026-11"
    # Sam's February call counts: he was there then.
    assert months == {**dict.fromkeys(months, 0), "2026-02": 1, "2026-09": 1, "2026-11": 1}
    assert [e["text"] for e in data["ledger"]] == ["Intro to an auditor"]
    assert [w["theirs"] for w in data["wins"]] == ["Passed the audit"]
    assert data["my_word"]["kept_on_time"] == 1 and data["my_word"]["due"] == 1
    assert data["their_word"]["due"] == 0
    assert data["balance"]["given"] == 1


def test_company_table_says_since_and_was_at(northwind: Path, wt: Invoke) -> None:
    wt("company", "merge", "Northwind Traders", "NWT")
    out = " ".join(wt("company", "Northwind Traders").stdout.split())
    assert "Hannah Schmidt, VP Sales, since Dec; was at Initrode" in out
    assert "Sam Okafor, left Mar; now at Globex" in out
    assert "People" in out and "Former" in out and "I promised" in out
    assert "They promised" in out and "Across the account" in out
    assert "I kept 1 of 1 on time" in out


def test_companies_coldest_first_with_the_reason(northwind: Path, wt: Invoke) -> None:
    rows = json.loads(wt("companies", "--json").stdout)
    # Globex: Ana, monthly, last talked 1 June (180 / 30 = 6.0); Sam, 10 February on
    # the default 90 days (291 / 90 = 3.233): the warmest is Sam, and even he slips.
    # Northwind: Dana, monthly, 10 days ago: warm. NWT: Dana too (not merged here).
    assert [r["company"]["name"] for r in rows] == ["Globex", "Northwind Traders", "NWT"]
    assert rows[0]["reason"] == "warmest: Sam Okafor, last talked 291 days ago, every 3 months"
    assert rows[0]["slipping"] is True and rows[0]["attention"] == 3.233
    assert rows[1]["roles"] == {"blocker": 1, "economic-buyer": 1}
    by_name = json.loads(wt("companies", "--sort", "name", "--json").stdout)
    assert [r["company"]["name"] for r in by_name] == ["Globex", "Northwind Traders", "NWT"]
    table = list(csv.reader(io.StringIO(wt("companies", "--format", "csv").stdout)))
    assert table[0] == [
        "id",
        "name",
        "aliases",
        "people",
        "attention",
        "slipping",
        "reason",
        "last_touch_at",
    ]
    bad = wt("companies", "--sort", "size", ok=False)
    assert bad.exit_code == 1 and "Unknown sort" in bad.stderr


def test_the_reporting_tree_in_a_pipe(northwind: Path, wt: Invoke) -> None:
    wt("company", "merge", "Northwind Traders", "NWT")
    out = wt("company", "northwind", "--map").stdout
    assert out.splitlines() == [
        "Northwind Traders",
        "  - Hannah Schmidt, VP Sales [economic-buyer]",
        "    - Dana Reyes, Head of Procurement [champion]",
        "    - Lee Park [blocker]",
    ]
    tree = json.loads(wt("company", "northwind", "--map", "--json").stdout)["tree"]
    assert [child["contact"]["name"] for child in tree[0]["reports"]] == ["Dana Reyes", "Lee Park"]


def test_roles_are_checked_and_clear(db: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes", "--company", "Northwind", "--role", "Economic Buyer")
    bad = wt("edit", "dana", "--role", "kingmaker", ok=False)
    assert bad.exit_code == 1 and "Unknown role 'kingmaker'" in bad.stderr
    shown = json.loads(wt("company", "northwind", "--json").stdout)
    assert shown["people"][0]["role"] == "economic-buyer"
    wt("edit", "dana", "--clear", "role")
    shown = json.loads(wt("company", "northwind", "--json").stdout)
    assert shown["people"][0]["role"] is None


def test_a_circle_of_managers_is_refused(db: Path, wt: Invoke) -> None:
    wt("add", "Hannah Schmidt", "--company", "Northwind")
    wt("add", "Dana Reyes", "--company", "Northwind", "--reports-to", "hannah")
    wt("add", "Lee Park", "--company", "Northwind", "--reports-to", "dana")
    circle = wt("edit", "hannah", "--reports-to", "lee", ok=False)
    assert circle.exit_code == 1 and "Lee Park reports to them already" in circle.stderr
    itself = wt("edit", "hannah", "--reports-to", "hannah", ok=False)
    assert itself.exit_code == 1 and "Nobody reports to themselves" in itself.stderr
    wt("edit", "lee", "--clear", "reports_to")
    wt("edit", "hannah", "--reports-to", "lee")


def test_a_loop_made_elsewhere_still_shows_everyone_on_the_map(db: Path, wt: Invoke) -> None:
    """Two devices can each make half of a loop and sync them together: the map
    breaks it at one person and shows everyone once, those below in place."""
    wt("add", "Ann Able", "--company", "Acme")
    wt("add", "Bob Best", "--company", "Acme", "--reports-to", "ann")
    wt("add", "Cy Cole", "--company", "Acme", "--reports-to", "bob")
    wt("add", "Dee Dunn", "--company", "Acme", "--reports-to", "cy")
    with sqlite3.connect(db) as conn:  # as a sync would bring it: Ann reports to Cy
        conn.execute("UPDATE contacts SET reports_to = 3 WHERE id = 1")
    out = wt("company", "acme", "--map").stdout
    assert out.splitlines() == [
        "Acme",
        "  - Ann Able",
        "    - Bob Best",
        "      - Cy Cole",
        "        - Dee Dunn",
    ]


def test_an_import_makes_no_loop_of_managers(db: Path, wt: Invoke, tmp_path: Path) -> None:
    wt("add", "Ann Able", "--company", "Acme")
    wt("add", "Bob Best", "--company", "Acme")
    first = tmp_path / "first.json"
    wt("export", "-o", str(first))
    wt("edit", "bob", "--reports-to", "ann")
    bundle = json.loads(first.read_text())
    ann = next(c for c in bundle["contacts"] if c["name"] == "Ann Able")
    bob = next(c for c in bundle["contacts"] if c["name"] == "Bob Best")
    ann["reports_to"] = bob["uid"]  # elsewhere, Ann reports to Bob
    second = tmp_path / "second.json"
    second.write_text(json.dumps(bundle))
    wt("import", str(second))
    shown = json.loads(wt("show", "ann", "--json").stdout)["contact"]
    assert shown["reports_to"] is None
    tree = json.loads(wt("company", "acme", "--map", "--json").stdout)["tree"]
    assert [n["contact"]["name"] for n in tree] == ["Ann Able"]


def test_company_errors(db: Path, wt: Invoke) -> None:
    missing = wt("company", "Initech", ok=False)
    assert missing.exit_code == 1 and "No company matches 'Initech'" in missing.stderr
    nothing = wt("company", ok=False)
    assert nothing.exit_code == 2
    csv_asked = wt("company", "x", "--format", "csv", ok=False)
    assert csv_asked.exit_code == 1
    assert "No companies yet" in wt("companies").stderr


def test_an_unquoted_name_of_two_words_is_one_company(northwind: Path, wt: Invoke) -> None:
    data = json.loads(wt("company", "Northwind", "Traders", "--json").stdout)
    assert data["company"]["name"] == "Northwind Traders"


def test_tables_show_a_screenful(northwind: Path, wt: Invoke) -> None:
    wt("company", "merge", "Northwind Traders", "NWT")
    out = wt("company", "northwind", "--limit", "2").stdout
    assert "People (3)" in out and "… and 1 more: --limit 0 shows all." in out
    assert "Lee Park" not in out.split("Former")[0]
    assert "Lee Park" in wt("company", "northwind", "--limit", "0").stdout
    listed = wt("companies", "--limit", "1")
    assert "Globex" in listed.stdout and "Northwind Traders" not in listed.stdout
    assert "… and 1 more: `wt companies --limit 0` shows all." in listed.stderr


@pytest.mark.parametrize(
    "moment",
    ["2026-11-28T10:00:00+00:00", "2026-11-28T23:30:00-05:00", "2027-02-01T01:00:00+09:00"],
)
def test_companies_rank_as_every_person_s_attention_says(db: Path, moment: str) -> None:
    """The figures read from the database give each account the warmest person
    and attention the full computation from every contact gives."""
    from collections import Counter

    from wintogether.config import Config
    from wintogether.domain import accounts, cadence
    from wintogether.store import accounts as accounts_store
    from wintogether.store import open_store

    with Factory(db) as make:
        make.at("2026-01-05T09:00:00+00:00")
        make.contact("Ana Lima", company="Initech", tags=["customers/enterprise"])
        make.contact("Bea Chen", company="Initech", tags=["prospects", "customers"])
        make.contact("Bo Chen", company="Initech", every="monthly")
        make.contact("Cy Diaz", company="Globex", tags=["partners"])
        make.contact("Di Evans", company="Globex")
        make.contact("Ed Fox", company="Umbrella", tags=["Customers"])
        make.contact("Gil Hale")
        make.at("2026-11-28T09:30:00+00:00")
        make.log("ana", "Call", at="2026-10-01T23:30")
        make.log("cy diaz", "Call", at="2026-11-27T04:00")
        make.log("di evans", "Call", at="2026-11-27T04:00")
        make.log("ed fox", "Call", at="2026-06-01T10:00")
    config = Config(
        default_cadence_days=90,
        tag_cadences={"customers": 30, "customers/enterprise": 14, "prospects": 30, "partners": 42},
    )
    now = datetime.fromisoformat(moment)
    store, _ = open_store(db)
    try:
        got = accounts.companies(store, config, now)
        members = accounts_store.all_members(store)
    finally:
        store.close()
    expected = {}
    for company_id in {m.company_id for m in members}:
        people = [m for m in members if m.company_id == company_id]
        scored = [cadence.attention_of(m.standing, config, now) for m in people]
        warmest = min(scored, key=lambda a: (a.attention, a.contact.name.casefold()))
        touches = [m.standing.last_touch_at for m in people if m.standing.last_touch_at]
        expected[company_id] = (
            len(people),
            warmest,
            max(touches) if touches else None,
            Counter(m.role for m in people if m.role),
        )
    assert len(got) == 3
    for row in got:
        assert (row.people, row.warmest, row.last_touch_at, row.roles) == expected[row.company.id]
    assert [r.attention for r in got] == sorted((r.attention for r in got), reverse=True)


def test_company_json_keeps_to_the_limit_asked_for(northwind: Path, wt: Invoke) -> None:
    """JSON lists everyone unless --limit says otherwise, as the table's lists do."""
    wt("company", "merge", "Northwind Traders", "NWT")
    every = json.loads(wt("company", "northwind", "--json").stdout)
    assert len(every["people"]) == 3 and len(every["former"]) == 1
    assert json.loads(wt("company", "northwind", "--json", "--limit", "0").stdout) == every
    one = json.loads(wt("company", "northwind", "--json", "--limit", "1").stdout)
    assert one["people"] == every["people"][:1]
    assert one["former"] == every["former"]
    assert {k: v for k, v in one.items() if k != "people"} == {
        k: v for k, v in every.items() if k != "people"
    }
    for fmt in ("--json", "--plain", "--map"):
        run = wt("company", "northwind", fmt, "--limit", "-3", ok=False)
        assert run.exit_code == 1 and run.stdout == ""
        assert "--limit must be 0 (all) or more." in run.stderr


def test_company_json_people_written_are_the_bytes_of_their_records(northwind: Path) -> None:
    """`wt company NAME --json` writes each person from their figures
    (AccountPerson.json_text), and its ledger and open promises too: the
    bytes write_json gives for their records, with late days, ledger kinds both
    ways, a one-sided run, an introduction, a promise from a conversation and
    text to escape."""
    from wintogether.config import Config
    from wintogether.domain import accounts
    from wintogether.render import words
    from wintogether.text import write_json

    with Factory(northwind) as make:
        make.at("2026-06-01T09:00:00+00:00")
        make.contact("Zoë \x1b[2J\u202eØ", company="Northwind Traders", every="2w")
        late = make.promise("hannah", "Send the pricing", due="2026-05-20")
        make.got("zoë", "A referral", kind="referral", at="2026-05-02")
        make.got("zoë", "Advice on pricing", kind="advice", at="2026-05-09")
        make.gave("lee", "Gift", kind="gift", at="2026-04-01")
        make.gave("lee", "Another gift", kind="gift", at="2026-04-02")
        theirs = make.promise("hannah", "Send the org chart", due="2026-05-25", theirs=True)
        make.got("zoë", 'An intro \u202e"quoted"', kind="intro", to="lee", at="2026-05-10")
        make.log("zoë", "Call", at="2026-05-11", follow_up="2026-12-20", about="Deck \x1b[1m é")
        make.promise("lee", "Tab\there \\ back", due="2026-12-24", theirs=True)
    with Factory(northwind) as make:
        make.at("2026-06-01T09:00:00+00:00")
        make.done(late)
        make.done(theirs)
    store, _ = open_store(northwind)
    try:
        now = datetime.fromisoformat("2026-11-28T10:00:00+00:00")
        view = accounts.account(store, "northwind", Config(), now)
        assert any(p.health.my_word.late_days for p in view.people)
        assert any(p.health.balance.one_sided for p in view.people)
        assert any(e.to_contact for e in view.ledger) and view.their_promises
        assert any(p.conversation_id for p in view.my_promises)
        whole, written = io.StringIO(), io.StringIO()
        write_json(view.to_json(words), whole)
        write_json(view.to_json(words, written=True), written)
        assert written.getvalue() == whole.getvalue()
    finally:
        store.close()


def test_account_views_read_job_changes_without_the_json_package(northwind: Path) -> None:
    """An account's job changes are read with the json module's C scanner
    (text.read_json): `wt company` and `wt path`, in a pipe or as JSON, import
    no json package."""
    import os
    import subprocess
    import sys

    for args in (
        ("company", "northwind"),
        ("company", "northwind", "--json"),
        ("path", "northwind"),
        ("path", "northwind", "--json"),
    ):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "wintogether", *args],
            capture_output=True,
            text=True,
            check=False,
            env=os.environ.copy(),
        )
        assert done.returncode == 0, done.stderr[-2000:]
        modules = {
            line.rsplit("|", 1)[1].strip()
            for line in done.stderr.splitlines()
            if line.startswith("import time:") and "|" in line
        }
        assert "json" not in modules, args
    view = json.loads(done.stdout)
    assert view


@pytest.mark.parametrize("sort", ["attention", "name", "people"])
def test_companies_tied_keep_the_name_order_of_the_company_rows(db: Path, sort: str) -> None:
    """`wt companies` reads each company's name with its figures, in name order
    (``name COLLATE NOCASE, id``), and ranks them stably: ties stay in that
    order, as in the company rows."""
    from wintogether.config import Config
    from wintogether.domain import account_list
    from wintogether.store import open_store

    names = [
        "beta", "Alpha", "Ärger", "alpha two", "ßeta", "Zulu", "ÉCOLE", "école x", "Ölwerk",
        "Straße", "STRASSE Co", "a~b", "A_b", "a[b", "İlker", "ilker two", "Ωmega", "ωmega 2",
    ]  # fmt: skip
    with Factory(db) as make:
        make.at("2026-01-05T09:00:00+00:00")
        for i, name in enumerate(names):
            for k in range(1 + i % 3):
                make.contact(f"Person {i} {k}", company=name)
    now = datetime.fromisoformat("2026-11-28T10:00:00+00:00")
    store, _ = open_store(db)
    try:
        got, total = account_list.companies_page(store, Config(), now, sort=sort)
        rows = store.conn.execute(
            "SELECT id, name FROM companies ORDER BY name COLLATE NOCASE, id"
        ).fetchall()
    finally:
        store.close()
    people = {r.company.id: r.people for r in got}
    expected = [(row[0], row[1]) for row in rows if row[0] in people]
    if sort == "attention":
        expected.sort(key=lambda r: r[1].casefold())  # every attention is the same
    elif sort == "people":
        expected.sort(key=lambda r: (-people[r[0]], r[1].casefold()))
    assert total == len(expected) >= 12  # some names are one company (same key)
    assert [(r.company.id, r.company.name) for r in got] == expected


def test_companies_imports_none_of_the_account_modules(northwind: Path) -> None:
    """`wt companies` lists from domain/account_list.py: it imports neither one
    account's modules (health, the ledger and promise stores) nor the contact
    store, and compiles no record."""
    from test_startup_imports import imported_modules

    modules, done = imported_modules("companies")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Northwind Traders" in done.stdout
    assert "wintogether.domain.account_list" in modules
    unwanted = {
        "wintogether.domain.accounts",
        "wintogether.domain.health",
        "wintogether.store.ledger",
        "wintogether.store.promises",
        "wintogether.store.contacts",
        "dataclasses",
        "json",
    }
    assert not unwanted & modules, sorted(unwanted & modules)


def test_a_persons_activity_counts_where_they_were_at_the_time(db: Path, wt: Invoke) -> None:
    """Li left Blue Yonder for Globex on 1 June: what we did with her before is
    Blue Yonder's, what came after is Globex's (conversations per month, ledger,
    wins, promises, kept on time), and Blue Yonder shows her title there."""
    with Factory(db) as make:
        make.at("2026-01-05T09:00:00+00:00")
        make.contact("Li Lei", company="Blue Yonder", title="Procurement Lead")
        make.contact("Kim Ko", company="Blue Yonder")
        make.at("2026-05-01T09:00:00+00:00")
        before = make.promise("li", "Send the pricing", due="2026-05-20")
        make.log("li", "Pricing call", at="2026-05-01T08:00", with_=["kim"])
        make.gave("li", "Benchmark report", kind="advice", at="2026-05-02")
        make.done(before)
    store, _ = open_store(db)
    try:
        with store.write("import"):
            events_store.insert_event(
                store,
                contact_id=1,
                kind="job_change",
                text="now at Globex, was at Blue Yonder",
                old_value=json.dumps({"company": "Blue Yonder", "title": "Procurement Lead"}),
                new_value=json.dumps({"company": "Globex", "title": "Head of Procurement"}),
                happened_at="2026-06-01T09:00:00Z",
                stamp="2026-06-01T09:00:00Z",
            )
    finally:
        store.close()
    with Factory(db) as make:
        make.at("2026-06-01T09:00:00+00:00")
        make.edit("li", company="Globex", title="Head of Procurement")
        make.at("2026-07-01T09:00:00+00:00")
        make.log("li", "First call at Globex", at="2026-07-01T08:00")
        make.got("li", "Referral to their CFO", kind="referral", at="2026-07-02")
        make.promise("li", "Send the Globex proposal", due="2026-12-10")
        make.win("li", "Globex pilot", mine="Pilot signed", at="2026-08-01")
    blue = json.loads(wt("company", "blue yonder", "--json").stdout)
    [li] = blue["former"]
    assert (li["title"], li["now_at"], li["left_on"]) == (
        "Procurement Lead",
        "Globex",
        "2026-06-01",
    )
    months = {m["month"]: m["count"] for m in blue["conversations_per_month"] if m["count"]}
    assert months == {"2026-05": 1}  # with Li and Kim: once
    assert [e["text"] for e in blue["ledger"]] == ["Benchmark report"]
    assert blue["wins"] == [] and blue["open_promises"]["mine"] == []
    assert blue["my_word"]["due"] == 1 and blue["my_word"]["kept_on_time"] == 1
    globex = json.loads(wt("company", "globex", "--json").stdout)
    [li_now] = globex["people"]
    assert (li_now["title"], li_now["since"]) == ("Head of Procurement", "2026-06-01")
    months = {m["month"]: m["count"] for m in globex["conversations_per_month"] if m["count"]}
    assert months == {"2026-07": 1}
    assert [e["text"] for e in globex["ledger"]] == ["Referral to their CFO"]
    assert [w["theirs"] for w in globex["wins"]] == ["Globex pilot"]
    assert [p["text"] for p in globex["open_promises"]["mine"]] == ["Send the Globex proposal"]
    assert globex["my_word"]["due"] == 0  # May's pricing was Blue Yonder's
    # Her own health still reads everything with her, wherever she was.
    assert li_now["health"]["balance"]["given"] == 1


def test_the_map_says_nobody_reports_only_when_nobody_has_a_manager(db: Path, wt: Invoke) -> None:
    with Factory(db) as make:
        make.contact("Hannah Schmidt", company="NW")
        make.contact("Dana Reyes", company="NW", reports_to="hannah")
        make.contact("Sam Okafor", company="NW", reports_to="dana")
        make.contact("Ana Silva", company="Globex")
    wt("archive", "Dana Reyes")
    out = wt("--plain", "company", "nw", "--map")
    assert "Hannah Schmidt" in out.stdout and "Sam Okafor" in out.stdout
    assert "Nobody there reports" not in out.stderr
    alone = wt("--plain", "company", "globex", "--map")
    assert "Nobody there reports to anyone yet" in alone.stderr


def test_a_company_whose_name_starts_with_merge_is_shown(db: Path, wt: Invoke) -> None:
    with Factory(db) as make:
        make.contact("Ana Silva", company="Merge Labs")
    assert wt("--plain", "company", "merge", "labs").stdout.startswith("Merge Labs")
    bad = wt("company", "merge", "nothing", "here", "now", ok=False)
    assert bad.exit_code == 2 and "takes two companies" in bad.stderr
