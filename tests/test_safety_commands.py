"""backup, doctor, undo, forget and atomic file writes."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from conftest import Invoke
from reliability import dump_hash, file_hash, health, one_line_error, run_cli
from wintogether.errors import WintogetherError
from wintogether.files import FileRefused, atomic_write

# -- undo --------------------------------------------------------------------


_DATA_TABLES = (
    "contacts",
    "contact_emails",
    "contact_phones",
    "contact_urls",
    "tags",
    "contact_tags",
    "interactions",
    "interaction_participants",
    "promises",
    "ledger",
)


def _data(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in _DATA_TABLES}
    finally:
        conn.close()


def test_undo_reverts_commands_one_at_a_time(dana: Path, wt: Invoke) -> None:
    after_setup = _data(dana)
    wt("log", "dana", "Renewal talk", "--with", "marcus", "--follow-up", "fri")
    after_log = _data(dana)
    wt("edit", "dana", "--company", "Contoso", "--tag", "vip", "--clear", "emails")
    after_edit = _data(dana)
    wt("done", "1")
    assert _data(dana) != after_edit
    first = wt("undo")
    assert first.stdout == ""
    assert (
        "Undid" in first.stderr and "`wt done 1` from Sat 28 Nov 10:00 (1 promise)" in first.stderr
    )
    assert _data(dana) == after_edit
    second = wt("undo")
    assert (
        "`wt edit dana` from Sat 28 Nov 10:00 (1 email address, 1 contact, 1 tag)" in second.stderr
    )
    shown = json.loads(wt("show", "dana", "--json").stdout)
    assert shown["contact"]["company"] == "Northwind Traders"
    assert shown["contact"]["emails"] == ["dana.reyes@northwind.example"]
    assert shown["contact"]["tags"] == ["customers"]
    assert _data(dana) == after_log
    wt("undo")  # the log, its participants, the follow-up and last-touch times
    assert _data(dana) == after_setup
    assert health(dana) == []


def test_undo_with_nothing_to_undo(db: Path, wt: Invoke) -> None:
    before = dump_hash(db)
    run = wt("undo", ok=False)
    assert run.exit_code == 1
    assert one_line_error(run.stderr) == "Error: Nothing to undo."
    assert dump_hash(db) == before


def test_undo_is_not_undone_by_the_next_undo(dana: Path, wt: Invoke) -> None:
    wt("undo")  # Marcus
    wt("undo")  # Dana
    assert json.loads(wt("contacts", "--json").stdout) == []
    assert wt("undo", ok=False).exit_code == 1


def test_undo_dry_run_changes_nothing(dana: Path, wt: Invoke) -> None:
    before = dump_hash(dana)
    run = wt("undo", "--dry-run", "--json")
    data = json.loads(run.stdout)
    assert data["dry_run"] is True
    assert data["undone"]["summary"] == 'add "Marcus O\'Neil"'
    assert data["undone"]["tables"]["contacts"] == 1
    assert dump_hash(dana) == before


def test_undo_refuses_when_rows_changed_outside(dana: Path, wt: Invoke) -> None:
    conn = sqlite3.connect(dana)
    conn.execute("UPDATE contacts SET title = 'changed by hand' WHERE id = 2")
    conn.commit()
    conn.close()
    before = dump_hash(dana)
    run = wt("undo", ok=False)
    assert run.exit_code == 1
    assert "has changed since" in one_line_error(run.stderr)
    assert dump_hash(dana) == before


def test_undo_of_a_delete_restores_the_conversation_and_search(dana: Path, wt: Invoke) -> None:
    wt("log", "dana", "Talked about the zanzibar rollout")
    wt("conversation", "delete", "1")
    wt("undo")
    conn = sqlite3.connect(dana)
    hits = conn.execute(
        "SELECT count(*) FROM interactions_fts WHERE interactions_fts MATCH 'zanzibar'"
    ).fetchone()[0]
    conn.close()
    assert hits == 1
    assert json.loads(wt("conversation", "show", "1", "--json").stdout)["note"].endswith("rollout")
    assert health(dana) == []


# -- backup ------------------------------------------------------------------


def test_backup_default_folder_private_checked_and_rotated(
    dana: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WINTOGETHER_BACKUPS_KEEP", "3")
    paths = [Path(wt("backup").stdout.strip()) for _ in range(5)]
    folder = dana.parent / "backups"
    left = sorted(folder.iterdir())
    assert left == sorted(paths[-3:])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in left:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM contacts").fetchone()[0] == 2
        conn.close()


def test_an_import_that_changes_nothing_pushes_no_backup_out(
    dana: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten imports of an unchanged file kept ten copies of one state and
    rotated out the backups before them: an import that changes nothing keeps
    no copy and removes none."""
    from conftest import SAMPLES

    monkeypatch.setenv("WINTOGETHER_BACKUPS_KEEP", "3")
    minutes = iter(range(10, 60))

    def later(*args: str) -> str:
        """Each command a minute after the last (backups are named by the second)."""
        monkeypatch.setenv("WINTOGETHER_NOW", f"2026-11-28T10:{next(minutes)}:00+00:00")
        return wt(*args).stderr

    folder = dana.parent / "backups"
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-28T10:05:00+00:00")
    mine = Path(wt("backup").stdout.strip())
    sample = str(SAMPLES / "linkedin_connections.csv")
    assert "5 added, 2 updated" in later("import", sample)
    first = sorted(folder.iterdir())
    assert len(first) == 2 and mine in first
    for _ in range(4):
        assert "0 added, 0 updated, 7 unchanged" in later("import", sample)
    assert sorted(folder.iterdir()) == first
    # One that changes something is backed up first, and the folder rotated.
    later("import", str(SAMPLES / "google_contacts.csv"))
    before = len(json.loads(wt("contacts", "--json").stdout))
    assert "added" in later("import", str(SAMPLES / "outlook_contacts.csv"))
    left = sorted(folder.iterdir())
    assert len(left) == 3 and mine not in left
    with sqlite3.connect(left[-1]) as conn:  # taken just before the Outlook import
        assert conn.execute("SELECT count(*) FROM contacts").fetchone()[0] == before


def test_an_import_that_only_links_people_keeps_its_backup(
    dana: Path, wt: Invoke, tmp_path: Path
) -> None:
    """A later export that only adds an introducer, a manager and a role to
    people already here changes the database: its backup stays."""
    other = tmp_path / "other.db"
    wt("--db", str(other), "init")
    first, second = tmp_path / "e1.json", tmp_path / "e2.json"
    wt("export", "-o", str(first))
    wt("--db", str(other), "import", str(first))
    wt("edit", "dana", "--introduced-by", "marcus", "--reports-to", "marcus", "--role", "champion")
    wt("export", "-o", str(second))
    folder = other.parent / "backups"
    before = sorted(folder.iterdir())
    run = wt("--db", str(other), "import", str(second))
    assert "0 added, 0 updated" in run.stderr, run.stderr
    shown = json.loads(wt("--db", str(other), "show", "dana", "--json").stdout)["contact"]
    assert shown["role"] == "champion" and shown["reports_to"]["name"] == "Marcus O'Neil", shown
    after = sorted(folder.iterdir())
    assert len(after) == len(before) + 1, (before, after)


def test_backup_keep_from_config(dana: Path, wt: Invoke, isolated: Path) -> None:
    (isolated / "config.toml").write_text("[backup]\nkeep = 2\n", encoding="utf-8")
    for _ in range(4):
        wt("backup")
    assert len(list((dana.parent / "backups").iterdir())) == 2


def test_backup_to_a_file_refuses_existing_and_the_database(dana: Path, wt: Invoke) -> None:
    dest = dana.parent / "copy.db"
    run = wt("backup", str(dest), "--json")
    assert json.loads(run.stdout)["integrity"] == "ok"
    refused = wt("backup", str(dest), ok=False)
    assert refused.exit_code == 1
    assert "already exists" in one_line_error(refused.stderr)
    own = wt("backup", str(dana), "--force", ok=False)
    assert own.exit_code == 1
    assert "database" in one_line_error(own.stderr)
    wal = wt("backup", f"{dana}-wal", "--force", ok=False)
    assert wal.exit_code == 1
    other = dana.parent / "notes.txt"
    other.write_text("keep me", encoding="utf-8")
    replaced = wt("backup", str(other), "--force")
    assert Path(replaced.stdout.strip()) == other
    assert other.read_bytes().startswith(b"SQLite format 3")


# -- doctor ------------------------------------------------------------------


def test_doctor_healthy(dana: Path, wt: Invoke) -> None:
    run = wt("doctor")
    assert "integrity" in run.stdout and run.stdout.rstrip().endswith(".")
    assert "Healthy" in run.stdout
    data = json.loads(wt("doctor", "--json").stdout)
    assert data["healthy"] is True
    names = {c["name"]: c["status"] for c in data["checks"]}
    assert names["integrity"] == names["search index"] == names["permissions"] == "ok"
    assert names["backups"] == "warn"
    quick = {c["name"]: c["detail"] for c in data["checks"]}["integrity"]
    assert quick.startswith("ok (quick check") and "wt doctor --full" in quick
    full = json.loads(wt("doctor", "--full", "--json").stdout)
    assert {c["name"]: c["detail"] for c in full["checks"]}["integrity"] == "ok"


def test_doctor_finds_a_broken_search_index(dana: Path) -> None:
    conn = sqlite3.connect(dana)
    conn.execute("PRAGMA trusted_schema = ON")
    conn.execute("DROP TRIGGER contacts_au")
    conn.execute("UPDATE contacts SET name = 'Somebody Else' WHERE id = 1")
    conn.commit()
    conn.close()
    proc = run_cli("doctor", "--json")
    assert proc.exit_code == 3
    data = json.loads(proc.stdout)
    assert data["healthy"] is False
    assert {c["name"]: c["status"] for c in data["checks"]}["search index"] == "fail"


def test_doctor_flags_loose_permissions_and_synced_folder(tmp_path: Path, wt: Invoke) -> None:
    db = tmp_path / "Dropbox" / "crm" / "wt.db"
    wt("--db", str(db), "init")
    os.chmod(db, 0o644)
    run = wt("--db", str(db), "doctor", "--json", ok=False)
    assert run.exit_code == 3
    checks = {c["name"]: c for c in json.loads(run.stdout)["checks"]}
    assert checks["permissions"]["status"] == "fail"
    assert checks["location"]["status"] == "warn"
    assert "Dropbox" in checks["location"]["detail"]


def test_network_filesystem_detected(tmp_path: Path) -> None:
    from wintogether.domain.safety import filesystem_type

    mounts = tmp_path / "mounts"
    mounts.write_text(
        f"/dev/sda1 / ext4 rw 0 0\nserver:/share {tmp_path} nfs4 rw 0 0\n", encoding="utf-8"
    )
    assert filesystem_type(tmp_path / "a" / "wt.db", mounts) == "nfs4"
    assert filesystem_type(Path("/elsewhere"), mounts) == "ext4"


# -- forget ------------------------------------------------------------------

SECRET = "Qwertzuiopfox"


def test_forget_removes_their_text_from_the_file_and_wal(dana: Path, wt: Invoke) -> None:
    wt("edit", "dana", "--note", f"likes {SECRET} sailing")
    wt("log", "dana", f"Private {SECRET} chat", "--follow-up", "fri", "--about", f"{SECRET} x")
    wt("log", "dana", "Group call", "--with", "marcus")
    # An idle reader keeps the WAL file in place after each command exits.
    reader = sqlite3.connect(dana)
    reader.execute("SELECT count(*) FROM contacts").fetchone()
    try:
        raw = dana.read_bytes() + Path(f"{dana}-wal").read_bytes()
        assert SECRET.lower().encode() in raw.lower()
        proc = run_cli("forget", "Dana Reyes", "--yes")
        assert proc.exit_code == 0, proc.stderr
        assert "Forgot #1: deleted 1 conversation, 1 promise, 0 ledger entries; purged" in (
            proc.stderr
        )
        for path in (dana, Path(f"{dana}-wal")):
            data = path.read_bytes() if path.exists() else b""
            assert SECRET.lower().encode() not in data.lower()
            assert b"Dana Reyes" not in data
    finally:
        reader.close()
    assert health(dana) == []
    convs = json.loads(wt("show", "marcus", "--json").stdout)
    assert convs["contact"]["name"] == "Marcus O'Neil"
    # the shared conversation stays, without her; the private one is gone
    conn = sqlite3.connect(dana)
    assert conn.execute("SELECT note FROM interactions").fetchall() == [("Group call",)]
    assert conn.execute("SELECT count(*) FROM promises").fetchone()[0] == 0
    conn.close()
    # forgetting cannot be undone: undo says so, naming no one, and stops there
    refused = wt("undo", ok=False)
    assert "The last command left to undo is `forget`, which cannot be undone" in refused.stderr
    assert "Dana" not in refused.stderr and SECRET not in refused.stderr


def test_forget_without_terminal_or_yes_refuses(dana: Path, wt: Invoke) -> None:
    before = dump_hash(dana)
    run = wt("forget", "dana", ok=False)
    assert run.exit_code == 1
    assert "--yes" in one_line_error(run.stderr)
    assert dump_hash(dana) == before


def test_forget_asks_on_a_terminal(dana: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    import wintogether.cli.common as common

    monkeypatch.setattr(common, "stdin_is_terminal", lambda: True)
    before = dump_hash(dana)
    declined = wt("forget", "dana", input="n\n", ok=False)
    assert declined.exit_code == 1
    assert "Forget Dana Reyes (#1) for good?" in declined.stderr
    assert dump_hash(dana) == before
    wt("forget", "dana", input="y\n")
    assert [c["name"] for c in json.loads(wt("contacts", "--json").stdout)] == ["Marcus O'Neil"]


# -- atomic writes -------------------------------------------------------------


def test_atomic_write_is_private_and_refuses_dangerous_targets(tmp_path: Path, db: Path) -> None:
    target = tmp_path / "out.csv"
    atomic_write(target, "a,b\n", database=db)
    assert target.read_text(encoding="utf-8") == "a,b\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(FileRefused, match="already exists"):
        atomic_write(target, "new", database=db)
    atomic_write(target, b"new", database=db, overwrite=True)
    assert target.read_bytes() == b"new"
    for bad in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        with pytest.raises(FileRefused):
            atomic_write(bad, "x", database=db, overwrite=True)
    with pytest.raises(FileRefused, match="folder"):
        atomic_write(tmp_path, "x", overwrite=True)
    link = tmp_path / "sneaky.csv"
    link.symlink_to(db)
    with pytest.raises(FileRefused):
        atomic_write(link, "x", database=db, overwrite=True)
    with pytest.raises(FileRefused, match="SQLite"):
        atomic_write(link, "x", overwrite=True)
    with pytest.raises(FileRefused, match="already exists"):
        atomic_write(link, "x")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert health(db) == []
    assert file_hash(db)


def test_atomic_write_failure_leaves_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.txt"

    class Boom(Exception):
        pass

    from wintogether.files import atomic_open

    with pytest.raises(Boom), atomic_open(target) as handle:
        handle.write("partial")
        raise Boom
    assert list(folder.iterdir()) == []
    assert isinstance(FileRefused("x"), WintogetherError)


def test_forget_while_a_reader_holds_the_file_finishes_with_compact(dana: Path, wt: Invoke) -> None:
    wt("log", "dana", f"Private {SECRET} chat")
    reader = sqlite3.connect(dana, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM contacts").fetchone()
    try:
        proc = run_cli(
            "forget", "dana", "--yes", env={**os.environ, "WINTOGETHER_BUSY_TIMEOUT_MS": "200"}
        )
    finally:
        reader.execute("COMMIT")
    assert proc.exit_code == 0, proc
    assert "wt doctor --compact" in proc.stderr
    assert [c["name"] for c in json.loads(wt("contacts", "--json").stdout)] == ["Marcus O'Neil"]
    wt("doctor", "--compact")
    for path in (dana, Path(f"{dana}-wal")):
        data = path.read_bytes() if path.exists() else b""
        assert SECRET.lower().encode() not in data.lower()
    reader.close()


def test_doctor_reports_a_damaged_file(dana: Path) -> None:
    with dana.open("r+b") as handle:
        for page in (3, 5, 8):
            handle.seek(4096 * page)
            handle.write(b"\x0d\xff\xff\xff\xff\xff\xff\xff")
    proc = run_cli("doctor")
    assert proc.exit_code == 3
    assert "Traceback" not in proc.stderr
    assert "FAIL  integrity" in proc.stdout or "FAIL  open" in proc.stdout
    assert "restore the newest good backup" in proc.stdout
    other = run_cli("contacts")
    assert other.exit_code == 3
    assert "damaged" in one_line_error(other.stderr)


def test_backup_into_a_folder_and_bad_keep(dana: Path, wt: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "safe"
    folder.mkdir()
    first = Path(wt("backup", str(folder)).stdout.strip())
    second = Path(wt("backup", str(folder)).stdout.strip())
    assert first.parent == second.parent == folder
    assert first != second
    assert sorted(folder.iterdir()) == sorted([first, second])
    before = dump_hash(dana)
    run = wt("backup", "--keep", "0", ok=False)
    assert run.exit_code == 1
    assert "--keep must be at least 1" in one_line_error(run.stderr)
    assert dump_hash(dana) == before
    assert not (dana.parent / "backups").exists()


def test_undo_stops_at_a_forget_instead_of_reaching_past_it(dana: Path, wt: Invoke) -> None:
    """`wt undo` after `wt forget` must not quietly revert the command before it."""
    wt("follow-up", "dana", "Send the deck", "--due", "fri")
    wt("forget", "marcus", "--yes")
    before = dump_hash(dana)
    for args in (("undo",), ("undo", "--dry-run")):
        run = wt(*args, ok=False)
        assert run.exit_code == 1
        assert one_line_error(run.stderr) == (
            "Error: The last command left to undo is `forget`, which cannot be undone;"
            " undo stops there and nothing changed."
        )
        assert dump_hash(dana) == before
    # A later command is undone as usual; then undo stops at the forget again.
    wt("log", "dana", "Call")
    assert (
        "`wt log dana Call` from Sat 28 Nov 10:00 (1 contact, 1 conversation)" in wt("undo").stderr
    )
    assert "`forget`" in wt("undo", ok=False).stderr
    assert len(json.loads(wt("followups", "--json").stdout)) == 1


def test_undo_stops_at_a_settings_change(dana: Path, wt: Invoke) -> None:
    wt("follow-up", "dana", "Send the deck", "--due", "fri")
    wt("snooze", "1", "next monday")
    wt("config", "set", "log.channel", "call")
    run = wt("undo", "--dry-run", ok=False)
    assert (
        "The last command left to undo is `config set log.channel call`: settings are not"
        " undone (`wt config set` sets it back)" in " ".join(run.stderr.split())
    )
    assert "snooze" not in run.stderr
    # a later command is undone; then undo says the same again, not "the last command"
    wt("log", "dana", "Call")
    assert "Undid `wt log dana Call`" in wt("undo").stderr
    # Said as it could be typed again: the words quoted as a shell needs them.
    wt("log", "dana reyes", 'Call; "renewal"')
    assert "Undid `wt log 'dana reyes' 'Call; \"renewal\"'`" in wt("undo").stderr
    again = wt("undo", ok=False)
    assert "left to undo is `config set log.channel call`" in " ".join(again.stderr.split())


def test_config_set_creates_no_database(wt: Invoke, isolated: Path) -> None:
    wt("config", "set", "log.channel", "call")
    assert not (isolated / "wt.db").exists()


def test_undo_names_what_changed_when_people_joined(db: Path, wt: Invoke) -> None:
    wt("add", "Ann Able")
    wt("add", "Bo Bee")
    wt("deal", "add", "Pilot", "--with", "ann")
    wt("deal", "edit", "pilot", "--with", "bo")
    # who is on it is part of the deal: the deal changed (and is dated so)
    undone = wt("undo")
    assert "(1 deal)." in undone.stderr
    assert [p["name"] for p in json.loads(wt("deal", "show", "pilot", "--json").stdout)[
        "deal"]["people"]] == ["Ann Able"]  # fmt: skip
    wt("edit", "ann", "--tag", "vip")  # a new tag: the tag itself is named
    assert "(1 contact, 1 tag)." in wt("undo").stderr


def test_undo_of_a_linkedin_edit_brings_back_the_web_link_it_took_over(
    db: Path, wt: Invoke
) -> None:
    """The new LinkedIn address was one of her web links: the edit makes it her
    LinkedIn, and `wt undo` gives back exactly what she had (the row SQLite's
    REPLACE removed was journaled by no trigger, so the undo lost it)."""
    wt("add", "Dana Reyes", "--linkedin", "https://www.linkedin.com/in/dana-old")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO contact_urls (uid, contact_id, kind, url, updated_at)"
            " VALUES ('u1', 1, 'web', 'https://example.com/dana', '2026-11-01T00:00:00Z')"
        )

    def urls() -> list[tuple[str, str]]:
        return conn.execute("SELECT kind, url FROM contact_urls ORDER BY kind, url").fetchall()

    before = urls()
    wt("edit", "dana", "--linkedin", "https://example.com/dana")
    assert urls() == [("linkedin", "https://example.com/dana")]
    wt("undo")
    assert urls() == before
    conn.close()
