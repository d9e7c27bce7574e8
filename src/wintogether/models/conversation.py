"""A logged conversation (see ``wintogether.models``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wintogether.frozen import Record
from wintogether.models.base import ContactRef, _iso


class Conversation(Record):
    """A logged conversation. Written out (frozen.py): a week's history makes
    1,300 of them, and a dataclass is compiled at its first instance."""

    _fields = ("id", "uid", "happened_at", "channel", "note", "participants", "created_at")
    id: int
    uid: str
    happened_at: datetime
    channel: str
    note: str
    participants: list[ContactRef]
    created_at: datetime

    def __init__(
        self,
        id: int,
        uid: str,
        happened_at: datetime,
        channel: str,
        note: str,
        participants: list[ContactRef],
        created_at: datetime,
    ) -> None:
        self.id = id
        self.uid = uid
        self.happened_at = happened_at
        self.channel = channel
        self.note = note
        self.participants = participants
        self.created_at = created_at

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
