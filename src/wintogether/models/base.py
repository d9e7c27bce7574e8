"""What every record names: the one-line reference to a contact and the names of
channels, owners, statuses and kinds (see ``wintogether.models``).

The records themselves live in modules of their own (``contact``,
``conversation``, ``promise``, ...), loaded when first named: each dataclass
costs the compilation of its methods at start-up, and `wt log` builds none of
them but this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

CHANNELS = ("call", "email", "meeting", "message", "social", "event", "note")
OWNERS = ("me", "them")
STATUSES = ("open", "done", "cancelled")


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class ContactRef:
    """Just enough of a contact to name it."""

    id: int
    name: str
    company: str | None = None

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
