"""One column spec per listed result: the table, JSON and CSV all read it.

A :class:`Column` names a field once: its CSV header, how to get its value,
and its table heading (``None`` when the table shows it inside another cell,
as the status inside the promise text). :class:`Columns` adds the documented
JSON record of one row (docs/json.md). ``--format csv`` writes every column,
``--format json`` every record, and the terminal tables (render/*.py) take
their headings and plain cells from the same spec.

No Rich here: JSON and CSV output never import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from wintogether.domain.account_list import CompanyRowView
    from wintogether.domain.cadence import Attention
    from wintogether.domain.contacts import ContactRow
    from wintogether.domain.dupes import Pair
    from wintogether.domain.history import HistoryEntry
    from wintogether.domain.importing import Decision
    from wintogether.domain.ledger import BalanceRow
    from wintogether.domain.planview import PlanView
    from wintogether.domain.search import Result
    from wintogether.domain.settings import Setting
    from wintogether.models import Conversation, Promise

R = TypeVar("R")


class _Frozen:
    """Equal, hashed, immutable and shown by their fields, like a frozen
    dataclass, without compiling methods at import: every read that writes a
    table imports these specs."""

    __slots__: tuple[str, ...] = ()
    #: The fields, in order (``__slots__`` is sorted).
    _fields: tuple[str, ...] = ()

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({fields})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")


class Column(_Frozen, Generic[R]):
    """One column: ``name`` is the CSV header (snake_case, stable: scripts read
    it); ``value`` the machine value, what CSV writes (lists joined with "; ");
    ``header`` the table heading, None when the table does not show it."""

    __slots__ = ("header", "name", "value")
    _fields = ("name", "value", "header")
    name: str
    value: Callable[[R], Any]
    header: str | None

    def __init__(self, name: str, value: Callable[[R], Any], header: str | None = None) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "header", header)


class Columns(_Frozen, Generic[R]):
    """A view's columns, and ``record``: one row as JSON, with the keys
    docs/json.md documents."""

    __slots__ = ("columns", "record")
    _fields = ("columns", "record")
    columns: tuple[Column[R], ...]
    record: Callable[[R], Any]

    def __init__(self, columns: tuple[Column[R], ...], record: Callable[[R], Any]) -> None:
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "record", record)

    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def csv_rows(self, rows: Iterable[R]) -> Iterator[list[Any]]:
        for row in rows:
            yield [column.value(row) for column in self.columns]

    def json(self, rows: Iterable[R]) -> list[Any]:
        return [self.record(row) for row in rows]

    def shown(self, *, skip: Sequence[str] = ()) -> list[Column[R]]:
        """The columns a table shows, in order (``skip``: names left out here)."""
        return [c for c in self.columns if c.header is not None and c.name not in skip]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _to_json(row: Any) -> Any:
    return row.to_json()


def _promises() -> Columns[Promise]:
    return Columns(
        (
            Column("id", lambda p: p.id, "id"),
            Column("due_on", lambda p: p.due_on.isoformat(), "due"),
            Column("owner", lambda p: p.owner, "who"),
            Column("status", lambda p: p.status),
            Column("contact_id", lambda p: p.contact.id),
            Column("contact", lambda p: p.contact.name, "contact"),
            Column("text", lambda p: p.text, "promise"),
            Column("done_at", lambda p: _iso(p.done_at)),
        ),
        _to_json,
    )


def _contact_row(row: ContactRow) -> dict[str, Any]:
    from wintogether.render import words

    return row.to_json(words)


def _contacts() -> Columns[ContactRow]:
    return Columns(
        (
            Column("id", lambda r: r.contact.id, "id"),
            Column("name", lambda r: r.contact.name, "name"),
            Column("company", lambda r: r.contact.company, "company"),
            Column("title", lambda r: r.contact.title, "title"),
            Column("emails", lambda r: r.contact.emails),
            Column("phones", lambda r: r.contact.phones),
            Column("tags", lambda r: r.contact.tags, "tags"),
            Column("last_touch_at", lambda r: _iso(r.contact.last_touch_at), "last talked"),
            Column("cadence_days", lambda r: r.attention.cadence_days, "rhythm"),
            Column("attention", lambda r: round(r.attention.attention, 3)),
        ),
        _contact_row,
    )


def _slipping() -> Columns[Attention]:
    return Columns(
        (
            Column("contact_id", lambda r: r.contact.id),
            Column("name", lambda r: r.contact.name, "contact"),
            Column("company", lambda r: r.contact.company),
            Column("days_since_last_touch", lambda r: r.days_since),
            Column("cadence_days", lambda r: r.cadence_days),
            Column("attention", lambda r: round(r.attention, 3)),
            Column("reason", lambda r: r.reason, "why"),
        ),
        _to_json,
    )


def _history() -> Columns[HistoryEntry]:
    return Columns(
        (
            Column("at", lambda e: e.at.isoformat()),
            Column("kind", lambda e: e.kind),
            Column("id", lambda e: e.item.id),
            Column("people", lambda e: e.people),
            Column("text", lambda e: e.text),
        ),
        _to_json,
    )


def _search() -> Columns[Result]:
    return Columns(
        (
            Column("source", lambda r: r.source, "what"),
            Column("id", lambda r: r.id),
            Column("rank", lambda r: round(r.rank, 6)),
            Column("at", lambda r: r.at),
            Column("contact_id", lambda r: r.contact_id),
            Column("contact", lambda r: r.contact_name, "who"),
            Column("snippet", lambda r: r.snippet, "match"),
        ),
        _to_json,
    )


def _dupes() -> Columns[Pair]:
    return Columns(
        (
            Column("first_id", lambda p: p.first.id, "keep?"),
            Column("first_name", lambda p: p.first.name, ""),
            Column("second_id", lambda p: p.second.id, "or"),
            Column("second_name", lambda p: p.second.name, ""),
            Column("reason", lambda p: p.reason, "why"),
        ),
        _to_json,
    )


def _balance_row(row: BalanceRow) -> dict[str, Any]:
    from wintogether.render import words

    return row.to_json(words)


def _balances() -> Columns[BalanceRow]:
    return Columns(
        (
            Column("contact_id", lambda r: r.contact.id),
            Column("name", lambda r: r.contact.name, "contact"),
            Column("company", lambda r: r.contact.company),
            Column("given", lambda r: r.balance.given_total, "gave"),
            Column("received", lambda r: r.balance.received_total, "received"),
            Column("net", lambda r: r.balance.net, "net"),
            Column("wins", lambda r: r.wins, "wins"),
            Column("one_sided", lambda r: r.balance.one_sided, ""),
        ),
        _balance_row,
    )


def _import_plan() -> Columns[Decision]:
    return Columns(
        (
            Column("action", lambda d: d.action, "action"),
            Column("position", lambda d: d.position, "where"),
            Column("name", lambda d: d.name, "name"),
            Column("company", lambda d: d.company, "company"),
            Column("reason", lambda d: d.reason, "why"),
            Column("contact_id", lambda d: d.contact_id),
            Column("job_change", lambda d: d.job_change),
        ),
        _to_json,
    )


#: `wt config show`: its terminal view is aligned lines, not a table.
def _settings() -> Columns[Setting]:
    return Columns(
        (
            Column("key", lambda s: s.key),
            Column("value", lambda s: s.value),
            Column("source", lambda s: s.source),
        ),
        _to_json,
    )


#: `wt summary --format csv`: one row per conversation in the period.
def _summary_conversations() -> Columns[Conversation]:
    return Columns(
        (
            Column("conversation_id", lambda c: c.id),
            Column("happened_at", lambda c: c.happened_at.isoformat()),
            Column("channel", lambda c: c.channel),
            Column("participant_ids", lambda c: [p.id for p in c.participants]),
            Column("participants", lambda c: [p.name for p in c.participants]),
            Column("note", lambda c: c.note),
        ),
        _to_json,
    )


def _companies() -> Columns[CompanyRowView]:
    return Columns(
        (
            Column("id", lambda r: r.company.id),
            Column("name", lambda r: r.company.name, "company"),
            Column("aliases", lambda r: r.company.aliases),
            Column("people", lambda r: r.people, "people"),
            Column("attention", lambda r: round(r.attention, 3), "attention"),
            Column("slipping", lambda r: bool(r.warmest and r.warmest.slipping)),
            Column("reason", lambda r: r.reason, "why"),
            Column("last_touch_at", lambda r: _iso(r.last_touch_at), "last touch"),
        ),
        _to_json,
    )


def _deal_row(view: PlanView) -> dict[str, Any]:
    from wintogether.render.plan_words import deal_row_json

    return deal_row_json(view)


def _health(view: PlanView) -> str:
    from wintogether.render.plan_words import health_text

    return health_text(view)


def _wins(view: PlanView) -> str:
    from wintogether.render.plan_words import wins_text

    return wins_text(view.deal)


def _deals() -> Columns[PlanView]:
    return Columns(
        (
            Column("id", lambda v: v.deal.id, "id"),
            Column("title", lambda v: v.deal.title, "deal"),
            Column("company", lambda v: v.deal.company, "company"),
            Column("target_on", lambda v: _iso(v.deal.target_on), "target"),
            Column("status", lambda v: v.deal.status),
            Column("people", lambda v: [p.name for p in v.deal.people], "people"),
            Column("steps", lambda v: v.counted),
            Column("steps_done", lambda v: v.done),
            Column("health", _health, "health"),
            Column("wins", _wins, "wins"),
        ),
        _deal_row,
    )


#: Each view's columns, made at its first use (``from wintogether.render.columns
#: import PROMISES`` or ``columns.PROMISES``), then kept: a read that writes a
#: table imports this module for one or two of them, and building all of them
#: took more than the rest of the module.
PROMISES: Columns[Promise]
CONTACTS: Columns[ContactRow]
SLIPPING: Columns[Attention]
HISTORY: Columns[HistoryEntry]
SEARCH: Columns[Result]
DUPES: Columns[Pair]
BALANCES: Columns[BalanceRow]
IMPORT_PLAN: Columns[Decision]
SETTINGS: Columns[Setting]
SUMMARY_CONVERSATIONS: Columns[Conversation]
COMPANIES: Columns[CompanyRowView]
DEALS: Columns[PlanView]

_MAKERS: dict[str, Callable[[], Columns[Any]]] = {
    "PROMISES": _promises,
    "CONTACTS": _contacts,
    "SLIPPING": _slipping,
    "HISTORY": _history,
    "SEARCH": _search,
    "DUPES": _dupes,
    "BALANCES": _balances,
    "IMPORT_PLAN": _import_plan,
    "SETTINGS": _settings,
    "SUMMARY_CONVERSATIONS": _summary_conversations,
    "COMPANIES": _companies,
    "DEALS": _deals,
}
#: Every spec's name.
NAMES = tuple(_MAKERS)


def __getattr__(name: str) -> Columns[Any]:
    make = _MAKERS.get(name)
    if make is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    spec = globals()[name] = make()
    return spec
