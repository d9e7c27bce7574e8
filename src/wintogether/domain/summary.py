"""The weekly summary: what happened in a period, in numbers and names.

A period is a range of whole local days, first and last included. Counting rules
(docs/winning-together.md):

* promises made: created in the period;
* kept on time / kept late: marked done in the period, on or before / after the
  due day (late ones say by how many days);
* broken: due in the period and not done when the period ended (or by now, for
  the period still running); a promise due today is not broken yet;
* cancelled promises are neither kept nor broken;
* became one-sided: one-sided at the end of the period and not at its start;
* job changes seen: recorded by an import during the period.
"""

from __future__ import annotations

from collections import Counter
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from typing import Any

from wintogether.clock import from_utc_iso_utc, to_utc_iso
from wintogether.config import WEEKDAY_NAMES, Config
from wintogether.dates import format_day, parse_day, start_of_day, stored_day
from wintogether.domain import cadence, health
from wintogether.domain.birthdays import Birthday, birthday_days, birthdays_of
from wintogether.domain.trends import Trends, weekly_trends, window
from wintogether.errors import InvalidValue
from wintogether.frozen import Frozen
from wintogether.models import CHANNELS, ContactEvent, ContactRef, Conversation, Promise
from wintogether.store import Store, events, reports
from wintogether.store import dashboard as dashboard_store
from wintogether.store import ledger as ledger_store

SLIPPING_IN_SUMMARY = 10
#: The people reached a table shows (the busiest); the other formats list all.
PEOPLE_IN_TABLE = 20
#: Relationships that became one-sided a table lists (the first by name); the
#: other formats list them all, and every format counts them all.
ONE_SIDED_IN_TABLE = 20
#: Next week's entries (promises due and birthdays, by day) a table lists; the
#: other formats list them all, and every format counts them all.
NEXT_WEEK_IN_TABLE = 20
#: Broken promises a table lists (mine, then theirs); the other formats list
#: them all, and every format counts them all.
BROKEN_IN_TABLE = 20


class Period(Frozen):
    """A range of whole local days, first and last included, and its name."""

    _fields = ("first", "last", "label")

    first: date
    last: date
    label: str

    def __init__(self, first: date, last: date, label: str) -> None:
        self._set(first=first, last=last, label=label)

    @property
    def title(self) -> str:
        return f"{self.label}: {format_day(self.first)} to {format_day(self.last)}"

    def to_json(self) -> dict[str, Any]:
        return {"first": self.first.isoformat(), "last": self.last.isoformat(), "label": self.label}


def period(
    now: datetime,
    config: Config,
    *,
    week: bool = False,
    last_week: bool = False,
    month: bool = False,
    since: str | None = None,
    until: str | None = None,
) -> Period:
    """Resolve the period options; this week (so far) when none is given."""
    chosen = sum([week, last_week, month, since is not None or until is not None])
    if chosen > 1:
        raise InvalidValue("Choose one period: --week, --last-week, --month or --since/--until.")
    today = now.date()
    week_start = today - timedelta(days=(today.weekday() - config.week_start) % 7)
    if last_week:
        first = week_start - timedelta(days=7)
        return Period(first, first + timedelta(days=6), f"Week of {format_day(first)}")
    if month:
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period(first, following - timedelta(days=1), f"{first:%B %Y}")
    if since is not None or until is not None:
        last = parse_day(until, now, prefer="past") if until else today
        first = parse_day(since, now, prefer="past") if since else last - timedelta(days=6)
        if first > last:
            raise InvalidValue("--since is after --until: the period would be empty.")
        return Period(first, last, "Summary")
    return Period(week_start, week_start + timedelta(days=6), f"Week of {format_day(week_start)}")


class PromiseCounts:
    __slots__ = ("broken", "kept_late", "kept_late_count", "kept_on_time", "made")

    def __init__(
        self,
        made: int = 0,
        kept_on_time: int = 0,
        kept_late: list[Promise] | None = None,
        broken: list[Promise] | None = None,
        kept_late_count: int | None = None,
    ) -> None:
        self.made = made
        self.kept_on_time = kept_on_time
        #: Each one kept late, unless ``summarise`` was asked only to count them.
        self.kept_late: list[Promise] = [] if kept_late is None else kept_late
        self.kept_late_count = len(self.kept_late) if kept_late_count is None else kept_late_count
        self.broken: list[Promise] = [] if broken is None else broken

    def late_days(self, promise: Promise) -> int:
        assert promise.done_at is not None
        return (promise.done_at.astimezone().date() - promise.due_on).days

    def to_json(self) -> dict[str, Any]:
        return {
            "made": self.made,
            "kept_on_time": self.kept_on_time,
            "kept_late": self.kept_late_count,
            "broken": len(self.broken),
            "late": [{**p.to_json(), "days_late": self.late_days(p)} for p in self.kept_late],
            "broken_promises": [p.to_json() for p in self.broken],
        }


class OneSided(Frozen):
    _fields = ("contact", "balance")

    contact: ContactRef
    balance: health.Balance

    def __init__(self, contact: ContactRef, balance: health.Balance) -> None:
        self._set(contact=contact, balance=balance)

    def to_json(self, words: health.Wording) -> dict[str, Any]:
        return {"contact": self.contact.to_json(), "suggestion": words.one_sided_text(self.balance)}


class DealCounts:
    """Deals in the period: opened, won, lost; plan steps kept on time by each side."""

    __slots__ = ("lost", "my_steps_on_time", "opened", "their_steps_on_time", "won")

    def __init__(
        self,
        opened: int = 0,
        won: int = 0,
        lost: int = 0,
        my_steps_on_time: int = 0,
        their_steps_on_time: int = 0,
    ) -> None:
        self.opened = opened
        self.won = won
        self.lost = lost
        self.my_steps_on_time = my_steps_on_time
        self.their_steps_on_time = their_steps_on_time


class Summary:
    """Everything the summary shows (written out, not a compiled dataclass:
    one is made per run)."""

    def __init__(
        self,
        *,
        period: Period,
        generated_at: datetime,
        conversations: int,
        by_channel: dict[str, int],
        people: list[tuple[ContactRef, int]],
        people_reached: int,
        new_contacts: list[ContactRef],
        mine: PromiseCounts,
        theirs: PromiseCounts,
        given: Counter[str],
        received: Counter[str],
        wins: int,
        became_one_sided: list[OneSided],
        job_changes: list[ContactEvent],
        slipping: list[cadence.Attention],
        due_next: list[Promise],
        birthdays_next: list[Birthday],
        next_first: date,
        next_last: date,
        trends: Trends,
        rows: list[Conversation] | None = None,
        deals: DealCounts | None = None,
        became_one_sided_count: int | None = None,
        due_next_count: int | None = None,
        birthdays_next_count: int | None = None,
    ) -> None:
        self.period = period
        self.generated_at = generated_at
        self.conversations = conversations
        self.by_channel = by_channel
        #: The busiest first; all of them unless ``summarise`` was asked for fewer.
        self.people = people
        self.people_reached = people_reached
        self.new_contacts = new_contacts
        self.mine = mine
        self.theirs = theirs
        self.given = given
        self.received = received
        self.wins = wins
        #: The first by name; all of them unless ``summarise`` was asked for fewer.
        self.became_one_sided = became_one_sided
        self.became_one_sided_count = (
            len(became_one_sided) if became_one_sided_count is None else became_one_sided_count
        )
        self.job_changes = job_changes
        self.slipping = slipping
        #: Next week's promises and birthdays: all of them unless ``summarise``
        #: was asked for the first entries only; the counts are of all.
        self.due_next = due_next
        self.birthdays_next = birthdays_next
        self.due_next_count = len(due_next) if due_next_count is None else due_next_count
        self.birthdays_next_count = (
            len(birthdays_next) if birthdays_next_count is None else birthdays_next_count
        )
        self.next_first = next_first
        self.next_last = next_last
        self.trends = trends
        self.rows: list[Conversation] = [] if rows is None else rows
        self.deals = DealCounts() if deals is None else deals

    def next_week(self) -> list[tuple[date, Promise | Birthday]]:
        """Next week's promises and birthdays in one list, by day (promises first on a day)."""
        entries: list[tuple[date, Promise | Birthday]] = [(p.due_on, p) for p in self.due_next]
        entries += [(b.on, b) for b in self.birthdays_next]
        return sorted(entries, key=lambda entry: entry[0])

    @property
    def next_week_more(self) -> int:
        """How many of next week's entries :meth:`next_week` leaves out."""
        return (
            self.due_next_count
            + self.birthdays_next_count
            - len(self.due_next)
            - len(self.birthdays_next)
        )

    def numbers(self) -> list[tuple[str, str, int]]:
        """(key, label, value): the figures every format shows, in one order."""
        out: list[tuple[str, str, int]] = [("conversations", "Conversations", self.conversations)]
        out += [
            (f"conversations_{channel}", f"Conversations by {channel}", self.by_channel[channel])
            for channel in CHANNELS
        ]
        out += [
            ("people_reached", "People reached", self.people_reached),
            ("new_contacts", "New contacts", len(self.new_contacts)),
        ]
        for key, label, counts in (("my", "My", self.mine), ("their", "Their", self.theirs)):
            out += [
                (f"{key}_promises_made", f"{label} promises made", counts.made),
                (
                    f"{key}_promises_kept_on_time",
                    f"{label} promises kept on time",
                    counts.kept_on_time,
                ),
                (
                    f"{key}_promises_kept_late",
                    f"{label} promises kept late",
                    counts.kept_late_count,
                ),
                (f"{key}_promises_broken", f"{label} promises broken", len(counts.broken)),
            ]
        out += [
            ("value_given", "Value given", sum(self.given.values())),
            ("value_received", "Value received", sum(self.received.values())),
            ("wins", "Wins for both sides", self.wins),
            (
                "became_one_sided",
                "Relationships that became one-sided",
                self.became_one_sided_count,
            ),
            ("job_changes", "Job changes seen", len(self.job_changes)),
            ("due_next_week", "Promises due next week", self.due_next_count),
            ("birthdays_next_week", "Birthdays next week", self.birthdays_next_count),
            ("deals_opened", "Deals opened", self.deals.opened),
            ("deals_won", "Deals won", self.deals.won),
            ("deals_lost", "Deals lost", self.deals.lost),
            (
                "my_plan_steps_kept_on_time",
                "My plan steps done on time",
                self.deals.my_steps_on_time,
            ),
            (
                "their_plan_steps_kept_on_time",
                "Their plan steps done on time",
                self.deals.their_steps_on_time,
            ),
        ]
        return out

    def shown_numbers(self) -> list[tuple[str, str, int]]:
        """The figures a table shows: ``numbers()`` without the channels nobody used."""
        return [
            (key, label, value)
            for key, label, value in self.numbers()
            if value or not key.startswith("conversations_")
        ]

    def to_json(self, words: health.Wording) -> dict[str, Any]:
        return {
            "period": self.period.to_json(),
            "generated_at": self.generated_at.isoformat(),
            "numbers": {key: value for key, _, value in self.numbers()},
            "people_reached": [{**ref.to_json(), "conversations": n} for ref, n in self.people],
            "new_contacts": [ref.to_json() for ref in self.new_contacts],
            "my_promises": self.mine.to_json(),
            "their_promises": self.theirs.to_json(),
            "given_by_kind": dict(sorted(self.given.items())),
            "received_by_kind": dict(sorted(self.received.items())),
            "became_one_sided": [o.to_json(words) for o in self.became_one_sided],
            "job_changes": [event.to_json() for event in self.job_changes],
            "slipping": [a.to_json() for a in self.slipping],
            "next_week": {
                "first": self.next_first.isoformat(),
                "last": self.next_last.isoformat(),
                "promises": [p.to_json() for p in self.due_next],
                "birthdays": [b.to_json() for b in self.birthdays_next],
            },
            "trends": self.trends.to_json(),
        }


class _Touch:
    """What counting reads of a promise in the period: its times as aware UTC
    datetimes (the same instants as the promise's own), its due day."""

    __slots__ = ("created_at", "done_at", "due_on", "id", "owner", "status")

    def __init__(self, row: tuple[int, str, str, str, str | None, str]) -> None:
        self.id, self.owner, self.status = row[0], row[1], row[2]
        self.created_at = from_utc_iso_utc(row[3])
        self.done_at = from_utc_iso_utc(row[4]) if row[4] else None
        self.due_on = stored_day(row[5])


def _count_promises(
    touches: list[_Touch],
    owner: str,
    start: datetime,
    end: datetime,
    cut_day: date,
    first: date,
) -> tuple[int, int, list[int], list[int]]:
    """Made, kept on time, and the ids of those kept late and broken."""
    with suppress(OverflowError):
        # The touches' times are UTC: compared with bounds in the same zone,
        # no offset is worked out for each comparison (the same instants).
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    made = on_time = 0
    late: list[int] = []
    broken: list[int] = []
    for promise in touches:
        if promise.owner != owner:
            continue
        if start <= promise.created_at < end:
            made += 1
        if promise.status == "cancelled":
            continue
        done = promise.done_at if promise.status == "done" else None
        if done is not None and start <= done < end:
            if done.astimezone().date() <= promise.due_on:
                on_time += 1
            else:
                late.append(promise.id)
        if first <= promise.due_on < cut_day and (done is None or done >= end):
            broken.append(promise.id)
    return made, on_time, late, broken


def summarise(
    store: Store,
    config: Config,
    now: datetime,
    span: Period,
    *,
    with_rows: bool = False,
    people_shown: int | None = None,
    one_sided_shown: int | None = None,
    late_listed: bool = True,
    next_shown: int | None = None,
) -> Summary:
    """Everything the summary shows for ``span``; ``with_rows`` adds each
    conversation; ``people_shown``: list only the busiest people reached (a
    table shows :data:`PEOPLE_IN_TABLE`), counting them all;
    ``one_sided_shown``: likewise the first relationships by name that became
    one-sided (:data:`ONE_SIDED_IN_TABLE`); ``late_listed``: False to count the
    promises kept late without reading them (a table lists the broken ones only);
    ``next_shown``: list only next week's first entries (:data:`NEXT_WEEK_IN_TABLE`),
    reading only those promises in full, counting them all."""
    tz = now.tzinfo
    start = start_of_day(span.first, tz)
    period_end = start_of_day(span.last + timedelta(days=1), tz)
    end = min(period_end, now)  # "as of": the end of the period, or now while it runs
    cut_day = min(span.last + timedelta(days=1), now.date())
    s, e = to_utc_iso(start), to_utc_iso(period_end)
    next_first = span.last + timedelta(days=1)
    next_last = span.last + timedelta(days=7)
    trend_start, _ = window(span.last, config.week_start, tz)
    window_start = to_utc_iso(min(start - timedelta(days=health.WINDOW_DAYS), trend_start))
    with store.read():
        counts = reports.conversation_counts(store, s, e, people_limit=people_shown)
        new = reports.new_contacts(store, s, e)
        # Counted from each promise's times; whole promises only for the
        # ones listed (kept late, broken).
        touches = [
            _Touch(row)
            for row in reports.promise_times_touching(store, s, e, span.first, span.last)
        ]
        owners: dict[str, list[_Touch]] = {"me": [], "them": []}
        for touch in touches:
            if touch.owner in owners:
                owners[touch.owner].append(touch)
        counted = {
            owner: _count_promises(own, owner, start, period_end, cut_day, span.first)
            for owner, own in owners.items()
        }
        listed = reports.promises_by_id(
            store,
            [
                i
                for _, _, late, broken in counted.values()
                for i in (late + broken if late_listed else broken)
            ],
        )
        # Value given and received by kind, counted by the database; who
        # became one-sided comes from the kept standings (store/standings.py).
        kinds = reports.ledger_kinds_between(store, s, e)
        became, became_count = _became_one_sided(
            store, config, start, end, window_start, one_sided_shown
        )
        wins = ledger_store.wins(store, since=s, until=e)
        job_changes = events.events_between(store, s, e, kind="job_change")
        slipping = cadence.most_slipping(store, config, now, SLIPPING_IN_SUMMARY)
        born = dashboard_store.birthday_people(store, birthday_days(next_first, window=6))
        birthdays_all = birthdays_of(born, next_first, window=6)
        due_next, due_next_count, birthdays_next = _next_week(
            store, next_first, next_last, birthdays_all, next_shown
        )
        rows = reports.conversations_between(store, s, e) if with_rows else []
        weekly = weekly_trends(store, now, span.last, config.week_start)
        deal_counts = _deal_counts(store, touches, s, e, start, period_end)
    return Summary(
        period=span,
        generated_at=now,
        conversations=counts.total,
        by_channel={channel: counts.by_channel.get(channel, 0) for channel in CHANNELS},
        people=[(ContactRef(i, n, c), k) for i, n, c, k in counts.people],
        people_reached=counts.people_reached,
        new_contacts=[ContactRef(i, n, c) for i, n, c in new],
        mine=_listed(counted["me"], listed),
        theirs=_listed(counted["them"], listed),
        given=Counter({kind: n for way, kind, n in kinds if way == "gave"}),
        received=Counter({kind: n for way, kind, n in kinds if way == "got"}),
        wins=len(wins),
        became_one_sided=became,
        job_changes=job_changes,
        slipping=slipping,
        due_next=due_next,
        birthdays_next=birthdays_next,
        due_next_count=due_next_count,
        birthdays_next_count=len(birthdays_all),
        next_first=next_first,
        next_last=next_last,
        trends=weekly,
        rows=rows,
        deals=deal_counts,
        became_one_sided_count=became_count,
    )


def _listed(
    counted: tuple[int, int, list[int], list[int]], listed: dict[int, Promise]
) -> PromiseCounts:
    made, on_time, late, broken = counted
    return PromiseCounts(
        made,
        on_time,
        [listed[i] for i in late if i in listed],
        [listed[i] for i in broken],
        kept_late_count=len(late),
    )


def _next_week(
    store: Store, first: date, last: date, birthdays: list[Birthday], shown: int | None
) -> tuple[list[Promise], int, list[Birthday]]:
    """Next week's open promises, how many there are, and the birthdays listed
    beside them: with ``shown``, only the first ``shown`` entries of
    :meth:`Summary.next_week` (the promises and ``birthdays`` by day, promises
    first on a day), the promises among them read in full and the others only
    counted, from the index."""
    if shown is None:
        due = reports.promises_due_between(store, first, last)
        return due, len(due), birthdays
    keys = reports.promise_keys_due_between(store, first, last)
    # The order next_week() sorts them in: by day, stably (the promises in the
    # database's order, then the birthdays in theirs).
    entries: list[tuple[date, int | None]] = [
        (stored_day(due_on), promise_id) for promise_id, due_on in keys
    ]
    entries += [(birthday.on, None) for birthday in birthdays]
    entries.sort(key=_first)
    kept = entries[:shown]
    wanted = [promise_id for _, promise_id in kept if promise_id is not None]
    full = reports.promises_by_id(store, wanted)
    # The birthdays kept are the first ones: their order is the entries'.
    return [full[i] for i in wanted], len(keys), birthdays[: len(kept) - len(wanted)]


def _first(entry: tuple[date, int | None]) -> date:
    return entry[0]


def _deal_counts(
    store: Store, promises: list[_Touch], s: str, e: str, start: datetime, end: datetime
) -> DealCounts:
    from wintogether.store import deals as deals_store

    closed = Counter(d.status for d in deals_store.deals_closed_between(store, s, e))
    steps = deals_store.step_promise_ids(store, [p.id for p in promises])
    on_time = Counter(
        p.owner
        for p in promises
        if p.id in steps
        and p.status == "done"
        and p.done_at is not None
        and start <= p.done_at < end
        and p.done_at.astimezone().date() <= p.due_on
    )
    return DealCounts(
        opened=len(deals_store.deals_opened_between(store, s, e)),
        won=closed["won"],
        lost=closed["lost"],
        my_steps_on_time=on_time["me"],
        their_steps_on_time=on_time["them"],
    )


def _became_one_sided(
    store: Store,
    config: Config,
    start: datetime,
    end: datetime,
    window_start: str,
    shown: int | None = None,
) -> tuple[list[OneSided], int]:
    """Relationships one-sided at ``end`` and not (or the other way) at ``start``,
    by name, and how many there are: with ``shown``, only the first ``shown``
    by name (and any tied with the last) are listed.

    Who is one-sided at either moment comes from the kept standings (a few
    figures per contact, store/standings.py); only those listed get their full
    balance, from their own entries, for the words.
    """
    from wintogether.store import standings

    stretch = config.one_sided_after_days
    year = timedelta(days=health.WINDOW_DAYS)

    def sides(
        at: datetime, ids: list[int] | None, began_after: str | None = None
    ) -> tuple[dict[int, str], dict[int, str]]:
        """Who is one-sided at ``at`` (of ``ids`` when given), which way, and
        when the run began for those the standings settle: the run began
        ``stretch`` whole days before ``at`` or earlier (stored UTC times compare
        as text; those with an entry after ``at`` from their entries, as aware
        times: no local zone needed). ``began_after``: leave out the runs the
        standings settle that began by then."""
        since, until = to_utc_iso(at - year), to_utc_iso(at)
        began_by = at - timedelta(days=stretch)
        out, began = {}, {}
        for cid, way, run in standings.runs_begun_by(
            store, since, until, to_utc_iso(began_by), ids, began_after=began_after
        ):
            out[cid] = "receiving" if way == "got" else "giving"
            began[cid] = run
        ahead = standings.ledger_ahead(store, until, ids)
        for fig in standings.ledger_figures(store, since, until, ahead) if ahead else []:
            if from_utc_iso_utc(fig.run_start) <= began_by:
                out[fig.contact.id] = "receiving" if fig.latest == "got" else "giving"
        return out, began

    # A run that began by the start minus the stretch was one-sided the same way
    # at the start already (the same run, and it began no later inside the
    # start's window, which reaches further back): only the others can have
    # become one-sided in the period, and only they are read at the end.
    settled = to_utc_iso(start - timedelta(days=stretch))
    after, began = sides(end, None, settled)
    changing = [cid for cid in after if cid not in began or began[cid] > settled]
    before = sides(start, changing)[0] if changing else {}
    became = [cid for cid in changing if before.get(cid) != after[cid]]
    if not became:
        return [], 0
    listed = became
    if shown is not None and len(became) > shown:
        listed = _first_by_name(store, became, shown)
    # Read in (happened_at, id) order, as the full computation met them; only
    # what the balance reads of each entry.
    entries = ledger_store.moves(store, listed, window_start)
    out = []
    for cid, own in health.by_contact(entries).items():
        balance = health.balance(own, cid, end, stretch)
        if balance.one_sided and balance.one_sided_since is not None:
            out.append(OneSided(own[0].contact, balance))
    out.sort(key=lambda o: o.contact.name.casefold())
    # The kept standings and the balance say one-sided by the same rule: those
    # not listed are counted as the standings say.
    return out, len(out) + len(became) - len(listed)


def _first_by_name(store: Store, ids: list[int], count: int) -> list[int]:
    """The first ``count`` of ``ids`` by name casefolded, with every one whose
    name ties with the last (their order among themselves is the entries')."""
    names = sorted((name.casefold(), cid) for cid, name in reports.contact_names(store, ids))
    last = names[count - 1][0]
    return [cid for name, cid in names if name <= last]


def week_start_name(config: Config) -> str:
    return WEEKDAY_NAMES[config.week_start]
