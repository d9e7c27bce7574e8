"""Who was in which conversation, by person and time: ``contact_touches``.

Migration m017 made the table and the triggers that keep it (store/migrations.py):
one row per participant of a conversation, (contact, the conversation's time,
the conversation), in the order of its primary key. So "conversations with these
people since a day" and "per month" read an index range per person, instead of
looking up every conversation ever held with them (a key account's people have
tens of thousands). The triggers run in the transaction of the write that
changes a conversation or its people, whatever writes it (`wt log`, `edit`,
`merge`, `forget`, `undo`, `import`, `sync`). Derived data, like the standings
(store/standings.py): not journaled, not exported.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from wintogether.store.common import id_list
from wintogether.store.handle import Store
from wintogether.text import read_json

_IN = "IN (SELECT value FROM json_each(?))"

_FRESH = (
    "SELECT p.contact_id, i.happened_at, p.interaction_id FROM interaction_participants p"
    " JOIN interactions i ON i.id = p.interaction_id"
)
_KEPT = "SELECT contact_id, happened_at, interaction_id FROM contact_touches"


def touches_since(store: Store, ids: Sequence[int], since: str) -> dict[int, int]:
    """Conversations with each of these contacts since ``since`` (a stored UTC time)."""
    return {
        row[0]: int(row[1])
        for row in store.conn.execute(
            f"SELECT contact_id, count(*) FROM contact_touches WHERE contact_id {_IN}"
            " AND happened_at >= ? GROUP BY contact_id",
            (id_list(ids), since),
        )
    }


def conversation_times(
    store: Store,
    ids: Sequence[int],
    since: str,
    stays: Mapping[int, tuple[str | None, str | None]] | None = None,
) -> list[str]:
    """The stored time (UTC) of each conversation with any of these contacts
    since ``since``, in time order: a conversation with two of them is there
    once. ``stays``: for some of them, only the conversations in [from, until)
    (stored UTC times, None for no bound).

    The rows come back as two lists in one row (the conversations and their
    times, paired), not a row each: a key account's year is thousands of rows,
    and grouping or de-duplicating them in SQL costs more than this does. The
    people with bounds are read by a statement of their own (as one, with the
    others, SQLite would first copy every row aside)."""
    bounded = [cid for cid in ids if cid in stays] if stays else []
    plain = [cid for cid in ids if cid not in stays] if stays else list(ids)
    paired: list[tuple[str, str]] = []
    if plain or not bounded:
        paired += _pairs(
            store,
            f"FROM contact_touches WHERE contact_id {_IN} AND happened_at >= ?",
            [id_list(plain), since],
        )
    if bounded:
        assert stays is not None
        values = ", ".join(["(?, ?, ?)"] * len(bounded))
        paired += _pairs(
            store,
            "FROM contact_touches t JOIN s ON t.contact_id = s.contact_id"
            " AND t.happened_at >= max(?, coalesce(s.joined, ''))"
            " AND t.happened_at < coalesce(s.until_at, '~')",
            [*(v for cid in bounded for v in (cid, *stays[cid])), since],
            f"WITH s (contact_id, joined, until_at) AS (VALUES {values}) ",
        )
    return sorted(dict(paired).values())


def _pairs(
    store: Store, rows: str, params: Sequence[object], before: str = ""
) -> list[tuple[str, str]]:
    """(conversation, stored time) of the rows ``rows`` ("FROM … WHERE …")
    names, read as two lists in one row. A stored time is never written with a
    space; one edited in by hand is read through JSON instead."""
    conversations, moments = store.conn.execute(
        f"{before}SELECT group_concat(interaction_id, ' '), group_concat(happened_at, ' ') {rows}",
        params,
    ).fetchone()
    if conversations is None:
        return []
    held, times = conversations.split(" "), moments.split(" ")
    if len(held) != len(times):
        conversations, moments = store.conn.execute(
            f"{before}SELECT json_group_array(interaction_id), json_group_array(happened_at)"
            f" {rows}",
            params,
        ).fetchone()
        held, times = [str(n) for n in read_json(conversations)], read_json(moments)
    return list(zip(held, times, strict=True))


def rebuild(store: Store) -> None:
    """Inside a write: recompute every row from the conversations."""
    rebuild_on(store.conn)


def rebuild_on(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM contact_touches")
    conn.execute(f"INSERT INTO contact_touches (contact_id, happened_at, interaction_id) {_FRESH}")


def problems(store: Store) -> list[str]:
    """How the kept rows differ from the conversations; empty when they agree."""
    try:
        (wrong,) = store.conn.execute(
            f"SELECT count(DISTINCT contact_id) FROM ("
            f" SELECT * FROM ({_FRESH} EXCEPT {_KEPT})"
            f" UNION ALL SELECT * FROM ({_KEPT} EXCEPT {_FRESH}))"
        ).fetchone()
    except sqlite3.Error as exc:
        return [f"contact_touches: {exc}"]
    if not wrong:
        return []
    return [
        f"The kept conversation times of {wrong} contact{'s' if wrong != 1 else ''}"
        " differ from their conversations."
    ]


def kept(store: Store) -> list[tuple[object, ...]]:
    """The kept rows, sorted (for tests)."""
    return [tuple(r) for r in store.conn.execute(f"{_KEPT} ORDER BY 1, 2, 3")]


def recomputed(store: Store) -> list[tuple[object, ...]]:
    """What the kept rows should be, sorted like :func:`kept`."""
    return [tuple(r) for r in store.conn.execute(f"{_FRESH} ORDER BY 1, 2, 3")]
