"""Bulk reads and writes for imports, exports, duplicates and merges.

Export readers yield one record at a time from a cursor (contacts in chunks),
so an export never holds the whole database in memory. Write functions run
inside the caller's ``Store.write()`` transaction and never commit.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from wintogether.store.queries import CONTACT_FIELDS, TAGGED_CONTACTS, Store, new_uid, tag_params

_CHUNK = 500


# -- matching -------------------------------------------------------------------


@dataclass
class MatchIndex:
    """Every contact's identifying keys, for matching thousands of rows fast."""

    by_uid: dict[str, int]
    by_email: dict[str, int]
    by_url: dict[str, int]
    by_name_company: dict[tuple[str, str], int]


def match_index(store: Store) -> MatchIndex:
    index = MatchIndex({}, {}, {}, {})
    for row in store.conn.execute("SELECT id, uid, name, company FROM contacts ORDER BY id"):
        index.by_uid.setdefault(row[1], row[0])
        key = (row[2].casefold(), (row[3] or "").casefold())
        index.by_name_company.setdefault(key, row[0])
    for row in store.conn.execute(
        "SELECT contact_id, value FROM contact_extras WHERE key = 'MERGED-UID' ORDER BY id"
    ):
        index.by_uid.setdefault(row[1], row[0])
    for row in store.conn.execute("SELECT contact_id, email FROM contact_emails ORDER BY id"):
        index.by_email.setdefault(row[1].casefold(), row[0])
    for row in store.conn.execute("SELECT contact_id, url FROM contact_urls ORDER BY id"):
        index.by_url.setdefault(row[1].rstrip("/").casefold(), row[0])
    return index


def contact_records(store: Store, ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    """Contacts in export shape (stored strings, uids for references), in ``ids`` order."""
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ",".join("?" for _ in chunk)
        rows = {
            row["id"]: row
            for row in store.conn.execute(
                "SELECT c.*, i.uid AS intro_uid FROM contacts c"
                f" LEFT JOIN contacts i ON i.id = c.introduced_by WHERE c.id IN ({marks})",
                chunk,
            )
        }
        children = store._children(chunk)
        extras: dict[int, list[list[str]]] = defaultdict(list)
        for row in store.conn.execute(
            f"SELECT contact_id, key, value FROM contact_extras WHERE contact_id IN ({marks})"
            " ORDER BY id",
            chunk,
        ):
            extras[row[0]].append([row[1], row[2]])
        for cid in chunk:
            row = rows.get(cid)
            if row is None:
                continue
            kids = children[cid]
            yield {
                "id": cid,
                "uid": row["uid"],
                "name": row["name"],
                "company": row["company"],
                "title": row["title"],
                "emails": kids["emails"],
                "phones": kids["phones"],
                "urls": [{"kind": kind, "url": url} for kind, url in kids["urls"]],
                "tags": kids["tags"],
                "how_met": row["how_met"],
                "met_on": row["met_on"],
                "introduced_by": row["intro_uid"],
                "birthday": row["birthday"],
                "cadence_days": row["cadence_days"],
                "notes": row["notes"],
                "extras": extras.get(cid, []),
                "last_touch_at": row["last_touch_at"],
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
                "archived_at": row["archived_at"],
            }


def uids_of(store: Store, ids: Sequence[int]) -> list[str]:
    return [
        row[0]
        for row in store.conn.execute(
            "SELECT uid FROM contacts WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json.dumps(list(ids)),),
        )
    ]


# -- export selection -------------------------------------------------------------


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
        where.append("(c.updated_at >= ? OR c.last_touch_at >= ? OR c.created_at >= ?)")
        params += [since, since, since]
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return [
        row[0]
        for row in store.conn.execute(f"SELECT c.id FROM contacts c{clause} ORDER BY c.id", params)
    ]


def _contact_filter(column: str, ids: Sequence[int] | None) -> tuple[str, list[Any]]:
    if ids is None:
        return "", []
    # One bound JSON array: no limit on how many contacts a selection holds.
    return f" AND {column} IN (SELECT value FROM json_each(?))", [json.dumps(list(ids))]


def conversation_records(
    store: Store, ids: Sequence[int] | None, since: str | None
) -> Iterator[dict[str, Any]]:
    flt, params = _contact_filter("p.contact_id", ids)
    sql = (
        "SELECT i.*, (SELECT json_group_array(uid) FROM (SELECT c.uid FROM"
        " interaction_participants p2 JOIN contacts c ON c.id = p2.contact_id"
        " WHERE p2.interaction_id = i.id ORDER BY p2.id)) AS people FROM interactions i"
        " WHERE 1 = 1"
    )
    if ids is not None:
        sql += (
            " AND i.id IN (SELECT p.interaction_id FROM interaction_participants p"
            f" WHERE 1 = 1{flt})"
        )
    if since:
        sql += " AND i.happened_at >= ?"
        params.append(since)
    for row in store.conn.execute(sql + " ORDER BY i.happened_at, i.id", params):
        yield {
            "uid": row["uid"],
            "happened_at": row["happened_at"],
            "channel": row["channel"],
            "note": row["note"],
            "participants": json.loads(row["people"]),
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }


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
        "SELECT p.*, c.uid AS contact_uid, c.name AS contact_name, i.uid AS conversation_uid"
        " FROM promises p JOIN contacts c ON c.id = p.contact_id"
        f" LEFT JOIN interactions i ON i.id = p.interaction_id WHERE 1 = 1{flt}"
        " ORDER BY p.due_on, p.id",
        params,
    ):
        yield {
            "uid": row["uid"],
            "contact": row["contact_uid"],
            "contact_name": row["contact_name"],
            "conversation": row["conversation_uid"],
            "text": row["text"],
            "due_on": row["due_on"],
            "owner": row["owner"],
            "status": row["status"],
            "done_at": row["done_at"],
            "done_note": row["done_note"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }


def ledger_records(
    store: Store, ids: Sequence[int] | None, since: str | None
) -> Iterator[dict[str, Any]]:
    flt, params = _contact_filter("l.contact_id", ids)
    if since:
        flt += " AND l.happened_at >= ?"
        params.append(since)
    for row in store.conn.execute(
        "SELECT l.*, c.uid AS contact_uid, t.uid AS to_uid FROM ledger l"
        " JOIN contacts c ON c.id = l.contact_id LEFT JOIN contacts t ON t.id = l.to_contact_id"
        f" WHERE 1 = 1{flt} ORDER BY l.happened_at, l.id",
        params,
    ):
        yield {
            "uid": row["uid"],
            "contact": row["contact_uid"],
            "to_contact": row["to_uid"],
            "direction": row["direction"],
            "kind": row["kind"],
            "text": row["text"],
            "happened_at": row["happened_at"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }


def win_records(
    store: Store, ids: Sequence[int] | None, since: str | None
) -> Iterator[dict[str, Any]]:
    flt, params = _contact_filter("w.contact_id", ids)
    if since:
        flt += " AND w.happened_at >= ?"
        params.append(since)
    for row in store.conn.execute(
        "SELECT w.*, c.uid AS contact_uid FROM wins w JOIN contacts c ON c.id = w.contact_id"
        f" WHERE 1 = 1{flt} ORDER BY w.happened_at, w.id",
        params,
    ):
        yield {
            "uid": row["uid"],
            "contact": row["contact_uid"],
            "theirs": row["theirs"],
            "mine": row["mine"],
            "happened_at": row["happened_at"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }


def event_records(
    store: Store, ids: Sequence[int] | None, since: str | None
) -> Iterator[dict[str, Any]]:
    flt, params = _contact_filter("e.contact_id", ids)
    if since:
        flt += " AND e.happened_at >= ?"
        params.append(since)
    for row in store.conn.execute(
        "SELECT e.*, c.uid AS contact_uid FROM contact_events e"
        f" JOIN contacts c ON c.id = e.contact_id WHERE 1 = 1{flt} ORDER BY e.happened_at, e.id",
        params,
    ):
        yield {
            "uid": row["uid"],
            "contact": row["contact_uid"],
            "kind": row["kind"],
            "text": row["text"],
            "old_value": row["old_value"],
            "new_value": row["new_value"],
            "happened_at": row["happened_at"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }


# -- writes -------------------------------------------------------------------------


def insert_contact(store: Store, fields: dict[str, Any], stamp: str) -> int:
    """A contact with explicit uid/created_at/updated_at when given (round trips)."""
    values = [fields.get(key) for key in CONTACT_FIELDS]
    cursor = store.conn.execute(
        f"INSERT INTO contacts (uid, {', '.join(CONTACT_FIELDS)}, created_at, updated_at,"
        f" archived_at) VALUES (?, {', '.join('?' for _ in CONTACT_FIELDS)}, ?, ?, ?)",
        [
            fields.get("uid") or new_uid(),
            *values,
            fields.get("created_at") or stamp,
            fields.get("updated_at") or stamp,
            fields.get("archived_at"),
        ],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def add_url(store: Store, contact_id: int, kind: str, url: str, stamp: str) -> None:
    store.conn.execute(
        "INSERT OR IGNORE INTO contact_urls (uid, contact_id, kind, url, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (new_uid(), contact_id, kind, url, stamp),
    )


def add_extras(
    store: Store, contact_id: int, extras: Sequence[tuple[str, str]], stamp: str
) -> None:
    store.conn.executemany(
        "INSERT OR IGNORE INTO contact_extras (uid, contact_id, key, value, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [(new_uid(), contact_id, key, value, stamp) for key, value in extras],
    )


def extras_of(store: Store, contact_id: int) -> list[tuple[str, str]]:
    return [
        (row[0], row[1])
        for row in store.conn.execute(
            "SELECT key, value FROM contact_extras WHERE contact_id = ? ORDER BY id", (contact_id,)
        )
    ]


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


def record_import(
    store: Store, fmt: str, file_name: str, counts: tuple[int, int, int], stamp: str
) -> None:
    store.conn.execute(
        "INSERT INTO imports (uid, format, file_name, added, updated, skipped, imported_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (new_uid(), fmt, file_name, *counts, stamp, stamp),
    )


def contact_id_by_uid(store: Store, uid: str) -> int | None:
    row = store.conn.execute("SELECT id FROM contacts WHERE uid = ?", (uid,)).fetchone()
    return int(row[0]) if row else None


def link_introducer(store: Store, contact_id: int, introducer_id: int) -> None:
    """Record who introduced a contact, unless that is already known."""
    store.conn.execute(
        "UPDATE contacts SET introduced_by = ? WHERE id = ? AND introduced_by IS NULL",
        (introducer_id, contact_id),
    )


def uid_map(store: Store, table: str) -> dict[str, int]:
    assert table in ("contacts", "interactions", "promises", "ledger", "wins", "contact_events")
    return {row[0]: row[1] for row in store.conn.execute(f"SELECT uid, id FROM {table}")}


def insert_conversation_record(
    store: Store, record: dict[str, Any], participant_ids: Sequence[int]
) -> int | None:
    cursor = store.conn.execute(
        "INSERT OR IGNORE INTO interactions (uid, happened_at, channel, note, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            record["uid"],
            record["happened_at"],
            record["channel"],
            record["note"],
            record["created_at"],
            record["updated_at"],
        ),
    )
    if cursor.rowcount == 0:
        return None
    conversation_id = cursor.lastrowid
    assert conversation_id is not None
    for contact_id in participant_ids:
        store.conn.execute(
            "INSERT OR IGNORE INTO interaction_participants"
            " (uid, interaction_id, contact_id, updated_at) VALUES (?, ?, ?, ?)",
            (new_uid(), conversation_id, contact_id, record["updated_at"]),
        )
    return conversation_id


def insert_promise_record(
    store: Store, record: dict[str, Any], contact_id: int, conversation_id: int | None
) -> None:
    store.conn.execute(
        "INSERT OR IGNORE INTO promises (uid, contact_id, interaction_id, text, due_on, owner,"
        " status, done_at, done_note, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record["uid"],
            contact_id,
            conversation_id,
            record["text"],
            record["due_on"],
            record["owner"],
            record["status"],
            record.get("done_at"),
            record.get("done_note"),
            record["created_at"],
            record["updated_at"],
        ),
    )


def insert_ledger_record(
    store: Store, record: dict[str, Any], contact_id: int, to_contact_id: int | None = None
) -> None:
    store.conn.execute(
        "INSERT OR IGNORE INTO ledger (uid, contact_id, to_contact_id, direction, kind, text,"
        " happened_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record["uid"],
            contact_id,
            to_contact_id,
            record["direction"],
            record["kind"],
            record["text"],
            record["happened_at"],
            record["created_at"],
            record["updated_at"],
        ),
    )


def insert_win_record(store: Store, record: dict[str, Any], contact_id: int) -> None:
    store.conn.execute(
        "INSERT OR IGNORE INTO wins (uid, contact_id, theirs, mine, happened_at, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            record["uid"],
            contact_id,
            record["theirs"],
            record["mine"],
            record["happened_at"],
            record["created_at"],
            record["updated_at"],
        ),
    )


# -- duplicates and merging ------------------------------------------------------------


def merge_move(store: Store, keep: int, other: int, stamp: str) -> dict[str, int]:
    """Move everything of ``other`` onto ``keep``; returns how many of each moved."""
    conn = store.conn
    moved: dict[str, int] = {}
    rows = conn.execute(
        "SELECT interaction_id FROM interaction_participants WHERE contact_id = ?", (other,)
    ).fetchall()
    for row in rows:
        conn.execute(
            "INSERT OR IGNORE INTO interaction_participants"
            " (uid, interaction_id, contact_id, updated_at) VALUES (?, ?, ?, ?)",
            (new_uid(), row[0], keep, stamp),
        )
    conn.execute("DELETE FROM interaction_participants WHERE contact_id = ?", (other,))
    moved["conversations"] = len(rows)
    for table in ("promises", "ledger", "wins", "contact_events"):
        moved[table] = conn.execute(
            f"UPDATE {table} SET contact_id = ?, updated_at = ? WHERE contact_id = ?",
            (keep, stamp, other),
        ).rowcount
    # An intro made *to* OTHER was made to the same person.
    moved["intros"] = conn.execute(
        "UPDATE ledger SET to_contact_id = ?, updated_at = ? WHERE to_contact_id = ?",
        (keep, stamp, other),
    ).rowcount
    for table, column in (
        ("contact_emails", "email"),
        ("contact_phones", "phone"),
    ):
        values = [
            r[0]
            for r in conn.execute(
                f"SELECT {column} FROM {table} WHERE contact_id = ? ORDER BY position, id",
                (other,),
            )
        ]
        existing = {
            r[0].casefold()
            for r in conn.execute(f"SELECT {column} FROM {table} WHERE contact_id = ?", (keep,))
        }
        new = [v for v in values if v.casefold() not in existing]
        if table == "contact_emails":
            store.add_emails(keep, new, stamp)
        else:
            store.add_phones(keep, new, stamp)
        moved[column + "s"] = len(new)
    moved["urls"] = conn.execute(
        "INSERT OR IGNORE INTO contact_urls (uid, contact_id, kind, url, updated_at)"
        " SELECT lower(hex(randomblob(16))), ?, kind, url, ? FROM contact_urls"
        " WHERE contact_id = ?",
        (keep, stamp, other),
    ).rowcount
    moved["tags"] = conn.execute(
        "INSERT OR IGNORE INTO contact_tags (uid, contact_id, tag_id, updated_at)"
        " SELECT lower(hex(randomblob(16))), ?, tag_id, ? FROM contact_tags WHERE contact_id = ?",
        (keep, stamp, other),
    ).rowcount
    moved["extras"] = conn.execute(
        "INSERT OR IGNORE INTO contact_extras (uid, contact_id, key, value, updated_at)"
        " SELECT lower(hex(randomblob(16))), ?, key, value, ? FROM contact_extras"
        " WHERE contact_id = ?",
        (keep, stamp, other),
    ).rowcount
    conn.execute(
        "UPDATE contacts SET introduced_by = ? WHERE introduced_by = ? AND id != ?",
        (keep, other, keep),
    )
    conn.execute("DELETE FROM contacts WHERE id = ?", (other,))
    return moved


def counts_for(store: Store, contact_id: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, sql in (
        ("conversations", "SELECT count(*) FROM interaction_participants WHERE contact_id = ?"),
        ("promises", "SELECT count(*) FROM promises WHERE contact_id = ?"),
        ("ledger", "SELECT count(*) FROM ledger WHERE contact_id = ?"),
        ("wins", "SELECT count(*) FROM wins WHERE contact_id = ?"),
        ("intros", "SELECT count(*) FROM ledger WHERE to_contact_id = ?"),
        ("events", "SELECT count(*) FROM contact_events WHERE contact_id = ?"),
    ):
        out[key] = int(store.conn.execute(sql, (contact_id,)).fetchone()[0])
    return out
