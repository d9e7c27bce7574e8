"""Contacts and what the neglect rule needs to know about one (see ``wintogether.models``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wintogether.models.base import ContactRef, _iso
from wintogether.records import dataclass, field


@dataclass
class Contact:
    id: int
    uid: str
    name: str
    company: str | None
    title: str | None
    how_met: str | None
    met_on: str | None
    introduced_by: ContactRef | None
    birthday: str | None
    cadence_days: int | None
    notes: str | None
    last_touch_at: datetime | None
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[tuple[str, str]] = field(default_factory=list)  # (kind, url)
    tags: list[str] = field(default_factory=list)
    account_role: str | None = None
    reports_to: ContactRef | None = None

    @property
    def ref(self) -> ContactRef:
        return ContactRef(self.id, self.name, self.company)

    @property
    def linkedin(self) -> str | None:
        return next((url for kind, url in self.urls if kind == "linkedin"), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "name": self.name,
            "company": self.company,
            "title": self.title,
            "emails": list(self.emails),
            "phones": list(self.phones),
            "linkedin": self.linkedin,
            "urls": [url for kind, url in self.urls if kind != "linkedin"],
            "tags": list(self.tags),
            "how_met": self.how_met,
            "met_on": self.met_on,
            "introduced_by": self.introduced_by.to_json() if self.introduced_by else None,
            "birthday": self.birthday,
            "cadence_days": self.cadence_days,
            "notes": self.notes,
            "last_touch_at": _iso(self.last_touch_at),
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "archived_at": _iso(self.archived_at),
            "role": self.account_role,
            "reports_to": self.reports_to.to_json() if self.reports_to else None,
        }


@dataclass
class ContactStanding:
    """What the neglect rule needs to know about one contact."""

    contact: ContactRef
    cadence_days: int | None
    tags: list[str]
    last_touch_at: datetime | None
    created_at: datetime
    birthday: str | None = None
