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
from wintogether.text import json_string, json_value

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


class WordRecord(Frozen):
    """How one side kept its promises that fell due in the window. Written out
    (frozen.py): an account makes two per person shown."""

    _fields = ("owner", "kept_on_time", "late_days", "broken", "cancelled")
    owner: str  # "me" | "them"
    kept_on_time: int
    late_days: tuple[int, ...]
    broken: int
    cancelled: int

    def __init__(
        self,
        owner: str,
        kept_on_time: int = 0,
        late_days: tuple[int, ...] = (),
        broken: int = 0,
        cancelled: int = 0,
    ) -> None:
        setter = object.__setattr__
        setter(self, "owner", owner)
        setter(self, "kept_on_time", kept_on_time)
        setter(self, "late_days", late_days)
        setter(self, "broken", broken)
        setter(self, "cancelled", cancelled)

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
    def id(self) -> int: ...

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
    last entry the other way) started at least ``stretch_days`` ago. Entries of
    one moment are in the order they were recorded (by id), as the kept
    standings order them (store/standings.py), so every view says the same.
    """
    start = now - timedelta(days=WINDOW_DAYS)
    mine = sorted(
        (e for e in entries if e.contact.id == contact_id and start <= e.happened_at <= now),
        key=_moment_and_id,
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
            since = first.astimezone().date()  # by the zone's rules for that day
            run = Counter(e.kind for e in streak)
    return Balance(given, received, one_sided, since, run, now.date())


def _moment_and_id(entry: Move) -> tuple[datetime, int]:
    return entry.happened_at, entry.id


class Health(Frozen):
    """How one relationship stands. Written out (frozen.py): an account makes
    one per person shown."""

    _fields = ("contact", "in_touch", "my_word", "their_word", "balance")
    contact: ContactRef
    in_touch: cadence.Attention
    my_word: WordRecord
    their_word: WordRecord
    balance: Balance

    def __init__(
        self,
        contact: ContactRef,
        in_touch: cadence.Attention,
        my_word: WordRecord,
        their_word: WordRecord,
        balance: Balance,
    ) -> None:
        setter = object.__setattr__
        setter(self, "contact", contact)
        setter(self, "in_touch", in_touch)
        setter(self, "my_word", my_word)
        setter(self, "their_word", their_word)
        setter(self, "balance", balance)

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


def _int_list(values: Sequence[int], pad: str) -> str:
    if not values:
        return "[]"
    inner = ",\n" + pad + "  "
    return "[\n" + pad + "  " + inner.join(map(int.__repr__, values)) + "\n" + pad + "]"


def _counts(counts: dict[str, int], pad: str) -> str:
    if not counts:
        return "{}"
    inner = ",\n" + pad + "  "
    body = inner.join(
        f"{json_string(kind)}: {int.__repr__(n)}" for kind, n in sorted(counts.items())
    )
    return "{\n" + pad + "  " + body + "\n" + pad + "}"


def word_record_json(record: WordRecord, words: Wording, pad: str) -> str:
    """``record.to_json(words)`` as :func:`text.indented_json` writes it where
    its lines are indented by ``pad``."""
    i = pad + "  "
    late = record.late_days
    return (
        f'{{\n{i}"due": {int.__repr__(record.due)},\n'
        f'{i}"kept_on_time": {int.__repr__(record.kept_on_time)},\n'
        f'{i}"kept_late": {int.__repr__(len(late))},\n'
        f'{i}"late_days": {_int_list(late, i)},\n'
        f'{i}"broken": {int.__repr__(record.broken)},\n'
        f'{i}"cancelled": {int.__repr__(record.cancelled)},\n'
        f'{i}"text": {json_string(words.word_record_text(record))}\n{pad}}}'
    )


def balance_json(balance: Balance, words: Wording, pad: str) -> str:
    """``balance.to_json(words)`` as :func:`text.indented_json` writes it where
    its lines are indented by ``pad``."""
    i = pad + "  "
    since = balance.one_sided_since
    given, received = balance.given_total, balance.received_total
    return (
        f'{{\n{i}"given": {int.__repr__(given)},\n'
        f'{i}"received": {int.__repr__(received)},\n'
        f'{i}"given_by_kind": {_counts(balance.given, i)},\n'
        f'{i}"received_by_kind": {_counts(balance.received, i)},\n'
        f'{i}"net": {int.__repr__(given - received)},\n'
        f'{i}"one_sided": {json_string(balance.one_sided)},\n'
        f'{i}"one_sided_since": {json_string(since.isoformat() if since else None)},\n'
        f'{i}"text": {json_string(words.balance_text(balance))},\n'
        f'{i}"suggestion": {json_string(words.one_sided_text(balance))}\n{pad}}}'
    )


def health_json(found: Health, words: Wording, pad: str) -> str:
    """``found.to_json(words)`` as :func:`text.indented_json` writes it where its
    lines are indented by ``pad``: an account's JSON holds one per person,
    hundreds (tests/test_accounts.py compares the two)."""
    i = pad + "  "
    j = i + "  "
    touch = found.in_touch
    return (
        f'{{\n{i}"in_touch": {{\n'
        f'{j}"days_since_last_touch": {json_value(touch.days_since)},\n'
        f'{j}"cadence_days": {json_value(touch.cadence_days)},\n'
        f'{j}"cadence_source": {json_value(touch.cadence_source)},\n'
        f'{j}"attention": {json_value(round(touch.attention, 3))},\n'
        f'{j}"slipping": {json_value(touch.slipping)},\n'
        f'{j}"reason": {json_value(touch.reason)}\n{i}}},\n'
        f'{i}"my_word": {word_record_json(found.my_word, words, i)},\n'
        f'{i}"their_word": {word_record_json(found.their_word, words, i)},\n'
        f'{i}"balance": {balance_json(found.balance, words, i)},\n'
        f'{i}"score": {json_value(round(found.score, 3))}\n{pad}}}'
    )


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
    entries: Sequence[Move],
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
