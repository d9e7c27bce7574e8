"""What `wt dupes` compares: every contact's name, company, emails and LinkedIn links.

Only those fields, as plain tuples: loading whole contact records (phones,
tags, extras, notes) for 10,000 contacts cost more than finding the pairs.
"""

from __future__ import annotations

from wintogether.store.handle import Store

#: SQLite's NOCASE folds ASCII letters only; so does this table.
_NOCASE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def dupe_fields(
    store: Store,
) -> tuple[list[tuple[int, str, str | None]], list[tuple[int, str]], list[tuple[int, str]]]:
    """Every contact (archived too) as ``(id, name, company)`` in the contacts
    list's order (name without case, then id); every email as ``(contact_id,
    email)``, each contact's in its own order; every LinkedIn link as
    ``(contact_id, url)`` in the order they were added."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    # Sorted here: SQLite's ORDER BY name COLLATE NOCASE walks the name index
    # and looks every row up, three times the cost of reading the table.
    contacts: list[tuple[int, str, str | None]] = cursor.execute(
        "SELECT id, name, company FROM contacts"
    ).fetchall()
    contacts.sort(key=lambda row: (row[1].translate(_NOCASE), row[0]))
    emails: list[tuple[int, str]] = cursor.execute(
        "SELECT contact_id, email FROM contact_emails ORDER BY contact_id, position, id"
    ).fetchall()
    urls: list[tuple[int, str]] = cursor.execute(
        "SELECT contact_id, url FROM contact_urls WHERE kind = 'linkedin' ORDER BY id"
    ).fetchall()
    return contacts, emails, urls
