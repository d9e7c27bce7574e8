"""Contacts: their rows, emails, phones, URLs, tags and extras, and the people lists.

Functions take an open :class:`Store`; writes expect ``Store.write()`` around them.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from datetime import date
from typing import TYPE_CHECKING, Any

from wintogether.models import ContactRef
from wintogether.store.common import chunks, id_list, local_time, new_uid, utc_time
from wintogether.store.handle import Store
from wintogether.store.scoring import scored_params, scored_sql

if TYPE_CHECKING:
    from wintogether.models import Contact, ContactStanding

#: The columns a contact's own fields are written to (the rest are derived or stamps).
CONTACT_FIELDS = (
    "name",
    "company",
    "title",
    "how_met",
    "met_on",
    "introduced_by",
    "birthday",
    "cadence_days",
    "notes",
    "account_role",
    "reports_to",
)

#: Contacts with a tag or any of its subtags ("customers" takes "customers/emea").
TAGGED_CONTACTS = (
    "SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
    " WHERE t.name = ? OR t.name LIKE ? ESCAPE '\\'"
)
#: The tag's id and its sub-tags' ("customers" and "customers/emea"), with :func:`tag_params`.
TAG_IDS = "SELECT t.id FROM tags t WHERE t.name = ? OR t.name LIKE ? ESCAPE '\\'"


def tag_params(tag: str) -> list[str]:
    """The parameters of :data:`TAGGED_CONTACTS` (LIKE wildcards in the tag escaped)."""
    return [tag, tag.replace("%", "\\%").replace("_", "\\_") + "/%"]


def insert_contact(store: Store, fields: dict[str, Any], stamp: str) -> int:
    # Only the fields given: the columns left out keep their defaults (NULL).
    values = {key: fields[key] for key in CONTACT_FIELDS if fields.get(key) is not None}
    values.setdefault("name", fields.get("name"))
    from wintogether.store import companies as companies_store

    # The company record goes in with the row: one write, one journal entry.
    company_id = companies_store.company_id_for(store, values.get("company"), stamp)
    if company_id is not None:
        values["company_id"] = company_id
    cursor = store.conn.execute(
        f"INSERT INTO contacts (uid, {', '.join(values)}, created_at, updated_at)"
        f" VALUES (?, {', '.join('?' for _ in values)}, ?, ?)",
        [fields.get("uid") or new_uid(), *values.values(), stamp, stamp],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def update_contact(store: Store, contact_id: int, fields: dict[str, Any], stamp: str) -> None:
    unknown = set(fields) - set(CONTACT_FIELDS) - {"archived_at"}
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    if not fields:
        return
    values = dict(fields)
    if "company" in fields:
        from wintogether.store import companies as companies_store

        values["company_id"] = companies_store.company_id_for(store, fields["company"], stamp)
    assignments = ", ".join(f"{key} = ?" for key in values)
    store.conn.execute(
        f"UPDATE contacts SET {assignments}, updated_at = ? WHERE id = ?",
        [*values.values(), stamp, contact_id],
    )


def touch_contact(store: Store, contact_id: int, stamp: str) -> None:
    store.conn.execute("UPDATE contacts SET updated_at = ? WHERE id = ?", (stamp, contact_id))


def add_emails(store: Store, contact_id: int, emails: Iterable[str], stamp: str) -> None:
    _add_children(store, "contact_emails", "email", contact_id, emails, stamp)


def add_phones(store: Store, contact_id: int, phones: Iterable[str], stamp: str) -> None:
    _add_children(store, "contact_phones", "phone", contact_id, phones, stamp)


def remove_emails(store: Store, contact_id: int, emails: Iterable[str]) -> int:
    return _remove_children(store, "contact_emails", "email", contact_id, emails)


def remove_phones(store: Store, contact_id: int, phones: Iterable[str]) -> int:
    return _remove_children(store, "contact_phones", "phone", contact_id, phones)


def _add_children(
    store: Store, table: str, column: str, contact_id: int, values: Iterable[str], stamp: str
) -> None:
    start = store.conn.execute(
        f"SELECT coalesce(max(position), -1) + 1 FROM {table} WHERE contact_id = ?",
        (contact_id,),
    ).fetchone()[0]
    for offset, value in enumerate(values):
        store.conn.execute(
            f"INSERT OR IGNORE INTO {table} (uid, contact_id, {column}, position, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (new_uid(), contact_id, value, start + offset, stamp),
        )


def _remove_children(
    store: Store, table: str, column: str, contact_id: int, values: Iterable[str]
) -> int:
    removed = 0
    for value in values:
        removed += store.conn.execute(
            f"DELETE FROM {table} WHERE contact_id = ? AND {column} = ? COLLATE NOCASE",
            (contact_id, value),
        ).rowcount
    return removed


def set_url(store: Store, contact_id: int, kind: str, url: str | None, stamp: str) -> None:
    """Replace the contact's URL of this kind (``None`` removes it). The same
    address kept as another kind (a web link that is the new LinkedIn profile)
    becomes this one. Deleted by name, not by ``INSERT OR REPLACE``: a row that
    REPLACE removes fires no trigger, so the journal (and `wt undo`) would miss it."""
    store.conn.execute(
        "DELETE FROM contact_urls WHERE contact_id = ? AND (kind = ? OR url = ?)",
        (contact_id, kind, url or ""),
    )
    if url:
        store.conn.execute(
            "INSERT INTO contact_urls (uid, contact_id, kind, url, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (new_uid(), contact_id, kind, url, stamp),
        )


def add_tags(store: Store, contact_id: int, tags: Iterable[str], stamp: str) -> None:
    for tag in tags:
        store.conn.execute(
            "INSERT OR IGNORE INTO tags (uid, name, updated_at) VALUES (?, ?, ?)",
            (new_uid(), tag, stamp),
        )
        store.conn.execute(
            "INSERT OR IGNORE INTO contact_tags (uid, contact_id, tag_id, updated_at)"
            " SELECT ?, ?, id, ? FROM tags WHERE name = ?",
            (new_uid(), contact_id, stamp, tag),
        )


def remove_tags(store: Store, contact_id: int, tags: Iterable[str]) -> int:
    removed = 0
    for tag in tags:
        removed += store.conn.execute(
            "DELETE FROM contact_tags WHERE contact_id = ?"
            " AND tag_id = (SELECT id FROM tags WHERE name = ?)",
            (contact_id, tag),
        ).rowcount
    return removed


def contact_exists(store: Store, contact_id: int) -> bool:
    row = store.conn.execute("SELECT 1 FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    return row is not None


def get_contact(store: Store, contact_id: int) -> Contact | None:
    found = contacts_by_ids(store, [contact_id])
    return found[0] if found else None


def contacts_by_ids(store: Store, ids: Sequence[int]) -> list[Contact]:
    """Contacts with their emails, phones, URLs and tags, in ``ids`` order."""
    rows: dict[int, sqlite3.Row] = {}
    for chunk in chunks(ids):
        marks = ",".join("?" for _ in chunk)
        for row in store.conn.execute(
            "SELECT c.*, i.name AS intro_name, i.company AS intro_company,"
            " m.name AS manager_name, m.company AS manager_company"
            " FROM contacts c LEFT JOIN contacts i ON i.id = c.introduced_by"
            " LEFT JOIN contacts m ON m.id = c.reports_to"
            f" WHERE c.id IN ({marks})",
            list(chunk),
        ):
            rows[row["id"]] = row
    kids_of = children(store, [cid for cid in ids if cid in rows])
    from wintogether.models import Contact

    out = []
    for cid in ids:
        row = rows.get(cid)
        if row is None:
            continue
        kids = kids_of[cid]
        out.append(
            Contact(
                id=row["id"],
                uid=row["uid"],
                name=row["name"],
                company=row["company"],
                title=row["title"],
                how_met=row["how_met"],
                met_on=row["met_on"],
                introduced_by=(
                    ContactRef(row["introduced_by"], row["intro_name"], row["intro_company"])
                    if row["introduced_by"]
                    else None
                ),
                birthday=row["birthday"],
                cadence_days=row["cadence_days"],
                notes=row["notes"],
                last_touch_at=local_time(row["last_touch_at"]),
                created_at=local_time(row["created_at"]),
                updated_at=local_time(row["updated_at"]),
                archived_at=local_time(row["archived_at"]),
                emails=kids["emails"],
                phones=kids["phones"],
                urls=kids["urls"],
                tags=kids["tags"],
                account_role=row["account_role"],
                reports_to=(
                    ContactRef(row["reports_to"], row["manager_name"], row["manager_company"])
                    if row["reports_to"]
                    else None
                ),
            )
        )
    return out


def children(store: Store, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"emails": [], "phones": [], "urls": [], "tags": []}
    )
    for chunk in chunks(ids):
        marks = ",".join("?" for _ in chunk)
        params = list(chunk)
        for row in store.conn.execute(
            f"SELECT contact_id, email FROM contact_emails WHERE contact_id IN ({marks})"
            " ORDER BY position, id",
            params,
        ):
            out[row[0]]["emails"].append(row[1])
        for row in store.conn.execute(
            f"SELECT contact_id, phone FROM contact_phones WHERE contact_id IN ({marks})"
            " ORDER BY position, id",
            params,
        ):
            out[row[0]]["phones"].append(row[1])
        for row in store.conn.execute(
            f"SELECT contact_id, kind, url FROM contact_urls WHERE contact_id IN ({marks})"
            " ORDER BY id",
            params,
        ):
            out[row[0]]["urls"].append((row[1], row[2]))
        for row in store.conn.execute(
            "SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
            f" WHERE ct.contact_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
            params,
        ):
            out[row[0]]["tags"].append(row[1])
    return out


def refs_by_id(store: Store, contact_id: int) -> list[ContactRef]:
    return _refs(store, "SELECT id, name, company FROM contacts WHERE id = ?", (contact_id,))


def refs_by_name(store: Store, name: str) -> list[ContactRef]:
    return _refs(
        store,
        "SELECT id, name, company FROM contacts WHERE name = ? COLLATE NOCASE"
        " ORDER BY archived_at IS NOT NULL, id",
        (name,),
    )


def refs_by_email(store: Store, email: str) -> list[ContactRef]:
    return _refs(
        store,
        "SELECT DISTINCT c.id, c.name, c.company FROM contacts c"
        " JOIN contact_emails e ON e.contact_id = c.id"
        " WHERE e.email = ? COLLATE NOCASE ORDER BY c.id",
        (email,),
    )


def refs_by_url(store: Store, url: str) -> list[ContactRef]:
    return _refs(
        store,
        "SELECT DISTINCT c.id, c.name, c.company FROM contacts c"
        " JOIN contact_urls u ON u.contact_id = c.id WHERE u.url = ? ORDER BY c.id",
        (url.rstrip("/"),),
    )


def refs_by_fragment(store: Store, fragment: str, *, include_archived: bool) -> list[ContactRef]:
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    archived = "" if include_archived else " AND archived_at IS NULL"
    return _refs(
        store,
        "SELECT id, name, company FROM contacts"
        f" WHERE name LIKE ? ESCAPE '\\'{archived} ORDER BY name COLLATE NOCASE, id",
        (f"%{escaped}%",),
    )


def all_refs(store: Store, *, include_archived: bool = False) -> list[ContactRef]:
    archived = "" if include_archived else " WHERE archived_at IS NULL"
    return _refs(
        store, f"SELECT id, name, company FROM contacts{archived} ORDER BY name COLLATE NOCASE", ()
    )


def _refs(store: Store, sql: str, params: Sequence[Any]) -> list[ContactRef]:
    return [ContactRef(row[0], row[1], row[2]) for row in store.conn.execute(sql, params)]


def contact_ids(
    store: Store,
    *,
    tag: str | None = None,
    company: str | None = None,
    archived: bool = False,
) -> list[int]:
    where, params = _listing_where(tag=tag, company=company, archived=archived)
    sql = f"SELECT c.id FROM contacts c WHERE {where} ORDER BY c.name COLLATE NOCASE, c.id"
    return [row[0] for row in store.conn.execute(sql, params)]


def contact_ids_page(
    store: Store,
    *,
    tag: str | None = None,
    company: str | None = None,
    archived: bool = False,
    limit: int,
) -> tuple[list[int], int]:
    """The first ``limit`` ids of :func:`contact_ids` and how many there are in
    all. Unfiltered, a screenful reads its entries of the name index and counts
    the rest (10,000 contacts: 50 rows and a count, not 10,000 rows each looked
    up); a tag or company filter finds its set first either way, so its ids
    are read once and counted."""
    if tag or company:
        ids = contact_ids(store, tag=tag, company=company, archived=archived)
        return ids[: max(limit, 0)], len(ids)
    where, params = _listing_where(tag=tag, company=company, archived=archived)
    sql = f"SELECT c.id FROM contacts c WHERE {where} ORDER BY c.name COLLATE NOCASE, c.id LIMIT ?"
    ids = [row[0] for row in store.conn.execute(sql, [*params, max(limit, 0)])]
    if len(ids) < limit:
        return ids, len(ids)
    (total,) = store.conn.execute(
        f"SELECT count(*) FROM contacts c WHERE {where}", params
    ).fetchone()
    return ids, int(total)


def _listing_where(
    *, tag: str | None, company: str | None, archived: bool
) -> tuple[str, list[Any]]:
    """The filter of the contacts list (alias ``c``) and its parameters."""
    where = ["c.archived_at IS NOT NULL" if archived else "c.archived_at IS NULL"]
    params: list[Any] = []
    if tag:
        where.append(f"c.id IN ({TAGGED_CONTACTS})")
        params += tag_params(tag)
    if company:
        # The contact's own text, or the name or any alias of its company record:
        # "Northwind" finds Sam (whose text is "NWT") once NWT is Northwind's alias.
        where.append(
            "(c.company LIKE ? ESCAPE '\\' OR c.company_id IN ("
            "SELECT id FROM companies WHERE name LIKE ? ESCAPE '\\'"
            " UNION SELECT company_id FROM company_aliases WHERE alias LIKE ? ESCAPE '\\'))"
        )
        params += ["%" + company.replace("%", "\\%").replace("_", "\\_") + "%"] * 3
    return " AND ".join(where), params


def _bonus_ctes(only: str = "") -> str:
    """The CTEs ``receiving`` and ``broken`` of the score's bonus; ``only``: a
    condition on the standings row ``s`` (the contacts wanted)."""
    return f"""
        receiving AS (
            SELECT s.contact_id FROM standings s
            WHERE s.ledger_last_at >= :since AND s.ledger_last_at <= :until
            AND s.ledger_last_direction = 'got'{only}
            AND CASE WHEN s.one_way_since >= :since THEN s.one_way_since
                ELSE (SELECT min(l.happened_at) FROM ledger l
                    WHERE l.contact_id = s.contact_id AND l.happened_at >= :since) END
                <= :cutoff
            AND NOT (s.ledger_turn_at >= :since AND EXISTS (
                SELECT 1 FROM ledger l WHERE l.contact_id = s.contact_id
                AND l.happened_at = s.ledger_turn_at AND l.direction = s.ledger_last_direction))
            UNION SELECT value FROM json_each(:receiving_also)
        ),
        broken AS (
            SELECT s.contact_id, (SELECT count(*) FROM promises p
                WHERE p.contact_id = s.contact_id AND p.owner = 'me' AND p.status = 'open'
                AND p.due_on >= :first_due AND p.due_on < :today) AS n
            FROM standings s WHERE s.my_first_due < :today{only}
        )
"""


_BONUS_CTES = _bonus_ctes()


#: :func:`attention_ranking` keeps this many scores past the wanted places, for ties.
_SLACK = 50


def attention_ranking(
    store: Store,
    *,
    tag: str | None,
    company: str | None,
    archived: bool,
    today: date,
    default_days: int,
    tag_days: list[tuple[int, int, str]],
    since: str,
    until: str,
    cutoff: str,
    first_due: str,
    receiving_also: Callable[[list[int] | None], list[int]],
    top: int,
) -> tuple[list[tuple[ContactRef, int, int, int, bool]], int]:
    """The contacts of the list ranked by health score, computed in SQL.

    Score = days quiet ÷ rhythm (as :func:`quiet_contacts` counts them) + my
    open promises due in [first_due, today) + one when I have only been
    receiving: the kept standings say whose latest ledger entry in [since,
    until] was received, in a run that began inside the window at or before
    ``cutoff``. Contacts whose entries at one instant go both ways at the run's
    edge, or with an entry after ``until``, are left to the caller:
    ``receiving_also(ids)`` names the receiving ones among ``ids`` (None: among
    everyone), asked only of the contacts that can rank. Returns the first ``top`` places
    (and every row tied with the last), in name order, each (contact, days,
    rhythm, broken, receiving); and how many contacts the list has.
    """
    where, filters = _listing_where(tag=tag, company=company, archived=archived)
    bonus = {
        "since": since,
        "until": until,
        "cutoff": cutoff,
        "first_due": first_due,
        "today": today.isoformat(),
        "receiving_also": "[]",
    }
    if tag is None and company is None and not archived and top > 0:
        from wintogether.store import quiet

        same = quiet.uniform(store, today=today, tag_days=tag_days)
        if same is not None:
            bonus["receiving_also"] = id_list(receiving_also(None))
            ranked = _ranked_alike(store, *same, default_days, bonus, where, filters, top)
            if ranked is not None:
                return ranked
        walk = quiet.coldest_first(store, today=today, default_days=default_days, tag_days=tag_days)
        if walk is not None:
            return _ranked_from(store, walk, bonus, receiving_also, where, filters, top)
    if bonus["receiving_also"] == "[]":
        bonus["receiving_also"] = id_list(receiving_also(None))
    sql = (
        scored_sql(where, len(tag_days))
        + ","
        + _BONUS_CTES
        + """,
        scores AS (
            SELECT x.id, x.days, x.cadence, coalesce(b.n, 0) AS broken,
                r.contact_id IS NOT NULL AS receiving,
                CAST(x.days AS REAL) / x.cadence + coalesce(b.n, 0)
                    + CASE WHEN r.contact_id IS NOT NULL THEN 1.0 ELSE 0.0 END AS score
            FROM scored x LEFT JOIN broken b ON b.contact_id = x.id
            LEFT JOIN receiving r ON r.contact_id = x.id
        )
        SELECT id, days, cadence, broken, receiving, score FROM scores
        ORDER BY score DESC LIMIT :fetch
    """
    )
    # The scored part binds by position: turn its marks into names.
    picks = scored_params(tag_days)
    head = [*(f"t{n}" for n in range(len(picks))), "default_days", "today", "offset"]
    names = [*head, *(f"f{n}" for n in range(len(filters)))]
    for mark in names:
        sql = sql.replace("?", f":{mark}", 1)
    params: dict[str, Any] = {
        **{f"t{n}": value for n, value in enumerate(picks)},
        "default_days": default_days,
        "today": today.isoformat(),
        "offset": "localtime",
        **{f"f{n}": value for n, value in enumerate(filters)},
        "since": since,
        "until": until,
        "cutoff": cutoff,
        "first_due": first_due,
        "receiving_also": bonus["receiving_also"],
        "skip": max(top - 1, 0),
        "fetch": max(top, 1) + _SLACK,
    }
    # The best scores, in one pass that keeps only them (not every score); the
    # score in the last wanted place is the cut: every row at or above it is in
    # one of the first places, ties with the last one included.
    while True:
        best = store.conn.execute(sql, params).fetchall()
        place = max(top - 1, 0)
        cut = best[place][5] if place < len(best) else float("-inf")
        # Rows tied with the last wanted one may go on past those read: read more.
        if len(best) < params["fetch"] or params["fetch"] < 0 or best[-1][5] != cut:
            break
        params["fetch"] = -1 if params["fetch"] > 10_000 else params["fetch"] * 8
    kept = {row[0]: row for row in best if row[5] >= cut}
    out = [
        (ref, days, rhythm, broken, bool(receiving))
        for ref in _refs_by_name(store, list(kept))
        for _, days, rhythm, broken, receiving, _ in (kept[ref.id],)
    ]
    return out, _count(store, where, filters)


def _count(store: Store, where: str, filters: Sequence[Any]) -> int:
    """How many contacts ``where`` (on ``contacts c``) keeps."""
    return int(
        store.conn.execute(f"SELECT count(*) FROM contacts c WHERE {where}", filters).fetchone()[0]
    )


def refs_of(store: Store, ids: Sequence[int]) -> list[ContactRef]:
    """The contacts ``ids`` as refs, in the order lists show names."""
    return _refs_by_name(store, list(ids))


def _refs_by_name(store: Store, ids: list[int]) -> list[ContactRef]:
    """The contacts ``ids`` as refs, in the order lists show names."""
    return [
        ContactRef(cid, name, works_at)
        for cid, name, works_at in store.conn.execute(
            "SELECT id, name, company FROM contacts WHERE id IN (SELECT value FROM json_each(?))"
            " ORDER BY name COLLATE NOCASE, id",
            (id_list(ids),),
        )
    ]


#: Who gets more than their attention in the score: open promises of mine due
#: in [first_due, today) (broken) and a receiving run (the kept standings).
_BONUS_OF = """
    SELECT id, sum(n), max(got) FROM (
        SELECT contact_id AS id, 0 AS n, 1 AS got FROM receiving
        UNION ALL SELECT contact_id, n, 0 FROM broken
    ) GROUP BY id
"""
_BONUS = "WITH" + _BONUS_CTES + _BONUS_OF
#: :data:`_BONUS` of the contacts in ``:ids`` (a JSON array).
_BONUS_OF_SOME = (
    "WITH" + _bonus_ctes(" AND s.contact_id IN (SELECT value FROM json_each(:ids))") + _BONUS_OF
)
#: The most promises of mine broken to one contact: with a receiving run, the
#: largest bonus a score can have is one more.
_MOST_BROKEN = "WITH" + _BONUS_CTES + " SELECT coalesce(max(n), 0) FROM broken"


def _ranked_from(
    store: Store,
    walk: Iterator[tuple[float, int, int, int]],
    bonus: dict[str, Any],
    receiving_also: Callable[[list[int] | None], list[int]],
    where: str,
    filters: list[Any],
    top: int,
) -> tuple[list[tuple[ContactRef, int, int, int, bool]], int]:
    """:func:`attention_ranking` from the walk of the active contacts, coldest
    first (store/quiet.py ``coldest_first``). A score is the attention plus
    its bonus (my broken promises, one more when I have only been receiving),
    so the ``top``-th best score is at least the ``top``-th best attention:
    once the attention met, with the largest bonus anyone has, stays below
    that, no one further on can reach the first places (nor tie with them),
    and the walk stops there. Only the contacts met are given their bonus."""
    (broken_most,) = store.conn.execute(_MOST_BROKEN, bonus).fetchone()
    figures: dict[int, tuple[int, int]] = {}
    best: list[float] = []  # the ``top`` highest attentions met, the lowest first
    for neg, cid, days, rhythm in walk:
        if cid in figures:  # met again in a longer rhythm's range
            continue
        # As a score adds them: rounding is monotone, so no smaller attention
        # or bonus comes out higher.
        if len(best) == top and (-neg + broken_most) + 1.0 < best[0]:
            break
        figures[cid] = (days, rhythm)
        if len(best) < top:
            heapq.heappush(best, -neg)
        elif -neg > best[0]:
            heapq.heapreplace(best, -neg)
    met = list(figures)
    named = {**bonus, "ids": id_list(met), "receiving_also": id_list(receiving_also(met))}
    extra = {
        row[0]: (int(row[1]), bool(row[2])) for row in store.conn.execute(_BONUS_OF_SOME, named)
    }
    scored: dict[int, tuple[int, int, int, bool]] = {}
    for cid, (days, rhythm) in figures.items():
        broken, receiving = extra.get(cid, (0, False))
        scored[cid] = (days, rhythm, broken, receiving)
    scores = {
        cid: days / rhythm + broken + (1.0 if receiving else 0.0)
        for cid, (days, rhythm, broken, receiving) in scored.items()
    }
    ordered = sorted(scores.values(), reverse=True)
    cut = ordered[top - 1] if 0 < top <= len(ordered) else float("-inf")
    kept = [cid for cid, score in scores.items() if score > cut]
    tied = [cid for cid, score in scores.items() if score == cut]
    need = top - len(kept)
    total = _count(store, where, filters)
    # A first day ties everyone (all imported at one moment, never talked): of
    # thousands tied with the last place only the first by name can show, and
    # reading names in index order finds them after about need * total / tied rows.
    if len(tied) > need + _SLACK and need * total < len(tied) * len(tied) // 4:
        kept += _first_by_name(store, tied, need)
    else:
        kept += tied
    out = [(ref, *scored[ref.id]) for ref in _refs_by_name(store, kept)]
    return out, total


def _ranked_alike(
    store: Store,
    days: int,
    active: int,
    rhythm: int,
    bonus: dict[str, Any],
    where: str,
    filters: list[Any],
    top: int,
) -> tuple[list[tuple[ContactRef, int, int, int, bool]], int] | None:
    """What :func:`_ranked_from` gives when every active contact has the same
    days quiet and the default rhythm (store/quiet.py ``uniform``), without
    reading each one's figures: those whose promises or ledger add to their
    score come first, and the page is filled by the first of everyone else by
    name. None when that is not the page (as many with a bonus as places, or
    too few tied for reading names in order to pay)."""
    extra = {row[0]: (int(row[1]), bool(row[2])) for row in store.conn.execute(_BONUS, bonus)}
    if extra:
        listed = {
            row[0]
            for row in store.conn.execute(
                "SELECT id FROM contacts WHERE archived_at IS NULL"
                " AND id IN (SELECT value FROM json_each(?))",
                (id_list(extra),),
            )
        }
        extra = {cid: figures for cid, figures in extra.items() if cid in listed}
    above = [cid for cid, (broken, receiving) in extra.items() if broken or receiving]
    need = top - len(above)
    tied = active - len(above)
    total = _count(store, where, filters)
    if need <= 0 or not (tied > need + _SLACK and need * total < tied * tied // 4):
        return None
    kept = above + _first_by_name(store, None, need, exclude=set(above))
    out = [
        (ref, days, rhythm, *extra.get(ref.id, (0, False))) for ref in _refs_by_name(store, kept)
    ]
    return out, total


#: SQLite's NOCASE folds ASCII letters only; so does this table.
_NOCASE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _first_by_name(
    store: Store, ids: list[int] | None, count: int, exclude: Set[int] = frozenset()
) -> list[int]:
    """The first ``count`` of ``ids`` (``None``: every active contact not in
    ``exclude``) in the order the contacts list ranks equal
    scores: the name casefolded, then ``name COLLATE NOCASE`` and id (the order
    it reads them in). For ASCII names the three orders agree, so those are
    read in the name index's order until ``count`` of them are found; names
    beyond ASCII (casefolding may put them anywhere: "ß" is "ss") all join in."""
    wanted = set(ids) if ids is not None else None
    active = "" if ids is not None else " AND archived_at IS NULL"

    def keep(cid: int) -> bool:
        return cid in wanted if wanted is not None else cid not in exclude

    cursor = store.conn.cursor()
    cursor.row_factory = None
    rows = [
        row
        for row in cursor.execute(
            "SELECT id, name FROM contacts"
            f" WHERE length(CAST(name AS BLOB)) != length(name){active}"
        )
        if keep(row[0])
    ]
    beyond = {row[0] for row in rows}
    found = 0
    for row in cursor.execute(
        f"SELECT id, name FROM contacts WHERE 1{active} ORDER BY name COLLATE NOCASE, id"
    ):
        if keep(row[0]) and row[0] not in beyond:
            rows.append(row)
            found += 1
            if found == count:
                break
    cursor.close()
    rows.sort(key=lambda row: (row[1].casefold(), row[1].translate(_NOCASE), row[0]))
    return [row[0] for row in rows[:count]]


def standings(
    store: Store,
    *,
    tag: str | None = None,
    birthdays_on: list[str] | None = None,
) -> list[ContactStanding]:
    """Active contacts with what the neglect rule and birthdays need.

    ``birthdays_on`` keeps only contacts whose birthday falls on one of
    those "MM-DD" days.
    """
    params: list[Any] = []
    where = ["archived_at IS NULL"]
    if tag:
        where.append(f"c.id IN ({TAGGED_CONTACTS})")
        params += tag_params(tag)
    if birthdays_on is not None:
        where.append("substr(birthday, -5) IN (SELECT value FROM json_each(?))")
        from wintogether.store.common import text_list

        params.append(text_list(birthdays_on))
    rows = store.conn.execute(
        "SELECT id, name, company, cadence_days, last_touch_at, created_at, birthday"
        f" FROM contacts c WHERE {' AND '.join(where)}",
        params,
    ).fetchall()
    tags: dict[int, list[str]] = defaultdict(list)
    ids = [row["id"] for row in rows]
    for chunk in chunks(ids):
        for row in store.conn.execute(
            "SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
            f" WHERE ct.contact_id IN ({','.join('?' for _ in chunk)})",
            list(chunk),
        ):
            tags[row[0]].append(row[1])
    from wintogether.models import ContactStanding

    return [
        ContactStanding(
            contact=ContactRef(row["id"], row["name"], row["company"]),
            cadence_days=row["cadence_days"],
            tags=tags.get(row["id"], []),
            last_touch_at=utc_time(row["last_touch_at"]),
            created_at=utc_time(row["created_at"]),
            birthday=row["birthday"],
        )
        for row in rows
    ]


def quiet_contacts(
    store: Store,
    *,
    today: date,
    default_days: int,
    tag_days: list[tuple[int, int, str]],
    tag: str | None = None,
    top: int | None = None,
) -> tuple[list[tuple[ContactRef, int, int, str, bool]], int]:
    """Active contacts quiet for at least their rhythm, computed in SQL.

    Each row: (contact, whole days since the last touch or since added, the
    rhythm in days, where it comes from, ever talked). ``tag_days`` gives the
    rhythm each tag carries, (tag id, days, config key), as the domain decides
    it; a contact's own cadence comes first, then the shortest of its tags'
    (equal ones: the first key), then ``default_days``. Days are counted in the
    local zone by its rules for each day, like domain/cadence.py does.
    ``top`` returns only the most slipping (and any tied with the last of
    them); the second value is how many slip in all.
    """
    if top is not None and top <= 0:
        return [], 0
    # Only the slipping are kept, with their days and rhythm: only those shown
    # are joined to their names, and to where their rhythm comes from. The
    # place of the ``top``-th (by attention, then days) is the cut: every row
    # at or above it comes back, the ties with the last one included, and the
    # caller's own ordering (names, case-folded) decides among them.
    tagged, named = "NULL", "NULL"
    if tag_days:
        # The shortest rhythm among the contact's own tags, by its (contact,
        # tag) index; the config key of that rhythm only for the rows shown.
        whens = " ".join("WHEN ? THEN ?" for _ in tag_days)
        own_tags = "FROM contact_tags ct WHERE ct.contact_id = c.id"
        tagged = f"(SELECT min(CASE ct.tag_id {whens} END) {own_tags})"
        named = f"(SELECT substr(min(CASE ct.tag_id {whens} END), 11) {own_tags})"
    rhythm = f"CASE WHEN c.cadence_days THEN c.cadence_days ELSE coalesce({tagged}, ?) END"
    source = (
        f"CASE WHEN c.cadence_days THEN 'contact' ELSE coalesce('tag ' || {named}, 'default') END"
    )
    params: list[Any] = [today.isoformat(), "localtime"]
    params += [value for tag_id, days, _ in tag_days for value in (tag_id, days)]
    params.append(default_days)
    tag_filter = ""
    if tag:
        tag_filter = f" AND c.id IN ({TAGGED_CONTACTS})"
        params += tag_params(tag)
    params.append(max((top or 1) - 1, 0))
    params += scored_params(tag_days)
    shown = ""
    if top is not None:
        shown = """
            WHERE NOT EXISTS (SELECT 1 FROM cut)
                OR (CAST(s.days AS REAL) / s.cadence, s.days) >= (SELECT ratio, days FROM cut)"""
    sql = f"""
        WITH slip AS MATERIALIZED (
            SELECT id, days, cadence FROM (
                SELECT c.id, max(0, CAST(julianday(?) - julianday(
                        coalesce(c.last_touch_at, c.created_at), ?, 'start of day') AS INTEGER))
                        AS days,
                    {rhythm} AS cadence
                FROM contacts c WHERE c.archived_at IS NULL{tag_filter}
            ) WHERE days >= cadence
        ),
        cut AS (
            SELECT CAST(days AS REAL) / cadence AS ratio, days FROM slip
            ORDER BY 1 DESC, 2 DESC LIMIT 1 OFFSET ?
        )
        SELECT s.id, c.name, c.company, s.days, s.cadence, {source},
            c.last_touch_at IS NOT NULL, (SELECT count(*) FROM slip)
        FROM slip s JOIN contacts c ON c.id = s.id{shown}
    """
    rows = store.conn.execute(sql, params).fetchall()
    total = rows[0][7] if rows else 0
    return [
        (ContactRef(row[0], row[1], row[2]), row[3], row[4], row[5], bool(row[6])) for row in rows
    ], total


def add_url(store: Store, contact_id: int, kind: str, url: str, stamp: str) -> None:
    store.conn.execute(
        "INSERT OR IGNORE INTO contact_urls (uid, contact_id, kind, url, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (new_uid(), contact_id, kind, url, stamp),
    )


def add_extras(
    store: Store, contact_id: int, extras: Sequence[tuple[str, str]], stamp: str
) -> None:
    store.conn.executemany(
        "INSERT OR IGNORE INTO contact_extras (uid, contact_id, key, value, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [(new_uid(), contact_id, key, value, stamp) for key, value in extras],
    )


def extras_of(store: Store, contact_id: int) -> list[tuple[str, str]]:
    return [
        (row[0], row[1])
        for row in store.conn.execute(
            "SELECT key, value FROM contact_extras WHERE contact_id = ? ORDER BY id", (contact_id,)
        )
    ]


def contact_id_by_uid(store: Store, uid: str) -> int | None:
    row = store.conn.execute("SELECT id FROM contacts WHERE uid = ?", (uid,)).fetchone()
    return int(row[0]) if row else None


def link_introducer(store: Store, contact_id: int, introducer_id: int) -> None:
    """Record who introduced a contact, unless that is already known or the
    contact is (up the chain) how the introducer came: Marcus, who introduced
    you to Dana, was not introduced by her when she later makes an intro to
    him."""
    seen: set[int] = set()
    current: int | None = introducer_id
    while current is not None and current not in seen:
        if current == contact_id:
            return
        seen.add(current)
        row = store.conn.execute(
            "SELECT introduced_by FROM contacts WHERE id = ?", (current,)
        ).fetchone()
        current = int(row[0]) if row and row[0] is not None else None
    store.conn.execute(
        "UPDATE contacts SET introduced_by = ? WHERE id = ? AND introduced_by IS NULL",
        (introducer_id, contact_id),
    )


def link_manager(store: Store, contact_id: int, manager_id: int) -> None:
    """Record who a contact reports to, unless that is already known or the
    manager reports (up the chain) to them: the tree never loops."""
    if reports_up_to(store, manager_id, {contact_id}):
        return
    store.conn.execute(
        "UPDATE contacts SET reports_to = ? WHERE id = ? AND reports_to IS NULL",
        (manager_id, contact_id),
    )


def introduced_people(store: Store, contact_id: int) -> list[tuple[ContactRef, str, str | None]]:
    """The contacts this one introduced you to: (ref, created_at, met_on), oldest first."""
    return [
        (ContactRef(row[0], row[1], row[2]), row[3], row[4])
        for row in store.conn.execute(
            "SELECT id, name, company, created_at, met_on FROM contacts WHERE introduced_by = ?"
            " ORDER BY coalesce(met_on, created_at), id",
            (contact_id,),
        )
    ]


def manager_of(store: Store, contact_id: int) -> int | None:
    row = store.conn.execute(
        "SELECT reports_to FROM contacts WHERE id = ?", (contact_id,)
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def reports_up_to(store: Store, start: int, targets: set[int]) -> bool:
    """Whether ``start`` is one of ``targets`` or reports to one of them, directly
    or through others (a loop already in the file ends the walk)."""
    seen: set[int] = set()
    current: int | None = start
    while current is not None and current not in seen:
        if current in targets:
            return True
        seen.add(current)
        current = manager_of(store, current)
    return False


def fill_role(store: Store, contact_id: int, role: str) -> None:
    """Record a contact's part in their account, unless one is already set."""
    store.conn.execute(
        "UPDATE contacts SET account_role = ? WHERE id = ? AND account_role IS NULL",
        (role, contact_id),
    )


def uids_of(store: Store, ids: Sequence[int]) -> list[str]:
    import json

    return [
        row[0]
        for row in store.conn.execute(
            "SELECT uid FROM contacts WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json.dumps(list(ids)),),
        )
    ]
