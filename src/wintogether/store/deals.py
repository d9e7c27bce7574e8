"""Deals, the people on them, their plan steps and saved plan templates.

Functions take an open :class:`Store`; writes expect ``Store.write()`` around them.
A plan step is a promise (store/promises.py) plus its row in ``deal_steps``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from wintogether.clock import from_utc_iso
from wintogether.dates import stored_day
from wintogether.models import ContactRef, Deal, PlanStep, Promise
from wintogether.store import promises as promises_store
from wintogether.store.common import chunks, id_list, local_time, new_uid
from wintogether.store.handle import Store

#: The deal columns a command may set.
DEAL_FIELDS = ("title", "company", "target_on", "they_win", "we_win", "notes")


def insert_deal(store: Store, fields: dict[str, Any], stamp: str, *, uid: str | None = None) -> int:
    cursor = store.conn.execute(
        f"INSERT INTO deals (uid, {', '.join(DEAL_FIELDS)}, status, created_at, updated_at)"
        f" VALUES (?, {', '.join('?' for _ in DEAL_FIELDS)}, 'open', ?, ?)",
        [uid or new_uid(), *(fields.get(key) for key in DEAL_FIELDS), stamp, stamp],
    )
    assert cursor.lastrowid is not None
    link_company(store, cursor.lastrowid, fields.get("company"), stamp)
    return cursor.lastrowid


def link_company(store: Store, deal_id: int, company: str | None, stamp: str) -> None:
    """Point the deal at the company record its company text names (none for no text)."""
    from wintogether.store import companies as companies_store

    company_id = (
        companies_store.ensure_company(store, company, stamp)
        if company and company.strip()
        else None
    )
    store.conn.execute(
        "UPDATE deals SET company_id = ? WHERE id = ? AND company_id IS NOT ?",
        (company_id, deal_id, company_id),
    )


def update_deal(store: Store, deal_id: int, fields: dict[str, Any], stamp: str) -> None:
    allowed = {*DEAL_FIELDS, "status", "closed_at", "close_note"}
    if set(fields) - allowed:
        raise ValueError(f"not deal fields: {sorted(set(fields) - allowed)}")
    if fields:
        assignments = ", ".join(f"{key} = ?" for key in fields)
        store.conn.execute(
            f"UPDATE deals SET {assignments}, updated_at = ? WHERE id = ?",
            [*fields.values(), stamp, deal_id],
        )
        if "company" in fields:
            link_company(store, deal_id, fields["company"], stamp)


def touch_deal(store: Store, deal_id: int, stamp: str) -> None:
    store.conn.execute("UPDATE deals SET updated_at = ? WHERE id = ?", (stamp, deal_id))


def add_person(store: Store, deal_id: int, contact_id: int, stamp: str) -> bool:
    """Put a contact on a deal; False when they already are."""
    cursor = store.conn.execute(
        "INSERT OR IGNORE INTO deal_people (uid, deal_id, contact_id, updated_at)"
        " VALUES (?, ?, ?, ?)",
        (new_uid(), deal_id, contact_id, stamp),
    )
    return cursor.rowcount > 0


def remove_person(store: Store, deal_id: int, contact_id: int) -> bool:
    cursor = store.conn.execute(
        "DELETE FROM deal_people WHERE deal_id = ? AND contact_id = ?", (deal_id, contact_id)
    )
    return cursor.rowcount > 0


def _deal(row: Any, people: list[ContactRef]) -> Deal:
    return Deal(
        id=row["id"],
        uid=row["uid"],
        title=row["title"],
        company=row["company_name"] or row["company"],
        target_on=stored_day(row["target_on"]) if row["target_on"] else None,
        they_win=row["they_win"],
        we_win=row["we_win"],
        status=row["status"],
        closed_at=local_time(row["closed_at"]),
        close_note=row["close_note"],
        notes=row["notes"],
        created_at=from_utc_iso(row["created_at"]),
        updated_at=from_utc_iso(row["updated_at"]),
        people=people,
    )


def _people(store: Store, deal_ids: Sequence[int]) -> dict[int, list[ContactRef]]:
    found: dict[int, list[ContactRef]] = defaultdict(list)
    for chunk in chunks(deal_ids):
        marks = ",".join("?" for _ in chunk)
        for row in store.conn.execute(
            "SELECT dp.deal_id, c.id, c.name, c.company FROM deal_people dp"
            f" JOIN contacts c ON c.id = dp.contact_id WHERE dp.deal_id IN ({marks})"
            " ORDER BY dp.id",
            list(chunk),
        ):
            found[row[0]].append(ContactRef(row[1], row[2], row[3]))
    return found


def _select(store: Store, tail: str, params: Sequence[Any]) -> list[Deal]:
    rows = list(
        store.conn.execute(
            "SELECT d.*, co.name AS company_name FROM deals d"
            f" LEFT JOIN companies co ON co.id = d.company_id {tail}",
            params,
        )
    )
    people = _people(store, [row["id"] for row in rows])
    return [_deal(row, people.get(row["id"], [])) for row in rows]


def get_deal(store: Store, deal_id: int) -> Deal | None:
    found = _select(store, "WHERE d.id = ?", (deal_id,))
    return found[0] if found else None


def deals(
    store: Store, *, statuses: Sequence[str] = ("open",), limit: int | None = None
) -> list[Deal]:
    """Deals with these statuses, soonest target first (no target last), at most ``limit``."""
    marks = ",".join("?" for _ in statuses)
    return _select(
        store,
        f"WHERE d.status IN ({marks}) ORDER BY d.target_on IS NULL, d.target_on, d.id LIMIT ?",
        [*statuses, -1 if limit is None else limit],
    )


def deal_refs(store: Store) -> list[tuple[int, str, str | None, str | None, str]]:
    """(id, title, company, target day, status) of every deal, open ones first,
    soonest target first: what shell completion offers (one query, no people)."""
    return [
        (row[0], row[1], row[2], row[3], row[4])
        for row in store.conn.execute(
            "SELECT d.id, d.title, coalesce(co.name, d.company), d.target_on, d.status"
            " FROM deals d LEFT JOIN companies co ON co.id = d.company_id"
            " ORDER BY d.status != 'open', d.target_on IS NULL, d.target_on, d.id"
        )
    ]


def deals_by_title(store: Store, text: str) -> list[Deal]:
    return _select(store, "WHERE d.title = ? COLLATE NOCASE ORDER BY d.id", (text,))


def deals_by_fragment(store: Store, text: str) -> list[Deal]:
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return _select(
        store,
        "WHERE d.title LIKE ? ESCAPE '\\' OR d.company LIKE ? ESCAPE '\\'"
        " OR co.name LIKE ? ESCAPE '\\' ORDER BY d.id",
        (pattern, pattern, pattern),
    )


def deals_of_contact(store: Store, contact_id: int) -> list[Deal]:
    return _select(
        store,
        "WHERE d.id IN (SELECT deal_id FROM deal_people WHERE contact_id = ?) ORDER BY d.id",
        (contact_id,),
    )


def deals_of_company(store: Store, company_id: int, closed_since: str) -> list[Deal]:
    """A company's open deals (soonest target first) and those closed since
    ``closed_since`` (a UTC stamp; latest first): one seek in ``deals_company``."""
    return _select(
        store,
        "WHERE d.company_id = ? AND (d.status = 'open' OR d.closed_at >= ?)"
        " ORDER BY d.status != 'open', d.target_on IS NULL, d.target_on, d.closed_at DESC, d.id",
        (company_id, closed_since),
    )


def deal_ids_of_contacts(store: Store, contact_ids: Sequence[int]) -> list[int]:
    out: set[int] = set()
    for chunk in chunks(contact_ids):
        marks = ",".join("?" for _ in chunk)
        out.update(
            row[0]
            for row in store.conn.execute(
                f"SELECT deal_id FROM deal_people WHERE contact_id IN ({marks})", list(chunk)
            )
        )
    return sorted(out)


def deals_opened_between(store: Store, start: str, end: str) -> list[Deal]:
    """Deals created in [start, end) (UTC stamps), oldest first."""
    return _select(
        store,
        "WHERE d.created_at >= ? AND d.created_at < ? ORDER BY d.created_at, d.id",
        (start, end),
    )


def deals_closed_between(store: Store, start: str, end: str) -> list[Deal]:
    """Deals won, lost or dropped in [start, end), oldest first."""
    return _select(
        store,
        "WHERE d.closed_at >= ? AND d.closed_at < ? ORDER BY d.closed_at, d.id",
        (start, end),
    )


# -- plan steps --------------------------------------------------------------------


def insert_step(
    store: Store,
    *,
    deal_id: int,
    promise_id: int,
    milestone: bool,
    after_step_id: int | None,
    stamp: str,
    uid: str | None = None,
    position: int | None = None,
) -> int:
    if position is None:
        position = next_position(store, deal_id)
    cursor = store.conn.execute(
        "INSERT INTO deal_steps (uid, deal_id, promise_id, position, milestone, after_step_id,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (uid or new_uid(), deal_id, promise_id, position, int(milestone), after_step_id, stamp),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def next_position(store: Store, deal_id: int) -> int:
    row = store.conn.execute(
        "SELECT coalesce(max(position), 0) + 1 FROM deal_steps WHERE deal_id = ?", (deal_id,)
    ).fetchone()
    return int(row[0])


def update_step(store: Store, step_id: int, fields: dict[str, Any], stamp: str) -> None:
    allowed = {"milestone", "after_step_id", "position"}
    if set(fields) - allowed:
        raise ValueError(f"not step fields: {sorted(set(fields) - allowed)}")
    if fields:
        assignments = ", ".join(f"{key} = ?" for key in fields)
        store.conn.execute(
            f"UPDATE deal_steps SET {assignments}, updated_at = ? WHERE id = ?",
            [*fields.values(), stamp, step_id],
        )


def steps(store: Store, deal_ids: Sequence[int]) -> dict[int, list[PlanStep]]:
    """The plan of each deal, in plan order."""
    rows: list[Any] = []
    for chunk in chunks(deal_ids):
        marks = ",".join("?" for _ in chunk)
        rows.extend(
            store.conn.execute(
                f"SELECT * FROM deal_steps WHERE deal_id IN ({marks})"
                " ORDER BY deal_id, position, uid",
                list(chunk),
            )
        )
    promises: dict[int, Promise] = {}
    promise_ids = [row["promise_id"] for row in rows]
    for chunk in chunks(promise_ids):
        marks = ",".join("?" for _ in chunk)
        for found in promises_store.select(store, f"WHERE p.id IN ({marks})", list(chunk)):
            promises[found.id] = found
    out: dict[int, list[PlanStep]] = defaultdict(list)
    for row in rows:
        promise = promises.get(row["promise_id"])
        if promise is None:
            continue
        out[row["deal_id"]].append(_step(row, promise))
    return out


def _step(row: Any, promise: Promise) -> PlanStep:
    """A ``deal_steps`` row with its promise."""
    return PlanStep(
        id=row["id"],
        uid=row["uid"],
        deal_id=row["deal_id"],
        position=row["position"],
        milestone=bool(row["milestone"]),
        after_step_id=row["after_step_id"],
        promise=promise,
    )


def step_with_number(store: Store, step_id: int) -> tuple[PlanStep, int]:
    """One step with its promise, and its number in its deal's plan (the plan's
    order: position, then id), in two queries."""
    row = store.conn.execute(
        "SELECT s.*, (SELECT count(*) FROM deal_steps o WHERE o.deal_id = s.deal_id"
        " AND (o.position < s.position OR (o.position = s.position AND o.id <= s.id)))"
        " AS number FROM deal_steps s WHERE s.id = ?",
        (step_id,),
    ).fetchone()
    (promise,) = promises_store.select(store, "WHERE p.id = ?", (row["promise_id"],))
    return _step(row, promise), int(row["number"])


def plan_facts(
    store: Store, deal_ids: Sequence[int]
) -> dict[int, list[tuple[int, int | None, bool, str, date, date | None, str]]]:
    """What a plan's health is worked out from, per deal, in plan order: each
    step's id, the step it follows, milestone, its promise's status, due day,
    local day done and text. One query, no promise records (`wt deals`)."""
    out: dict[int, list[tuple[int, int | None, bool, str, date, date | None, str]]] = defaultdict(
        list
    )
    for chunk in chunks(deal_ids):
        marks = ",".join("?" for _ in chunk)
        for row in store.conn.execute(
            "SELECT s.deal_id, s.id, s.after_step_id, s.milestone, p.status, p.due_on,"
            " p.done_at, p.text FROM deal_steps s JOIN promises p ON p.id = s.promise_id"
            f" WHERE s.deal_id IN ({marks}) ORDER BY s.deal_id, s.position, s.uid",
            list(chunk),
        ):
            done_at = row[6]
            out[row[0]].append(
                (
                    row[1],
                    row[2],
                    bool(row[3]),
                    row[4],
                    stored_day(row[5]),
                    local_time(done_at).date() if done_at else None,
                    row[7],
                )
            )
    return out


def step_promise_ids(store: Store, promise_ids: Sequence[int]) -> set[int]:
    """Which of these promises are plan steps."""
    out: set[int] = set()
    for chunk in chunks(promise_ids):
        marks = ",".join("?" for _ in chunk)
        out.update(
            row[0]
            for row in store.conn.execute(
                f"SELECT promise_id FROM deal_steps WHERE promise_id IN ({marks})", list(chunk)
            )
        )
    return out


def step_of_promise(store: Store, promise_id: int) -> tuple[int, int] | None:
    """(deal id, step id) of the step a promise is, if it is one."""
    row = store.conn.execute(
        "SELECT deal_id, id FROM deal_steps WHERE promise_id = ?", (promise_id,)
    ).fetchone()
    return (row[0], row[1]) if row else None


def move_steps_of_person(
    store: Store, contact_id: int, stamp: str, skip: Sequence[int] = ()
) -> int:
    """Before a person is forgotten: their plan steps move to the next person on
    the same deal (the deal keeps its plan), not to one of ``skip``. Returns how
    many moved."""
    moved = 0
    for row in list(
        store.conn.execute(
            "SELECT s.promise_id, s.deal_id FROM deal_steps s"
            " JOIN promises p ON p.id = s.promise_id WHERE p.contact_id = ?",
            (contact_id,),
        )
    ):
        other = store.conn.execute(
            "SELECT contact_id FROM deal_people WHERE deal_id = ? AND contact_id != ?"
            " AND contact_id NOT IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT 1",
            (row[1], contact_id, id_list(skip)),
        ).fetchone()
        if other is None:
            continue
        store.conn.execute(
            "UPDATE promises SET contact_id = ?, updated_at = ? WHERE id = ?",
            (other[0], stamp, row[0]),
        )
        moved += 1
    return moved


# -- templates ---------------------------------------------------------------------


def save_template(store: Store, name: str, steps_json: str, stamp: str) -> int:
    """Create or replace the template called ``name``."""
    row = store.conn.execute(
        "SELECT id FROM plan_templates WHERE name = ? COLLATE NOCASE", (name,)
    ).fetchone()
    if row is not None:
        store.conn.execute(
            "UPDATE plan_templates SET steps = ?, updated_at = ? WHERE id = ?",
            (steps_json, stamp, row[0]),
        )
        return int(row[0])
    cursor = store.conn.execute(
        "INSERT INTO plan_templates (uid, name, steps, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (new_uid(), name, steps_json, stamp, stamp),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def get_template(store: Store, name: str) -> str | None:
    row = store.conn.execute(
        "SELECT steps FROM plan_templates WHERE name = ? COLLATE NOCASE", (name,)
    ).fetchone()
    return None if row is None else str(row[0])


def template_names(store: Store) -> list[str]:
    return [row[0] for row in store.conn.execute("SELECT name FROM plan_templates ORDER BY name")]


def contact_uids(store: Store, ids: Sequence[int]) -> dict[int, str]:
    """Contact id -> uid, of these contacts."""
    return {
        int(row[0]): str(row[1])
        for row in store.conn.execute(
            "SELECT id, uid FROM contacts WHERE id IN (SELECT value FROM json_each(?))",
            (id_list(ids),),
        )
    }
