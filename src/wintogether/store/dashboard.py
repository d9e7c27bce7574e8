"""What `wt today` and the summary read of the contacts themselves: whether
anyone is there, and whose birthday falls on a few days. Apart from
store/contacts.py so that neither imports the whole contact store."""

from __future__ import annotations

from wintogether.models import ContactRef
from wintogether.store.common import text_list
from wintogether.store.handle import Store


def has_contacts(store: Store) -> bool:
    return store.conn.execute("SELECT 1 FROM contacts LIMIT 1").fetchone() is not None


def birthday_people(store: Store, days: list[str]) -> list[tuple[ContactRef, str | None]]:
    """Active contacts whose birthday falls on one of the "MM-DD" ``days``:
    (contact, stored birthday), in the order store/contacts.py ``standings``
    gives them, without what the neglect rule needs (tags, times)."""
    return [
        (ContactRef(row[0], row[1], row[2]), row[6])
        for row in store.conn.execute(
            "SELECT id, name, company, cadence_days, last_touch_at, created_at, birthday"
            " FROM contacts c WHERE archived_at IS NULL"
            " AND substr(birthday, -5) IN (SELECT value FROM json_each(?))",
            (text_list(days),),
        )
    ]
