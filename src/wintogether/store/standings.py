"""Per-contact standings: figures kept current by triggers, read instead of history.

Migration m013 made two tables and the triggers that keep them (store/migrations.py):

* ``standings``: one row per contact: open promises both ways (how many, the
  earliest due day); the latest ledger entry (when, which way), the latest
  entry the other way (the "turn": when, id) and when the latest run of
  entries in one direction began (``one_way_since``), all in (happened_at, id)
  order, as the balance reads entries;
* ``standing_months``: value given and received per contact and UTC month.

Nothing here depends on the clock: a 12-month window is computed in the
query, from the whole months inside it (``standing_months``) and the ledger
rows of the two partial months at its ends. The triggers run in the
transaction of the write that changes the base rows, so whatever writes
(`wt log`, `gave`, `done`, `edit`, `merge`, `undo`, `import`, `sync`,
`forget`) keeps them current. `wt doctor` compares them with
:func:`problems`; `wt doctor --fix` runs :func:`rebuild`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from wintogether.frozen import Frozen
from wintogether.models import ContactRef
from wintogether.store.common import id_list
from wintogether.store.handle import Store

#: ``fresh`` and ``fresh_months``: every standing recomputed from the base tables.
_RECOMPUTED = """
    WITH base AS (
        SELECT c.id AS contact_id,
            (SELECT count(*) FROM promises
                WHERE contact_id = c.id AND owner = 'me' AND status = 'open') AS my_open,
            (SELECT min(due_on) FROM promises
                WHERE contact_id = c.id AND owner = 'me' AND status = 'open') AS my_first_due,
            (SELECT count(*) FROM promises
                WHERE contact_id = c.id AND owner = 'them' AND status = 'open') AS their_open,
            (SELECT min(due_on) FROM promises
                WHERE contact_id = c.id AND owner = 'them' AND status = 'open')
                AS their_first_due,
            (SELECT happened_at FROM ledger WHERE contact_id = c.id
                ORDER BY happened_at DESC, id DESC LIMIT 1) AS last_at,
            (SELECT direction FROM ledger WHERE contact_id = c.id
                ORDER BY happened_at DESC, id DESC LIMIT 1) AS last_direction
        FROM contacts c
    ),
    turned AS (
        SELECT b.*,
            (SELECT happened_at FROM ledger WHERE contact_id = b.contact_id
                AND direction != b.last_direction
                ORDER BY happened_at DESC, id DESC LIMIT 1) AS turn_at,
            (SELECT id FROM ledger WHERE contact_id = b.contact_id
                AND direction != b.last_direction
                ORDER BY happened_at DESC, id DESC LIMIT 1) AS turn_id
        FROM base b
    ),
    fresh AS (
        SELECT t.contact_id, t.my_open, t.my_first_due, t.their_open, t.their_first_due,
            t.last_at, t.last_direction, t.turn_at, t.turn_id,
            (SELECT min(l.happened_at) FROM ledger l WHERE l.contact_id = t.contact_id
                AND (t.turn_id IS NULL OR (l.happened_at, l.id) > (t.turn_at, t.turn_id)))
                AS one_way_since
        FROM turned t
    ),
    fresh_months AS (
        SELECT contact_id, substr(happened_at, 1, 7) AS month, sum(direction = 'gave') AS given,
            sum(direction = 'got') AS received
        FROM ledger WHERE contact_id IN (SELECT id FROM contacts) GROUP BY 1, 2
    )
"""

_COLUMNS = (
    "contact_id, my_open, my_first_due, their_open, their_first_due, ledger_last_at,"
    " ledger_last_direction, ledger_turn_at, ledger_turn_id, one_way_since"
)


def rebuild(store: Store) -> None:
    """Inside a write: recompute every standing from the base tables."""
    rebuild_on(store.conn)


def rebuild_on(conn: sqlite3.Connection) -> None:
    """:func:`rebuild` on a bare connection (the benchmark generator's bulk load)."""
    conn.execute("DELETE FROM standings")
    conn.execute("DELETE FROM standing_months")
    conn.execute(f"INSERT INTO standings ({_COLUMNS}) {_RECOMPUTED} SELECT * FROM fresh")
    conn.execute(
        "INSERT INTO standing_months (contact_id, month, given, received)"
        f" {_RECOMPUTED} SELECT * FROM fresh_months"
    )


def problems(store: Store) -> list[str]:
    """How the kept standings differ from a recomputation; empty when they agree."""
    months = "SELECT contact_id, month, given, received FROM standing_months"
    try:
        wrong, wrong_months = store.conn.execute(
            f"""{_RECOMPUTED}
            SELECT (SELECT count(DISTINCT contact_id) FROM (
                SELECT contact_id FROM (SELECT * FROM fresh EXCEPT SELECT {_COLUMNS} FROM standings)
                UNION ALL
                SELECT contact_id FROM (SELECT {_COLUMNS} FROM standings EXCEPT SELECT * FROM fresh)
            )), (SELECT count(DISTINCT contact_id) FROM (
                SELECT contact_id FROM (SELECT * FROM fresh_months EXCEPT {months})
                UNION ALL
                SELECT contact_id FROM ({months} EXCEPT SELECT * FROM fresh_months)
            ))"""
        ).fetchone()
    except sqlite3.Error as exc:
        return [f"standings: {exc}"]
    out = []
    if wrong:
        out.append(
            f"The kept standings of {wrong} contact{'s' if wrong != 1 else ''}"
            " (open promises, latest ledger run) differ from their history."
        )
    if wrong_months:
        out.append(
            f"The kept monthly given/received figures of {wrong_months} contact"
            f"{'s' if wrong_months != 1 else ''} differ from the ledger."
        )
    return out


def kept(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The kept rows, sorted (for tests and `wt doctor`)."""
    rows = [tuple(r) for r in store.conn.execute(f"SELECT {_COLUMNS} FROM standings ORDER BY 1")]
    months = [
        tuple(r)
        for r in store.conn.execute(
            "SELECT contact_id, month, given, received FROM standing_months ORDER BY 1, 2"
        )
    ]
    return rows, months


def recomputed(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """What the kept rows should be, from the base tables, sorted like :func:`kept`."""
    rows = [tuple(r) for r in store.conn.execute(f"{_RECOMPUTED} SELECT * FROM fresh ORDER BY 1")]
    months = [
        tuple(r)
        for r in store.conn.execute(f"{_RECOMPUTED} SELECT * FROM fresh_months ORDER BY 1, 2")
    ]
    return rows, months


# -- reads ----------------------------------------------------------------------


class LedgerFigures(Frozen):
    """One contact's entries in a window [since, until]: how many each way, the
    direction of the latest, when the latest run in that direction began (inside
    the window), and whether entries at one instant go both ways at the run's
    edge (then the order among them decides, and readers that order ties
    differently must look at the entries). Written out (frozen.py): `wt
    summary --month` makes a few, and compiling the record cost it the
    dataclasses module."""

    _fields = ("contact", "given", "received", "latest", "run_start", "tied")

    contact: ContactRef
    given: int
    received: int
    latest: str
    run_start: str
    tied: bool

    def __init__(
        self,
        contact: ContactRef,
        given: int,
        received: int,
        latest: str,
        run_start: str,
        tied: bool,
    ) -> None:
        self._set(
            contact=contact,
            given=given,
            received=received,
            latest=latest,
            run_start=run_start,
            tied=tied,
        )


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


#: Up to this many contacts, :func:`ledger_figures` reads each one's rows by index.
_FEW = 200

#: Per contact with an entry in the window [:since, :until]: given and received,
#: from the whole months inside it and the ledger rows of its two partial months.
#: The window's rows are grouped as they are read (a co-routine), not first
#: copied into a table of their own: ≈ 1 ms less for the 6,000 rows of the
#: large database's year.
_WINDOW_SUMS = """
    WITH win AS NOT MATERIALIZED (
        SELECT contact_id, given, received FROM standing_months
        WHERE month > :first_month AND month < :last_month
        UNION ALL
        SELECT contact_id, direction = 'gave', direction = 'got' FROM ledger
        WHERE happened_at >= :since AND happened_at < :first_full
        UNION ALL
        SELECT contact_id, direction = 'gave', direction = 'got' FROM ledger
        WHERE happened_at >= :last_month AND happened_at <= :until
    ),
    sums AS (
        SELECT contact_id, sum(given) AS given, sum(received) AS received
        FROM win GROUP BY contact_id
    )"""

#: When the latest run of standing ``s`` began, inside the window from :since.
_RUN_START = """CASE WHEN s.one_way_since >= :since THEN s.one_way_since
                ELSE (SELECT min(l.happened_at) FROM ledger l
                    WHERE l.contact_id = s.contact_id AND l.happened_at >= :since) END"""


def _window_params(since: str, until: str) -> dict[str, object]:
    return {
        "since": since,
        "until": until,
        "first_month": since[:7],
        "first_full": _next_month(since[:7]),
        "last_month": until[:7],
    }


def ledger_figures(
    store: Store, since: str, until: str, contact_ids: Sequence[int] | None = None
) -> list[LedgerFigures]:
    """Per contact with a ledger entry in [since, until] (stored UTC timestamps).

    Read from the standings: the counts are the whole months inside the window
    plus the ledger rows of its two partial months; the latest entry and its run
    are kept, and only a run older than the window needs its first entry inside
    it (one index seek). Contacts with an entry after ``until`` (an entry dated
    ahead, or a window that ends in the past) are computed from their entries,
    exactly as before. ``contact_ids`` limits the answer to those contacts.
    """
    first_month, last_month = since[:7], until[:7]
    if len(first_month) != 7 or first_month[4] != "-" or first_month >= last_month:
        return _raw_figures(store, since, until, contact_ids)
    run_and_tie = f"""
            s.ledger_last_direction,
            {_RUN_START},
            s.ledger_turn_at IS NOT NULL AND s.ledger_turn_at >= :since AND EXISTS (
                SELECT 1 FROM ledger l WHERE l.contact_id = s.contact_id
                AND l.happened_at = s.ledger_turn_at AND l.direction = s.ledger_last_direction)
    """
    if contact_ids is None or len(contact_ids) > _FEW:
        # Everyone: one pass over the window's months and its partial months' rows.
        sql = f"""
            {_WINDOW_SUMS}
            SELECT s.contact_id, c.name, c.company, u.given, u.received, {run_and_tie}
            FROM sums u JOIN standings s ON s.contact_id = u.contact_id
            JOIN contacts c ON c.id = s.contact_id
            WHERE s.ledger_last_at >= :since AND s.ledger_last_at <= :until
        """ + (
            ""
            if contact_ids is None
            else " AND s.contact_id IN (SELECT value FROM json_each(:ids))"
        )
    else:
        # A few contacts: each one's own months and partial months, by index.
        def count(direction: str, column: str) -> str:
            return f"""(
                coalesce((SELECT sum(m.{column}) FROM standing_months m
                    WHERE m.contact_id = s.contact_id AND m.month > :first_month
                    AND m.month < :last_month), 0)
                + (SELECT count(*) FROM ledger l WHERE l.contact_id = s.contact_id
                    AND l.happened_at >= :since AND l.happened_at < :first_full
                    AND l.direction = '{direction}')
                + (SELECT count(*) FROM ledger l WHERE l.contact_id = s.contact_id
                    AND l.happened_at >= :last_month AND l.happened_at <= :until
                    AND l.direction = '{direction}'))"""

        sql = f"""
            SELECT s.contact_id, c.name, c.company, {count("gave", "given")},
                {count("got", "received")}, {run_and_tie}
            FROM standings s JOIN contacts c ON c.id = s.contact_id
            WHERE s.contact_id IN (SELECT value FROM json_each(:ids))
            AND s.ledger_last_at >= :since AND s.ledger_last_at <= :until
        """
    params: list[object] = []
    if contact_ids is not None:
        params.append(id_list(contact_ids))
    named = _window_params(since, until)
    if params:
        named["ids"] = params[0]
    out = [
        LedgerFigures(ContactRef(r[0], r[1], r[2]), r[3], r[4], r[5], r[6], bool(r[7]))
        for r in store.conn.execute(sql, named)
    ]
    ahead = [
        row[0]
        for row in store.conn.execute(
            "SELECT s.contact_id FROM standings s WHERE s.ledger_last_at > ?"
            + (" AND s.contact_id IN (SELECT value FROM json_each(?))" if params else ""),
            [until, *params],
        )
    ]
    if ahead:
        out += _raw_figures(store, since, until, ahead)
    return out


def runs_begun_by(
    store: Store,
    since: str,
    until: str,
    began_by: str,
    contact_ids: Sequence[int] | None = None,
    *,
    began_after: str | None = None,
) -> list[tuple[int, str, str]]:
    """Contacts whose latest run of entries in [since, until] began (inside the
    window) at or before ``began_by``: (contact id, that run's direction, when
    it began); only those of ``contact_ids`` when given, and only runs that
    began after ``began_after`` when given. Those with an entry after ``until``
    are the caller's (:func:`ledger_ahead`)."""
    only = "" if contact_ids is None else " AND s.contact_id IN (SELECT value FROM json_each(:ids))"
    # A run begins no earlier than the contact's one-way stretch (inside the
    # window, it begins there) and no later than its latest entry: rows whose
    # stretch or latest entry settles the answer are left out before their run
    # is looked up.
    later, first = "", "s.ledger_last_at >= :since"
    if began_after is not None:
        only += (
            " AND (s.one_way_since IS NULL OR s.one_way_since < :since"
            " OR s.one_way_since > :began_after)"
        )
        later = " AND run_start > :began_after"
        if began_after >= since:  # one lower bound for the index range: the later
            first = "s.ledger_last_at > :began_after"
    sql = f"""
        SELECT * FROM (
            SELECT s.contact_id, s.ledger_last_direction, {_RUN_START} AS run_start
            FROM standings s
            WHERE {first} AND s.ledger_last_at <= :until
                AND (s.one_way_since IS NULL OR s.one_way_since <= :began_by){only}
        ) WHERE run_start <= :began_by{later}
    """
    named = {"since": since, "until": until, "began_by": began_by}
    if contact_ids is not None:
        named["ids"] = id_list(contact_ids)
    if began_after is not None:
        named["began_after"] = began_after
    return [(r[0], r[1], r[2]) for r in store.conn.execute(sql, named)]


def owing(
    store: Store, since: str, until: str, cutoff: str, top: int
) -> list[tuple[ContactRef, int, int, bool]]:
    """Whom I owe by the figures of [since, until]: :func:`ranked_figures` of
    those receiving, or who gave less than they received."""
    first_month, last_month = since[:7], until[:7]
    if top > 0 and len(first_month) == 7 and first_month[4] == "-" and first_month < last_month:
        receiving = _receiving_first(store, since, until, cutoff, top)
        if receiving is not None:
            return receiving
    return ranked_figures(store, since, until, cutoff, top, owing_only=True)[0]


#: :func:`owing` when at least ``top`` contacts are receiving: they rank before
#: everyone else, so only their figures are summed, not everyone's. Those
#: receiving are one range of ``standings_receiving`` (m021): no lookup of each
#: contact's standings row. Each one's year is counted as it is found, from
#: its own entries: two covering ranges of ``ledger_contact_direction`` (given,
#: received). They are the same counts as the whole months of
#: ``standing_months`` and the rows of the two partial months, without grouping
#: a union of both in a temporary B-tree, nor building an index of those
#: receiving for each partial month.
_RECEIVING_FIRST = f"""
    WITH sums AS MATERIALIZED (
        SELECT s.contact_id,
            -- A run of received entries that began before the window holds
            -- every entry of the window: nothing given to count.
            CASE WHEN s.one_way_since >= :since THEN (SELECT count(*) FROM ledger l
                WHERE l.contact_id = s.contact_id AND l.direction = 'gave'
                AND l.happened_at >= :since AND l.happened_at <= :until) ELSE 0 END AS given,
            (SELECT count(*) FROM ledger l WHERE l.contact_id = s.contact_id
                AND l.direction = 'got' AND l.happened_at >= :since
                AND l.happened_at <= :until) AS received
        FROM standings s
        WHERE s.ledger_last_at >= :since AND s.ledger_last_at <= :until
            AND s.ledger_last_direction = 'got' AND {_RUN_START} <= :cutoff
    ),
    -- The net in the last wanted place: every row at or before it is shown or
    -- tied with the last one shown.
    cut AS (SELECT given - received AS net FROM sums ORDER BY net LIMIT 1 OFFSET :skip)
    SELECT u.contact_id, c.name, c.company, u.given, u.received, (SELECT count(*) FROM sums)
    FROM sums u JOIN contacts c ON c.id = u.contact_id
    WHERE u.given - u.received <= (SELECT net FROM cut)
"""


def _receiving_first(
    store: Store, since: str, until: str, cutoff: str, top: int
) -> list[tuple[ContactRef, int, int, bool]] | None:
    """:func:`owing` from the receiving contacts alone; None when fewer than
    ``top`` are receiving (the others' figures are needed then)."""
    named = {"since": since, "until": until, "cutoff": cutoff, "skip": top - 1}
    rows = store.conn.execute(_RECEIVING_FIRST, named).fetchall()
    if not rows or rows[0][5] < top:
        return None
    return [(ContactRef(r[0], r[1], r[2]), r[3], r[4], True) for r in rows]


def ranked_page(
    store: Store, since: str, until: str, cutoff: str, top: int
) -> tuple[list[tuple[ContactRef, int, int, bool]], int]:
    """:func:`ranked_figures` for a page of ``top``: when at least ``top``
    contacts are receiving, they rank before everyone else and fill it, so
    only their figures are summed (:func:`owing` does the same), and the rest
    are only counted."""
    first_month, last_month = since[:7], until[:7]
    if top > 0 and len(first_month) == 7 and first_month[4] == "-" and first_month < last_month:
        receiving = _receiving_first(store, since, until, cutoff, top)
        if receiving is not None:
            return receiving, _ranked_count(store, since, until)
    return ranked_figures(store, since, until, cutoff, top)


def _ranked_count(store: Store, since: str, until: str) -> int:
    """How many contacts :func:`ranked_figures` ranks: those whose latest entry
    is in [since, until] (two ranges of ``standings_receiving``)."""
    (count,) = store.conn.execute(
        "SELECT count(*) FROM standings s WHERE s.ledger_last_direction IN ('gave', 'got')"
        " AND s.ledger_last_at >= ? AND s.ledger_last_at <= ?",
        (since, until),
    ).fetchone()
    return int(count)


def ranked_figures(
    store: Store, since: str, until: str, cutoff: str, top: int, *, owing_only: bool = False
) -> tuple[list[tuple[ContactRef, int, int, bool]], int]:
    """The figures of [since, until] ranked by the database: (contact, given,
    received, receiving), best first by (receiving, given - received), the first
    ``top`` places and every row tied with the last of them, in no particular
    order; and how many contacts were ranked.

    Receiving: the latest entry was received, in a run that began (inside the
    window) at or before ``cutoff``. ``owing_only``: only those receiving, or
    who gave less than they received. Only contacts whose latest entry is in the
    window are ranked here: those with an entry after ``until`` are the
    caller's (:func:`ledger_ahead`). Only the rows returned are joined to their
    names.
    """
    first_month, last_month = since[:7], until[:7]
    if len(first_month) != 7 or first_month[4] != "-" or first_month >= last_month:
        out = []
        for fig in _raw_figures(store, since, until, None):
            receiving = fig.latest == "got" and fig.run_start <= cutoff
            if not owing_only or receiving or fig.given < fig.received:
                out.append((fig.contact, fig.given, fig.received, receiving))
        return out, len(out)
    sql = f"""
        {_WINDOW_SUMS},
        ranked AS MATERIALIZED (
            SELECT * FROM (
                SELECT s.contact_id, u.given, u.received,
                    s.ledger_last_direction = 'got' AND {_RUN_START} <= :cutoff AS receiving
                FROM sums u JOIN standings s ON s.contact_id = u.contact_id
                WHERE s.ledger_last_at >= :since AND s.ledger_last_at <= :until
            ){" WHERE receiving OR given < received" if owing_only else ""}
        ),
        -- The key in the last wanted place: every row at or before it is shown
        -- or tied with the last one shown.
        cut AS (
            SELECT -receiving AS first, given - received AS net FROM ranked
            ORDER BY -receiving, given - received LIMIT 1 OFFSET :skip
        )
        SELECT r.contact_id, c.name, c.company, r.given, r.received, r.receiving,
            (SELECT count(*) FROM ranked)
        FROM ranked r JOIN contacts c ON c.id = r.contact_id
        WHERE NOT EXISTS (SELECT 1 FROM cut)
            OR (-r.receiving, r.given - r.received) <= (SELECT first, net FROM cut)
    """
    named = {**_window_params(since, until), "cutoff": cutoff, "skip": max(top - 1, 0)}
    rows = store.conn.execute(sql, named).fetchall()
    return [(ContactRef(r[0], r[1], r[2]), r[3], r[4], bool(r[5])) for r in rows], (
        rows[0][6] if rows else 0
    )


def without_figures(store: Store, ids: Sequence[int], since: str, until: str) -> list[int]:
    """Those of ``ids`` whose latest ledger entry is not in [since, until]."""
    return [
        row[0]
        for row in store.conn.execute(
            "SELECT value FROM json_each(:ids) WHERE NOT EXISTS (SELECT 1 FROM standings s"
            " WHERE s.contact_id = value AND s.ledger_last_at >= :since"
            " AND s.ledger_last_at <= :until)",
            {"ids": id_list(ids), "since": since, "until": until},
        )
    ]


def _raw_figures(
    store: Store, since: str, until: str, contact_ids: Sequence[int] | None
) -> list[LedgerFigures]:
    """The same figures from the entries themselves (window functions)."""
    only = ""
    params: list[object] = [since, until]
    if contact_ids is not None:
        only = " AND contact_id IN (SELECT value FROM json_each(?))"
        params.append(id_list(contact_ids))
    rows = store.conn.execute(
        f"""
        WITH w AS MATERIALIZED (
            SELECT contact_id, direction, happened_at, row_number() OVER (
                PARTITION BY contact_id ORDER BY happened_at DESC, id DESC
            ) AS back
            FROM ledger WHERE happened_at >= ? AND happened_at <= ?{only}
        ),
        latest AS (SELECT contact_id, direction, happened_at FROM w WHERE back = 1),
        turn AS (
            SELECT w.contact_id, min(w.back) AS back FROM w JOIN latest l
            ON l.contact_id = w.contact_id AND w.direction != l.direction
            GROUP BY w.contact_id
        ),
        turn_at AS (
            SELECT w.contact_id, w.happened_at FROM w JOIN turn t
            ON t.contact_id = w.contact_id AND t.back = w.back
        )
        SELECT w.contact_id, c.name, c.company,
            sum(w.direction = 'gave'), sum(w.direction = 'got'), l.direction,
            min(CASE WHEN t.back IS NULL OR w.back < t.back THEN w.happened_at END),
            coalesce(max(w.happened_at = a.happened_at AND w.direction = l.direction), 0)
        FROM w JOIN latest l ON l.contact_id = w.contact_id
        JOIN contacts c ON c.id = w.contact_id
        LEFT JOIN turn t ON t.contact_id = w.contact_id
        LEFT JOIN turn_at a ON a.contact_id = w.contact_id
        GROUP BY w.contact_id
        """,
        params,
    )
    return [
        LedgerFigures(ContactRef(r[0], r[1], r[2]), r[3], r[4], r[5], r[6], bool(r[7]))
        for r in rows
    ]


def wins_between(store: Store, since: str, until: str | None = None) -> dict[int, int]:
    """Per contact, wins in [since, until] (until: no end when None)."""
    sql = "SELECT contact_id, count(*) FROM wins WHERE happened_at >= ?"
    params = [since]
    if until is not None:
        sql += " AND happened_at <= ?"
        params.append(until)
    return {row[0]: row[1] for row in store.conn.execute(sql + " GROUP BY contact_id", params)}


def refs(store: Store, ids: Sequence[int]) -> dict[int, ContactRef]:
    if not ids:
        return {}
    return {
        row[0]: ContactRef(row[0], row[1], row[2])
        for row in store.conn.execute(
            "SELECT id, name, company FROM contacts WHERE id IN (SELECT value FROM json_each(?))",
            (id_list(ids),),
        )
    }


def ledger_ahead(store: Store, until: str, contact_ids: Sequence[int] | None = None) -> list[int]:
    """Contacts with a ledger entry after ``until`` (of ``contact_ids`` when given)."""
    sql = "SELECT contact_id FROM standings WHERE ledger_last_at > ?"
    params: list[object] = [until]
    if contact_ids is not None:
        sql += " AND contact_id IN (SELECT value FROM json_each(?))"
        params.append(id_list(contact_ids))
    return [row[0] for row in store.conn.execute(sql, params)]


def first_seen(store: Store, ids: Sequence[int], since: str) -> list[int]:
    """``ids`` in the order the balance meets them: by each one's first ledger
    entry from ``since`` on (happened_at, id), then those with only wins, by
    their newest win first."""
    entry_first: list[tuple[str, int, int]] = []
    win_last: list[tuple[str, int, int]] = []
    for cid in ids:
        row = store.conn.execute(
            "SELECT happened_at, id FROM ledger WHERE contact_id = ? AND happened_at >= ?"
            " ORDER BY happened_at, id LIMIT 1",
            (cid, since),
        ).fetchone()
        if row is not None:
            entry_first.append((row[0], row[1], cid))
            continue
        row = store.conn.execute(
            "SELECT happened_at, id FROM wins WHERE contact_id = ? AND happened_at >= ?"
            " ORDER BY happened_at DESC, id DESC LIMIT 1",
            (cid, since),
        ).fetchone()
        win_last.append((row[0], row[1], cid) if row else ("", 0, cid))
    entry_first.sort()
    win_last.sort(reverse=True)
    return [cid for *_, cid in entry_first + win_last]


def unclear(
    store: Store, since: str, until: str, contact_ids: Sequence[int] | None = None
) -> list[int]:
    """Contacts whose receiving run in [since, until] the kept figures cannot
    settle for a reader that orders entries at one instant newest first: an
    entry after ``until``, or entries at the instant of the turn going both
    ways; only those of ``contact_ids`` when given."""
    named: dict[str, object] = {"since": since, "until": until}
    only = ""
    if contact_ids is not None:
        only = " AND s.contact_id IN (SELECT value FROM json_each(:ids))"
        named["ids"] = id_list(contact_ids)
    return [
        row[0]
        for row in store.conn.execute(
            f"SELECT s.contact_id FROM standings s WHERE s.ledger_last_at > :until{only}"
            " UNION SELECT s.contact_id FROM standings s"
            " WHERE s.ledger_last_at >= :since AND s.ledger_last_at <= :until"
            f" AND s.ledger_turn_at >= :since{only} AND EXISTS (SELECT 1 FROM ledger l"
            " WHERE l.contact_id = s.contact_id AND l.happened_at = s.ledger_turn_at"
            " AND l.direction = s.ledger_last_direction)",
            named,
        )
    ]
