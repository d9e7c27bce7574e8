"""What an export reads: which contacts, then their records one at a time.

Readers yield one record at a time from a cursor, so an export never holds the
whole database in memory; the records themselves are made in records.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from wintogether.store import records
from wintogether.store.contacts import TAGGED_CONTACTS, tag_params
from wintogether.store.handle import Store


def export_contact_ids(
    store: Store, *, contact_id: int | None, tag: str | None, since: str | None
) -> list[int]:
    where: list[str] = []
    params: list[Any] = []
    if contact_id is not None:
        where.append("c.id = ?")
        params.append(contact_id)
    if tag:
        where.append(f"c.id IN ({TAGGED_CONTACTS})")
        params += tag_params(tag)
    if since:
        # The contact changed, or a promise or deal of theirs was added or
        # changed, or a conversation, ledger entry, win or timeline entry of
        # theirs happened since: an export since a day carries everyone it names.
        where.append(_CHANGED_SINCE)
        params += [since] * _CHANGED_SINCE.count("?")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return [
        row[0]
        for row in store.conn.execute(f"SELECT c.id FROM contacts c{clause} ORDER BY c.id", params)
    ]


def _changed(alias: str) -> str:
    """A row added, changed or (for dated rows) happened since the bound time."""
    return f"({alias}.created_at >= ? OR {alias}.updated_at >= ?)"


def _dated(alias: str) -> str:
    """A dated row (a conversation, a ledger entry…) that happened since."""
    return f"{alias}.happened_at >= ?"


_CHANGED_SINCE = (
    "(c.updated_at >= ? OR c.last_touch_at >= ? OR c.created_at >= ?"
    f" OR EXISTS (SELECT 1 FROM promises p WHERE p.contact_id = c.id AND {_changed('p')})"
    f" OR EXISTS (SELECT 1 FROM ledger l WHERE l.contact_id = c.id AND {_dated('l')})"
    f" OR EXISTS (SELECT 1 FROM wins w WHERE w.contact_id = c.id AND {_dated('w')})"
    f" OR EXISTS (SELECT 1 FROM contact_events e WHERE e.contact_id = c.id AND {_dated('e')})"
    " OR EXISTS (SELECT 1 FROM interaction_participants ip JOIN interactions i"
    f"  ON i.id = ip.interaction_id WHERE ip.contact_id = c.id AND {_dated('i')})"
    " OR EXISTS (SELECT 1 FROM deal_people dp JOIN deals d ON d.id = dp.deal_id"
    f"  WHERE dp.contact_id = c.id AND {_changed('d')}))"
)


def _contact_filter(column: str, ids: Sequence[int] | None) -> tuple[str, list[Any]]:
    if ids is None:
        return "", []
    # One bound JSON array: no limit on how many contacts a selection holds.
    return f" AND {column} IN (SELECT value FROM json_each(?))", [json.dumps(list(ids))]


def conversation_records(
    store: Store, ids: Sequence[int] | None, since: str | None
) -> Iterator[dict[str, Any]]:
    flt, params = _contact_filter("p.contact_id", ids)
    sql = f"SELECT {records.CONVERSATION_COLUMNS} FROM interactions i WHERE 1 = 1"
    if ids is not None:
        sql += (
            " AND i.id IN (SELECT p.interaction_id FROM interaction_participants p"
            f" WHERE 1 = 1{flt})"
        )
    if since:
        sql += f" AND {_dated('i')}"
        params.append(since)
    for row in store.conn.execute(sql + " ORDER BY i.happened_at, i.id", params):
        yield records.conversation_record(row)


def promise_records(
    store: Store, ids: Sequence[int] | None, since: str | None, *, open_only: bool = False
) -> Iterator[dict[str, Any]]:
    flt, params = _contact_filter("p.contact_id", ids)
    if since:
        flt += " AND (p.created_at >= ? OR p.updated_at >= ?)"
        params += [since, since]
    if open_only:
        flt += " AND p.status = 'open'"
    for row in store.conn.execute(
        f"{records.PROMISE_SELECT} WHERE 1 = 1{flt} ORDER BY p.due_on, p.id", params
    ):
        yield records.promise_record(row)


def _dated_records(
    store: Store,
    select: str,
    alias: str,
    record: Callable[[Any], dict[str, Any]],
    ids: Sequence[int] | None,
    since: str | None,
) -> Iterator[dict[str, Any]]:
    """Rows of a table dated by ``happened_at``, oldest first, as records (since:
    those that happened since)."""
    flt, params = _contact_filter(f"{alias}.contact_id", ids)
    if since:
        flt += f" AND {_dated(alias)}"
        params.append(since)
    order = f"{alias}.happened_at, {alias}.id"
    for row in store.conn.execute(f"{select} WHERE 1 = 1{flt} ORDER BY {order}", params):
        yield record(row)


def ledger_records(
    store: Store, ids: Sequence[int] | None, since: str | None
) -> Iterator[dict[str, Any]]:
    return _dated_records(store, records.LEDGER_SELECT, "l", records.ledger_record, ids, since)


def win_records(
    store: Store, ids: Sequence[int] | None, since: str | None
) -> Iterator[dict[str, Any]]:
    return _dated_records(store, records.WIN_SELECT, "w", records.win_record, ids, since)


def event_records(
    store: Store, ids: Sequence[int] | None, since: str | None
) -> Iterator[dict[str, Any]]:
    return _dated_records(store, records.EVENT_SELECT, "e", records.event_record, ids, since)


def deal_records(
    store: Store, ids: Sequence[int] | None, since: str | None
) -> Iterator[dict[str, Any]]:
    """Deals (with a selected person on them, when the export is narrowed)."""
    flt = ""
    params: list[Any] = []
    if ids is not None:
        flt, params = _contact_filter("dp.contact_id", ids)
        flt = f" AND d.id IN (SELECT dp.deal_id FROM deal_people dp WHERE 1 = 1{flt})"
    if since:
        flt += " AND (d.created_at >= ? OR d.updated_at >= ?)"
        params += [since, since]
    for row in store.conn.execute(f"{records.DEAL_SELECT} WHERE 1 = 1{flt} ORDER BY d.id", params):
        yield records.deal_record(row)


def step_records(
    store: Store, ids: Sequence[int] | None, since: str | None
) -> Iterator[dict[str, Any]]:
    """Plan steps whose promise is in the selection."""
    flt, params = _contact_filter("p.contact_id", ids)
    if since:
        flt += " AND (p.created_at >= ? OR p.updated_at >= ?)"
        params += [since, since]
    for row in store.conn.execute(
        f"{records.STEP_SELECT} WHERE 1 = 1{flt} ORDER BY s.deal_id, s.position, s.uid", params
    ):
        yield records.step_record(row)


def capture_never_records(store: Store) -> Iterator[dict[str, Any]]:
    """The people `wt review` never proposes again, by contact uid."""
    for row in store.conn.execute(
        "SELECT c.uid FROM capture_never n JOIN contacts c ON c.id = n.contact_id ORDER BY c.uid"
    ):
        yield {"contact": row[0]}


def capture_reviewed_records(store: Store) -> Iterator[dict[str, Any]]:
    """The meetings and mail already proposed (reviewed or waiting), by key: a
    scan on another machine does not propose them again."""
    for row in store.conn.execute("SELECT key FROM capture_seen ORDER BY key"):
        yield {"key": row[0]}


def template_records(store: Store) -> Iterator[dict[str, Any]]:
    for row in store.conn.execute("SELECT * FROM plan_templates ORDER BY name"):
        yield records.template_record(row)
