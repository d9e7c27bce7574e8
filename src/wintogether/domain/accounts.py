"""Accounts: who I know at a company and how each relationship stands.

`wt company NAME` gathers, for one company record, the people whose company
text names it (current) and those whose job changes show they left it
(former); each with their part in the account, their health and last touch.
Then what the account as a whole owes and is owed, how often we talked month by
month over the last year, the ledger and the wins with its people, and how both
sides kept their word across it.

`wt companies` (domain/account_list.py, named here too) lists every company,
most in need of attention first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

from wintogether.clock import (
    all_stored,
    from_utc_iso,
    from_utc_iso_utc,
    month_start,
    to_utc_iso,
)
from wintogether.config import Config
from wintogether.domain import health
from wintogether.domain.companies import find
from wintogether.domain.health import Balance, Health, Wording, WordRecord
from wintogether.frozen import Plain
from wintogether.models import ContactRef, LedgerEntry, Promise, Win
from wintogether.records import dataclass, field
from wintogether.store import Store
from wintogether.store import accounts as accounts_store
from wintogether.store import ledger as ledger_store
from wintogether.store import touches as touches_store
from wintogether.store.accounts import DueRow, JobMove
from wintogether.store.companies import CompanyRow, company_key
from wintogether.text import JsonText, json_string, json_value

__all__ = [
    "COMPANY_SORTS",
    "Account",
    "AccountPerson",
    "CompanyRowView",
    "OrgNode",
    "account",
    "companies",
    "companies_page",
    "company_json",
    "org_chart",
]

if TYPE_CHECKING:
    from wintogether.domain.account_list import (
        COMPANY_SORTS,
        CompanyRowView,
        companies,
        companies_page,
        company_json,
    )


def __getattr__(name: str) -> Any:
    """The listing's names (domain/account_list.py), imported when first asked
    for: one account's view needs none of them."""
    if name in _LISTING:
        from wintogether.domain import account_list

        return getattr(account_list, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_LISTING = frozenset(
    ("COMPANY_SORTS", "CompanyRowView", "companies", "companies_page", "company_json")
)

#: How far back an account's closed deals go: domain/deals.py's figure, not
#: imported from there (a test checks they agree).
DEALS_YEAR_DAYS = 365

#: Stands for "today" as a default (a day is given, or today's date is taken).
_TODAY: Any = object()


class AccountPerson(Plain):
    """Someone I know at the company, now or before. Written out (frozen.py): a
    big account makes hundreds. ``assess`` is neither shown nor compared."""

    _fields = (
        "contact", "title", "role", "reports_to", "current", "last_touch_at", "since",
        "was_at", "now_at", "left_on", "archived",
    )  # fmt: skip

    def __init__(
        self,
        contact: ContactRef,
        title: str | None,
        role: str | None,
        reports_to: ContactRef | None,
        current: bool,
        #: Works out their health when first asked: a table shows a screenful of
        #: a big account's people, so the others are never assessed.
        assess: Callable[[], Health],
        last_touch_at: datetime | None = None,
        since: date | None = None,  # current: when an import saw them join
        was_at: str | None = None,  # current: the company before
        now_at: str | None = None,  # former: where they are now
        left_on: date | None = None,  # former: when an import saw them leave
        archived: bool = False,
    ) -> None:
        self.contact = contact
        self.title = title
        self.role = role
        self.reports_to = reports_to
        self.current = current
        self.assess = assess
        self.last_touch_at = last_touch_at
        self.since = since
        self.was_at = was_at
        self.now_at = now_at
        self.left_on = left_on
        self.archived = archived

    @cached_property
    def health(self) -> Health:
        return self.assess()

    def to_json(self, words: Wording) -> dict[str, Any]:
        return {
            "contact": self.contact.to_json(),
            "title": self.title,
            "role": self.role,
            "reports_to": self.reports_to.to_json() if self.reports_to else None,
            "current": self.current,
            "since": self.since.isoformat() if self.since else None,
            "was_at": self.was_at,
            "now_at": self.now_at,
            "left_on": self.left_on.isoformat() if self.left_on else None,
            "archived": self.archived,
            "last_touch_at": self.last_touch_at.isoformat() if self.last_touch_at else None,
            "health": self.health.to_json(words),
        }

    def json_text(self, words: Wording) -> JsonText:
        """:meth:`to_json` already written (text.JsonText): the bulk of a big
        account's JSON, hundreds of these."""
        last = self.last_touch_at
        return JsonText(
            f'{{\n  "contact": {_ref_json(self.contact)},\n'
            f'  "title": {json_string(self.title)},\n'
            f'  "role": {json_string(self.role)},\n'
            f'  "reports_to": {_ref_json(self.reports_to)},\n'
            f'  "current": {"true" if self.current else "false"},\n'
            f'  "since": {_day_json(self.since)},\n'
            f'  "was_at": {json_string(self.was_at)},\n'
            f'  "now_at": {json_string(self.now_at)},\n'
            f'  "left_on": {_day_json(self.left_on)},\n'
            f'  "archived": {"true" if self.archived else "false"},\n'
            f'  "last_touch_at": {json_string(last.isoformat()) if last else "null"},\n'
            f'  "health": {health.health_json(self.health, words, "  ")}\n}}'
        )


def _ref_json(ref: ContactRef | None) -> str:
    """``ref.to_json()`` as an account person's field."""
    if ref is None:
        return "null"
    return (
        f'{{\n    "id": {int.__repr__(ref.id)},\n    "name": {json_string(ref.name)},\n'
        f'    "company": {json_string(ref.company)}\n  }}'
    )


def _day_json(day: date | None) -> str:
    return f'"{day.isoformat()}"' if day else "null"


def _time_json(moment: datetime | None) -> str:
    return json_string(moment.isoformat()) if moment is not None else "null"


def _entry_json(entry: LedgerEntry) -> JsonText:
    """``entry.to_json()`` already written (text.JsonText): an account's JSON
    lists the year's ledger, a hundred entries and more."""
    return JsonText(
        f'{{\n  "id": {json_value(entry.id)},\n'
        f'  "uid": {json_string(entry.uid)},\n'
        f'  "contact": {_ref_json(entry.contact)},\n'
        f'  "direction": {json_string(entry.direction)},\n'
        f'  "kind": {json_string(entry.kind)},\n'
        f'  "text": {json_string(entry.text)},\n'
        f'  "to_contact": {_ref_json(entry.to_contact)},\n'
        f'  "happened_at": {_time_json(entry.happened_at)},\n'
        f'  "created_at": {_time_json(entry.created_at)}\n}}'
    )


def _promise_json(promise: Promise) -> JsonText:
    """``promise.to_json()`` already written (text.JsonText)."""
    return JsonText(
        f'{{\n  "id": {json_value(promise.id)},\n'
        f'  "uid": {json_string(promise.uid)},\n'
        f'  "contact": {_ref_json(promise.contact)},\n'
        f'  "conversation_id": {json_value(promise.conversation_id)},\n'
        f'  "text": {json_string(promise.text)},\n'
        f'  "due_on": {_day_json(promise.due_on)},\n'
        f'  "owner": {json_string(promise.owner)},\n'
        f'  "status": {json_string(promise.status)},\n'
        f'  "done_at": {_time_json(promise.done_at)},\n'
        f'  "done_note": {json_string(promise.done_note)},\n'
        f'  "created_at": {_time_json(promise.created_at)}\n}}'
    )


class Account(Plain):
    """`wt company NAME`. Written out (frozen.py), as its people are."""

    _fields = (
        "company", "people", "my_promises", "their_promises", "per_month", "ledger", "wins",
        "balance", "my_word", "their_word", "as_of", "current_total", "former_total",
        "ledger_total",
    )  # fmt: skip

    def __init__(
        self,
        company: CompanyRow,
        people: list[AccountPerson],
        my_promises: list[Promise],
        their_promises: list[Promise],
        per_month: list[tuple[str, int]],  # ("2026-01", 3), oldest first, 12 months
        ledger: list[LedgerEntry],
        wins: list[Win],
        balance: Balance,
        my_word: WordRecord,
        their_word: WordRecord,
        as_of: date = _TODAY,  # today when not given
        #: How many people are there now and were before, where ``people``
        #: holds only the first of them (``account(limit=…)``); None: all there.
        current_total: int | None = None,
        former_total: int | None = None,
        #: Entries in the year, where ``ledger`` holds only the newest of them.
        ledger_total: int | None = None,
    ) -> None:
        self.company = company
        self.people = people
        self.my_promises = my_promises
        self.their_promises = their_promises
        self.per_month = per_month
        self.ledger = ledger
        self.wins = wins
        self.balance = balance
        self.my_word = my_word
        self.their_word = their_word
        self.as_of = date.today() if as_of is _TODAY else as_of
        self.current_total = current_total
        self.former_total = former_total
        self.ledger_total = ledger_total

    @property
    def current_count(self) -> int:
        """How many people are there now (``people`` may hold only the first)."""
        if self.current_total is not None:
            return self.current_total
        return sum(1 for p in self.people if p.current)

    @property
    def former_count(self) -> int:
        """How many people were there before (``people`` may hold only the first)."""
        if self.former_total is not None:
            return self.former_total
        return sum(1 for p in self.people if not p.current)

    @property
    def ledger_count(self) -> int:
        """Entries in the year (``ledger`` may hold only the newest)."""
        return len(self.ledger) if self.ledger_total is None else self.ledger_total

    @property
    def current(self) -> list[AccountPerson]:
        """The people there now that were kept (all, or the first ``limit``)."""
        return [p for p in self.people if p.current]

    @property
    def former(self) -> list[AccountPerson]:
        return [p for p in self.people if not p.current]

    def to_json(
        self, words: Wording, *, written: bool = False, limit: int | None = None
    ) -> dict[str, Any]:
        """``written``: each person already written (:meth:`AccountPerson.json_text`),
        for :func:`text.write_json`; the same text, a fraction of the time.
        ``limit``: at most that many in each list (people, former, open promises
        each way, ledger, wins), as a table shows them."""
        people: list[Any] = [
            p.json_text(words) if written else p.to_json(words) for p in self.current[:limit]
        ]
        former: list[Any] = [
            p.json_text(words) if written else p.to_json(words) for p in self.former[:limit]
        ]
        promise: Callable[[Promise], Any] = _promise_json if written else Promise.to_json
        entry: Callable[[LedgerEntry], Any] = _entry_json if written else LedgerEntry.to_json
        return {
            "company": _company_json(self.company),
            "people": people,
            "former": former,
            "open_promises": {
                "mine": [promise(p) for p in self.my_promises[:limit]],
                "theirs": [promise(p) for p in self.their_promises[:limit]],
            },
            "conversations_per_month": [{"month": m, "count": n} for m, n in self.per_month],
            "ledger": [entry(e) for e in self.ledger[:limit]],
            "wins": [w.to_json() for w in self.wins[:limit]],
            "balance": self.balance.to_json(words),
            "my_word": self.my_word.to_json(words),
            "their_word": self.their_word.to_json(words),
        }


def _company_json(company: CompanyRow) -> dict[str, Any]:
    from wintogether.domain.account_list import company_json

    return company_json(company)


def _is(text: str | None, keys: set[str]) -> bool:
    """Whether a company text names the company whose name and aliases have ``keys``
    (the same test as store.companies.find_company, without a query)."""
    return bool(text) and company_key(text or "") in keys


def _months(now: datetime) -> list[tuple[int, int]]:
    """The 12 months up to and including this one, oldest first, and the next
    one: 13 (year, month)."""
    year, month = now.year, now.month + 1
    if month == 13:
        year, month = year + 1, 1
    out = []
    for _ in range(13):
        out.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def per_month(times: Sequence[str], now: datetime) -> list[tuple[str, int]]:
    """Conversations per local month over the 12 months up to this one, oldest
    first ("2026-01", 3), from their stored times in order: each in the month
    its own moment falls in locally (a summer conversation read in winter is in
    summer's month).

    They are counted by where they sort between each month's first moment and
    the next one's, except where the clock goes back in the day after a first
    moment (St John's, 1 November 2009: 23:01 again after 00:00): in the days
    around it, each is placed by its own local time; and so is a time not in
    the stored form (edited by hand)."""
    months = _months(now)
    counts = dict.fromkeys((f"{year:04d}-{month:02d}" for year, month in months[:-1]), 0)
    labels = list(counts)
    odd: list[str] = []
    if not all_stored(times):
        odd = [text for text in times if not all_stored((text,))]
        times = [text for text in times if all_stored((text,))]
    starts = [month_start(year, month) for year, month in months]
    edges = [_days_around(start) if back else (start, start) for start, back in starts]
    for n, label in enumerate(labels):
        counts[label] += _at_or_after(times, edges[n + 1][0]) - _at_or_after(times, edges[n][1])
    near = [
        text
        for low, high in edges
        for text in times[_at_or_after(times, low) : _at_or_after(times, high)]
    ]
    for text in near + odd:
        moment = from_utc_iso(text)
        label = f"{moment.year:04d}-{moment.month:02d}"
        if label in counts:
            counts[label] += 1
    return list(counts.items())


def _days_around(stored: str) -> tuple[str, str]:
    """The stored forms of a day before and a day after a stored time (the
    calendar's ends, "" and "~", as they are)."""
    if stored in ("", "~"):
        return stored, stored
    moment = from_utc_iso_utc(stored)
    try:
        return to_utc_iso(moment - timedelta(days=1)), to_utc_iso(moment + timedelta(days=1))
    except OverflowError:
        return stored, stored


def _at_or_after(ordered: Sequence[str], text: str) -> int:
    """The index of the first of ``ordered`` not below ``text`` (``bisect_left``),
    its length when there is none."""
    from wintogether.halving import first_holding

    end = len(ordered)
    return first_holding(-1, end, lambda i: i == end or ordered[i] >= text)


def account(
    store: Store, text: str, config: Config, now: datetime, *, limit: int | None = None
) -> Account:
    """One company's account view. ``limit``: only the first that many people of
    each list (current, former) are read in full and kept; the others are
    counted (``Account.current_count``, ``former_count``). What the account adds
    up (promises, ledger, conversations, how both sides kept their word) is
    always everyone's."""
    since = now - timedelta(days=health.WINDOW_DAYS)
    since_iso = to_utc_iso(since)
    with store.read():
        company = find(store, text)
        keys = {company_key(company.name), *(company_key(a) for a in company.aliases)}
        listed = accounts_store.listed_at(store, company.id)
        current_ids = {row[0] for row in listed}
        moves = accounts_store.job_moves(store)
        former_ids = {
            move.contact_id
            for move in moves
            if move.contact_id not in current_ids and _is(move.old_company, keys)
        }
        listed += accounts_store.listed_by_ids(store, sorted(former_ids))
        ids = [row[0] for row in listed]
        my_moves = _moves_by_contact(moves)
        # Each person's time at the company, where a job change bounds it: what
        # they did before joining or after leaving is another account's.
        stays = {
            cid: stay
            for cid in ids
            if (stay := _stay(my_moves.get(cid, []), keys, cid in current_ids)) != (None, None)
        }
        # The order the lists show; current people first (the sort is stable:
        # equal ones stay in name, then id order, as they were read).
        listed.sort(
            key=lambda row: (
                row[0] not in current_ids,
                row[4],
                _role_rank(row[3]),
                row[1].casefold(),
            )
        )
        current_count = len(current_ids)
        shown = listed[:current_count][:limit] + listed[current_count:][:limit]
        members = {
            m.standing.contact.id: m
            for m in accounts_store.members_by_ids(store, [row[0] for row in shown])
        }
        names = {row[0]: row for row in listed}
        managers = {
            m.reports_to
            for m in members.values()
            if m.reports_to is not None and m.reports_to not in names
        }
        names.update({row[0]: row for row in accounts_store.listed_by_ids(store, sorted(managers))})
        refs = {
            boss: ContactRef(boss, row[1], row[2])
            for m in members.values()
            if (boss := m.reports_to) is not None and (row := names.get(boss)) is not None
        }
        promises = accounts_store.dues_since(store, ids, since.date(), made_of=stays)
        open_promises = accounts_store.open_promises(store, ids)
        # Every entry counts toward the balances; with a limit, only the newest
        # are read in full, to be listed.
        given_and_got: list[health.Move]
        if limit is None:
            entries = ledger_store.entries(store, contact_ids=ids, since=since_iso)
            given_and_got = list(entries)
        else:
            entries = []
            given_and_got = list(ledger_store.moves(store, ids, since_iso, named=False))
        grouped_entries = health.by_contact(given_and_got)
        there = _Stays(stays) if stays else None
        if there is not None:
            given_and_got = [e for e in given_and_got if there(e.contact.id, e.happened_at)]
            entries = [e for e in entries if there(e.contact.id, e.happened_at)]
        if limit is not None:  # the newest, in the order of the whole list
            allowed = [m.id for m in given_and_got]
            entries = ledger_store.entries_by_ids(store, allowed, limit=limit)
        wins = accounts_store.wins_since(store, ids, since_iso)
        times = touches_store.conversation_times(store, ids, since_iso, stays)
    grouped_promises: dict[int, list[DueRow]] = {}
    for promise in promises:
        grouped_promises.setdefault(promise.contact_id, []).append(promise)
    if there is not None:
        promises = [p for p in promises if there(p.contact_id, p.made_at)]
        open_promises = [p for p in open_promises if there(p.contact.id, p.created_at)]
        wins = [w for w in wins if there(w.contact.id, w.happened_at)]
    people = []
    for item in shown:
        cid = item[0]
        member = members[cid]
        person = AccountPerson(
            contact=member.standing.contact,
            title=member.title,
            role=member.role,
            reports_to=refs.get(member.reports_to) if member.reports_to is not None else None,
            current=cid in current_ids,
            assess=partial(
                health.assess_due,
                member.standing,
                grouped_promises.get(cid, []),
                grouped_entries.get(cid, []),
                config,
                now,
            ),
            last_touch_at=member.standing.last_touch_at,
            archived=member.archived,
        )
        _place(person, my_moves.get(cid, []), keys)
        people.append(person)
    today = now.date()
    return Account(
        company=company,
        people=people,
        my_promises=[p for p in open_promises if p.owner == "me"],
        their_promises=[p for p in open_promises if p.owner == "them"],
        per_month=per_month(times, now),
        ledger=entries,
        wins=wins,
        balance=_account_balance(given_and_got, now, config.one_sided_after_days),
        my_word=health.word_record(promises, "me", today),
        their_word=health.word_record(promises, "them", today),
        as_of=today,
        current_total=current_count,
        former_total=len(listed) - current_count,
        ledger_total=len(given_and_got),
    )


def has_deals(store: Store, company_id: int, now: datetime) -> bool:
    """Whether the company has a deal `wt company` shows (domain/deals.py
    ``of_company``: open, or closed in the last year)."""
    with store.read():
        return accounts_store.has_deals(
            store, company_id, to_utc_iso(now - timedelta(days=DEALS_YEAR_DAYS))
        )


ROLE_ORDER = (
    "economic-buyer",
    "decision-maker",
    "champion",
    "influencer",
    "user",
    "blocker",
    "other",
)


_ROLE_RANKS = {role: rank for rank, role in enumerate(ROLE_ORDER)}


def _role_rank(role: str | None) -> int:
    return _ROLE_RANKS.get(role, len(ROLE_ORDER)) if role is not None else len(ROLE_ORDER)


def _stay(moves: list[JobMove], keys: set[str], current: bool) -> tuple[str | None, str | None]:
    """When (stored UTC times) a person last joined the company and, for
    someone who left, when they left, as the job changes imports saw tell:
    (None, None) when no job change bounds their time there."""
    joins = [m.happened_at for m in moves if _is(m.new_company, keys) > _is(m.old_company, keys)]
    if current:
        return (joins[-1] if joins else None), None
    leaves = [m.happened_at for m in moves if _is(m.old_company, keys) > _is(m.new_company, keys)]
    left = leaves[-1] if leaves else None
    joined = max((j for j in joins if left is None or j <= left), default=None)
    return joined, left


class _Stays:
    """Whether a moment falls in a person's time at the company."""

    def __init__(self, stays: dict[int, tuple[str | None, str | None]]) -> None:
        self._bounds = {
            cid: (
                from_utc_iso(joined) if joined else None,
                from_utc_iso(left) if left else None,
            )
            for cid, (joined, left) in stays.items()
        }

    def __call__(self, contact_id: int, moment: datetime | None) -> bool:
        bounds = self._bounds.get(contact_id)
        if bounds is None or moment is None:
            return True
        joined, left = bounds
        return (joined is None or moment >= joined) and (left is None or moment < left)


def _moves_by_contact(moves: list[JobMove]) -> dict[int, list[JobMove]]:
    out: dict[int, list[JobMove]] = {}
    for move in moves:
        out.setdefault(move.contact_id, []).append(move)
    return out


def _day(stamp: str) -> date:
    return from_utc_iso(stamp).astimezone().date()


def _place(person: AccountPerson, moves: list[JobMove], keys: set[str]) -> None:
    """Since when and from where (current), or when they left and for where (former)."""
    if person.current:
        for move in reversed(moves):
            if _is(move.new_company, keys):
                person.since = _day(move.happened_at)
                if move.old_company and not _is(move.old_company, keys):
                    person.was_at = move.old_company
                return
        return
    for move in reversed(moves):
        if _is(move.old_company, keys):
            person.left_on = _day(move.happened_at)
            person.title = move.old_title  # their title there, not the one they have now
            break
    person.now_at = person.contact.company


def _account_balance(moves: list[health.Move], now: datetime, stretch_days: int) -> Balance:
    """The balance with the account's people taken together."""
    if not moves:
        return Balance(as_of=now.date())
    anyone = ContactRef(0, "")
    pooled = [ledger_store.Move(m.id, anyone, m.direction, m.kind, m.happened_at) for m in moves]
    return health.balance(pooled, 0, now, stretch_days)


# -- the reporting tree ------------------------------------------------------------------


@dataclass
class OrgNode:
    id: int
    name: str
    title: str | None
    role: str | None
    reports: list[OrgNode] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "contact": {"id": self.id, "name": self.name},
            "title": self.title,
            "role": self.role,
            "reports": [child.to_json() for child in self.reports],
        }


def org_chart(store: Store, text: str) -> tuple[CompanyRow, list[OrgNode], bool]:
    """The current people of a company as a reporting tree: those whose manager is
    not there (or unknown) are roots; each node's reports in name order. And
    whether anyone there has a manager at all (there or elsewhere, archived)."""
    with store.read():
        company = find(store, text)
        members = [m for m in accounts_store.members_of(store, company.id) if not m.archived]
    nodes = {
        m.standing.contact.id: OrgNode(
            m.standing.contact.id, m.standing.contact.name, m.title, m.role
        )
        for m in members
    }
    manager = {m.standing.contact.id: m.reports_to for m in members}
    breakers = _loop_breakers(manager)
    roots = []
    for member in members:
        cid = member.standing.contact.id
        boss = manager[cid]
        if boss in nodes and cid not in breakers:
            nodes[boss].reports.append(nodes[cid])
        else:
            roots.append(nodes[cid])
    return company, roots, any(boss is not None for boss in manager.values())


def _loop_breakers(manager: dict[int, int | None]) -> set[int]:
    """One person of each loop of managers (the lowest id), drawn as a root.

    `wt edit` refuses a loop, but two devices can each make half of one and
    sync them together: the map still shows everyone once, the others of the
    loop and anyone below it in their places."""
    breakers: set[int] = set()
    done: set[int] = set()
    for start in manager:
        path: dict[int, int] = {}
        current: int | None = start
        while current is not None and current in manager and current not in done:
            if current in path:
                loop = list(path)[path[current] :]
                breakers.add(min(loop))
                break
            path[current] = len(path)
            current = manager[current]
        done |= set(path)
    return breakers
