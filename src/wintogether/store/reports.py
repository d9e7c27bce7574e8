"""Read-only queries behind health, history, search and the summary.

Every query here is meant to use an index (see docs/winning-together.md for the
query plans measured on a large database); values are always bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from wintogether.models import Conversation, Promise
from wintogether.store.queries import Store


def promises_due_since(store: Store, start: date, contact_id: int | None = None) -> list[Promise]:
    """Every promise (any status) due on or after ``start``."""
    if contact_id is not None:
        return store._promises(
            "WHERE p.contact_id = ? AND p.due_on >= ? ORDER BY p.due_on, p.id",
            (contact_id, start.isoformat()),
        )
    return store._promises("WHERE p.due_on >= ? ORDER BY p.due_on, p.id", (start.isoformat(),))


def promises_touching(
    store: Store, start: str, end: str, due_from: date, due_to: date
) -> list[Promise]:
    """Promises made, settled or due in a period (for the summary).

    ``start``/``end`` are stored UTC timestamps (end exclusive); ``due_from`` and
    ``due_to`` are inclusive days.
    """
    return store._promises(
        "WHERE p.id IN ("
        " SELECT id FROM promises WHERE created_at >= ? AND created_at < ?"
        " UNION SELECT id FROM promises WHERE done_at >= ? AND done_at < ?"
        " UNION SELECT id FROM promises WHERE due_on >= ? AND due_on <= ?"
        ") ORDER BY p.due_on, p.id",
        (start, end, start, end, due_from.isoformat(), due_to.isoformat()),
    )


def promises_due_between(store: Store, first: date, last: date) -> list[Promise]:
    """Open promises due between two days, inclusive."""
    return store._promises(
        "WHERE p.status = 'open' AND p.due_on >= ? AND p.due_on <= ? ORDER BY p.due_on, p.id",
        (first.isoformat(), last.isoformat()),
    )


@dataclass(frozen=True)
class ConversationCounts:
    total: int
    by_channel: dict[str, int]
    people: list[tuple[int, str, str | None, int]]  # id, name, company, conversations


def conversation_counts(store: Store, start: str, end: str) -> ConversationCounts:
    """Conversations in [start, end): totals by channel and the people reached."""
    by_channel = {
        row[0]: row[1]
        for row in store.conn.execute(
            "SELECT channel, count(*) FROM interactions"
            " WHERE happened_at >= ? AND happened_at < ? GROUP BY channel ORDER BY channel",
            (start, end),
        )
    }
    people = [
        (row[0], row[1], row[2], row[3])
        for row in store.conn.execute(
            "SELECT c.id, c.name, c.company, count(*) AS n FROM interactions i"
            " JOIN interaction_participants p ON p.interaction_id = i.id"
            " JOIN contacts c ON c.id = p.contact_id"
            " WHERE i.happened_at >= ? AND i.happened_at < ?"
            " GROUP BY c.id ORDER BY n DESC, c.name COLLATE NOCASE",
            (start, end),
        )
    ]
    return ConversationCounts(sum(by_channel.values()), by_channel, people)


def conversations_between(
    store: Store,
    start: str | None,
    end: str | None,
    *,
    contact_id: int | None = None,
    tag: str | None = None,
    channel: str | None = None,
    limit: int | None = None,
) -> list[Conversation]:
    """Conversations in [start, end), oldest first, optionally filtered."""
    where: list[str] = []
    params: list[Any] = []
    if start is not None:
        where.append("i.happened_at >= ?")
        params.append(start)
    if end is not None:
        where.append("i.happened_at < ?")
        params.append(end)
    if channel is not None:
        where.append("i.channel = ?")
        params.append(channel)
    if contact_id is not None:
        where.append(
            "i.id IN (SELECT interaction_id FROM interaction_participants WHERE contact_id = ?)"
        )
        params.append(contact_id)
    if tag is not None:
        where.append(
            "i.id IN (SELECT p.interaction_id FROM interaction_participants p"
            f" WHERE p.contact_id IN ({_TAGGED}))"
        )
        params += _tag_params(tag)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    params.append(-1 if limit is None else limit)
    return store._conversations(f"{clause} ORDER BY i.happened_at, i.id LIMIT ?", params)


_TAGGED = (
    "SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
    " WHERE t.name = ? OR t.name LIKE ? ESCAPE '\\'"
)


def _tag_params(tag: str) -> list[str]:
    return [tag, tag.replace("%", "\\%").replace("_", "\\_") + "/%"]


def tagged_contact_ids(store: Store, tag: str) -> set[int]:
    return {row[0] for row in store.conn.execute(_TAGGED, _tag_params(tag))}


def promises_created_between(store: Store, start: str | None, end: str | None) -> list[Promise]:
    where: list[str] = []
    params: list[Any] = []
    if start is not None:
        where.append("p.created_at >= ?")
        params.append(start)
    if end is not None:
        where.append("p.created_at < ?")
        params.append(end)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return store._promises(f"{clause} ORDER BY p.created_at, p.id", params)


def new_contacts(store: Store, start: str, end: str) -> list[tuple[int, str, str | None]]:
    return [
        (row[0], row[1], row[2])
        for row in store.conn.execute(
            "SELECT id, name, company FROM contacts WHERE created_at >= ? AND created_at < ?"
            " ORDER BY created_at, id",
            (start, end),
        )
    ]


# -- full-text search --------------------------------------------------------

#: Private-use characters mark the matched words in snippets; they cannot be
#: typed by accident and are split out before anything is rendered.
MARK_START = "\ue000"
MARK_END = "\ue001"


@dataclass(frozen=True)
class SearchHit:
    source: str  # "contact" | "conversation" | "promise" | "ledger" | "win"
    id: int
    rank: float
    snippet: str
    at: str | None
    contact_id: int | None
    contact_name: str | None


def _search_sql(source: str) -> str:
    s, e = MARK_START, MARK_END
    snip = f"snippet({{t}}, -1, '{s}', '{e}', '…', 12)"
    if source == "contact":
        return (
            f"SELECT 'contact', c.id, bm25(contacts_fts), {snip.format(t='contacts_fts')},"
            " c.created_at, c.id, c.name FROM contacts_fts"
            " JOIN contacts c ON c.rowid = contacts_fts.rowid WHERE contacts_fts MATCH ?"
        )
    if source == "conversation":
        return (
            f"SELECT 'conversation', i.id, bm25(interactions_fts),"
            f" {snip.format(t='interactions_fts')}, i.happened_at,"
            " (SELECT p.contact_id FROM interaction_participants p"
            "  WHERE p.interaction_id = i.id ORDER BY p.id LIMIT 1),"
            " (SELECT c.name FROM interaction_participants p JOIN contacts c"
            "  ON c.id = p.contact_id WHERE p.interaction_id = i.id ORDER BY p.id LIMIT 1)"
            " FROM interactions_fts JOIN interactions i ON i.rowid = interactions_fts.rowid"
            " WHERE interactions_fts MATCH ?"
        )
    if source == "promise":
        return (
            f"SELECT 'promise', p.id, bm25(promises_fts), {snip.format(t='promises_fts')},"
            " p.created_at, c.id, c.name FROM promises_fts"
            " JOIN promises p ON p.rowid = promises_fts.rowid"
            " JOIN contacts c ON c.id = p.contact_id WHERE promises_fts MATCH ?"
        )
    if source == "ledger":
        return (
            f"SELECT 'ledger', l.id, bm25(ledger_fts), {snip.format(t='ledger_fts')},"
            " l.happened_at, c.id, c.name FROM ledger_fts"
            " JOIN ledger l ON l.rowid = ledger_fts.rowid"
            " JOIN contacts c ON c.id = l.contact_id WHERE ledger_fts MATCH ?"
        )
    return (
        f"SELECT 'win', w.id, bm25(wins_fts), {snip.format(t='wins_fts')},"
        " w.happened_at, c.id, c.name FROM wins_fts"
        " JOIN wins w ON w.rowid = wins_fts.rowid"
        " JOIN contacts c ON c.id = w.contact_id WHERE wins_fts MATCH ?"
    )


SEARCH_SOURCES = ("contact", "conversation", "promise", "ledger", "win")


def search(
    store: Store, match: str, limit: int, sources: Sequence[str] = SEARCH_SOURCES
) -> list[SearchHit]:
    """The best ``limit`` hits from each source for an already-quoted FTS5 query.

    Each source's best rows come from FTS5's own ``ORDER BY rank`` (bm25), so a
    common word in half a million notes still returns quickly.
    """
    hits: list[SearchHit] = []
    for source in sources:
        sql = f"{_search_sql(source)} ORDER BY rank LIMIT ?"
        for row in store.conn.execute(sql, (match, limit)):
            hits.append(SearchHit(row[0], row[1], row[2], row[3], row[4], row[5], row[6]))
    return hits
