"""Contacts and what the neglect rule needs to know about one (see ``wintogether.models``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wintogether.frozen import Plain
from wintogether.models.base import ContactRef, _iso

#: A list argument not given: each record gets a new empty one.
_FRESH: Any = object()


class Contact(Plain):
    """One contact with everything kept about them. Written out (frozen.py):
    `wt contacts` and `wt show` make them at every run."""

    _fields = (
        "id", "uid", "name", "company", "title", "how_met", "met_on", "introduced_by",
        "birthday", "cadence_days", "notes", "last_touch_at", "created_at", "updated_at",
        "archived_at", "emails", "phones", "urls", "tags", "account_role", "reports_to",
    )  # fmt: skip

    def __init__(
        self,
        id: int,
        uid: str,
        name: str,
        company: str | None,
        title: str | None,
        how_met: str | None,
        met_on: str | None,
        introduced_by: ContactRef | None,
        birthday: str | None,
        cadence_days: int | None,
        notes: str | None,
        last_touch_at: datetime | None,
        created_at: datetime,
        updated_at: datetime,
        archived_at: datetime | None,
        emails: list[str] = _FRESH,  # a new list each
        phones: list[str] = _FRESH,
        urls: list[tuple[str, str]] = _FRESH,  # (kind, url)
        tags: list[str] = _FRESH,
        account_role: str | None = None,
        reports_to: ContactRef | None = None,
    ) -> None:
        self.id = id
        self.uid = uid
        self.name = name
        self.company = company
        self.title = title
        self.how_met = how_met
        self.met_on = met_on
        self.introduced_by = introduced_by
        self.birthday = birthday
        self.cadence_days = cadence_days
        self.notes = notes
        self.last_touch_at = last_touch_at
        self.created_at = created_at
        self.updated_at = updated_at
        self.archived_at = archived_at
        self.emails = [] if emails is _FRESH else emails
        self.phones = [] if phones is _FRESH else phones
        self.urls = [] if urls is _FRESH else urls
        self.tags = [] if tags is _FRESH else tags
        self.account_role = account_role
        self.reports_to = reports_to

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


class ContactStanding(Plain):
    """What the neglect rule needs to know about one contact. Written out
    (frozen.py): `wt contacts` and `wt show` make them at every run."""

    _fields = ("contact", "cadence_days", "tags", "last_touch_at", "created_at", "birthday")

    def __init__(
        self,
        contact: ContactRef,
        cadence_days: int | None,
        tags: list[str],
        last_touch_at: datetime | None,
        created_at: datetime,
        birthday: str | None = None,
    ) -> None:
        self.contact = contact
        self.cadence_days = cadence_days
        self.tags = tags
        self.last_touch_at = last_touch_at
        self.created_at = created_at
        self.birthday = birthday
