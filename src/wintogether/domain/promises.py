"""Keeping your word: promises I made and promises made to me."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from wintogether.clock import to_utc_iso
from wintogether.dates import parse_day, parse_duration
from wintogether.domain.resolve import resolve
from wintogether.domain.text import clean_optional, clean_text
from wintogether.errors import InvalidValue, NotFound
from wintogether.frozen import Frozen
from wintogether.store import Store
from wintogether.store import promises as promises_store

if TYPE_CHECKING:
    from wintogether.models import Promise


def add(
    store: Store, now: datetime, *, contact: str, text: str, due: str, theirs: bool = False
) -> Promise:
    body = clean_text(text, "promise")
    due_on = parse_day(due, now, prefer="future")
    stamp = to_utc_iso(now)
    with store.write():
        ref = resolve(store, contact)
        promise_id = promises_store.insert_promise(
            store,
            contact_id=ref.id,
            text=body,
            due_on=due_on,
            owner="them" if theirs else "me",
            stamp=stamp,
        )
        # Read back in the same transaction: no second one after the commit.
        return get(store, promise_id)


def get(store: Store, promise_id: int) -> Promise:
    promise = promises_store.get_promise(store, promise_id)
    if promise is None:
        raise NotFound(f"No promise has id {promise_id}.", hint="`wt followups` lists them.")
    return promise


class PromiseFilter(Frozen):
    """Which promises `wt followups` lists. Written out (frozen.py): every
    `wt followups` makes one."""

    _fields = ("overdue", "due_within", "theirs", "mine", "include_settled")
    overdue: bool
    due_within: str | None
    theirs: bool
    mine: bool
    include_settled: bool

    def __init__(
        self,
        overdue: bool = False,
        due_within: str | None = None,
        theirs: bool = False,
        mine: bool = False,
        include_settled: bool = False,
    ) -> None:
        self._set(
            overdue=overdue,
            due_within=due_within,
            theirs=theirs,
            mine=mine,
            include_settled=include_settled,
        )


def listing(
    store: Store, now: datetime, flt: PromiseFilter, limit: int | None = None
) -> list[Promise]:
    """Promises matching ``flt``, soonest due first (at most ``limit``)."""
    if flt.theirs and flt.mine:
        raise InvalidValue("--theirs and --mine exclude each other; give neither for both.")
    today = now.date()
    due_before = today if flt.overdue else None
    due_by: date | None = None
    if flt.due_within is not None:
        due_by = today + timedelta(days=parse_duration(flt.due_within))
    owner = "them" if flt.theirs else "me" if flt.mine else None
    statuses = ("open", "done", "cancelled") if flt.include_settled else ("open",)
    with store.read():
        return promises_store.promises(
            store,
            statuses=statuses,
            owner=owner,
            due_before=due_before,
            due_on_or_before=due_by,
            limit=limit,
        )


def _settle(store: Store, now: datetime, promise_id: int, status: str, note: str | None) -> Promise:
    stamp = to_utc_iso(now)
    with store.write():
        promise = get(store, promise_id)
        if promise.status != "open":
            raise InvalidValue(f"Promise {promise_id} is already {promise.status}.")
        promises_store.update_promise(
            store,
            promise_id,
            {
                "status": status,
                "done_at": stamp,
                "done_note": clean_optional(note, "note") if note is not None else None,
            },
            stamp,
        )
    return get(store, promise_id)


def done(store: Store, now: datetime, promise_id: int, note: str | None = None) -> Promise:
    return _settle(store, now, promise_id, "done", note)


def cancel(store: Store, now: datetime, promise_id: int, note: str | None = None) -> Promise:
    return _settle(store, now, promise_id, "cancelled", note)


def snooze(store: Store, now: datetime, promise_id: int, until: str) -> Promise:
    due_on = parse_day(until, now, prefer="future")
    stamp = to_utc_iso(now)
    with store.write():
        promise = get(store, promise_id)
        if promise.status != "open":
            raise InvalidValue(f"Promise {promise_id} is {promise.status}; only open ones snooze.")
        promises_store.update_promise(store, promise_id, {"due_on": due_on.isoformat()}, stamp)
    return get(store, promise_id)


def ids_for_completion(store: Store, incomplete: str, limit: int = 50) -> list[tuple[str, str]]:
    """Open promises whose id starts with what was typed: (id, "Name: text, due …")."""
    from wintogether.dates import format_day

    with store.read():
        rows = promises_store.promises(store, statuses=("open",))
    return [
        (str(p.id), f"{p.contact.name}: {p.text} (due {format_day(p.due_on)})")
        for p in rows
        if str(p.id).startswith(incomplete.strip().lstrip("#"))
    ][:limit]
