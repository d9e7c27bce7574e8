"""When each contact's quiet began, kept: ``contact_quiet`` and ``tag_quiet``.

Migration m018 made the tables and the triggers that keep them
(store/migrations.py): ``contact_quiet`` has one row per contact (active, its
own rhythm or NULL, the julian day of its last touch, else of its creation);
``tag_quiet`` one row per tag of each active contact without its own rhythm,
with the same julian day. The triggers run in the transaction of every write to
contacts and their tags, whatever writes (`wt add`, `edit`, `log`, `archive`,
`merge`, `undo`, `import`, `sync`, `forget`).

Nothing kept depends on the config or the clock. "Who is slipping" is read
(:func:`quiet_contacts`) as one index range per rhythm: each own rhythm, each
tag that carries a rhythm in the config, and the default (the contacts with
neither), each range ordered by the quiet moment, which within one rhythm is
the order of attention. The ranges are merged most slipping first; a contact in
several tags' ranges counts at its first (its shortest rhythm), as the rule
says.

Derived data, like the standings (store/standings.py): not journaled, not
exported. `wt doctor` compares it with :func:`problems`; `wt doctor --fix` runs
:func:`rebuild`.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from wintogether.models import ContactRef
from wintogether.store.common import id_list
from wintogether.store.handle import Store

_QUIET = "julianday(coalesce(c.last_touch_at, c.created_at))"
_FRESH_CONTACTS = f"""
    SELECT c.id AS contact_id, c.archived_at IS NULL,
        CASE WHEN c.cadence_days THEN c.cadence_days END, {_QUIET}
    FROM contacts c
"""
_FRESH_TAGS = f"""
    SELECT DISTINCT c.id AS contact_id, ct.tag_id, {_QUIET}
    FROM contacts c JOIN contact_tags ct ON ct.contact_id = c.id
    WHERE c.archived_at IS NULL AND CASE WHEN c.cadence_days THEN 0 ELSE 1 END
"""
_KEPT_CONTACTS = "SELECT contact_id, active, own, quiet FROM contact_quiet"
_KEPT_TAGS = "SELECT contact_id, tag_id, quiet FROM tag_quiet"

#: More distinct own rhythms than this: the ranges cost more than one pass.
MAX_RHYTHMS = 200

_OWN_RHYTHMS = """
    WITH RECURSIVE g(r) AS (
        SELECT min(own) FROM contact_quiet WHERE active AND own IS NOT NULL
        UNION ALL
        SELECT (SELECT min(own) FROM contact_quiet WHERE active AND own > g.r)
        FROM g WHERE g.r IS NOT NULL
    )
    SELECT r FROM g WHERE r IS NOT NULL LIMIT ?
"""


def tag_names(store: Store) -> list[tuple[int, str]]:
    """Every tag: (id, name). Each one's rhythm is the config's to say."""
    return [(row[0], row[1]) for row in store.conn.execute("SELECT id, name FROM tags")]


def rebuild(store: Store) -> None:
    """Inside a write: recompute every row from the contacts and their tags."""
    rebuild_on(store.conn)


def rebuild_on(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM contact_quiet")
    conn.execute("DELETE FROM tag_quiet")
    conn.execute(f"INSERT INTO contact_quiet (contact_id, active, own, quiet) {_FRESH_CONTACTS}")
    conn.execute(f"INSERT INTO tag_quiet (contact_id, tag_id, quiet) {_FRESH_TAGS}")


def problems(store: Store) -> list[str]:
    """How the kept rows differ from a recomputation; empty when they agree."""
    try:
        (wrong,) = store.conn.execute(
            "SELECT count(DISTINCT contact_id) FROM ("
            f" SELECT contact_id FROM ({_FRESH_CONTACTS} EXCEPT {_KEPT_CONTACTS})"
            f" UNION ALL SELECT contact_id FROM ({_KEPT_CONTACTS} EXCEPT {_FRESH_CONTACTS})"
            f" UNION ALL SELECT contact_id FROM ({_FRESH_TAGS} EXCEPT {_KEPT_TAGS})"
            f" UNION ALL SELECT contact_id FROM ({_KEPT_TAGS} EXCEPT {_FRESH_TAGS}))"
        ).fetchone()
    except sqlite3.Error as exc:
        return [f"contact_quiet: {exc}"]
    if not wrong:
        return []
    return [
        f"The kept quiet days of {wrong} contact{'s' if wrong != 1 else ''}"
        " differ from their contacts and tags."
    ]


def kept(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The kept rows, sorted (for tests)."""
    return (
        [tuple(r) for r in store.conn.execute(f"{_KEPT_CONTACTS} ORDER BY 1")],
        [tuple(r) for r in store.conn.execute(f"{_KEPT_TAGS} ORDER BY 1, 2")],
    )


def recomputed(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """What the kept rows should be, sorted like :func:`kept`."""
    return (
        [tuple(r) for r in store.conn.execute(f"{_FRESH_CONTACTS} ORDER BY 1")],
        [tuple(r) for r in store.conn.execute(f"{_FRESH_TAGS} ORDER BY 1, 2")],
    )


#: Whole days since the quiet began, counted in the local zone by its rules for
#: that day (a touch before a change of the clocks keeps its own local day), as
#: store/contacts.py ``quiet_contacts`` counts them.
_DAYS = (
    "max(0, CAST(julianday(:today) - julianday(q.quiet, 'localtime', 'start of day') AS INTEGER))"
)
#: Quiet for at least the rhythm: the quiet began before the local midnight
#: that starts day today - rhythm + 1 (in UTC, found in Python by the zone's
#: rules for that day: SQLite's 'utc' puts a midnight the clocks skip an hour
#: early).
_SLIPPING = "q.quiet < julianday(:back)"  # :back numbered per range
_NAMED = f"SELECT {_DAYS}, q.contact_id, c.name, c.company, c.last_touch_at IS NOT NULL"


#: One range: (its FROM and WHERE, with ``{join}`` and parameters named
#: ``:name{n}``; the rhythm; where the rhythm comes from; its parameters by name).
Range = tuple[str, int, str, dict[str, Any]]


def _ranges(
    tag_days: Sequence[tuple[int, int, str]], default_days: int, own: Sequence[int]
) -> list[Range]:
    """Each own rhythm's range, each rhythm tag's (by rhythm, then key: a contact
    whose tags tie on the shortest rhythm is first met in the first key's), the
    default's (the contacts with no own rhythm and no rhythm tag). A contact's
    few tags are read by its key (``+tag_id``: not one seek per tag listed)."""
    out: list[Range] = [
        ("FROM contact_quiet q {join} WHERE q.active AND q.own = :r{n}", days, "contact",
         {"r": days})
        for days in own
    ]  # fmt: skip
    earlier: list[int] = []
    for tag_id, days, key in sorted(tag_days, key=lambda t: (t[1], t[2])):
        # ``e``: the tags before this one (rhythms as short or shorter), whose
        # ranges hold every contact of this one that has one of them (_count).
        out.append(
            ("FROM tag_quiet q {join} WHERE q.tag_id = :t{n}", days, f"tag {key}",
             {"t": tag_id, "e": id_list(earlier)})
        )  # fmt: skip
        earlier = [*earlier, tag_id]
    out.append(
        (
            "FROM contact_quiet q {join} WHERE q.active AND q.own IS NULL AND NOT EXISTS ("
            "SELECT 1 FROM tag_quiet t WHERE t.contact_id = q.contact_id"
            " AND +t.tag_id IN (SELECT value FROM json_each(:tags{n})))",
            default_days,
            "default",
            {"tags": id_list(tag_id for tag_id, _, _ in tag_days)},
        )
    )
    return out


def _bound(n: int, rhythm: int, own: dict[str, Any], today: date) -> dict[str, Any]:
    """A range's parameters, named for its place ``n``."""
    from datetime import UTC, timedelta

    from wintogether.clock import to_utc_iso
    from wintogether.dates import start_of_day

    named = {f"{key}{n}": value for key, value in own.items()}
    named[f"back{n}"] = to_utc_iso(start_of_day(today - timedelta(days=rhythm - 1), UTC))
    return named


def quiet_contacts(
    store: Store,
    *,
    today: date,
    default_days: int,
    tag_days: list[tuple[int, int, str]],
    top: int | None = None,
    counted: bool = True,
) -> tuple[list[tuple[ContactRef, int, int, str, bool]], int] | None:
    """What store/contacts.py ``quiet_contacts`` returns without a tag filter,
    from the kept rows; None when there are too many distinct own rhythms for
    this to pay. ``tag_days``: each tag's rhythm, as the domain decides it.

    The ranges are read lazily, merged most slipping first: for ``top``, only
    until the ``top``-th contact and every one tied with it. ``counted``:
    False to leave out counting everyone who slips (a pass over the ranges)
    when only the first are wanted; the count given is then of those returned.
    """
    if top is not None and top <= 0:
        return [], 0
    conn = store.conn
    own = [row[0] for row in conn.execute(_OWN_RHYTHMS, (MAX_RHYTHMS + 1,))]
    if len(own) > MAX_RHYTHMS:
        return None
    base = {"today": today.isoformat()}
    ranges = _ranges(tag_days, default_days, own)
    join = "JOIN contacts c ON c.id = q.contact_id"

    def read(n: int, where: str, rhythm: int, source: str, own: dict[str, Any]) -> Iterator[Any]:
        sql = f"{_NAMED} {where.format(join=join, n=n)} AND {_slipping(n)} ORDER BY q.quiet"
        for days, cid, name, company, talked in conn.execute(
            sql, {**base, **_bound(n, rhythm, own, today)}
        ):
            yield (-(days / rhythm), -days, cid, rhythm, source, name, company, talked)

    rows: dict[int, tuple[Any, ...]] = {}
    if top is None:
        # Everyone: each range whole, a contact kept at its highest attention
        # (equal ones: the earlier range, as the merge below would).
        for n, r in enumerate(ranges):
            for item in read(n, *r):
                seen = rows.get(item[2])
                if seen is None or item[0] < seen[0]:
                    rows[item[2]] = item
        return _named(rows), len(rows)
    merged = heapq.merge(*(read(n, *r) for n, r in enumerate(ranges)), key=_two)
    cut: tuple[float, int] | None = None
    for item in merged:
        if cut is not None and (item[0], item[1]) != cut:
            break
        if item[2] not in rows:
            rows[item[2]] = item
            if cut is None and len(rows) == top:
                cut = (item[0], item[1])
    return _named(rows), _count(conn, ranges, base) if counted else len(rows)


def slipping_everyone(
    store: Store,
    *,
    today: date,
    default_days: int,
    tag_days: list[tuple[int, int, str]],
) -> list[tuple[float, int, int, str, str | None, int, int, str]] | None:
    """Every contact :func:`quiet_contacts` lists without ``top``, as plain rows
    straight from SQL, in no order: (-attention, days quiet, id, name, company,
    ever talked (0 or 1), rhythm, where it comes from). Each contact once, at its
    highest attention (equal ones: the earlier range). None when there are too
    many distinct own rhythms for the ranges to pay."""
    conn = store.conn
    own = [row[0] for row in conn.execute(_OWN_RHYTHMS, (MAX_RHYTHMS + 1,))]
    if len(own) > MAX_RHYTHMS:
        return None
    base = {"today": today.isoformat()}
    join = "JOIN contacts c ON c.id = q.contact_id"
    rows: dict[int, tuple[float, int, int, str, str | None, int, int, str]] = {}
    for n, (where, rhythm, source, named) in enumerate(_ranges(tag_days, default_days, own)):
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples: thousands
        for row in cursor.execute(
            f"SELECT {_DAYS} * -1.0 / :rhythm{n}, {_NAMED.removeprefix('SELECT ')},"
            f" :rhythm{n}, :source{n} {where.format(join=join, n=n)} AND {_slipping(n)}",
            {**base, **_bound(n, rhythm, named, today), f"rhythm{n}": rhythm,
             f"source{n}": source},
        ):  # fmt: skip
            seen = rows.get(row[2])
            if seen is None or row[0] < seen[0]:
                rows[row[2]] = row
    return list(rows.values())


def _named(rows: dict[int, tuple[Any, ...]]) -> list[tuple[ContactRef, int, int, str, bool]]:
    return [
        (ContactRef(cid, name, company), -neg_days, rhythm, source, bool(talked))
        for _, neg_days, cid, rhythm, source, name, company, talked in rows.values()
    ]


def coldest_first(
    store: Store,
    *,
    today: date,
    default_days: int,
    tag_days: list[tuple[int, int, str]],
) -> Iterator[tuple[float, int, int, int]] | None:
    """Every active contact, highest attention (days quiet ÷ rhythm) first, read
    lazily from the ranges: (-attention, id, days quiet, rhythm). A contact
    with several tags comes once for each of their ranges, first at its own
    rhythm (the shortest). Equal attention comes in no particular order. None
    when the ranges cannot say (too many own rhythms, or a contact whose quiet
    moment is not a time, which the full ranking puts last)."""
    return _walk(
        store,
        today=today,
        default_days=default_days,
        tag_days=tag_days,
        columns=f"{_DAYS}, :rhythm{{n}}",
        join="",
        only="",
    )


def coldest_at_companies(
    store: Store,
    *,
    today: date,
    default_days: int,
    tag_days: list[tuple[int, int, str]],
) -> Iterator[tuple[float, int, int]] | None:
    """:func:`coldest_first` for the active contacts with a company: (-attention,
    id, company id)."""
    return _walk(
        store,
        today=today,
        default_days=default_days,
        tag_days=tag_days,
        columns="c.company_id",
        join="JOIN contacts c ON c.id = q.contact_id",
        only=" AND c.company_id IS NOT NULL",
    )


def _walk(
    store: Store,
    *,
    today: date,
    default_days: int,
    tag_days: list[tuple[int, int, str]],
    columns: str,
    join: str,
    only: str,
) -> Iterator[Any] | None:
    """The rows of every range, (-attention, id, ``columns``…), highest attention
    first (see :func:`coldest_first`). Each row comes whole from SQL, attention
    included (``days / rhythm`` as Python divides: both are doubles), and the
    ranges' cursors are merged as they are: no generator, no key function."""
    conn = store.conn
    own = [row[0] for row in conn.execute(_OWN_RHYTHMS, (MAX_RHYTHMS + 1,))]
    if len(own) > MAX_RHYTHMS:
        return None
    # A quiet moment that is not a time: one seek per own rhythm and one for
    # the contacts without (NULL sorts first in the index), not a count of all.
    (untimed,) = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM contact_quiet WHERE active AND own IS NULL"
        " AND quiet IS NULL) OR EXISTS (SELECT 1 FROM contact_quiet WHERE active"
        f" AND own IN ({', '.join('?' * len(own))}) AND quiet IS NULL)",
        own,
    ).fetchone()
    if untimed:
        return None
    base = {"today": today.isoformat()}
    cursors = []
    for n, (where, rhythm, _, named) in enumerate(_ranges(tag_days, default_days, own)):
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples
        cursor.execute(
            f"SELECT {_DAYS} * -1.0 / :rhythm{n}, q.contact_id, {columns.format(n=n)}"
            f" {where.format(join=join, n=n)}{only} ORDER BY q.quiet",
            {**base, **_bound(n, rhythm, named, today), f"rhythm{n}": rhythm},
        )
        cursors.append(cursor)
    return heapq.merge(*cursors)


def uniform(
    store: Store,
    *,
    today: date,
    tag_days: list[tuple[int, int, str]],
) -> tuple[int, int] | None:
    """``(days quiet, how many active contacts)`` when every active contact has
    the default rhythm (no own rhythm, no tag with a rhythm) and the same days
    quiet, as on a first day's import: then everyone ties, and a walk coldest
    first (:func:`coldest_first`) would read every one. None otherwise (or when
    no one is active, or a quiet moment is not a time)."""
    conn = store.conn
    if conn.execute(
        "SELECT 1 FROM contact_quiet WHERE active AND own IS NOT NULL LIMIT 1"
    ).fetchone():
        return None
    if (
        tag_days
        and conn.execute(
            "SELECT 1 FROM tag_quiet WHERE tag_id IN (SELECT value FROM json_each(?)) LIMIT 1",
            (id_list(tag_id for tag_id, _, _ in tag_days),),
        ).fetchone()
    ):
        return None
    days = _DAYS.replace("q.quiet", "{}")
    row = conn.execute(
        f"SELECT count(*), count(quiet), {days.format('min(quiet)')}, {days.format('max(quiet)')}"
        " FROM contact_quiet WHERE active",
        {"today": today.isoformat()},
    ).fetchone()
    active, timed, fewest, most = row
    if not active or active != timed or fewest != most:
        return None
    return int(fewest), int(active)


def _two(item: tuple[Any, ...]) -> tuple[Any, ...]:
    return item[:2]


def _slipping(n: int) -> str:
    return _SLIPPING.replace(":back", f":back{n}")


def _not_slipping(n: int) -> str:
    """Quiet since the bound of range ``n`` or later (not before it)."""
    return _slipping(n).replace("q.quiet <", "q.quiet >=")


def _count(conn: sqlite3.Connection, ranges: list[Range], base: dict[str, Any]) -> int:
    """How many contacts slip in all: the ranges' contacts, each once.

    The own rhythms' ranges hold different contacts from all others: one index
    count each. The others (no own rhythm) slip when quiet since before the
    bound of their shortest rhythm tag, else of the default. They are counted
    as every one quiet since before the default's bound (one index count,
    whatever their tags), corrected by each rhythm tag's window between its
    bound and the default's: a tag shorter than the default adds its contacts
    quiet between the two bounds, a longer one takes away those quiet between
    them; a tag as long as the default changes nothing. A contact counts in
    the window of its first rhythm tag only (by rhythm, then key: the
    shortest), so each is added or taken away at most once; its later tags'
    windows are narrower on the side that adds, and it is excluded from them
    by looking up its earlier tags, row by row but only inside the windows.
    (tag_quiet holds the tags of exactly the active contacts without their
    own rhythm, with their quiet moment.)"""
    counts, params = [], dict(base)
    default = next(n for n, r in enumerate(ranges) if r[2] == "default")
    default_days = ranges[default][1]
    for n, (where, rhythm, source, own) in enumerate(ranges):
        params.update(_bound(n, rhythm, own, date.fromisoformat(base["today"])))
        if source == "default":
            counts.append(
                "(SELECT count(*) FROM contact_quiet q WHERE q.active AND q.own IS NULL"
                f" AND {_slipping(n)})"
            )
        elif "e" not in own:
            counts.append(f"(SELECT count(*) {where.format(join='', n=n)} AND {_slipping(n)})")
        elif rhythm != default_days:
            # Between the two bounds: the shorter rhythm's is the later moment.
            shorter, longer = (n, default) if rhythm < default_days else (default, n)
            window = f"{_slipping(shorter)} AND {_not_slipping(longer)}"
            if own["e"] != "[]":
                window += (
                    " AND NOT EXISTS (SELECT 1 FROM tag_quiet x WHERE x.contact_id = q.contact_id"
                    f" AND +x.tag_id IN (SELECT value FROM json_each(:e{n})))"
                )
            sign = "" if rhythm < default_days else "-"
            counts.append(f"{sign}(SELECT count(*) {where.format(join='', n=n)} AND {window})")
    (count,) = conn.execute(f"SELECT {' + '.join(counts)}", params).fetchone()
    return int(count)
