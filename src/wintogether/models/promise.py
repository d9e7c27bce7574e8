"""A promise, mine or theirs (see ``wintogether.models``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from wintogether.models.base import ContactRef, _iso
from wintogether.records import dataclass


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
