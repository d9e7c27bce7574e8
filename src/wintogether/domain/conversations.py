"""Logging conversations, the heart of the daily loop."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from wintogether.clock import to_utc_iso
from wintogether.dates import format_moment, parse_day, parse_moment
from wintogether.domain.resolve import resolve
from wintogether.domain.text import clean_text
from wintogether.errors import InvalidDate, InvalidValue, NotFound
from wintogether.models import CHANNEL_WORDS, CHANNELS, ContactRef
from wintogether.store import Store
from wintogether.store import conversations as conversations_store
from wintogether.store import promises as promises_store

if TYPE_CHECKING:
    from wintogether.models import Conversation

DEFAULT_CHANNEL = "note"


def check_channel(channel: str) -> str:
    value = channel.strip().lower()
    value = CHANNEL_WORDS.get(value, value)
    if value not in CHANNELS:
        raise InvalidValue(
            f"Unknown channel '{channel}'.", hint=f"Use one of: {', '.join(CHANNELS)}."
        )
    return value


class LogResult:
    """What `wt log` did. A plain class, not a dataclass: defining one costs
    half a millisecond of the command's start-up."""

    def __init__(
        self,
        conversation_id: int,
        happened_at: datetime,
        channel: str,
        participants: list[ContactRef],
        promise_id: int | None = None,
        promise_due: date | None = None,
        their_promise_id: int | None = None,
        their_promise_due: date | None = None,
    ) -> None:
        self.conversation_id = conversation_id
        self.happened_at = happened_at
        self.channel = channel
        self.participants = participants
        self.promise_id = promise_id
        self.promise_due = promise_due
        self.their_promise_id = their_promise_id
        self.their_promise_due = their_promise_due

    def to_json(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "happened_at": self.happened_at.isoformat(),
            "channel": self.channel,
            "participants": [p.to_json() for p in self.participants],
            "promise_id": self.promise_id,
            "promise_due_on": self.promise_due.isoformat() if self.promise_due else None,
            "their_promise_id": self.their_promise_id,
            "their_promise_due_on": (
                self.their_promise_due.isoformat() if self.their_promise_due else None
            ),
        }


def _unique(refs: list[ContactRef]) -> list[ContactRef]:
    seen: set[int] = set()
    out = []
    for ref in refs:
        if ref.id not in seen:
            seen.add(ref.id)
            out.append(ref)
    return out


def log(
    store: Store,
    now: datetime,
    *,
    contact: str,
    note: str,
    with_: list[str] | None = None,
    channel: str = DEFAULT_CHANNEL,
    at: str | None = None,
    follow_up: str | None = None,
    about: str | None = None,
    they_will: str | None = None,
    by: str | None = None,
) -> LogResult:
    """Record a conversation, and optionally the follow-up I promised
    (``follow_up``/``about``) and what they promised (``they_will`` by ``by``)."""
    text = clean_text(note)
    channel = check_channel(channel)
    happened = _when(at, now) if at else now
    due = parse_day(follow_up, now, prefer="future") if follow_up else None
    if about is not None and due is None:
        raise InvalidValue("--about describes a follow-up: give --follow-up DATE too.")
    promise_text = clean_text(about, "follow-up") if about is not None else None
    if (they_will is None) != (by is None):
        raise InvalidValue(
            "--they-will and --by go together: what they promised, and by when.",
            hint='Like: --they-will "send the SOC2 report" --by fri.',
        )
    their_text = clean_text(they_will, "promise") if they_will is not None else None
    their_due = parse_day(by, now, prefer="future") if by is not None else None
    stamp = to_utc_iso(now)
    with store.write():
        people = _unique([resolve(store, contact)] + [resolve(store, r) for r in with_ or []])
        conversation_id = conversations_store.insert_conversation(
            store,
            happened_at=to_utc_iso(happened),
            channel=channel,
            note=text,
            participant_ids=[p.id for p in people],
            stamp=stamp,
        )
        promise_id = None
        if due is not None:
            promise_id = promises_store.insert_promise(
                store,
                contact_id=people[0].id,
                text=promise_text or _first_line(text),
                due_on=due,
                owner="me",
                stamp=stamp,
                conversation_id=conversation_id,
            )
        their_id = None
        if their_text is not None and their_due is not None:
            their_id = promises_store.insert_promise(
                store,
                contact_id=people[0].id,
                text=their_text,
                due_on=their_due,
                owner="them",
                stamp=stamp,
                conversation_id=conversation_id,
            )
    return LogResult(
        conversation_id, happened, channel, people, promise_id, due, their_id, their_due
    )


def _when(at: str, now: datetime) -> datetime:
    """When a logged conversation happened: never in the future."""
    happened = parse_moment(at, now, prefer="past")
    if happened > now + timedelta(minutes=5):
        raise InvalidDate(
            f"'{at}' is {format_moment(happened, now.date())}, in the future: "
            "a conversation is logged once it has happened.",
            hint="For something planned, use `wt follow-up CONTACT TEXT --due DATE`.",
        )
    return happened


def _first_line(text: str, limit: int = 80) -> str:
    line = text.splitlines()[0].strip()
    return "Follow up: " + (line if len(line) <= limit else line[: limit - 1] + "…")


def get(store: Store, conversation_id: int) -> Conversation:
    conversation = conversations_store.get_conversation(store, conversation_id)
    if conversation is None:
        raise NotFound(f"No conversation has id {conversation_id}.")
    return conversation


def edit(
    store: Store,
    now: datetime,
    conversation_id: int,
    *,
    note: str | None = None,
    channel: str | None = None,
    at: str | None = None,
    with_: list[str] | None = None,
) -> Conversation:
    fields: dict[str, Any] = {}
    if note is not None:
        fields["note"] = clean_text(note)
    if channel is not None:
        fields["channel"] = check_channel(channel)
    if at is not None:
        fields["happened_at"] = to_utc_iso(_when(at, now))
    stamp = to_utc_iso(now)
    with store.write():
        current = get(store, conversation_id)
        conversations_store.update_conversation(store, conversation_id, fields, stamp)
        if with_:
            people = _unique([resolve(store, r) for r in with_])
            conversations_store.set_participants(
                store, conversation_id, [p.id for p in people], stamp
            )
        elif not fields:
            raise InvalidValue(
                "Nothing to change.", hint="Give a new NOTE, --channel, --at or --with."
            )
    del current
    return get(store, conversation_id)


def delete(store: Store, conversation_id: int) -> Conversation:
    with store.write():
        conversation = get(store, conversation_id)
        conversations_store.delete_conversation(store, conversation_id)
    return conversation
