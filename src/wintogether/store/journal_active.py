"""The journal's running command: opened and closed inside every journaled write.

Each write command (``Store.write(label)``) opens one row in
``journal_commands`` and names it "active" in the one-row table
``journal_active``, which the journal triggers read (see journal.py). This is
all a write needs of the journal, kept apart from reading it back (undo,
forget) so that `wt log` imports no more than this.
"""

from __future__ import annotations

import sqlite3

#: Commands that change things but cannot be undone. They stay in the journal
#: (with no rows) so that `wt undo` stops at them, rather than reaching past
#: them to revert an older command.
NOT_UNDOABLE = ("forget", "config set", "config edit")
_KEPT = f"name NOT IN ({', '.join(repr(n) for n in NOT_UNDOABLE)})"


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
