"""Plain records passed between the store, the domain and the renderers.

``to_json`` gives the documented, stable JSON shape of each record
(docs/json.md); keys are snake_case and are only ever added, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

CHANNELS = ("call", "email", "meeting", "message", "social", "event", "note")
OWNERS = ("me", "them")
STATUSES = ("open", "done", "cancelled")


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class ContactRef:
    """Just enough of a contact to name it."""

    id: int
    name: str
    company: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "company": self.company}


@dataclass
class Contact:
    id: int
    uid: str
    name: str
    company: str | None
    title: str | None
    how_met: str | None
    met_on: str | None
    introduced_by: ContactRef | None
    birthday: str | None
    cadence_days: int | None
    notes: str | None
    last_touch_at: datetime | None
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[tuple[str, str]] = field(default_factory=list)  # (kind, url)
    tags: list[str] = field(default_factory=list)
    account_role: str | None = None
    reports_to: ContactRef | None = None

    @property
    def ref(self) -> ContactRef:
        return ContactRef(self.id, self.name, self.company)

    @property
    def linkedin(self) -> str | None:
        return next((url for kind, url in self.urls if kind == "linkedin"), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "name": self.name,
            "company": self.company,
            "title": self.title,
            "emails": list(self.emails),
            "phones": list(self.phones),
            "linkedin": self.linkedin,
            "urls": [url for kind, url in self.urls if kind != "linkedin"],
            "tags": list(self.tags),
            "how_met": self.how_met,
            "met_on": self.met_on,
            "introduced_by": self.introduced_by.to_json() if self.introduced_by else None,
            "birthday": self.birthday,
            "cadence_days": self.cadence_days,
            "notes": self.notes,
            "last_touch_at": _iso(self.last_touch_at),
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "archived_at": _iso(self.archived_at),
            "role": self.account_role,
            "reports_to": self.reports_to.to_json() if self.reports_to else None,
        }


@dataclass
class Conversation:
    id: int
    uid: str
    happened_at: datetime
    channel: str
    note: str
    participants: list[ContactRef]
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "happened_at": _iso(self.happened_at),
            "channel": self.channel,
            "note": self.note,
            "participants": [p.to_json() for p in self.participants],
            "created_at": _iso(self.created_at),
        }


@dataclass
class Promise:
    id: int
    uid: str
    contact: ContactRef
    conversation_id: int | None
    text: str
    due_on: date
    owner: str
    status: str
    done_at: datetime | None
    done_note: str | None
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "contact": self.contact.to_json(),
            "conversation_id": self.conversation_id,
            "text": self.text,
            "due_on": _iso(self.due_on),
            "owner": self.owner,
            "status": self.status,
            "done_at": _iso(self.done_at),
            "done_note": self.done_note,
            "created_at": _iso(self.created_at),
        }


@dataclass
class ContactStanding:
    """What the neglect rule needs to know about one contact."""

    contact: ContactRef
    cadence_days: int | None
    tags: list[str]
    last_touch_at: datetime | None
    created_at: datetime
    birthday: str | None = None


LEDGER_KINDS = ("intro", "referral", "advice", "favour", "gift", "deal", "other")

#: A person's part in an account (`--role`).
ACCOUNT_ROLES = (
    "champion",
    "economic-buyer",
    "decision-maker",
    "influencer",
    "user",
    "blocker",
    "other",
)
DIRECTIONS = ("gave", "got")


@dataclass
class LedgerEntry:
    """Value given to (``gave``) or received from (``got``) a contact."""

    id: int
    uid: str
    contact: ContactRef
    direction: str
    kind: str
    text: str
    happened_at: datetime
    created_at: datetime
    to_contact: ContactRef | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "contact": self.contact.to_json(),
            "direction": self.direction,
            "kind": self.kind,
            "text": self.text,
            "to_contact": self.to_contact.to_json() if self.to_contact else None,
            "happened_at": _iso(self.happened_at),
            "created_at": _iso(self.created_at),
        }


@dataclass
class Win:
    """An outcome where both sides won: what they gained and what I gained."""

    id: int
    uid: str
    contact: ContactRef
    theirs: str
    mine: str
    happened_at: datetime
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "contact": self.contact.to_json(),
            "theirs": self.theirs,
            "mine": self.mine,
            "happened_at": _iso(self.happened_at),
            "created_at": _iso(self.created_at),
        }


@dataclass
class ContactEvent:
    """News on a contact's timeline that is not a conversation (a job change)."""

    id: int
    uid: str
    contact: ContactRef
    kind: str  # "job_change"
    text: str
    happened_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "contact": self.contact.to_json(),
            "kind": self.kind,
            "text": self.text,
            "happened_at": _iso(self.happened_at),
        }


DEAL_STATUSES = ("open", "won", "lost", "dropped")


@dataclass
class Deal:
    """A deal where both sides win: who is on it, the target date, both wins."""

    id: int
    uid: str
    title: str
    company: str | None
    target_on: date | None
    they_win: str | None
    we_win: str | None
    status: str
    closed_at: datetime | None
    close_note: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime
    people: list[ContactRef] = field(default_factory=list)

    @property
    def one_sided(self) -> str | None:
        """Which side's win is not written yet: "buyer", "seller", "both" or None."""
        if not self.they_win and not self.we_win:
            return "both"
        if not self.they_win:
            return "buyer"
        if not self.we_win:
            return "seller"
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "title": self.title,
            "company": self.company,
            "target_on": _iso(self.target_on),
            "they_win": self.they_win,
            "we_win": self.we_win,
            "one_sided": self.one_sided,
            "status": self.status,
            "closed_at": _iso(self.closed_at),
            "close_note": self.close_note,
            "notes": self.notes,
            "people": [p.to_json() for p in self.people],
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
        }


@dataclass
class PlanStep:
    """One step of a deal's plan: a promise with its place in the plan."""

    id: int
    uid: str
    deal_id: int
    position: int
    milestone: bool
    after_step_id: int | None
    promise: Promise
