"""Value given and received, and wins (see ``wintogether.models``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wintogether.frozen import Record
from wintogether.models.base import ContactRef, _iso


class LedgerEntry(Record):
    """Value given to (``gave``) or received from (``got``) a contact. Written
    out (frozen.py): balances and give first make them on every run."""

    _fields = (
        "id",
        "uid",
        "contact",
        "direction",
        "kind",
        "text",
        "happened_at",
        "created_at",
        "to_contact",
    )
    id: int
    uid: str
    contact: ContactRef
    direction: str
    kind: str
    text: str
    happened_at: datetime
    created_at: datetime
    to_contact: ContactRef | None

    def __init__(
        self,
        id: int,
        uid: str,
        contact: ContactRef,
        direction: str,
        kind: str,
        text: str,
        happened_at: datetime,
        created_at: datetime,
        to_contact: ContactRef | None = None,
    ) -> None:
        self.id = id
        self.uid = uid
        self.contact = contact
        self.direction = direction
        self.kind = kind
        self.text = text
        self.happened_at = happened_at
        self.created_at = created_at
        self.to_contact = to_contact

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


class Win(Record):
    """An outcome where both sides won: what they gained and what I gained.
    Written out (frozen.py): `wt show` makes those in a contact's timeline."""

    _fields = ("id", "uid", "contact", "theirs", "mine", "happened_at", "created_at")
    id: int
    uid: str
    contact: ContactRef
    theirs: str
    mine: str
    happened_at: datetime
    created_at: datetime

    def __init__(
        self,
        id: int,
        uid: str,
        contact: ContactRef,
        theirs: str,
        mine: str,
        happened_at: datetime,
        created_at: datetime,
    ) -> None:
        self.id = id
        self.uid = uid
        self.contact = contact
        self.theirs = theirs
        self.mine = mine
        self.happened_at = happened_at
        self.created_at = created_at

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
