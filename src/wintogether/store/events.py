"""Timeline events (job changes, sync conflicts): written by import and sync, read
by `wt show`, `wt today`, `wt history` and `wt summary`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wintogether.clock import from_utc_iso
from wintogether.models import ContactEvent, ContactRef
from wintogether.store.common import new_uid
from wintogether.store.handle import Store


def _events(store: Store, tail: str, params: Sequence[Any]) -> list[ContactEvent]:
    return [
        ContactEvent(
            id=row["id"],
            uid=row["uid"],
            contact=ContactRef(row["contact_id"], row["name"], row["company"]),
            kind=row["kind"],
            text=row["text"],
            happened_at=from_utc_iso(row["happened_at"]),
        )
        for row in store.conn.execute(
            "SELECT e.*, c.name, c.company FROM contact_events e"
            f" JOIN contacts c ON c.id = e.contact_id {tail}",
            params,
        )
    ]


def events_for_contact(store: Store, contact_id: int, limit: int | None) -> list[ContactEvent]:
    return _events(
        store,
        "WHERE e.contact_id = ? ORDER BY e.happened_at DESC, e.id DESC LIMIT ?",
        (contact_id, -1 if limit is None else limit),
    )


def open_job_changes(store: Store) -> list[ContactEvent]:
    """Job changes with no conversation logged since: reasons to reach out."""
    return _events(
        store,
        "WHERE e.kind = 'job_change' AND c.archived_at IS NULL"
        " AND (c.last_touch_at IS NULL OR c.last_touch_at < e.happened_at)"
        " AND e.id = (SELECT max(e2.id) FROM contact_events e2"
        "  WHERE e2.contact_id = e.contact_id AND e2.kind = 'job_change')"
        " ORDER BY e.happened_at DESC, e.id DESC",
        (),
    )


def events_between(
    store: Store,
    start: str,
    end: str,
    *,
    kind: str | None = None,
    contact_id: int | None = None,
) -> list[ContactEvent]:
    """Events seen in [start, end) (UTC ISO strings), oldest first.

    With ``kind`` the (kind, happened_at) index answers; with ``contact_id`` the
    (contact_id, happened_at) one.
    """
    where = ["e.happened_at >= ?", "e.happened_at < ?"]
    params: list[Any] = [start, end]
    if kind is not None:
        where.append("e.kind = ?")
        params.append(kind)
    if contact_id is not None:
        where.append("e.contact_id = ?")
        params.append(contact_id)
    return _events(store, f"WHERE {' AND '.join(where)} ORDER BY e.happened_at, e.id", params)


def insert_event(
    store: Store,
    *,
    contact_id: int,
    kind: str,
    text: str,
    old_value: str | None,
    new_value: str | None,
    happened_at: str,
    stamp: str,
    uid: str | None = None,
    created_at: str | None = None,
) -> None:
    store.conn.execute(
        "INSERT OR IGNORE INTO contact_events (uid, contact_id, kind, text, old_value, new_value,"
        " happened_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            uid or new_uid(),
            contact_id,
            kind,
            text,
            old_value,
            new_value,
            happened_at,
            created_at or stamp,
            stamp,
        ),
    )


def anything_captured(store: Store) -> bool:
    """Whether `wt scan` has left anything: a proposal (reviewed or not) or a
    meeting. Without either the dashboard has no review line and no meetings,
    and need not load the capture code to say so."""
    row = store.conn.execute(
        "SELECT EXISTS (SELECT 1 FROM capture_proposals) OR EXISTS (SELECT 1 FROM capture_meetings)"
    ).fetchone()
    return bool(row[0])
