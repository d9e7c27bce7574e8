"""Reads behind introductions and the referral tree: who introduced whom, the
intros received in the ledger, and what each introduced relationship led to."""

from __future__ import annotations

from wintogether.models import ContactRef, LedgerEntry
from wintogether.records import dataclass
from wintogether.store import ledger as ledger_store
from wintogether.store.handle import Store


@dataclass(frozen=True)
class IntroLink:
    """A contact, and who introduced you to them (None: nobody known)."""

    contact_id: int
    ref: ContactRef
    introducer_id: int | None
    introducer: ContactRef | None
    met_on: str | None
    created_at: str


def introducer_of(store: Store, contact_id: int) -> tuple[ContactRef, str | None, str] | None:
    """Who introduced you to this contact, with the contact's met_on and created_at."""
    row = store.conn.execute(
        "SELECT i.id, i.name, i.company, c.met_on, c.created_at FROM contacts c"
        " JOIN contacts i ON i.id = c.introduced_by WHERE c.id = ?",
        (contact_id,),
    ).fetchone()
    if row is None:
        return None
    return ContactRef(row[0], row[1], row[2]), row[3], row[4]


def intro_links(store: Store) -> list[IntroLink]:
    """Every introduced contact and every introducer (the latter with no introducer
    of their own unless they have one), archived ones included."""
    out = []
    for row in store.conn.execute(
        "SELECT c.id, c.name, c.company, c.introduced_by, i.name, i.company, c.met_on,"
        " c.created_at FROM contacts c LEFT JOIN contacts i ON i.id = c.introduced_by"
        " WHERE c.introduced_by IS NOT NULL"
        " OR c.id IN (SELECT introduced_by FROM contacts WHERE introduced_by IS NOT NULL)"
        " ORDER BY c.name COLLATE NOCASE, c.id"
    ):
        introducer = ContactRef(row[3], row[4], row[5]) if row[3] is not None else None
        out.append(
            IntroLink(
                row[0], ContactRef(row[0], row[1], row[2]), row[3], introducer, row[6], row[7]
            )
        )
    return out


def intros_received(store: Store) -> list[LedgerEntry]:
    """Ledger intros someone gave you to another contact (``got ... --to``), oldest first."""
    return ledger_store.intros_received(store)


@dataclass(frozen=True)
class Outcome:
    """What a relationship led to since it began: conversations and wins."""

    conversations: int = 0
    wins: int = 0
    last_win: str | None = None


def outcomes(store: Store, since: dict[int, str | None]) -> dict[int, Outcome]:
    """Per contact, conversations and wins since its moment (everything for None)."""
    if not since:
        return {}
    import json  # here: `wt show` imports this module, and needs no JSON

    pairs = json.dumps([[cid, start or ""] for cid, start in since.items()])
    talks = {
        row[0]: int(row[1])
        for row in store.conn.execute(
            "WITH s(cid, start) AS (SELECT value ->> 0, value ->> 1 FROM json_each(?))"
            " SELECT p.contact_id, count(*) FROM s JOIN interaction_participants p"
            " ON p.contact_id = s.cid JOIN interactions i ON i.id = p.interaction_id"
            " WHERE i.happened_at >= s.start GROUP BY p.contact_id",
            (pairs,),
        )
    }
    wins = {
        row[0]: (int(row[1]), row[2])
        for row in store.conn.execute(
            "WITH s(cid, start) AS (SELECT value ->> 0, value ->> 1 FROM json_each(?))"
            " SELECT w.contact_id, count(*), max(w.happened_at) FROM s JOIN wins w"
            " ON w.contact_id = s.cid WHERE w.happened_at >= s.start GROUP BY w.contact_id",
            (pairs,),
        )
    }
    return {
        cid: Outcome(talks.get(cid, 0), *wins.get(cid, (0, None)))
        for cid in since
        if cid in talks or cid in wins
    }


def thank_you_texts(store: Store) -> set[tuple[int, str]]:
    """Promises that thank someone (any status): whom, and the text case-folded."""
    return {
        (row[0], row[1].casefold())
        for row in store.conn.execute(
            "SELECT contact_id, text FROM promises WHERE text LIKE 'Thank %'"
        )
    }
