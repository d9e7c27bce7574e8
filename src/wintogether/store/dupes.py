"""What `wt dupes` compares: every contact's name and company, and the emails
and LinkedIn links that more than one contact could share.

Only those fields, as plain tuples: loading whole contact records (phones,
tags, extras, notes) for 10,000 contacts cost more than finding the pairs.
"""

from __future__ import annotations

from wintogether.store.handle import Store

#: SQLite's NOCASE folds ASCII letters only; so does this table.
_NOCASE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

#: Emails that another email equals without case (SQLite's NOCASE: ASCII
#: letters), and every email with a character beyond ASCII (whose case Python
#: folds, not SQLite: more bytes than characters), each contact's in its own
#: order. ASCII controls fold alike in both, so they need no second look.
#: Two queries joined: the first through the email index alone, the second a
#: scan without a list lookup per row (one condition with OR scanned every row
#: for both: 4.4 against 3.6 ms on 10,534 emails).
_SHARED_EMAILS = """
SELECT contact_id, email FROM (
    SELECT contact_id, email, position, id FROM contact_emails
    WHERE email COLLATE NOCASE IN (
        SELECT email FROM contact_emails GROUP BY email COLLATE NOCASE HAVING count(*) > 1
    )
    UNION
    SELECT contact_id, email, position, id FROM contact_emails
    WHERE length(CAST(email AS BLOB)) != length(email)
)
ORDER BY contact_id, position, id
"""


def contacts_order(name: str, cid: int) -> tuple[str, int]:
    """A contact's place in the contacts list: ``ORDER BY name COLLATE NOCASE``,
    then id (the order of the name index)."""
    return name.translate(_NOCASE), cid


def dupe_fields(
    store: Store,
) -> tuple[list[tuple[int, str, str | None]], list[tuple[int, str]], list[tuple[int, str]]]:
    """Every contact (archived too) as ``(id, name, company)``; as ``(contact_id,
    email)``, every email that could be shared, equal to another one without
    case (each contact's in its own order; others are left out); every
    LinkedIn link as ``(contact_id, url)`` in the order they were added."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    contacts: list[tuple[int, str, str | None]] = cursor.execute(
        "SELECT id, name, company FROM contacts"
    ).fetchall()
    emails: list[tuple[int, str]] = cursor.execute(_SHARED_EMAILS).fetchall()
    # An email beyond ASCII can fold to one within it ("ß" to "ss"): those too.
    folded = {email.casefold() for _, email in emails if not email.isascii()}
    wanted = sorted(f for f in folded if f.isascii())
    if wanted:
        have = set(emails)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" for _ in chunk)
            have.update(
                cursor.execute(
                    "SELECT contact_id, email FROM contact_emails"
                    f" WHERE email COLLATE NOCASE IN ({marks})",
                    chunk,
                )
            )
        emails = cursor.execute(
            "SELECT contact_id, email FROM contact_emails ORDER BY contact_id, position, id"
        ).fetchall()
        emails = [row for row in emails if row in have]
    urls: list[tuple[int, str]] = cursor.execute(
        "SELECT contact_id, url FROM contact_urls WHERE kind = 'linkedin' ORDER BY id"
    ).fetchall()
    return contacts, emails, urls
