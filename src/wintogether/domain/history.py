"""One global timeline: conversations, promises, ledger entries, wins, job changes and sync
conflicts, by day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from wintogether.clock import to_utc_iso
from wintogether.dates import parse_day, start_of_day
from wintogether.errors import InvalidValue
from wintogether.frozen import Plain
from wintogether.models import ContactEvent, Conversation, Deal, LedgerEntry, Promise, Win
from wintogether.store import Store, reports
from wintogether.store import events as events_store
from wintogether.store import ledger as ledger_store

KINDS = (
    "conversation",
    "promise",
    "ledger",
    "gave",
    "got",
    "win",
    "job_change",
    "sync_conflict",
    "sync_deleted",
    "deal",
)
#: Timeline entries (contact_events) that history shows, by kind.
EVENT_KINDS = ("job_change", "sync_conflict", "sync_deleted")
DEFAULT_DAYS = 30
_Row = TypeVar("_Row")


class HistoryEntry(Plain):
    """One line of the timeline. Written out (frozen.py): a week of a busy
    seller makes 1,600 of them."""

    _fields = (
        "at", "kind", "conversation", "promise", "ledger", "win", "event", "deal", "deal_event",
    )  # fmt: skip

    def __init__(
        self,
        at: datetime,
        kind: str,
        conversation: Conversation | None = None,
        promise: Promise | None = None,
        ledger: LedgerEntry | None = None,
        win: Win | None = None,
        event: ContactEvent | None = None,
        deal: Deal | None = None,
        deal_event: str | None = None,
    ) -> None:
        self.at = at
        #: "conversation" | "promise" | "ledger" | "win" | "job_change" | "sync_conflict" | "deal"
        self.kind = kind
        self.conversation = conversation
        self.promise = promise
        self.ledger = ledger
        self.win = win
        self.event = event
        self.deal = deal
        #: For a deal: "opened", "won", "lost" or "dropped".
        self.deal_event = deal_event

    @property
    def item(self) -> Conversation | Promise | LedgerEntry | Win | ContactEvent | Deal:
        found = (
            self.conversation or self.promise or self.ledger or self.win or self.event or self.deal
        )
        assert found is not None
        return found

    def to_json(self) -> dict[str, Any]:
        data = self.item.to_json()
        if self.ledger is not None:
            data["ledger_kind"] = data.pop("kind")
        if self.deal is not None:
            data["deal_event"] = self.deal_event
        return {"at": self.at.isoformat(), "kind": self.kind, **data}

    @property
    def people(self) -> list[str]:
        if self.deal:
            return [p.name for p in self.deal.people]
        if self.conversation:
            return [p.name for p in self.conversation.participants]
        if self.promise:
            return [self.promise.contact.name]
        if self.ledger:
            names = [self.ledger.contact.name]
            return names + ([self.ledger.to_contact.name] if self.ledger.to_contact else [])
        if self.event:
            return [self.event.contact.name]
        assert self.win is not None
        return [self.win.contact.name]

    @property
    def text(self) -> str:
        if self.deal:
            text = f"deal {self.deal_event}: {self.deal.title}"
            if self.deal_event != "opened" and self.deal.close_note:
                text += f" ({self.deal.close_note})"
            return text
        if self.conversation:
            return self.conversation.note
        if self.promise:
            return self.promise.text
        if self.ledger:
            return self.ledger.text
        if self.event:
            return self.event.text
        assert self.win is not None
        return f"they gained: {self.win.theirs}; I gained: {self.win.mine}"


class History(Plain):
    """The timeline of a stretch of days. Written out (frozen.py)."""

    _fields = ("since", "until", "entries", "earlier")

    def __init__(
        self, since: date, until: date, entries: list[HistoryEntry], earlier: int = 0
    ) -> None:
        self.since = since
        self.until = until
        self.entries = entries
        #: Entries of the stretch older than those listed (a limited listing).
        self.earlier = earlier

    def days(self) -> list[tuple[date, list[HistoryEntry]]]:
        """Entries grouped by local day, oldest day first."""
        out: list[tuple[date, list[HistoryEntry]]] = []
        for entry in self.entries:
            day = entry.at.date()
            if not out or out[-1][0] != day:
                out.append((day, []))
            out[-1][1].append(entry)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "entries": [e.to_json() for e in self.entries],
        }


def history(
    store: Store,
    now: datetime,
    *,
    since: str | None = None,
    until: str | None = None,
    contact: str | None = None,
    tag: str | None = None,
    channel: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> History:
    """Everything that happened between two days (inclusive), oldest first.

    Without ``--since`` the timeline starts 30 days before ``--until`` (today by
    default). ``--channel`` keeps only conversations on that channel; ``--kind``
    keeps one kind (``gave``/``got`` are ledger entries in one direction). Job
    changes are on the day an import saw them. ``limit``: only the newest
    entries, the others counted (:attr:`History.earlier`).

    A limited timeline reads only the newest ``limit`` conversations,
    promises made and ledger entries, the kinds a busy month is made of
    (6,568 of its 6,576 entries), and counts the rest: no older one can be
    among the newest ``limit`` of all kinds.
    """
    today = now.date()
    last = parse_day(until, now, prefer="past") if until else today
    first = parse_day(since, now, prefer="past") if since else last - timedelta(days=DEFAULT_DAYS)
    if first > last:
        raise InvalidValue("--since is after --until: nothing can be in between.")
    if kind is not None:
        kind = kind.strip().lower()
        if kind not in KINDS:
            raise InvalidValue(f"Unknown kind '{kind}'.", hint=f"Use one of: {', '.join(KINDS)}.")
    channel_ = None
    if channel is not None:
        from wintogether.domain.conversations import check_channel

        channel_ = check_channel(channel)
    if channel_ is not None and kind not in (None, "conversation"):
        raise InvalidValue("--channel applies to conversations only; drop --kind or --channel.")
    tz = now.tzinfo
    start = to_utc_iso(start_of_day(first, tz))
    end = to_utc_iso(start_of_day(last + timedelta(days=1), tz))
    wanted = {kind} if kind else set(KINDS)
    if channel_ is not None:
        wanted = {"conversation"}
    entries: list[HistoryEntry] = []
    #: Entries of the kinds read newest first that were counted, not read.
    unread = 0
    with store.read():
        contact_id = None
        if contact is not None:
            # Only a named contact needs the resolver (and the contact queries).
            from wintogether.domain.resolve import resolve

            contact_id = resolve(store, contact).id
        tagged = reports.tagged_contact_ids(store, tag) if tag is not None else None
        if "conversation" in wanted:
            filters: dict[str, Any] = {"contact_id": contact_id, "tag": tag, "channel": channel_}
            conversations, more = _newest(
                lambda n: reports.conversations_between(
                    store, start, end, limit=n, newest_first=n is not None, **filters
                ),
                lambda: reports.count_conversations_between(store, start, end, **filters),
                limit,
            )
            unread += more
            for conv in conversations:
                entries.append(HistoryEntry(conv.happened_at, "conversation", conversation=conv))
        if "promise" in wanted:
            # Promises are kept by contact and tag here, not in SQL: only an
            # unfiltered listing can read just the newest.
            promises, more = _newest(
                lambda n: reports.promises_created_between(
                    store, start, end, limit=n, newest_first=n is not None
                ),
                lambda: reports.count_promises_created_between(store, start, end),
                limit if contact_id is None and tagged is None else None,
            )
            unread += more
            for promise in promises:
                if _keep(promise.contact.id, None, contact_id, tagged):
                    entries.append(HistoryEntry(promise.created_at, "promise", promise=promise))
        if wanted & {"ledger", "gave", "got"}:
            window: dict[str, Any] = {
                "contact_id": contact_id,
                "since": start,
                "until": end,
                "direction": kind if kind in ("gave", "got") else None,
            }
            ledger, more = _newest(
                lambda n: ledger_store.entries(
                    store, limit=n, newest_first=n is not None, **window
                ),
                lambda: ledger_store.count_entries(store, **window),
                limit if tagged is None else None,  # kept by tag in Python
            )
            unread += more
            for entry in ledger:
                other = entry.to_contact.id if entry.to_contact else None
                if _keep(entry.contact.id, other, None, tagged):
                    entries.append(HistoryEntry(entry.happened_at, "ledger", ledger=entry))
        if "win" in wanted:
            for win in ledger_store.wins(store, contact_id=contact_id, since=start, until=end):
                if _keep(win.contact.id, None, None, tagged):
                    entries.append(HistoryEntry(win.happened_at, "win", win=win))
        for event_kind in EVENT_KINDS:
            if event_kind not in wanted:
                continue
            for event in events_store.events_between(
                store, start, end, kind=event_kind, contact_id=contact_id
            ):
                if _keep(event.contact.id, None, None, tagged):
                    entries.append(HistoryEntry(event.happened_at, event_kind, event=event))
        if "deal" in wanted:
            _deal_entries(store, entries, start, end, contact_id, tagged)
    entries = _in_order(entries)
    if limit is None or len(entries) <= limit:
        return History(first, last, entries, earlier=unread)
    return History(first, last, entries[-limit:], earlier=unread + len(entries) - limit)


def _newest(
    read: Callable[[int | None], list[_Row]], count: Callable[[], int], limit: int | None
) -> tuple[list[_Row], int]:
    """The newest ``limit`` rows of one kind (all when None: oldest first), and
    how many more there are (counted, not read)."""
    rows = read(limit)
    if limit is None or len(rows) < limit:
        return rows, 0
    return rows, count() - limit


def _in_order(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """The entries by time, kind and id (ties in the order given): the order of
    ``entries.sort(key=lambda e: (e.at, e.kind, e.item.id))``, compared in UTC.

    Each local time read from the database has a time zone object of its own,
    so comparing two of them works out both offsets; the same instants in UTC
    share one and compare field by field (a week's sort: ≈ 29 M instructions
    → ≈ 2 M)."""
    keys = [
        (e.at.astimezone(UTC), e.kind, e.item.id, i)  # i: ties keep their order
        for i, e in enumerate(entries)
    ]
    keys.sort()
    return [entries[key[3]] for key in keys]


def _deal_entries(
    store: Store,
    entries: list[HistoryEntry],
    start: str,
    end: str,
    contact_id: int | None,
    tagged: set[int] | None,
) -> None:
    """Deals opened, and deals won, lost or dropped, in the period."""
    from wintogether.store import deals as deals_store

    def keep(deal: Deal) -> bool:
        people = {p.id for p in deal.people}
        if contact_id is not None and contact_id not in people:
            return False
        return tagged is None or bool(people & tagged)

    for deal in deals_store.deals_opened_between(store, start, end):
        if keep(deal):
            entries.append(HistoryEntry(deal.created_at, "deal", deal=deal, deal_event="opened"))
    for deal in deals_store.deals_closed_between(store, start, end):
        if keep(deal) and deal.closed_at is not None:
            entries.append(HistoryEntry(deal.closed_at, "deal", deal=deal, deal_event=deal.status))


def _keep(first: int, second: int | None, contact_id: int | None, tagged: set[int] | None) -> bool:
    people = {first} | ({second} if second is not None else set())
    if contact_id is not None and contact_id not in people:
        return False
    return tagged is None or bool(people & tagged)
