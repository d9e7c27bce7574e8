"""Health checks and permanent removal: the SQL behind `wt doctor` and `wt forget`."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from wintogether.store import journal, journal_active
from wintogether.store.connection import APPLICATION_ID, translate
from wintogether.store.handle import Store


def fts_tables(store: Store) -> list[str]:
    return [
        row[0]
        for row in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND sql LIKE 'CREATE VIRTUAL TABLE%USING FTS5%' ORDER BY name"
        )
    ]


def integrity(store: Store, *, full: bool = True) -> list[str]:
    """``PRAGMA integrity_check``: ``["ok"]`` when sound (a damaged file may not even say).

    ``full=False`` runs ``PRAGMA quick_check``: every page, record and constraint
    but not whether each index matches its table, in a fifth of the time.
    """
    pragma = "integrity_check" if full else "quick_check"
    try:
        return [str(row[0]) for row in store.conn.execute(f"PRAGMA {pragma}")]
    except sqlite3.Error as exc:
        return [str(exc)]


def foreign_key_problems(store: Store) -> list[str]:
    try:
        return [
            f"{row[0]} row {row[1]} points to a missing {row[2]}"
            for row in store.conn.execute("PRAGMA foreign_key_check")
        ]
    except sqlite3.Error as exc:
        return [str(exc)]


def fts_problems(store: Store) -> list[str]:
    """Each full-text index checked against its content table; empty when sound."""
    problems = []
    try:
        tables = fts_tables(store)
    except sqlite3.Error as exc:
        return [str(exc)]
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        try:
            store.conn.execute(
                f"INSERT INTO {quoted} ({quoted}, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.Error as exc:
            problems.append(f"{table}: {exc}")
    return problems


def safe_fts_tables(store: Store) -> list[str]:
    try:
        return fts_tables(store)
    except sqlite3.Error:
        return []


def schema_version(store: Store) -> tuple[int, bool]:
    """The schema version and whether the file carries our application id."""
    version = store.conn.execute("PRAGMA user_version").fetchone()[0]
    app_id = store.conn.execute("PRAGMA application_id").fetchone()[0]
    return int(version), app_id == APPLICATION_ID


def journal_size(store: Store) -> tuple[int, int]:
    """How many commands and row changes the change journal holds."""
    try:
        if not journal_active.has_journal(store.conn):
            return 0, 0
        commands = store.conn.execute("SELECT count(*) FROM journal_commands").fetchone()[0]
        changes = store.conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    except sqlite3.Error:
        return -1, -1
    return int(commands), int(changes)


@dataclass
class SyncedFile:
    """A file a sync wrote for the forgotten person, to remove from its vdir."""

    vdir: str
    kind: str
    uid: str
    file_name: str
    content_hash: str


@dataclass
class ForgetScope:
    """What forgetting one contact removes."""

    contact_id: int
    name: str
    solo_conversations: list[int] = field(default_factory=list)
    shared_conversations: int = 0
    promises: int = 0
    ledger: int = 0
    #: Tags no one else has: they go with the contact.
    own_tags: list[int] = field(default_factory=list)
    shared_conversation_ids: list[int] = field(default_factory=list)
    #: Filled by ``delete_contact_for_good``: their files in synced vdirs.
    synced_files: list[SyncedFile] = field(default_factory=list)


def forget_scope(store: Store, contact_id: int) -> ForgetScope | None:
    row = store.conn.execute("SELECT name FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    if row is None:
        return None
    scope = ForgetScope(contact_id, row[0])
    scope.solo_conversations = [
        r[0]
        for r in store.conn.execute(
            "SELECT p.interaction_id FROM interaction_participants p WHERE p.contact_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM interaction_participants q"
            " WHERE q.interaction_id = p.interaction_id AND q.contact_id != p.contact_id)"
            " ORDER BY p.interaction_id",
            (contact_id,),
        )
    ]
    total = store.conn.execute(
        "SELECT count(*) FROM interaction_participants WHERE contact_id = ?", (contact_id,)
    ).fetchone()[0]
    scope.shared_conversations = int(total) - len(scope.solo_conversations)
    # Not their plan steps on a deal with someone else: those move to that person.
    scope.promises = int(
        store.conn.execute(
            "SELECT count(*) FROM promises p WHERE p.contact_id = :id AND NOT EXISTS ("
            " SELECT 1 FROM deal_steps s JOIN deal_people dp ON dp.deal_id = s.deal_id"
            " WHERE s.promise_id = p.id AND dp.contact_id != :id)",
            {"id": contact_id},
        ).fetchone()[0]
    )
    scope.ledger = int(
        store.conn.execute(
            "SELECT count(*) FROM ledger WHERE contact_id = ?", (contact_id,)
        ).fetchone()[0]
    )
    scope.own_tags = [
        r[0]
        for r in store.conn.execute(
            "SELECT ct.tag_id FROM contact_tags ct WHERE ct.contact_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM contact_tags o"
            " WHERE o.tag_id = ct.tag_id AND o.contact_id != ct.contact_id)",
            (contact_id,),
        )
    ]
    solo = set(scope.solo_conversations)
    scope.shared_conversation_ids = [
        r[0]
        for r in store.conn.execute(
            "SELECT interaction_id FROM interaction_participants WHERE contact_id = ?"
            " ORDER BY interaction_id",
            (contact_id,),
        )
        if r[0] not in solo
    ]
    return scope


def _synced_files(store: Store, scope: ForgetScope) -> list[SyncedFile]:
    """The vdir files of the contact, their promises and the conversations only with them."""
    uids: list[tuple[str, str]] = [
        ("contact", r[0])
        for r in store.conn.execute("SELECT uid FROM contacts WHERE id = ?", (scope.contact_id,))
    ]
    uids += [
        ("promise", r[0])
        for r in store.conn.execute(
            "SELECT uid FROM promises WHERE contact_id = ?", (scope.contact_id,)
        )
    ]
    for conversation_id in scope.solo_conversations:
        uids += [
            ("conversation", r[0])
            for r in store.conn.execute(
                "SELECT uid FROM interactions WHERE id = ?", (conversation_id,)
            )
        ]
    files: list[SyncedFile] = []
    for kind, uid in uids:
        files += [
            SyncedFile(r[0], kind, uid, r[1], r[2])
            for r in store.conn.execute(
                "SELECT vdir, file_name, content_hash FROM sync_state WHERE kind = ? AND uid = ?",
                (kind, uid),
            )
        ]
    # A "Reach out to ..." to-do ([sync] reminders) names them too.
    files += [
        SyncedFile(r[0], "reach_out", uid, r[1], r[2])
        for kind, uid in uids
        if kind == "contact"
        for r in store.conn.execute(
            "SELECT vdir, file_name, content_hash FROM sync_reminders"
            " WHERE kind = 'reach_out' AND uid = ? AND file_name != ''",
            (uid,),
        )
    ]
    return files


def _tables_with_contact_id(store: Store) -> list[str]:
    out = []
    for table in journal.JOURNALED_TABLES:
        columns = [row[1] for row in store.conn.execute(f"PRAGMA table_info([{table}])")]
        if "contact_id" in columns:
            out.append(table)
    return out


def delete_contact_for_good(store: Store, scope: ForgetScope, stamp: str) -> int:
    """Inside a write: delete the contact, their own records and their history.

    The deletions are not journaled (a forgotten person must not be restorable
    from the journal), and every earlier journal row about the removed rows is
    purged. Full-text indexes are rebuilt so no deleted term lingers in them.
    Returns how many journal rows were purged.
    """
    journal_active.suspend(store.conn)
    # They leave their deals; the deals stay, and so do the plans: each of their
    # steps moves to the next person on the same deal (a deal with nobody else
    # loses the steps with the person).
    from wintogether.store.deals import move_steps_of_person

    move_steps_of_person(store, scope.contact_id, stamp)
    doomed: set[tuple[str, int]] = {("contacts", scope.contact_id)}
    for table in _tables_with_contact_id(store):
        for (row_id,) in store.conn.execute(
            f"SELECT id FROM [{table}] WHERE contact_id = ?", (scope.contact_id,)
        ):
            doomed.add((table, row_id))
    for conversation_id in scope.solo_conversations:
        doomed.add(("interactions", conversation_id))
        for (row_id,) in store.conn.execute(
            "SELECT id FROM interaction_participants WHERE interaction_id = ?", (conversation_id,)
        ):
            doomed.add(("interaction_participants", row_id))
    for tag_id in scope.own_tags:
        doomed.add(("tags", tag_id))
    # Capture proposals with nobody else (their subjects name the person) go too.
    solo_proposals = [
        r[0]
        for r in store.conn.execute(
            "SELECT p.proposal_id FROM capture_proposal_people p WHERE p.contact_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM capture_proposal_people q"
            " WHERE q.proposal_id = p.proposal_id AND q.contact_id != p.contact_id)",
            (scope.contact_id,),
        )
    ]
    for proposal_id in solo_proposals:
        doomed.add(("capture_proposals", proposal_id))
        store.conn.execute("DELETE FROM capture_proposals WHERE id = ?", (proposal_id,))
    # The copy of the meetings ahead names them by email (the calendar still
    # has them: the next scan copies them back, unmatched).
    from wintogether.store.capture import forget_meetings_with

    forget_meetings_with(
        store,
        [
            r[0]
            for r in store.conn.execute(
                "SELECT email FROM contact_emails WHERE contact_id = ?", (scope.contact_id,)
            )
        ],
    )
    files = _synced_files(store, scope)
    for conversation_id in scope.solo_conversations:
        store.conn.execute("DELETE FROM interactions WHERE id = ?", (conversation_id,))
    # Those who reported to them or were introduced by them lose that link (the
    # delete sets it empty): a new version of each, so that sync sends cards
    # that no longer name the forgotten person.
    store.conn.execute(
        "UPDATE contacts SET updated_at = :stamp WHERE reports_to = :id OR introduced_by = :id",
        {"stamp": stamp, "id": scope.contact_id},
    )
    store.conn.execute("DELETE FROM contacts WHERE id = ?", (scope.contact_id,))
    for tag_id in scope.own_tags:
        store.conn.execute("DELETE FROM tags WHERE id = ?", (tag_id,))
    # Their sync bookkeeping goes too (it holds their uid, and a promise's
    # version holds their name); the files themselves are the caller's.
    store.conn.executemany(
        "DELETE FROM sync_state WHERE vdir = ? AND kind = ? AND uid = ?",
        [(f.vdir, f.kind, f.uid) for f in files],
    )
    # A synced contact's uid is remembered (nothing else about them): a journal
    # entry only with them that another device sends later is then removed from
    # the vdir once, not brought back nor skipped on every sync.
    store.conn.executemany(
        "INSERT OR IGNORE INTO sync_forgotten (uid, forgotten_at) VALUES (?, ?)",
        sorted({(f.uid, stamp) for f in files if f.kind == "contact"}),
    )
    # Other items' merge bases may name them (a shared conversation's people,
    # an introducer): they leave those too.
    for uid in {f.uid for f in files if f.kind == "contact"}:
        _scrub_sync_bases(store, uid)
    store.conn.executemany("DELETE FROM sync_reminders WHERE uid = ?", [(f.uid,) for f in files])
    # Shared conversations changed (they lost a participant): a later sync
    # sends them again, without the uid.
    store.conn.executemany(
        "UPDATE interactions SET updated_at = ? WHERE id = ?",
        [(stamp, conversation_id) for conversation_id in scope.shared_conversation_ids],
    )
    scope.synced_files = files
    purged = 0
    if journal_active.has_journal(store.conn):
        purged = journal.purge_rows(store.conn, doomed, [scope.name])
    for table in fts_tables(store):
        quoted = '"' + table.replace('"', '""') + '"'
        store.conn.execute(f"INSERT INTO {quoted} ({quoted}) VALUES ('rebuild')")
    return purged


def compact(store: Store) -> bool:
    """VACUUM, then checkpoint and truncate the WAL; False if a reader kept it."""
    try:
        store.conn.execute("VACUUM")
        busy = store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.Error as exc:
        raise translate(exc) from exc
    return not busy


def _scrub_sync_bases(store: Store, uid: str) -> None:
    """Remove ``uid`` from the merge bases kept in the sync state (JSON)."""
    import json

    def scrub(text: str | None) -> str | None:
        if text is None:
            return None
        fields = json.loads(text)
        for key, value in fields.items():
            if isinstance(value, list):
                fields[key] = [v for v in value if v != uid]
            elif value == uid:
                fields[key] = None
        return json.dumps(fields, sort_keys=True, ensure_ascii=False)

    like = f"%{uid}%"
    rows = store.conn.execute(
        "SELECT id, base, ours FROM sync_state WHERE base LIKE ? OR ours LIKE ?", (like, like)
    ).fetchall()
    store.conn.executemany(
        "UPDATE sync_state SET base = ?, ours = ? WHERE id = ?",
        [(scrub(row[1]), scrub(row[2]), row[0]) for row in rows],
    )
