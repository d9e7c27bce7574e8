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

Nothing can slip past them. While a journaled write runs, the connection has
an authorizer (:class:`Recorder`) that refuses to prepare any statement that
would insert into, update or delete from a journaled table whose trigger the
connection does not have yet, including the statements of the file's own
triggers that the write sets off, and notes which ones it wants. The
connection (store/connection.py, ``RawConnection``) then makes them and
prepares the statement again: a statement refused while being prepared has
not run, so preparing it again changes nothing. Setting the authorizer makes
SQLite prepare every cached statement again, so none prepared before the
write runs without asking. A rolled back transaction or savepoint takes the
triggers made inside it with it; after one, and after a table is dropped or
altered, the connection counts again which triggers it has.
"""

from __future__ import annotations

import sqlite3

from wintogether.store.connection import RawConnection

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
        "INSERT INTO journal_commands (name, summary, at) VALUES (?, ?, ?)", (name, summary, at)
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

    __slots__ = ("conn", "made", "on", "wanted")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        #: (table, change) of each journal trigger the connection has.
        self.made: set[tuple[str, str]] = set()
        #: Those a refused statement needs.
        self.wanted: set[tuple[str, str]] = set()
        self.on = False

    def start(self) -> None:
        """Inside a journaled write, before its first change: from now on, no
        statement that changes a journaled table runs without its trigger."""
        self.recount()
        self.wanted.clear()
        self.on = True
        # Also makes SQLite prepare every cached statement again, with this.
        self.conn.set_authorizer(self._authorize)
        if not isinstance(self.conn, RawConnection):
            # No one to prepare a refused statement again: every trigger now.
            self.make_all()

    def stop(self) -> None:
        self.on = False
        self.wanted.clear()
        self.conn.set_authorizer(None)

    def recount(self) -> None:
        """What the connection has: a rollback or a dropped table takes triggers away."""
        names = {
            trigger_name(table, change): (table, change)
            for table in JOURNALED_TABLES
            for change in _EVENTS
        }
        self.made = {
            names[row[0]]
            for row in self.conn.execute(
                "SELECT name FROM temp.sqlite_master WHERE type = 'trigger'"
            )
            if row[0] in names
        }

    def _authorize(
        self, action: int, first: str | None, second: str | None, db: str | None, _: str | None
    ) -> int:
        change = _CHANGES.get(action)
        if change is None or db != "main" or first not in _JOURNALED:
            return sqlite3.SQLITE_OK
        key = (first, change)
        if key in self.made:
            return sqlite3.SQLITE_OK
        self.wanted.add(key)
        return sqlite3.SQLITE_DENY

    def make_wanted(self) -> bool:
        """Make the triggers a refused statement asked for; False when it asked
        for none (it was refused for another reason, and stays refused)."""
        if not self.on or not self.wanted:
            return False
        wanted = sorted(self.wanted)
        self.wanted.clear()
        return self._make(wanted) > 0

    def make_all(self) -> None:
        """Every journal trigger."""
        if self.on:
            self._make([(t, c) for t in JOURNALED_TABLES for c in _EVENTS])

    def _make(self, keys: list[tuple[str, str]]) -> int:
        """Make those of ``keys`` the connection does not have; how many."""
        columns: dict[str, list[str]] = {}
        made = 0
        for table, change in keys:
            if (table, change) in self.made:
                continue
            if table not in columns:
                # The columns a prepared SELECT names: no pragma, nothing read.
                cursor = self.conn.execute(f"SELECT * FROM main.{_quote(table)} WHERE 0")
                columns[table] = [d[0] for d in cursor.description]
            self.conn.execute(trigger_sql(table, change, columns[table]))
            self.made.add((table, change))
            made += 1
        return made

    def after(self, sql: str) -> None:
        """After a statement: one that may have taken triggers away makes the
        connection count them again."""
        head = sql.lstrip()[:8].upper()
        if head.startswith(("ROLLBACK", "DROP", "ALTER")):
            self.recount()


_JOURNALED = frozenset(JOURNALED_TABLES)


def recorder_of(conn: sqlite3.Connection) -> Recorder:
    """The connection's recorder, made on its first journaled write."""
    recorder = getattr(conn, "recorder", None)
    if isinstance(recorder, Recorder):
        return recorder
    recorder = Recorder(conn)
    if isinstance(conn, RawConnection):
        conn.recorder = recorder
    return recorder
