"""A promise, mine or theirs (see ``wintogether.models``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from wintogether.frozen import Record
from wintogether.models.base import ContactRef, _iso


class Promise(Record):
    """A promise, mine or theirs. Written out (frozen.py): reads make them by
    the hundred."""

    _fields = (
        "id",
        "uid",
        "contact",
        "conversation_id",
        "text",
        "due_on",
        "owner",
        "status",
        "done_at",
        "done_note",
        "created_at",
    )
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

    def __init__(
        self,
        id: int,
        uid: str,
        contact: ContactRef,
        conversation_id: int | None,
        text: str,
        due_on: date,
        owner: str,
        status: str,
        done_at: datetime | None,
        done_note: str | None,
        created_at: datetime,
    ) -> None:
        self.id = id
        self.uid = uid
        self.contact = contact
        self.conversation_id = conversation_id
        self.text = text
        self.due_on = due_on
        self.owner = owner
        self.status = status
        self.done_at = done_at
        self.done_note = done_note
        self.created_at = created_at

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
