"""Warm paths: whom to ask for a way into a company, or to a person.

`wt path COMPANY` lists, in tiers:

1. the people I know there now;
2. the people who worked there before (job changes an import recorded);
3. people I know who know someone there: they introduced me to someone there,
   or were in a conversation with someone there;
4. two steps away: whoever introduced me to someone of tier 3 by introducing.

`wt path CONTACT` lists the person (when I know them at all), then their
colleagues at the company now, then people who know them (their introducer,
people in conversations with them, people who worked at their company before),
then introducers two steps away.

Within a tier, people are ranked by the strength of my relationship with them,
out of 100 points, every part computed from the last 12 months:

* recency, 40 points: 40 * (1 - days since the last conversation / 365), at
  least 0; never talked: 0;
* frequency, 30 points: 30 * conversations / 12, at most 30 (monthly is full);
* word, 15 points: 15 * promises kept on time / promises due, both ways
  together; none due: 7.5 (nothing known either way);
* balance, 15 points: 15 * (net + 3) / 6 with net = given - received, held
  between -3 and 3: I would ask someone I have given to before someone I owe.

Equal strength: by name. Each line says why, in words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from wintogether.clock import to_utc_iso
from wintogether.domain import health
from wintogether.domain.companies import find
from wintogether.errors import ContactNotFound, NotFound
from wintogether.frozen import Frozen, Plain
from wintogether.models import ContactRef, LedgerEntry, Promise
from wintogether.store import Store
from wintogether.store import accounts as accounts_store
from wintogether.store import ledger as ledger_store
from wintogether.store import touches as touches_store
from wintogether.store.accounts import Known
from wintogether.store.companies import CompanyRow, company_key

#: The first tier of people who only know someone there (or know the person).
CONNECTOR_TIER = 2

#: The tiers of a company path and of a contact path, in order.
COMPANY_TIERS = ("works there", "worked there", "knows someone there", "two steps away")
CONTACT_TIERS = ("you know them", "works with them", "knows them", "two steps away")


class PathWording(Protocol):
    def path_reason(self, line: PathLine) -> str: ...


class Link(Frozen):
    """How a person leads to the target: ``kind`` and the person it goes through."""

    _fields = ("kind", "to", "via", "count", "role", "title", "until")
    kind: str  # colleague | former | introduced | conversation | two_steps | self
    to: ContactRef | None
    via: ContactRef | None  # two_steps: the person they introduced you to
    count: int  # conversation: how many together
    role: str | None  # colleague: their part in the account
    title: str | None
    until: str | None  # former: when they left (YYYY-MM-DD)

    def __init__(
        self,
        kind: str,
        to: ContactRef | None = None,
        via: ContactRef | None = None,
        count: int = 0,
        role: str | None = None,
        title: str | None = None,
        until: str | None = None,
    ) -> None:
        self._set(kind=kind, to=to, via=via, count=count, role=role, title=title, until=until)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "to": self.to.to_json() if self.to else None,
            "via": self.via.to_json() if self.via else None,
            "count": self.count,
            "role": self.role,
            "until": self.until,
        }


class Strength(Frozen):
    """The relationship's points, and the figures they come from."""

    _fields = (
        "recency",
        "frequency",
        "word",
        "balance",
        "days_since",
        "conversations",
        "kept",
        "due",
        "given",
    )
    recency: float
    frequency: float
    word: float
    balance: float
    days_since: int | None  # None: never talked
    conversations: int
    kept: int
    due: int
    given: health.Balance

    def __init__(
        self,
        recency: float,
        frequency: float,
        word: float,
        balance: float,
        days_since: int | None,
        conversations: int,
        kept: int,
        due: int,
        given: health.Balance,
    ) -> None:
        self._set(
            recency=recency,
            frequency=frequency,
            word=word,
            balance=balance,
            days_since=days_since,
            conversations=conversations,
            kept=kept,
            due=due,
            given=given,
        )

    @property
    def total(self) -> float:
        return round(self.recency + self.frequency + self.word + self.balance, 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "recency": round(self.recency, 1),
            "frequency": round(self.frequency, 1),
            "word": round(self.word, 1),
            "balance": round(self.balance, 1),
            "days_since_last_touch": self.days_since,
            "conversations": self.conversations,
            "kept_on_time": self.kept,
            "due": self.due,
            "net": self.given.net,
        }


_FRESH: Any = object()


class PathLine(Plain):
    """One warm path: who, how they lead there, how strong. Written out
    (frozen.py): every `wt path` makes a screenful."""

    _fields = ("rank", "contact", "tier", "strength", "links")
    rank: int
    contact: ContactRef
    tier: str
    strength: Strength
    links: list[Link]

    def __init__(
        self,
        rank: int,
        contact: ContactRef,
        tier: str,
        strength: Strength,
        links: list[Link] = _FRESH,  # a new list each
    ) -> None:
        self.rank = rank
        self.contact = contact
        self.tier = tier
        self.strength = strength
        self.links = [] if links is _FRESH else links

    def to_json(self, words: PathWording) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "contact": self.contact.to_json(),
            "tier": self.tier,
            "strength": self.strength.total,
            "strength_parts": self.strength.to_json(),
            "links": [link.to_json() for link in self.links],
            "reason": words.path_reason(self),
        }


class Paths(Plain):
    """`wt path`: the paths to a company or a person. Written out (frozen.py)."""

    _fields = ("target", "kind", "lines", "total")
    target: str  # the company's or the person's name
    kind: str  # "company" | "contact"
    lines: list[PathLine]
    total: int | None  # everyone who leads there; None: not all tiers counted

    def __init__(
        self, target: str, kind: str, lines: list[PathLine], total: int | None = 0
    ) -> None:
        self.target = target
        self.kind = kind
        self.lines = lines
        self.total = total

    def to_json(self, words: PathWording) -> dict[str, Any]:
        return {
            "target": self.target,
            "kind": self.kind,
            "total": self.total,
            "paths": [line.to_json(words) for line in self.lines],
        }


def strength_of(
    last_touch_at: datetime | None,
    contact_id: int,
    touches: int,
    promises: list[Promise],
    entries: list[LedgerEntry],
    now: datetime,
    stretch_days: int,
) -> Strength:
    """My relationship with one person, in points (see the module's docstring)."""
    days = _days_since(last_touch_at, now)
    kept, due = _kept_and_due(promises, now)
    balance = health.balance(entries, contact_id, now, stretch_days)
    recency, frequency, word, given = _points(days, touches, kept, due, balance.net)
    return Strength(recency, frequency, word, given, days, touches, kept, due, balance)


def _days_since(last: datetime | None, now: datetime) -> int | None:
    return None if last is None else max(0, (now.date() - last.astimezone().date()).days)


def _kept_and_due(promises: list[Promise], now: datetime) -> tuple[int, int]:
    """Promises kept on time and promises due, both ways together."""
    today = now.date()
    mine = health.word_record(promises, "me", today)
    theirs = health.word_record(promises, "them", today)
    return mine.kept_on_time + theirs.kept_on_time, mine.due + theirs.due


def _net(flows: list[tuple[int, str, datetime]], now: datetime) -> int:
    """Given minus received over the window, as health.balance counts them, from
    (contact id, direction, when) rows (``store.accounts.ledger_flows``)."""
    start = now - timedelta(days=health.WINDOW_DAYS)
    net = 0
    for _, direction, happened_at in flows:
        if start <= happened_at <= now:
            net += 1 if direction == "gave" else -1 if direction == "got" else 0
    return net


def _points(
    days: int | None, touches: int, kept: int, due: int, net: int
) -> tuple[float, float, float, float]:
    """Recency, frequency, word and balance points (the module's docstring)."""
    recency = 0.0 if days is None else 40.0 * max(0.0, 1 - days / 365)
    frequency = 30.0 * min(1.0, touches / 12)
    word = 7.5 if due == 0 else 15.0 * kept / due
    held = max(-3, min(3, net))
    return recency, frequency, word, 15.0 * (held + 3) / 6


def find_path(
    store: Store, text: str, config_stretch: int, now: datetime, limit: int | None = None
) -> Paths:
    """Warm paths to a company (its name or alias) or, failing that, to a contact.

    ``limit``: only the first ones are wanted; a tier after them is not ranked
    (a big account's people fill a screen before anyone who only knows them).
    ``Paths.total`` still counts everyone."""
    from wintogether.domain.companies import AmbiguousCompany

    with store.read():
        ambiguous: AmbiguousCompany | None = None
        try:
            company = find(store, text)
        except NotFound:
            company = None
        except AmbiguousCompany as exc:  # "dana": Danaher and Dana Holding, or Dana Reyes
            company, ambiguous = None, exc
        if company is not None:
            return _to_company(store, company, config_stretch, now, limit)
        from wintogether.domain.resolve import resolve  # a contact: not for a company

        try:
            target = resolve(store, text)
        except ContactNotFound as exc:
            if ambiguous is not None:
                raise ambiguous from None
            hint = "`wt companies` lists the companies" + (f"; {exc.hint}" if exc.hint else ".")
            raise ContactNotFound(f"No company or contact matches '{text}'.", hint=hint) from exc
        return _to_contact(store, target.id, config_stretch, now, limit)


def _local_day(stamp: str, now: datetime) -> str:
    """The local day (YYYY-MM-DD) of a stored UTC time, as the other views date it."""
    from wintogether.clock import from_utc_iso

    return from_utc_iso(stamp).astimezone(now.tzinfo).date().isoformat()


def _to_company(
    store: Store, company: CompanyRow, stretch: int, now: datetime, limit: int | None
) -> Paths:
    keys = {company_key(company.name), *(company_key(a) for a in company.aliases)}
    members = [m for m in accounts_store.known_at(store, company.id) if not m.archived]
    there = {m.contact.id: m for m in members}
    candidates: dict[int, tuple[int, list[Link]]] = {}

    def add(cid: int, tier: int, link: Link) -> None:
        best, links = candidates.get(cid, (tier, []))
        candidates[cid] = (min(best, tier), [*links, link])

    for member in members:
        add(member.contact.id, 0, Link("colleague", role=member.role, title=member.title))
    left: dict[int, str] = {}
    for move in accounts_store.job_moves(store):
        if move.old_company and company_key(move.old_company) in keys:
            left[move.contact_id] = _local_day(move.happened_at, now)
    for cid, until in left.items():
        if cid not in there:
            add(cid, 1, Link("former", until=until))
    lines, total = _rank(
        store,
        candidates,
        COMPANY_TIERS,
        stretch,
        now,
        limit,
        lambda: _connectors(store, there, candidates, add),
    )
    return Paths(company.name, "company", lines, total)


def _connectors(
    store: Store,
    targets: dict[int, Known],
    candidates: dict[int, tuple[int, list[Link]]],
    add: Any,
) -> None:
    """Tier 2 (introducers of, and people in conversations with, the targets) and
    tier 3 (whoever introduced you to an introducer of tier 2)."""
    refs = {cid: m.contact for cid, m in targets.items()}
    introducers: dict[int, list[ContactRef]] = {}
    for cid, member in targets.items():
        if member.introduced_by is not None and member.introduced_by not in targets:
            introducers.setdefault(member.introduced_by, []).append(refs[cid])
    for introducer, people in introducers.items():
        for person in people:
            add(introducer, 2, Link("introduced", to=person))
    together = accounts_store.talked_counts(store, list(targets))
    for (target, other), count in sorted(together.items()):
        if other not in targets:
            add(other, 2, Link("conversation", to=refs[target], count=count))
    if introducers:
        known = accounts_store.known_by_ids(store, sorted(introducers))
        for member in known:
            grand = member.introduced_by
            if grand is None or grand in targets or grand in introducers:
                continue
            for person in introducers[member.contact.id]:
                add(grand, 3, Link("two_steps", to=person, via=member.contact))


def _to_contact(
    store: Store, contact_id: int, stretch: int, now: datetime, limit: int | None
) -> Paths:
    [target] = accounts_store.known_by_ids(store, [contact_id])
    candidates: dict[int, tuple[int, list[Link]]] = {}

    def add(cid: int, tier: int, link: Link) -> None:
        if cid == contact_id and tier != 0:
            return
        best, links = candidates.get(cid, (tier, []))
        candidates[cid] = (min(best, tier), [*links, link])

    ref = target.contact
    add(contact_id, 0, Link("self", role=target.role, title=target.title))
    colleagues: dict[int, Known] = {}
    if target.company_id is not None:
        for member in accounts_store.known_at(store, target.company_id):
            cid = member.contact.id
            if cid != contact_id and not member.archived:
                colleagues[cid] = member
                add(cid, 1, Link("colleague", to=ref, role=member.role, title=member.title))
        # The company's names, as for a path to the company: its aliases too.
        from wintogether.store.companies import company_row

        row = company_row(store, target.company_id)
        keys = {company_key(n) for n in ((row.name, *row.aliases) if row else ()) if n}
        for move in accounts_store.job_moves(store):
            if (
                move.old_company
                and company_key(move.old_company) in keys
                and move.contact_id not in colleagues
            ):
                until = _local_day(move.happened_at, now)
                add(move.contact_id, 2, Link("former", to=ref, until=until))
    lines, total = _rank(
        store,
        candidates,
        CONTACT_TIERS,
        stretch,
        now,
        limit,
        lambda: _connectors(store, {contact_id: target}, candidates, add),
    )
    return Paths(ref.name, "contact", lines, total)


def _rank(
    store: Store,
    candidates: dict[int, tuple[int, list[Link]]],
    tiers: tuple[str, ...],
    stretch: int,
    now: datetime,
    limit: int | None,
    connectors: Callable[[], None],
) -> tuple[list[PathLine], int | None]:
    """The lines, tier by tier, each tier by strength: the first ``limit`` of them
    (all for None), and how many people lead there in all (None when the tiers
    of people who know someone there were not looked at: the first tiers filled
    the limit). ``connectors`` adds those tiers to ``candidates``."""
    lines: list[PathLine] = []
    ranked_people = 0  # in the tiers ranked so far, shown or not
    looked = False
    ranked: set[int] = set()
    for tier in range(len(tiers)):
        if limit is not None and ranked_people >= limit:
            break
        if tier >= CONNECTOR_TIER and not looked:
            connectors()
            looked = True
        ranked.add(tier)
        in_tier = sorted(cid for cid, (best, _) in candidates.items() if best == tier)
        if in_tier:
            wanted = None if limit is None else max(0, limit - len(lines))
            shown, count = _ranked_tier(
                store, in_tier, candidates, tiers[tier], stretch, now, wanted
            )
            lines += shown
            ranked_people += count
    total: int | None = None
    if looked:
        rest = sorted(cid for cid, (best, _) in candidates.items() if best not in ranked)
        total = ranked_people + accounts_store.count_active(store, rest)
    for rank, line in enumerate(lines, 1):
        line.rank = rank
    return lines, total


def _ranked_tier(
    store: Store,
    candidates_ids: list[int],
    candidates: dict[int, tuple[int, list[Link]]],
    tier: str,
    stretch: int,
    now: datetime,
    wanted: int | None,
) -> tuple[list[PathLine], int]:
    """One tier's people (archived ones and those gone left out), strongest first:
    the first ``wanted`` of them (all for None) with their strength in full, and
    how many the tier has. The rest are ranked by their points alone, from
    narrow rows: only the lines shown load their promises and ledger entries."""
    people = accounts_store.active_people(store, candidates_ids)
    ids = [ref.id for ref, _ in people]
    since = now - timedelta(days=health.WINDOW_DAYS)
    touches = touches_store.touches_since(store, ids, to_utc_iso(since))
    words: dict[int, list[tuple[int, str, str, date, datetime | None]]] = {}
    for row in accounts_store.word_rows(store, ids, since.date()):
        words.setdefault(row[0], []).append(row)
    flows: dict[int, list[tuple[int, str, datetime]]] = {}
    for flow in accounts_store.ledger_flows(store, ids, to_utc_iso(since)):
        flows.setdefault(flow[0], []).append(flow)
    today = now.date()
    order = []
    for ref, last in people:
        cid = ref.id
        kept, due = health.kept_and_due(words.get(cid, []), today)
        points = _points(
            _days_since(last, now),
            touches.get(cid, 0),
            kept,
            due,
            _net(flows.get(cid, []), now),
        )
        # As Strength.total: the four parts added in order, then rounded.
        total = round(points[0] + points[1] + points[2] + points[3], 1)
        order.append((-total, ref.name.casefold(), cid, ref, last))
    order.sort(key=lambda row: row[:3])
    shown = order if wanted is None else order[:wanted]
    shown_ids = [row[2] for row in shown]
    by_promises: dict[int, list[Promise]] = {}
    for promise in accounts_store.promises_due_since(store, shown_ids, since.date()):
        by_promises.setdefault(promise.contact.id, []).append(promise)
    by_entries = health.by_contact(
        ledger_store.entries(store, contact_ids=shown_ids, since=to_utc_iso(since))
    )
    lines = []
    for _, _, cid, ref, last in shown:
        strength = strength_of(
            last,
            cid,
            touches.get(cid, 0),
            by_promises.get(cid, []),
            by_entries.get(cid, []),
            now,
            stretch,
        )
        lines.append(PathLine(0, ref, tier, strength, candidates[cid][1]))
    return lines, len(people)
