"""Queries for `wt sync`: the sync state, the rows a vdir mirrors, and applying files.

The sync state (table ``sync_state``, migration m005) is bookkeeping: what an
item looked like on both sides after the last sync. Its writes are not
journaled. Data writes here run inside the caller's ``Store.write()``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from wintogether.models import ContactRef
from wintogether.store import companies as companies_store
from wintogether.store import contacts as contacts_store
from wintogether.store import conversations as conversations_store
from wintogether.store import events as events_store
from wintogether.store import records
from wintogether.store.common import new_uid, plain_rows, text_list
from wintogether.store.handle import Store

#: The kinds of item a vdir holds, and the table behind each (``history``:
#: see :data:`HISTORY`).
TABLES = {"contact": "contacts", "promise": "promises", "conversation": "interactions"}

#: The tables behind the ``history`` items (ledger entries, wins, timeline
#: events, companies, deals, plan steps and plan templates), with the JSON
#: export's name for each. Their ids are distinct per table only, so a history
#: row's id in a sync is ``id * 8 + code`` (kept for one sync only, never stored).
#: A company's name travels on its contacts' cards, and each database makes
#: its company records from those names; a company has an item only for what
#: the names do not say, its aliases (`wt company merge`). The item is named by
#: the name's key (``company:northwind``), not the company's uid: two databases
#: that each made "Northwind Traders" hold one item.
HISTORY = {
    "companies": ("companies", 0),
    "ledger": ("ledger", 1),
    "wins": ("wins", 2),
    "contact_events": ("events", 3),
    # A deal (its people by uid), a plan step (the promise it is, its deal, the
    # step it follows), a saved plan template.
    "deals": ("deals", 4),
    "deal_steps": ("deal_steps", 5),
    "plan_templates": ("plan_templates", 6),
}
_CODES = 8
COMPANY_PREFIX = "company:"
SECTION_TABLES = {section: table for table, (section, _) in HISTORY.items()}
_HISTORY_OF_CODE = {code: table for table, (_, code) in HISTORY.items()}


def _history_id(table: str, row_id: int) -> int:
    return row_id * _CODES + HISTORY[table][1]


def _history_row(sync_id: int) -> tuple[str, int]:
    """(table, id) of a history row's id in a sync."""
    return _HISTORY_OF_CODE[sync_id % _CODES], sync_id // _CODES


class StateRow:
    """One item's row of the sync state. Written out, not a dataclass: a sync
    reads every item's row and makes one each."""

    __slots__ = (
        "_base",
        "_ours",
        "_texts",
        "content_hash",
        "db_version",
        "file_mtime_ns",
        "file_name",
        "file_size",
        "file_stamp",
        "sent",
        "synced_at",
        "uid",
    )

    def __init__(
        self,
        uid: str,
        file_name: str,
        content_hash: str,
        file_size: int,
        file_mtime_ns: int,
        file_stamp: str | None,
        sent: int,
        db_version: str,
        synced_at: str,
        base: str | None = None,
        ours: str | None = None,
        texts: _Texts | None = None,
    ) -> None:
        self.uid = uid
        self.file_name = file_name
        self.content_hash = content_hash
        self.file_size = file_size
        self.file_mtime_ns = file_mtime_ns
        #: The change time the file carried (REV, LAST-MODIFIED), as ``...Z``.
        self.file_stamp = file_stamp
        #: 1 when this database wrote the file (its version is a change made here).
        self.sent = sent
        self.db_version = db_version
        self.synced_at = synced_at
        self._base = base
        self._ours = ours
        self._texts = texts

    @property
    def base(self) -> str | None:
        """The item's synced fields as both sides last agreed on them (the base
        of a three-way merge); JSON, or None."""
        if self._texts is not None:
            self._read_texts()
        return self._base

    @property
    def ours(self) -> str | None:
        """The fields this database last wrote into the file while no other
        version of it has been seen; JSON, or None."""
        if self._texts is not None:
            self._read_texts()
        return self._ours

    def _read_texts(self) -> None:
        assert self._texts is not None
        self._base, self._ours = self._texts.of(self.uid)
        self._texts = None

    def __repr__(self) -> str:
        return f"StateRow(uid={self.uid!r}, file_name={self.file_name!r})"


class _Texts:
    """The ``base`` and ``ours`` of every row one :func:`load_state` read,
    themselves read (in one query) when the first of them is wanted: only an
    item that changed on one side needs them, and they are most of a row's
    bytes (hundreds each), so a sync with nothing to do never reads them."""

    __slots__ = ("by_uid", "kind", "store", "vdir")

    def __init__(self, store: Store, vdir: str, kind: str) -> None:
        self.store, self.vdir, self.kind = store, vdir, kind
        self.by_uid: dict[str, tuple[str | None, str | None]] | None = None

    def of(self, uid: str) -> tuple[str | None, str | None]:
        if self.by_uid is None:
            self.by_uid = {
                row[0]: (row[1], row[2])
                for row in plain_rows(
                    self.store.conn,
                    "SELECT uid, base, ours FROM sync_state WHERE vdir = ? AND kind = ?",
                    (self.vdir, self.kind),
                )
            }
        return self.by_uid.get(uid, (None, None))


def load_state(store: Store, vdir: str, kind: str, *, texts: bool = True) -> dict[str, StateRow]:
    """Every row of the sync state of one kind in one vdir, by uid.

    ``texts=False``: each row's ``base`` and ``ours`` are read when the first
    of them is asked for, all of them in one query. Only for rows used inside
    the transaction that read them, before anything writes the state (the
    plan of a sync): read later, they would be the state written since.
    Outside a transaction (no snapshot to share) they are read with the rows.
    """
    if texts or not store.conn.in_transaction:
        return {
            row[0]: StateRow(*row)
            for row in plain_rows(
                store.conn,
                "SELECT uid, file_name, content_hash, file_size, file_mtime_ns, file_stamp,"
                " sent, db_version, synced_at, base, ours FROM sync_state"
                " WHERE vdir = ? AND kind = ?",
                (vdir, kind),
            )
        }
    later = _Texts(store, vdir, kind)
    return {
        uid: StateRow(uid, name, digest, size, mtime, stamp, sent, version, at, texts=later)
        for uid, name, digest, size, mtime, stamp, sent, version, at in plain_rows(
            store.conn,
            "SELECT uid, file_name, content_hash, file_size, file_mtime_ns, file_stamp, sent,"
            " db_version, synced_at FROM sync_state WHERE vdir = ? AND kind = ?",
            (vdir, kind),
        )
    }


# -- the journal mark: changes made since the last sync, to the row ---------------------
#
# A row's version is its ``updated_at``, to the second, so an edit in the same
# second as the sync that recorded the row would look unchanged. The change
# journal tells them apart: the sync remembers the journal's last entry (table
# ``sync_marks``, one row per vdir), and rows journaled after it whose version
# looks unchanged are compared field by field.


def journal_mark(store: Store, vdir: str) -> int | None:
    row = store.conn.execute("SELECT journal_id FROM sync_marks WHERE vdir = ?", (vdir,)).fetchone()
    return int(row[0]) if row else None


def save_journal_mark(store: Store, vdir: str, stamp: str) -> None:
    store.conn.execute(
        "INSERT INTO sync_marks (vdir, journal_id, synced_at)"
        " VALUES (?, (SELECT ifnull(max(id), 0) FROM journal), ?)"
        " ON CONFLICT (vdir) DO UPDATE SET journal_id = excluded.journal_id,"
        " synced_at = excluded.synced_at",
        (vdir, stamp),
    )


# -- contacts forgotten here ------------------------------------------------------------


def forgotten_uids(store: Store, uids: Sequence[str]) -> set[str]:
    """Those of ``uids`` that are contacts forgotten here (`wt forget`)."""
    import json

    return {
        row[0]
        for row in store.conn.execute(
            "SELECT uid FROM sync_forgotten WHERE uid IN (SELECT value FROM json_each(?))",
            (json.dumps(list(uids)),),
        )
    }


def journaled_since(store: Store, kind: str, mark: int) -> set[int]:
    """Ids of the ``kind`` rows with a change journaled after ``mark``."""
    if kind == "history":
        return {
            _history_id(row[0], row[1])
            for row in store.conn.execute(
                "SELECT DISTINCT tbl, row_id FROM journal WHERE id > ? AND tbl IN"
                " (SELECT value FROM json_each(?))",
                (mark, text_list(HISTORY)),
            )
        }
    return {
        row[0]
        for row in store.conn.execute(
            "SELECT DISTINCT row_id FROM journal WHERE id > ? AND tbl = ?", (mark, TABLES[kind])
        )
    }


def save_state(store: Store, vdir: str, kind: str, rows: Sequence[StateRow]) -> None:
    store.conn.executemany(
        "INSERT INTO sync_state (vdir, kind, uid, file_name, content_hash, file_size,"
        " file_mtime_ns, file_stamp, sent, db_version, synced_at, base, ours)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (vdir, kind, uid) DO UPDATE SET file_name = excluded.file_name,"
        " content_hash = excluded.content_hash, file_size = excluded.file_size,"
        " file_mtime_ns = excluded.file_mtime_ns, file_stamp = excluded.file_stamp,"
        " sent = excluded.sent, db_version = excluded.db_version,"
        " synced_at = excluded.synced_at, base = excluded.base, ours = excluded.ours",
        [
            (
                vdir,
                kind,
                r.uid,
                r.file_name,
                r.content_hash,
                r.file_size,
                r.file_mtime_ns,
                r.file_stamp,
                r.sent,
                r.db_version,
                r.synced_at,
                r.base,
                r.ours,
            )
            for r in rows
        ],
    )


def keep_out_quietly(store: Store, vdir: str, uids: Sequence[str]) -> None:
    """Of these contacts, those kept out of the folder (deleted there and kept
    here) take their present version as synced: what a merge into them changed
    here does not send them back to the device that deleted them."""
    now = versions_of(store, "contact", uids)
    store.conn.executemany(
        "UPDATE sync_state SET db_version = ? WHERE vdir = ? AND kind = 'contact'"
        " AND uid = ? AND file_name = ''",
        [(version, vdir, uid) for uid, version in now.items()],
    )


def drop_state(store: Store, vdir: str, kind: str, uids: Sequence[str]) -> None:
    store.conn.executemany(
        "DELETE FROM sync_state WHERE vdir = ? AND kind = ? AND uid = ?",
        [(vdir, kind, uid) for uid in uids],
    )


def vdirs_holding(store: Store, kind: str) -> list[str]:
    """Every vdir the sync state knows items of this kind in."""
    return [
        row[0]
        for row in store.conn.execute(
            "SELECT DISTINCT vdir FROM sync_state WHERE kind = ? ORDER BY vdir", (kind,)
        )
    ]


@contextmanager
def bookkeeping(store: Store) -> Iterator[Store]:
    """A write transaction for the sync state alone: no journal command is opened."""
    with store.write_unjournaled():
        yield store


def data_version(store: Store) -> int:
    """Changes whenever another connection commits (to re-plan under the write lock)."""
    return int(store.conn.execute("PRAGMA data_version").fetchone()[0])


#: What "changed" means per kind: uid, id, updated_at, a version that changes
#: whenever the item's file would, and the uid of the contact it belongs to (a
#: promise goes when its contact goes). A promise's file also shows its
#: contact's name, so renaming the contact changes its promises' versions.
_VERSION_SQL = {
    "contact": "SELECT uid, id, updated_at, updated_at, uid FROM contacts",
    "promise": "SELECT p.uid, p.id, p.updated_at, p.updated_at || ' ' || c.name, c.uid"
    " FROM promises p JOIN contacts c ON c.id = p.contact_id",
    "conversation": "SELECT uid, id, updated_at, updated_at, '' FROM interactions",
    # A history record's file names its contacts by uid: a contact's new uid
    # (after a merge) is a new version of the records that name it.
    "history": "SELECT uid, id, updated_at, version, owner FROM ("
    " SELECT l.uid, l.id * 8 + 1 AS id, l.updated_at,"
    "  l.updated_at || ' ' || c.uid || ' ' || ifnull(t.uid, '') AS version, c.uid AS owner"
    "  FROM ledger l JOIN contacts c ON c.id = l.contact_id"
    "  LEFT JOIN contacts t ON t.id = l.to_contact_id"
    " UNION ALL SELECT w.uid, w.id * 8 + 2, w.updated_at, w.updated_at || ' ' || c.uid, c.uid"
    "  FROM wins w JOIN contacts c ON c.id = w.contact_id"
    " UNION ALL SELECT e.uid, e.id * 8 + 3, e.updated_at, e.updated_at || ' ' || c.uid, c.uid"
    "  FROM contact_events e JOIN contacts c ON c.id = e.contact_id"
    # A company with aliases: they are its item. One whose item was synced keeps
    # it when it has none left (a merge undone): "no other names" then travels
    # as a file, not as a deleted file, which also means "renamed" or "merged
    # into another" (and must not take names away).
    " UNION ALL SELECT 'company:' || co.key, co.id * 8, co.updated_at, co.updated_at || ' ' ||"
    "  co.name || ' ' || ifnull((SELECT group_concat(a.key, ',') FROM company_aliases a"
    "  WHERE a.company_id = co.id), ''), '' FROM companies co"
    "  WHERE EXISTS (SELECT 1 FROM company_aliases a WHERE a.company_id = co.id)"
    "  OR co.key IN (SELECT substr(s.uid, 9) FROM sync_state s"
    "  WHERE s.kind = 'history' AND s.uid >= 'company:' AND s.uid < 'company;')"
    # And one renamed to a name no card of its people gives (`wt company rename
    # "northwind traders inc" "Northwind Traders"`: the same key, no alias).
    "  OR (EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = co.id)"
    "  AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = co.id"
    "  AND c.company = co.name))"
    # A deal's file names its people: one joining or leaving (a forget) is a new version.
    " UNION ALL SELECT d.uid, d.id * 8 + 4, d.updated_at, d.updated_at || ' ' ||"
    "  ifnull((SELECT group_concat(c.uid, ',') FROM deal_people p"
    "  JOIN contacts c ON c.id = p.contact_id WHERE p.deal_id = d.id), ''), '' FROM deals d"
    # A plan step goes with its promise (its "owner" here).
    " UNION ALL SELECT s.uid, s.id * 8 + 5, s.updated_at, s.updated_at || ' ' || d.uid || ' ' ||"
    "  p.uid || ' ' || ifnull(a.uid, ''), p.uid FROM deal_steps s JOIN deals d ON d.id = s.deal_id"
    "  JOIN promises p ON p.id = s.promise_id LEFT JOIN deal_steps a ON a.id = s.after_step_id"
    " UNION ALL SELECT t.uid, t.id * 8 + 6, t.updated_at, t.updated_at, '' FROM plan_templates t)",
}


def versions(store: Store, kind: str) -> dict[str, tuple[int, str, str, str]]:
    """uid -> (id, updated_at, version, owner uid) of every row: the "what changed" scan."""
    return {r[0]: r[1:] for r in plain_rows(store.conn, _VERSION_SQL[kind])}


def contact_records(store: Store, ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    return records.contact_records(store, ids)


def promise_records(store: Store, ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    """Promise records with their row's ``id`` and ``contact_id``."""
    import json

    for row in store.conn.execute(
        f"{records.PROMISE_SELECT} WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.id",
        (json.dumps(list(ids)),),
    ):
        yield {"id": row["id"], "contact_id": row["contact_id"]} | records.promise_record(row)


def conversation_records(store: Store, ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    """Conversation records with their row's ``id`` and a participant's ``contact_id``
    (the one added first: where a conflict is kept)."""
    import json

    for row in store.conn.execute(
        f"SELECT {records.CONVERSATION_COLUMNS},"
        " (SELECT min(p.contact_id) FROM interaction_participants p"
        "  WHERE p.interaction_id = i.id) AS first_contact"
        " FROM interactions i WHERE i.id IN (SELECT value FROM json_each(?)) ORDER BY i.id",
        (json.dumps(list(ids)),),
    ):
        yield {"id": row["id"], "contact_id": row["first_contact"]} | records.conversation_record(
            row
        )


def history_records(store: Store, ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    """History records (export shape) with their sync ``id``, their ``contact_id``
    and their ``section`` (``ledger``, ``wins``, ``events``)."""
    import json

    by_table: dict[str, list[int]] = {}
    for sync_id in ids:
        table, row_id = _history_row(sync_id)
        by_table.setdefault(table, []).append(row_id)
    readers = {
        "ledger": (records.LEDGER_SELECT, "l", records.ledger_record),
        "wins": (records.WIN_SELECT, "w", records.win_record),
        "contact_events": (records.EVENT_SELECT, "e", records.event_record),
        # A deal's conflicts are kept on its first person's timeline, a step's on
        # its promise's contact's; a template has no one.
        "deals": (
            records.DEAL_SELECT.replace(
                "SELECT d.*,",
                "SELECT d.*, (SELECT contact_id FROM deal_people WHERE deal_id = d.id"
                " ORDER BY id LIMIT 1) AS contact_id,",
            ),
            "d",
            records.deal_record,
        ),
        "deal_steps": (
            records.STEP_SELECT.replace("SELECT s.*,", "SELECT s.*, p.contact_id,"),
            "s",
            records.step_record,
        ),
        "plan_templates": (
            "SELECT t.*, NULL AS contact_id FROM plan_templates t",
            "t",
            records.template_record,
        ),
    }
    if "companies" in by_table:
        for company in companies_store.company_rows(store, by_table.pop("companies")):
            record = records.company_record(company)
            yield {
                **record,
                "id": _history_id("companies", company.id),
                "contact_id": None,
                "section": "companies",
                "uid": COMPANY_PREFIX + record["key"],
            }
    for table, row_ids in by_table.items():
        select, alias, record_of = readers[table]
        for row in store.conn.execute(
            f"{select} WHERE {alias}.id IN (SELECT value FROM json_each(?)) ORDER BY {alias}.id",
            (json.dumps(row_ids),),
        ):
            local = {
                "id": _history_id(table, row["id"]),
                "contact_id": row["contact_id"],
                "section": HISTORY[table][0],
            }
            yield local | record_of(row)


def put_history(
    store: Store,
    sync_id: int | None,
    fields: dict[str, Any],
    contact_ids: dict[str, int],
    stamp: str,
) -> None:
    """Insert or overwrite a history record from its file: every column
    :data:`records.COLUMNS` maps (contacts by uid), updated now (here)."""
    if fields["section"] == "companies":
        put_company(store, fields, stamp)
        return
    if fields["section"] in _PUT:
        _PUT[fields["section"]](store, sync_id, fields, contact_ids, stamp)
        return
    table = SECTION_TABLES[fields["section"]]
    values: dict[str, Any] = {}
    for column, key in records.COLUMNS[table].items():
        value = fields.get(key)
        if column.endswith("contact_id"):
            value = contact_ids.get(value) if value else None
        values[column] = value
    values["updated_at"] = stamp
    values["created_at"] = values.get("created_at") or stamp
    if sync_id is None:
        store.conn.execute(
            f"INSERT OR IGNORE INTO {table} ({', '.join(values)})"
            f" VALUES ({', '.join('?' for _ in values)})",
            list(values.values()),
        )
        return
    _, row_id = _history_row(sync_id)
    del values["uid"]
    store.conn.execute(
        f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in values)} WHERE id = ?",
        [*values.values(), row_id],
    )


def _put_deal(
    store: Store, sync_id: int | None, fields: dict[str, Any], contact_ids: dict[str, int],
    stamp: str,
) -> None:  # fmt: skip
    """A deal from its file: its fields, its company record (made from the name,
    as for a contact) and its people, those known here, in the file's order."""
    import json

    from wintogether.store import deals as deals_store

    people = [contact_ids[uid] for uid in fields.get("people") or [] if uid in contact_ids]
    if sync_id is None:
        record = {**fields, "updated_at": stamp, "created_at": fields.get("created_at") or stamp}
        records.insert_deal_record(store, record, people)
        return
    _, deal_id = _history_row(sync_id)
    columns = ("title", "company", "target_on", "they_win", "we_win", "status", "closed_at",
               "close_note", "notes")  # fmt: skip
    was = store.conn.execute("SELECT uid, status FROM deals WHERE id = ?", (deal_id,)).fetchone()
    store.conn.execute(
        f"UPDATE deals SET {', '.join(f'{c} = ?' for c in columns)}, updated_at = ? WHERE id = ?",
        [*(fields.get(c) for c in columns), stamp, deal_id],
    )
    if was is not None and was[1] == "won" and fields.get("status") != "won":
        # Won here, lost (or dropped) there and that side's outcome kept: the
        # wins winning recorded here go (their deletion goes out next sync).
        from wintogether.store.common import deal_win_uid

        people_uids = [
            str(row[0])
            for row in store.conn.execute(
                "SELECT c.uid FROM deal_people p JOIN contacts c ON c.id = p.contact_id"
                " WHERE p.deal_id = ?",
                (deal_id,),
            )
        ]
        store.conn.execute(
            "DELETE FROM wins WHERE uid IN (SELECT value FROM json_each(?))",
            (json.dumps([deal_win_uid(str(was[0]), u) for u in people_uids]),),
        )
    deals_store.link_company(store, deal_id, fields.get("company"), stamp)
    records.set_people(store, "deals", deal_id, people, stamp)


def _put_step(
    store: Store, sync_id: int | None, fields: dict[str, Any], contact_ids: dict[str, int],
    stamp: str,
) -> None:  # fmt: skip
    """A plan step from its file: the promise it is and its deal (both by uid,
    known here: checked before), its place, milestone flag and the step it
    follows (linked by :func:`link_steps` once every step of the sync is in)."""
    deal = store.conn.execute("SELECT id FROM deals WHERE uid = ?", (fields["deal"],)).fetchone()
    promise = store.conn.execute(
        "SELECT id FROM promises WHERE uid = ?", (fields["promise"],)
    ).fetchone()
    if deal is None or promise is None:
        return
    values = (deal[0], promise[0], int(fields.get("position") or 0), int(bool(fields["milestone"])))
    if sync_id is None:
        store.conn.execute(
            "INSERT OR IGNORE INTO deal_steps (uid, deal_id, promise_id, position, milestone,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (fields["uid"], *values, stamp),
        )
    else:
        _, step_id = _history_row(sync_id)
        store.conn.execute(
            "UPDATE OR IGNORE deal_steps SET deal_id = ?, promise_id = ?, position = ?,"
            " milestone = ?, updated_at = ? WHERE id = ?",
            (*values, stamp, step_id),
        )
    link_steps(store, [(fields["uid"], fields.get("after"))])


def link_steps(store: Store, links: Sequence[tuple[str, str | None]]) -> None:
    """(step uid, the uid of the step it follows or None): a step follows the
    step its file names once both are here (a row's version is not changed:
    the link is what its file already says)."""
    store.conn.executemany(
        "UPDATE deal_steps SET after_step_id = (SELECT a.id FROM deal_steps a WHERE a.uid = ?"
        " AND a.uid != deal_steps.uid) WHERE uid = ?",
        [(after, uid) for uid, after in links],
    )


def _put_template(
    store: Store, sync_id: int | None, fields: dict[str, Any], contact_ids: dict[str, int],
    stamp: str,
) -> None:  # fmt: skip
    """A plan template from its file. Two templates saved under one name on two
    computers are one name too many: the later saved is kept, on both (the
    other, deleted here, or never taken in, leaves the folder at the next sync)."""
    import json

    steps = json.dumps(fields["steps"])
    name = " ".join(str(fields["name"]).split())
    row_id = _history_row(sync_id)[1] if sync_id is not None else None
    same = store.conn.execute(
        "SELECT id, uid, updated_at FROM plan_templates WHERE name = ? COLLATE NOCASE AND"
        " id IS NOT ?",
        (name, row_id),
    ).fetchone()
    if same is not None:
        theirs = (str(fields.get("updated_at") or ""), str(fields["uid"]))
        if (same[2], same[1]) > theirs:
            if row_id is not None:  # renamed there onto a name taken here: the older one goes
                store.conn.execute("DELETE FROM plan_templates WHERE id = ?", (row_id,))
            return
        store.conn.execute("DELETE FROM plan_templates WHERE id = ?", (same[0],))
    if row_id is None:
        created = fields.get("created_at") or stamp
        store.conn.execute(
            "INSERT OR IGNORE INTO plan_templates (uid, name, steps, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (fields["uid"], name, steps, created, stamp),
        )
        return
    store.conn.execute(
        "UPDATE plan_templates SET name = ?, steps = ?, updated_at = ? WHERE id = ?",
        (name, steps, stamp, row_id),
    )


_PUT = {"deals": _put_deal, "deal_steps": _put_step, "plan_templates": _put_template}


def put_company(store: Store, fields: dict[str, Any], stamp: str) -> bool:
    """A company from its file: found by its name (or made), its name as written
    there, and its aliases. An alias that is the name of another company here
    means the two were merged there (`wt company merge`): they are merged here
    too, its people with them.

    True when the file's name was found as another name of a company named
    otherwise here, which keeps its name: to be put again once every company
    file of the sync is in (another may take that name off it)."""
    name = " ".join(str(fields["name"]).split())
    company_id = companies_store.ensure_company(store, name, stamp)
    key = companies_store.company_key(name)
    here_name, here_key = store.conn.execute(
        "SELECT name, key FROM companies WHERE id = ?", (company_id,)
    ).fetchone()
    aliases = fields.get("aliases")
    named_here = {companies_store.company_key(a) for a in aliases or []}
    found_by_another_name = False
    if here_key == key:
        store.conn.execute(
            "UPDATE companies SET name = ?, updated_at = ? WHERE id = ?", (name, stamp, company_id)
        )
    elif here_key not in named_here or key > here_key:
        # Found by one of its other names, and this side's name stays: the
        # file's company was merged into this one here, or this one renamed
        # (`wt company rename`), or the name sorts after this side's.
        found_by_another_name = True
    else:
        # Found by one of its other names, and the file names this side's name
        # as one of its own: merged the other way round there (`wt company
        # merge` each way on two computers). The name whose key sorts first
        # stays, on every computer: the file's here, and this side's name
        # becomes another one.
        store.conn.execute(
            "DELETE FROM company_aliases WHERE company_id = ? AND key = ?", (company_id, key)
        )
        store.conn.execute(
            "UPDATE companies SET name = ?, key = ?, updated_at = ? WHERE id = ?",
            (name, key, stamp, company_id),
        )
        companies_store.add_alias(store, company_id, here_name, stamp)
    had = companies_store.alias_keys(store, company_id)  # before any merge below
    for alias in aliases or []:
        other = companies_store.find_company(store, alias)
        if other is None:
            companies_store.add_alias(store, company_id, alias, stamp)
        elif other != company_id:
            companies_store.merge_companies(store, company_id, other, stamp)
        # Written as the file writes it ("Northwind", not this side's "Northwind Inc.").
        store.conn.execute(
            "UPDATE company_aliases SET alias = ? WHERE company_id = ? AND key = ?",
            (" ".join(alias.split()), company_id, companies_store.company_key(alias)),
        )
    if aliases is not None and not found_by_another_name:
        # Another name the file no longer lists was taken off there (a merge
        # undone): here too. The file's own name and this side's stay. (A file
        # found by another name speaks for that name, not for the company
        # here: it takes nothing off.)
        kept = {companies_store.company_key(a) for a in aliases} | {key, here_key}
        # Only names it had before: those a company merged into it just now
        # brought are the other company's, not taken off here.
        gone = (had & companies_store.alias_keys(store, company_id)) - kept
        companies_store.drop_aliases(store, company_id, gone, stamp)
    return found_by_another_name


def first_participant(store: Store, conversation_id: int) -> int | None:
    """The participant of a conversation added first (where its conflicts are kept)."""
    row = store.conn.execute(
        "SELECT min(contact_id) FROM interaction_participants WHERE interaction_id = ?",
        (conversation_id,),
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def has_contact(store: Store, contact_id: int) -> bool:
    return (
        store.conn.execute("SELECT 1 FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        is not None
    )


def contact_uid(store: Store, contact_id: int) -> str:
    return str(
        store.conn.execute("SELECT uid FROM contacts WHERE id = ?", (contact_id,)).fetchone()[0]
    )


def uids(store: Store, table: str) -> set[str]:
    """Every uid of ``table`` (deals or promises: what a plan step may name)."""
    assert table in ("deals", "promises")
    return {row[0] for row in store.conn.execute(f"SELECT uid FROM {table}")}


def contact_names(store: Store) -> dict[str, str]:
    """uid -> name of every contact (to find whom a to-do made elsewhere is for)."""
    return dict(store.conn.execute("SELECT uid, name FROM contacts"))


def merged_into(store: Store) -> dict[str, str]:
    """The uid of every contact merged into another one here (`wt merge`, or a
    card received from a device that merged them) -> that one's uid."""
    return {
        str(row[0]): str(row[1])
        for row in store.conn.execute(
            "SELECT x.value, c.uid FROM contact_extras x JOIN contacts c ON c.id = x.contact_id"
            " WHERE x.key = 'MERGED-UID' AND x.value != c.uid ORDER BY x.id"
        )
    }


def contact_refs(store: Store, uids: Sequence[str]) -> dict[str, ContactRef]:
    """uid -> the contact, of those of ``uids`` this database has."""
    import json

    return {
        str(row[0]): ContactRef(int(row[1]), str(row[2]), row[3])
        for row in store.conn.execute(
            "SELECT uid, id, name, company FROM contacts"
            " WHERE uid IN (SELECT value FROM json_each(?))",
            (json.dumps(list(uids)),),
        )
    }


def contact_ids_by_uid(store: Store) -> dict[str, int]:
    return records.uid_map(store, "contacts")


# -- applying what a file says ------------------------------------------------------


def _replace_children(
    store: Store, table: str, column: str, contact_id: int, values: Sequence[str], stamp: str
) -> None:
    store.conn.execute(f"DELETE FROM {table} WHERE contact_id = ?", (contact_id,))
    seen: set[str] = set()
    for position, value in enumerate(values):
        if value.casefold() in seen:
            continue
        seen.add(value.casefold())
        store.conn.execute(
            f"INSERT OR IGNORE INTO {table} (uid, contact_id, {column}, position, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (new_uid(), contact_id, value, position, stamp),
        )


def put_contact(
    store: Store, contact_id: int | None, uid: str, fields: dict[str, Any], stamp: str
) -> int:
    """Insert or overwrite the synced fields of a contact; returns its id.

    ``fields``: name, company, title, birthday, notes, emails, phones,
    linkedin, urls, tags, extras, and ``ours``: the fields only wintogether
    has (how met, met on, introducer uid, cadence, created, archived), as
    text, or None for a card from another app, which leaves them as they are.
    An introducer or manager not known (yet) is linked by :func:`link_contacts`.
    """
    import json

    columns = {k: fields.get(k) for k in ("name", "company", "title", "birthday", "notes")}
    ours = fields.get("ours")
    if ours is not None:
        cadence = ours.get("cadence_days")
        columns.update(
            how_met=ours.get("how_met"),
            met_on=ours.get("met_on"),
            cadence_days=int(cadence) if cadence is not None else None,
            archived_at=ours.get("archived_at"),
            account_role=ours.get("account_role"),
            introduced_by=_contact_id(store, ours.get("introduced_by")),
            reports_to=_contact_id(store, ours.get("reports_to")),
        )
    if contact_id is None:
        created = ours.get("created_at") if ours is not None else None
        contact_id = records.insert_contact_record(
            store, {**columns, "uid": uid, "created_at": created}, stamp
        )
    else:
        contacts_store.update_contact(store, contact_id, columns, stamp)
        if ours is not None and ours.get("created_at"):
            store.conn.execute(
                "UPDATE contacts SET created_at = ? WHERE id = ?", (ours["created_at"], contact_id)
            )
    _replace_children(store, "contact_emails", "email", contact_id, fields["emails"], stamp)
    _replace_children(store, "contact_phones", "phone", contact_id, fields["phones"], stamp)
    store.conn.execute("DELETE FROM contact_urls WHERE contact_id = ?", (contact_id,))
    if fields.get("linkedin"):
        contacts_store.add_url(store, contact_id, "linkedin", fields["linkedin"], stamp)
    for url in fields["urls"]:
        contacts_store.add_url(store, contact_id, "web", url, stamp)
    store.conn.execute("DELETE FROM contact_tags WHERE contact_id = ?", (contact_id,))
    contacts_store.add_tags(store, contact_id, fields["tags"], stamp)
    contacts_store.add_extras(store, contact_id, fields["extras"], stamp)
    if "merged" in fields:
        # Whom the contact merged, as `wt merge` keeps it here (a card from
        # another app says nothing of it: left as it is).
        merged = sorted({u for u in fields["merged"] or [] if u != uid})
        store.conn.execute(
            "DELETE FROM contact_extras WHERE contact_id = ? AND key = 'MERGED-UID'"
            " AND value NOT IN (SELECT value FROM json_each(?))",
            (contact_id, json.dumps(merged)),
        )
        contacts_store.add_extras(store, contact_id, [("MERGED-UID", u) for u in merged], stamp)
    return contact_id


def _contact_id(store: Store, uid: str | None) -> int | None:
    if not uid:
        return None
    row = store.conn.execute("SELECT id FROM contacts WHERE uid = ?", (uid,)).fetchone()
    return int(row[0]) if row else None


def link_conversations(store: Store, links: Sequence[tuple[str, str]]) -> None:
    """(promise uid, conversation uid): promises linked to the conversation they
    were made in, once the conversations of the same sync are in (a sync brings
    promises before conversations)."""
    store.conn.executemany(
        "UPDATE promises SET interaction_id = (SELECT i.id FROM interactions i WHERE i.uid = ?)"
        " WHERE uid = ? AND interaction_id IS NULL",
        [(conversation, uid) for uid, conversation in links],
    )


def link_contacts(store: Store, column: str, links: Sequence[tuple[str, str]]) -> None:
    """(contact uid, other contact's uid): introducers and managers that arrived in
    the same sync as the contacts naming them, linked once all are in (a row's
    version is not changed: the link is what its file already says)."""
    assert column in ("introduced_by", "reports_to")
    store.conn.executemany(
        f"UPDATE contacts SET {column} = (SELECT i.id FROM contacts i WHERE i.uid = ?)"
        f" WHERE uid = ? AND {column} IS NULL",
        [(other, uid) for uid, other in links],
    )


def break_manager_loops(store: Store, stamp: str) -> list[tuple[str, str]]:
    """Managers set each way on two computers make a loop (Sam reports to Dana
    here, Dana to Sam there), which `wt edit` never allows: in each loop, the
    one whose uid sorts first reports to no one now, the same one on every
    computer. Returns (their name, the manager dropped)."""
    rows = store.conn.execute(
        "SELECT c.id, c.uid, c.name, c.reports_to, m.name FROM contacts c"
        " JOIN contacts m ON m.id = c.reports_to"
    ).fetchall()
    manager = {row[0]: row[3] for row in rows}
    about = {row[0]: (row[1], row[2], row[4]) for row in rows}
    broken: list[tuple[str, str]] = []
    done: set[int] = set()
    for start in manager:
        path: list[int] = []
        current: int | None = start
        while current is not None and current in manager and current not in done:
            if current in path:
                loop = path[path.index(current) :]
                first = min(loop, key=lambda cid: about[cid][0])
                store.conn.execute(
                    "UPDATE contacts SET reports_to = NULL, updated_at = ? WHERE id = ?",
                    (stamp, first),
                )
                broken.append((about[first][1], about[first][2]))
                break
            path.append(current)
            current = manager[current]
        done.update(path)
    return broken


def put_promise(
    store: Store, promise_id: int | None, uid: str, contact_id: int, fields: dict[str, Any],
    stamp: str,
) -> None:  # fmt: skip
    values = (
        contact_id,
        fields["text"],
        fields["due_on"],
        fields["owner"],
        fields["status"],
        fields["done_at"],
        fields["done_note"],
    )
    if promise_id is None:
        store.conn.execute(
            "INSERT INTO promises (uid, contact_id, text, due_on, owner, status, done_at,"
            " done_note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (uid, *values, fields.get("created") or stamp, stamp),
        )
    else:
        store.conn.execute(
            "UPDATE promises SET contact_id = ?, text = ?, due_on = ?, owner = ?, status = ?,"
            " done_at = ?, done_note = ?, updated_at = ? WHERE id = ?",
            (*values, stamp, promise_id),
        )


def put_conversation(
    store: Store, conversation_id: int | None, uid: str, fields: dict[str, Any],
    participant_ids: Sequence[int], stamp: str,
) -> None:  # fmt: skip
    if conversation_id is None:
        record = {k: fields[k] for k in ("happened_at", "channel", "note")}
        # Created when it was written down elsewhere; updated (here) now.
        record.update(uid=uid, created_at=fields.get("created") or stamp, updated_at=stamp)
        records.insert_conversation_record(store, record, participant_ids)
        return
    conversations_store.update_conversation(
        store,
        conversation_id,
        {k: fields[k] for k in ("happened_at", "channel", "note")},
        stamp,
    )
    conversations_store.set_participants(store, conversation_id, participant_ids, stamp)


def history_of(store: Store, ids: Sequence[int]) -> dict[int, str]:
    """contact id -> what it has here beyond its card and promises (conversations,
    ledger entries, wins, timeline entries), in words; contacts with none left out."""
    import json

    out: dict[int, str] = {}
    labels = ("conversation", "ledger entry", "win", "timeline entry")
    for row in store.conn.execute(
        "SELECT c.id,"
        " (SELECT count(*) FROM interaction_participants p WHERE p.contact_id = c.id),"
        " (SELECT count(*) FROM ledger l WHERE l.contact_id = c.id),"
        " (SELECT count(*) FROM wins w WHERE w.contact_id = c.id),"
        " (SELECT count(*) FROM contact_events e WHERE e.contact_id = c.id)"
        " FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(ids)),),
    ):
        parts = [
            f"{n} {label if n == 1 else label.replace('entry', 'entrie') + 's'}"
            for n, label in zip(row[1:], labels, strict=True)
            if n
        ]
        if parts:
            out[row[0]] = ", ".join(parts)
    return out


def archive_deleted(store: Store, contact_id: int, text: str, stamp: str) -> None:
    """A contact deleted on another device that has history here: archived, not
    deleted, with a timeline entry saying why."""
    contacts_store.update_contact(store, contact_id, {"archived_at": stamp}, stamp)
    events_store.insert_event(
        store,
        contact_id=contact_id,
        kind="sync_deleted",
        text=text,
        old_value=None,
        new_value=None,
        happened_at=stamp,
        stamp=stamp,
    )


def moving_steps(store: Store, going: Sequence[str], kept_out: Sequence[str] = ()) -> set[str]:
    """Uids of the promises of contacts this sync deletes (``going``, by uid)
    that are plan steps of a deal with someone else on it (not kept out of the
    folder here): they move to that person (:func:`delete_row`), as when a
    person is forgotten, and stay."""
    import json

    return {
        row[0]
        for row in store.conn.execute(
            "SELECT p.uid FROM deal_steps s JOIN promises p ON p.id = s.promise_id"
            " JOIN contacts c ON c.id = p.contact_id"
            " WHERE c.uid IN (SELECT value FROM json_each(?)) AND EXISTS (SELECT 1"
            "  FROM deal_people dp JOIN contacts o ON o.id = dp.contact_id"
            "  WHERE dp.deal_id = s.deal_id AND o.id != c.id"
            "  AND o.uid NOT IN (SELECT value FROM json_each(?)))",
            (json.dumps(list(going)), json.dumps(list(kept_out))),
        )
    }


def deals_of(store: Store, contacts: Sequence[str]) -> set[str]:
    """Uids of the deals these contacts (by uid) are on."""
    import json

    return {
        row[0]
        for row in store.conn.execute(
            "SELECT d.uid FROM deals d JOIN deal_people p ON p.deal_id = d.id"
            " JOIN contacts c ON c.id = p.contact_id"
            " WHERE c.uid IN (SELECT value FROM json_each(?))",
            (json.dumps(list(contacts)),),
        )
    }


def delete_row(
    store: Store, kind: str, row_id: int, stamp: str = "", kept_out: Sequence[str] = ()
) -> None:
    if kind == "contact":
        # Their plan steps move to the next person on the deal (the deal keeps
        # its plan), as `wt forget` does; not to one kept out of the folder
        # here (deleted elsewhere): a step of theirs would not travel.
        from wintogether.store.deals import move_steps_of_person

        skip = [contact_ids_by_uid(store).get(uid) for uid in kept_out]
        move_steps_of_person(store, row_id, stamp, [i for i in skip if i is not None])
    if kind == "history":
        table, row_id = _history_row(row_id)
        if table == "companies":
            # Its file left the folder: renamed or merged into another there
            # (an undone merge leaves a file with no other names), or gone. Its
            # names stay; the company itself only when no contact here names it.
            store.conn.execute(
                "DELETE FROM companies WHERE id = ?"
                " AND NOT EXISTS (SELECT 1 FROM contacts WHERE company_id = ?)",
                (row_id, row_id),
            )
            return
        store.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
        return
    store.conn.execute(f"DELETE FROM {TABLES[kind]} WHERE id = ?", (row_id,))


def record_conflict(
    store: Store, contact_id: int, text: str, lost: str, kept: str, stamp: str
) -> None:
    """The losing version of a conflict, on the contact's timeline."""
    events_store.insert_event(
        store,
        contact_id=contact_id,
        kind="sync_conflict",
        text=text,
        old_value=lost,
        new_value=kept,
        happened_at=stamp,
        stamp=stamp,
    )


def row_ids(store: Store, kind: str, uids: Sequence[str]) -> dict[str, int]:
    """uid -> id of a few contacts, promises or conversations."""
    import json

    if not uids:
        return {}
    table = TABLES[kind]
    return {
        row[0]: row[1]
        for row in store.conn.execute(
            f"SELECT uid, id FROM {table} WHERE uid IN (SELECT value FROM json_each(?))",
            (json.dumps(list(uids)),),
        )
    }


def versions_of(store: Store, kind: str, uids: Sequence[str]) -> dict[str, str]:
    """uid -> version (see ``versions``) of a few rows, after applying their files."""
    import json

    alias = "p." if kind == "promise" else ""  # history: its SELECT names ``uid``
    return {
        row[0]: row[3]
        for row in store.conn.execute(
            f"{_VERSION_SQL[kind]} WHERE {alias}uid IN (SELECT value FROM json_each(?))",
            (json.dumps(list(uids)),),
        )
    }
