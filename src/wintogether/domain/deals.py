"""Deals where both sides win: who is on a deal, its target, both wins, its outcome.

A deal is won only when both wins are written (what the buyer wins and what
I win); winning records a shared win for each person on it. A lost deal says
why (kept for the review); a lost or dropped deal's open plan steps are
cancelled. The plan itself is in :mod:`wintogether.domain.plan`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from wintogether.clock import to_utc_iso
from wintogether.dates import parse_day
from wintogether.domain.planview import PlanView, analyse, summary
from wintogether.domain.text import clean_optional, clean_text
from wintogether.errors import InvalidValue, NotFound, UserError
from wintogether.frozen import Frozen
from wintogether.models import ContactRef, Deal
from wintogether.records import dataclass, field
from wintogether.store import Store
from wintogether.store import deals as deals_store
from wintogether.store import promises as promises_store

CLOSED = ("won", "lost", "dropped")
#: Fields ``wt deal edit --clear`` empties.
CLEARABLE = {
    "company": "company",
    "target": "target_on",
    "they-win": "they_win",
    "we-win": "we_win",
    "note": "notes",
}


def find(store: Store, ref: str) -> Deal:
    """The one deal ``ref`` means: ``3``/``#3``, its exact title, or a unique
    fragment of its title or company (open deals first)."""
    text = ref.strip()
    if not text:
        raise NotFound("Empty deal name.", hint="Give a deal's id (#3) or part of its title.")
    digits = text[1:] if text.startswith("#") else text
    if digits.isdecimal():  # an id: 3 or #3
        found = deals_store.get_deal(store, int(digits))
        if found is not None:
            return found
        if text.startswith("#"):
            raise NotFound(f"No deal has id #{digits}.", hint="`wt deals` lists them.")
    for candidates in (deals_store.deals_by_title(store, text), _fragment(store, text)):
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            shown = "; ".join(f"#{d.id} {d.title}" for d in candidates[:8])
            raise UserError(
                f"'{text}' matches {len(candidates)} deals: {shown}.",
                hint="Use the deal's id (e.g. #3) or its full title.",
            )
    raise NotFound(f"No deal matches '{text}'.", hint="`wt deals --all` lists them.")


def _fragment(store: Store, text: str) -> list[Deal]:
    found = deals_store.deals_by_fragment(store, text)
    open_ = [d for d in found if d.status == "open"]
    return open_ if open_ else found


def get(store: Store, deal_id: int) -> Deal:
    deal = deals_store.get_deal(store, deal_id)
    if deal is None:
        raise NotFound(f"No deal has id #{deal_id}.", hint="`wt deals` lists them.")
    return deal


def _target(text: str | None, now: datetime) -> str | None:
    if text is None:
        return None
    return parse_day(text, now, prefer="future").isoformat()


def add(
    store: Store,
    now: datetime,
    *,
    title: str,
    company: str | None = None,
    with_: list[str] | None = None,
    target: str | None = None,
    they_win: str | None = None,
    we_win: str | None = None,
    note: str | None = None,
) -> Deal:
    fields = {
        "title": clean_text(title, "deal title"),
        "company": clean_optional(company, "company") if company is not None else None,
        "target_on": _target(target, now),
        "they_win": clean_optional(they_win, "win") if they_win is not None else None,
        "we_win": clean_optional(we_win, "win") if we_win is not None else None,
        "notes": clean_optional(note, "note") if note is not None else None,
    }
    stamp = to_utc_iso(now)
    with store.write():
        from wintogether.domain.resolve import resolve

        people = [resolve(store, person) for person in with_ or []]
        if fields["company"] is None:
            companies = {p.company for p in people if p.company}
            if len(companies) == 1:
                fields["company"] = companies.pop()
        deal_id = deals_store.insert_deal(store, fields, stamp)
        for person in people:
            deals_store.add_person(store, deal_id, person.id, stamp)
    with store.read():
        return get(store, deal_id)


def edit(
    store: Store,
    now: datetime,
    ref: str,
    *,
    title: str | None = None,
    company: str | None = None,
    with_: list[str] | None = None,
    without: list[str] | None = None,
    target: str | None = None,
    they_win: str | None = None,
    we_win: str | None = None,
    note: str | None = None,
    clear: list[str] | None = None,
) -> Deal:
    fields: dict[str, str | None] = {}
    if title is not None:
        fields["title"] = clean_text(title, "deal title")
    if company is not None:
        fields["company"] = clean_optional(company, "company")
    if target is not None:
        fields["target_on"] = _target(target, now)
    if they_win is not None:
        fields["they_win"] = clean_optional(they_win, "win")
    if we_win is not None:
        fields["we_win"] = clean_optional(we_win, "win")
    if note is not None:
        fields["notes"] = clean_optional(note, "note")
    for name in clear or []:
        column = CLEARABLE.get(name.strip().lower().replace("_", "-"))
        if column is None:
            raise InvalidValue(
                f"--clear takes one of {', '.join(CLEARABLE)}, not '{name}'.",
            )
        if column in fields:
            raise InvalidValue(f"--clear {name} and a new value for it exclude each other.")
        fields[column] = None
    stamp = to_utc_iso(now)
    with store.write():
        deal = find(store, ref)
        from wintogether.domain.resolve import resolve

        added = [resolve(store, person) for person in with_ or []]
        removed = [resolve(store, person) for person in without or []]
        if not fields and not added and not removed:
            raise UserError("Nothing to change.", hint="Give at least one option; see --help.")
        deals_store.update_deal(store, deal.id, fields, stamp)
        moved = False
        for person in added:
            moved |= deals_store.add_person(store, deal.id, person.id, stamp)
        for person in removed:
            if not deals_store.remove_person(store, deal.id, person.id):
                raise InvalidValue(f"{person.name} is not on deal #{deal.id}.")
            moved = True
        if moved and not fields:
            # Who is on it is part of the deal: its row is as new as that change
            # (a later export of it then says so).
            deals_store.touch_deal(store, deal.id, stamp)
    with store.read():
        return get(store, deal.id)


@dataclass(frozen=True)
class Closed:
    deal: Deal
    wins_recorded: list[ContactRef] = field(default_factory=list)
    steps_cancelled: int = 0


def close(store: Store, now: datetime, ref: str, outcome: str, note: str | None) -> Closed:
    """Mark a deal won, lost or dropped."""
    if outcome not in CLOSED:
        raise InvalidValue(f"A deal is won, lost or dropped, not '{outcome}'.")
    note_ = clean_optional(note, "note") if note is not None else None
    stamp = to_utc_iso(now)
    with store.write():
        deal = find(store, ref)
        if deal.status != "open":
            raise InvalidValue(f"Deal #{deal.id} '{deal.title}' is already {deal.status}.")
        if outcome == "won" and deal.one_sided is not None:
            missing, option = {
                "buyer": ("what does the buyer win?", "--they-win TEXT"),
                "seller": ("what do we win?", "--we-win TEXT"),
                "both": ("what does each side win?", "--they-win TEXT --we-win TEXT"),
            }[deal.one_sided]
            raise InvalidValue(
                f"A deal is won when both sides win: {missing}",
                hint=f"Write it first: `wt deal edit {deal.id} {option}`.",
            )
        if outcome == "lost" and not note_:
            raise InvalidValue(
                "Say why it was lost (kept for the review): --note TEXT.",
                hint=f'Like: `wt deal lost {deal.id} --note "Chose a cheaper vendor"`.',
            )
        deals_store.update_deal(
            store, deal.id, {"status": outcome, "closed_at": stamp, "close_note": note_}, stamp
        )
        wins: list[ContactRef] = []
        if outcome == "won":
            from wintogether.store import ledger as ledger_store
            from wintogether.store.common import deal_win_uid

            assert deal.they_win and deal.we_win
            uids = deals_store.contact_uids(store, [p.id for p in deal.people])
            for person in deal.people:
                ledger_store.insert_win(
                    store,
                    contact_id=person.id,
                    theirs=deal.they_win,
                    mine=deal.we_win,
                    happened_at=stamp,
                    stamp=stamp,
                    # Won on two computers before they synced: one win each, not two.
                    uid=deal_win_uid(deal.uid, uids[person.id]),
                )
                wins.append(person)
        cancelled = 0
        if outcome != "won":
            steps = deals_store.steps(store, [deal.id]).get(deal.id, [])
            for step in steps:
                if step.promise.status == "open":
                    promises_store.update_promise(
                        store,
                        step.promise.id,
                        {"status": "cancelled", "done_at": stamp, "done_note": f"deal {outcome}"},
                        stamp,
                    )
                    cancelled += 1
    with store.read():
        return Closed(get(store, deal.id), wins, cancelled)


def listing(
    store: Store, now: datetime, *, include_closed: bool = False, limit: int | None = None
) -> list[PlanView]:
    """Open deals (all with ``include_closed``), soonest target first, with plan
    health (at most ``limit``: only those are analysed). The views carry no
    steps (``statuses`` and the figures only): a list shows none."""
    statuses = ("open", *CLOSED) if include_closed else ("open",)
    with store.read():
        found = deals_store.deals(store, statuses=statuses, limit=limit)
        facts = deals_store.plan_facts(store, [d.id for d in found])
    today = now.date()
    return [summary(deal, facts.get(deal.id, []), today) for deal in found]


class AccountDeals(Frozen):
    """An account's deals, for `wt company NAME`. Written out (frozen.py):
    every account view makes one."""

    _fields = ("open", "closed")
    #: Open deals, soonest target first, with plan health.
    open: list[PlanView]
    #: Won, lost or dropped in the last 12 months, latest first.
    closed: list[Deal]

    def __init__(self, open: list[PlanView], closed: list[Deal]) -> None:
        object.__setattr__(self, "open", open)
        object.__setattr__(self, "closed", closed)


#: How far back an account's closed deals go.
DEALS_YEAR_DAYS = 365


def of_company(store: Store, company_id: int, now: datetime) -> AccountDeals:
    """The deals with ``company_id``: open ones analysed, those closed in the last year."""
    since = to_utc_iso(now - timedelta(days=DEALS_YEAR_DAYS))
    with store.read():
        found = deals_store.deals_of_company(store, company_id, since)
        open_ = [deal for deal in found if deal.status == "open"]
        facts = deals_store.plan_facts(store, [deal.id for deal in open_])
    today = now.date()
    return AccountDeals(
        [summary(deal, facts.get(deal.id, []), today) for deal in open_],
        [deal for deal in found if deal.status != "open"],
    )


def refs_for_completion(store: Store, incomplete: str) -> list[tuple[str, str]]:
    """Deals for shell completion, open ones first: (title, "company, target or
    status") for titles containing what was typed, or (id, title) when digits
    were typed (``3``, ``#3``)."""
    from wintogether.dates import format_day
    from wintogether.domain.resolve import fold

    with store.read():
        found = deals_store.deal_refs(store)
    typed = incomplete.strip().lstrip("#")
    if typed.isdigit():
        return [(str(id_), title) for id_, title, *_ in found if str(id_).startswith(typed)]
    needle = fold(incomplete)
    out: list[tuple[str, str]] = []
    for _id, title, company, target, status in found:
        if needle not in fold(title):
            continue
        when = f"target {format_day(date.fromisoformat(target))}" if target else "no target"
        shown = when if status == "open" else status
        out.append((title, f"{company}, {shown}" if company else shown))
    return out


def view(store: Store, now: datetime, ref: str) -> PlanView:
    """One deal with its plan analysed."""
    with store.read():
        deal = find(store, ref)
        steps = deals_store.steps(store, [deal.id]).get(deal.id, [])
    return analyse(deal, steps, now.date())
