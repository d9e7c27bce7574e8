"""Introductions and referrals: who brought whom, and what it led to.

A contact's introducer (``introduced_by``) is set with `wt add --introduced-by`
(or `--via`), `wt edit --introduced-by`, or by the ledger: `wt got MARCUS TEXT
--kind intro --to DANA` records that Marcus introduced you to Dana, and fills
Dana's introducer when she has none. (`wt gave DANA TEXT --kind intro --to
MARCUS` is an introduction *you* made between two people: it fills nothing, and
shows on both as "you introduced".)

`wt referrals` draws the tree of who brought whom, from the people nobody
introduced down, with what each introduction led to: conversations since, and
wins. An introduced relationship that produced a win is a reason to thank the
introducer: a proposed promise ("Thank Marcus for the intro to Dana"), which
`wt referrals --accept N` makes a promise of yours, due in a week.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from wintogether.clock import from_utc_iso, to_utc_iso
from wintogether.errors import InvalidValue, NotFound
from wintogether.frozen import Plain
from wintogether.models import ContactRef, LedgerEntry, Promise
from wintogether.records import dataclass, field
from wintogether.store import Store
from wintogether.store import contacts as contacts_store
from wintogether.store import ledger as ledger_store
from wintogether.store import referrals as referrals_store


def _day(stamp: str | None) -> date | None:
    if not stamp:
        return None
    if len(stamp) == 10:
        return date.fromisoformat(stamp)
    return from_utc_iso(stamp).astimezone().date()


#: The default of a list field: a new list each.
_FRESH: Any = object()


class Introduction(Plain):
    """One introduction: who, and since when (the intro entry, else when you met).
    Written out (frozen.py): `wt show` makes one for each introduction."""

    _fields = ("contact", "on", "ledger_id")
    contact: ContactRef
    on: date | None
    ledger_id: int | None

    def __init__(self, contact: ContactRef, on: date | None, ledger_id: int | None = None) -> None:
        self.contact = contact
        self.on = on
        self.ledger_id = ledger_id

    def to_json(self) -> dict[str, Any]:
        return {
            "contact": self.contact.to_json(),
            "on": self.on.isoformat() if self.on else None,
        }


class Introductions(Plain):
    """What `wt show` says of introductions around one contact. Written out
    (frozen.py): every `wt show` makes one."""

    _fields = ("introduced_by", "introduced_you_to", "you_introduced")
    introduced_by: Introduction | None
    introduced_you_to: list[Introduction]
    you_introduced: list[Introduction]

    def __init__(
        self,
        introduced_by: Introduction | None = None,
        introduced_you_to: list[Introduction] = _FRESH,  # a new list each
        you_introduced: list[Introduction] = _FRESH,  # a new list each
    ) -> None:
        self.introduced_by = introduced_by
        self.introduced_you_to = [] if introduced_you_to is _FRESH else introduced_you_to
        self.you_introduced = [] if you_introduced is _FRESH else you_introduced

    def __bool__(self) -> bool:
        return bool(self.introduced_by or self.introduced_you_to or self.you_introduced)

    def to_json(self) -> dict[str, Any]:
        return {
            "introduced_by": self.introduced_by.to_json() if self.introduced_by else None,
            "introduced_you_to": [i.to_json() for i in self.introduced_you_to],
            "you_introduced": [i.to_json() for i in self.you_introduced],
        }


def _intro_day(
    entries: list[LedgerEntry], introducer: int, person: int, met_on: str | None, created: str
) -> tuple[date | None, int | None]:
    """When ``introducer`` introduced you to ``person``: their intro entry, else the
    day you met, else the day the contact was added."""
    for entry in sorted(entries, key=lambda e: e.happened_at):
        if (
            entry.kind == "intro"
            and entry.direction == "got"
            and entry.contact.id == introducer
            and entry.to_contact is not None
            and entry.to_contact.id == person
        ):
            return entry.happened_at.astimezone().date(), entry.id
    return _day(met_on) or _day(created), None


def introducer(store: Store, contact_id: int) -> ContactRef | None:
    """Who introduced you to this contact, when known."""
    with store.read():
        found = referrals_store.introducer_of(store, contact_id)
    return found[0] if found is not None else None


def introductions_of(store: Store, contact_id: int) -> Introductions:
    """Introductions around one contact (inside the caller's read)."""
    entries = ledger_store.intros_of(store, contact_id)
    out = Introductions()
    mine = referrals_store.introducer_of(store, contact_id)
    if mine is not None:
        ref, met_on, created = mine
        others = ledger_store.intros_of(store, ref.id)
        on, ledger_id = _intro_day(others, ref.id, contact_id, met_on, created)
        out.introduced_by = Introduction(ref, on, ledger_id)
    for person, created, met_on in contacts_store.introduced_people(store, contact_id):
        on, ledger_id = _intro_day(entries, contact_id, person.id, met_on, created)
        out.introduced_you_to.append(Introduction(person, on, ledger_id))
    for entry in sorted(entries, key=lambda e: e.happened_at):
        if entry.direction != "gave" or entry.to_contact is None:
            continue
        other = entry.to_contact if entry.contact.id == contact_id else entry.contact
        out.you_introduced.append(
            Introduction(other, entry.happened_at.astimezone().date(), entry.id)
        )
    return out


# -- wt referrals ---------------------------------------------------------------------------


@dataclass
class ReferralNode:
    """A contact in the referral tree and what their introduction led to."""

    contact: ContactRef
    introduced_on: date | None
    conversations: int  # since they were introduced (all, when no date)
    wins: int
    last_win: str | None
    children: list[ReferralNode] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "contact": self.contact.to_json(),
            "introduced_on": self.introduced_on.isoformat() if self.introduced_on else None,
            "conversations": self.conversations,
            "wins": self.wins,
            "last_win": self.last_win,
            "introduced": [child.to_json() for child in self.children],
        }

    def size(self) -> int:
        return 1 + sum(child.size() for child in self.children)


@dataclass
class ThankYou:
    """A proposed promise: thank the introducer for an introduction that produced a win."""

    number: int
    introducer: ContactRef
    introduced: ContactRef
    win_on: date
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "introducer": self.introducer.to_json(),
            "introduced": self.introduced.to_json(),
            "win_on": self.win_on.isoformat(),
            "text": self.text,
        }


@dataclass
class Referrals:
    roots: list[ReferralNode]
    suggestions: list[ThankYou]

    def to_json(self) -> dict[str, Any]:
        return {
            "tree": [root.to_json() for root in self.roots],
            "suggestions": [s.to_json() for s in self.suggestions],
        }


def first_name(name: str) -> str:
    return (name.split() or [name])[0]


def thank_text(introducer: str, introduced: str, *, full: bool = False) -> str:
    """``Thank Marcus for the intro to Dana``; ``full``: the introduced person's
    whole name (the introducer brought two people of that first name)."""
    named = introduced if full else first_name(introduced)
    return f"Thank {first_name(introducer)} for the intro to {named}"


def referrals(store: Store, now: datetime, contact: str | None = None) -> Referrals:
    """The referral tree (everyone, or what grew from one contact) and the thank-yous due."""
    from wintogether.domain.resolve import resolve

    with store.read():
        root_id = resolve(store, contact).id if contact else None
        links = referrals_store.intro_links(store)
        thanked = referrals_store.thank_you_texts(store)
        intro_entries = referrals_store.intros_received(store)
        days: dict[int, date | None] = {}
        for link in links:
            if link.introducer_id is None:
                continue
            on, _ = _intro_day(
                intro_entries, link.introducer_id, link.contact_id, link.met_on, link.created_at
            )
            days[link.contact_id] = on
        wanted = {link.contact_id for link in links}
        if root_id is not None:
            wanted.add(root_id)
        counts = referrals_store.outcomes(
            store, {cid: _start(days.get(cid), now) for cid in wanted}
        )
        root_ref = contacts_store.refs_by_id(store, root_id)[0] if root_id is not None else None
    by_parent: dict[int | None, list[referrals_store.IntroLink]] = {}
    for link in links:
        by_parent.setdefault(link.introducer_id, []).append(link)
    refs = {link.contact_id: link.ref for link in links}
    for link in links:
        if link.introducer_id is not None and link.introducer_id not in refs:
            refs[link.introducer_id] = link.introducer  # type: ignore[assignment]

    def node(cid: int, seen: frozenset[int]) -> ReferralNode:
        outcome = counts.get(cid, referrals_store.Outcome())
        on = days.get(cid)
        talks = outcome.conversations
        children = [
            node(child.contact_id, seen | {cid})
            for child in by_parent.get(cid, [])
            if child.contact_id not in seen
        ]
        return ReferralNode(refs[cid], on, talks, outcome.wins, outcome.last_win, children)

    if root_id is not None and root_ref is not None:
        refs.setdefault(root_id, root_ref)
        roots = [node(root_id, frozenset())]
    else:
        # Everyone who introduced someone and was introduced by nobody known.
        introducers = {link.introducer_id for link in links if link.introducer_id is not None}
        introduced = {link.contact_id for link in links if link.introducer_id is not None}
        tops = sorted(introducers - introduced, key=lambda i: refs[i].name.casefold())
        roots = [node(cid, frozenset()) for cid in tops]
        # Circles (A introduced B introduced A) have no top: start at their first.
        shown = {n for root in roots for n in _ids(root)}
        for cid in sorted(introduced - shown):
            if cid not in shown:
                root = node(cid, frozenset())
                roots.append(root)
                shown |= set(_ids(root))
    suggestions = _thank_yous(roots, refs, days, counts, thanked, now)
    return Referrals(roots, suggestions)


def _start(on: date | None, now: datetime) -> str | None:
    """The UTC moment a local day starts (what an introduction led to counts from it)."""
    if on is None:
        return None
    from wintogether.dates import start_of_day

    return to_utc_iso(start_of_day(on, now.tzinfo))


def _ids(node: ReferralNode) -> list[int]:
    return [node.contact.id, *(i for child in node.children for i in _ids(child))]


def _thank_yous(
    roots: list[ReferralNode],
    refs: dict[int, ContactRef],
    days: dict[int, date | None],
    counts: dict[int, referrals_store.Outcome],
    thanked: set[tuple[int, str]],
    now: datetime,
) -> list[ThankYou]:
    """For every introduced person with a win (since the introduction), a thank-you
    to their introducer, unless a promise to the introducer with that text
    already exists (another Marcus thanked for another Dana is not this one)."""
    out: list[ThankYou] = []

    def walk(parent: ReferralNode | None, current: ReferralNode) -> None:
        outcome = counts.get(current.contact.id)
        if parent is not None and outcome is not None and outcome.wins:
            first = first_name(current.contact.name).casefold()
            namesakes = [
                c.contact.id
                for c in parent.children
                if first_name(c.contact.name).casefold() == first
            ]
            text = thank_text(parent.contact.name, current.contact.name, full=len(namesakes) > 1)
            made = {text.casefold()}
            earliest = min(namesakes, key=lambda cid: (days.get(cid) or date.max, cid))
            if current.contact.id == earliest:
                # Thanked as "the intro to Dana" before a second Dana came.
                short = thank_text(parent.contact.name, current.contact.name)
                made.add(short.casefold())
            if not any((parent.contact.id, m) in thanked for m in made) and outcome.last_win:
                win_on = _day(outcome.last_win)
                assert win_on is not None
                out.append(ThankYou(0, parent.contact, current.contact, win_on, text))
        for child in current.children:
            walk(current, child)

    for root in roots:
        walk(None, root)
    out.sort(key=lambda s: (s.win_on, s.introducer.name.casefold()), reverse=True)
    for number, suggestion in enumerate(out, 1):
        suggestion.number = number
    return out


def accept(
    store: Store,
    now: datetime,
    number: int,
    due: str | None = None,
    *,
    contact: str | None = None,
) -> Promise:
    """Make the thank-you numbered ``number`` (as `wt referrals [CONTACT]` lists
    it: the numbers are those of the view) a promise of mine."""
    from wintogether.domain import promises

    found = referrals(store, now, contact).suggestions
    chosen = next((s for s in found if s.number == number), None)
    if chosen is None:
        raise NotFound(
            f"No thank-you numbered {number} is proposed."
            if found
            else "No thank-you is proposed: no introduced relationship produced a win yet.",
            hint="`wt referrals` lists them." if found else None,
        )
    if due is not None and not due.strip():
        raise InvalidValue("--due needs a date.")
    when = due or (now + timedelta(days=7)).date().isoformat()
    return promises.add(store, now, contact=str(chosen.introducer.id), text=chosen.text, due=when)
