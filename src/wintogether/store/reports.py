"""Read-only queries behind health, history, search and the summary.

Every query here is meant to use an index (see docs/winning-together.md for the
query plans measured on a large database); values are always bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import pairwise
from typing import Any

from wintogether.frozen import Frozen
from wintogether.models import Conversation, Promise
from wintogether.store import conversations as conversations_store
from wintogether.store import promises as promises_store
from wintogether.store.common import id_list
from wintogether.store.handle import Store

_ANY_STATUS = "('open', 'done', 'cancelled')"


def promises_due_since(store: Store, start: date, contact_id: int | None = None) -> list[Promise]:
    """Every promise (any status) due on or after ``start``."""
    if contact_id is not None:
        return promises_store.select(
            store,
            "WHERE p.contact_id = ? AND p.due_on >= ? ORDER BY p.due_on, p.id",
            (contact_id, start.isoformat()),
        )
    # Naming every status lets the (status, due_on) index serve a due-date range.
    return promises_store.select(
        store,
        f"WHERE p.status IN {_ANY_STATUS} AND p.due_on >= ? ORDER BY p.due_on, p.id",
        (start.isoformat(),),
    )


def promise_times_touching(
    store: Store, start: str, end: str, due_from: date, due_to: date
) -> list[tuple[int, str, str, str, str | None, str]]:
    """Promises made, settled or due in a period (for the summary), by due day
    and id, each only as (id, owner, status, created_at, done_at, due_on) as
    stored: what counting them reads (:func:`promises_by_id` for the few listed).

    ``start``/``end`` are stored UTC timestamps (end exclusive); ``due_from`` and
    ``due_to`` are inclusive days.
    """
    cursor = store.conn.cursor()
    cursor.row_factory = None  # plain tuples: a month touches hundreds
    rows: list[tuple[int, str, str, str, str | None, str]] = cursor.execute(
        "SELECT p.id, p.owner, p.status, p.created_at, p.done_at, p.due_on FROM promises p"
        " JOIN contacts c ON c.id = p.contact_id"
        f" WHERE p.id IN ({_TOUCHING}) ORDER BY p.due_on, p.id",
        (start, end, start, end, due_from.isoformat(), due_to.isoformat()),
    ).fetchall()
    return rows


_TOUCHING = (
    "SELECT id FROM promises WHERE created_at >= ? AND created_at < ?"
    " UNION SELECT id FROM promises WHERE done_at >= ? AND done_at < ?"
    f" UNION SELECT id FROM promises WHERE status IN {_ANY_STATUS}"
    " AND due_on >= ? AND due_on <= ?"
)


def promises_by_id(store: Store, ids: Sequence[int]) -> dict[int, Promise]:
    """The promises of ``ids``, by id."""
    if not ids:
        return {}
    found = promises_store.select(
        store,
        "WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.id",
        (id_list(ids),),
    )
    return {promise.id: promise for promise in found}


def promises_due_between(store: Store, first: date, last: date) -> list[Promise]:
    """Open promises due between two days, inclusive."""
    return promises_store.select(
        store,
        "WHERE p.status = 'open' AND p.due_on >= ? AND p.due_on <= ? ORDER BY p.due_on, p.id",
        (first.isoformat(), last.isoformat()),
    )


def contact_names(store: Store, ids: Sequence[int]) -> list[tuple[int, str]]:
    """(id, name) of the contacts ``ids``, in no particular order."""
    return [
        (row[0], row[1])
        for row in store.conn.execute(
            "SELECT id, name FROM contacts WHERE id IN (SELECT value FROM json_each(?))",
            (id_list(ids),),
        )
    ]


def promise_keys_due_between(store: Store, first: date, last: date) -> list[tuple[int, str]]:
    """(id, due day as stored) of the open promises :func:`promises_due_between`
    reads, in its order, from the index (and each one's contact: a promise
    whose contact row is gone, as a hand edit can leave one, is not read there
    either)."""
    return [
        (row[0], row[1])
        for row in store.conn.execute(
            "SELECT p.id, p.due_on FROM promises p JOIN contacts c ON c.id = p.contact_id"
            " WHERE p.status = 'open' AND p.due_on >= ? AND p.due_on <= ?"
            " ORDER BY p.due_on, p.id",
            (first.isoformat(), last.isoformat()),
        )
    ]


def promises_done_moments(store: Store, start: str, end: str) -> list[tuple[str, str, str]]:
    """(owner, done_at, due_on) of the promises marked done in [start, end)
    (stored UTC timestamps): what the trends count, without whole promises."""
    # The status is compared once the days asked for are chosen (``+status``):
    # on it, the planner would walk every done promise by (status, due_on).
    cursor = store.conn.cursor()
    cursor.row_factory = None  # plain tuples: twelve weeks hold thousands
    rows: list[tuple[str, str, str]] = cursor.execute(
        "SELECT owner, done_at, due_on FROM promises"
        " WHERE done_at >= ? AND done_at < ? AND +status = 'done'",
        (start, end),
    ).fetchall()
    return rows


def ledger_per_span(store: Store, bounds: Sequence[str]) -> dict[str, list[int]]:
    """Ledger entries given and received in each [bounds[i], bounds[i + 1])
    (stored UTC times), in one query: each span's index range grouped by way."""
    spans = max(len(bounds) - 1, 0)
    counts = {"gave": [0] * spans, "got": [0] * spans}
    if not spans:
        return counts
    # One small grouping per span rather than a CASE over every row's time.
    for span, direction, count in store.conn.execute(
        " UNION ALL ".join(
            f"SELECT {i}, direction, count(*) FROM ledger"
            " WHERE happened_at >= ? AND happened_at < ? GROUP BY direction"
            for i in range(spans)
        ),
        [stamp for pair in pairwise(bounds) for stamp in pair],
    ):
        if span is not None and direction in counts:
            counts[direction][span] += count
    return counts


def ledger_kinds_between(store: Store, start: str, end: str) -> list[tuple[str, str, int]]:
    """(direction, kind, how many) of the ledger entries in [start, end)."""
    return [
        (row[0], row[1], row[2])
        for row in store.conn.execute(
            "SELECT direction, kind, count(*) FROM ledger"
            " WHERE happened_at >= ? AND happened_at < ? GROUP BY 1, 2",
            (start, end),
        )
    ]


def conversations_per_span(store: Store, bounds: Sequence[str]) -> list[int]:
    """How many conversations fall in each [bounds[i], bounds[i + 1]) (stored UTC
    times), in one query: a count over the index range of each."""
    if len(bounds) < 2:
        return []
    # One count per span, each over its own range of the happened_at index: no
    # per-row CASE and no grouping B-tree (a tenth of the time on 14,000 rows).
    spans = list(pairwise(bounds))
    count = "(SELECT count(*) FROM interactions WHERE happened_at >= ? AND happened_at < ?)"
    row = store.conn.execute(
        f"SELECT {', '.join([count] * len(spans))}",
        [stamp for span in spans for stamp in span],
    ).fetchone()
    return [int(n) for n in row]


class ConversationCounts:
    __slots__ = ("by_channel", "people", "people_reached", "total")

    def __init__(
        self,
        total: int,
        by_channel: dict[str, int],
        people: list[tuple[int, str, str | None, int]],  # id, name, company, conversations
        people_reached: int | None = None,
    ) -> None:
        self.total = total
        self.by_channel = by_channel
        self.people = people
        #: How many people took part (``people`` may hold only the first of them).
        self.people_reached = len(people) if people_reached is None else people_reached


def conversation_counts(
    store: Store, start: str, end: str, *, people_limit: int | None = None
) -> ConversationCounts:
    """Conversations in [start, end): totals by channel and the people reached,
    most conversations first (then by name); only the first ``people_limit``
    of them when given (with how many there are in all)."""
    by_channel = {
        row[0]: row[1]
        for row in store.conn.execute(
            "SELECT channel, count(*) FROM interactions"
            " WHERE happened_at >= ? AND happened_at < ? GROUP BY channel ORDER BY channel",
            (start, end),
        )
    }
    if people_limit is not None and people_limit > 0:
        return _top_people(store, start, end, by_channel, people_limit)
    # Who took part, counted from one range of the kept touches by time (one
    # row per participant of each conversation, m017/m020), not by looking up
    # every conversation's participants.
    people = [
        (row[0], row[1], row[2], row[3])
        for row in store.conn.execute(
            "SELECT c.id, c.name, c.company, t.n FROM"
            " (SELECT contact_id, count(*) AS n FROM contact_touches"
            " WHERE happened_at >= ? AND happened_at < ? GROUP BY contact_id) t"
            " JOIN contacts c ON c.id = t.contact_id"
            " ORDER BY t.n DESC, c.name COLLATE NOCASE, c.id",
            (start, end),
        )
    ]
    return ConversationCounts(sum(by_channel.values()), by_channel, people)


def _top_people(
    store: Store, start: str, end: str, by_channel: dict[str, int], limit: int
) -> ConversationCounts:
    """:func:`conversation_counts` with only the first ``limit`` people: only
    those with at least as many conversations as the ``limit``-th busiest are
    looked up for their names (a month's thousands are counted, not read)."""
    rows = store.conn.execute(
        "WITH t AS MATERIALIZED (SELECT contact_id, count(*) AS n FROM contact_touches"
        " WHERE happened_at >= ? AND happened_at < ? GROUP BY contact_id)"
        " SELECT c.id, c.name, c.company, t.n, (SELECT count(*) FROM t)"
        " FROM t JOIN contacts c ON c.id = t.contact_id"
        " WHERE t.n >= coalesce((SELECT n FROM t ORDER BY n DESC LIMIT 1 OFFSET ?), 0)"
        " ORDER BY t.n DESC, c.name COLLATE NOCASE, c.id LIMIT ?",
        (start, end, limit - 1, limit),
    ).fetchall()
    people = [(row[0], row[1], row[2], row[3]) for row in rows]
    return ConversationCounts(
        sum(by_channel.values()), by_channel, people, rows[0][4] if rows else 0
    )


def conversations_between(
    store: Store,
    start: str | None,
    end: str | None,
    *,
    contact_id: int | None = None,
    tag: str | None = None,
    channel: str | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[Conversation]:
    """Conversations in [start, end), oldest first (or the newest first),
    optionally filtered."""
    clause, params = _conversations_where(start, end, contact_id, tag, channel)
    order = "DESC" if newest_first else "ASC"
    params.append(-1 if limit is None else limit)
    return conversations_store.select(
        store, f"{clause} ORDER BY i.happened_at {order}, i.id {order} LIMIT ?", params
    )


def count_conversations_between(
    store: Store,
    start: str | None,
    end: str | None,
    *,
    contact_id: int | None = None,
    tag: str | None = None,
    channel: str | None = None,
) -> int:
    """How many conversations :func:`conversations_between` would give."""
    clause, params = _conversations_where(start, end, contact_id, tag, channel)
    row = store.conn.execute(f"SELECT count(*) FROM interactions i {clause}", params).fetchone()
    return int(row[0])


def _conversations_where(
    start: str | None,
    end: str | None,
    contact_id: int | None,
    tag: str | None,
    channel: str | None,
) -> tuple[str, list[Any]]:
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
        from wintogether.store.contacts import TAG_IDS, tag_params

        # Each conversation of the range checked by its people's tags. Listing
        # every conversation anyone with the tag ever had, the other way round,
        # took 160 ms to count a month of one tag in ten years of notes; 6 ms.
        where.append(
            "EXISTS (SELECT 1 FROM interaction_participants p"
            " JOIN contact_tags ct ON ct.contact_id = p.contact_id"
            f" WHERE p.interaction_id = i.id AND ct.tag_id IN ({TAG_IDS}))"
        )
        params += tag_params(tag)
    return (f"WHERE {' AND '.join(where)}" if where else ""), params


def tagged_contact_ids(store: Store, tag: str) -> set[int]:
    from wintogether.store.contacts import TAGGED_CONTACTS, tag_params

    return {row[0] for row in store.conn.execute(TAGGED_CONTACTS, tag_params(tag))}


def promises_created_between(
    store: Store,
    start: str | None,
    end: str | None,
    *,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[Promise]:
    """Promises made in [start, end), oldest first (or the newest first)."""
    clause, params = _promises_where(start, end)
    order = "DESC" if newest_first else "ASC"
    params.append(-1 if limit is None else limit)
    return promises_store.select(
        store, f"{clause} ORDER BY p.created_at {order}, p.id {order} LIMIT ?", params
    )


def count_promises_created_between(store: Store, start: str | None, end: str | None) -> int:
    clause, params = _promises_where(start, end)
    row = store.conn.execute(
        f"SELECT count(*) FROM promises p JOIN contacts c ON c.id = p.contact_id {clause}", params
    ).fetchone()
    return int(row[0])


def _promises_where(start: str | None, end: str | None) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if start is not None:
        where.append("p.created_at >= ?")
        params.append(start)
    if end is not None:
        where.append("p.created_at < ?")
        params.append(end)
    return (f"WHERE {' AND '.join(where)}" if where else ""), params


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


class SearchHit(Frozen):
    """One match of `wt search`, as the database ranked it. Written out
    (frozen.py): every search makes a screenful."""

    _fields = ("source", "id", "rank", "snippet", "at", "contact_id", "contact_name")
    source: str  # "contact" | "conversation" | "promise" | "ledger" | "win" | "deal"
    id: int
    rank: float
    snippet: str
    at: str | None
    contact_id: int | None
    contact_name: str | None

    def __init__(
        self,
        source: str,
        id: int,
        rank: float,
        snippet: str,
        at: str | None,
        contact_id: int | None,
        contact_name: str | None,
    ) -> None:
        self._set(
            source=source,
            id=id,
            rank=rank,
            snippet=snippet,
            at=at,
            contact_id=contact_id,
            contact_name=contact_name,
        )


#: For each source: its FTS table, the matched row's time, first contact's id
#: and name, and the rows they are read from by its primary key ``m.rowid``
#: (the first contact: the lowest link id, as people were added).
_SOURCES: dict[str, tuple[str, tuple[str, str, str], str]] = {
    "contact": (
        "contacts_fts",
        ("c.created_at", "c.id", "c.name"),
        "contacts c WHERE c.id = m.rowid",
    ),
    "conversation": (
        "interactions_fts",
        ("i.happened_at", "c.id", "c.name"),
        "interactions i"
        " LEFT JOIN interaction_participants p ON p.interaction_id = i.id"
        " LEFT JOIN contacts c ON c.id = p.contact_id WHERE i.id = m.rowid"
        " ORDER BY p.id LIMIT 1",
    ),
    "promise": (
        "promises_fts",
        ("p.created_at", "c.id", "c.name"),
        "promises p JOIN contacts c ON c.id = p.contact_id WHERE p.id = m.rowid",
    ),
    "ledger": (
        "ledger_fts",
        ("l.happened_at", "c.id", "c.name"),
        "ledger l JOIN contacts c ON c.id = l.contact_id WHERE l.id = m.rowid",
    ),
    "win": (
        "wins_fts",
        ("w.happened_at", "c.id", "c.name"),
        "wins w JOIN contacts c ON c.id = w.contact_id WHERE w.id = m.rowid",
    ),
    "deal": (
        "deals_fts",
        ("d.created_at", "c.id", "c.name"),
        "deals d"
        " LEFT JOIN deal_people p ON p.deal_id = d.id"
        " LEFT JOIN contacts c ON c.id = p.contact_id WHERE d.id = m.rowid"
        " ORDER BY p.id LIMIT 1",
    ),
}


def search_sql(source: str, *, newest: bool = False) -> str:
    """The query for one source. FTS5 picks its best rows first (``ORDER BY
    rank`` with ``LIMIT`` inside the subquery, so only those rows get a snippet),
    then each row is named by primary key: its time, first contact and name,
    one scalar read each. ``newest``: only rows from a given rowid up (the
    candidates) are ranked."""
    table, columns, rows = _SOURCES[source]
    snippet = f"snippet({table}, -1, '{MARK_START}', '{MARK_END}', '…', 12)"
    since = " AND rowid >= ?" if newest else ""
    described = ", ".join(f"(SELECT {column} FROM {rows})" for column in columns)
    return (
        f"SELECT m.rowid, m.rank, m.snip, {described} FROM ("
        f"SELECT rowid, rank, {snippet} AS snip FROM {table}"
        f" WHERE {table} MATCH ?{since} ORDER BY rank LIMIT ?) AS m"
    )


def newest_candidate_sql(source: str) -> str:
    """The rowid of the Nth most recently added match (``OFFSET N - 1``): FTS5
    walks its doclist backwards and stops, without ranking anything."""
    table = _SOURCES[source][0]
    return f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?"


SEARCH_SOURCES = ("contact", "conversation", "promise", "ledger", "win", "deal")


def search(
    store: Store,
    match: str,
    limit: int,
    sources: Sequence[str] = SEARCH_SOURCES,
    *,
    candidates: int | None = None,
) -> list[SearchHit]:
    """The best ``limit`` hits from each source for an already-quoted FTS5 query.

    Each source's best rows come from FTS5's own ``ORDER BY rank`` (bm25).
    With ``candidates``, a source with more matches than that ranks only its
    ``candidates`` most recently added ones: bm25 costs a read of every ranked
    row's text, 0.4 s for a word in 120,000 notes, and a few milliseconds for
    2,000. Scores keep the whole table's statistics, so they compare as before.
    """
    hits: list[SearchHit] = []
    for source in sources:
        params: tuple[object, ...] = (match, limit)
        newest = False
        if candidates is not None:
            floor = store.conn.execute(
                newest_candidate_sql(source), (match, max(candidates, limit) - 1)
            ).fetchone()
            if floor is not None:
                newest = True
                params = (match, floor[0], limit)
        for row in store.conn.execute(search_sql(source, newest=newest), params):
            hits.append(SearchHit(source, row[0], row[1], row[2], row[3], row[4], row[5]))
    return hits
