"""Promises: what I owe and what is owed to me, and when.

Functions take an open :class:`Store`; writes expect ``Store.write()`` around them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from wintogether.clock import LocalTimes
from wintogether.dates import stored_day
from wintogether.models import ContactRef
from wintogether.store.common import id_list, new_uid, plain_rows
from wintogether.store.handle import Store

if TYPE_CHECKING:
    from wintogether.models import Promise


def insert_promise(
    store: Store,
    *,
    contact_id: int,
    text: str,
    due_on: date,
    owner: str,
    stamp: str,
    conversation_id: int | None = None,
    uid: str | None = None,
) -> int:
    cursor = store.conn.execute(
        "INSERT INTO promises (uid, contact_id, interaction_id, text, due_on, owner,"
        " status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)",
        (
            uid or new_uid(),
            contact_id,
            conversation_id,
            text,
            due_on.isoformat(),
            owner,
            stamp,
            stamp,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def update_promise(store: Store, promise_id: int, fields: dict[str, Any], stamp: str) -> None:
    allowed = {"status", "done_at", "done_note", "due_on", "text"}
    if set(fields) - allowed:
        raise ValueError(f"not promise fields: {sorted(set(fields) - allowed)}")
    if fields:
        assignments = ", ".join(f"{key} = ?" for key in fields)
        store.conn.execute(
            f"UPDATE promises SET {assignments}, updated_at = ? WHERE id = ?",
            [*fields.values(), stamp, promise_id],
        )


def get_promise(store: Store, promise_id: int) -> Promise | None:
    found = select(store, "WHERE p.id = ?", (promise_id,))
    return found[0] if found else None


def promises(
    store: Store,
    *,
    statuses: Sequence[str] = ("open",),
    owner: str | None = None,
    due_before: date | None = None,
    due_on_or_before: date | None = None,
    contact_id: int | None = None,
    limit: int | None = None,
) -> list[Promise]:
    where = [f"p.status IN ({','.join('?' for _ in statuses)})"]
    params: list[Any] = list(statuses)
    table = "promises p"
    if contact_id is not None and tuple(statuses) == ("open",):
        # One contact's open promises: the index of open promises by contact,
        # not all the promises a key account ever had (1,300 for the busiest).
        where, params = ["p.status = 'open'"], []
        table = "promises p INDEXED BY promises_open_contact"
    if owner:
        where.append("p.owner = ?")
        params.append(owner)
    if due_before:
        where.append("p.due_on < ?")
        params.append(due_before.isoformat())
    if due_on_or_before:
        where.append("p.due_on <= ?")
        params.append(due_on_or_before.isoformat())
    if contact_id is not None:
        where.append("p.contact_id = ?")
        params.append(contact_id)
    params.append(-1 if limit is None else limit)
    return select(
        store, f"WHERE {' AND '.join(where)} ORDER BY p.due_on, p.id LIMIT ?", params, table=table
    )


def due_keys(store: Store, on_or_before: date) -> list[tuple[int, str]]:
    """(id, stored due day) of the open promises due on or before a day, in
    :func:`promises`'s order: the index alone, no promise row read."""
    return [
        (row[0], row[1])
        for row in store.conn.execute(
            "SELECT p.id, p.due_on FROM promises p WHERE p.status = 'open' AND p.due_on <= ?"
            " ORDER BY p.due_on, p.id",
            (on_or_before.isoformat(),),
        )
    ]


def promises_by_id(store: Store, ids: Sequence[int]) -> list[Promise]:
    """These promises, in :func:`promises`'s order."""
    return select(
        store,
        "WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.due_on, p.id",
        (id_list(ids),),
    )


def promises_for_contact(store: Store, contact_id: int, limit: int | None) -> list[Promise]:
    return select(
        store,
        "WHERE p.contact_id = ? ORDER BY p.created_at DESC, p.id DESC LIMIT ?",
        (contact_id, -1 if limit is None else limit),
    )


def select(
    store: Store,
    tail: str,
    params: Sequence[Any],
    *,
    table: str = "promises p",
    promises_first: bool = False,
) -> list[Promise]:
    """Promises with their contact, for ``SELECT … FROM promises p JOIN contacts
    c … {tail}``. Rows are plain tuples (a view reads hundreds), and a stored
    time met twice in one call is turned into local time once.
    ``promises_first``: the promises are read before their contacts (``CROSS
    JOIN``), where the planner would look up every contact named first, with a
    promise or not."""
    from wintogether.models import Promise

    times = LocalTimes()
    return [
        Promise(
            pid,
            uid,
            ContactRef(contact_id, name, company),
            conversation_id,
            text,
            stored_day(due_on),
            owner,
            status,
            times[done_at] if done_at else None,
            done_note,
            times[created_at],
        )
        for (
            pid, uid, contact_id, name, company, conversation_id, text, due_on, owner, status,
            done_at, done_note, created_at,
        ) in plain_rows(
            store.conn,
            "SELECT p.id, p.uid, p.contact_id, c.name, c.company, p.interaction_id, p.text,"
            " p.due_on, p.owner, p.status, p.done_at, p.done_note, p.created_at"
            f" FROM {table} {'CROSS JOIN' if promises_first else 'JOIN'} contacts c"
            f" ON c.id = p.contact_id {tail}",
            params,
        )
    ]  # fmt: skip
