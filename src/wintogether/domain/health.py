"""Relationship health: four measures, each explained in words.

* in touch — days since the last conversation against the contact's rhythm
  (see :mod:`wintogether.domain.cadence`);
* my word — the promises I made to them that fell due in the last 12 months:
  kept on time (done on or before the due day), kept late (done after it, and by
  how many days), broken (still open after the due day). Cancelled promises are
  neither kept nor broken; promises not yet due are not counted;
* their word — the same for the promises they made to me;
* balance — value given and received over the last 12 months. When I have only
  received (or only given) for longer than ``[health] one_sided_after`` (90 days
  by default), the relationship is one-sided, with a suggestion.

docs/winning-together.md explains each measure with a worked example.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from wintogether.frozen import Frozen
from wintogether.models import ContactRef, ContactStanding, LedgerEntry, Promise
from wintogether.records import dataclass

if TYPE_CHECKING:
    from wintogether.config import Config
    from wintogether.domain import cadence

WINDOW_DAYS = 365


class Wording(Protocol):
    """The words for the measures (render/words.py): the domain gives numbers."""

    def word_record_text(self, record: WordRecord) -> str: ...

    def balance_text(self, balance: Balance) -> str: ...

    def one_sided_text(self, balance: Balance) -> str | None: ...

    def give_first_reason(self, balance: Balance) -> str: ...

    def brief_headline(self, person: Any) -> str: ...


@dataclass(frozen=True)
class WordRecord:
    """How one side kept its promises that fell due in the window."""

    owner: str  # "me" | "them"
    kept_on_time: int = 0
    late_days: tuple[int, ...] = ()
    broken: int = 0
    cancelled: int = 0

    @property
    def kept_late(self) -> int:
        return len(self.late_days)

    @property
    def due(self) -> int:
        return self.kept_on_time + self.kept_late + self.broken

    def to_json(self, words: Wording) -> dict[str, Any]:
        return {
            "due": self.due,
            "kept_on_time": self.kept_on_time,
            "kept_late": self.kept_late,
            "late_days": list(self.late_days),
            "broken": self.broken,
            "cancelled": self.cancelled,
            "text": words.word_record_text(self),
        }


class Due(Protocol):
    """What a word record reads of a promise: a :class:`Promise`, or the narrow
    row of ``store.accounts.dues_since`` (an account reads hundreds)."""

    @property
    def owner(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def due_on(self) -> date: ...

    @property
    def done_at(self) -> datetime | None: ...


def word_record(promises: Sequence[Due], owner: str, today: date) -> WordRecord:
    """Score ``owner``'s promises whose due day is in the 12 months up to ``today``.

    On time: done on or before the due day (done early counts, even when the due
    day is still ahead). Late: done after the due day. Broken: open and the due
    day has passed (a promise due today is not broken yet).
    """
    start = today - timedelta(days=WINDOW_DAYS)
    on_time = broken = cancelled = 0
    late: list[int] = []
    for promise in promises:
        if promise.owner != owner or promise.due_on < start:
            continue
        if promise.status == "cancelled":
            cancelled += promise.due_on <= today
        elif promise.status == "done" and promise.done_at is not None:
            done_day = promise.done_at.astimezone().date()
            if done_day <= promise.due_on:
                on_time += 1
            else:
                late.append((done_day - promise.due_on).days)
        elif promise.status == "open" and promise.due_on < today:
            broken += 1
    return WordRecord(owner, on_time, tuple(sorted(late)), broken, cancelled)


def kept_and_due(
    rows: list[tuple[int, str, str, date, datetime | None]], today: date
) -> tuple[int, int]:
    """Promises kept on time and promises due, both sides together, as
    :func:`word_record` counts them for each side, from narrow rows
    (``store.accounts.word_rows``: contact id, owner, status, due day, done at)."""
    start = today - timedelta(days=WINDOW_DAYS)
    on_time = due = 0
    for _, owner, status, due_on, done_at in rows:
        if owner not in ("me", "them") or due_on < start:
            continue
        if status == "done" and done_at is not None:
            due += 1
            on_time += done_at.astimezone().date() <= due_on
        elif status == "open" and due_on < today:
            due += 1
    return on_time, due


class Balance(Frozen):
    """Given and received over the window, and whether it is one-sided.
    Written out (frozen.py): balances, give first and the summary make them."""

    _fields = ("given", "received", "one_sided", "one_sided_since", "run", "as_of")
    given: Counter[str]
    received: Counter[str]
    one_sided: str | None  # "receiving" | "giving"
    one_sided_since: date | None
    run: Counter[str]
    as_of: date | None

    def __init__(
        self,
        given: Counter[str] | None = None,
        received: Counter[str] | None = None,
        one_sided: str | None = None,
        one_sided_since: date | None = None,
        run: Counter[str] | None = None,
        as_of: date | None = None,
    ) -> None:
        self._set(
            given=Counter() if given is None else given,
            received=Counter() if received is None else received,
            one_sided=one_sided,
            one_sided_since=one_sided_since,
            run=Counter() if run is None else run,
            as_of=as_of,
        )

    @property
    def given_total(self) -> int:
        return sum(self.given.values())

    @property
    def received_total(self) -> int:
        return sum(self.received.values())

    @property
    def net(self) -> int:
        """Given minus received: below zero, I owe."""
        return self.given_total - self.received_total

    def to_json(self, words: Wording) -> dict[str, Any]:
        return {
            "given": self.given_total,
            "received": self.received_total,
            "given_by_kind": dict(sorted(self.given.items())),
            "received_by_kind": dict(sorted(self.received.items())),
            "net": self.net,
            "one_sided": self.one_sided,
            "one_sided_since": self.one_sided_since.isoformat() if self.one_sided_since else None,
            "text": words.balance_text(self),
            "suggestion": words.one_sided_text(self),
        }


class Move(Protocol):
    """What a balance reads of a ledger entry (a :class:`LedgerEntry`, or the
    lighter ``store.ledger.Move``)."""

    @property
    def contact(self) -> ContactRef: ...

    @property
    def direction(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def happened_at(self) -> datetime: ...


M = TypeVar("M", bound=Move)


def by_contact(entries: list[M]) -> dict[int, list[M]]:
    """Entries grouped by their contact, so each balance reads only its own."""
    out: dict[int, list[M]] = {}
    for entry in entries:
        out.setdefault(entry.contact.id, []).append(entry)
    return out


def balance(entries: Sequence[Move], contact_id: int, now: datetime, stretch_days: int) -> Balance:
    """The balance with one contact as of ``now``, over the 12 months before it.

    One-sided: the latest run of entries in one direction (everything since the
    last entry the other way) started at least ``stretch_days`` ago.
    """
    start = now - timedelta(days=WINDOW_DAYS)
    mine = sorted(
        (e for e in entries if e.contact.id == contact_id and start <= e.happened_at <= now),
        key=lambda e: e.happened_at,
    )
    given = Counter(e.kind for e in mine if e.direction == "gave")
    received = Counter(e.kind for e in mine if e.direction == "got")
    one_sided: str | None = None
    since: date | None = None
    run: Counter[str] = Counter()
    if mine:
        last = mine[-1].direction
        streak: list[Move] = []
        for entry in reversed(mine):
            if entry.direction != last:
                break
            streak.append(entry)
        first = streak[-1].happened_at
        if (now - first).days >= stretch_days:
            one_sided = "receiving" if last == "got" else "giving"
            since = first.astimezone(now.tzinfo).date()
            run = Counter(e.kind for e in streak)
    return Balance(given, received, one_sided, since, run, now.date())


@dataclass(frozen=True)
class Health:
    contact: ContactRef
    in_touch: cadence.Attention
    my_word: WordRecord
    their_word: WordRecord
    balance: Balance

    @property
    def score(self) -> float:
        """How much the relationship needs me: attention, plus one per broken
        promise of mine, plus one when I have only been receiving."""
        return (
            self.in_touch.attention
            + self.my_word.broken
            + (1.0 if self.balance.one_sided == "receiving" else 0.0)
        )

    def to_json(self, words: Wording) -> dict[str, Any]:
        in_touch = self.in_touch.to_json()
        del in_touch["contact"]
        return {
            "in_touch": in_touch,
            "my_word": self.my_word.to_json(words),
            "their_word": self.their_word.to_json(words),
            "balance": self.balance.to_json(words),
            "score": round(self.score, 3),
        }


def assess(
    standing: ContactStanding,
    promises: list[Promise],
    entries: list[LedgerEntry],
    config: Config,
    now: datetime,
) -> Health:
    """Health of one relationship from what is already loaded."""
    cid = standing.contact.id
    return assess_due(standing, [p for p in promises if p.contact.id == cid], entries, config, now)


def assess_due(
    standing: ContactStanding,
    theirs: Sequence[Due],
    entries: list[LedgerEntry],
    config: Config,
    now: datetime,
) -> Health:
    """:func:`assess` from the contact's own promises (or their narrow rows)."""
    from wintogether.domain import cadence

    today = now.date()
    cid = standing.contact.id
    return Health(
        contact=standing.contact,
        in_touch=cadence.attention_of(standing, config, now),
        my_word=word_record(theirs, "me", today),
        their_word=word_record(theirs, "them", today),
        balance=balance(entries, cid, now, config.one_sided_after_days),
    )
