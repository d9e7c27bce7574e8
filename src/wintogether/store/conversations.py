"""Conversations (table ``interactions``) and who took part in them.

Functions take an open :class:`Store`; writes expect ``Store.write()`` around them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from wintogether.clock import LocalTimes
from wintogether.models import ContactRef
from wintogether.store.common import chunks, new_uid
from wintogether.store.handle import Store

if TYPE_CHECKING:
    from wintogether.models import Conversation


def insert_conversation(
    store: Store,
    *,
    happened_at: str,
    channel: str,
    note: str,
    participant_ids: Sequence[int],
    stamp: str,
    uid: str | None = None,
) -> int:
    cursor = store.conn.execute(
        "INSERT INTO interactions (uid, happened_at, channel, note, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (uid or new_uid(), happened_at, channel, note, stamp, stamp),
    )
    conversation_id = cursor.lastrowid
    assert conversation_id is not None
    set_participants(store, conversation_id, participant_ids, stamp, touch=False)
    return conversation_id


def set_participants(
    store: Store,
    conversation_id: int,
    participant_ids: Sequence[int],
    stamp: str,
    *,
    touch: bool = True,
) -> None:
    """Who was in a conversation. ``touch``: a change of them is a change of the
    conversation (False for one just written, whose row is as new as can be)."""
    before = store.conn.total_changes
    store.conn.execute(
        "DELETE FROM interaction_participants WHERE interaction_id = ?"
        f" AND contact_id NOT IN ({','.join('?' for _ in participant_ids)})",
        (conversation_id, *participant_ids),
    )
    for contact_id in participant_ids:
        store.conn.execute(
            "INSERT OR IGNORE INTO interaction_participants"
            " (uid, interaction_id, contact_id, updated_at) VALUES (?, ?, ?, ?)",
            (new_uid(), conversation_id, contact_id, stamp),
        )
    if touch and store.conn.total_changes != before:
        # Who was there is part of the conversation: a change of it is one (the
        # sync sends a conversation whose row moved).
        store.conn.execute(
            "UPDATE interactions SET updated_at = ? WHERE id = ?", (stamp, conversation_id)
        )


def update_conversation(
    store: Store, conversation_id: int, fields: dict[str, Any], stamp: str
) -> None:
    allowed = {"happened_at", "channel", "note"}
    if set(fields) - allowed:
        raise ValueError(f"not conversation fields: {sorted(set(fields) - allowed)}")
    if fields:
        assignments = ", ".join(f"{key} = ?" for key in fields)
        store.conn.execute(
            f"UPDATE interactions SET {assignments}, updated_at = ? WHERE id = ?",
            [*fields.values(), stamp, conversation_id],
        )


def delete_conversation(store: Store, conversation_id: int) -> bool:
    cursor = store.conn.execute("DELETE FROM interactions WHERE id = ?", (conversation_id,))
    return cursor.rowcount > 0


def get_conversation(store: Store, conversation_id: int) -> Conversation | None:
    found = select(store, "WHERE i.id = ?", (conversation_id,))
    return found[0] if found else None


def conversations_for_contact(
    store: Store, contact_id: int, limit: int | None
) -> list[Conversation]:
    # The latest `limit` conversations: the newest end of the contact's range
    # in the kept touches (contact, time, conversation; store/touches.py), so
    # the cost is the limit whoever the contact is, a key account with
    # thousands of conversations included (see docs/performance.md).
    if limit is not None and limit > 0:
        return select(
            store,
            "WHERE i.id IN (SELECT interaction_id FROM contact_touches WHERE contact_id = ?"
            " ORDER BY happened_at DESC, interaction_id DESC LIMIT ?)"
            " ORDER BY i.happened_at DESC, i.id DESC",
            (contact_id, limit),
        )
    return select(
        store,
        "WHERE i.id IN (SELECT interaction_id FROM interaction_participants"
        " WHERE contact_id = ?) ORDER BY i.happened_at DESC, i.id DESC LIMIT ?",
        (contact_id, -1 if limit is None else limit),
    )


def count_conversations_for_contact(store: Store, contact_id: int) -> int:
    row = store.conn.execute(
        "SELECT count(*) FROM interaction_participants WHERE contact_id = ?", (contact_id,)
    ).fetchone()
    return int(row[0])


def select(store: Store, tail: str, params: Sequence[Any]) -> list[Conversation]:
    # Plain tuples, read by position: a week's history reads 1,300
    # conversations and 1,500 participants.
    cursor = store.conn.cursor()
    cursor.row_factory = None
    rows = cursor.execute(
        "SELECT i.id, i.uid, i.happened_at, i.channel, i.note, i.created_at"
        f" FROM interactions i {tail}",
        params,
    ).fetchall()
    if not rows:
        return []
    ids = [row[0] for row in rows]
    people: dict[int, list[ContactRef]] = defaultdict(list)
    # A contact in many of the conversations is named by one reference.
    refs: dict[int, ContactRef] = {}
    for chunk in chunks(ids):
        for row in cursor.execute(
            "SELECT p.interaction_id, c.id, c.name, c.company"
            " FROM interaction_participants p JOIN contacts c ON c.id = p.contact_id"
            f" WHERE p.interaction_id IN ({','.join('?' for _ in chunk)}) ORDER BY p.id",
            list(chunk),
        ):
            ref = refs.get(row[1])
            if ref is None:
                ref = refs[row[1]] = ContactRef(row[1], row[2], row[3])
            people[row[0]].append(ref)
    from wintogether.models import Conversation

    # A conversation logged as it happened was stored with the same time twice:
    # each stored time is read once.
    times = LocalTimes()
    # (id, uid, happened_at, channel, note, participants, created_at), by position
    return [
        Conversation(id_, uid, times[at], channel, note, people[id_], times[created])
        for id_, uid, at, channel, note, created in rows
    ]
