"""News on a contact's timeline that is not a conversation (see ``wintogether.models``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wintogether.models.base import ContactRef, _iso
from wintogether.records import dataclass


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
