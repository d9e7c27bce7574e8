"""Companies: finding one by what the user typed, and folding two into one.

A company is a record behind the company text on contacts (store/companies.py
says how names match). `wt company merge KEEP OTHER` says two names are one
company: OTHER's name and aliases become KEEP's aliases, its people move, and
an import that later shows one name where the other was is no job change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wintogether.clock import to_utc_iso
from wintogether.errors import InvalidValue, NotFound, UserError
from wintogether.records import dataclass
from wintogether.store import Store
from wintogether.store import companies as companies_store
from wintogether.store.companies import CompanyRow


class AmbiguousCompany(UserError):
    def __init__(self, text: str, candidates: list[CompanyRow]) -> None:
        listed = "; ".join(c.name for c in candidates[:8])
        more = f" and {len(candidates) - 8} more" if len(candidates) > 8 else ""
        super().__init__(
            f"'{text}' matches {len(candidates)} companies: {listed}{more}.",
            hint="Type more of the name.",
        )
        self.candidates = candidates


def find(store: Store, text: str) -> CompanyRow:
    """The one company ``text`` names: its name or an alias (case, punctuation and
    legal forms aside), else the one whose name contains it."""
    typed = " ".join(text.split())
    if not typed:
        raise NotFound("Empty company name.", hint="Give a company's name.")
    exact = companies_store.find_company(store, typed)
    if exact is not None:
        found = companies_store.company_row(store, exact)
        assert found is not None
        return found
    candidates = companies_store.companies_matching(store, typed)
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise AmbiguousCompany(typed, candidates)
    raise NotFound(
        f"No company matches '{typed}'.",
        hint="Companies come from contacts: `wt add NAME --company COMPANY`.",
    )


def names_one(store: Store, words: list[str]) -> bool:
    """Whether these words are exactly a company's name or alias ("merge labs"
    for Merge Labs: a company to show, not `wt company merge KEEP OTHER`)."""
    with store.read():
        return companies_store.find_company(store, " ".join(words)) is not None


@dataclass
class CompanyMerge:
    keep: CompanyRow
    other: CompanyRow
    people_moved: int

    def to_json(self) -> dict[str, Any]:
        return {
            "company": {"uid": self.keep.uid, "name": self.keep.name},
            "merged": {"uid": self.other.uid, "name": self.other.name},
            "aliases": list(self.keep.aliases),
            "people_moved": self.people_moved,
        }


def merge(store: Store, keep_text: str, other_text: str, now: datetime) -> CompanyMerge:
    """OTHER becomes a name of KEEP (an alias); its people move to KEEP."""
    stamp = to_utc_iso(now)
    with store.write():
        keep = find(store, keep_text)
        other = find(store, other_text)
        if keep.id == other.id:
            raise InvalidValue(
                f"'{keep_text}' and '{other_text}' are already one company ({keep.name})."
            )
        moved = companies_store.merge_companies(store, keep.id, other.id, stamp)
        merged = companies_store.company_row(store, keep.id)
        assert merged is not None
    return CompanyMerge(merged, other, moved)


def rename(store: Store, text: str, new_name: str, now: datetime) -> tuple[CompanyRow, str]:
    """The company ``text`` names takes ``new_name`` as its name (a spelling put
    right); the name it had stays one of its names when it reads differently, so
    the people whose company text is that name stay its people. Returns the
    company and the name it had."""
    stamp = to_utc_iso(now)
    name = " ".join(new_name.split())
    if not name:
        raise InvalidValue(
            "The new name is empty.", hint='Like: wt company rename nwt "Northwind Traders".'
        )
    with store.write():
        company = find(store, text)
        taken = companies_store.find_company(store, name)
        if taken is not None and taken != company.id:
            other = companies_store.company_row(store, taken)
            raise InvalidValue(
                f"'{name}' is already the company {other.name if other else name!r}.",
                hint=f'To make them one: wt company merge "{name}" "{company.name}".',
            )
        companies_store.rename_company(store, company.id, name, stamp)
        renamed = companies_store.company_row(store, company.id)
        assert renamed is not None
    return renamed, company.name
