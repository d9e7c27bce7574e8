"""`wt undo` on an open store: find the last command and revert it inside the current one."""

from __future__ import annotations

from wintogether.store import journal
from wintogether.store.handle import Store


def last_undoable(store: Store) -> journal.Command | None:
    """The most recent command that is neither undone nor an undo (nor the one running)."""
    return journal.last_undoable(store.conn, store.command_id)


def revert(store: Store, target: journal.Command) -> None:
    """Inside ``store.write()``: replay ``target`` backwards and mark it undone by
    the running command. Raises :class:`journal.UndoConflict` when a row it
    changed has changed since (the caller's transaction then rolls back)."""
    journal.revert(store.conn, target.id)
    assert store.command_id is not None
    journal.mark_undone(store.conn, target.id, store.command_id, target.summary)
