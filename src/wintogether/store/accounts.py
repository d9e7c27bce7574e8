"""Reads behind the account views: the people of companies, their job moves, and
what happened with a group of contacts (promises, conversations per month, wins).

Groups of contacts are passed as a JSON array (``json_each``), so a company of
200 people is one query, not 200.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from wintogether.frozen import Frozen
from wintogether.models import ContactRef, ContactStanding
from wintogether.store.common import id_list, utc_time
from wintogether.store.handle import Store
from wintogether.store.scoring import scored_params, scored_sql
from wintogether.text import read_json

if TYPE_CHECKING:
    from wintogether.models import Promise, Win

_IN = "IN (SELECT value FROM json_each(?))"


class Member(Frozen):
    """A contact as the account views see them (an account reads hundreds)."""

    _fields = (
        "standing",
        "company_id",
        "title",
        "role",
        "reports_to",
        "introduced_by",
        "archived",
    )
    standing: ContactStanding
    company_id: int | None
    title: str | None
    role: str | None
    reports_to: int | None
    introduced_by: int | None
    archived: bool

    def __init__(
        self,
        standing: ContactStanding,
        company_id: int | None,
        title: str | None,
        role: str | None,
        reports_to: int | None,
        introduced_by: int | None,
        archived: bool,
    ) -> None:
        setter = object.__setattr__
        setter(self, "standing", standing)
        setter(self, "company_id", company_id)
        setter(self, "title", title)
        setter(self, "role", role)
        setter(self, "reports_to", reports_to)
        setter(self, "introduced_by", introduced_by)
        setter(self, "archived", archived)


_MEMBER_SELECT = (
    "SELECT c.id, c.name, c.company, c.company_id, c.title, c.account_role, c.reports_to,"
    " c.introduced_by, c.cadence_days, c.last_touch_at, c.created_at, c.birthday,"
    " c.archived_at FROM contacts c"
)


def _members(store: Store, where: str, params: Sequence[object]) -> list[Member]:
    cursor = store.conn.cursor()
    cursor.row_factory = None  # plain tuples: an account reads hundreds
    rows = cursor.execute(f"{_MEMBER_SELECT} {where}", params).fetchall()
    tags: dict[int, list[str]] = defaultdict(list)
    if rows:
        for contact_id, tag in cursor.execute(
            "SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
            f" WHERE ct.contact_id {_IN}",
            (id_list(row[0] for row in rows),),
        ):
            tags[contact_id].append(tag)
    out = []
    for (
        cid,
        name,
        company,
        company_id,
        title,
        role,
        reports_to,
        introduced_by,
        cadence_days,
        last_touch_at,
        created_at,
        birthday,
        archived_at,
    ) in rows:
        created = utc_time(created_at)
        assert created is not None
        out.append(
            Member(
                ContactStanding(
                    ContactRef(cid, name, company),
                    cadence_days,
                    tags.get(cid, []),
                    utc_time(last_touch_at),
                    created,
                    birthday,
                ),
                company_id,
                title,
                role,
                reports_to,
                introduced_by,
                archived_at is not None,
            )
        )
    return out


def members_of(store: Store, company_id: int) -> list[Member]:
    """Everyone whose company text names this company (archived ones included)."""
    return _members(
        store, "WHERE c.company_id = ? ORDER BY c.name COLLATE NOCASE, c.id", (company_id,)
    )


def members_by_ids(store: Store, ids: Sequence[int]) -> list[Member]:
    return _members(store, f"WHERE c.id {_IN} ORDER BY c.id", (id_list(ids),))


class Known(Frozen):
    """A contact as a warm path reads them: who, where, their part in the account
    and who introduced them; no standing (a path ranks from its own rows)."""

    _fields = ("contact", "company_id", "title", "role", "introduced_by", "archived")
    contact: ContactRef
    company_id: int | None
    title: str | None
    role: str | None
    introduced_by: int | None
    archived: bool

    def __init__(
        self,
        contact: ContactRef,
        company_id: int | None,
        title: str | None,
        role: str | None,
        introduced_by: int | None,
        archived: bool,
    ) -> None:
        setter = object.__setattr__
        setter(self, "contact", contact)
        setter(self, "company_id", company_id)
        setter(self, "title", title)
        setter(self, "role", role)
        setter(self, "introduced_by", introduced_by)
        setter(self, "archived", archived)


def _known(store: Store, where: str, params: Sequence[object]) -> list[Known]:
    return [
        Known(ContactRef(row[0], row[1], row[2]), row[3], row[4], row[5], row[6], bool(row[7]))
        for row in store.conn.execute(
            "SELECT c.id, c.name, c.company, c.company_id, c.title, c.account_role,"
            f" c.introduced_by, c.archived_at IS NOT NULL FROM contacts c {where}",
            params,
        )
    ]


def known_at(store: Store, company_id: int) -> list[Known]:
    """:func:`members_of` as a warm path reads them."""
    return _known(
        store, "WHERE c.company_id = ? ORDER BY c.name COLLATE NOCASE, c.id", (company_id,)
    )


def known_by_ids(store: Store, ids: Sequence[int]) -> list[Known]:
    """:func:`members_by_ids` as a warm path reads them."""
    return _known(store, f"WHERE c.id {_IN} ORDER BY c.id", (id_list(ids),))


#: A person as an account's lists sort and count them: (id, name, company text,
#: part in the account, archived: 1 or 0).
Listed = tuple[int, str, str | None, str | None, int]


def listed_at(store: Store, company_id: int) -> list[Listed]:
    """:func:`members_of` as an account's lists sort and count them (plain tuples:
    a big account has hundreds, and only a screenful is read in full)."""
    return _listed(
        store, "WHERE c.company_id = ? ORDER BY c.name COLLATE NOCASE, c.id", (company_id,)
    )


def listed_by_ids(store: Store, ids: Sequence[int]) -> list[Listed]:
    """:func:`members_by_ids` as :func:`listed_at` reads them."""
    if not ids:
        return []
    return _listed(store, f"WHERE c.id {_IN} ORDER BY c.id", (id_list(ids),))


def _listed(store: Store, where: str, params: Sequence[object]) -> list[Listed]:
    cursor = store.conn.cursor()
    cursor.row_factory = None
    return cursor.execute(
        "SELECT c.id, c.name, c.company, c.account_role, c.archived_at IS NOT NULL"
        f" FROM contacts c {where}",
        params,
    ).fetchall()


def all_members(store: Store) -> list[Member]:
    """Every active contact that names a company."""
    return _members(
        store, "WHERE c.company_id IS NOT NULL AND c.archived_at IS NULL ORDER BY c.id", ()
    )


def everyone(store: Store) -> list[Member]:
    """Every active contact."""
    return _members(store, "WHERE c.archived_at IS NULL ORDER BY c.id", ())


def active_people(store: Store, ids: Sequence[int]) -> list[tuple[ContactRef, datetime | None]]:
    """These contacts, archived ones left out, by id: each with their last touch."""
    return [
        (ContactRef(row[0], row[1], row[2]), utc_time(row[3]))
        for row in store.conn.execute(
            f"SELECT id, name, company, last_touch_at FROM contacts WHERE id {_IN}"
            " AND archived_at IS NULL ORDER BY id",
            (id_list(ids),),
        )
    ]


def count_active(store: Store, ids: Sequence[int]) -> int:
    """How many of these contacts are not archived."""
    row = store.conn.execute(
        f"SELECT count(*) FROM contacts WHERE id {_IN} AND archived_at IS NULL",
        (id_list(ids),),
    ).fetchone()
    return int(row[0])


class WarmPerson(Frozen):
    """Someone at a company with the figures of their attention."""

    _fields = ("contact", "days", "cadence", "source", "talked")
    contact: ContactRef
    days: int  # whole days since the last touch, or since added
    cadence: int  # their rhythm in days
    source: str  # where the rhythm comes from: "contact", "tag NAME" or "default"
    talked: bool

    def __init__(
        self, contact: ContactRef, days: int, cadence: int, source: str, talked: bool
    ) -> None:
        setter = object.__setattr__
        setter(self, "contact", contact)
        setter(self, "days", days)
        setter(self, "cadence", cadence)
        setter(self, "source", source)
        setter(self, "talked", talked)


class CompanyFigures(Frozen):
    """A company's active people taken together, grouped in SQL. Written out
    (frozen.py): `wt companies` makes one per company, 1,475 at the large scale."""

    _fields = ("company_id", "name", "people", "attention", "last_touch_at", "roles")
    company_id: int
    name: str  # the company's
    people: int
    #: The lowest attention there (days quiet over rhythm): its warmest relationship's.
    attention: float
    last_touch_at: str | None  # the latest of its people's
    roles: tuple[str, ...]  # the part in the account of each person who has one

    def __init__(
        self,
        company_id: int,
        name: str,
        people: int,
        attention: float,
        last_touch_at: str | None,
        roles: tuple[str, ...],
    ) -> None:
        setter = object.__setattr__
        setter(self, "company_id", company_id)
        setter(self, "name", name)
        setter(self, "people", people)
        setter(self, "attention", attention)
        setter(self, "last_touch_at", last_touch_at)
        setter(self, "roles", roles)


_ACTIVE_AT_A_COMPANY = "c.archived_at IS NULL AND c.company_id IS NOT NULL"


def _scored_params(
    tag_days: list[tuple[int, int, str]], default_days: int, today: date
) -> list[object]:
    return [
        *scored_params(tag_days),
        default_days,
        today.isoformat(),
        "localtime",
    ]


def company_figures(
    store: Store,
    *,
    today: date,
    default_days: int,
    tag_days: list[tuple[int, int, str]],
    company_ids: Sequence[int] | None = None,
) -> list[CompanyFigures]:
    """Every company with active people (or these ``company_ids`` of them): its
    name, how many, the lowest attention among them (computed in SQL as
    store.contacts.quiet_contacts computes attention; ``tag_days``: the rhythm
    each tag carries, as the domain decides it), their latest touch and their
    roles; in the order of store.companies.company_rows (by name). One grouped
    pass, each company's name read once per company; :func:`people_figures`
    then says who is the warmest at the companies shown."""
    where, chosen = _ACTIVE_AT_A_COMPANY, []
    if company_ids is not None:
        where = f"c.archived_at IS NULL AND c.company_id {_IN}"
        chosen = [id_list(company_ids)]
    sql = (
        scored_sql(where, len(tag_days), ("company_id", "last_touch_at", "account_role"))
        + """
        SELECT company_id, (SELECT k.name FROM companies k WHERE k.id = company_id) AS name,
            count(*), min(CAST(days AS REAL) / cadence), max(last_touch_at),
            group_concat(account_role, ' ')
        FROM scored GROUP BY company_id ORDER BY name COLLATE NOCASE, company_id
    """
    )
    params = [*_scored_params(tag_days, default_days, today), *chosen]
    cursor = store.conn.cursor()
    cursor.row_factory = None  # plain tuples: one row per company
    return [
        CompanyFigures(cid, name, people, attention, last, tuple(roles.split(" ")) if roles else ())
        for cid, name, people, attention, last, roles in cursor.execute(sql, params)
        if name is not None  # a company that is no longer there lists nobody
    ]


def coldest_companies(
    store: Store,
    *,
    today: date,
    default_days: int,
    tag_days: list[tuple[int, int, str]],
    top: int,
) -> tuple[list[int], int] | None:
    """The companies in the first ``top`` places of :func:`company_figures` by
    attention (the lowest attention of a company's active people, highest
    first), with every one tied with the last of them, in no particular order;
    and how many companies have active people. None when the kept quiet moments
    cannot say (store/quiet.py ``coldest_at_companies``).

    Read without scoring everyone: the active people with a company are walked
    coldest first, and a company's lowest attention is that of its last person
    met, so companies are complete in the order of the listing. The walk stops
    once ``top`` are complete and the next person is warmer than the last of
    them (a company still open then can only rank lower)."""
    from wintogether.store.quiet import coldest_at_companies

    walk = coldest_at_companies(
        store,
        today=today,
        default_days=default_days,
        tag_days=tag_days,
    )
    if walk is None:
        return None
    cursor = store.conn.cursor()
    cursor.row_factory = None
    # Active people per company: every person by the company index, less the
    # archived ones (few, found from the kept quiet rows).
    left: dict[int, int] = dict(
        cursor.execute(
            "SELECT company_id, n FROM (SELECT company_id, count(*) AS n"
            " FROM contacts INDEXED BY contacts_company WHERE company_id IS NOT NULL"
            " GROUP BY company_id) WHERE company_id IN (SELECT id FROM companies)"
        ).fetchall()
    )
    for (company_id,) in cursor.execute(
        "SELECT c.company_id FROM contact_quiet q CROSS JOIN contacts c ON c.id = q.contact_id"
        " WHERE NOT q.active AND c.company_id IS NOT NULL"
    ).fetchall():
        if company_id in left:
            left[company_id] -= 1
            if not left[company_id]:
                del left[company_id]
    total = len(left)
    met: set[int] = set()
    complete: list[int] = []
    cut: float | None = None
    for ratio, contact_id, company_id in walk:
        if cut is not None and ratio > cut:
            break
        if contact_id in met or company_id not in left:
            continue
        met.add(contact_id)
        left[company_id] -= 1
        if not left[company_id]:
            complete.append(company_id)
            if cut is None and len(complete) == top:
                cut = ratio
    return complete, total


def people_figures(
    store: Store,
    company_ids: Sequence[int] | None,
    *,
    today: date,
    default_days: int,
    tag_days: list[tuple[int, int, str]],
) -> list[tuple[int, WarmPerson]]:
    """The active people of these companies (None: of every company), by id, with
    their attention figures (as :func:`company_figures` computes them): (company
    id, person). A screenful of companies reads only their people, by index."""
    where, params = _ACTIVE_AT_A_COMPANY, []
    if company_ids is not None:
        where = f"c.archived_at IS NULL AND c.company_id {_IN}"
        params = [id_list(company_ids)]
    sql = (
        scored_sql(where, len(tag_days), ("company_id", "name", "company"))
        + " SELECT company_id, id, name, company, days, cadence, source, talked"
        " FROM scored ORDER BY id"
    )
    cursor = store.conn.cursor()
    cursor.row_factory = None
    return [
        (
            row[0],
            WarmPerson(ContactRef(row[1], row[2], row[3]), row[4], row[5], row[6], bool(row[7])),
        )
        for row in cursor.execute(sql, [*_scored_params(tag_days, default_days, today), *params])
    ]


class JobMove(Frozen):
    """A job change an import recorded: the company left and the one joined."""

    _fields = ("contact_id", "old_company", "old_title", "new_company", "happened_at")
    contact_id: int
    old_company: str | None
    old_title: str | None
    new_company: str | None
    happened_at: str

    def __init__(
        self,
        contact_id: int,
        old_company: str | None,
        old_title: str | None,
        new_company: str | None,
        happened_at: str,
    ) -> None:
        self._set(
            contact_id=contact_id,
            old_company=old_company,
            old_title=old_title,
            new_company=new_company,
            happened_at=happened_at,
        )


def has_deals(store: Store, company_id: int, closed_since: str) -> bool:
    """Whether store.deals.deals_of_company would find any deal (the same
    condition): an account with none shows no deals without loading their code."""
    row = store.conn.execute(
        "SELECT EXISTS (SELECT 1 FROM deals d WHERE d.company_id = ?"
        " AND (d.status = 'open' OR d.closed_at >= ?))",
        (company_id, closed_since),
    ).fetchone()
    return bool(row[0])


def job_moves(store: Store, contact_ids: Sequence[int] | None = None) -> list[JobMove]:
    """Job changes recorded by imports (oldest first): the companies left and joined."""
    where = "WHERE e.kind = 'job_change'"
    params: list[object] = []
    if contact_ids is not None:
        where += f" AND e.contact_id {_IN}"
        params.append(id_list(contact_ids))
    out = []
    for row in store.conn.execute(
        "SELECT e.contact_id, e.old_value, e.new_value, e.happened_at FROM contact_events e"
        f" {where} ORDER BY e.happened_at, e.id",
        params,
    ):
        old, new = _job(row[1]), _job(row[2])
        out.append(
            JobMove(
                row[0], _text(old, "company"), _text(old, "title"), _text(new, "company"), row[3]
            )
        )
    return out


def _job(value: str | None) -> dict[str, Any]:
    """A job change's stored JSON object (read by Python, as it was written:
    whatever it holds, an escaped lone surrogate included); {} for anything else."""
    try:
        data = read_json(value) if value else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _text(job: dict[str, Any], key: str) -> str | None:
    """``job[key]`` when it is text (a number or a list there names nothing)."""
    value = job.get(key)
    return value if isinstance(value, str) else None


def promises_due_since(store: Store, ids: Sequence[int], start: date) -> list[Promise]:
    """Promises (any status) of these contacts due on or after ``start``."""
    from wintogether.store import promises as promises_store  # here: `wt companies` needs none

    return promises_store.select(
        store,
        f"WHERE p.contact_id {_IN} AND p.due_on >= ? ORDER BY p.due_on, p.id",
        (id_list(ids), start.isoformat()),
    )


def word_rows(
    store: Store, ids: Sequence[int], start: date
) -> list[tuple[int, str, str, date, datetime | None]]:
    """What a word record reads of these contacts' promises due on or after
    ``start``: (contact id, owner, status, due day, done at), without building
    each promise (ranking a big account's people reads hundreds)."""
    return [(r[0], r[1], r[2], r[3], r[4]) for r in _word_rows(store, ids, start, "")]


def _word_rows(store: Store, ids: Sequence[int], start: date, more: str) -> list[tuple[Any, ...]]:
    """:func:`word_rows`, with the columns ``more`` (", col, …") after them."""
    from wintogether.dates import stored_day

    cursor = store.conn.cursor()
    cursor.row_factory = None
    return [
        (row[0], row[1], row[2], stored_day(row[3]), utc_time(row[4]), *row[5:])
        for row in cursor.execute(
            f"SELECT contact_id, owner, status, due_on, done_at{more} FROM promises"
            f" WHERE contact_id {_IN} AND due_on >= ?",
            (id_list(ids), start.isoformat()),
        )
    ]


def ledger_flows(store: Store, ids: Sequence[int], since: str) -> list[tuple[int, str, datetime]]:
    """(contact id, direction, when) of these contacts' ledger entries since
    ``since`` (a stored UTC timestamp): what a net balance counts."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    return [
        (row[0], row[1], utc_time(row[2]))
        for row in cursor.execute(
            f"SELECT contact_id, direction, happened_at FROM ledger WHERE contact_id {_IN}"
            " AND happened_at >= ?",
            (id_list(ids), since),
        )
    ]


class DueRow:
    """A promise as a word record reads it (domain.health.Due): whose, whose
    word, its status, due day, when it was done and when it was made."""

    __slots__ = ("contact_id", "done_at", "due_on", "made_at", "owner", "status")

    def __init__(
        self,
        contact_id: int,
        owner: str,
        status: str,
        due_on: date,
        done_at: datetime | None,
        made_at: datetime | None = None,
    ) -> None:
        self.contact_id = contact_id
        self.owner = owner
        self.status = status
        self.due_on = due_on
        self.done_at = done_at
        self.made_at = made_at


def dues_since(
    store: Store, ids: Sequence[int], start: date, made_of: Container[int] = ()
) -> list[DueRow]:
    """:func:`promises_due_since` as word records read them, without the rest
    of each promise; when each was made only for the contacts in ``made_of``
    (None for the others)."""
    return [
        DueRow(
            row[0], row[1], row[2], row[3], row[4], utc_time(row[5]) if row[0] in made_of else None
        )
        for row in _word_rows(store, ids, start, ", created_at")
    ]


def open_promises(store: Store, ids: Sequence[int]) -> list[Promise]:
    """The open promises of these contacts, in due order: read from the index of
    open promises by contact (a seek per person), not by walking every open
    promise of the file for the ones of an account's people (1,174 for 29 on
    the large benchmark)."""
    from wintogether.store import promises as promises_store

    return promises_store.select(
        store,
        f"WHERE p.contact_id {_IN} AND p.status = 'open' ORDER BY p.due_on, p.id",
        (id_list(ids),),
        table="promises p INDEXED BY promises_open_contact",
        promises_first=True,
    )


def wins_since(store: Store, ids: Sequence[int], since: str) -> list[Win]:
    from wintogether.store import ledger as ledger_store

    return ledger_store.wins_of(store, ids, since)


def talked_counts(store: Store, ids: Sequence[int]) -> dict[tuple[int, int], int]:
    """(one of these contacts, someone else) -> conversations they were both in."""
    return {
        (row[0], row[1]): int(row[2])
        for row in store.conn.execute(
            "SELECT p.contact_id, q.contact_id, count(*) FROM interaction_participants p"
            " JOIN interaction_participants q ON q.interaction_id = p.interaction_id"
            f" AND q.contact_id != p.contact_id WHERE p.contact_id {_IN}"
            " GROUP BY p.contact_id, q.contact_id",
            (id_list(ids),),
        )
    }
