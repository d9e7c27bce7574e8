"""The change journal: every row change of the data tables, grouped by command.

Each write command (``Store.write(label)``) opens one row in
``journal_commands`` and names it "active" in the one-row table
``journal_active``. Triggers on every journaled table append the old and the
new row (as JSON) to ``journal`` under the active command. Outside a labelled
write (migrations, maintenance) nothing is journaled, because no command is
active.

The triggers are the writing connection's own ``TEMP`` triggers, made from the
tables' columns when a journaled write first needs each one, and never in the
file (store/journal_active.py says how none is missed): a read does not parse
them.

The journal is append-only in normal use. Two things change it: ``undo``
marks a command as undone (and journals its own reverting changes as a
command of its own), and ``forget`` removes every journal row about the
forgotten person.

The journal's own tables were created by migration m003 (store/migrations.py).
Adding a table to the journal is one line: append it to
:data:`JOURNALED_TABLES` (journal_active.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from wintogether.store.journal_active import _KEPT, _quote
from wintogether.store.journal_active import JOURNALED_TABLES as JOURNALED_TABLES  # noqa: PLC0414


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")]


@dataclass
class Command:
    id: int
    name: str
    summary: str
    at: str
    changes: int = 0
    tables: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "summary": self.summary,
            "at": self.at,
            "changes": self.changes,
            "tables": self.tables,
        }


def last_undoable(conn: sqlite3.Connection, current: int | None = None) -> Command | None:
    """The most recent command that is neither undone nor an undo (nor ``current``);
    it may be one of :data:`NOT_UNDOABLE`, which the caller refuses to revert."""
    row = conn.execute(
        "SELECT id, name, summary, at FROM journal_commands"
        " WHERE undone_by IS NULL AND undoes IS NULL AND id IS NOT ?"
        " ORDER BY id DESC LIMIT 1",
        (current,),
    ).fetchone()
    if row is None:
        return None
    command = Command(row[0], row[1], row[2], row[3])
    # tables: how many rows of each table changed (a row changed twice counts once);
    # changes: how many row changes the undo replays.
    for tbl, rows, count in conn.execute(
        "SELECT tbl, count(DISTINCT row_id), count(*) FROM journal WHERE command_id = ?"
        " GROUP BY tbl ORDER BY tbl",
        (command.id,),
    ):
        command.tables[tbl] = rows
        command.changes += count
    return command


class UndoConflict(Exception):
    """The rows a command changed have changed since; it cannot be reverted."""

    def __init__(self, table: str, row_id: int) -> None:
        super().__init__(f"{table} row {row_id} changed since")
        self.table = table
        self.row_id = row_id


def _current(conn: sqlite3.Connection, table: str, row_id: int) -> dict[str, Any] | None:
    cursor = conn.execute(f"SELECT * FROM {_quote(table)} WHERE id = ?", (row_id,))
    row = cursor.fetchone()
    if row is None:
        return None
    names = [d[0] for d in cursor.description]
    return dict(zip(names, tuple(row), strict=True))


def _same(current: dict[str, Any] | None, recorded: dict[str, Any]) -> bool:
    if current is None:
        return False
    return all(current.get(key) == value for key, value in recorded.items())


def revert(conn: sqlite3.Connection, target: int) -> None:
    """Replay the journal rows of command ``target`` backwards.

    Runs inside the caller's write transaction (which is itself a journaled
    command); foreign keys are checked at commit, so the order in which
    cascades were journaled does not matter. Raises :class:`UndoConflict` when
    a row no longer looks the way the command left it.
    """
    import json  # only undo reads the recorded rows back: not on every write's path

    conn.execute("PRAGMA defer_foreign_keys = ON")
    rows = conn.execute(
        "SELECT tbl, op, row_id, old, new FROM journal WHERE command_id = ? ORDER BY id DESC",
        (target,),
    ).fetchall()
    for table, op, row_id, old_json, new_json in rows:
        old = json.loads(old_json) if old_json else None
        new = json.loads(new_json) if new_json else None
        current = _current(conn, table, row_id)
        if op == "insert":
            assert new is not None
            if not _same(current, new):
                raise UndoConflict(table, row_id)
            conn.execute(f"DELETE FROM {_quote(table)} WHERE id = ?", (row_id,))
        elif op == "update":
            assert new is not None and old is not None
            if not _same(current, new):
                raise UndoConflict(table, row_id)
            changed = {k: v for k, v in old.items() if current is None or current.get(k) != v}
            if changed:
                assignments = ", ".join(f"{_quote(k)} = ?" for k in changed)
                conn.execute(
                    f"UPDATE {_quote(table)} SET {assignments} WHERE id = ?",
                    [*changed.values(), row_id],
                )
        else:
            assert old is not None
            if current is not None:
                raise UndoConflict(table, row_id)
            columns = [c for c in _columns(conn, table) if c in old]
            conn.execute(
                f"INSERT INTO {_quote(table)} ({', '.join(_quote(c) for c in columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                [old[c] for c in columns],
            )


def mark_undone(conn: sqlite3.Connection, target: int, by: int, summary: str) -> None:
    conn.execute(
        "UPDATE journal_commands SET undoes = ?, summary = ? WHERE id = ?",
        (target, f"undo {summary}", by),
    )
    conn.execute("UPDATE journal_commands SET undone_by = ? WHERE id = ?", (by, target))


def purge_rows(conn: sqlite3.Connection, rows: set[tuple[str, int]], words: list[str]) -> int:
    """Remove every journal row about ``rows`` and scrub summaries naming ``words``.

    Commands left without journal rows disappear; others that lost rows, or
    whose summary mentions one of ``words`` (case-insensitive), keep only
    their command name. Returns how many journal rows were removed.
    """
    touched: set[int] = set()
    removed = 0
    for table, row_id in rows:
        for (command_id,) in conn.execute(
            "SELECT DISTINCT command_id FROM journal WHERE tbl = ? AND row_id = ?",
            (table, row_id),
        ).fetchall():
            touched.add(command_id)
        removed += conn.execute(
            "DELETE FROM journal WHERE tbl = ? AND row_id = ?", (table, row_id)
        ).rowcount
    for word in (w for w in words if w.strip()):
        for (command_id,) in conn.execute(
            "SELECT id FROM journal_commands WHERE instr(lower(summary), lower(?)) > 0", (word,)
        ).fetchall():
            touched.add(command_id)
    for command_id in touched:
        conn.execute("UPDATE journal_commands SET summary = name WHERE id = ?", (command_id,))
    conn.execute(
        "DELETE FROM journal_commands"
        " WHERE NOT EXISTS (SELECT 1 FROM journal j WHERE j.command_id = journal_commands.id)"
        f" AND {_KEPT}"
    )
    return removed
