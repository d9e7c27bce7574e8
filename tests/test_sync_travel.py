"""What only wintogether knows travels between two databases syncing one vdir.

A contact's how-met, met-on, introducer, cadence, archive and creation date
ride on its vCard as X-WINTOGETHER- properties; a card from another app
(with none of them) leaves them as they are.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import test_records
import test_sync
from conftest import Invoke, NewDatabase
from test_sync import Side, dana_uid
from test_sync_patch import PHONE_CARD
from wintogether.domain.sync import apply
from wintogether.domain.sync.items import LOCAL_ONLY
from wintogether.formats import vcard
from wintogether.store import Store, open_store, records

sides = test_sync.sides  # two databases and one vdir

ADDED = "2026-06-01T10:00:00+00:00"
LATER = "2026-11-28T11:00:00+00:00"
EVEN_LATER = "2026-11-28T12:00:00+00:00"


def _local(value: Any) -> Any:
    """A JSON answer without what is local to one database (ids, last change)."""
    if isinstance(value, dict):
        return {k: _local(v) for k, v in value.items() if k not in ("id", "updated_at")}
    if isinstance(value, list):
        return [_local(v) for v in value]
    return value


def _card(vdir: Path, side: Side) -> Path:
    return vdir / "contacts" / f"{dana_uid(side)}.vcf"


def _profile(laptop: Side) -> None:
    laptop("add", "Sam Okafor", at=ADDED)
    laptop("add", "Dana Reyes", "--company", "Northwind", at=ADDED)
    laptop("edit", "dana", "--every", "2w", "--met", "SaaStr, booth 12; then dinner\nin SF",
           "--via", "sam", at=ADDED)  # fmt: skip
    conn = sqlite3.connect(laptop.path)
    with conn:
        conn.execute("UPDATE contacts SET met_on = '2024-09-10' WHERE name = 'Dana Reyes'")
    conn.close()
    laptop("add", "Lee Park", at=ADDED)
    laptop("archive", "lee", at=ADDED)


def test_the_fields_only_wintogether_has_travel(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _profile(laptop)
    laptop("sync", str(vdir))
    text = _card(vdir, laptop).read_bytes().decode()
    assert "X-WINTOGETHER-CADENCE-DAYS:14\r\n" in text
    assert "X-WINTOGETHER-HOW-MET:SaaStr\\, booth 12\\; then dinner\\nin SF\r\n" in text
    assert "X-WINTOGETHER-MET-ON:2024-09-10\r\n" in text
    sam = str(laptop.rows("SELECT uid FROM contacts WHERE name = 'Sam Okafor'")[0][0])
    assert f"X-WINTOGETHER-INTRODUCED-BY:{sam}\r\n" in text
    assert "X-WINTOGETHER-CREATED:2026-06-01T10:00:00Z\r\n" in text

    desktop("sync", str(vdir), at=LATER)
    for args in (("show", "dana"), ("show", "lee"), ("neglected",), ("balance",)):
        assert _local(desktop.json(*args, at=LATER)) == _local(laptop.json(*args, at=LATER))
    dana = desktop.json("show", "dana", at=LATER)
    assert dana["contact"]["how_met"] == "SaaStr, booth 12; then dinner\nin SF"
    assert dana["contact"]["met_on"] == "2024-09-10"
    assert dana["contact"]["cadence_days"] == 14
    assert dana["contact"]["introduced_by"]["name"] == "Sam Okafor"
    assert "added 180 days ago" in dana["attention"]["reason"]
    assert desktop.json("show", "lee", at=LATER)["contact"]["archived_at"] is not None
    assert [c["name"] for c in desktop.json("contacts", at=LATER)] == [
        c["name"] for c in laptop.json("contacts", at=LATER)
    ]
    # Nothing left to do on either side.
    for side in (laptop, desktop):
        assert "sent 0, received 0" in side("sync", str(vdir), at=LATER).stderr


def test_edits_and_clears_travel_back(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _profile(laptop)
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at=LATER)
    desktop("edit", "dana", "--every", "monthly", "--clear", "how_met", "--clear", "introduced_by",
            at=EVEN_LATER)  # fmt: skip
    desktop("unarchive", "lee", at=EVEN_LATER)
    desktop("sync", str(vdir), at=EVEN_LATER)
    assert "received 2" in laptop("sync", str(vdir), at=EVEN_LATER).stderr
    dana = laptop.json("show", "dana", at=EVEN_LATER)["contact"]
    assert (dana["cadence_days"], dana["how_met"], dana["introduced_by"]) == (30, None, None)
    assert dana["met_on"] == "2024-09-10"
    assert laptop.json("show", "lee", at=EVEN_LATER)["contact"]["archived_at"] is None


def test_a_card_from_another_app_leaves_our_fields_alone(sides: tuple[Side, Side, Path]) -> None:
    laptop, _desktop, vdir = sides
    _profile(laptop)
    laptop("sync", str(vdir))
    # A CardDAV client rewrites the card from scratch, knowing none of our properties.
    _card(vdir, laptop).write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{dana_uid(laptop)}\r\nFN:Dana Reyes\r\n"
        "N:Reyes;Dana;;;\r\nORG:Initech\r\nEND:VCARD\r\n"
    )
    assert "received 1" in laptop("sync", str(vdir), at=LATER).stderr
    dana = laptop.json("show", "dana", at=LATER)["contact"]
    assert dana["company"] == "Initech"
    assert (dana["cadence_days"], dana["met_on"]) == (14, "2024-09-10")
    assert dana["how_met"] == "SaaStr, booth 12; then dinner\nin SF"
    assert dana["introduced_by"]["name"] == "Sam Okafor"
    assert dana["created_at"].startswith("2026-06-01")
    # A new card from such a client is a plain new contact.
    (vdir / "contacts" / "from-the-phone.vcf").write_text(PHONE_CARD.replace("dana-phone-1", "p1"))
    assert "received 1" in laptop("sync", str(vdir), at=LATER).stderr
    new = laptop.rows("SELECT cadence_days, how_met, archived_at FROM contacts WHERE uid = 'p1'")
    assert new == [(None, None, None)]


def test_a_phone_rewrite_keeping_unknown_properties_keeps_ours(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _profile(laptop)
    laptop("sync", str(vdir))
    card = _card(vdir, laptop)
    # The phone edits the title and adds a photo, keeping the X- lines it does not know.
    lines = card.read_bytes().decode().split("\r\n")
    lines = [line for line in lines if not line.startswith(("TITLE", "END:VCARD"))]
    lines += ["TITLE:CFO", "NICKNAME:Dee", "END:VCARD", ""]
    card.write_text("\r\n".join(lines))
    desktop("sync", str(vdir), at=LATER)
    assert "received 1" in laptop("sync", str(vdir), at=LATER).stderr
    for side in (laptop, desktop):
        dana = side.json("show", "dana", at=LATER)["contact"]
        assert (dana["title"], dana["cadence_days"], dana["met_on"]) == ("CFO", 14, "2024-09-10")
    # A local edit patches the phone's card: its lines and ours both stay.
    laptop("edit", "dana", "--every", "3w", at=EVEN_LATER)
    laptop("sync", str(vdir), at=EVEN_LATER)
    text = card.read_bytes().decode()
    assert "NICKNAME:Dee\r\n" in text and "TITLE:CFO\r\n" in text
    assert "X-WINTOGETHER-CADENCE-DAYS:21\r\n" in text
    assert text.count("X-WINTOGETHER-CADENCE-DAYS") == 1
    desktop("sync", str(vdir), at=EVEN_LATER)
    assert desktop.json("show", "dana", at=EVEN_LATER)["contact"]["cadence_days"] == 21


def test_our_fields_from_a_file_are_checked_like_typed_ones(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _profile(laptop)
    laptop("sync", str(vdir))
    card = _card(vdir, laptop)
    good = card.read_bytes().decode()
    for bad, reason in (
        ("X-WINTOGETHER-CADENCE-DAYS:0", "cadence"),
        ("X-WINTOGETHER-CADENCE-DAYS:often", "cadence"),
        ("X-WINTOGETHER-CADENCE-DAYS:99999999999", "cadence"),  # `--every` stops at 9999y
        ("X-WINTOGETHER-MET-ON:0999-01-01", "not a date the program accepts"),
        ("X-WINTOGETHER-CREATED:yesterday", "not a date the program accepts"),
        ("X-WINTOGETHER-HOW-MET:a\x00b", "NUL"),
        ("X-WINTOGETHER-HOW-MET:" + "x" * 1_000_001, "too long"),
    ):
        name = bad.split(":")[0]
        lines = [line for line in good.split("\r\n") if not line.startswith(name)]
        card.write_bytes("\r\n".join([*lines[:-2], bad, *lines[-2:]]).encode())
        out = desktop("sync", str(vdir), "--json", at=LATER)
        skipped = [c for c in json.loads(out.stdout)["changes"] if c["action"] == "skipped"]
        assert reason in skipped[0]["detail"], (bad, skipped)
        assert desktop.rows("SELECT count(*) FROM contacts WHERE name = 'Dana Reyes'") == [(0,)]


# -- ledger entries, wins and timeline events: the history/ collection -------------------


def _history(laptop: Side, tmp: Path) -> None:
    _profile(laptop)
    laptop("edit", "dana", "--email", "dana@northwind.example", at=ADDED)
    laptop("log", "dana", "Kickoff", at="2026-10-01T10:00:00+00:00")
    laptop("gave", "dana", "Intro to Sam, for EMEA", "--kind", "intro", "--to", "sam",
           at="2026-10-02T10:00:00+00:00")  # fmt: skip
    laptop("got", "dana", "A referral to Initech", "--kind", "referral",
           at="2026-10-03T10:00:00+00:00")  # fmt: skip
    laptop("win", "dana", "Renewed early", "--mine", "Quota; met", at="2026-10-04T10:00:00+00:00")
    moved = tmp / "dana-new.vcf"
    moved.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Reyes\r\nEMAIL:dana@northwind.example\r\n"
        "ORG:Initech\r\nTITLE:VP Sales\r\nEND:VCARD\r\n"
    )
    laptop("import", str(moved), at="2026-10-05T10:00:00+00:00")


def _rows(side: Side, table: str) -> list[tuple[object, ...]]:
    columns = {
        "ledger": "l.uid, c.uid, t.uid, direction, kind, text, happened_at, l.created_at"
        " FROM ledger l JOIN contacts c ON c.id = l.contact_id"
        " LEFT JOIN contacts t ON t.id = l.to_contact_id",
        "wins": "w.uid, c.uid, theirs, mine, happened_at, w.created_at"
        " FROM wins w JOIN contacts c ON c.id = w.contact_id",
        "contact_events": "e.uid, c.uid, kind, text, old_value, new_value, happened_at,"
        " e.created_at FROM contact_events e JOIN contacts c ON c.id = e.contact_id",
    }[table]
    return sorted(side.rows(f"SELECT {columns}"), key=str)


def _records_left(vdir: Path) -> list[str]:
    """The history items in the folder but companies (which outlive their people)."""
    return [
        p.name
        for p in (vdir / "history").iterdir()
        if "X-WINTOGETHER-RECORD:companies" not in p.read_text()
    ]


def test_ledger_wins_and_job_changes_travel(sides: tuple[Side, Side, Path], tmp_path: Path) -> None:
    laptop, desktop, vdir = sides
    _history(laptop, tmp_path)
    out = laptop("sync", str(vdir), at=LATER)
    assert len(list((vdir / "history").iterdir())) == 4  # 2 ledger entries, 1 win, 1 job change
    entry = next(p for p in (vdir / "history").iterdir() if "Intro to Sam" in p.read_text())
    text = entry.read_bytes().decode()
    assert "BEGIN:VJOURNAL" in text and "X-WINTOGETHER-RECORD:ledger\r\n" in text
    assert f"X-WINTOGETHER-CONTACT:{dana_uid(laptop)}\r\n" in text
    assert "X-WINTOGETHER-TEXT:Intro to Sam\\, for EMEA\r\n" in text
    assert "sent 8" in out.stderr  # 3 contacts, 1 conversation, 4 history items

    desktop("sync", str(vdir), at=LATER)
    for table in ("ledger", "wins", "contact_events"):
        assert _rows(desktop, table) == _rows(laptop, table), table
    for args in (("show", "dana"), ("neglected",), ("balance",), ("history",)):
        assert _local(desktop.json(*args, at=LATER)) == _local(laptop.json(*args, at=LATER)), args
    assert desktop.json("balance", at=LATER)["rows"][0]["given_by_kind"] == {"intro": 1}
    for side in (laptop, desktop):
        assert "sent 0, received 0, deleted 0" in side("sync", str(vdir), at=LATER).stderr


def test_edits_undo_and_forget_of_records_travel(
    sides: tuple[Side, Side, Path], tmp_path: Path
) -> None:
    laptop, desktop, vdir = sides
    _history(laptop, tmp_path)
    laptop("log", "sam", "Catch-up", at=ADDED)
    laptop("sync", str(vdir), at=LATER)
    desktop("sync", str(vdir), at=LATER)
    # Edited on the desktop (as a merge or a fix does: the row and its change time).
    conn = sqlite3.connect(desktop.path)
    with conn:
        conn.execute("UPDATE wins SET mine = 'A bigger quota', updated_at = '2026-11-28T11:30:00Z'")
    conn.close()
    desktop("gave", "dana", "Advice on pricing", "--kind", "advice", at=EVEN_LATER)
    desktop("undo", at=EVEN_LATER)  # taken back before any sync: it never travels
    assert "sent 1, received 0" in desktop("sync", str(vdir), at=EVEN_LATER).stderr
    assert "received 1" in laptop("sync", str(vdir), at=EVEN_LATER).stderr
    assert laptop.rows("SELECT mine FROM wins") == [("A bigger quota",)]
    # Added on the laptop, travelled, then undone there: deleted on the desktop too.
    laptop("got", "dana", "Lunch", "--kind", "gift", at=EVEN_LATER)
    laptop("sync", str(vdir), at=EVEN_LATER)
    desktop("sync", str(vdir), at=EVEN_LATER)
    assert desktop.rows("SELECT count(*) FROM ledger WHERE text = 'Lunch'") == [(1,)]
    laptop("undo", at=EVEN_LATER)
    assert "deleted 1" in laptop("sync", str(vdir), at=EVEN_LATER).stderr
    assert "deleted 1" in desktop("sync", str(vdir), at=EVEN_LATER).stderr
    assert desktop.rows("SELECT count(*) FROM ledger WHERE text = 'Lunch'") == [(0,)]
    for table in ("ledger", "wins", "contact_events"):
        assert _rows(desktop, table) == _rows(laptop, table), table
    # Forgotten on the desktop: the person and their records go from the folder.
    desktop("forget", "lee", "--yes", at=EVEN_LATER)
    desktop("forget", "dana", "--yes", at=EVEN_LATER)
    desktop("sync", str(vdir), at=EVEN_LATER)
    assert _records_left(vdir) == []
    out = laptop.json("sync", str(vdir), at=EVEN_LATER)
    # The laptop keeps Dana archived with her history (a deletion from elsewhere
    # never destroys history), and does not send it back out.
    archived = [c for c in out["changes"] if "archived here" in c["detail"]]
    assert [c["name"] for c in archived] == ["Dana Reyes"]
    assert len(_rows(laptop, "ledger")) == 2
    assert _records_left(vdir) == []
    assert "sent 0, received 0, deleted 0" in laptop("sync", str(vdir), at=EVEN_LATER).stderr
    assert "sent 0, received 0, deleted 0" in desktop("sync", str(vdir), at=EVEN_LATER).stderr


# -- every column travels unless it is listed as local ------------------------------------

full = test_records.full  # one row in every table, every column filled


def _carried(table: str) -> set[str]:
    """The columns of ``table`` a sync carries, by how each kind of item is written."""
    if table == "contacts":  # the card: standard properties and our X- ones
        return {"uid", "name", "company", "title", "birthday", "notes", *vcard.X_FIELDS}
    if table == "companies":  # made from the names on the cards
        return {"name"}
    if table == "interactions":  # the journal entry
        return {"uid", "happened_at", "channel", "note", "created_at"}
    if table == "promises":  # the to-do
        return {"uid", "contact_id", "interaction_id", "text", "due_on", "owner", "status",
                "done_at", "done_note", "created_at"}  # fmt: skip
    # A history record: every mapped column but the fields kept local.
    from wintogether.domain.sync.scan import record_fields
    from wintogether.store.sync import HISTORY

    fields = set(record_fields(HISTORY[table][0]))
    return {column for column, key in records.COLUMNS[table].items() if key in fields}


# Every table the JSON export maps (records.COLUMNS), not only those LOCAL_ONLY
# lists: a new table that neither travels nor says what stays local fails here.
# (Deals and plan templates once passed unnoticed: the check went through
# LOCAL_ONLY's tables, and they were not in it.)
@pytest.mark.parametrize("table", sorted(records.COLUMNS))
def test_every_column_travels_or_is_listed_as_local(full: Store, table: str) -> None:
    assert table in LOCAL_ONLY, f"{table}: not in LOCAL_ONLY (does it travel?)"
    columns = test_records.columns(full.conn, table)
    assert columns - LOCAL_ONLY[table] <= _carried(table), (
        f"{table}: a column neither carried by sync nor listed in LOCAL_ONLY"
    )
    assert LOCAL_ONLY[table] <= columns


def test_a_new_table_that_does_not_travel_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(records.COLUMNS, "forecasts", {"uid": "uid", "amount": "amount"})
    assert set(records.COLUMNS) - set(LOCAL_ONLY) == {"forecasts"}


def test_a_new_column_that_does_not_travel_is_noticed(full: Store) -> None:
    with full.write_unjournaled():
        full.conn.execute("ALTER TABLE contacts ADD COLUMN priority INTEGER")
    columns = test_records.columns(full.conn, "contacts")
    assert columns - LOCAL_ONLY["contacts"] - _carried("contacts") == {"priority"}


def test_a_full_database_arrives_whole(full: Store, tmp_path: Path) -> None:
    """Every record field of every table, filled, reaches the other database
    (but the local ones), through the folder alone."""
    from wintogether.domain.sync import sync

    vdir = tmp_path / "vdir"
    now = datetime(2026, 11, 21, tzinfo=UTC)
    sync(full, vdir, now)
    other, _ = open_store(tmp_path / "other.db", create=True)
    try:
        sync(other, vdir, now)
        with full.read():
            sent = test_records.all_records(full)
        with other.read():
            got = test_records.all_records(other)
    finally:
        other.close()

    def shared(table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        local = {records.COLUMNS[table].get(c, c) for c in LOCAL_ONLY.get(table, set())}
        local |= {"id", "updated_at"}
        out = [{k: v for k, v in r.items() if k not in local} for r in rows]
        for record in out:
            if "extras" in record:  # vCard property names are case-insensitive
                record["extras"] = [[k.upper(), v] for k, v in record["extras"]]
        return sorted(out, key=str)

    assert sent["deals"] and sent["deal_steps"] and sent["plan_templates"]
    for table in sent:
        assert len(got[table]) == len(sent[table]), table
        for a, b in zip(shared(table, got[table]), shared(table, sent[table]), strict=True):
            assert a == b, (table, {k: (a.get(k), b.get(k)) for k in a | b if a.get(k) != b.get(k)})


# -- one validation for every way in ------------------------------------------------------


def test_records_from_a_file_are_checked_and_the_export_imports_back(
    sides: tuple[Side, Side, Path],
    tmp_path: Path,
    wt: Invoke,
    monkeypatch: pytest.MonkeyPatch,
    new_database: NewDatabase,
) -> None:
    laptop, desktop, vdir = sides
    _history(laptop, tmp_path)
    laptop("sync", str(vdir), at=LATER)
    entry = next(p for p in (vdir / "history").iterdir() if "Intro to Sam" in p.read_text())
    good = entry.read_bytes().decode()
    for bad, reason in (
        (good.replace("X-WINTOGETHER-TEXT:Intro", "X-WINTOGETHER-TEXT:In\x00tro"), "NUL"),
        (good.replace("X-WINTOGETHER-TEXT:Intro", "X-WINTOGETHER-TEXT:" + "x" * 1_000_001),
         "too long"),
        (good.replace("DTSTART:2026", "DTSTART:0999"), "is not a UTC timestamp like"),
        (good.replace("X-WINTOGETHER-DIRECTION:gave", "X-WINTOGETHER-DIRECTION:took"),
         "direction 'took' is not one of gave, got"),
        (good.replace("X-WINTOGETHER-RECORD:ledger", "X-WINTOGETHER-RECORD:forecasts"),
         "an unknown kind of record"),
        (good.replace("X-WINTOGETHER-RECORD:ledger", "X-WINTOGETHER-RECORD:deals"),
         "missing or empty title"),
    ):  # fmt: skip
        entry.write_bytes(bad.encode())
        out = json.loads(desktop("sync", str(vdir), "--json", at=LATER).stdout)
        skipped = [c for c in out["changes"] if c["action"] == "skipped"]
        assert len(skipped) == 1 and reason in skipped[0]["detail"], (reason, skipped)
        assert desktop.rows("SELECT count(*) FROM ledger WHERE direction = 'gave'") == [(0,)]
    entry.write_bytes(good.encode())
    desktop("sync", str(vdir), at=LATER)
    assert len(_rows(desktop, "ledger")) == 2
    # What came in by sync goes out and in again by the user's own export.
    export = tmp_path / "desktop.json"
    export.write_text(desktop("export", "--format", "json", at=LATER).stdout)
    third = Side(new_database(tmp_path / "third.db"), wt, monkeypatch)
    out = third("import", str(export), at=LATER)
    assert "problem" not in out.stderr.lower() and "skipped" not in out.stderr.lower()
    for table in ("ledger", "wins", "contact_events"):
        assert _rows(third, table) == _rows(desktop, table), table
    assert _local(third.json("show", "dana", at=LATER)) == _local(
        desktop.json("show", "dana", at=LATER)
    )


def test_an_import_refuses_a_record_field_a_sync_would(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    wt("add", "Dana Reyes")
    export = json.loads(wt("export", "--format", "json").stdout)
    dana = export["contacts"][0]["uid"]
    stamp = "2026-11-20T09:00:00Z"
    export["wins"] = [
        {"uid": "w1", "contact": dana, "theirs": "Re\x00newed", "mine": "Quota",
         "happened_at": stamp, "created_at": stamp, "updated_at": stamp}
    ]  # fmt: skip
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(export))
    out = wt("import", str(path), ok=False)
    assert out.exit_code != 0
    assert "wins record 1: The theirs contains a NUL character" in out.stderr
    assert "Nothing was imported" in out.stderr


def test_after_the_upgrade_cards_and_to_dos_go_out_once_more(
    sides: tuple[Side, Side, Path], tmp_path: Path
) -> None:
    """Files written before the fields only wintogether has travelled are written
    again (patched) by the first sync after the upgrade, so the other database
    gets cadence and the rest without waiting for an edit of each contact."""
    from sqlite_utils import Database

    from wintogether.store import migrations

    laptop, _desktop, vdir = sides
    _history(laptop, tmp_path)
    laptop("follow-up", "dana", "Send the deck", "--due", "2026-12-01", at=LATER)
    (vdir / "promises").mkdir(parents=True)
    (vdir / "promises" / "made-elsewhere.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:made-elsewhere\r\n"
        "SUMMARY:Call about pilot\r\nDUE;VALUE=DATE:20261210\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )
    laptop("sync", str(vdir), at=LATER)
    assert "sent 0, received 0" in laptop("sync", str(vdir), at=LATER).stderr
    conn = sqlite3.connect(laptop.path)
    with conn:  # the rebuild of m012, run once more, clears the versions as on an upgrade
        migrations.m012_sync_history(Database(conn))
    conn.close()
    assert laptop.rows(
        "SELECT kind, count(*) FROM sync_state WHERE db_version = '' GROUP BY kind ORDER BY kind"
    ) == [("contact", 3), ("promise", 1)]
    again = laptop("sync", str(vdir), at=LATER)
    assert "sent 4, received 0, deleted 0" in again.stderr  # not the unmatched to-do
    assert laptop.rows("SELECT db_version FROM sync_state WHERE uid = 'made-elsewhere'") == [
        ("unmatched",)
    ]
    assert "sent 0, received 0, deleted 0" in laptop("sync", str(vdir), at=LATER).stderr


def test_companies_travel_by_name_and_a_merge_follows(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    # Each database makes "Northwind" on its own, from a contact's company name.
    laptop("add", "Dana Reyes", "--company", "Northwind Traders", at=ADDED)
    laptop("add", "Lee Park", "--company", "Northwind", at=ADDED)
    desktop("add", "Ana Silva", "--company", "Northwind Inc.", at=ADDED)
    laptop("sync", str(vdir), at=LATER)
    desktop("sync", str(vdir), at=LATER)
    laptop("sync", str(vdir), at=LATER)
    assert list((vdir / "history").iterdir()) == []  # the names on the cards say it all
    for side in (laptop, desktop):
        assert side.rows("SELECT count(*) FROM companies") == [(2,)]
    # Merged on the laptop: the desktop merges them too, and its people follow.
    assert laptop.rows("SELECT key FROM companies ORDER BY key") == desktop.rows(
        "SELECT key FROM companies ORDER BY key"
    )
    laptop("company", "merge", "Northwind Traders", "Northwind", at=EVEN_LATER)
    out = laptop("sync", str(vdir), at=EVEN_LATER)
    assert "sent 1" in out.stderr, out.stderr  # the company, with its alias
    desktop("sync", str(vdir), at=EVEN_LATER)
    merged = [
        side.rows(
            "SELECT c.name, group_concat(a.alias), group_concat(a.key) FROM companies c"
            " LEFT JOIN company_aliases a ON a.company_id = c.id GROUP BY c.id"
        )
        for side in (laptop, desktop)
    ]
    assert merged[0] == merged[1]
    assert [(name, key) for name, _, key in merged[0]] == [("Northwind Traders", "northwind")]
    for side in (laptop, desktop):
        people = side.rows(
            "SELECT count(*) FROM contacts WHERE company_id = (SELECT id FROM companies)"
        )
        assert people == [(3,)]
    assert len(list((vdir / "history").iterdir())) == 1
    for side in (laptop, desktop):
        assert "sent 0, received 0, deleted 0" in side("sync", str(vdir), at=EVEN_LATER).stderr


def test_the_account_map_travels(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    laptop("add", "Hannah Schmidt", "--company", "Northwind", at=ADDED)
    laptop("add", "Dana Reyes", "--company", "Northwind", "--role", "champion",
           "--reports-to", "hannah", at=ADDED)  # fmt: skip
    laptop("sync", str(vdir))
    text = _card(vdir, laptop).read_bytes().decode()
    hannah = str(laptop.rows("SELECT uid FROM contacts WHERE name = 'Hannah Schmidt'")[0][0])
    assert "X-WINTOGETHER-ACCOUNT-ROLE:champion\r\n" in text
    assert f"X-WINTOGETHER-REPORTS-TO:{hannah}\r\n" in text
    desktop("sync", str(vdir), at=LATER)
    # Dana's card may arrive before Hannah's: her manager is linked once both are in.
    assert desktop.rows(
        "SELECT c.account_role, m.name FROM contacts c JOIN contacts m ON m.id = c.reports_to"
    ) == [("champion", "Hannah Schmidt")]
    desktop("edit", "dana", "--role", "blocker", "--clear", "reports_to", at=EVEN_LATER)
    desktop("sync", str(vdir), at=EVEN_LATER)
    assert "received 1" in laptop("sync", str(vdir), at=EVEN_LATER).stderr
    assert laptop.rows(
        "SELECT account_role, reports_to FROM contacts WHERE name = 'Dana Reyes'"
    ) == [("blocker", None)]


def test_a_card_with_an_unknown_role_is_refused(sides: tuple[Side, Side, Path]) -> None:
    laptop, _desktop, vdir = sides
    laptop("add", "Dana Reyes", "--company", "Northwind", "--role", "champion", at=ADDED)
    laptop("sync", str(vdir))
    card = _card(vdir, laptop)
    card.write_bytes(card.read_bytes().replace(b"ACCOUNT-ROLE:champion", b"ACCOUNT-ROLE:kingmaker"))
    out = laptop("sync", str(vdir), at=LATER)
    assert "the account role 'kingmaker' is not one of" in out.stderr
    assert laptop.rows("SELECT account_role FROM contacts") == [("champion",)]


def _export(side: Side, path: Path, at: str) -> dict[str, list[str]]:
    """``wt export --format json``, less what stays on each computer (each row's
    last change, its company record's uid; the company records themselves)."""
    side("export", "--format", "json", "-o", str(path), at=at)
    data = json.loads(path.read_text())
    out: dict[str, list[str]] = {}
    for section, rows in data.items():
        if not isinstance(rows, list) or section == "companies":
            continue
        kept = [
            {k: v for k, v in row.items() if k not in ("updated_at", "company_uid")} for row in rows
        ]
        for row in kept:
            if "extras" in row:  # vCard property names are case-insensitive
                row["extras"] = [[k.upper(), v] for k, v in row["extras"]]
        out[section] = sorted(json.dumps(row, sort_keys=True) for row in kept)
    return out


def test_both_exports_say_the_same_after_edits_on_both_and_a_conflict(
    full: Store, tmp_path: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch,
    new_database: NewDatabase,
) -> None:  # fmt: skip
    """A database with every table and column filled syncs to a new one; both
    change things (different fields, one the same field); after the rounds, the
    two JSON exports are the same but for what docs/sync.md says stays local."""
    full.close()
    laptop = Side(full.path, wt, monkeypatch)
    desktop = Side(new_database(tmp_path / "desktop.db"), wt, monkeypatch)
    vdir = tmp_path / "vdir"
    laptop("sync", str(vdir), at=LATER)
    desktop("sync", str(vdir), at=LATER)
    name = str(desktop.rows("SELECT name FROM contacts WHERE archived_at IS NULL LIMIT 1")[0][0])
    laptop("edit", name, "--title", "Laptop title", "--every", "3w", at="2026-11-28T11:10:00+00:00")
    desktop("edit", name, "--title", "Desktop title", "--met", "On a train",
            at="2026-11-28T11:20:00+00:00")  # fmt: skip
    laptop("gave", name, "A warm intro", at="2026-11-28T11:10:00+00:00")
    desktop("win", name, "They shipped", "--mine", "A case study", at="2026-11-28T11:20:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T11:30:00+00:00")
    out = desktop("sync", str(vdir), at="2026-11-28T11:40:00+00:00")
    assert f"conflicts 1: {name}, title" in out.stderr
    for at in ("2026-11-28T11:50:00+00:00", "2026-11-28T12:00:00+00:00"):
        laptop("sync", str(vdir), at=at)
        desktop("sync", str(vdir), at=at)
    mine = _export(laptop, tmp_path / "laptop.json", EVEN_LATER)
    theirs = _export(desktop, tmp_path / "desktop.json", EVEN_LATER)
    for section in mine:
        for a, b in zip(mine[section], theirs[section], strict=True):
            one, two = json.loads(a), json.loads(b)
            assert one == two, (
                section,
                {k: (one[k], two.get(k)) for k in one if one[k] != two.get(k)},
            )
    contact = next(json.loads(c) for c in mine["contacts"] if json.loads(c)["name"] == name)
    # Both fields changed on one side only survive; the later title wins.
    assert (contact["title"], contact["cadence_days"], contact["how_met"]) == (
        "Desktop title",
        21,
        "On a train",
    )
    conflicts = [json.loads(e) for e in mine["events"] if '"sync_conflict"' in e]
    assert [e["old_value"] for e in conflicts] == ["title: Laptop title"]


def test_an_import_refuses_a_cadence_no_command_takes(db: Path, wt: Invoke, tmp_path: Path) -> None:
    wt("add", "Dana Reyes", "--every", "9999y")
    export = json.loads(wt("export", "--format", "json").stdout)
    assert export["contacts"][0]["cadence_days"] == 9999 * 365  # the longest there is
    export["contacts"][0]["cadence_days"] = 9999 * 365 + 1
    path = tmp_path / "long.json"
    path.write_text(json.dumps(export))
    out = wt("import", str(path), ok=False)
    assert "cadence_days is over 3,649,635 days" in out.stderr


@pytest.mark.parametrize(
    "desktop_keeps,aliases",
    [
        # merged each way round: "Northwind" sorts first and stays on both
        ("Northwind", ["Northwind Traders"]),
        # "Northwind" merged into another name on each side
        ("NW Inc", ["NW Inc", "Northwind"]),
    ],
)
def test_a_company_merged_two_ways_on_two_computers_settles_as_one(
    sides: tuple[Side, Side, Path], desktop_keeps: str, aliases: list[str]
) -> None:
    # The desktop renamed its record to the laptop's name without its key: the
    # two kept a file each for one company, sent and received on every sync.
    laptop, desktop, vdir = sides
    laptop("add", "Dana Reyes", "--company", "Northwind Traders", at=ADDED)
    laptop("add", "Marcus Oneil", "--company", "Northwind", at=ADDED)
    laptop("add", "Sam Okafor", "--company", "NW Inc", at=ADDED)
    laptop("sync", str(vdir), at=LATER)
    desktop("sync", str(vdir), at=LATER)
    laptop("company", "merge", "Northwind Traders", "Northwind", at=EVEN_LATER)
    desktop("company", "merge", desktop_keeps, "Northwind Traders" if desktop_keeps ==
            "Northwind" else "Northwind", at=EVEN_LATER)  # fmt: skip
    outs = []
    for minute in range(10, 60, 10):
        for side in (laptop, desktop):
            out = side("sync", str(vdir), at=f"2026-11-28T13:{minute}:00+00:00")
            outs.append(out.stderr.strip().splitlines()[-1])
    # (into two names: the third name settles a round later)
    assert outs[-3:] == ["sent 0, received 0, deleted 0, conflicts 0"] * 3
    names = "SELECT c.name, (SELECT group_concat(a.alias, '|') FROM (SELECT alias FROM"
    names += " company_aliases a WHERE a.company_id = c.id ORDER BY a.key) a) FROM companies c ORDER BY 1"
    assert laptop.rows(names) == desktop.rows(names)
    assert "Skipped" not in " ".join(outs)


_COMPANIES = (
    "SELECT c.name, (SELECT group_concat(a.alias, '|') FROM (SELECT alias FROM company_aliases a"
    " WHERE a.company_id = c.id ORDER BY a.key) a),"
    " (SELECT group_concat(p.name, '|') FROM (SELECT name FROM contacts p"
    " WHERE p.company_id = c.id ORDER BY p.name) p) FROM companies c ORDER BY 1"
)


def _people_at(laptop: Side, desktop: Side, vdir: Path, *people: tuple[str, str]) -> None:
    """(name, company) added on the laptop, and both computers synced."""
    for name, company in people:
        laptop("add", name, "--company", company, at=ADDED)
    laptop("sync", str(vdir), at=LATER)
    desktop("sync", str(vdir), at=LATER)


def _settle(laptop: Side, desktop: Side, vdir: Path, hour: int) -> list[str]:
    """Four rounds; what each sync said last."""
    outs = []
    for minute in range(10, 50, 10):
        for side in (laptop, desktop):
            out = side("sync", str(vdir), at=f"2026-11-28T{hour}:{minute}:00+00:00")
            outs.append(out.stderr.strip().splitlines()[-1])
    return outs


@pytest.mark.parametrize("undone_on", ["laptop", "desktop"])
def test_a_company_merge_undone_after_it_travelled_is_undone_on_both(
    sides: tuple[Side, Side, Path], undone_on: str
) -> None:
    """`wt company merge Acme Bcorp` synced, then undone (the merge itself on
    the laptop, or on the desktop the sync that brought it): Bcorp is its own
    company again on both computers, with Bob, and stays so."""
    laptop, desktop, vdir = sides
    laptop("add", "Ann Lee", "--company", "Acme", at=ADDED)
    laptop("add", "Bob Ray", "--company", "Bcorp", at=ADDED)
    laptop("gave", "Ann Lee", "A tip", "--kind", "advice", at=ADDED)
    laptop("sync", str(vdir), at=LATER)
    desktop("sync", str(vdir), at=LATER)
    laptop("company", "merge", "Acme", "Bcorp", at=EVEN_LATER)
    laptop("sync", str(vdir), at="2026-11-28T12:05:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T12:06:00+00:00")
    assert desktop.rows(_COMPANIES) == [("Acme", "Bcorp", "Ann Lee|Bob Ray")]
    (laptop if undone_on == "laptop" else desktop)("undo", at="2026-11-28T12:30:00+00:00")
    outs = _settle(laptop, desktop, vdir, 13)
    assert outs[-2:] == ["sent 0, received 0, deleted 0, conflicts 0"] * 2, outs
    for side in (laptop, desktop):
        assert side.rows(_COMPANIES) == [("Acme", None, "Ann Lee"), ("Bcorp", None, "Bob Ray")]
    # Acme's entry stays, naming no other name (a deleted one would not say
    # whether the merge was undone or Acme renamed).
    entries = [
        path.read_text(encoding="utf-8")
        for path in (vdir / "history").iterdir()
        if "RECORD:companies" in path.read_text(encoding="utf-8")
    ]
    assert len(entries) == 1 and "UID:company:acme" in entries[0], entries
    assert "ALIASES" not in entries[0], entries[0]


def test_two_names_merged_into_one_company_on_two_computers_are_both_kept(
    sides: tuple[Side, Side, Path],
) -> None:
    """Bcorp merged into Acme on the laptop, Ccorp into Acme on the desktop,
    before either had heard of the other: Acme has both other names on both."""
    laptop, desktop, vdir = sides
    _people_at(
        laptop, desktop, vdir, ("Ann Lee", "Acme"), ("Bob Ray", "Bcorp"), ("Cat Roe", "Ccorp")
    )
    laptop("company", "merge", "Acme", "Bcorp", at=EVEN_LATER)
    desktop("company", "merge", "Acme", "Ccorp", at=EVEN_LATER)
    outs = _settle(laptop, desktop, vdir, 13)
    assert outs[-2:] == ["sent 0, received 0, deleted 0, conflicts 0"] * 2, outs
    assert all("conflicts 0" in out for out in outs), outs
    for side in (laptop, desktop):
        assert side.rows(_COMPANIES) == [("Acme", "Bcorp|Ccorp", "Ann Lee|Bob Ray|Cat Roe")]


def test_one_of_two_merges_undone_leaves_the_other(sides: tuple[Side, Side, Path]) -> None:
    """Dcorp and then Bcorp merged into Acme, synced; the Bcorp merge undone on
    the laptop: on both computers Acme keeps Dcorp, and Bcorp is itself again."""
    laptop, desktop, vdir = sides
    _people_at(
        laptop, desktop, vdir, ("Ann Lee", "Acme"), ("Bob Ray", "Bcorp"), ("Dan Poe", "Dcorp")
    )
    laptop("company", "merge", "Acme", "Dcorp", at=EVEN_LATER)
    laptop("company", "merge", "Acme", "Bcorp", at="2026-11-28T12:01:00+00:00")
    _settle(laptop, desktop, vdir, 12)
    assert desktop.rows(_COMPANIES) == [("Acme", "Bcorp|Dcorp", "Ann Lee|Bob Ray|Dan Poe")]
    laptop("undo", at="2026-11-28T12:55:00+00:00")
    outs = _settle(laptop, desktop, vdir, 13)
    assert outs[-2:] == ["sent 0, received 0, deleted 0, conflicts 0"] * 2, outs
    for side in (laptop, desktop):
        assert side.rows(_COMPANIES) == [
            ("Acme", "Dcorp", "Ann Lee|Dan Poe"),
            ("Bcorp", None, "Bob Ray"),
        ]


def test_an_imported_cards_address_nickname_and_role_reach_the_other_computer(
    sides: tuple[Side, Side, Path], tmp_path: Path
) -> None:
    """Kept without being read (ADR in a group, NICKNAME with a comma, ROLE,
    ANNIVERSARY), they go out in the card this computer writes and come in on
    the other as they were; the rounds after are quiet."""
    laptop, desktop, vdir = sides
    card = tmp_path / "dana.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Reyes\r\nN:Reyes;Dana;;;\r\n"
        "NICKNAME:Dee\\, the boss\r\nADR;TYPE=work:;;1 Main St\\, Suite 5;Town;;12345;USA\r\n"
        "item1.ADR:;;2 Side St;Village;;;\r\nROLE:Buyer\r\nANNIVERSARY:2010-06-01\r\n"
        "END:VCARD\r\n"
    )
    laptop("import", str(card), at=ADDED)
    laptop("sync", str(vdir), at=LATER)
    desktop("sync", str(vdir), at=LATER)
    extras = "SELECT key, value FROM contact_extras ORDER BY key"
    assert (
        desktop.rows(extras)
        == laptop.rows(extras)
        == [
            ("ADR", ";;1 Main St, Suite 5;Town;;12345;USA"),
            ("ANNIVERSARY", "2010-06-01"),
            ("NICKNAME", "Dee, the boss"),
            ("ROLE", "Buyer"),
            ("item1.ADR", ";;2 Side St;Village;;;"),
        ]
    )
    for side in (laptop, desktop, laptop):
        out = side("sync", str(vdir), at=EVEN_LATER).stderr
        assert out.strip().splitlines()[-1] == "sent 0, received 0, deleted 0, conflicts 0"
    exported = desktop("export", "--format", "vcard").stdout
    assert "NICKNAME:Dee\\, the boss" in exported and "item1.ADR:;;2 Side St;Village;;;" in exported


def test_managers_set_each_way_on_two_computers_make_no_loop(
    sides: tuple[Side, Side, Path],
) -> None:
    """Sam reports to Dana on the laptop, Dana to Sam on the desktop: after the
    syncs the two agree on a tree without a loop (the manager of whichever of
    the two has the uid that sorts first is dropped, and the sync says so)."""
    laptop, desktop, vdir = sides
    laptop("add", "Dana Reyes", "--company", "NW", at=ADDED)
    laptop("add", "Sam Okafor", "--company", "NW", at=ADDED)
    laptop("sync", str(vdir), at=LATER)
    desktop("sync", str(vdir), at=LATER)
    laptop("edit", "Sam", "--reports-to", "Dana", at="2026-11-28T11:30:00+00:00")
    desktop("edit", "Dana", "--reports-to", "Sam", at="2026-11-28T11:31:00+00:00")
    said = []
    for minute in range(10, 50, 10):
        for side in (laptop, desktop):
            said.append(side("sync", str(vdir), at=f"2026-11-28T12:{minute}:00+00:00").stderr)
    assert said[-1].strip().splitlines()[-1] == "sent 0, received 0, deleted 0, conflicts 0"
    tree = "SELECT c.name, m.name FROM contacts c LEFT JOIN contacts m ON m.id = c.reports_to"
    assert sorted(laptop.rows(tree)) == sorted(desktop.rows(tree))
    managers = dict(laptop.rows(tree))
    assert sorted(v for v in managers.values() if v) in (["Dana Reyes"], ["Sam Okafor"])
    dropped = [line for out in said for line in out.splitlines() if "a loop" in line]
    # Said once, of the one who reports to no one now, naming the manager dropped.
    (nobody,) = [name for name, manager in managers.items() if manager is None]
    (somebody,) = [name for name in managers if name != nobody]
    assert dropped == [
        f"Contact {nobody}: reports to no one now: reporting to {somebody} made a loop"
        " with another device's change"
    ], said


def test_a_conflict_on_a_manager_names_the_people(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    for name in ("Dana Reyes", "Hannah Schmidt", "Victor Hugo"):
        laptop("add", name, "--company", "NW", at=ADDED)
    laptop("sync", str(vdir), at=LATER)
    desktop("sync", str(vdir), at=LATER)
    laptop("edit", "Dana", "--reports-to", "Hannah", "--role", "champion",
           at="2026-11-28T11:30:00+00:00")  # fmt: skip
    desktop("edit", "Dana", "--reports-to", "Victor", "--role", "user",
            at="2026-11-28T11:40:00+00:00")  # fmt: skip
    laptop("sync", str(vdir), at=EVEN_LATER)
    desktop("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T12:20:00+00:00")
    [entry] = [
        e["text"] for e in desktop.json("show", "Dana")["timeline"] if e["kind"] == "sync_conflict"
    ]
    assert "role: kept 'user'" in entry and "not 'champion'" in entry, entry
    assert "reports to: kept 'Victor Hugo'" in entry and "not 'Hannah Schmidt'" in entry, entry


def test_a_chain_of_company_merges_on_two_computers_is_not_undone(
    sides: tuple[Side, Side, Path],
) -> None:
    """Northwind + Contoso on the laptop, Contoso + CTSO on the desktop: one
    company of three names on both, not three companies (a company file gone
    because its company took another name is not a merge undone)."""
    laptop, desktop, vdir = sides
    _people_at(
        laptop, desktop, vdir, ("Ann Lee", "Northwind"), ("Bob Ray", "Contoso"), ("Cy Poe", "CTSO")
    )
    laptop("company", "merge", "Northwind", "Contoso", at=EVEN_LATER)
    desktop("company", "merge", "Contoso", "CTSO", at=EVEN_LATER)
    outs = _settle(laptop, desktop, vdir, 13)
    assert outs[-2:] == ["sent 0, received 0, deleted 0, conflicts 0"] * 2, outs
    [laptop_rows] = [laptop.rows(_COMPANIES)]
    assert laptop_rows == desktop.rows(_COMPANIES)
    assert len(laptop_rows) == 1, laptop_rows
    [(name, aliases, people)] = laptop_rows
    assert sorted([name, *aliases.split("|")]) == ["CTSO", "Contoso", "Northwind"]
    assert people == "Ann Lee|Bob Ray|Cy Poe"


@pytest.mark.parametrize("first", ["company:acme", "company:bcorp"])
def test_undoing_a_merge_of_a_company_with_its_own_other_name_keeps_that_name(
    sides: tuple[Side, Side, Path], monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """Ccorp merged into Bcorp (synced), then Bcorp into Acme (synced), then the
    second merge undone on the laptop: Acme alone, Bcorp with Ccorp, on both.
    Both orders in which one sync can apply the two company records."""
    laptop, desktop, vdir = sides
    _people_at(
        laptop, desktop, vdir, ("Ann Lee", "Acme"), ("Bob Ray", "Bcorp"), ("Cat Roe", "Ccorp")
    )
    laptop("company", "merge", "Bcorp", "Ccorp", at=EVEN_LATER)
    _settle(laptop, desktop, vdir, 12)
    laptop("company", "merge", "Acme", "Bcorp", at="2026-11-28T12:50:00+00:00")
    _settle(laptop, desktop, vdir, 13)
    assert desktop.rows(_COMPANIES) == [("Acme", "Bcorp|Ccorp", "Ann Lee|Bob Ray|Cat Roe")]
    laptop("undo", at="2026-11-28T13:55:00+00:00")
    order = apply._history_order
    monkeypatch.setattr(apply, "_history_order", lambda a: (order(a), a.uid != first))
    assert laptop.rows(_COMPANIES) == [
        ("Acme", None, "Ann Lee"),
        ("Bcorp", "Ccorp", "Bob Ray|Cat Roe"),
    ]
    outs = _settle(laptop, desktop, vdir, 14)
    assert outs[-2:] == ["sent 0, received 0, deleted 0, conflicts 0"] * 2, outs
    for side in (laptop, desktop):
        assert side.rows(_COMPANIES) == [
            ("Acme", None, "Ann Lee"),
            ("Bcorp", "Ccorp", "Bob Ray|Cat Roe"),
        ], side.path.name


def test_a_company_renamed_here_and_merged_into_there_keeps_both(
    sides: tuple[Side, Side, Path],
) -> None:
    """Acme (alias Bcorp) renamed "Acme Group" on the laptop while the desktop
    merges Ccorp into Acme: Acme Group of all four names on both (the rename
    is not taken for a merge made the other way round)."""
    laptop, desktop, vdir = sides
    _people_at(
        laptop, desktop, vdir, ("Ann Lee", "Acme"), ("Bob Ray", "Bcorp"), ("Cat Roe", "Ccorp")
    )
    laptop("company", "merge", "Acme", "Bcorp", at=EVEN_LATER)
    _settle(laptop, desktop, vdir, 12)
    laptop("company", "rename", "Acme", "Acme Group", at="2026-11-28T12:55:00+00:00")
    desktop("company", "merge", "Acme", "Ccorp", at="2026-11-28T12:56:00+00:00")
    outs = _settle(laptop, desktop, vdir, 13)
    assert outs[-2:] == ["sent 0, received 0, deleted 0, conflicts 0"] * 2, outs
    for side in (laptop, desktop):
        assert side.rows(_COMPANIES) == [
            ("Acme Group", "Acme|Bcorp|Ccorp", "Ann Lee|Bob Ray|Cat Roe")
        ], side.path.name


def test_a_rename_that_keeps_the_key_reaches_the_other_computer(
    sides: tuple[Side, Side, Path],
) -> None:
    """`wt company rename "northwind traders inc" "Northwind Traders"` (the
    same company by its key: no other name is made) reaches the desktop."""
    laptop, desktop, vdir = sides
    _people_at(laptop, desktop, vdir, ("Ann Lee", "northwind traders inc"))
    laptop("company", "rename", "northwind traders inc", "Northwind Traders", at=EVEN_LATER)
    outs = _settle(laptop, desktop, vdir, 13)
    assert outs[-2:] == ["sent 0, received 0, deleted 0, conflicts 0"] * 2, outs
    assert (
        desktop.rows(_COMPANIES)
        == laptop.rows(_COMPANIES)
        == [("Northwind Traders", None, "Ann Lee")]
    )


def test_an_entry_found_by_another_name_takes_no_name_off_the_company_here(
    sides: tuple[Side, Side, Path],
) -> None:
    """Ccorp merged into Bcorp on the laptop while the desktop merges Bcorp and
    Dcorp into Acme: Bcorp's entry (naming only Ccorp) speaks for Bcorp, not for
    Acme, and takes Dcorp off nothing. One company of four names on both."""
    laptop, desktop, vdir = sides
    _people_at(
        laptop, desktop, vdir,
        ("Ann Lee", "Acme"), ("Bob Ray", "Bcorp"), ("Cat Roe", "Ccorp"), ("Dan Poe", "Dcorp"),
    )  # fmt: skip
    laptop("company", "merge", "Bcorp", "Ccorp", at=EVEN_LATER)
    desktop("company", "merge", "Acme", "Bcorp", at=EVEN_LATER)
    desktop("company", "merge", "Acme", "Dcorp", at=EVEN_LATER)
    outs = _settle(laptop, desktop, vdir, 13)
    assert outs[-2:] == ["sent 0, received 0, deleted 0, conflicts 0"] * 2, outs
    for side in (laptop, desktop):
        assert side.rows(_COMPANIES) == [
            ("Acme", "Bcorp|Ccorp|Dcorp", "Ann Lee|Bob Ray|Cat Roe|Dan Poe")
        ], side.path.name


def test_a_promise_closed_with_two_notes_says_the_conflict_in_words(
    sides: tuple[Side, Side, Path],
) -> None:
    """Kept on the laptop with one note and on the desktop with another: the
    conflict entry on the timeline says "done note: kept …", as a person says
    it (the sync model looks for the same words)."""
    laptop, desktop, vdir = sides
    laptop("add", "Ann Lee", at=ADDED)
    laptop("follow-up", "Ann", "Send deck", "--due", "2026-12-20", at=ADDED)
    laptop("sync", str(vdir), at=LATER)
    desktop("sync", str(vdir), at=LATER)
    laptop("done", "1", "--note", "sent by mail", at="2026-11-28T12:01:00+00:00")
    desktop("done", "1", "--note", "handed over", at="2026-11-28T12:02:00+00:00")
    outs = _settle(laptop, desktop, vdir, 13)
    assert outs[-2:] == ["sent 0, received 0, deleted 0, conflicts 0"] * 2, outs
    notes = "SELECT done_note FROM promises"
    assert laptop.rows(notes) == desktop.rows(notes) == [("handed over",)]
    said = [
        text
        for side in (laptop, desktop)
        for (text,) in side.rows("SELECT text FROM contact_events WHERE kind = 'sync_conflict'")
    ]
    assert any("done note: kept 'handed over'" in t and "not 'sent by mail'" in t for t in said), (
        said
    )
