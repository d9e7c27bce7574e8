"""`wt companies`: every company I know people at, most in need of attention first.

An account's attention is that of its warmest relationship (the lowest
attention among its current people), so an account is cold only when nobody
there has been talked to for their rhythm. Apart from domain/accounts.py (one
account in full): the listing imports no health, ledger or promise modules.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from wintogether.config import Config
from wintogether.domain import cadence
from wintogether.frozen import Plain
from wintogether.store import Store
from wintogether.store import accounts as accounts_store
from wintogether.store import companies as companies_store
from wintogether.store.accounts import WarmPerson
from wintogether.store.common import utc_time
from wintogether.store.companies import CompanyRow


def company_json(company: CompanyRow) -> dict[str, Any]:
    return {
        "id": company.id,
        "uid": company.uid,
        "name": company.name,
        "aliases": list(company.aliases),
    }


COMPANY_SORTS = ("attention", "name", "people")


class CompanyRowView(Plain):
    """One line of `wt companies`. Written out (frozen.py): a screenful each run."""

    _fields = ("company", "people", "warmest", "last_touch_at", "roles")

    def __init__(
        self,
        company: CompanyRow,
        people: int,
        warmest: cadence.Attention | None,
        last_touch_at: datetime | None,
        roles: Counter[str],
    ) -> None:
        self.company = company
        self.people = people
        self.warmest = warmest
        self.last_touch_at = last_touch_at
        self.roles = roles

    @property
    def attention(self) -> float:
        return self.warmest.attention if self.warmest else 0.0

    def to_json(self) -> dict[str, Any]:
        warmest = self.warmest.to_json() if self.warmest else None
        return {
            "company": company_json(self.company),
            "people": self.people,
            "attention": round(self.attention, 3),
            "slipping": bool(self.warmest and self.warmest.slipping),
            "warmest": warmest,
            "reason": self.reason,
            "last_touch_at": self.last_touch_at.isoformat() if self.last_touch_at else None,
            "roles": dict(sorted(self.roles.items())),
        }

    @property
    def reason(self) -> str:
        if self.warmest is None:
            return "nobody there now"
        return f"warmest: {self.warmest.contact.name}, {self.warmest.reason}"


def companies(
    store: Store, config: Config, now: datetime, *, sort: str = "attention"
) -> list[CompanyRowView]:
    """Every company with current people, most in need of attention first (or by name, size)."""
    return companies_page(store, config, now, sort=sort)[0]


def companies_page(
    store: Store,
    config: Config,
    now: datetime,
    *,
    sort: str = "attention",
    limit: int | None = None,
) -> tuple[list[CompanyRowView], int]:
    """The first ``limit`` companies (all for None) of :func:`companies`, and how
    many there are. Each company's figures come grouped from SQL; who is the
    warmest there is looked up for the companies returned only."""
    from wintogether.errors import InvalidValue

    if sort not in COMPANY_SORTS:
        raise InvalidValue(
            f"Unknown sort '{sort}'.", hint=f"Use one of: {', '.join(COMPANY_SORTS)}."
        )
    today, default = now.date(), config.default_cadence_days
    with store.read():
        tag_days = cadence.tag_days(store, config)
        # A screenful by attention: only the companies that can be in it
        # (and every one tied with its last), found without scoring everyone.
        found = None
        if sort == "attention" and limit is not None and limit > 0:
            found = accounts_store.coldest_companies(
                store,
                today=today,
                default_days=default,
                tag_days=tag_days,
                top=limit,
            )
        # Each company's figures and name, by name; the full records (aliases)
        # only for the companies shown.
        listed = accounts_store.company_figures(
            store,
            today=today,
            default_days=default,
            tag_days=tag_days,
            company_ids=None if found is None else found[0],
        )
        total = len(listed) if found is None else found[1]
        # By name first (ties stay in that order).
        if sort == "attention":
            listed.sort(key=lambda f: (-f.attention, f.name.casefold()))
        elif sort == "people":
            listed.sort(key=lambda f: (-f.people, f.name.casefold()))
        page = listed if limit is None else listed[:limit]
        records = {
            row.id: row
            for row in companies_store.company_rows(
                store, None if limit is None else [f.company_id for f in page]
            )
        }
        shown = [(records[f.company_id], f) for f in page]
        people: dict[int, list[WarmPerson]] = {}
        for company_id, person in accounts_store.people_figures(
            store,
            None if limit is None else [c.id for c, _ in shown],
            today=today,
            default_days=default,
            tag_days=tag_days,
        ):
            people.setdefault(company_id, []).append(person)
    out = []
    for company, figure in shown:
        # The lowest attention; equal ones by name, then the first by id.
        warmest = min(
            people[company.id], key=lambda p: (p.days / p.cadence, p.contact.name.casefold())
        )
        out.append(
            CompanyRowView(
                company,
                figure.people,
                cadence.Attention(
                    warmest.contact,
                    warmest.days,
                    warmest.cadence,
                    warmest.source,
                    warmest.days / warmest.cadence,
                    warmest.talked,
                ),
                utc_time(figure.last_touch_at) if figure.last_touch_at else None,
                Counter(figure.roles),
            )
        )
    return out, total
