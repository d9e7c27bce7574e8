"""The database layer: settings, file safety, refusals, triggers."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from conftest import Invoke
from wintogether.store import open_store
from wintogether.store import promises as promises_store
from wintogether.store.connection import APPLICATION_ID
from wintogether.store.migrations import LATEST_VERSION


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_connection_settings(db: Path) -> None:
    store, created = open_store(db)
    try:
        pragma = lambda name: store.conn.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
        assert created is False
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("secure_delete") == 1
        assert pragma("busy_timeout") >= 1000
        assert pragma("application_id") == APPLICATION_ID
        assert pragma("user_version") == LATEST_VERSION
    finally:
        store.close()


def test_files_are_private(db: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes")
    for path in [db, *db.parent.glob(db.name + "-*")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_default_location_is_created_private_with_a_notice(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    monkeypatch.delenv("WINTOGETHER_DB")
    run = wt("add", "Dana Reyes")
    assert "Created a new wintogether database at" in run.stderr
    path = Path(wt("db", "path").stdout.strip())
    assert path.is_relative_to(isolated / "home")
    assert path.exists()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = wt("contacts")
    assert "Created" not in second.stderr
    assert "Dana Reyes" in second.stdout


def test_missing_explicit_path_is_an_error_not_a_new_database(wt: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    run = wt("--db", str(missing), "contacts", ok=False)
    assert run.exit_code == 3
    assert "No database at" in run.stderr and "wt --db" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not missing.exists()
    created = wt("--db", str(missing), "init")
    assert "Created" in created.stderr
    assert missing.exists()


def test_env_path_missing_is_an_error(wt: Invoke, isolated: Path) -> None:
    run = wt("today", ok=False)  # $WINTOGETHER_DB points at a file not yet created
    assert run.exit_code == 3
    assert "No database at" in run.stderr
    assert not (isolated / "wt.db").exists()


def test_not_sqlite_is_refused_untouched(wt: Invoke, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 20)
    before = digest(bogus)
    run = wt("--db", str(bogus), "contacts", ok=False)
    assert run.exit_code == 3
    assert "not a wintogether database" in run.stderr
    assert digest(bogus) == before
    assert not list(tmp_path.glob("notes.db-*"))


def test_other_applications_sqlite_is_refused_untouched(wt: Invoke, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
    conn.execute("INSERT INTO photos (path) VALUES ('a.jpg')")
    conn.commit()
    conn.close()
    before = digest(other)
    for args in (["contacts"], ["init"], ["add", "Dana"]):
        run = wt("--db", str(other), *args, ok=False)
        assert run.exit_code == 3, args
        assert "another application" in run.stderr
    assert digest(other) == before


def test_newer_schema_is_refused_untouched(db: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes")
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = digest(db)
    run = wt("contacts", ok=False)
    assert run.exit_code == 3
    assert "newer wintogether" in run.stderr
    assert digest(db) == before


def test_write_transactions_begin_immediate(db: Path) -> None:
    store, _ = open_store(db)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        with store.write():
            store.conn.execute("SELECT 1")
    finally:
        store.close()
    assert statements[0] == "BEGIN IMMEDIATE"
    assert statements[-1] == "COMMIT"


def test_a_failed_command_rolls_back_everything(
    dana: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:

    before = _dump(dana)

    def explode(*args: object, **kwargs: object) -> int:
        raise RuntimeError("simulated crash after the conversation was written")

    monkeypatch.setattr(promises_store, "insert_promise", explode)
    with pytest.raises(RuntimeError):
        wt("log", "dana", "note", "--follow-up", "fri")
    assert _dump(dana) == before


def _dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def test_full_text_index_follows_every_write(dana: Path, wt: Invoke) -> None:
    wt("log", "dana", "Discussed the zeppelin rollout")
    wt("edit", "dana", "--company", "Quixotic Industries")
    conn = sqlite3.connect(dana)
    conn.execute("PRAGMA trusted_schema = ON")
    search = lambda table, word: conn.execute(  # noqa: E731
        f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?", (word,)
    ).fetchall()
    assert search("interactions", "zeppelin") == [(1,)]
    assert search("contacts", "quixotic") == [(1,)]
    assert search("contacts", "northwind") == []
    wt("conversation", "delete", "1")
    assert search("interactions", "zeppelin") == []
    for table in ("contacts", "interactions", "promises"):
        conn.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES('integrity-check')")
    conn.close()


def test_last_touch_is_kept_by_triggers(dana: Path, wt: Invoke) -> None:
    def last_touch(contact_id: int) -> str | None:
        conn = sqlite3.connect(dana)
        try:
            row = conn.execute(
                "SELECT last_touch_at FROM contacts WHERE id = ?", (contact_id,)
            ).fetchone()
            return row[0]
        finally:
            conn.close()

    assert last_touch(1) is None
    wt("log", "dana", "old call", "--at", "2026-10-01")
    assert last_touch(1) == "2026-10-01T10:00:00Z"
    wt("log", "dana", "new call", "--with", "marcus")
    assert last_touch(1) == "2026-11-28T10:00:00Z"
    assert last_touch(2) == "2026-11-28T10:00:00Z"
    wt("log", "dana", "logged late", "--at", "2026-09-15")  # an older one moves nothing
    assert last_touch(1) == "2026-11-28T10:00:00Z"
    wt("conversation", "delete", "3")
    wt("conversation", "edit", "2", "--at", "2026-09-01")
    assert last_touch(1) == "2026-10-01T10:00:00Z"
    assert last_touch(2) == "2026-09-01T10:00:00Z"
    wt("conversation", "delete", "1")
    assert last_touch(1) == "2026-09-01T10:00:00Z"


def test_uid_and_updated_at_on_every_table(db: Path) -> None:
    """Every data row can be merged across devices: it has a uid and an updated_at.

    Not the search index, sqlite-utils' bookkeeping, or the change journal: the
    journal is this file's own undo history, and its rows carry the data rows'
    uids in their old/new images. Nor the sync state (`wt sync`'s memory of
    what each side looked like, the mark of its last sync per folder, the uids
    of contacts forgotten here, the reminders it wrote), nor capture's bookkeeping
    (what `wt scan` read from each source, the items it counted, people who are not
    contacts, its copy of the meetings ahead), nor what `wt remind` has sent, which
    are this file's own bookkeeping too. Nor the standings, figures derived from
    the data rows and kept by triggers (store/standings.py), nor the people of
    each conversation by time (store/touches.py) and when each contact's quiet
    began (store/quiet.py), kept the same way.
    """
    from wintogether.store.journal import JOURNALED_TABLES

    conn = sqlite3.connect(db)
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%'"
            " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\'"
            " AND name NOT LIKE 'journal%'"
            " AND name NOT IN ('sync_state', 'sync_marks', 'sync_forgotten', 'sync_reminders')"
            " AND name NOT IN ('capture_sources', 'capture_seen', 'capture_people',"
            " 'capture_meetings', 'reminders_sent')"
            " AND name NOT IN ('standings', 'standing_months', 'contact_touches')"
            " AND name NOT IN ('contact_quiet', 'tag_quiet')"
        )
    ]
    assert "contacts" in tables
    assert set(tables) == set(JOURNALED_TABLES)  # every data table can be undone
    for table in tables:
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        assert {"uid", "updated_at"} <= columns, table
    conn.close()


def test_umask_makes_new_files_private(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    store, created = open_store(path, create=True)
    store.close()
    assert created
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
