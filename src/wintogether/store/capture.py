"""Capture: proposed conversations, what was read from each source, who is not a contact.

Functions take an open :class:`Store`; writes expect ``Store.write()`` around them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wintogether.store.common import new_uid
from wintogether.store.handle import Store


@dataclass(frozen=True)
class SourceState:
    path: str
    kind: str
    size: int
    mtime_ns: int
    read_offset: int
    watermark_ns: int
    recurring: bool
    latest: str | None
    scanned_until: str


def gmail_emails(store: Store) -> list[str]:
    """Every contact's Gmail address (archived contacts' too), as written."""
    rows = store.conn.execute(
        "SELECT email FROM contact_emails WHERE email LIKE '%@gmail.com'"
        " OR email LIKE '%@googlemail.com'"
    )
    return [str(r[0]) for r in rows]


def email_index(store: Store) -> list[tuple[str, int]]:
    """(email, contact id) of every contact not archived."""
    rows = store.conn.execute(
        "SELECT e.email, e.contact_id FROM contact_emails e"
        " JOIN contacts c ON c.id = e.contact_id WHERE c.archived_at IS NULL"
        " ORDER BY e.position"
    ).fetchall()
    return [(str(r[0]), int(r[1])) for r in rows]


def never_ids(store: Store) -> set[int]:
    return {int(r[0]) for r in store.conn.execute("SELECT contact_id FROM capture_never")}


def add_never(store: Store, contact_ids: Sequence[int], stamp: str) -> None:
    for contact_id in contact_ids:
        store.conn.execute(
            "INSERT OR IGNORE INTO capture_never (uid, contact_id, updated_at) VALUES (?, ?, ?)",
            (new_uid(), contact_id, stamp),
        )


def source_state(store: Store, path: str) -> SourceState | None:
    row = store.conn.execute(
        "SELECT path, kind, size, mtime_ns, read_offset, watermark_ns, recurring, latest,"
        " scanned_until FROM capture_sources WHERE path = ?",
        (path,),
    ).fetchone()
    if row is None:
        return None
    return SourceState(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), row[7], row[8])


def save_source(store: Store, state: SourceState) -> None:
    store.conn.execute(
        "INSERT OR REPLACE INTO capture_sources (path, kind, size, mtime_ns, read_offset,"
        " watermark_ns, recurring, latest, scanned_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            state.path,
            state.kind,
            state.size,
            state.mtime_ns,
            state.read_offset,
            state.watermark_ns,
            int(state.recurring),
            state.latest,
            state.scanned_until,
        ),
    )


def mark_seen(store: Store, key: str) -> bool:
    """Remember an item; False when it was seen before."""
    cursor = store.conn.execute("INSERT OR IGNORE INTO capture_seen (key) VALUES (?)", (key,))
    return cursor.rowcount > 0


def last_scan(store: Store) -> str | None:
    """When a scan last read a source (UTC), or None before the first."""
    row = store.conn.execute("SELECT max(scanned_until) FROM capture_sources").fetchone()
    return str(row[0]) if row and row[0] else None


def message_threads(store: Store) -> dict[str, str]:
    """Message-ID -> the thread (its first message's id) of the proposal holding
    it, for every email proposal: read once per scan."""
    out: dict[str, str] = {}
    for key, item in store.conn.execute(
        "SELECT p.source_key, i.value FROM capture_proposals p, json_each(p.items) i"
        " WHERE p.kind = 'email'"
    ):
        thread = str(key).removeprefix("mail:").rpartition("|")[0]
        if thread:
            out.setdefault(str(item), thread)
    return out


def keep_meetings_of(store: Store, sources: set[str]) -> None:
    """Drop the copied meetings of every calendar file but ``sources`` (a file
    deleted, or a calendar no longer in the settings)."""
    store.conn.execute(
        "DELETE FROM capture_meetings WHERE source NOT IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(sources)),),
    )


def was_seen(store: Store, key: str) -> bool:
    """Whether an item was remembered (:func:`mark_seen`)."""
    return (
        store.conn.execute("SELECT 1 FROM capture_seen WHERE key = ?", (key,)).fetchone()
        is not None
    )


def count_person(store: Store, email: str, name: str, kind: str, at: str) -> None:
    column = "meetings" if kind == "meeting" else "emails"
    store.conn.execute(
        f"INSERT INTO capture_people (email, name, {column}, last_at) VALUES (?, ?, 1, ?)"
        f" ON CONFLICT (email) DO UPDATE SET {column} = {column} + 1,"
        " name = CASE WHEN excluded.name != '' THEN excluded.name ELSE name END,"
        " last_at = max(last_at, excluded.last_at)",
        (email, name, at),
    )


def people_not_contacts(store: Store, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """People talked to whose address no contact has (as written), most talked to first."""
    rows = store.conn.execute(
        "SELECT p.email, p.name, p.meetings, p.emails, p.last_at FROM capture_people p"
        " WHERE NOT EXISTS (SELECT 1 FROM contact_emails e WHERE e.email = p.email"
        " COLLATE NOCASE)"
        " ORDER BY p.meetings + p.emails DESC, p.last_at DESC, p.email LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    return [
        {"email": r[0], "name": r[1], "meetings": r[2], "emails": r[3], "last_at": r[4]}
        for r in rows
    ]


def find_proposal(store: Store, source_key: str) -> tuple[int, list[str], str] | None:
    """(id, items, status) of the proposal with this key."""
    row = store.conn.execute(
        "SELECT id, items, status FROM capture_proposals WHERE source_key = ?", (source_key,)
    ).fetchone()
    if row is None:
        return None
    return int(row[0]), list(json.loads(row[1])), str(row[2])


def pending_thread(store: Store, prefix: str) -> tuple[int, list[str], str] | None:
    """(id, items, status) of the waiting proposal whose key starts with
    ``prefix`` (a mail thread's, any day), or None."""
    # A range on the unique key, not LIKE: thread ids may hold % and _. The
    # unary + keeps the status index out: through it, every message of a
    # scan read all the proposals waiting (a first scan grew with their square).
    row = store.conn.execute(
        "SELECT id, items, status FROM capture_proposals"
        " WHERE source_key >= ? AND source_key < ? AND +status = 'pending'"
        " ORDER BY happened_at DESC LIMIT 1",
        (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)),
    ).fetchone()
    if row is None:
        return None
    return int(row[0]), list(json.loads(row[1])), str(row[2])


def proposed_items(store: Store, kind: str) -> set[str]:
    """The source items (Message-IDs, occurrence keys) of every proposal of a kind."""
    rows = store.conn.execute("SELECT items FROM capture_proposals WHERE kind = ?", (kind,))
    return {item for (items,) in rows for item in json.loads(items)}


def insert_proposal(
    store: Store,
    *,
    source_key: str,
    kind: str,
    direction: str,
    happened_at: str,
    subject: str,
    items: list[str],
    source: str,
    contact_ids: Sequence[int],
    stamp: str,
) -> int:
    cursor = store.conn.execute(
        "INSERT INTO capture_proposals (uid, source_key, kind, direction, happened_at,"
        " last_at, subject, items, source, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_uid(),
            source_key,
            kind,
            direction,
            happened_at,
            happened_at,
            subject,
            json.dumps(items),
            source,
            stamp,
            stamp,
        ),
    )
    proposal_id = cursor.lastrowid
    assert proposal_id is not None
    add_people(store, proposal_id, contact_ids, stamp)
    return proposal_id


def add_people(store: Store, proposal_id: int, contact_ids: Sequence[int], stamp: str) -> None:
    start = store.conn.execute(
        "SELECT coalesce(max(position) + 1, 0) FROM capture_proposal_people WHERE proposal_id = ?",
        (proposal_id,),
    ).fetchone()[0]
    for position, contact_id in enumerate(contact_ids, start):
        store.conn.execute(
            "INSERT OR IGNORE INTO capture_proposal_people"
            " (uid, proposal_id, contact_id, position, updated_at) VALUES (?, ?, ?, ?, ?)",
            (new_uid(), proposal_id, contact_id, position, stamp),
        )


def add_items(
    store: Store, proposal_id: int, items: list[str], at: str, direction: str, stamp: str
) -> None:
    """More messages of a thread waiting for review (or on a reviewed one's day)."""
    store.conn.execute(
        "UPDATE capture_proposals SET items = ?, happened_at = min(happened_at, ?),"
        " last_at = max(last_at, ?),"
        " direction = CASE WHEN direction = ? THEN direction ELSE 'to' END,"
        " updated_at = ? WHERE id = ?",
        (json.dumps(items), at, at, direction, stamp, proposal_id),
    )


def set_status(
    store: Store, proposal_id: int, status: str, stamp: str, interaction_id: int | None = None
) -> None:
    store.conn.execute(
        "UPDATE capture_proposals SET status = ?, updated_at = ?,"
        " interaction_id = coalesce(?, interaction_id) WHERE id = ?",
        (status, stamp, interaction_id, proposal_id),
    )


_PROPOSAL_COLUMNS = (
    "p.id, p.kind, p.direction, p.happened_at, p.last_at, p.subject, p.items, p.source,"
    " p.status, p.interaction_id"
)


def proposals(
    store: Store, *, statuses: Sequence[str] = ("pending",), ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Proposals with their people (id, name), oldest first."""
    where = f"p.status IN ({','.join('?' for _ in statuses)})"
    params: list[Any] = list(statuses)
    if ids is not None:
        where += f" AND p.id IN ({','.join('?' for _ in ids)})"
        params += list(ids)
    rows = store.conn.execute(
        f"SELECT {_PROPOSAL_COLUMNS} FROM capture_proposals p WHERE {where}"
        " ORDER BY p.happened_at, p.id",
        params,
    ).fetchall()
    out = [
        {
            "id": r[0],
            "kind": r[1],
            "direction": r[2],
            "happened_at": r[3],
            "last_at": r[4],
            "subject": r[5],
            "items": json.loads(r[6]),
            "source": r[7],
            "status": r[8],
            "interaction_id": r[9],
            "people": [],
        }
        for r in rows
    ]
    by_id = {p["id"]: p for p in out}
    if by_id:
        people = store.conn.execute(
            "SELECT pp.proposal_id, c.id, c.name, c.company FROM capture_proposal_people pp"
            " JOIN contacts c ON c.id = pp.contact_id"
            " WHERE pp.proposal_id IN (SELECT id FROM capture_proposals p"
            f" WHERE {where}) ORDER BY pp.proposal_id, pp.position",
            params,
        ).fetchall()
        for proposal_id, contact_id, name, company in people:
            by_id[proposal_id]["people"].append((contact_id, name, company))
    return out


def pending_counts(store: Store) -> tuple[int, int, str | None]:
    """(meetings, email threads, earliest time) waiting for review."""
    row = store.conn.execute(
        "SELECT sum(kind = 'meeting'), sum(kind = 'email'), min(happened_at)"
        " FROM capture_proposals p WHERE status = 'pending'"
        " AND EXISTS (SELECT 1 FROM capture_proposal_people pp WHERE pp.proposal_id = p.id)"
    ).fetchone()
    return int(row[0] or 0), int(row[1] or 0), row[2]


# -- the meetings ahead (wt brief, wt today, wt remind) ----------------------


@dataclass(frozen=True)
class MeetingRow:
    key: str
    source: str
    starts_at: str
    ends_at: str | None
    all_day: bool
    summary: str
    #: The other people in it: (email, name).
    people: list[tuple[str, str]]


def replace_meetings(store: Store, source: str, since: str, rows: Sequence[MeetingRow]) -> None:
    """The meetings of ``source`` from ``since`` on are ``rows`` (what was read)."""
    store.conn.execute(
        "DELETE FROM capture_meetings WHERE source = ? AND starts_at >= ?", (source, since)
    )
    store.conn.executemany(
        "INSERT OR REPLACE INTO capture_meetings"
        " (key, source, starts_at, ends_at, all_day, summary, people)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.key,
                r.source,
                r.starts_at,
                r.ends_at,
                int(r.all_day),
                r.summary,
                json.dumps([list(p) for p in r.people]),
            )
            for r in rows
        ],
    )


def drop_meetings_before(store: Store, before: str) -> None:
    store.conn.execute("DELETE FROM capture_meetings WHERE starts_at < ?", (before,))


def meetings_between(store: Store, start: str, end: str) -> list[MeetingRow]:
    """Meetings that start in [start, end), soonest first."""
    rows = store.conn.execute(
        "SELECT key, source, starts_at, ends_at, all_day, summary, people"
        " FROM capture_meetings WHERE starts_at >= ? AND starts_at < ?"
        " ORDER BY starts_at, summary, key",
        (start, end),
    ).fetchall()
    return [
        MeetingRow(
            r[0],
            r[1],
            r[2],
            r[3],
            bool(r[4]),
            r[5],
            [(str(e), str(n)) for e, n in json.loads(r[6])],
        )
        for r in rows
    ]


def forget_meetings_with(store: Store, emails: Sequence[str]) -> None:
    """Drop the copied meetings that name any of ``emails`` (a forgotten person)."""
    wanted = {e.lower() for e in emails}
    if not wanted:
        return
    doomed = [
        key
        for key, people in store.conn.execute("SELECT key, people FROM capture_meetings")
        if any(str(e).lower() in wanted for e, _ in json.loads(people))
    ]
    store.conn.executemany("DELETE FROM capture_meetings WHERE key = ?", [(k,) for k in doomed])
