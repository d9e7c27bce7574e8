"""One mapping between rows and records: a field added once travels everywhere.

Export, import, sync and merge all read and write records through
store/records.py. These tests fail when a table gains a column the records do
not carry, and show that export and sync make a row's record with the same
function.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import NewDatabase
from wintogether.store import Store, open_store, records
from wintogether.store import companies as companies_store
from wintogether.store import contacts as contacts_store
from wintogether.store import conversations as conversations_store
from wintogether.store import deals as deals_store
from wintogether.store import events as events_store
from wintogether.store import export as export_store
from wintogether.store import ledger as ledger_store
from wintogether.store import promises as promises_store
from wintogether.store import sync as sync_store

STAMP = "2026-11-20T09:00:00Z"


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")}


@pytest.fixture
def full(tmp_path: Path, new_database: NewDatabase) -> Iterator[Store]:
    """A database with one row in every record table, every column filled."""
    store, _ = open_store(new_database(tmp_path / "full.db"))
    with store.write("fill"):
        sam = contacts_store.insert_contact(store, {"name": "Sam Okafor"}, STAMP)
        dana = contacts_store.insert_contact(
            store,
            {
                "name": "Dana Reyes",
                "company": "Northwind",
                "title": "Head of Procurement",
                "how_met": "SaaStr",
                "met_on": "2024-09-10",
                "introduced_by": sam,
                "birthday": "1980-03-04",
                "cadence_days": 14,
                "notes": "Prefers calls",
                "account_role": "champion",
                "reports_to": sam,
            },
            STAMP,
        )
        contacts_store.add_emails(store, dana, ["dana@northwind.example"], STAMP)
        contacts_store.add_phones(store, dana, ["+1 415 555 0100"], STAMP)
        contacts_store.add_tags(store, dana, ["customers"], STAMP)
        contacts_store.add_url(store, dana, "linkedin", "https://linkedin.com/in/dana", STAMP)
        contacts_store.add_extras(store, dana, [("X-ABLabel", "work")], STAMP)
        talk = conversations_store.insert_conversation(
            store,
            happened_at="2026-11-19T15:00:00Z",
            channel="call",
            note="Renewal",
            participant_ids=[dana, sam],
            stamp=STAMP,
        )
        promise = promises_store.insert_promise(
            store,
            contact_id=dana,
            text="Send the SOC2 report",
            due_on=date(2026, 12, 4),
            owner="me",
            stamp=STAMP,
            conversation_id=talk,
        )
        promises_store.update_promise(
            store, promise, {"status": "done", "done_at": STAMP, "done_note": "sent"}, STAMP
        )
        ledger_store.insert_entry(
            store,
            contact_id=dana,
            direction="gave",
            kind="intro",
            text="Intro to Sam",
            happened_at=STAMP,
            stamp=STAMP,
            to_contact_id=sam,
        )
        ledger_store.insert_win(
            store, contact_id=dana, theirs="Renewed", mine="Quota", happened_at=STAMP, stamp=STAMP
        )
        events_store.insert_event(
            store,
            contact_id=dana,
            kind="job_change",
            text="Now Head of Procurement",
            old_value="Buyer",
            new_value="Head of Procurement",
            happened_at=STAMP,
            stamp=STAMP,
        )
        deal = deals_store.insert_deal(
            store,
            {
                "title": "Northwind renewal",
                "company": "Northwind",
                "target_on": "2027-01-31",
                "they_win": "SOC2-ready vendor",
                "we_win": "3-year renewal",
                "notes": "Procurement is slow",
            },
            STAMP,
        )
        deals_store.update_deal(
            store, deal, {"status": "lost", "closed_at": STAMP, "close_note": "Budget"}, STAMP
        )
        deals_store.add_person(store, deal, dana, STAMP)
        first = deals_store.insert_step(
            store,
            deal_id=deal,
            promise_id=promise,
            milestone=False,
            after_step_id=None,
            stamp=STAMP,
        )
        second_promise = promises_store.insert_promise(
            store,
            contact_id=dana,
            text="Sign the order form",
            due_on=date(2027, 1, 20),
            owner="them",
            stamp=STAMP,
            conversation_id=talk,
        )
        promises_store.update_promise(
            store,
            second_promise,
            {"status": "done", "done_at": STAMP, "done_note": "Signed before the loss"},
            STAMP,
        )
        deals_store.insert_step(
            store,
            deal_id=deal,
            promise_id=second_promise,
            milestone=True,
            after_step_id=first,
            stamp=STAMP,
        )
        deals_store.save_template(
            store,
            "renewal",
            '[{"text": "Sign", "owner": "them", "days_before": 3, "milestone": true,'
            ' "after": null}]',
            STAMP,
        )
        contacts_store.update_contact(store, dana, {"archived_at": STAMP}, STAMP)
    try:
        yield store
    finally:
        store.close()


def all_records(store: Store) -> dict[str, list[dict[str, Any]]]:
    ids = export_store.export_contact_ids(store, contact_id=None, tag=None, since=None)
    return {
        "contacts": list(records.contact_records(store, ids)),
        "interactions": list(export_store.conversation_records(store, ids, None)),
        "promises": list(export_store.promise_records(store, ids, None)),
        "ledger": list(export_store.ledger_records(store, ids, None)),
        "wins": list(export_store.win_records(store, ids, None)),
        "contact_events": list(export_store.event_records(store, ids, None)),
        "companies": list(records.company_records(store)),
        "deals": list(export_store.deal_records(store, ids, None)),
        "deal_steps": list(export_store.step_records(store, ids, None)),
        "plan_templates": list(export_store.template_records(store)),
    }


@pytest.mark.parametrize("table", sorted(records.COLUMNS))
def test_every_column_of_the_table_has_a_record_field(full: Store, table: str) -> None:
    assert columns(full.conn, table) - {"id"} == set(records.COLUMNS[table])


def test_a_new_column_is_noticed(full: Store) -> None:
    """The check above can fail: a column added to a table shows up as missing."""
    with full.write_unjournaled():
        full.conn.execute("ALTER TABLE promises ADD COLUMN priority INTEGER")
    assert columns(full.conn, "promises") - {"id"} - set(records.COLUMNS["promises"]) == {
        "priority"
    }


def test_every_record_field_is_filled_from_its_column(full: Store) -> None:
    with full.read():
        found = all_records(full)
    for table, fields in records.COLUMNS.items():
        assert found[table], table
        for record in found[table]:
            if table == "contacts" and record["name"] == "Sam Okafor":
                continue  # the introducer: few fields of their own
            if table == "deal_steps" and record["after"] is None and record["position"] == 1:
                continue  # the first step follows none
            empty = [f for f in fields.values() if record.get(f) in (None, "", [])]
            assert empty == [], (table, empty)


def test_sync_and_export_make_a_row_s_record_with_the_same_function(full: Store) -> None:
    """The sync record of a row is its export record plus the local ids it needs."""
    with full.read():
        exported = all_records(full)
        by_uid = {
            kind: {r["uid"]: r for r in exported[table]}
            for kind, table in (
                ("contact", "contacts"),
                ("promise", "promises"),
                ("conversation", "interactions"),
            )
        }
        readers = {
            "contact": sync_store.contact_records,
            "promise": sync_store.promise_records,
            "conversation": sync_store.conversation_records,
        }
        for kind, reader in readers.items():
            ids = [row[0] for row in sync_store.versions(full, kind).values()]
            synced = list(reader(full, ids))
            assert len(synced) == len(by_uid[kind]) > 0
            for record in synced:
                local = {"id", "contact_id"} if kind != "contact" else set()
                assert {k: v for k, v in record.items() if k not in local} == by_uid[kind][
                    record["uid"]
                ]
                assert local <= set(record)


def test_records_written_back_read_the_same(
    full: Store, tmp_path: Path, new_database: NewDatabase
) -> None:
    """Import writes records with the same mapping export reads them with."""
    with full.read():
        before = all_records(full)
    copy, _ = open_store(new_database(tmp_path / "copy.db"))
    try:
        with copy.write("import"):
            ids: dict[str, int] = {}
            # Companies first, as import writes them: contacts link to them by name.
            for record in before["companies"]:
                companies_store.insert_company_record(copy, record, STAMP)
            for record in before["contacts"]:
                fields = dict(record)
                fields["introduced_by"] = None
                ids[record["uid"]] = records.insert_contact_record(copy, fields, STAMP)
                contacts_store.add_emails(copy, ids[record["uid"]], record["emails"], STAMP)
                contacts_store.add_phones(copy, ids[record["uid"]], record["phones"], STAMP)
                contacts_store.add_tags(copy, ids[record["uid"]], record["tags"], STAMP)
                for url in record["urls"]:
                    contacts_store.add_url(copy, ids[record["uid"]], url["kind"], url["url"], STAMP)
                contacts_store.add_extras(
                    copy, ids[record["uid"]], [tuple(e) for e in record["extras"]], STAMP
                )
            for record in before["contacts"]:
                if record["reports_to"]:
                    contacts_store.link_manager(copy, ids[record["uid"]], ids[record["reports_to"]])
                if record["introduced_by"]:
                    contacts_store.link_introducer(
                        copy, ids[record["uid"]], ids[record["introduced_by"]]
                    )
            talks = {}
            for record in before["interactions"]:
                people = [ids[uid] for uid in record["participants"]]
                talks[record["uid"]] = records.insert_conversation_record(copy, record, people)
            for record in before["promises"]:
                records.insert_promise_record(
                    copy, record, ids[record["contact"]], talks[record["conversation"]]
                )
            for record in before["ledger"]:
                records.insert_ledger_record(
                    copy, record, ids[record["contact"]], ids[record["to_contact"]]
                )
            for record in before["wins"]:
                records.insert_win_record(copy, record, ids[record["contact"]])
            for record in before["contact_events"]:
                records.insert_event_record(copy, record, ids[record["contact"]], STAMP)
            deals = {
                r["uid"]: records.insert_deal_record(copy, r, [ids[u] for u in r["people"]])
                for r in before["deals"]
            }
            promises = records.uid_map(copy, "promises")
            steps = {
                r["uid"]: records.insert_step_record(
                    copy, r, deals[r["deal"]], promises[r["promise"]]
                )
                for r in before["deal_steps"]
            }
            for r in before["deal_steps"]:
                if r["after"]:
                    records.link_step_record(copy, steps[r["uid"]], steps[r["after"]])
            for r in before["plan_templates"]:
                assert records.insert_template_record(copy, r)
        with copy.read():
            after = all_records(copy)
    finally:
        copy.close()
    for table in before:
        assert [{**r, "id": None} for r in after[table]] == [
            {**r, "id": None} for r in before[table]
        ], table
