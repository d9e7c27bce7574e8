"""Meeting briefs: before a meeting, one screen per person in it.

The meetings come from the copy `wt scan` keeps of the calendars (the next two
weeks, store/capture.py); their people are matched to contacts by any of their
emails when read, so a contact added after the scan is recognised. For each
person the brief gathers what `wt show`, the health measures and the balance
already compute (domain/contacts.py ``relationship``, domain/cadence.py,
domain/today.py ``birthdays``): nothing here is a second copy of those rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wintogether.clock import from_utc_iso, to_utc_iso
from wintogether.errors import NotFound
from wintogether.models import ContactRef

if TYPE_CHECKING:
    from wintogether.config import Capture, Config
    from wintogether.domain.birthdays import Birthday
    from wintogether.domain.cadence import Attention
    from wintogether.domain.health import Health, Wording
    from wintogether.models import Contact, ContactEvent, Conversation, Promise
    from wintogether.store import Store

#: Conversations a brief shows.
LAST_CONVERSATIONS = 3
#: A birthday this close is in the brief.
BIRTHDAY_NEAR_DAYS = 14
#: A job change seen this recently is in the brief.
JOB_CHANGE_DAYS = 365
#: A meeting without an end time is taken to last this long.
DEFAULT_LENGTH = timedelta(hours=1)


@dataclass(frozen=True)
class Meeting:
    key: str
    starts_at: datetime
    ends_at: datetime | None
    all_day: bool
    summary: str
    #: The contacts in it, in the calendar's order.
    people: list[ContactRef]
    #: People in it who are not contacts: (email, name).
    strangers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def until(self) -> datetime:
        return self.ends_at or self.starts_at + DEFAULT_LENGTH

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat() if self.ends_at else None,
            "all_day": self.all_day,
            "summary": self.summary,
            "people": [p.to_json() for p in self.people],
            "not_contacts": [{"email": e, "name": n or None} for e, n in self.strangers],
        }


@dataclass
class PersonBrief:
    """What to know about one person before meeting them."""

    contact: Contact
    today: date
    attention: Attention
    health: Health
    #: The newest conversations, newest first (at most LAST_CONVERSATIONS).
    conversations: list[Conversation]
    conversation_count: int
    #: Open promises both ways, soonest due first.
    open_promises: list[Promise]
    job_change: ContactEvent | None = None
    birthday: Birthday | None = None

    def to_json(self, words: Wording) -> dict[str, Any]:
        contact = self.contact
        attention = self.attention.to_json()
        del attention["contact"]
        return {
            "contact": contact.to_json(),
            "headline": words.brief_headline(self),
            "title": contact.title,
            "company": contact.company,
            "how_met": contact.how_met,
            "introduced_by": contact.introduced_by.to_json() if contact.introduced_by else None,
            "last_conversations": [c.to_json() for c in self.conversations],
            "conversation_count": self.conversation_count,
            "open_promises": [p.to_json() for p in self.open_promises],
            "my_word": self.health.my_word.to_json(words),
            "their_word": self.health.their_word.to_json(words),
            "balance": self.health.balance.to_json(words),
            "give_first": self.gives_first,
            "job_change": self.job_change.to_json() if self.job_change else None,
            "birthday": self.birthday.to_json() if self.birthday else None,
            "in_touch": attention,
        }

    @property
    def gives_first(self) -> bool:
        """Whether I owe them, by the ledger (the rule of `wt today`'s "Give first")."""
        balance = self.health.balance
        return balance.one_sided == "receiving" or balance.net < 0

    @property
    def overdue(self) -> list[Promise]:
        return [p for p in self.open_promises if p.due_on < self.today]


@dataclass
class Section:
    """One meeting (or, for `wt brief CONTACT`, none) and the people in it."""

    meeting: Meeting | None
    people: list[PersonBrief]


@dataclass
class Brief:
    at: datetime
    #: "next", "today" or "contacts": what was asked for.
    asked: str
    sections: list[Section]

    def to_json(self, words: Wording) -> dict[str, Any]:
        return {
            "generated_at": self.at.isoformat(),
            "asked": self.asked,
            "meetings": [
                {
                    "meeting": s.meeting.to_json() if s.meeting else None,
                    "people": [p.to_json(words) for p in s.people],
                }
                for s in self.sections
            ],
        }


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Today's first moment and tomorrow's, each by the zone's rules for its day
    (on the day of a daylight-saving change the two offsets differ)."""
    from wintogether.dates import start_of_day

    today = now.astimezone().date()
    return start_of_day(today, now.tzinfo), start_of_day(today + timedelta(days=1), now.tzinfo)


def meetings(store: Store, settings: Capture, start: datetime, end: datetime) -> list[Meeting]:
    """The copied meetings starting in [start, end), people matched; inside a read."""
    from wintogether.domain.capture import _canonical, normalize_email
    from wintogether.store import capture as sql
    from wintogether.store import contacts as contacts_store

    rows = sql.meetings_between(store, to_utc_iso(start), to_utc_iso(end))
    if not rows:
        return []
    index: dict[str, int] = {}
    for email, contact_id in sql.email_index(store):
        index.setdefault(normalize_email(email), contact_id)
    me = {normalize_email(m) for m in settings.me}
    # A calendar the seller said "never" to (`wt review`) is not briefed on either.
    ignored = {_canonical(p) for p in settings.ignore_calendars}
    rows = [
        r
        for r in rows
        if _canonical(Path(r.source)) not in ignored
        and _canonical(Path(r.source).parent) not in ignored
    ]
    wanted = {
        index[normalize_email(e)] for r in rows for e, _ in r.people if normalize_email(e) in index
    }
    refs = {c.id: c.ref for c in contacts_store.contacts_by_ids(store, sorted(wanted))}
    out = []
    for row in rows:
        people: list[ContactRef] = []
        strangers: list[tuple[str, str]] = []
        for email, name in row.people:
            if normalize_email(email) in me:
                continue
            found = index.get(normalize_email(email))
            if found is not None and found in refs:
                if refs[found] not in people:
                    people.append(refs[found])
            else:
                strangers.append((email, name))
        out.append(
            Meeting(
                key=row.key,
                starts_at=from_utc_iso(row.starts_at),
                ends_at=from_utc_iso(row.ends_at) if row.ends_at else None,
                all_day=row.all_day,
                summary=row.summary,
                people=people,
                strangers=strangers,
            )
        )
    return out


def todays_meetings(store: Store, settings: Capture, now: datetime) -> list[Meeting]:
    """Today's meetings (local day), inside a read."""
    start, end = _day_bounds(now)
    return meetings(store, settings, start, end)


def todays_sections(store: Store, config: Config, now: datetime) -> list[Section]:
    """Today's meetings with their people's briefs, inside a read."""
    return [
        Section(m, [person(store, p.id, config, now) for p in m.people])
        for m in todays_meetings(store, config.capture, now)
    ]


def person(store: Store, contact_id: int, config: Config, now: datetime) -> PersonBrief:
    """One person's brief, inside a read."""
    from wintogether.domain.birthdays import birthdays
    from wintogether.domain.cadence import attention_of
    from wintogether.domain.contacts import relationship, standing_of
    from wintogether.store import contacts as contacts_store
    from wintogether.store import conversations as conversations_store
    from wintogether.store import promises as promises_store
    from wintogether.store.events import events_for_contact

    contact = contacts_store.get_contact(store, contact_id)
    if contact is None:  # pragma: no cover - ids come from the same read
        raise NotFound(f"No contact has id {contact_id}.")
    standing = standing_of(contact)
    today = now.date()
    job = next(
        (
            e
            for e in events_for_contact(store, contact_id, 20)
            if e.kind == "job_change" and (now - e.happened_at).days <= JOB_CHANGE_DAYS
        ),
        None,
    )
    near = birthdays([standing], today, BIRTHDAY_NEAR_DAYS)
    return PersonBrief(
        contact=contact,
        today=today,
        attention=attention_of(standing, config, now),
        health=relationship(store, contact, config, now),
        conversations=conversations_store.conversations_for_contact(
            store, contact_id, LAST_CONVERSATIONS
        ),
        conversation_count=conversations_store.count_conversations_for_contact(store, contact_id),
        open_promises=promises_store.promises(store, contact_id=contact_id),
        job_change=job,
        birthday=near[0] if near else None,
    )


def brief(
    store: Store,
    config: Config,
    now: datetime,
    *,
    contacts: list[str] | None = None,
    today: bool = False,
) -> Brief:
    """`wt brief`: the next meeting, today's (``today``), or the people named."""
    from wintogether.domain.capture import AHEAD_DAYS
    from wintogether.domain.resolve import resolve

    settings = config.capture
    with store.read():
        if contacts:
            refs: list[ContactRef] = []
            for typed in contacts:
                ref = resolve(store, typed)
                if ref not in refs:
                    refs.append(ref)
            people = [person(store, ref.id, config, now) for ref in refs]
            return Brief(now, "contacts", [Section(None, people)])
        if today:
            found = todays_meetings(store, settings, now)
            if not found:
                raise NotFound("No meetings today in the captured calendars.", hint=_hint(settings))
            sections = [
                Section(m, [person(store, p.id, config, now) for p in m.people]) for m in found
            ]
            return Brief(now, "today", sections)
        ahead = [
            m
            for m in meetings(
                store, settings, now - timedelta(days=1), now + timedelta(days=AHEAD_DAYS)
            )
            if m.until > now
        ]
        if not ahead:
            raise NotFound(
                f"No meeting in the next {AHEAD_DAYS} days in the captured calendars.",
                hint=_hint(settings),
            )
        first = ahead[0]
        return Brief(
            now, "next", [Section(first, [person(store, p.id, config, now) for p in first.people])]
        )


def _hint(settings: Capture) -> str:
    if not settings.calendars:
        return (
            'Set a calendar (wt config set capture.calendars "~/.calendars/work") and run'
            " `wt scan`; or name the people: wt brief CONTACT."
        )
    return "`wt scan` reads the calendars again; or name the people: wt brief CONTACT."


def first_of(brief: Brief, contact_id: int) -> PersonBrief | None:
    for section in brief.sections:
        for p in section.people:
            if p.contact.id == contact_id:
                return p
    return None
