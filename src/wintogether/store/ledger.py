"""Ledger and win records: value given and received, and shared wins.

Functions take an open :class:`Store`; writes expect ``Store.write()`` around them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from wintogether.clock import LocalTimes, from_utc_iso_utc
from wintogether.models import ContactRef, LedgerEntry, Win
from wintogether.store.common import id_list, new_uid
from wintogether.store.handle import Store

if TYPE_CHECKING:
    from datetime import datetime

_LEDGER_SELECT = (
    "SELECT l.*, c.name, c.company, t.name AS to_name, t.company AS to_company"
    " FROM ledger l JOIN contacts c ON c.id = l.contact_id"
    " LEFT JOIN contacts t ON t.id = l.to_contact_id"
)
_WIN_SELECT = "SELECT w.*, c.name, c.company FROM wins w JOIN contacts c ON c.id = w.contact_id"
#: :data:`_WIN_SELECT` read from the wins (CROSS JOIN keeps that order): for the
#: wins of many people, whom the planner would otherwise look up first, wins or not.
_WINS_FIRST = _WIN_SELECT.replace(" JOIN ", " CROSS JOIN ")


def insert_entry(
    store: Store,
    *,
    contact_id: int,
    direction: str,
    kind: str,
    text: str,
    happened_at: str,
    stamp: str,
    to_contact_id: int | None = None,
) -> int:
    cursor = store.conn.execute(
        "INSERT INTO ledger (uid, contact_id, direction, kind, text, happened_at,"
        " created_at, updated_at, to_contact_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new_uid(), contact_id, direction, kind, text, happened_at, stamp, stamp, to_contact_id),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def insert_win(
    store: Store,
    *,
    contact_id: int,
    theirs: str,
    mine: str,
    happened_at: str,
    stamp: str,
    uid: str | None = None,
) -> int:
    cursor = store.conn.execute(
        "INSERT INTO wins (uid, contact_id, theirs, mine, happened_at, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (uid or new_uid(), contact_id, theirs, mine, happened_at, stamp, stamp),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def get_entry(store: Store, entry_id: int) -> LedgerEntry | None:
    found = _entries(store, "WHERE l.id = ?", (entry_id,))
    return found[0] if found else None


def get_win(store: Store, win_id: int) -> Win | None:
    found = _wins(store, "WHERE w.id = ?", (win_id,))
    return found[0] if found else None


def entries(
    store: Store,
    *,
    contact_id: int | None = None,
    contact_ids: list[int] | None = None,
    since: str | None = None,
    until: str | None = None,
    direction: str | None = None,
    limit: int | None = None,
    newest_first: bool = True,
) -> list[LedgerEntry]:
    """Ledger entries; ``contact_id`` matches the contact or the person introduced.

    ``contact_ids`` keeps the entries recorded with any of those contacts.
    ``since`` is inclusive and ``until`` exclusive, both stored UTC timestamps.
    ``direction``: only "gave" or only "got".
    """
    clause, params = _entries_where(contact_id, contact_ids, since, until, direction)
    order = "DESC" if newest_first else "ASC"
    params.append(-1 if limit is None else limit)
    return _entries(store, f"{clause} ORDER BY l.happened_at {order}, l.id {order} LIMIT ?", params)


def entries_by_ids(
    store: Store, ids: Sequence[int], *, limit: int | None = None
) -> list[LedgerEntry]:
    """These entries, newest first (as :func:`entries` orders them), at most ``limit``."""
    return _entries(
        store,
        "WHERE l.id IN (SELECT value FROM json_each(?))"
        " ORDER BY l.happened_at DESC, l.id DESC LIMIT ?",
        (id_list(ids), -1 if limit is None else limit),
    )


def count_entries(
    store: Store,
    *,
    contact_id: int | None = None,
    since: str | None = None,
    until: str | None = None,
    direction: str | None = None,
) -> int:
    """How many entries :func:`entries` would give."""
    clause, params = _entries_where(contact_id, None, since, until, direction)
    row = store.conn.execute(
        f"SELECT count(*) FROM ledger l JOIN contacts c ON c.id = l.contact_id {clause}", params
    ).fetchone()
    return int(row[0])


def _entries_where(
    contact_id: int | None,
    contact_ids: list[int] | None,
    since: str | None,
    until: str | None,
    direction: str | None,
) -> tuple[str, list[Any]]:
    where, params = _window("l", since, until)
    if contact_id is not None:
        where.append("(l.contact_id = ? OR l.to_contact_id = ?)")
        params += [contact_id, contact_id]
    if contact_ids is not None:
        where.append("l.contact_id IN (SELECT value FROM json_each(?))")
        params.append(id_list(contact_ids))
    if direction is not None:
        where.append("l.direction = ?")
        params.append(direction)
    return (f"WHERE {' AND '.join(where)}" if where else ""), params


class Move:
    """What a balance reads of a ledger entry: its id, the contact, which way,
    what kind and when (an aware UTC time). Built for many entries at once where
    nothing else of them is shown (the summary's "became one-sided")."""

    __slots__ = ("contact", "direction", "happened_at", "id", "kind")

    def __init__(
        self, id: int, contact: ContactRef, direction: str, kind: str, happened_at: datetime
    ) -> None:
        self.id = id
        self.contact = contact
        self.direction = direction
        self.kind = kind
        self.happened_at = happened_at


def moves(
    store: Store, contact_ids: Sequence[int], since: str, *, named: bool = True
) -> list[Move]:
    """The entries recorded with any of ``contact_ids`` from ``since`` (a stored
    UTC time) on, oldest first ((happened_at, id), as :func:`entries` reads
    them), as :class:`Move`. ``named=False``: each contact is only its id (an
    account's balances, which show no name), and no contact is read."""
    refs: dict[int, ContactRef] = {}
    out = []
    if named:
        sql = (
            "SELECT l.id, l.contact_id, c.name, c.company, l.direction, l.kind, l.happened_at"
            " FROM ledger l JOIN contacts c ON c.id = l.contact_id"
        )
    else:
        sql = (
            "SELECT l.id, l.contact_id, '', NULL, l.direction, l.kind, l.happened_at FROM ledger l"
        )
    for entry_id, cid, name, company, direction, kind, happened_at in store.conn.execute(
        f"{sql} WHERE l.happened_at >= ? AND l.contact_id IN (SELECT value FROM json_each(?))"
        " ORDER BY l.happened_at, l.id",
        (since, id_list(contact_ids)),
    ):
        ref = refs.get(cid)
        if ref is None:
            ref = refs[cid] = ContactRef(cid, name, company)
        out.append(Move(entry_id, ref, direction, kind, from_utc_iso_utc(happened_at)))
    return out


def wins(
    store: Store,
    *,
    contact_id: int | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[Win]:
    where, params = _window("w", since, until)
    if contact_id is not None:
        where.append("w.contact_id = ?")
        params.append(contact_id)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    params.append(-1 if limit is None else limit)
    return _wins(store, f"{clause} ORDER BY w.happened_at DESC, w.id DESC LIMIT ?", params)


def intros_of(store: Store, contact_id: int) -> list[LedgerEntry]:
    """Intros recorded with the contact or naming them as the other person, oldest first."""
    return _entries(
        store,
        "WHERE l.kind = 'intro' AND (l.contact_id = ? OR l.to_contact_id = ?)"
        " ORDER BY l.happened_at, l.id LIMIT -1",
        [contact_id, contact_id],
    )


def intros_received(store: Store) -> list[LedgerEntry]:
    """Intros someone gave me to another contact (``got ... --kind intro --to``), oldest first."""
    return _entries(
        store,
        "WHERE l.kind = 'intro' AND l.direction = 'got' AND l.to_contact_id IS NOT NULL"
        " ORDER BY l.happened_at, l.id LIMIT -1",
        [],
    )


def wins_of(store: Store, contact_ids: Sequence[int], since: str) -> list[Win]:
    """Wins with any of these contacts since ``since`` (a stored UTC timestamp), newest first."""
    return _wins(
        store,
        "WHERE w.contact_id IN (SELECT value FROM json_each(?)) AND w.happened_at >= ?"
        " ORDER BY w.happened_at DESC, w.id DESC LIMIT -1",
        [id_list(contact_ids), since],
        select=_WINS_FIRST,
    )


def _window(alias: str, since: str | None, until: str | None) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if since is not None:
        where.append(f"{alias}.happened_at >= ?")
        params.append(since)
    if until is not None:
        where.append(f"{alias}.happened_at < ?")
        params.append(until)
    return where, params


def _entries(store: Store, tail: str, params: Sequence[Any]) -> list[LedgerEntry]:
    times = LocalTimes()  # an entry logged as it happened has one time twice
    return [
        LedgerEntry(
            id=row["id"],
            uid=row["uid"],
            contact=ContactRef(row["contact_id"], row["name"], row["company"]),
            direction=row["direction"],
            kind=row["kind"],
            text=row["text"],
            happened_at=times[row["happened_at"]],
            created_at=times[row["created_at"]],
            to_contact=(
                ContactRef(row["to_contact_id"], row["to_name"], row["to_company"])
                if row["to_contact_id"] is not None
                else None
            ),
        )
        for row in store.conn.execute(f"{_LEDGER_SELECT} {tail}", params)
    ]


def _wins(
    store: Store, tail: str, params: Sequence[Any], *, select: str = _WIN_SELECT
) -> list[Win]:
    times = LocalTimes()
    return [
        Win(
            id=row["id"],
            uid=row["uid"],
            contact=ContactRef(row["contact_id"], row["name"], row["company"]),
            theirs=row["theirs"],
            mine=row["mine"],
            happened_at=times[row["happened_at"]],
            created_at=times[row["created_at"]],
        )
        for row in store.conn.execute(f"{select} {tail}", params)
    ]
