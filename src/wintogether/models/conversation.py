"""A logged conversation (see ``wintogether.models``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wintogether.models.base import ContactRef, _iso
from wintogether.records import dataclass


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
