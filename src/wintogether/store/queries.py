"""Reading and writing records. Every value is bound; SQL text is fixed.

Write methods expect to run inside ``Store.write()`` (one transaction per
command, opened by the domain layer); ``stamp`` is the command's "now" as a
stored UTC timestamp, so one command writes one consistent time.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from wintogether.clock import from_utc_iso, from_utc_iso_utc
from wintogether.dates import stored_day
from wintogether.models import Contact, ContactRef, ContactStanding, Conversation, Promise
from wintogether.store.connection import Connection

CONTACT_FIELDS = (
    "name",
    "company",
    "title",
    "how_met",
    "met_on",
    "introduced_by",
    "birthday",
    "cadence_days",
    "notes",
)


def _stamp_now() -> str:
    from wintogether.clock import now, to_utc_iso

    return to_utc_iso(now())


def new_uid() -> str:
    return str(uuid.uuid4())


def _dt(value: str | None) -> Any:
    return from_utc_iso(value) if value else None


#: Contacts with a tag or any of its subtags ("customers" takes "customers/emea").
TAGGED_CONTACTS = (
    "SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
    " WHERE t.name = ? OR t.name LIKE ? ESCAPE '\\'"
)


def tag_params(tag: str) -> list[str]:
    """The parameters of :data:`TAGGED_CONTACTS` (LIKE wildcards in the tag escaped)."""
    return [tag, tag.replace("%", "\\%").replace("_", "\\_") + "/%"]


def _utc(value: str | None) -> Any:
    """A stored timestamp as an aware UTC datetime: cheaper than local time (no
    zone lookup per value) where only comparisons and dates follow."""
    return from_utc_iso_utc(value) if value else None


def _chunks(items: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Store:
    """All record access for one open database."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.conn: sqlite3.Connection = connection.conn
        #: What the change journal calls a write when ``write()`` gets no label
        #: (the CLI sets it to the command line, e.g. "log dana Renewal call").
        self.command_label = "write"
        self.command_name = "write"
        #: The journal command of the write in progress, if any.
        self.command_id: int | None = None

    @contextmanager
    def write(self, label: str | None = None, *, name: str | None = None) -> Iterator[Store]:
        """One BEGIN IMMEDIATE transaction, journaled as one command (see journal.py).

        ``label`` is the command's summary in the journal (``wt undo`` shows
        it), e.g. ``store.write("import contacts.csv", name="import")``; ``name``
        defaults to its first word. Without a label the CLI's command line is used.
        """
        from wintogether.store import journal

        with self.connection.write():
            if not journal.has_journal(self.conn):
                yield self
                return
            text = label or self.command_label
            command = name or (text.split(" ", 1)[0] if label else self.command_name)
            self.command_id = journal.begin_command(
                self.conn, command or "write", text, _stamp_now()
            )
            try:
                yield self
                journal.end_command(self.conn, self.command_id)
            finally:
                self.command_id = None

    @contextmanager
    def read(self) -> Iterator[Store]:
        with self.connection.read():
            yield self

    def close(self) -> None:
        self.connection.close()

    # -- contacts ---------------------------------------------------------

    def insert_contact(self, fields: dict[str, Any], stamp: str) -> int:
        values = {key: fields.get(key) for key in CONTACT_FIELDS}
        cursor = self.conn.execute(
            f"INSERT INTO contacts (uid, {', '.join(CONTACT_FIELDS)}, created_at, updated_at)"
            f" VALUES (?, {', '.join('?' for _ in CONTACT_FIELDS)}, ?, ?)",
            [fields.get("uid") or new_uid(), *values.values(), stamp, stamp],
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update_contact(self, contact_id: int, fields: dict[str, Any], stamp: str) -> None:
        unknown = set(fields) - set(CONTACT_FIELDS) - {"archived_at"}
        if unknown:
            raise ValueError(f"not contact fields: {sorted(unknown)}")
        if not fields:
            return
        assignments = ", ".join(f"{key} = ?" for key in fields)
        self.conn.execute(
            f"UPDATE contacts SET {assignments}, updated_at = ? WHERE id = ?",
            [*fields.values(), stamp, contact_id],
        )

    def touch_contact(self, contact_id: int, stamp: str) -> None:
        self.conn.execute("UPDATE contacts SET updated_at = ? WHERE id = ?", (stamp, contact_id))

    def add_emails(self, contact_id: int, emails: Iterable[str], stamp: str) -> None:
        self._add_children("contact_emails", "email", contact_id, emails, stamp)

    def add_phones(self, contact_id: int, phones: Iterable[str], stamp: str) -> None:
        self._add_children("contact_phones", "phone", contact_id, phones, stamp)

    def remove_emails(self, contact_id: int, emails: Iterable[str]) -> int:
        return self._remove_children("contact_emails", "email", contact_id, emails)

    def remove_phones(self, contact_id: int, phones: Iterable[str]) -> int:
        return self._remove_children("contact_phones", "phone", contact_id, phones)

    def _add_children(
        self, table: str, column: str, contact_id: int, values: Iterable[str], stamp: str
    ) -> None:
        start = self.conn.execute(
            f"SELECT coalesce(max(position), -1) + 1 FROM {table} WHERE contact_id = ?",
            (contact_id,),
        ).fetchone()[0]
        for offset, value in enumerate(values):
            self.conn.execute(
                f"INSERT OR IGNORE INTO {table} (uid, contact_id, {column}, position, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (new_uid(), contact_id, value, start + offset, stamp),
            )

    def _remove_children(
        self, table: str, column: str, contact_id: int, values: Iterable[str]
    ) -> int:
        removed = 0
        for value in values:
            removed += self.conn.execute(
                f"DELETE FROM {table} WHERE contact_id = ? AND {column} = ? COLLATE NOCASE",
                (contact_id, value),
            ).rowcount
        return removed

    def set_url(self, contact_id: int, kind: str, url: str | None, stamp: str) -> None:
        """Replace the contact's URL of this kind (``None`` removes it)."""
        self.conn.execute(
            "DELETE FROM contact_urls WHERE contact_id = ? AND kind = ?", (contact_id, kind)
        )
        if url:
            self.conn.execute(
                "INSERT OR REPLACE INTO contact_urls (uid, contact_id, kind, url, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (new_uid(), contact_id, kind, url, stamp),
            )

    def add_tags(self, contact_id: int, tags: Iterable[str], stamp: str) -> None:
        for tag in tags:
            self.conn.execute(
                "INSERT OR IGNORE INTO tags (uid, name, updated_at) VALUES (?, ?, ?)",
                (new_uid(), tag, stamp),
            )
            self.conn.execute(
                "INSERT OR IGNORE INTO contact_tags (uid, contact_id, tag_id, updated_at)"
                " SELECT ?, ?, id, ? FROM tags WHERE name = ?",
                (new_uid(), contact_id, stamp, tag),
            )

    def remove_tags(self, contact_id: int, tags: Iterable[str]) -> int:
        removed = 0
        for tag in tags:
            removed += self.conn.execute(
                "DELETE FROM contact_tags WHERE contact_id = ?"
                " AND tag_id = (SELECT id FROM tags WHERE name = ?)",
                (contact_id, tag),
            ).rowcount
        return removed

    def contact_exists(self, contact_id: int) -> bool:
        row = self.conn.execute("SELECT 1 FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        return row is not None

    def get_contact(self, contact_id: int) -> Contact | None:
        found = self.contacts_by_ids([contact_id])
        return found[0] if found else None

    def contacts_by_ids(self, ids: Sequence[int]) -> list[Contact]:
        """Contacts with their emails, phones, URLs and tags, in ``ids`` order."""
        rows: dict[int, sqlite3.Row] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" for _ in chunk)
            for row in self.conn.execute(
                "SELECT c.*, i.name AS intro_name, i.company AS intro_company"
                " FROM contacts c LEFT JOIN contacts i ON i.id = c.introduced_by"
                f" WHERE c.id IN ({marks})",
                list(chunk),
            ):
                rows[row["id"]] = row
        children = self._children([cid for cid in ids if cid in rows])
        out = []
        for cid in ids:
            row = rows.get(cid)
            if row is None:
                continue
            kids = children[cid]
            out.append(
                Contact(
                    id=row["id"],
                    uid=row["uid"],
                    name=row["name"],
                    company=row["company"],
                    title=row["title"],
                    how_met=row["how_met"],
                    met_on=row["met_on"],
                    introduced_by=(
                        ContactRef(row["introduced_by"], row["intro_name"], row["intro_company"])
                        if row["introduced_by"]
                        else None
                    ),
                    birthday=row["birthday"],
                    cadence_days=row["cadence_days"],
                    notes=row["notes"],
                    last_touch_at=_dt(row["last_touch_at"]),
                    created_at=_dt(row["created_at"]),
                    updated_at=_dt(row["updated_at"]),
                    archived_at=_dt(row["archived_at"]),
                    emails=kids["emails"],
                    phones=kids["phones"],
                    urls=kids["urls"],
                    tags=kids["tags"],
                )
            )
        return out

    def _children(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = defaultdict(
            lambda: {"emails": [], "phones": [], "urls": [], "tags": []}
        )
        for chunk in _chunks(ids):
            marks = ",".join("?" for _ in chunk)
            params = list(chunk)
            for row in self.conn.execute(
                f"SELECT contact_id, email FROM contact_emails WHERE contact_id IN ({marks})"
                " ORDER BY position, id",
                params,
            ):
                out[row[0]]["emails"].append(row[1])
            for row in self.conn.execute(
                f"SELECT contact_id, phone FROM contact_phones WHERE contact_id IN ({marks})"
                " ORDER BY position, id",
                params,
            ):
                out[row[0]]["phones"].append(row[1])
            for row in self.conn.execute(
                f"SELECT contact_id, kind, url FROM contact_urls WHERE contact_id IN ({marks})"
                " ORDER BY id",
                params,
            ):
                out[row[0]]["urls"].append((row[1], row[2]))
            for row in self.conn.execute(
                "SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
                f" WHERE ct.contact_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
                params,
            ):
                out[row[0]]["tags"].append(row[1])
        return out

    def refs_by_id(self, contact_id: int) -> list[ContactRef]:
        return self._refs("SELECT id, name, company FROM contacts WHERE id = ?", (contact_id,))

    def refs_by_name(self, name: str) -> list[ContactRef]:
        return self._refs(
            "SELECT id, name, company FROM contacts WHERE name = ? COLLATE NOCASE"
            " ORDER BY archived_at IS NOT NULL, id",
            (name,),
        )

    def refs_by_email(self, email: str) -> list[ContactRef]:
        return self._refs(
            "SELECT DISTINCT c.id, c.name, c.company FROM contacts c"
            " JOIN contact_emails e ON e.contact_id = c.id"
            " WHERE e.email = ? COLLATE NOCASE ORDER BY c.id",
            (email,),
        )

    def refs_by_url(self, url: str) -> list[ContactRef]:
        return self._refs(
            "SELECT DISTINCT c.id, c.name, c.company FROM contacts c"
            " JOIN contact_urls u ON u.contact_id = c.id WHERE u.url = ? ORDER BY c.id",
            (url.rstrip("/"),),
        )

    def refs_by_fragment(self, fragment: str, *, include_archived: bool) -> list[ContactRef]:
        escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        archived = "" if include_archived else " AND archived_at IS NULL"
        return self._refs(
            "SELECT id, name, company FROM contacts"
            f" WHERE name LIKE ? ESCAPE '\\'{archived} ORDER BY name COLLATE NOCASE, id",
            (f"%{escaped}%",),
        )

    def has_contacts(self) -> bool:
        return self.conn.execute("SELECT 1 FROM contacts LIMIT 1").fetchone() is not None

    def all_refs(self, *, include_archived: bool = False) -> list[ContactRef]:
        archived = "" if include_archived else " WHERE archived_at IS NULL"
        return self._refs(
            f"SELECT id, name, company FROM contacts{archived} ORDER BY name COLLATE NOCASE", ()
        )

    def _refs(self, sql: str, params: Sequence[Any]) -> list[ContactRef]:
        return [ContactRef(row[0], row[1], row[2]) for row in self.conn.execute(sql, params)]

    def contact_ids(
        self,
        *,
        tag: str | None = None,
        company: str | None = None,
        archived: bool = False,
    ) -> list[int]:
        where = ["c.archived_at IS NOT NULL" if archived else "c.archived_at IS NULL"]
        params: list[Any] = []
        if tag:
            where.append(f"c.id IN ({TAGGED_CONTACTS})")
            params += tag_params(tag)
        if company:
            where.append("c.company LIKE ? ESCAPE '\\'")
            params.append("%" + company.replace("%", "\\%").replace("_", "\\_") + "%")
        sql = (
            f"SELECT c.id FROM contacts c WHERE {' AND '.join(where)}"
            " ORDER BY c.name COLLATE NOCASE, c.id"
        )
        return [row[0] for row in self.conn.execute(sql, params)]

    def standings(
        self,
        *,
        tag: str | None = None,
        birthdays_on: list[str] | None = None,
    ) -> list[ContactStanding]:
        """Active contacts with what the neglect rule and birthdays need.

        ``birthdays_on`` keeps only contacts whose birthday falls on one of
        those "MM-DD" days.
        """
        params: list[Any] = []
        where = ["archived_at IS NULL"]
        if tag:
            where.append(f"c.id IN ({TAGGED_CONTACTS})")
            params += tag_params(tag)
        if birthdays_on is not None:
            where.append("substr(birthday, -5) IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(birthdays_on))
        rows = self.conn.execute(
            "SELECT id, name, company, cadence_days, last_touch_at, created_at, birthday"
            f" FROM contacts c WHERE {' AND '.join(where)}",
            params,
        ).fetchall()
        tags: dict[int, list[str]] = defaultdict(list)
        ids = [row["id"] for row in rows]
        for chunk in _chunks(ids):
            for row in self.conn.execute(
                "SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
                f" WHERE ct.contact_id IN ({','.join('?' for _ in chunk)})",
                list(chunk),
            ):
                tags[row[0]].append(row[1])
        return [
            ContactStanding(
                contact=ContactRef(row["id"], row["name"], row["company"]),
                cadence_days=row["cadence_days"],
                tags=tags.get(row["id"], []),
                last_touch_at=_utc(row["last_touch_at"]),
                created_at=_utc(row["created_at"]),
                birthday=row["birthday"],
            )
            for row in rows
        ]

    def tag_names(self) -> list[tuple[int, str]]:
        return [(row[0], row[1]) for row in self.conn.execute("SELECT id, name FROM tags")]

    def quiet_contacts(
        self,
        *,
        today: date,
        utc_offset_minutes: int,
        default_days: int,
        tag_days: list[tuple[int, int, str]],
        tag: str | None = None,
        top: int | None = None,
    ) -> tuple[list[tuple[ContactRef, int, int, str, bool]], int]:
        """Active contacts quiet for at least their rhythm, computed in SQL.

        Each row: (contact, whole days since the last touch or since added, the
        rhythm in days, where it comes from, ever talked). ``tag_days`` gives the
        rhythm each tag carries, (tag id, days, config key), as the domain decides
        it; a contact's own cadence comes first, then the shortest of its tags'
        (equal ones: the first key), then ``default_days``. Days are counted in the
        zone ``utc_offset_minutes`` east of UTC, like domain/cadence.py does.
        ``top`` returns only the most slipping (and any tied with the last of
        them); the second value is how many slip in all.
        """
        params: list[Any] = [json.dumps(tag_days)]
        tag_filter = ""
        if tag:
            tag_filter = f" AND c.id IN ({TAGGED_CONTACTS})"
            params += tag_params(tag)
        sql = f"""
            WITH tag_days(tag_id, days, source) AS (
                SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)
            ),
            by_tag AS (
                SELECT ct.contact_id, d.days, d.source, row_number() OVER (
                    PARTITION BY ct.contact_id ORDER BY d.days, d.source
                ) AS pick
                FROM contact_tags ct JOIN tag_days d ON d.tag_id = ct.tag_id
            ),
            scored AS (
                SELECT c.id, c.name, c.company, c.last_touch_at IS NOT NULL AS talked,
                    CASE WHEN c.cadence_days THEN c.cadence_days
                         ELSE coalesce(b.days, ?) END AS cadence,
                    CASE WHEN c.cadence_days THEN 'contact'
                         WHEN b.days IS NOT NULL THEN 'tag ' || b.source
                         ELSE 'default' END AS source,
                    max(0, CAST(julianday(?) - julianday(
                        date(coalesce(c.last_touch_at, c.created_at), ?)) AS INTEGER)) AS days
                FROM contacts c LEFT JOIN by_tag b ON b.contact_id = c.id AND b.pick = 1
                WHERE c.archived_at IS NULL{tag_filter}
            )
            SELECT * FROM (
                SELECT id, name, company, days, cadence, source, talked,
                    rank() OVER (ORDER BY CAST(days AS REAL) / cadence DESC, days DESC) AS place,
                    count(*) OVER () AS total
                FROM scored WHERE days >= cadence
            ){" WHERE place <= ?" if top is not None else ""}
        """
        params[1:1] = [default_days, today.isoformat(), f"{utc_offset_minutes:+d} minutes"]
        # rank() gives tied rows one place: every row tied with the last wanted one
        # comes back, and the caller's own ordering (names, case-folded) decides.
        if top is not None:
            params.append(top)
        rows = self.conn.execute(sql, params).fetchall()
        total = rows[0][8] if rows else 0
        return [
            (ContactRef(row[0], row[1], row[2]), row[3], row[4], row[5], bool(row[6]))
            for row in rows
        ], total

    # -- conversations ----------------------------------------------------

    def insert_conversation(
        self,
        *,
        happened_at: str,
        channel: str,
        note: str,
        participant_ids: Sequence[int],
        stamp: str,
        uid: str | None = None,
    ) -> int:
        cursor = self.conn.execute(
            "INSERT INTO interactions (uid, happened_at, channel, note, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (uid or new_uid(), happened_at, channel, note, stamp, stamp),
        )
        conversation_id = cursor.lastrowid
        assert conversation_id is not None
        self.set_participants(conversation_id, participant_ids, stamp)
        return conversation_id

    def set_participants(
        self, conversation_id: int, participant_ids: Sequence[int], stamp: str
    ) -> None:
        self.conn.execute(
            "DELETE FROM interaction_participants WHERE interaction_id = ?"
            f" AND contact_id NOT IN ({','.join('?' for _ in participant_ids)})",
            (conversation_id, *participant_ids),
        )
        for contact_id in participant_ids:
            self.conn.execute(
                "INSERT OR IGNORE INTO interaction_participants"
                " (uid, interaction_id, contact_id, updated_at) VALUES (?, ?, ?, ?)",
                (new_uid(), conversation_id, contact_id, stamp),
            )

    def update_conversation(self, conversation_id: int, fields: dict[str, Any], stamp: str) -> None:
        allowed = {"happened_at", "channel", "note"}
        if set(fields) - allowed:
            raise ValueError(f"not conversation fields: {sorted(set(fields) - allowed)}")
        if fields:
            assignments = ", ".join(f"{key} = ?" for key in fields)
            self.conn.execute(
                f"UPDATE interactions SET {assignments}, updated_at = ? WHERE id = ?",
                [*fields.values(), stamp, conversation_id],
            )

    def delete_conversation(self, conversation_id: int) -> bool:
        cursor = self.conn.execute("DELETE FROM interactions WHERE id = ?", (conversation_id,))
        return cursor.rowcount > 0

    def get_conversation(self, conversation_id: int) -> Conversation | None:
        found = self._conversations("WHERE i.id = ?", (conversation_id,))
        return found[0] if found else None

    def conversations_for_contact(self, contact_id: int, limit: int | None) -> list[Conversation]:
        # The latest `limit` conversations, by one of two plans so that the cost
        # stays bounded by about sqrt(total * limit) rows whoever the contact is
        # (see docs/performance.md). Few conversations: fetch them all through
        # the participants index and sort (cost ~ the contact's count). Many (a
        # key account with thousands): walk interactions newest first through
        # interactions_happened and stop at `limit` (cost ~ total / count * limit),
        # instead of reading and sorting the contact's whole history.
        if limit is not None and limit > 0:
            total = self.conn.execute("SELECT max(id) FROM interactions").fetchone()[0] or 0
            count = self.count_conversations_for_contact(contact_id)
            if count * count > total * limit:
                return self._conversations(
                    "WHERE EXISTS (SELECT 1 FROM interaction_participants p"
                    " WHERE p.interaction_id = i.id AND p.contact_id = ?)"
                    " ORDER BY i.happened_at DESC, i.id DESC LIMIT ?",
                    (contact_id, limit),
                )
        return self._conversations(
            "WHERE i.id IN (SELECT interaction_id FROM interaction_participants"
            " WHERE contact_id = ?) ORDER BY i.happened_at DESC, i.id DESC LIMIT ?",
            (contact_id, -1 if limit is None else limit),
        )

    def count_conversations_for_contact(self, contact_id: int) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM interaction_participants WHERE contact_id = ?", (contact_id,)
        ).fetchone()
        return int(row[0])

    def _conversations(self, tail: str, params: Sequence[Any]) -> list[Conversation]:
        rows = self.conn.execute(f"SELECT i.* FROM interactions i {tail}", params).fetchall()
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        people: dict[int, list[ContactRef]] = defaultdict(list)
        for chunk in _chunks(ids):
            for row in self.conn.execute(
                "SELECT p.interaction_id, c.id, c.name, c.company"
                " FROM interaction_participants p JOIN contacts c ON c.id = p.contact_id"
                f" WHERE p.interaction_id IN ({','.join('?' for _ in chunk)}) ORDER BY p.id",
                list(chunk),
            ):
                people[row[0]].append(ContactRef(row[1], row[2], row[3]))
        return [
            Conversation(
                id=row["id"],
                uid=row["uid"],
                happened_at=from_utc_iso(row["happened_at"]),
                channel=row["channel"],
                note=row["note"],
                participants=people[row["id"]],
                created_at=from_utc_iso(row["created_at"]),
            )
            for row in rows
        ]

    # -- promises ---------------------------------------------------------

    def insert_promise(
        self,
        *,
        contact_id: int,
        text: str,
        due_on: date,
        owner: str,
        stamp: str,
        conversation_id: int | None = None,
        uid: str | None = None,
    ) -> int:
        cursor = self.conn.execute(
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

    def update_promise(self, promise_id: int, fields: dict[str, Any], stamp: str) -> None:
        allowed = {"status", "done_at", "done_note", "due_on", "text"}
        if set(fields) - allowed:
            raise ValueError(f"not promise fields: {sorted(set(fields) - allowed)}")
        if fields:
            assignments = ", ".join(f"{key} = ?" for key in fields)
            self.conn.execute(
                f"UPDATE promises SET {assignments}, updated_at = ? WHERE id = ?",
                [*fields.values(), stamp, promise_id],
            )

    def get_promise(self, promise_id: int) -> Promise | None:
        found = self._promises("WHERE p.id = ?", (promise_id,))
        return found[0] if found else None

    def promises(
        self,
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
        return self._promises(
            f"WHERE {' AND '.join(where)} ORDER BY p.due_on, p.id LIMIT ?", params
        )

    def promises_for_contact(self, contact_id: int, limit: int | None) -> list[Promise]:
        return self._promises(
            "WHERE p.contact_id = ? ORDER BY p.created_at DESC, p.id DESC LIMIT ?",
            (contact_id, -1 if limit is None else limit),
        )

    def _promises(self, tail: str, params: Sequence[Any]) -> list[Promise]:
        return [
            Promise(
                id=row["id"],
                uid=row["uid"],
                contact=ContactRef(row["contact_id"], row["name"], row["company"]),
                conversation_id=row["interaction_id"],
                text=row["text"],
                due_on=stored_day(row["due_on"]),
                owner=row["owner"],
                status=row["status"],
                done_at=_dt(row["done_at"]),
                done_note=row["done_note"],
                created_at=from_utc_iso(row["created_at"]),
            )
            for row in self.conn.execute(
                "SELECT p.*, c.name, c.company FROM promises p"
                f" JOIN contacts c ON c.id = p.contact_id {tail}",
                params,
            )
        ]
