"""News on a contact's timeline that is not a conversation (see ``wintogether.models``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wintogether.frozen import Record
from wintogether.models.base import ContactRef, _iso


class ContactEvent(Record):
    """News on a contact's timeline that is not a conversation (a job change).
    Written out (frozen.py): the dashboard makes some on every run."""

    _fields = ("id", "uid", "contact", "kind", "text", "happened_at")
    id: int
    uid: str
    contact: ContactRef
    kind: str  # "job_change"
    text: str
    happened_at: datetime

    def __init__(
        self,
        id: int,
        uid: str,
        contact: ContactRef,
        kind: str,
        text: str,
        happened_at: datetime,
    ) -> None:
        self.id = id
        self.uid = uid
        self.contact = contact
        self.kind = kind
        self.text = text
        self.happened_at = happened_at

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "contact": self.contact.to_json(),
            "kind": self.kind,
            "text": self.text,
            "happened_at": _iso(self.happened_at),
        }
