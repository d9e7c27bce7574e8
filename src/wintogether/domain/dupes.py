"""Likely duplicates, and merging one contact into another without losing anything."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wintogether.clock import to_utc_iso
from wintogether.errors import InvalidValue
from wintogether.models import ContactRef
from wintogether.store import Store
from wintogether.store import contacts as contacts_store
from wintogether.store import merge as merge_store
from wintogether.store import records as records_store

#: Names at the same company at least this similar count as near-identical.
NAME_SIMILARITY = 0.88


@dataclass
class Pair:
    first: ContactRef
    second: ContactRef
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "first": self.first.to_json(),
            "second": self.second.to_json(),
            "reason": self.reason,
        }


def _plain(text: str | None) -> str:
    """Lower case, no accents, no punctuation: "José Núñez" → "jose nunez"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", bare).split())


def _ratio(matcher: difflib.SequenceMatcher[str], a: str) -> float:
    """``SequenceMatcher(None, a, b).ratio()`` for the matcher's second sequence b,
    after the cheaper upper bound ``quick_ratio()`` rules out most pairs."""
    matcher.set_seq1(a)
    if matcher.quick_ratio() < NAME_SIMILARITY:
        return 0.0
    return matcher.ratio()


def find(store: Store) -> list[Pair]:
    """Pairs sharing an email or a LinkedIn URL, with near-identical names at one company,
    or with the same name whatever their companies."""
    with store.read():
        ids = [r.id for r in contacts_store.all_refs(store, include_archived=True)]
        records = list(records_store.contact_records(store, ids))
    refs = {r["id"]: ContactRef(r["id"], r["name"], r["company"]) for r in records}
    plain_names = {r["id"]: _plain(r["name"]) for r in records}
    found: dict[tuple[int, int], str] = {}

    def note(a: int, b: int, why: str) -> None:
        key = (min(a, b), max(a, b))
        found.setdefault(key, why)

    by_email: dict[str, list[int]] = defaultdict(list)
    by_url: dict[str, list[int]] = defaultdict(list)
    by_company: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        for email in record["emails"]:
            by_email[email.casefold()].append(record["id"])
        for url in record["urls"]:
            if url["kind"] == "linkedin":
                by_url[url["url"].rstrip("/").casefold()].append(record["id"])
        by_company[_plain(record["company"])].append(record)
    for email, sharing in by_email.items():
        for other in sharing[1:]:
            note(sharing[0], other, f"same email {email}")
    for sharing in by_url.values():
        for other in sharing[1:]:
            note(sharing[0], other, "same LinkedIn profile")
    for company, group in by_company.items():
        if not company:
            # Without a company only identical names count: comparing every
            # pair of thousands of company-less contacts would take minutes.
            by_name: dict[str, list[int]] = defaultdict(list)
            for record in group:
                by_name[_plain(record["name"])].append(record["id"])
            for same in by_name.values():
                for later in same[1:]:
                    note(same[0], later, "same name, no company")
            continue
        # Each name is simplified once, and the matcher keeps what it learnt of
        # the later name (its second sequence) across every earlier one.
        matcher = difflib.SequenceMatcher(None, "", "")
        for j, two in enumerate(group):
            b = plain_names[two["id"]]
            matcher.set_seq2(b)
            for one in group[:j]:
                a = plain_names[one["id"]]
                total = len(a) + len(b)
                if a == b or (
                    # real_quick_ratio() without building anything: the length bound
                    total
                    and 2.0 * min(len(a), len(b)) / total >= NAME_SIMILARITY
                    and _ratio(matcher, a) >= NAME_SIMILARITY
                ):
                    note(one["id"], two["id"], f"near-identical names at {one['company']}")
    # The same name whatever the companies: the same person added twice, or one
    # who changed jobs, more often than two people.
    by_full_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_full_name[plain_names[record["id"]]].append(record)
    for same_name in by_full_name.values():
        earliest = same_name[0]
        for namesake in same_name[1:]:
            companies = [c for c in (earliest["company"], namesake["company"]) if c]
            reason = (
                f"same name, at {companies[0]} and at {companies[1]}"
                if len(companies) == 2
                else "same name, one with no company"
            )
            note(earliest["id"], namesake["id"], reason)
    return [Pair(refs[a], refs[b], why) for (a, b), why in sorted(found.items())]


@dataclass
class MergePlan:
    keep: ContactRef
    other: ContactRef
    filled: dict[str, Any]
    counts: dict[str, int]
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "keep": self.keep.to_json(),
            "other": self.other.to_json(),
            "filled": self.filled,
            "moved": self.counts,
            "emails_added": self.emails,
            "phones_added": self.phones,
            "tags_added": self.tags,
            "dry_run": self.dry_run,
        }


_FILL = ("company", "title", "how_met", "met_on", "birthday", "cadence_days", "account_role")


def merge(
    store: Store, keep_ref: str, other_ref: str, now: datetime, *, dry_run: bool
) -> MergePlan:
    """Merge OTHER into KEEP: history moves over, empty fields fill, OTHER goes."""
    from wintogether.domain.resolve import resolve

    stamp = to_utc_iso(now)
    context = store.read() if dry_run else store.write()
    with context:
        keep = resolve(store, keep_ref)
        other = resolve(store, other_ref)
        if keep.id == other.id:
            raise InvalidValue(f"{keep_ref!r} and {other_ref!r} are the same contact (#{keep.id}).")
        a, b = records_store.contact_records(store, [keep.id, other.id])
        filled: dict[str, Any] = {k: b[k] for k in _FILL if b[k] is not None and a[k] is None}
        if b["notes"] and b["notes"] != a["notes"]:
            filled["notes"] = f"{a['notes']}\n\n{b['notes']}" if a["notes"] else b["notes"]
        if b["introduced_by"] and not a["introduced_by"]:
            intro = contacts_store.contact_id_by_uid(store, b["introduced_by"])
            if intro is not None and intro != keep.id:
                filled["introduced_by"] = intro
        if b["reports_to"] and not a["reports_to"]:
            manager = contacts_store.contact_id_by_uid(store, b["reports_to"])
            if manager is not None and manager != keep.id:
                filled["reports_to"] = manager
        known = {e.casefold() for e in a["emails"]}
        plan = MergePlan(
            keep,
            other,
            {k: v for k, v in filled.items() if k not in ("introduced_by", "reports_to")},
            merge_store.counts_for(store, other.id),
            emails=[e for e in b["emails"] if e.casefold() not in known],
            phones=[p for p in b["phones"] if p not in a["phones"]],
            tags=[t for t in b["tags"] if t.casefold() not in {x.casefold() for x in a["tags"]}],
            dry_run=dry_run,
        )
        if not dry_run:
            contacts_store.update_contact(store, keep.id, filled, stamp)
            # The merged contact's uid still identifies them in files made
            # before the merge (a re-import then updates KEEP); its name stays too.
            remembered = [("MERGED-UID", b["uid"])]
            if b["name"] != a["name"]:
                remembered.append(("ALSO-KNOWN-AS", b["name"]))
            contacts_store.add_extras(store, keep.id, remembered, stamp)
            merge_store.merge_move(store, keep.id, other.id, stamp)
    return plan
