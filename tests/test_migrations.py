"""Schema upgrades keep everything; a newer file is refused untouched."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from conftest import Invoke
from reliability import dump_hash, file_hash, health, one_line_error, run_cli
from wintogether.store import migrations


def make_v1_database(db: Path) -> None:
    """A database as the first schema version wrote it, with data in every table."""
    from wintogether.domain import conversations, promises
    from wintogether.store import companies, open_store
    from wintogether.store import contacts as contacts_store

    saved, saved_latest = list(migrations.MIGRATIONS), migrations.LATEST_VERSION
    saved_link = companies.company_id_for
    migrations.MIGRATIONS[:] = saved[:1]
    migrations.LATEST_VERSION = 1
    # The first schema had no companies: the program of that time linked none.
    companies.company_id_for = lambda *args: None  # type: ignore[assignment]
    try:
        store, created = open_store(db, create=True)
        assert created
        now = datetime.fromisoformat("2026-11-01T09:00:00+00:00")
        stamp = "2026-11-01T09:00:00Z"
        # Rows only: reading a contact back today asks for columns of later versions.
        with store.write("add"):
            dana = contacts_store.insert_contact(
                store, {"name": "Dana Reyes", "company": "Northwind"}, stamp
            )
            contacts_store.add_emails(store, dana, ["dana@x.example"], stamp)
            contacts_store.add_tags(store, dana, ["vip"], stamp)
            contacts_store.insert_contact(store, {"name": "Marcus O'Neil"}, stamp)
            contacts_store.insert_contact(store, {"name": "Zoë Ämter"}, stamp)
        conversations.log(store, now, contact="dana", note="Kickoff [b]x[/b]", with_=["marcus"])
        promises.add(store, now, contact="dana", text="Send deck", due="2026-12-04")
        with store.write():
            store.conn.execute(
                "INSERT INTO ledger (uid, contact_id, direction, kind, text, happened_at,"
                " created_at, updated_at) VALUES ('l1', 1, 'gave', 'intro', 'Intro to Sam',"
                " '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z')"
            )
        store.close()
    finally:
        migrations.MIGRATIONS[:] = saved
        migrations.LATEST_VERSION = saved_latest
        companies.company_id_for = saved_link  # type: ignore[method-assign]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


_TABLES = (
    "contacts",
    "contact_emails",
    "tags",
    "contact_tags",
    "interactions",
    "interaction_participants",
    "promises",
    "ledger",
)


def _rows(
    db: Path, columns: dict[str, list[str]] | None = None
) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the version-1 tables, in the version-1 columns (``columns``)."""
    conn = sqlite3.connect(db)
    try:
        if columns is None:
            columns = _columns(conn)
        return {
            t: conn.execute(f"SELECT {', '.join(columns[t])} FROM {t} ORDER BY id").fetchall()
            for t in _TABLES
        }
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection) -> dict[str, list[str]]:
    return {t: [row[1] for row in conn.execute(f"PRAGMA table_info({t})")] for t in _TABLES}


def v1_columns(db: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(db)
    try:
        return _columns(conn)
    finally:
        conn.close()


def test_v1_database_opens_under_latest_with_nothing_lost(isolated: Path, wt: Invoke) -> None:
    db = isolated / "wt.db"
    make_v1_database(db)
    columns = v1_columns(db)
    before = _rows(db, columns)
    assert all(before.values()) and sum(len(rows) for rows in before.values()) == 11
    run = wt("contacts", "--json")
    assert {c["name"] for c in __import__("json").loads(run.stdout)} == {
        "Dana Reyes",
        "Marcus O'Neil",
        "Zoë Ämter",
    }
    assert _rows(db, columns) == before
    assert health(db) == []
    # A backup of the old file was taken before the upgrade, and it is version 1.
    copies = sorted((isolated / "backups").glob("wt-*-before-upgrade.db"))
    assert len(copies) == 1
    old = sqlite3.connect(copies[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT count(*) FROM contacts").fetchone()[0] == 3
    old.close()
    # Added after the upgrade: searchable and undoable.
    wt("add", "Priya Quokkafield")
    conn = sqlite3.connect(db)
    hits = conn.execute(
        "SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'quokkafield'"
    ).fetchone()[0]
    conn.close()
    assert hits == 1
    wt("undo")
    assert _rows(db, columns) == before


def test_new_empty_database_gets_no_upgrade_backup(isolated: Path, wt: Invoke) -> None:
    wt("init")
    assert not (isolated / "backups").exists()


def test_the_schema_version_opening_checks_is_the_number_of_migrations() -> None:
    """Opening an up-to-date file does not import the migrations: it compares
    the file's version with store/connection.py's SCHEMA_VERSION, which must
    move with every migration added."""
    from wintogether.store.connection import SCHEMA_VERSION

    assert SCHEMA_VERSION == migrations.LATEST_VERSION == len(migrations.MIGRATIONS)


def test_an_up_to_date_database_opens_without_the_migrations(db: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from wintogether.store import open_store;"
            f" store, _ = open_store(Path({str(db)!r})); store.close();"
            " print('wintogether.store.migrations' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False"


def test_newer_schema_is_refused_untouched(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    conn.close()
    before = file_hash(db)
    proc = run_cli("contacts")
    assert proc.exit_code == 3
    assert "newer wintogether" in one_line_error(proc.stderr)
    assert proc.stdout == ""
    assert file_hash(db) == before
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    assert dump_hash(db)
