"""The bad-input table of RELIABILITY.md, one test per row this code base covers.

Each asserts the exit code, exactly one "Error: ..." line on stderr, nothing on
stdout, no traceback, and an unchanged database (``iterdump`` hash, or the
raw file hash where the program must not even open the file for writing).
Import rows (CSV/vCard encodings, malformed cards, re-imports, Ctrl-C during
an import) belong with the import command's tests. The busy-database row is
``test_concurrency.test_lock_held_past_busy_timeout_exits_3``.
"""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from conftest import Invoke
from factory import Factory
from reliability import dump_hash, file_hash, one_line_error, run_cli, run_cli_batch
from wintogether.store.migrations import LATEST_VERSION


def refused(
    wt: Invoke, db: Path, *args: str, code: int = 1, input: str | bytes | None = None
) -> str:
    before = dump_hash(db)
    run = wt(*args, input=input, ok=False)
    assert run.exit_code == code, run
    assert run.stdout == ""
    line = one_line_error(run.stderr)
    assert dump_hash(db) == before
    return line


def test_unknown_contact_suggests(dana: Path, wt: Invoke) -> None:
    line = refused(wt, dana, "log", "Dana Reyez", "note")
    assert "No contact matches 'Dana Reyez'" in line
    assert "Did you mean Dana Reyes (#1)?" in line


def test_ambiguous_contact_names_the_candidates(dana: Path, wt: Invoke) -> None:
    wt("add", "Dana Smith")
    line = refused(wt, dana, "log", "dana", "note")
    assert "matches 2 contacts" in line
    assert "#1 Dana Reyes (Northwind Traders)" in line and "#3 Dana Smith" in line


@pytest.mark.parametrize(
    "args",
    [
        ("follow-up", "dana", "Send deck", "--due", "blorf"),
        ("log", "dana", "note", "--at", "the 45th of Smarch"),
        ("snooze", "1", "whenever"),
    ],
)
def test_invalid_date_shows_examples(dana: Path, wt: Invoke, args: tuple[str, ...]) -> None:
    wt("follow-up", "dana", "Send deck", "--due", "fri")
    line = refused(wt, dana, *args)
    assert "Could not understand the date" in line
    assert "2026-12-04" in line


def test_invalid_duration_shows_examples(dana: Path, wt: Invoke) -> None:
    line = refused(wt, dana, "edit", "dana", "--every", "sometimes")
    assert "is not a duration" in line and "monthly" in line


@pytest.mark.parametrize("note", ["", "   ", "\n\t\n"])
def test_empty_note_shows_an_example(dana: Path, wt: Invoke, note: str) -> None:
    line = refused(wt, dana, "log", "dana", note)
    assert "The note is empty: nothing was saved." in line
    assert 'wt log dana "' in line


def test_invalid_utf8_on_stdin(dana: Path, wt: Invoke) -> None:
    line = refused(wt, dana, "log", "dana", "-", input=b"caf\xe9 au lait\xff")
    assert "not valid UTF-8" in line and "iconv" in line


def test_huge_field_refused_before_any_write(dana: Path, wt: Invoke) -> None:
    line = refused(wt, dana, "log", "dana", "-", input="x" * 1_000_001)
    assert "too long" in line and "1,000,000" in line
    line = refused(wt, dana, "edit", "dana", "--note", "y" * 1_000_001)
    assert "too long" in line


# -- database files: exit 3 and the file untouched ----------------------------


def _untouched(wt: Invoke, path: Path, *args: str) -> str:
    before = file_hash(path)
    mode = path.stat().st_mode
    proc = wt("--db", str(path), *args, ok=False)
    assert proc.exit_code == 3, proc
    assert proc.stdout == ""
    line = one_line_error(proc.stderr)
    assert file_hash(path) == before
    assert path.stat().st_mode == mode
    assert not Path(f"{path}-wal").exists()
    return line


def test_missing_database_path_is_not_created(tmp_path: Path, wt: Invoke) -> None:
    path = tmp_path / "typo" / "clients.db"
    proc = wt("--db", str(path), "contacts", ok=False)
    assert proc.exit_code == 3
    assert f"No database at {path}" in one_line_error(proc.stderr)
    assert not path.parent.exists()


def test_not_sqlite_file(tmp_path: Path, wt: Invoke) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some text, not a database\n", encoding="utf-8")
    assert "not a wintogether database" in _untouched(wt, path, "add", "Someone")


def test_another_apps_sqlite(tmp_path: Path, wt: Invoke) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, caption TEXT)")
    conn.execute("INSERT INTO photos (caption) VALUES ('beach')")
    conn.commit()
    conn.close()
    assert "another application" in _untouched(wt, path, "add", "Someone")


def test_newer_schema(db: Path, wt: Invoke) -> None:
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    conn.close()
    assert "newer wintogether" in _untouched(wt, db, "log", "x", "y")


# -- $EDITOR ---------------------------------------------------------------------


@pytest.fixture
def at_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import wintogether.cli.conversations as conversations

    monkeypatch.setattr(conversations, "stdin_is_terminal", lambda: True)


def test_editor_fails_keeps_the_draft(
    dana: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, at_terminal: None
) -> None:
    monkeypatch.setenv("EDITOR", "false")
    line = refused(wt, dana, "log", "dana")
    assert "nothing saved" in line
    draft = Path(line.split("kept at ", 1)[1].rstrip("."))
    assert draft.exists()
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    assert "Dana Reyes" in draft.read_text(encoding="utf-8")


def test_editor_leaves_note_empty(
    dana: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, at_terminal: None
) -> None:
    monkeypatch.setenv("EDITOR", "true")
    line = refused(wt, dana, "log", "dana")
    assert "The note is empty: nothing was saved." in line


def test_editor_missing(
    dana: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, at_terminal: None
) -> None:
    monkeypatch.setenv("EDITOR", "/nonexistent/editor-binary")
    line = refused(wt, dana, "log", "dana")
    assert "Could not start the editor" in line and "Draft kept at" in line


# -- write targets ----------------------------------------------------------------


def test_write_target_is_the_database(dana: Path, wt: Invoke) -> None:
    assert "database" in refused(wt, dana, "backup", str(dana), "--force")
    assert "database" in refused(wt, dana, "backup", f"{dana}-shm", "--force")


def test_write_target_exists(dana: Path, wt: Invoke) -> None:
    target = dana.parent / "report.db"
    target.write_text("mine", encoding="utf-8")
    assert "already exists" in refused(wt, dana, "backup", str(target))
    assert target.read_text(encoding="utf-8") == "mine"


def test_write_target_in_missing_folder(dana: Path, wt: Invoke) -> None:
    assert "does not exist" in refused(wt, dana, "backup", str(dana.parent / "no" / "x.db"))


# -- deletes that match nothing ------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("conversation", "delete", "999"), "No conversation has id 999"),
        (("forget", "nobody at all", "--yes"), "No contact matches"),
        (("forget", "#77", "--yes"), "No contact has id #77"),
        (("done", "999"), "No promise has id 999"),
        (("undo",), "Nothing to undo"),
    ],
)
def test_delete_matching_nothing_changes_nothing(
    db: Path, wt: Invoke, args: tuple[str, ...], message: str
) -> None:
    assert message in refused(wt, db, *args)


def test_files_are_private(isolated: Path, wt: Invoke) -> None:
    db = isolated / "new" / "place" / "wt.db"
    wt("--db", str(db), "init")
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


# -- dates: one accepted range, and no stored value can stop a command -----------


@pytest.mark.parametrize(
    "args",
    [
        ("log", "dana", "x", "--at", "0999-06-01"),
        ("log", "dana", "x", "--at", "0001-01-01T00:00+14:00"),
        ("log", "dana", "x", "--at", "9999-12-31T23:59Z"),
        ("summary", "--since", "0001-01-01"),
        ("history", "--since", "1899-12-31"),
        ("follow-up", "dana", "Send deck", "--due", "2201-01-01"),
        ("edit", "dana", "--birthday", "1850-01-01"),
    ],
)
def test_dates_outside_1900_to_2200_refused(dana: Path, wt: Invoke, args: tuple[str, ...]) -> None:
    line = refused(wt, dana, *args)
    assert "out of range" in line and "1900 to 2200" in line


def test_dates_at_the_edges_of_the_range_accepted(dana: Path, wt: Invoke) -> None:
    wt("log", "dana", "first", "--at", "1900-01-01")
    wt("follow-up", "dana", "far", "--due", "2200-12-31")
    wt("edit", "dana", "--birthday", "--04-17")
    assert "1900" in wt("show", "dana").stdout


def test_import_refuses_a_date_outside_the_range(dana: Path, wt: Invoke) -> None:
    export = dana.parent / "all.json"
    wt("log", "dana", "renewal call")
    wt("export", "--format", "json", "-o", str(export))
    text = export.read_text(encoding="utf-8")
    export.write_text(text.replace('"happened_at": "2026', '"happened_at": "0999'), "utf-8")
    line = refused(wt, dana, "import", str(export))
    assert "happened_at '0999-" in line and "1900 to 2200" in line


def _bricking_values(db: Path) -> None:
    """What older versions (or a hand edit) could store: unpadded, overflowing
    and unreadable dates in every date column a reader parses."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA trusted_schema = ON")
    conn.execute("UPDATE interactions SET happened_at = '999-06-01T09:12:30Z'")
    conn.execute(
        "INSERT INTO interactions (uid, channel, note, happened_at, created_at, updated_at)"
        " SELECT uid || '-late', channel, note, '9999-12-31T23:59:00Z', created_at, updated_at"
        " FROM interactions"
    )
    conn.execute(
        "INSERT INTO interaction_participants (uid, interaction_id, contact_id, updated_at)"
        " SELECT 'p-late', max(id), 1, '2026-01-01T00:00:00Z' FROM interactions"
    )
    conn.execute("UPDATE contacts SET birthday = '19x0-13-45', last_touch_at = 'garbage'")
    conn.execute("UPDATE contacts SET met_on = 'abc' WHERE id = 1")
    conn.execute("UPDATE promises SET due_on = '2026-02-30'")
    conn.execute("UPDATE ledger SET happened_at = '0001-01-01T00:00:00Z'")
    conn.close()


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "America/Adak"])
def test_a_bad_stored_date_never_stops_a_command(
    dana: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    import time

    wt("log", "dana", "renewal call")
    wt("follow-up", "dana", "Send deck", "--due", "fri")
    wt("gave", "dana", "an intro")
    _bricking_values(dana)
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    for args in (
        ("contacts",),
        ("show", "dana"),
        ("balance",),
        ("summary",),
        ("summary", "--format", "html"),
        ("history",),
        ("today",),
        ("neglected",),
        ("followups",),
        ("dupes",),
        ("search", "renewal"),
        ("export", "--format", "ics"),
        ("export", "--format", "vcard"),
        ("export", "--format", "json"),
    ):
        wt(*args)  # the fixture raises any exception the command lets through
    assert "19x0-13-45" in wt("show", "dana").stdout  # shown as stored
    sync_dir = dana.parent / "vdir"
    sync_dir.mkdir()
    wt("sync", str(sync_dir))
    wt("conversation", "delete", "1")


@pytest.mark.parametrize(
    "args", [("done",), ("snooze",), ("show",), ("log",), ("merge",), ("conversation", "show")]
)
def test_a_missing_id_hints_at_the_shell_comment(
    dana: Path, wt: Invoke, args: tuple[str, ...]
) -> None:
    """`wt done #1` in bash arrives as `wt done`: # starts a comment."""
    run = wt(*args, ok=False)
    assert run.exit_code == 2
    assert "Missing argument" in run.stderr
    assert "quote it, '#1', or just type 1" in " ".join(run.stderr.replace("│", "").split())


def test_other_missing_arguments_get_no_hash_hint(dana: Path, wt: Invoke) -> None:
    run = wt("follow-up", "dana", ok=False)
    assert "Missing argument 'TEXT'" in run.stderr and "#1" not in run.stderr


# -- files we did not write: FIFOs, devices, names, permissions --------------------


def _fifo(tmp_path: Path, name: str) -> Path:
    import os

    path = tmp_path / name
    os.mkfifo(path)
    return path


def test_import_of_a_fifo_or_device_is_refused_without_hanging(tmp_path: Path, db: Path) -> None:
    before = dump_hash(db)
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    for source, word in (
        (_fifo(tmp_path, "people.csv"), "pipe"),
        (Path("/dev/zero"), "device"),
        (link, "device"),
    ):
        proc = run_cli("import", str(source), timeout=20)
        assert proc.exit_code == 1, proc
        assert word in one_line_error(proc.stderr)
    assert dump_hash(db) == before


def test_database_that_is_a_fifo_or_device_is_refused(tmp_path: Path) -> None:
    for path in (_fifo(tmp_path, "clients.db"), Path("/dev/zero")):
        proc = run_cli("--db", str(path), "contacts", timeout=20)
        assert proc.exit_code == 3, proc
        assert "not a database" in one_line_error(proc.stderr)


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_database_named_like_sqlites_own_files_refused(
    tmp_path: Path, wt: Invoke, suffix: str
) -> None:
    path = tmp_path / f"clients.db{suffix}"
    proc = wt("--db", str(path), "init", ok=False)
    assert proc.exit_code == 3, proc
    assert "SQLite's own files" in one_line_error(proc.stderr)
    assert not path.exists()


def test_an_empty_file_becomes_a_private_database(tmp_path: Path, wt: Invoke) -> None:
    path = tmp_path / "clients.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    wt("--db", str(path), "add", "Dana Reyes")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def _without_root_override() -> None:
    """In the child: drop root's right to ignore file permissions, so a read-only
    file is read-only to the test even when the suite runs as root."""
    import ctypes
    import os

    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        libc.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP: gone after exec


def test_unwritable_data_folder_is_a_one_line_error(isolated: Path) -> None:
    import os

    data = isolated / "locked"
    data.mkdir(mode=0o555)
    env = {k: v for k, v in os.environ.items() if k != "WINTOGETHER_DB"}
    env["XDG_DATA_HOME"] = str(data)
    proc = run_cli("contacts", env=env, preexec_fn=_without_root_override)
    assert proc.exit_code == 3, proc
    assert "Cannot create the folder" in one_line_error(proc.stderr)


def test_no_home_folder_is_a_one_line_error(wt: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    for var in ("HOME", "XDG_DATA_HOME", "WINTOGETHER_DB"):
        monkeypatch.delenv(var, raising=False)

    def no_account(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_account)
    run = wt("contacts", ok=False)
    assert run.exit_code == 1
    assert "$HOME is not set" in one_line_error(run.stderr)


@pytest.mark.parametrize("locked", ["file", "folder"])
def test_read_only_database_reads_work_and_writes_are_refused(
    dana: Path, wt: Invoke, locked: str
) -> None:
    wt("log", "dana", "renewal call")
    before = file_hash(dana)
    target = dana if locked == "file" else dana.parent
    target.chmod(0o400 if locked == "file" else 0o500)
    reads = [
        ("contacts",),
        ("show", "dana"),
        ("search", "renewal"),
        ("today",),
        ("history",),
        ("export", "--format", "json"),
        ("undo", "--dry-run"),
    ]
    try:
        # One child process without root's override runs them all, one by one.
        *done, doctor, write = run_cli_batch(
            *reads, ("doctor",), ("log", "dana", "x"), preexec_fn=_without_root_override
        )
        for proc in done:
            assert proc.exit_code == 0, proc
            assert "Traceback" not in proc.stderr, proc
        assert "Dana Reyes" in done[0].stdout
        assert doctor.exit_code == 0, doctor
        assert "read-only" in doctor.stdout
        assert "restore" not in doctor.stdout and "FAIL" not in doctor.stdout.replace(
            "FAIL  permissions", ""
        )
        assert write.exit_code == 3, write
        assert "read-only" in one_line_error(write.stderr)
    finally:
        target.chmod(0o600 if locked == "file" else 0o700)
    assert file_hash(dana) == before


# -- the config file ------------------------------------------------------------


def _config_refused(env_config: Path | str, *args: str) -> str:
    import os

    env = dict(os.environ, WINTOGETHER_CONFIG=str(env_config))
    proc = run_cli(*(args or ("contacts",)), env=env, timeout=20)
    assert proc.exit_code == 1, proc
    assert proc.stdout == ""
    return one_line_error(proc.stderr)


def test_config_that_is_a_fifo_or_device_is_refused(db: Path, tmp_path: Path) -> None:
    assert "pipe" in _config_refused(_fifo(tmp_path, "fifo.toml"))
    assert "device" in _config_refused("/dev/zero")


def test_config_writable_by_others_is_refused(db: Path, tmp_path: Path) -> None:
    import os

    folder = tmp_path / "conf"
    folder.mkdir(mode=0o700)
    config = folder / "config.toml"
    config.write_text('[log]\nchannel = "call"\n', encoding="utf-8")
    config.chmod(0o646)
    line = _config_refused(config)
    assert "can be changed by other users" in line and f"chmod o-w {config}" in line
    config.chmod(0o600)
    folder.chmod(0o777)
    assert f"chmod o-w {folder}" in _config_refused(config)
    folder.chmod(0o1777)  # sticky, like /tmp: others cannot replace our file
    sticky = run_cli("contacts", env=dict(os.environ, WINTOGETHER_CONFIG=str(config)))
    assert sticky.exit_code == 0, sticky


def test_config_folders_are_private_whatever_the_umask(
    isolated: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.delenv("WINTOGETHER_CONFIG")
    old = os.umask(0)
    try:
        wt("config", "set", "log.channel", "call")
    finally:
        os.umask(old)
    config_home = isolated / "home" / "xdg_config_home"
    for folder in (config_home, config_home / "wintogether"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE((config_home / "wintogether" / "config.toml").stat().st_mode) == 0o600


def test_deeply_nested_config_is_a_one_line_error(db: Path, tmp_path: Path) -> None:
    config = tmp_path / "deep.toml"
    config.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert "nested too deeply" in _config_refused(config)
    assert "nested" in _config_refused(config, "config", "set", "log.channel", "call")


def test_config_vdir_with_a_nul_is_refused(db: Path, tmp_path: Path) -> None:
    config = tmp_path / "nul.toml"
    config.write_text('[sync]\nvdir = "\\u0000"\n', encoding="utf-8")
    assert "[sync] vdir must be a folder name" in _config_refused(config, "sync")


# -- export --split: one file per contact, whatever the uids -----------------------


def _contacts_with_uids(db: Path, wt: Invoke, uids: list[str]) -> None:
    """Contacts with these uids (as a sync or an older export could have left)."""
    with Factory(db) as make:
        for i in range(len(uids)):
            make.contact(f"Person {i}")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA trusted_schema = ON")
    for i, uid in enumerate(uids):
        conn.execute("UPDATE contacts SET uid = ? WHERE name = ?", (uid, f"Person {i}"))
    conn.close()


@pytest.mark.parametrize("force", [False, True])
def test_export_split_gives_every_contact_its_own_short_file(
    db: Path, wt: Invoke, tmp_path: Path, force: bool
) -> None:
    uids = ["a:b", "a_b", "A_B", "x" * 300, "é" * 200, "../../etc/passwd", ".hidden", "plain-1"]
    _contacts_with_uids(db, wt, uids)
    folder = tmp_path / "cards"
    if force:
        folder.mkdir()
        (folder / "plain-1.vcf").write_text("old", encoding="utf-8")
    run = wt("export", "--format", "vcard", "--split", str(folder), *(["--force"] * force))
    files = sorted(folder.iterdir())
    assert len(files) == len(uids), files
    assert f"{len(uids)}" in run.stdout + run.stderr
    assert all(len(f.name.encode()) <= 255 for f in files)
    assert len({f.name.casefold() for f in files}) == len(uids)
    texts = [f.read_text(encoding="utf-8") for f in files]
    for i in range(len(uids)):
        assert sum(f"FN:Person {i}\n" in text for text in texts) == 1
    assert "FN:Person 7\n" in (folder / "plain-1.vcf").read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*passwd*"))


# -- forget leaves nothing behind that this computer can reach ----------------------


def test_forget_removes_their_tags_sync_state_and_synced_files(
    dana: Path, wt: Invoke, tmp_path: Path
) -> None:
    wt("edit", "dana", "--tag", "dana-only")
    wt("log", "dana", "solo call")
    wt("log", "dana", "--with", "marcus", "shared lunch")
    wt("follow-up", "dana", "send deck", "--due", "fri")
    vdir = tmp_path / "vdir"
    vdir.mkdir()
    wt("sync", str(vdir))
    conn = sqlite3.connect(dana)
    uid = conn.execute("SELECT uid FROM contacts WHERE name = 'Dana Reyes'").fetchone()[0]
    tag_id = conn.execute("SELECT id FROM tags WHERE name = 'dana-only'").fetchone()[0]
    conn.close()

    def files_naming_them() -> list[Path]:
        return [f for f in vdir.rglob("*") if f.is_file() and uid in f.read_text("utf-8")]

    assert len(files_naming_them()) == 4  # card, to-do, two conversations
    run = wt("forget", "dana", "--yes")
    assert files_naming_them() == []
    told = " ".join(run.stderr.split())
    assert "removed 3" in told and "rewrote 1" in told
    assert "other devices" in told
    conn = sqlite3.connect(dana)
    assert conn.execute("SELECT count(*) FROM tags WHERE name = 'dana-only'").fetchone()[0] == 0
    assert conn.execute(
        "SELECT count(*) FROM journal WHERE tbl = 'tags' AND row_id = ?", (tag_id,)
    ).fetchone() == (0,)
    state = " ".join(str(r) for r in conn.execute("SELECT * FROM sync_state"))
    assert uid not in state and "Dana" not in state
    conn.close()
    assert "shared lunch" in wt("show", "marcus").stdout
    after = wt("sync", str(vdir))
    assert "received 0" in after.stderr + after.stdout
    assert "deleted 0" in after.stderr + after.stdout
    assert "Dana" not in wt("contacts").stdout


def test_sync_skips_items_dated_outside_the_range(db: Path, wt: Invoke, tmp_path: Path) -> None:
    wt("add", "Dana Reyes")
    vdir = tmp_path / "vdir"
    vdir.mkdir()
    wt("sync", str(vdir))
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
    (vdir / "conversations" / "j1.ics").write_text(
        head + "BEGIN:VJOURNAL\r\nUID:j1\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:09990601T000000Z\r\nDESCRIPTION:old\r\nEND:VJOURNAL\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    (vdir / "promises" / "t1.ics").write_text(
        head + "BEGIN:VTODO\r\nUID:t1\r\nDTSTAMP:20260101T000000Z\r\nDUE;VALUE=DATE:25000101\r\n"
        "SUMMARY:far\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    run = wt("sync", str(vdir))
    told = " ".join(run.stderr.split())
    assert "skipped 2" in told and "outside years 1900 to 2200" in told
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM interactions").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM promises").fetchone() == (0,)
    conn.close()


# -- what reaches a terminal ------------------------------------------------------


_ATTACK = "\x1b]52;c;cHduZWQ=\x07\x1b[2J\x9b31m\u202e\r\U000e0041\u00ad"


def test_data_formats_on_a_terminal_are_escaped_and_faithful_in_a_pipe(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    import os
    import re

    wt("add", f"=Evil{_ATTACK}", "--company", _ATTACK, "--note", _ATTACK)
    wt("log", "evil", _ATTACK)
    wt("follow-up", "evil", _ATTACK, "--due", "fri")
    wt("config", "set", f"cadence.tags.x{_ATTACK}", "30d")
    from test_fuzz_terminal import run_driver

    ours = re.compile(r"\x1b\[[0-9;]*m")
    commands = [
        ["contacts", "--format", "csv"],
        ["export", "--format", "csv"],
        ["export", "--format", "vcard"],
        ["export", "--format", "ics"],
        ["summary", "--format", "csv"],
        ["config", "show"],
    ]
    # The real CLI with stdout and stderr on a pseudo-terminal, every command in
    # one child process (data/fuzz_driver.py): what each one wrote.
    config = Path(os.environ["WINTOGETHER_CONFIG"])
    steps = run_driver(db, config, [(args, True) for args in commands], terminal=True)
    for step in steps:
        assert (step.exit_code, step.traceback, step.changed) == (0, "", False), step
        shown = ours.sub("", step.output)
        assert "\\x1b]52;c;cHduZWQ=\\x07" in shown or "\\x1b" in shown, step.args
        for raw in ("\x1b", "\x9b", "\u202e", "\r", "\U000e0041", "\u00ad", "\x07"):
            assert raw not in shown, (step.args, raw)
    piped, contacts = run_cli_batch(["export", "--format", "csv"], ["contacts", "--format", "csv"])
    assert _ATTACK in piped.stdout  # a file or a pipe keeps the data
    assert "'=Evil" in contacts.stdout  # still formula-guarded


def test_invisible_format_characters_shown_escaped(db: Path, wt: Invoke) -> None:
    wt("add", "Dana\U000e0041\U000e0042\u00ad\u2060Reyes")
    for args in (("contacts",), ("contacts", "--format", "json"), ("show", "dana")):
        out = wt(*args).stdout
        for raw in ("\U000e0041", "\u00ad", "\u2060"):
            assert raw not in out, (args, raw)
    assert "\\U000e0041" in wt("contacts").stdout
    assert "\\udb40\\udc41" in wt("contacts", "--format", "json").stdout  # valid JSON


def test_a_promise_with_a_line_break_syncs(dana: Path, wt: Invoke, tmp_path: Path) -> None:
    wt("follow-up", "dana", "send the deck\nand the price list; call, then", "--due", "fri")
    vdir = tmp_path / "vdir"
    vdir.mkdir()
    wt("sync", str(vdir))
    other = tmp_path / "other.db"
    wt("--db", str(other), "init")
    wt("--db", str(other), "sync", str(vdir))
    out = wt("--db", str(other), "followups", "--format", "json").stdout
    assert "send the deck\\nand the price list; call, then" in out


@pytest.mark.parametrize(
    "command",
    [
        ("contacts",),
        ("history",),
        ("followups",),
        ("neglected",),
        ("balance",),
        ("dupes",),
        ("companies",),
        ("company", "northwind"),
        ("path", "northwind"),
        ("deals",),
        ("search", "dana"),
        ("show", "dana"),
    ],
)
def test_a_limit_beyond_any_count_lists_everything(
    dana: Path, wt: Invoke, command: tuple[str, ...]
) -> None:
    """A --limit larger than SQLite's integers (a script's "everything") is all
    of it, not a traceback."""
    huge = wt(*command, "--limit", str(2**63), "--json")
    every = wt(*command, "--limit", "0" if command[0] not in ("search", "show") else "1000",
               "--json")  # fmt: skip
    assert huge.stdout == every.stdout
