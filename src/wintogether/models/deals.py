"""Deals and their plans (see ``wintogether.models``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from wintogether.frozen import Record
from wintogether.models.base import ContactRef, _iso
from wintogether.models.promise import Promise

_FRESH: Any = object()


class Deal(Record):
    """A deal where both sides win: who is on it, the target date, both wins.
    Written out (frozen.py): `wt history` makes one for a deal in its days, and
    a dataclass is compiled (with the dataclasses module imported) at its
    first instance."""

    _fields = (
        "id", "uid", "title", "company", "target_on", "they_win", "we_win", "status",
        "closed_at", "close_note", "notes", "created_at", "updated_at", "people",
    )  # fmt: skip
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
    people: list[ContactRef]

    def __init__(
        self,
        id: int,
        uid: str,
        title: str,
        company: str | None,
        target_on: date | None,
        they_win: str | None,
        we_win: str | None,
        status: str,
        closed_at: datetime | None,
        close_note: str | None,
        notes: str | None,
        created_at: datetime,
        updated_at: datetime,
        people: list[ContactRef] = _FRESH,  # a new list each
    ) -> None:
        self.id = id
        self.uid = uid
        self.title = title
        self.company = company
        self.target_on = target_on
        self.they_win = they_win
        self.we_win = we_win
        self.status = status
        self.closed_at = closed_at
        self.close_note = close_note
        self.notes = notes
        self.created_at = created_at
        self.updated_at = updated_at
        self.people = [] if people is _FRESH else people

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


class PlanStep(Record):
    """One step of a deal's plan: a promise with its place in the plan. Written
    out (frozen.py): `wt deal show` and `wt plan` make one per step."""

    _fields = ("id", "uid", "deal_id", "position", "milestone", "after_step_id", "promise")
    id: int
    uid: str
    deal_id: int
    position: int
    milestone: bool
    after_step_id: int | None
    promise: Promise

    def __init__(
        self,
        id: int,
        uid: str,
        deal_id: int,
        position: int,
        milestone: bool,
        after_step_id: int | None,
        promise: Promise,
    ) -> None:
        self.id = id
        self.uid = uid
        self.deal_id = deal_id
        self.position = position
        self.milestone = milestone
        self.after_step_id = after_step_id
        self.promise = promise
