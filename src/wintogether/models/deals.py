"""Deals and their plans (see ``wintogether.models``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from wintogether.models.base import ContactRef, _iso
from wintogether.models.promise import Promise
from wintogether.records import dataclass, field


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
