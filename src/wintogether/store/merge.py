"""Merging two contacts: moving everything of one onto the other.

Runs inside the caller's ``Store.write()``; the domain decides which fields win.
"""

from __future__ import annotations

from wintogether.store import contacts as contacts_store
from wintogether.store.common import new_uid
from wintogether.store.handle import Store


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
    # Their people changed: a new version of each, for sync to send (the file
    # names its people by uid, and OTHER's uid is gone).
    conn.executemany(
        "UPDATE interactions SET updated_at = ? WHERE id = ?", [(stamp, row[0]) for row in rows]
    )
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
            contacts_store.add_emails(store, keep, new, stamp)
        else:
            contacts_store.add_phones(store, keep, new, stamp)
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
    # OTHER's place on each deal is KEEP's (where KEEP is not on it already).
    moved["deals"] = conn.execute(
        "UPDATE OR IGNORE deal_people SET contact_id = ?, updated_at = ? WHERE contact_id = ?",
        (keep, stamp, other),
    ).rowcount
    # People OTHER introduced, or who reported to OTHER, name KEEP now: a new
    # version of each (their card names the person by uid), as of KEEP, whose
    # card says whom it merged (the other devices a sync reaches merge too).
    conn.execute(
        "UPDATE contacts SET introduced_by = ?, updated_at = ? WHERE introduced_by = ? AND id != ?",
        (keep, stamp, other, keep),
    )
    conn.execute(
        "UPDATE contacts SET reports_to = ?, updated_at = ? WHERE reports_to = ? AND id != ?",
        (keep, stamp, other, keep),
    )
    conn.execute("UPDATE contacts SET updated_at = ? WHERE id = ?", (stamp, keep))
    # Two merged each way round (on two devices): KEEP is not merged into itself.
    conn.execute(
        "DELETE FROM contact_extras WHERE contact_id = ? AND key = 'MERGED-UID'"
        " AND value = (SELECT uid FROM contacts WHERE id = ?)",
        (keep, keep),
    )
    conn.execute("DELETE FROM contacts WHERE id = ?", (other,))
    return moved


def counts_for(store: Store, contact_id: int, keep: int) -> dict[str, int]:
    """What moves from ``contact_id`` in a merge into ``keep`` (a deal both are
    on keeps ``keep``'s place: not counted)."""
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
    out["deals"] = int(
        store.conn.execute(
            "SELECT count(*) FROM deal_people d WHERE d.contact_id = ? AND NOT EXISTS ("
            " SELECT 1 FROM deal_people k WHERE k.deal_id = d.deal_id AND k.contact_id = ?)",
            (contact_id, keep),
        ).fetchone()[0]
    )
    return out
