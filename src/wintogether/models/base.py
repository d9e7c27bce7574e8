"""What every record names: the one-line reference to a contact and the names of
channels, owners, statuses and kinds (see ``wintogether.models``).

The records themselves live in modules of their own (``contact``,
``conversation``, ``promise``, ...), loaded when first named: each dataclass
costs the compilation of its methods at start-up, and `wt log` builds none of
them but this one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

CHANNELS = ("call", "email", "meeting", "message", "social", "event", "note")
#: Words a seller types for a channel, and the channel each means.
CHANNEL_WORDS = {
    "phone": "call", "video": "meeting", "zoom": "meeting", "teams": "meeting",
    "mail": "email", "e-mail": "email", "text": "message", "sms": "message",
    "chat": "message", "whatsapp": "message", "linkedin": "social", "dm": "message",
}  # fmt: skip
OWNERS = ("me", "them")
STATUSES = ("open", "done", "cancelled")


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


class ContactRef:
    """Just enough of a contact to name it: immutable, equal and hashed by its
    three values, as a frozen dataclass would be.

    Written out rather than a dataclass: every command that names a contact
    builds one, and defining a dataclass costs half a millisecond of start-up
    (with the dataclasses module, `wt log` imports none).
    """

    __slots__ = ("company", "id", "name")
    __match_args__ = ("id", "name", "company")

    id: int
    name: str
    company: str | None

    def __init__(self, id: int, name: str, company: str | None = None) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "company", company)

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {key!r}")

    def __delattr__(self, key: str) -> None:
        raise AttributeError(f"cannot delete field {key!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, ContactRef)
        return (self.id, self.name, self.company) == (other.id, other.name, other.company)

    def __hash__(self) -> int:
        return hash((self.id, self.name, self.company))

    def __repr__(self) -> str:
        return f"ContactRef(id={self.id!r}, name={self.name!r}, company={self.company!r})"

    def __reduce__(self) -> tuple[type[ContactRef], tuple[int, str, str | None]]:
        return ContactRef, (self.id, self.name, self.company)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "company": self.company}


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


DEAL_STATUSES = ("open", "won", "lost", "dropped")
