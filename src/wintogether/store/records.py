"""Rows <-> records: the one mapping between stored rows and the plain dicts that
export, import, sync and merge exchange.

A record holds stored strings (UTC timestamps, ISO dates) and names other rows
by uid, never by id, so it means the same thing in another database. The JSON
export writes records as they are; vCard, iCalendar, CSV and Markdown are made
from them; sync adds the row's local id; import writes them back with the
``insert_*`` functions below.

A column added to one of these tables is added once, here: to :data:`COLUMNS`,
to the table's record function and to its insert. tests/test_records.py fails
until all three carry it.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from wintogether.store import companies as companies_store
from wintogether.store import contacts as contacts_store
from wintogether.store import events as events_store
from wintogether.store.common import new_uid
from wintogether.store.handle import Store
from wintogether.text import read_json

#: Per table, the record field that carries each column (``id`` stays local;
#: a reference to another row travels as that row's uid).
COLUMNS: dict[str, dict[str, str]] = {
    "contacts": {
        "uid": "uid",
        "name": "name",
        "company": "company",
        "title": "title",
        "how_met": "how_met",
        "met_on": "met_on",
        "introduced_by": "introduced_by",
        "birthday": "birthday",
        "cadence_days": "cadence_days",
        "notes": "notes",
        "last_touch_at": "last_touch_at",
        "created_at": "created_at",
        "updated_at": "updated_at",
        "archived_at": "archived_at",
        "company_id": "company_uid",
        "account_role": "account_role",
        "reports_to": "reports_to",
    },
    "companies": {
        "uid": "uid",
        "name": "name",
        "key": "key",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    "interactions": {
        "uid": "uid",
        "happened_at": "happened_at",
        "channel": "channel",
        "note": "note",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    "promises": {
        "uid": "uid",
        "contact_id": "contact",
        "interaction_id": "conversation",
        "text": "text",
        "due_on": "due_on",
        "owner": "owner",
        "status": "status",
        "done_at": "done_at",
        "done_note": "done_note",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    "ledger": {
        "uid": "uid",
        "contact_id": "contact",
        "to_contact_id": "to_contact",
        "direction": "direction",
        "kind": "kind",
        "text": "text",
        "happened_at": "happened_at",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    "wins": {
        "uid": "uid",
        "contact_id": "contact",
        "theirs": "theirs",
        "mine": "mine",
        "happened_at": "happened_at",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    "contact_events": {
        "uid": "uid",
        "contact_id": "contact",
        "kind": "kind",
        "text": "text",
        "old_value": "old_value",
        "new_value": "new_value",
        "happened_at": "happened_at",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    "deals": {
        "uid": "uid",
        "title": "title",
        "company": "company",
        "company_id": "company_uid",
        "target_on": "target_on",
        "they_win": "they_win",
        "we_win": "we_win",
        "status": "status",
        "closed_at": "closed_at",
        "close_note": "close_note",
        "notes": "notes",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    "deal_steps": {
        "uid": "uid",
        "deal_id": "deal",
        "promise_id": "promise",
        "position": "position",
        "milestone": "milestone",
        "after_step_id": "after",
        "updated_at": "updated_at",
    },
    "plan_templates": {
        "uid": "uid",
        "name": "name",
        "steps": "steps",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
}

# -- reading: the SELECT heads that give the record functions their columns ------------

#: A conversation with its participants' uids (``people``, a JSON array) in the
#: order they were added. Complete it with ``FROM interactions i ...``.
CONVERSATION_COLUMNS = (
    "i.*, (SELECT json_group_array(uid) FROM (SELECT c.uid FROM"
    " interaction_participants p2 JOIN contacts c ON c.id = p2.contact_id"
    " WHERE p2.interaction_id = i.id ORDER BY p2.id)) AS people"
)

#: A promise with its contact's uid and name and its conversation's uid.
PROMISE_SELECT = (
    "SELECT p.*, c.uid AS contact_uid, c.name AS contact_name, i.uid AS conversation_uid"
    " FROM promises p JOIN contacts c ON c.id = p.contact_id"
    " LEFT JOIN interactions i ON i.id = p.interaction_id"
)

#: A ledger entry with the uids of its contact and of the person introduced.
LEDGER_SELECT = (
    "SELECT l.*, c.uid AS contact_uid, t.uid AS to_uid FROM ledger l"
    " JOIN contacts c ON c.id = l.contact_id LEFT JOIN contacts t ON t.id = l.to_contact_id"
)

#: A shared win with its contact's uid.
WIN_SELECT = "SELECT w.*, c.uid AS contact_uid FROM wins w JOIN contacts c ON c.id = w.contact_id"

#: A timeline event with its contact's uid.
EVENT_SELECT = (
    "SELECT e.*, c.uid AS contact_uid FROM contact_events e JOIN contacts c ON c.id = e.contact_id"
)

#: A deal with the uids of the people on it (``people``, a JSON array) in the
#: order they were added.
DEAL_SELECT = (
    "SELECT d.*, (SELECT json_group_array(uid) FROM (SELECT c.uid FROM deal_people p"
    " JOIN contacts c ON c.id = p.contact_id WHERE p.deal_id = d.id ORDER BY p.id)) AS people,"
    " co.uid AS company_uid FROM deals d LEFT JOIN companies co ON co.id = d.company_id"
)

#: A plan step with the uids of its deal, its promise and the step it follows.
STEP_SELECT = (
    "SELECT s.*, d.uid AS deal_uid, p.uid AS promise_uid, a.uid AS after_uid"
    " FROM deal_steps s JOIN deals d ON d.id = s.deal_id"
    " JOIN promises p ON p.id = s.promise_id LEFT JOIN deal_steps a ON a.id = s.after_step_id"
)

_CHUNK = 500


def contact_record(
    row: sqlite3.Row, kids: dict[str, Any], extras: list[list[str]]
) -> dict[str, Any]:
    """A contact row (with ``intro_uid``), its emails/phones/URLs/tags and extras."""
    return {
        "id": row["id"],
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
        "extras": extras,
        "last_touch_at": row["last_touch_at"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "archived_at": row["archived_at"],
        "company_uid": row["company_uid"],
        "account_role": row["account_role"],
        "reports_to": row["reports_uid"],
    }


def company_record(row: Any) -> dict[str, Any]:
    """A :class:`~wintogether.store.companies.CompanyRow` as a record (aliases included)."""
    from wintogether.store.companies import company_key

    return {
        "uid": row.uid,
        "name": row.name,
        "key": company_key(row.name),
        "aliases": list(row.aliases),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def company_records(store: Store, ids: Sequence[int] | None = None) -> Iterator[dict[str, Any]]:
    """Companies as records: all, or those of the contacts in ``ids``."""
    if ids is None:
        rows = companies_store.company_rows(store)
    else:
        wanted: set[int] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            marks = ",".join("?" for _ in chunk)
            wanted.update(
                row[0]
                for row in store.conn.execute(
                    f"SELECT DISTINCT company_id FROM contacts WHERE id IN ({marks})"
                    " AND company_id IS NOT NULL",
                    chunk,
                )
            )
        rows = companies_store.company_rows(store, sorted(wanted))
    for row in rows:
        yield company_record(row)


def conversation_record(row: sqlite3.Row) -> dict[str, Any]:
    """A row of ``SELECT`` :data:`CONVERSATION_COLUMNS`."""
    return {
        "uid": row["uid"],
        "happened_at": row["happened_at"],
        "channel": row["channel"],
        "note": row["note"],
        "participants": read_json(row["people"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def promise_record(row: sqlite3.Row) -> dict[str, Any]:
    """A row of :data:`PROMISE_SELECT`."""
    return {
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


def ledger_record(row: sqlite3.Row) -> dict[str, Any]:
    """A row of :data:`LEDGER_SELECT`."""
    return {
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


def win_record(row: sqlite3.Row) -> dict[str, Any]:
    """A row of :data:`WIN_SELECT`."""
    return {
        "uid": row["uid"],
        "contact": row["contact_uid"],
        "theirs": row["theirs"],
        "mine": row["mine"],
        "happened_at": row["happened_at"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def event_record(row: sqlite3.Row) -> dict[str, Any]:
    """A row of :data:`EVENT_SELECT`."""
    return {
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


def deal_record(row: sqlite3.Row) -> dict[str, Any]:
    """A row of :data:`DEAL_SELECT`."""
    return {
        "uid": row["uid"],
        "title": row["title"],
        "company": row["company"],
        "company_uid": row["company_uid"],
        "target_on": row["target_on"],
        "they_win": row["they_win"],
        "we_win": row["we_win"],
        "status": row["status"],
        "closed_at": row["closed_at"],
        "close_note": row["close_note"],
        "notes": row["notes"],
        "people": read_json(row["people"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def step_record(row: sqlite3.Row) -> dict[str, Any]:
    """A row of :data:`STEP_SELECT`."""
    return {
        "uid": row["uid"],
        "deal": row["deal_uid"],
        "promise": row["promise_uid"],
        "position": row["position"],
        "milestone": bool(row["milestone"]),
        "after": row["after_uid"],
        "updated_at": row["updated_at"],
    }


def template_record(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "uid": row["uid"],
        "name": row["name"],
        "steps": read_json(row["steps"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def contact_records(store: Store, ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    """Contacts as records (with their local ``id``), in ``ids`` order, read in chunks."""
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ",".join("?" for _ in chunk)
        rows = {
            row["id"]: row
            for row in store.conn.execute(
                "SELECT c.*, i.uid AS intro_uid, r.uid AS reports_uid, co.uid AS company_uid"
                " FROM contacts c LEFT JOIN contacts i ON i.id = c.introduced_by"
                " LEFT JOIN contacts r ON r.id = c.reports_to"
                f" LEFT JOIN companies co ON co.id = c.company_id WHERE c.id IN ({marks})",
                chunk,
            )
        }
        children = contacts_store.children(store, chunk)
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
            yield contact_record(row, children[cid], extras.get(cid, []))


def uid_map(store: Store, table: str) -> dict[str, int]:
    """uid -> id of every row of ``table``: how records find the rows they name."""
    assert table in (
        "contacts",
        "interactions",
        "promises",
        "ledger",
        "wins",
        "contact_events",
        "deals",
        "deal_steps",
        "plan_templates",
    )
    return {row[0]: row[1] for row in store.conn.execute(f"SELECT uid, id FROM {table}")}


# -- writing: records back into rows ---------------------------------------------------

#: What a newer record of each table changes in the row it names (importing a
#: later export of the same database): never who it is for, nor its uid.
NEWER_COLUMNS = {
    "interactions": ("happened_at", "channel", "note"),
    "promises": ("text", "due_on", "owner", "status", "done_at", "done_note"),
    "ledger": ("direction", "kind", "text", "happened_at"),
    "wins": ("theirs", "mine", "happened_at"),
    "deals": (
        "title", "target_on", "they_win", "we_win", "status", "closed_at", "close_note", "notes",
    ),
}  # fmt: skip


def older_row(store: Store, table: str, uid: str, updated_at: str) -> int | None:
    """The id of ``uid``'s row when it was changed before ``updated_at``."""
    assert table in NEWER_COLUMNS
    row = store.conn.execute(
        f"SELECT id FROM {table} WHERE uid = ? AND updated_at < ?", (uid, updated_at)
    ).fetchone()
    return int(row[0]) if row else None


def set_people(store: Store, table: str, row_id: int, people: Sequence[int], stamp: str) -> bool:
    """Who was in a conversation (``interactions``) or is on a deal (``deals``),
    as a later version says: True when that changed."""
    if table == "interactions":
        here = {r[0] for r in store.conn.execute(
            "SELECT contact_id FROM interaction_participants WHERE interaction_id = ?", (row_id,)
        )}  # fmt: skip
        if here == set(people):
            return False
        from wintogether.store.conversations import set_participants

        set_participants(store, row_id, people, stamp, touch=False)
        return True
    assert table == "deals"
    listed = [r[0] for r in store.conn.execute(
        "SELECT contact_id FROM deal_people WHERE deal_id = ? ORDER BY id", (row_id,)
    )]  # fmt: skip
    if listed == list(people):
        return False
    from wintogether.store import deals as deals_store

    store.conn.execute("DELETE FROM deal_people WHERE deal_id = ?", (row_id,))
    for contact_id in people:
        deals_store.add_person(store, row_id, contact_id, stamp)
    return True


def update_if_newer(store: Store, table: str, record: dict[str, Any]) -> bool:
    """The row of ``record``'s uid takes its values when the record was changed
    later than the row (``updated_at``) and says something else; True if so."""
    columns = NEWER_COLUMNS[table]
    values = [record.get(c) for c in columns]
    differs = " OR ".join(f"{c} IS NOT ?" for c in columns)
    cursor = store.conn.execute(
        f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)}, updated_at = ?"
        f" WHERE uid = ? AND updated_at < ? AND ({differs})",
        (*values, record["updated_at"], record["uid"], record["updated_at"], *values),
    )
    return cursor.rowcount > 0


def insert_contact_record(store: Store, fields: dict[str, Any], stamp: str) -> int:
    """A contact with explicit uid/created_at/updated_at when given (round trips)."""
    columns = contacts_store.CONTACT_FIELDS
    # A record names its manager by uid: the caller links it once both exist
    # (link_manager), as for the introducer.
    values = [
        fields.get(key) if key != "reports_to" or isinstance(fields.get(key), int) else None
        for key in columns
    ]
    # The company record goes in with the row (see store/companies.py).
    company_id = companies_store.company_id_for(store, fields.get("company"), stamp)
    cursor = store.conn.execute(
        f"INSERT INTO contacts (uid, {', '.join(columns)}, created_at, updated_at,"
        f" archived_at, company_id) VALUES (?, {', '.join('?' for _ in columns)}, ?, ?, ?, ?)",
        [
            fields.get("uid") or new_uid(),
            *values,
            fields.get("created_at") or stamp,
            fields.get("updated_at") or stamp,
            fields.get("archived_at"),
            company_id,
        ],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def insert_conversation_record(
    store: Store, record: dict[str, Any], participant_ids: Sequence[int]
) -> int | None:
    """A conversation record (unless its uid exists); returns the new id, or None."""
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


def insert_event_record(store: Store, record: dict[str, Any], contact_id: int, stamp: str) -> None:
    """An event record (unless its uid exists); ``stamp`` when it carries no updated_at."""
    events_store.insert_event(
        store,
        contact_id=contact_id,
        kind=record["kind"],
        text=record["text"],
        old_value=record.get("old_value"),
        new_value=record.get("new_value"),
        happened_at=record["happened_at"],
        stamp=record.get("updated_at") or stamp,
        uid=record["uid"],
        created_at=record.get("created_at"),
    )


def insert_deal_record(store: Store, record: dict[str, Any], people: Sequence[int]) -> int | None:
    """A deal record with its people (unless its uid exists); the new id, or None."""
    cursor = store.conn.execute(
        "INSERT OR IGNORE INTO deals (uid, title, company, target_on, they_win, we_win, status,"
        " closed_at, close_note, notes, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record["uid"],
            record["title"],
            record.get("company"),
            record.get("target_on"),
            record.get("they_win"),
            record.get("we_win"),
            record["status"],
            record.get("closed_at"),
            record.get("close_note"),
            record.get("notes"),
            record["created_at"],
            record["updated_at"],
        ),
    )
    if cursor.rowcount == 0:
        return None
    deal_id = cursor.lastrowid
    assert deal_id is not None
    if record.get("company"):
        from wintogether.store.deals import link_company

        link_company(store, deal_id, record["company"], record["updated_at"])
    for contact_id in people:
        store.conn.execute(
            "INSERT OR IGNORE INTO deal_people (uid, deal_id, contact_id, updated_at)"
            " VALUES (?, ?, ?, ?)",
            (new_uid(), deal_id, contact_id, record["updated_at"]),
        )
    return deal_id


def insert_step_record(
    store: Store, record: dict[str, Any], deal_id: int, promise_id: int
) -> int | None:
    """A plan step (its ``after`` is linked by :func:`link_step_record` once all exist)."""
    cursor = store.conn.execute(
        "INSERT OR IGNORE INTO deal_steps (uid, deal_id, promise_id, position, milestone,"
        " after_step_id, updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?)",
        (
            record["uid"],
            deal_id,
            promise_id,
            int(record.get("position") or 0),
            int(bool(record.get("milestone"))),
            record["updated_at"],
        ),
    )
    return cursor.lastrowid if cursor.rowcount else None


def link_step_record(store: Store, step_id: int, after_id: int) -> None:
    store.conn.execute(
        "UPDATE deal_steps SET after_step_id = ? WHERE id = ? AND id != ?",
        (after_id, step_id, after_id),
    )


def insert_template_record(store: Store, record: dict[str, Any]) -> bool:
    """A plan template (unless its uid exists). Another template here with its
    name and other steps: this one comes in as "NAME (2)" (the next free
    number), not dropped."""
    import json

    if store.conn.execute(
        "SELECT 1 FROM plan_templates WHERE uid = ?", (record["uid"],)
    ).fetchone():
        return False
    steps = json.dumps(record["steps"])
    name = str(record["name"])
    number = 1
    while True:
        found = store.conn.execute(
            "SELECT steps FROM plan_templates WHERE name = ?", (name,)
        ).fetchone()
        if found is None:
            break
        if found[0] == steps:  # the same template under the same name: already here
            return False
        number += 1
        name = f"{record['name']} ({number})"
    store.conn.execute(
        "INSERT INTO plan_templates (uid, name, steps, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (record["uid"], name, steps, record["created_at"], record["updated_at"]),
    )
    return True
