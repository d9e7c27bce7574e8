"""m004_ledger_links on a database that only has the first schema."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from conftest import Invoke
from wintogether.store.connection import APPLICATION_ID
from wintogether.store.migrations import LATEST_VERSION, MIGRATION_SET, m001_initial


def first_schema_database(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA trusted_schema = ON")
    only_first = Migrations(MIGRATION_SET)
    only_first(name="m001_initial")(m001_initial)
    conn.execute("BEGIN")
    only_first.apply(Database(conn))
    stamp = "2026-11-01T09:00:00Z"
    conn.execute(
        "INSERT INTO contacts (uid, name, created_at, updated_at) VALUES ('u1', 'Dana', ?, ?)",
        (stamp, stamp),
    )
    conn.execute(
        "INSERT INTO ledger (uid, contact_id, direction, kind, text, happened_at, created_at,"
        " updated_at) VALUES ('l1', 1, 'got', 'referral', 'Referral to Globex', ?, ?, ?)",
        (stamp, stamp, stamp),
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.close()


def test_upgrade_indexes_existing_ledger_text_and_keeps_triggers(wt: Invoke) -> None:
    path = Path(os.environ["WINTOGETHER_DB"])
    first_schema_database(path)
    hits = json.loads(wt("search", "globex", "--json").stdout)
    assert [(h["source"], h["id"]) for h in hits] == [("ledger", 1)]
    wt("add", "Marcus Okafor")
    wt("gave", "marcus", "Intro to the Initech team", "--kind", "intro", "--to", "dana")
    wt("win", "marcus", "Pilot live", "--mine", "Case study")
    assert {h["source"] for h in json.loads(wt("search", "initech", "--json").stdout)} == {"ledger"}
    assert json.loads(wt("search", "okafor", "--json").stdout)[0]["source"] == "contact"
    assert json.loads(wt("search", "pilot", "--json").stdout)[0]["source"] == "win"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table in ("ledger_fts", "wins_fts"):
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        assert (
            conn.execute("SELECT to_contact_id FROM ledger WHERE direction = 'gave'").fetchone()[0]
            == 1
        )


def test_deleting_the_introduced_person_keeps_the_entry(dana: Path, wt: Invoke) -> None:
    wt("gave", "dana", "Intro", "--kind", "intro", "--to", "marcus")
    with sqlite3.connect(dana) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA trusted_schema = ON")
        conn.execute("DELETE FROM contacts WHERE id = 2")
    rows = json.loads(wt("balance", "dana", "--json").stdout)["entries"]
    assert [(r["text"], r["to_contact"]) for r in rows] == [("Intro", None)]
