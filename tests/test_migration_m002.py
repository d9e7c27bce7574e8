"""m002_contact_events upgrades a database made before it, once."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from conftest import SAMPLES, Invoke
from wintogether.store.migrations import LATEST_VERSION


def test_old_database_gains_the_new_tables(dana: Path, wt: Invoke) -> None:
    conn = sqlite3.connect(dana)
    with conn:
        for table in ("contact_events", "contact_extras", "imports"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_contact_events'")
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    run = wt("import", str(SAMPLES / "linkedin_connections.csv"))
    assert "5 added, 2 updated" in run.stderr
    conn = sqlite3.connect(dana)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        assert names.count("m002_contact_events") == 1
        assert conn.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
    finally:
        conn.close()
    assert len(json.loads(wt("contacts", "--json").stdout)) == 7
