"""The win-together ledger: value given and received, and wins for both sides."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from wintogether.clock import to_utc_iso
from wintogether.config import Config
from wintogether.dates import parse_moment
from wintogether.domain import health
from wintogether.domain.text import clean_text
from wintogether.errors import InvalidValue, NotFound
from wintogether.frozen import Frozen, Plain
from wintogether.models import LEDGER_KINDS, ContactRef, LedgerEntry, Win
from wintogether.store import Store
from wintogether.store import ledger as ledger_store


def resolve(store: Store, name: str) -> ContactRef:
    """The contact ``name`` means (domain/resolve.py), imported when a contact is
    named: the balance of everyone does not need the contact queries."""
    from wintogether.domain.resolve import resolve as find

    return find(store, name)


DEFAULT_KIND = "other"
GIVE_FIRST_LIMIT = 5


def check_kind(kind: str) -> str:
    value = kind.strip().lower()
    if value == "favor":
        value = "favour"
    if value not in LEDGER_KINDS:
        raise InvalidValue(
            f"Unknown kind '{kind}'.", hint=f"Use one of: {', '.join(LEDGER_KINDS)}."
        )
    return value


def record(
    store: Store,
    now: datetime,
    *,
    direction: str,
    contact: str,
    text: str,
    kind: str = DEFAULT_KIND,
    at: str | None = None,
    to: str | None = None,
) -> LedgerEntry:
    """Record value given (``gave``) to or received (``got``) from a contact.

    ``to`` names the other person of an intro; the entry then shows on their
    timeline too.
    """
    if direction not in ("gave", "got"):
        raise ValueError(direction)
    body = clean_text(text, "ledger entry")
    kind_ = check_kind(kind)
    happened = parse_moment(at, now, prefer="past") if at else now
    stamp = to_utc_iso(now)
    with store.write():
        ref = resolve(store, contact)
        other: ContactRef | None = resolve(store, to) if to is not None else None
        if other is not None and other.id == ref.id:
            raise InvalidValue(f"An intro needs two people: --to names {ref.name} again.")
        entry_id = ledger_store.insert_entry(
            store,
            contact_id=ref.id,
            direction=direction,
            kind=kind_,
            text=body,
            happened_at=to_utc_iso(happened),
            stamp=stamp,
            to_contact_id=other.id if other else None,
        )
        if kind_ == "intro" and direction == "got" and other is not None:
            # They introduced me to OTHER: OTHER's introducer, unless one is known.
            from wintogether.store import contacts as contacts_store

            contacts_store.link_introducer(store, other.id, ref.id)
    entry = ledger_store.get_entry(store, entry_id)
    assert entry is not None
    return entry


def win(
    store: Store, now: datetime, *, contact: str, theirs: str, mine: str, at: str | None = None
) -> Win:
    """Record an outcome where both sides won."""
    their_text = clean_text(theirs, "what they gained")
    my_text = clean_text(mine, "what I gained (--mine)")
    happened = parse_moment(at, now, prefer="past") if at else now
    stamp = to_utc_iso(now)
    with store.write():
        ref = resolve(store, contact)
        win_id = ledger_store.insert_win(
            store,
            contact_id=ref.id,
            theirs=their_text,
            mine=my_text,
            happened_at=to_utc_iso(happened),
            stamp=stamp,
        )
    found = ledger_store.get_win(store, win_id)
    if found is None:  # pragma: no cover - written just above
        raise NotFound(f"No win has id {win_id}.")
    return found


class BalanceRow(Plain):
    """One relationship's reciprocity over the last 12 months. Written out
    (frozen.py): `wt balance` makes a screenful."""

    _fields = ("contact", "balance", "wins")
    contact: ContactRef
    balance: health.Balance
    wins: int

    def __init__(self, contact: ContactRef, balance: health.Balance, wins: int) -> None:
        self.contact = contact
        self.balance = balance
        self.wins = wins

    def to_json(self, words: health.Wording) -> dict[str, Any]:
        return {
            "contact": self.contact.to_json(),
            **self.balance.to_json(words),
            "wins": self.wins,
        }


class BalanceView(Plain):
    """`wt balance`: one contact with its entries, or every contact with any.
    Written out (frozen.py)."""

    _fields = ("rows", "entries", "wins", "contact")
    rows: list[BalanceRow]
    entries: list[LedgerEntry]
    wins: list[Win]
    contact: ContactRef | None

    def __init__(
        self,
        rows: list[BalanceRow],
        entries: list[LedgerEntry],
        wins: list[Win],
        contact: ContactRef | None = None,
    ) -> None:
        self.rows = rows
        self.entries = entries
        self.wins = wins
        self.contact = contact

    def to_json(self, words: health.Wording) -> dict[str, Any]:
        data: dict[str, Any] = {
            "window_days": health.WINDOW_DAYS,
            "rows": [row.to_json(words) for row in self.rows],
        }
        if self.contact is not None:
            data["contact"] = self.contact.to_json()
            data["entries"] = [e.to_json() for e in self.entries]
            data["wins"] = [w.to_json() for w in self.wins]
        return data


def _window_start(now: datetime) -> str:
    return to_utc_iso(now - timedelta(days=health.WINDOW_DAYS))


def balances(
    store: Store, config: Config, now: datetime, contact: str | None = None
) -> BalanceView:
    """Given vs received per contact over the last 12 months, one-sided flagged.

    Across all contacts the rows are ordered by what I owe: the most received
    without giving first.
    """
    since = _window_start(now)
    with store.read():
        ref = resolve(store, contact) if contact is not None else None
        entries = ledger_store.entries(
            store, contact_id=ref.id if ref else None, since=since, newest_first=False
        )
        wins = ledger_store.wins(store, contact_id=ref.id if ref else None, since=since)
    people: dict[int, ContactRef] = {e.contact.id: e.contact for e in entries}
    people.update({w.contact.id: w.contact for w in wins})
    if ref is not None:
        people = {ref.id: ref}
    grouped = health.by_contact(entries)
    win_counts: dict[int, int] = {}
    for w in wins:
        win_counts[w.contact.id] = win_counts.get(w.contact.id, 0) + 1
    rows = [
        BalanceRow(
            person,
            health.balance(grouped.get(person.id, []), person.id, now, config.one_sided_after_days),
            win_counts.get(person.id, 0),
        )
        for person in people.values()
    ]
    rows.sort(key=_owed_key)
    return BalanceView(
        rows=rows,
        entries=list(reversed(entries)),
        wins=wins,
        contact=ref,
    )


def balance_page(
    store: Store, config: Config, now: datetime, contact: str | None, limit: int | None
) -> tuple[BalanceView, int]:
    """`wt balance`: the first ``limit`` rows (all when None) and how many there are.

    Across all contacts with a limit, the database ranks everyone from the kept
    standings (a few figures per contact) and names only the first places; only
    the rows shown are built from their entries; the rows are those
    :func:`balances` gives, in the same order.
    """
    if contact is not None or limit is None:
        view = balances(store, config, now, contact)
        total = len(view.rows)
        if limit is not None and total > limit:
            view = BalanceView(view.rows[:limit], view.entries, view.wins, view.contact)
        return view, total
    from wintogether.clock import from_utc_iso
    from wintogether.store import standings

    since, until = _window_start(now), to_utc_iso(now)
    stretch = config.one_sided_after_days
    with store.read():
        ranked, counted = standings.ranked_page(
            store, since, until, to_utc_iso(now - timedelta(days=stretch)), limit
        )
        refs = {ref.id: ref for ref, *_ in ranked}
        keys: dict[int, tuple[int, int, str]] = {
            ref.id: (0 if receiving else 1, given - received, ref.name.casefold())
            for ref, given, received, receiving in ranked
        }
        wins = standings.wins_between(store, since)
        # An entry dated after now: that contact's figures come from the entries.
        ahead = standings.ledger_ahead(store, until)
        figures = {
            fig.contact.id: fig
            for fig in (standings.ledger_figures(store, since, until, ahead) if ahead else [])
        }
        for cid, fig in figures.items():
            receiving = fig.latest == "got" and (now - from_utc_iso(fig.run_start)).days >= stretch
            refs[cid] = fig.contact
            keys[cid] = (
                0 if receiving else 1,
                fig.given - fig.received,
                fig.contact.name.casefold(),
            )
        # Wins without an entry in the window: nothing given or received.
        others = [
            cid
            for cid in dict.fromkeys(
                [*ahead, *standings.without_figures(store, list(wins), since, until)]
            )
            if cid not in figures
        ]
        for cid, ref in standings.refs(store, others).items():
            refs[cid] = ref
            keys[cid] = (1, 0, ref.name.casefold())
        total = counted + len(figures) + len(others)
        order = sorted(keys, key=lambda cid: keys[cid])
        seen = Counter(keys.values())
        ties = [cid for cid in order if seen[keys[cid]] > 1]
        if ties:
            # Equal keys keep the order the full computation met them in.
            met = {cid: n for n, cid in enumerate(standings.first_seen(store, ties, since))}
            order.sort(key=lambda cid: (keys[cid], met.get(cid, 0)))
        shown = order[:limit]
        # What a balance reads of each entry (its contact, way, kind and time).
        moves = ledger_store.moves(store, shown, since)
    grouped = health.by_contact(moves)
    rows = [
        BalanceRow(
            refs[cid],
            health.balance(grouped.get(cid, []), cid, now, stretch),
            wins.get(cid, 0),
        )
        for cid in shown
    ]
    return BalanceView(rows=rows, entries=[], wins=[], contact=None), total


def _owed_key(row: BalanceRow) -> tuple[int, int, str]:
    receiving = row.balance.one_sided == "receiving"
    return (0 if receiving else 1, row.balance.net, row.contact.name.casefold())


class GiveFirst(Frozen):
    """Someone I owe, by the ledger, and the balance that says why. Written out
    (frozen.py): every `wt today` makes a few."""

    _fields = ("contact", "balance", "net")
    contact: ContactRef
    balance: health.Balance
    net: int

    def __init__(self, contact: ContactRef, balance: health.Balance, net: int) -> None:
        self._set(contact=contact, balance=balance, net=net)

    def to_json(self, words: health.Wording) -> dict[str, Any]:
        return {
            "contact": self.contact.to_json(),
            "reason": words.give_first_reason(self.balance),
            "net": self.net,
        }


def give_first(
    store: Store, config: Config, now: datetime, limit: int = GIVE_FIRST_LIMIT
) -> list[GiveFirst]:
    """People I owe: one-sided receiving first, then the most received over given.

    The database ranks the per-contact figures (a handful of numbers each, not
    every entry) and names only the first places; only the people shown get
    their full balance, whose words (render/words.py) are the reason given.
    """
    from wintogether.clock import from_utc_iso
    from wintogether.store import standings

    since, until = _window_start(now), to_utc_iso(now)
    stretch = config.one_sided_after_days
    cutoff = to_utc_iso(now - timedelta(days=stretch))
    with store.read():
        ranked = [
            (0 if receiving else 1, given - received, ref.name.casefold(), ref.id, ref)
            for ref, given, received, receiving in standings.owing(
                store, since, until, cutoff, limit
            )
        ]
        # An entry dated after now: that contact's figures come from the entries.
        ahead = standings.ledger_ahead(store, until)
        for fig in standings.ledger_figures(store, since, until, ahead) if ahead else []:
            receiving = fig.latest == "got" and (now - from_utc_iso(fig.run_start)).days >= stretch
            if receiving or fig.given < fig.received:
                ranked.append(
                    (
                        0 if receiving else 1,
                        fig.given - fig.received,
                        fig.contact.name.casefold(),
                        fig.contact.id,
                        fig.contact,
                    )
                )
        ranked.sort(key=lambda r: r[:4])
        shown = [r[4] for r in ranked[:limit]]
        entries = ledger_store.entries(
            store, contact_ids=[ref.id for ref in shown], since=since, newest_first=False
        )
    grouped = health.by_contact(entries)
    out = []
    for ref in shown:
        bal = health.balance(grouped.get(ref.id, []), ref.id, now, stretch)
        if (bal.one_sided == "receiving" and bal.one_sided_since is not None) or bal.net < 0:
            out.append(GiveFirst(ref, bal, bal.net))
    return out[:limit]
