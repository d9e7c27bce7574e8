"""What an import needs besides records: the keys contacts are matched by, its log.

Write functions run inside the caller's ``Store.write()`` transaction and never
commit; records are written back by records.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from wintogether.store.common import new_uid
from wintogether.store.handle import Store


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


def record_import(
    store: Store, fmt: str, file_name: str, counts: tuple[int, int, int], stamp: str
) -> None:
    store.conn.execute(
        "INSERT INTO imports (uid, format, file_name, added, updated, skipped, imported_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (new_uid(), fmt, file_name, *counts, stamp, stamp),
    )
