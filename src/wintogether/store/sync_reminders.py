"""Queries for the phone reminders of `wt sync` (``[sync] reminders``).

Table ``sync_reminders`` (migration m011) remembers, per vdir, the alarm each
synced promise's file carries and the "Reach out" to-dos written for slipping
relationships. Bookkeeping, not data: never journaled. Writes run inside the
caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from wintogether.records import dataclass
from wintogether.store.handle import Store


@dataclass
class Remembered:
    uid: str
    file_name: str
    content_hash: str
    file_size: int
    file_mtime_ns: int
    value: str


@dataclass
class SyncedPromise:
    """A promise's file as the sync state knows it, and what the alarm needs."""

    uid: str
    file_name: str
    content_hash: str
    status: str
    due_on: str


def load(store: Store, vdir: str, kind: str) -> dict[str, Remembered]:
    return {
        row[0]: Remembered(*row)
        for row in store.conn.execute(
            "SELECT uid, file_name, content_hash, file_size, file_mtime_ns, value"
            " FROM sync_reminders WHERE vdir = ? AND kind = ?",
            (vdir, kind),
        )
    }


def save(store: Store, vdir: str, kind: str, rows: Sequence[Remembered], stamp: str) -> None:
    store.conn.executemany(
        "INSERT INTO sync_reminders (vdir, kind, uid, file_name, content_hash, file_size,"
        " file_mtime_ns, value, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (vdir, kind, uid) DO UPDATE SET file_name = excluded.file_name,"
        " content_hash = excluded.content_hash, file_size = excluded.file_size,"
        " file_mtime_ns = excluded.file_mtime_ns, value = excluded.value,"
        " synced_at = excluded.synced_at",
        [
            (
                vdir,
                kind,
                r.uid,
                r.file_name,
                r.content_hash,
                r.file_size,
                r.file_mtime_ns,
                r.value,
                stamp,
            )
            for r in rows
        ],
    )


def drop(store: Store, vdir: str, kind: str, uids: Sequence[str]) -> None:
    store.conn.executemany(
        "DELETE FROM sync_reminders WHERE vdir = ? AND kind = ? AND uid = ?",
        [(vdir, kind, uid) for uid in uids],
    )


def synced_promises(store: Store, vdir: str) -> list[SyncedPromise]:
    """Every promise with a file in ``vdir``'s promises/ folder, with its status and due day."""
    return [
        SyncedPromise(*row)
        for row in store.conn.execute(
            "SELECT s.uid, s.file_name, s.content_hash, p.status, p.due_on"
            " FROM sync_state s JOIN promises p ON p.uid = s.uid"
            " WHERE s.vdir = ? AND s.kind = 'promise' AND s.file_name != ''",
            (vdir,),
        )
    ]


def update_synced_file(
    store: Store, vdir: str, uid: str, content_hash: str, size: int, mtime_ns: int
) -> None:
    """A promise's file rewritten with its alarm: the sync state follows, so the next
    sync sees the file as unchanged (its data did not change)."""
    store.conn.execute(
        "UPDATE sync_state SET content_hash = ?, file_size = ?, file_mtime_ns = ?"
        " WHERE vdir = ? AND kind = 'promise' AND uid = ?",
        (content_hash, size, mtime_ns, vdir, uid),
    )


def contact_ids(store: Store, uids: Sequence[str]) -> dict[str, tuple[int, str]]:
    """contact uid -> (id, name), for the uids that still exist."""
    out: dict[str, tuple[int, str]] = {}
    for uid in uids:
        row = store.conn.execute("SELECT id, name FROM contacts WHERE uid = ?", (uid,)).fetchone()
        if row is not None:
            out[uid] = (int(row[0]), str(row[1]))
    return out


def contact_uids(store: Store, ids: Sequence[int]) -> dict[int, str]:
    """contact id -> uid."""
    import json

    return {
        int(row[0]): str(row[1])
        for row in store.conn.execute(
            "SELECT id, uid FROM contacts WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        )
    }
