"""The journal's triggers, made by each writing connection as its writes need
them (store/journal_active.py): a read parses none of them, and a write
journals exactly what it journaled when the file held all 69.

The model test runs the same random writes (every kind of change to the
journaled tables, the cascades of foreign keys and of the file's own triggers,
writes through every way the store has of running SQL, failed writes, a
savepoint rolled back, a statement prepared before the write) against two
copies of one database: one connection makes its triggers as they are wanted,
the other has all 69 in the file, as before m022. The journals, and the data,
must be the same row for row.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from wintogether.store import Store, journal, journal_active, open_store
from wintogether.store.connection import RawConnection

CHANGES = ("insert", "update", "delete")
STAMP = "2026-11-28T10:00:00Z"


#: The name of each journal trigger (the file keeps one more on journal_commands).
ROW_TRIGGERS = {
    journal_active.trigger_name(table, change)
    for table in journal.JOURNALED_TABLES
    for change in CHANGES
}


def persistent_triggers(conn: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        if row[0] in ROW_TRIGGERS
    ]


def temp_triggers(conn: sqlite3.Connection) -> set[str]:
    return {
        row[0] for row in conn.execute("SELECT name FROM temp.sqlite_master WHERE type = 'trigger'")
    }


def journal_rows(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return [
        tuple(row)
        for row in conn.execute(
            "SELECT command_id, tbl, op, row_id, old, new FROM journal ORDER BY id"
        )
    ]


def changes(store: Store) -> list[tuple[object, ...]]:
    """(table, change, row id) of each journal row after the seed's six."""
    return [(r[1], r[2], r[3]) for r in journal_rows(store.conn)[6:]]


def data_rows(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: [tuple(row) for row in conn.execute(f"SELECT * FROM [{table}] ORDER BY id")]
        for table in journal.JOURNALED_TABLES
    }


def install_in_file(conn: sqlite3.Connection) -> None:
    """The 69 triggers as the file held them before m022 (made after every
    migration, so the newest of each table's triggers)."""
    for table in journal.JOURNALED_TABLES:
        columns = [d[0] for d in conn.execute(f"SELECT * FROM [{table}] WHERE 0").description]
        for change in CHANGES:
            sql = journal_active.trigger_sql(table, change, columns)
            conn.execute(
                sql.replace("CREATE TEMP TRIGGER", "CREATE TRIGGER").replace(" ON main.", " ON ")
            )


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    path = tmp_path / "fresh.db"
    store, _ = open_store(path, create=True)
    with store.write("seed"):
        for n in range(1, 7):
            store.conn.execute(
                "INSERT INTO contacts (uid, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (f"c{n}", f"Person {n}", STAMP, STAMP),
            )
    store.close()
    return path


def test_the_file_holds_no_journal_trigger_and_a_read_makes_none(fresh: Path) -> None:
    store, _ = open_store(fresh)
    assert isinstance(store.conn, RawConnection)
    assert persistent_triggers(store.conn) == []
    with store.read():
        store.conn.execute("SELECT count(*) FROM contacts").fetchone()
    assert temp_triggers(store.conn) == set()
    # The seed write journaled its six contacts all the same.
    assert [(r[1], r[2]) for r in journal_rows(store.conn)] == [("contacts", "insert")] * 6
    store.close()


def test_a_write_makes_only_the_triggers_it_needs(fresh: Path) -> None:
    store, _ = open_store(fresh)
    with store.write("log"):
        store.conn.execute(
            "INSERT INTO interactions (uid, happened_at, channel, note, created_at, updated_at)"
            " VALUES ('i1', ?, 'call', 'hello', ?, ?)",
            (STAMP, STAMP, STAMP),
        )
        store.conn.execute(
            "INSERT INTO interaction_participants (uid, interaction_id, contact_id, updated_at)"
            " VALUES ('p1', 1, 1, ?)",
            (STAMP,),
        )
    # The participant's own trigger set the contact's last touch: an update of
    # contacts, journaled too (after the participant: the journal's triggers
    # fire first, as they did from the file, where they were the newest).
    assert temp_triggers(store.conn) == {
        "journal_interactions_insert",
        "journal_interaction_participants_insert",
        "journal_contacts_update",
    }
    rows = journal_rows(store.conn)[6:]
    assert [(r[1], r[2]) for r in rows] == [
        ("interactions", "insert"),
        ("interaction_participants", "insert"),
        ("contacts", "update"),
    ]
    store.close()


def test_executemany_runs_each_row_once(fresh: Path) -> None:
    """Refused for want of its trigger, a statement runs again from its first
    row (rows from a generator included); one that fails on a row is not run
    again: the rows before it stay, once."""
    store, _ = open_store(fresh)
    sql = "INSERT INTO contact_emails (uid, contact_id, email, updated_at) VALUES (?, ?, ?, ?)"
    with store.write("emails"):
        store.conn.executemany(sql, ((f"e{n}", 1, f"{n}@x.com", STAMP) for n in range(3)))
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.executemany(
                sql,
                [("e3", 2, "3@x.com", STAMP), ("e4", 2, "4@x.com", STAMP), ("e0", 2, "0@x", STAMP)],
            )
    emails = [row[0] for row in store.conn.execute("SELECT uid FROM contact_emails ORDER BY id")]
    assert emails == ["e0", "e1", "e2", "e3", "e4"]
    assert changes(store) == [("contact_emails", "insert", n) for n in range(1, 6)]
    store.close()


def test_a_write_outside_the_journal_makes_no_trigger_and_journals_nothing(fresh: Path) -> None:
    store, _ = open_store(fresh)
    with store.write_unjournaled():
        store.conn.execute("UPDATE contacts SET company = 'Initech' WHERE id = 1")
    assert temp_triggers(store.conn) == set()
    assert len(journal_rows(store.conn)) == 6
    store.close()


def test_a_statement_prepared_before_the_write_is_journaled(fresh: Path) -> None:
    """The same SQL text run first where nothing is journaled (so sqlite3 keeps
    it prepared, without a trigger), then inside a journaled write."""
    store, _ = open_store(fresh)
    sql = "UPDATE contacts SET title = ? WHERE id = ?"
    with store.write_unjournaled():
        store.conn.execute(sql, ("CTO", 2))
    with store.write("edit"):
        store.conn.execute(sql, ("CEO", 2))
    assert changes(store) == [("contacts", "update", 2)]
    old, new = journal_rows(store.conn)[-1][4:]
    assert '"title":"CTO"' in str(old) and '"title":"CEO"' in str(new)
    store.close()


def test_a_statement_prepared_between_two_writes_is_journaled(fresh: Path) -> None:
    """After a first journaled write the connection keeps asking (it does not
    make SQLite prepare every statement again for each write); a change of a
    journaled table prepared outside a write, then run inside one, is."""
    store, _ = open_store(fresh)
    with store.write("edit"):
        store.conn.execute("UPDATE contacts SET title = 'A' WHERE id = 1")
    update = "UPDATE contacts SET company = ? WHERE id = ?"  # its trigger is made
    delete = "DELETE FROM contacts WHERE id = ?"  # its trigger is not, yet
    with store.write_unjournaled():
        store.conn.execute(update, ("Initech", 2))
        store.conn.execute(delete, (6,))
    with store.write("edit"):
        store.conn.execute(update, ("Globex", 2))
        store.conn.execute(delete, (5,))
    assert changes(store) == [
        ("contacts", "update", 1),
        ("contacts", "update", 2),
        ("contacts", "delete", 5),
    ]
    store.close()


def test_a_rolled_back_write_takes_its_triggers_and_the_next_write_makes_them_again(
    fresh: Path,
) -> None:
    store, _ = open_store(fresh)
    with pytest.raises(RuntimeError), store.write("fails"):
        store.conn.execute("UPDATE contacts SET notes = 'x' WHERE id = 3")
        assert "journal_contacts_update" in temp_triggers(store.conn)
        raise RuntimeError("boom")
    assert temp_triggers(store.conn) == set()
    with store.write("works"):
        store.conn.execute("UPDATE contacts SET notes = 'y' WHERE id = 3")
    assert changes(store) == [("contacts", "update", 3)]
    store.close()


def test_a_savepoint_rolled_back_inside_a_write_takes_its_triggers(fresh: Path) -> None:
    store, _ = open_store(fresh)
    utils = store.connection.utils
    with store.write("import"):
        with pytest.raises(sqlite3.IntegrityError), utils.atomic():
            store.conn.execute("DELETE FROM contacts WHERE id = 4")
            store.conn.execute("INSERT INTO contacts (uid, name, created_at, updated_at)"
                               " VALUES ('c1', 'Twin', ?, ?)", (STAMP, STAMP))  # fmt: skip
        assert "journal_contacts_delete" not in temp_triggers(store.conn)
        store.conn.execute("DELETE FROM contacts WHERE id = 5")
    assert changes(store) == [("contacts", "delete", 5)]
    store.close()


def test_a_statement_refused_for_another_reason_stays_refused(fresh: Path) -> None:
    store, _ = open_store(fresh)
    with pytest.raises(sqlite3.IntegrityError), store.write("bad"):
        store.conn.execute("UPDATE contacts SET name = '' WHERE id = 1")
    with pytest.raises(sqlite3.OperationalError), store.write("bad"):
        store.conn.execute("UPDATE no_such_table SET x = 1")
    assert len(journal_rows(store.conn)) == 6
    store.close()


def test_an_old_file_loses_its_journal_triggers_and_journals_each_change_once(
    tmp_path: Path, fresh: Path
) -> None:
    """A file from before m022 held the 69 triggers; upgraded, it holds none,
    and a change is journaled once, by the connection's own trigger."""
    old = tmp_path / "old.db"
    shutil.copy(fresh, old)
    conn = sqlite3.connect(old)
    install_in_file(conn)
    # What m022 added, taken away again: the file as it was at schema 21.
    conn.execute("DROP TRIGGER journal_commands_current")
    conn.execute("ALTER TABLE journal_commands DROP COLUMN schema_version")
    conn.execute(
        "DELETE FROM _sqlite_migrations WHERE name = 'm022_journal_triggers_per_connection'"
    )
    conn.execute("PRAGMA user_version = 21")
    conn.commit()
    assert len(persistent_triggers(conn)) == 69
    conn.close()
    store, _ = open_store(old)
    assert persistent_triggers(store.conn) == []
    with store.write("edit"):
        store.conn.execute("UPDATE contacts SET title = 'VP' WHERE id = 6")
    assert changes(store) == [("contacts", "update", 6)]
    store.close()


def test_a_command_of_an_earlier_version_still_running_is_refused(fresh: Path) -> None:
    """A process of a version before m022, open while another upgraded the
    file, makes no trigger: its command's row (no schema version) is refused,
    so its write fails whole instead of going unjournaled."""
    store, _ = open_store(fresh)
    store.close()
    conn = sqlite3.connect(fresh)
    with pytest.raises(sqlite3.IntegrityError, match="upgraded by a newer wintogether"):
        conn.execute(
            "INSERT INTO journal_commands (name, summary, at) VALUES ('add', 'add', ?)", (STAMP,)
        )
    conn.close()


def test_triggers_follow_columns_another_process_added(fresh: Path) -> None:
    """Triggers made before another process changed the tables are made again
    from the new columns, also when the first write after it was rolled back."""
    store, _ = open_store(fresh)
    with store.write("edit"):
        store.conn.execute("UPDATE contacts SET title = 'A' WHERE id = 1")
    other = sqlite3.connect(fresh)
    other.execute("ALTER TABLE contacts ADD COLUMN pronouns TEXT")
    other.commit()
    other.close()
    with pytest.raises(Planned), store.write("fails"):
        store.conn.execute("UPDATE contacts SET title = 'B' WHERE id = 1")
        raise Planned
    with store.write("edit"):
        store.conn.execute("UPDATE contacts SET title = 'C', pronouns = 'she' WHERE id = 1")
    old, new = journal_rows(store.conn)[-1][4:]
    assert '"pronouns":null' in str(old) and '"pronouns":"she"' in str(new)
    store.close()


def test_a_replace_journals_the_row_it_pushes_out(fresh: Path) -> None:
    """SQLite asks the authorizer nothing about the row a REPLACE deletes; with
    recursive triggers on (delete triggers fire for it), it is journaled."""
    store, _ = open_store(fresh)
    sql = "INSERT OR REPLACE INTO tags (uid, name, updated_at) VALUES (?, 'vip', ?)"
    with store.write("tag"):
        store.conn.execute(sql, ("t1", STAMP))
    with store.write("tag"):
        store.conn.execute("PRAGMA recursive_triggers = ON")
        store.conn.execute(sql, ("t2", STAMP))
    assert changes(store) == [("tags", "insert", 1), ("tags", "delete", 1), ("tags", "insert", 2)]
    store.close()


def test_ctrl_c_while_sqlite_asks_the_authorizer_is_a_ctrl_c(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python turns an exception in the authorizer into a refusal; a Ctrl-C
    there comes out as KeyboardInterrupt, not a database error, and the write
    is rolled back."""
    import os
    import signal

    from wintogether import interrupt

    original = journal_active.Recorder._authorize

    def pressed(
        self: journal_active.Recorder, action: int, first: str | None, *rest: str | None
    ) -> int:
        if action == sqlite3.SQLITE_UPDATE and first == "contacts" and not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)
        return original(self, action, first, *rest)

    sent: list[bool] = []
    monkeypatch.setattr(journal_active.Recorder, "_authorize", pressed)
    store, _ = open_store(fresh)
    previous = interrupt.install()
    try:
        with pytest.raises(KeyboardInterrupt), store.write("edit"):
            store.conn.execute("UPDATE contacts SET title = 'X' WHERE id = 1")
    finally:
        interrupt.restore(previous)
    titles = store.conn.execute("SELECT title FROM contacts WHERE id = 1").fetchone()
    assert titles[0] is None
    store.close()


# The model: random writes on two copies, triggers made as wanted against all of them.

Op = Callable[[Store, random.Random], None]


def _ids(store: Store, table: str) -> list[int]:
    return [row[0] for row in store.conn.execute(f"SELECT id FROM [{table}] ORDER BY id")]


def _pick(store: Store, rng: random.Random, table: str) -> int | None:
    ids = _ids(store, table)
    return rng.choice(ids) if ids else None


def _add_contact(store: Store, rng: random.Random) -> None:
    n = rng.randrange(10**9)
    store.conn.execute(
        "INSERT INTO contacts (uid, name, company, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        (f"c-{n}", f"Name {n}", rng.choice([None, "Initech", "Globex"]), STAMP, STAMP),
    )


def _edit_contact(store: Store, rng: random.Random) -> None:
    cid = _pick(store, rng, "contacts")
    if cid is None:
        return
    column, value = rng.choice(
        [("company", "Umbrella"), ("cadence_days", rng.randint(1, 90)), ("archived_at", STAMP),
         ("archived_at", None), ("title", "Buyer"), ("introduced_by", _pick(store, rng, "contacts"))]
    )  # fmt: skip
    store.conn.execute(f"UPDATE contacts SET {column} = ? WHERE id = ?", (value, cid))


def _delete_contact(store: Store, rng: random.Random) -> None:
    cid = _pick(store, rng, "contacts")
    if cid is not None and rng.random() < 0.5:
        store.conn.execute("DELETE FROM contacts WHERE id = ?", (cid,))


def _tag(store: Store, rng: random.Random) -> None:
    name = rng.choice(["customers", "prospects", "partners"])
    store.conn.execute(
        "INSERT OR IGNORE INTO tags (uid, name, updated_at) VALUES (?, ?, ?)",
        (f"t-{name}", name, STAMP),
    )
    cid = _pick(store, rng, "contacts")
    (tag_id,) = store.conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
    if cid is not None:
        cursor = store.conn.cursor()  # a cursor of its own, not the connection's execute
        cursor.execute(
            "INSERT OR IGNORE INTO contact_tags (uid, contact_id, tag_id, updated_at)"
            " VALUES (?, ?, ?, ?)",
            (f"ct-{cid}-{tag_id}", cid, tag_id, STAMP),
        )


def _untag(store: Store, rng: random.Random) -> None:
    row = _pick(store, rng, "contact_tags")
    if row is not None:
        store.conn.execute("DELETE FROM contact_tags WHERE id = ?", (row,))
    if rng.random() < 0.2:
        store.conn.execute("DELETE FROM tags WHERE id = (SELECT min(id) FROM tags)")


def _log(store: Store, rng: random.Random) -> None:
    n = rng.randrange(10**9)
    day = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}T09:00:00Z"
    interaction = store.conn.execute(
        "INSERT INTO interactions (uid, happened_at, channel, note, created_at, updated_at)"
        " VALUES (?, ?, 'call', 'talked', ?, ?)",
        (f"i-{n}", day, STAMP, STAMP),
    ).lastrowid
    people = sorted(set(rng.sample(_ids(store, "contacts"), min(2, len(_ids(store, "contacts"))))))
    store.conn.executemany(
        "INSERT INTO interaction_participants (uid, interaction_id, contact_id, updated_at)"
        " VALUES (?, ?, ?, ?)",
        [(f"p-{n}-{cid}", interaction, cid, STAMP) for cid in people],
    )


def _move_or_drop_conversation(store: Store, rng: random.Random) -> None:
    iid = _pick(store, rng, "interactions")
    if iid is None:
        return
    if rng.random() < 0.5:
        store.conn.execute(
            "UPDATE interactions SET happened_at = ? WHERE id = ?",
            (f"2026-0{rng.randint(1, 9)}-15T12:00:00Z", iid),
        )
    else:
        store.conn.execute("DELETE FROM interactions WHERE id = ?", (iid,))


def _promise(store: Store, rng: random.Random) -> None:
    cid = _pick(store, rng, "contacts")
    if cid is None:
        return
    utils = store.connection.utils  # sqlite-utils (it turns recursive triggers on)
    utils["promises"].insert(
        {
            "uid": f"pr-{rng.randrange(10**9)}",
            "contact_id": cid,
            "text": "send the deck",
            "due_on": f"2026-12-{rng.randint(1, 28):02d}",
            "owner": rng.choice(["me", "them"]),
            "created_at": STAMP,
            "updated_at": STAMP,
        }
    )


def _settle_promise(store: Store, rng: random.Random) -> None:
    pid = _pick(store, rng, "promises")
    if pid is None:
        return
    if rng.random() < 0.7:
        store.conn.execute(
            "UPDATE promises SET status = 'done', done_at = ? WHERE id = ?", (STAMP, pid)
        )
    else:
        store.conn.execute("DELETE FROM promises WHERE id = ?", (pid,))


def _ledger(store: Store, rng: random.Random) -> None:
    cid, other = _pick(store, rng, "contacts"), _pick(store, rng, "contacts")
    if cid is None:
        return
    store.conn.execute(
        "INSERT INTO ledger (uid, contact_id, direction, text, happened_at, created_at,"
        " updated_at, to_contact_id) VALUES (?, ?, ?, 'an intro', ?, ?, ?, ?)",
        (f"l-{rng.randrange(10**9)}", cid, rng.choice(["gave", "got"]), STAMP, STAMP, STAMP,
         other if rng.random() < 0.3 else None),
    )  # fmt: skip


def _email(store: Store, rng: random.Random) -> None:
    cid = _pick(store, rng, "contacts")
    if cid is not None:
        store.conn.execute(
            "INSERT OR IGNORE INTO contact_emails (uid, contact_id, email, updated_at)"
            " VALUES (?, ?, ?, ?)",
            (f"e-{rng.randrange(10**9)}", cid, f"x{rng.randint(1, 5)}@example.com", STAMP),
        )


def _replace(store: Store, rng: random.Random) -> None:
    """A REPLACE that pushes a row out: journaled as a delete where SQLite fires
    delete triggers for it (recursive triggers, on once sqlite-utils is loaded)."""
    name = rng.choice(["customers", "prospects", "partners"])
    store.conn.execute(
        "INSERT OR REPLACE INTO tags (uid, name, updated_at) VALUES (?, ?, ?)",
        (f"t-{rng.randrange(10**9)}", name, STAMP),
    )
    row = _pick(store, rng, "contact_emails")
    if row is not None:
        store.conn.execute(
            "UPDATE OR REPLACE contact_emails SET email = ? WHERE id = ?",
            (f"x{rng.randint(1, 5)}@example.com", row),
        )


def _savepoint(store: Store, rng: random.Random) -> None:
    """Changes in a savepoint that is rolled back, then the same changes kept."""
    utils = store.connection.utils
    cid = _pick(store, rng, "contacts")
    if cid is None:
        return
    with pytest.raises(ZeroDivisionError), utils.atomic():
        store.conn.execute("UPDATE contacts SET notes = 'kept?' WHERE id = ?", (cid,))
        store.conn.execute("DELETE FROM ledger WHERE contact_id = ?", (cid,))
        raise ZeroDivisionError
    store.conn.execute("UPDATE contacts SET notes = 'kept' WHERE id = ?", (cid,))


OPS: list[Op] = [
    _add_contact, _edit_contact, _delete_contact, _tag, _untag, _log,
    _move_or_drop_conversation, _promise, _settle_promise, _ledger, _email, _savepoint,
    _replace,
]  # fmt: skip


EVERY = {(table, change) for table in journal.JOURNALED_TABLES for change in CHANGES}


def _run(store: Store, seed: int, *, in_file: bool) -> None:
    """40 commands of random changes; ``in_file``: the file has the triggers
    (the recorder counts them all as made, so it makes none)."""
    with pytest.MonkeyPatch.context() as patch:
        if in_file:
            patch.setattr(journal_active.Recorder, "recount", _count_every)
        _commands(store, random.Random(seed))


def _count_every(self: journal_active.Recorder) -> None:
    self.made = set(EVERY)


def _commands(store: Store, rng: random.Random) -> None:
    for command in range(40):
        ops = [rng.choice(OPS) for _ in range(rng.randint(1, 6))]
        fail = rng.random() < 0.15
        try:
            with store.write(f"command {command}"):
                for op in ops:
                    op(store, rng)
                if fail:
                    raise Planned
        except Planned:
            pass


class Planned(Exception):
    """A command that fails after its changes (rolled back)."""


@pytest.mark.parametrize("seed", range(8))
def test_triggers_made_as_wanted_journal_what_all_of_them_journal(
    tmp_path: Path, fresh: Path, seed: int
) -> None:
    lazy_path, full_path = tmp_path / "lazy.db", tmp_path / "full.db"
    shutil.copy(fresh, lazy_path)
    shutil.copy(fresh, full_path)
    lazy, _ = open_store(lazy_path)
    full, _ = open_store(full_path)
    install_in_file(full.conn)
    _run(lazy, seed, in_file=False)
    _run(full, seed, in_file=True)
    assert temp_triggers(full.conn) == set() and len(persistent_triggers(full.conn)) == 69
    assert 0 < len(temp_triggers(lazy.conn)) < 69
    expected = journal_rows(full.conn)
    assert len(expected) > 40  # the model wrote something
    assert len({(row[1], row[2]) for row in expected}) >= 8  # of many kinds
    assert journal_rows(lazy.conn) == expected
    assert data_rows(lazy.conn) == data_rows(full.conn)
    lazy.close()
    full.close()


def test_the_model_sees_a_missing_trigger(tmp_path: Path, fresh: Path) -> None:
    """The comparison above can fail: a recorder that lets a change of contacts
    through without its trigger journals less than all the triggers do."""
    lazy_path, full_path = tmp_path / "lazy.db", tmp_path / "full.db"
    shutil.copy(fresh, lazy_path)
    shutil.copy(fresh, full_path)
    lazy, _ = open_store(lazy_path)
    full, _ = open_store(full_path)
    install_in_file(full.conn)
    original = journal_active.Recorder._authorize

    def blind(
        self: journal_active.Recorder, action: int, first: str | None, *rest: str | None
    ) -> int:
        if first == "contacts":
            return sqlite3.SQLITE_OK
        return original(self, action, first, *rest)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(journal_active.Recorder, "_authorize", blind)
        _run(lazy, 3, in_file=False)
    _run(full, 3, in_file=True)
    assert journal_rows(lazy.conn) != journal_rows(full.conn)
    lazy.close()
    full.close()
