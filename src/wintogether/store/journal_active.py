"""The journal's running command, and the triggers that record its changes.

Each write command (``Store.write(label)``) opens one row in
``journal_commands`` and names it "active" in the one-row table
``journal_active``, which the journal triggers read (see journal.py). This is
all a write needs of the journal, kept apart from reading it back (undo,
forget) so that `wt log` imports no more than this.

The journal triggers are not in the file: they are ``TEMP`` triggers, the
writing connection's own, each made when a journaled write first changes its
table in its way (insert, update or delete). SQLite parses a file's whole
schema before the first statement of every process; the 69 journal triggers
(one ``json_object`` of every column per event) were half of it, parsed by
every read that never fires them. A write makes the few it needs (`wt log`:
the conversation, its people, the contact's last touch).

Nothing can slip past them. From a connection's first journaled write on,
SQLite asks an authorizer (:class:`Recorder`) about every statement it
prepares. While a journaled write runs, it refuses any statement that would
insert into, update or delete from a journaled table whose trigger the
connection does not have yet, including the statements of the file's own
triggers and the foreign keys' cascades that the write sets off, and notes
which ones it wants. The connection (store/connection.py, ``RawConnection``)
then makes them and prepares the statement again: a statement refused while
being prepared has not run, so preparing it again changes nothing.

- Statements sqlite3 keeps prepared: setting the authorizer (at the first
  journaled write) makes SQLite prepare every one again; a statement that
  changes a journaled table prepared outside a journaled write later does the
  same at the next one.
- SQLite asks nothing about the rows a REPLACE pushes out, which fire delete
  triggers when recursive triggers are on: then an insert or update of a table
  wants its delete trigger too.
- A rolled back transaction or savepoint takes the triggers made inside it
  along: after one, and after a table is dropped or altered, the connection
  counts again which it has. Triggers made before another process changed the
  file's tables are made again from the new columns.
- A process of a version before m022, still running while another upgraded
  the file, makes no trigger: m022 refuses its command's row, so its write
  fails whole instead of going unjournaled.
"""

from __future__ import annotations

import sqlite3

from wintogether.store.connection import SCHEMA_VERSION, RawConnection

#: Commands that change things but cannot be undone. They stay in the journal
#: (with no rows) so that `wt undo` stops at them, rather than reaching past
#: them to revert an older command.
NOT_UNDOABLE = ("forget", "config set", "config edit")
_KEPT = f"name NOT IN ({', '.join(repr(n) for n in NOT_UNDOABLE)})"

#: Tables whose row changes are journaled (and so can be undone).
JOURNALED_TABLES: list[str] = [
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
    "wins",
    "contact_events",
    "contact_extras",
    "imports",
    "capture_proposals",
    "capture_proposal_people",
    "capture_never",
    "companies",
    "company_aliases",
    "deals",
    "deal_people",
    "deal_steps",
    "plan_templates",
]

TRIGGER_PREFIX = "journal_"
#: The authorizer's code for each change a trigger records, and its word.
_CHANGES = {
    sqlite3.SQLITE_INSERT: "insert",
    sqlite3.SQLITE_UPDATE: "update",
    sqlite3.SQLITE_DELETE: "delete",
}
_EVENTS = {"insert": "INSERT", "update": "UPDATE", "delete": "DELETE"}


def begin_command(conn: sqlite3.Connection, name: str, summary: str, at: str) -> int:
    """Open a command inside the current write transaction; returns its id."""
    cursor = conn.execute(
        "INSERT INTO journal_commands (name, summary, at, schema_version) VALUES (?, ?, ?, ?)",
        (name, summary, at, SCHEMA_VERSION),
    )
    command_id = cursor.lastrowid
    assert command_id is not None
    conn.execute(
        "INSERT OR REPLACE INTO journal_active (only, command_id) VALUES (1, ?)", (command_id,)
    )
    return command_id


def end_command(conn: sqlite3.Connection, command_id: int) -> bool:
    """Close the command; a command that changed nothing leaves no trace.
    Whether it changed something."""
    conn.execute("DELETE FROM journal_active")
    changed = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM journal WHERE command_id = ?)", (command_id,)
    ).fetchone()[0]
    if not changed:
        conn.execute(f"DELETE FROM journal_commands WHERE id = ? AND {_KEPT}", (command_id,))
    return bool(changed)


def suspend(conn: sqlite3.Connection) -> None:
    """Stop journaling for the rest of this transaction (``forget`` uses it)."""
    conn.execute("DELETE FROM journal_active")


def has_journal(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal_active'"
    ).fetchone()
    return row is not None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def trigger_name(table: str, change: str) -> str:
    """The journal trigger of one table and change: ``journal_contacts_update``."""
    return f"{TRIGGER_PREFIX}{table}_{change}"


def trigger_sql(table: str, change: str, columns: list[str]) -> str:
    """The ``CREATE TEMP TRIGGER`` that journals ``change`` ("insert", "update",
    "delete") of ``table``'s rows, with these columns, under the active command."""

    def row_json(alias: str) -> str:
        pairs = ", ".join(f"'{c}', {alias}.{_quote(c)}" for c in columns)
        return f"json_object({pairs})"

    row_id, old, new = {
        "insert": ("NEW.id", "NULL", row_json("NEW")),
        "update": ("NEW.id", row_json("OLD"), row_json("NEW")),
        "delete": ("OLD.id", row_json("OLD"), "NULL"),
    }[change]
    return (
        f"CREATE TEMP TRIGGER IF NOT EXISTS {_quote(trigger_name(table, change))}"
        f" AFTER {_EVENTS[change]} ON main.{_quote(table)}"
        " WHEN EXISTS (SELECT 1 FROM journal_active) BEGIN"
        " INSERT INTO journal (command_id, tbl, op, row_id, old, new)"
        " VALUES ((SELECT command_id FROM journal_active WHERE only = 1),"
        f" '{table}', '{change}', {row_id}, {old}, {new}); END"
    )


class Recorder:
    """The journal triggers of one connection, made as its writes need them."""

    __slots__ = ("asked", "conn", "made", "on", "pending", "replacing", "schema", "stale", "wanted")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        #: (table, change) of each journal trigger the connection has.
        self.made: set[tuple[str, str]] = set()
        #: Those a refused statement needs.
        self.wanted: set[tuple[str, str]] = set()
        self.on = False
        #: The file's schema (``PRAGMA schema_version``) the triggers the
        #: connection has were made from, once a write that began with it committed.
        self.schema: int | None = None
        self.pending: int | None = None
        #: Whether rows a REPLACE pushes out fire delete triggers (SQLite's
        #: recursive triggers, which sqlite-utils turns on).
        self.replacing = False
        #: Whether the connection asks :meth:`_authorize` (from the first
        #: journaled write on: setting it makes SQLite prepare every cached
        #: statement again, which each write would otherwise pay).
        self.asked = False
        #: Whether a statement prepared outside a journaled write changes a
        #: journaled table: kept prepared, it could run inside one unasked.
        self.stale = False

    def start(self) -> None:
        """Inside a journaled write, before its first change: from now on, no
        statement that changes a journaled table runs without its trigger."""
        (schema,) = _run(self.conn, "PRAGMA schema_version").fetchone()
        if schema != self.schema:
            # Another process changed the file's tables since (a newer version
            # migrating it), or it is not known what the triggers were made
            # from (this write's first, or one rolled back): made again.
            self._drop_all()
            self.schema = None
        self.pending = schema
        self.recount()
        self.wanted.clear()
        self.on = True
        if not self.asked or self.stale:
            # Also makes SQLite prepare every cached statement again, asking.
            self.conn.set_authorizer(self._authorize)
            self.asked, self.stale = True, False

    def stop(self) -> None:
        """After the write: statements are still asked about, not refused."""
        self.on = False
        self.wanted.clear()

    def committed(self) -> None:
        """The write committed: the triggers it has are made from the file's
        schema it began with (a rolled back write may have brought back ones it
        had dropped)."""
        self.schema = self.pending

    def recount(self) -> None:
        """What the connection has (a rollback or a dropped table takes triggers
        away), and whether a REPLACE's deletions fire triggers."""
        self.made = {
            _NAMED[row[0]]
            for row in _run(self.conn, "SELECT name FROM temp.sqlite_master WHERE type = 'trigger'")
            if row[0] in _NAMED
        }
        (recursive,) = _run(self.conn, "PRAGMA recursive_triggers").fetchone()
        self.replacing = bool(recursive)

    def _drop_all(self) -> None:
        for (name,) in _run(
            self.conn, "SELECT name FROM temp.sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            if name in _NAMED:
                _run(self.conn, f"DROP TRIGGER temp.{_quote(name)}")

    def _authorize(
        self, action: int, first: str | None, second: str | None, db: str | None, _: str | None
    ) -> int:
        change = _CHANGES.get(action)
        if change is None or db != "main" or first not in _JOURNALED:
            return sqlite3.SQLITE_OK
        if not self.on:
            self.stale = True  # the next journaled write prepares everything again
            return sqlite3.SQLITE_OK
        key = (first, change)
        # SQLite asks nothing about the rows a REPLACE deletes (a conflicting
        # insert or update): where that fires delete triggers, an insert or an
        # update of a table wants its delete trigger too.
        also = (first, "delete") if self.replacing and change != "delete" else key
        if key in self.made and also in self.made:
            return sqlite3.SQLITE_OK
        self.wanted.update(k for k in (key, also) if k not in self.made)
        return sqlite3.SQLITE_DENY

    def make_wanted(self) -> bool:
        """Make the triggers a refused statement asked for; False when it asked
        for none (it was refused for another reason, and stays refused)."""
        if not self.on or not self.wanted:
            return False
        wanted = sorted(self.wanted)
        self.wanted.clear()
        return self._make(wanted) > 0

    def _make(self, keys: list[tuple[str, str]]) -> int:
        """Make those of ``keys`` the connection does not have; how many."""
        columns: dict[str, list[str]] = {}
        made = 0
        for table, change in keys:
            if (table, change) in self.made:
                continue
            if table not in columns:
                # The columns a prepared SELECT names: no pragma, nothing read.
                cursor = _run(self.conn, f"SELECT * FROM main.{_quote(table)} WHERE 0")
                columns[table] = [d[0] for d in cursor.description]
            _run(self.conn, trigger_sql(table, change, columns[table]))
            self.made.add((table, change))
            made += 1
        return made

    def after(self, sql: str) -> None:
        """After a statement: one that may have taken triggers away, or set a
        pragma (recursive triggers), makes the connection count again."""
        if sql.lstrip()[:8].upper().startswith(("ROLLBACK", "DROP", "ALTER", "PRAGMA")):
            self.recount()


_JOURNALED = frozenset(JOURNALED_TABLES)
#: The recorder's own statements: sqlite3's execute, never refused, never
#: counted again (the connection's own goes through the recorder).
_run = sqlite3.Connection.execute
#: Each journal trigger's name: its (table, change).
_NAMED = {
    trigger_name(table, change): (table, change) for table in JOURNALED_TABLES for change in _EVENTS
}


def recorder_of(conn: sqlite3.Connection) -> Recorder:
    """The connection's recorder, made on its first journaled write."""
    if not isinstance(conn, RawConnection):
        # Only it prepares a statement refused for want of a trigger again.
        raise TypeError("a journaled write needs the store's own connection (RawConnection)")
    recorder = conn.recorder
    if isinstance(recorder, Recorder):
        return recorder
    recorder = conn.recorder = Recorder(conn)
    return recorder
