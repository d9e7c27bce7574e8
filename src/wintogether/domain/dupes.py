"""Likely duplicates, and merging one contact into another without losing anything."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
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


@dataclass(slots=True)
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
    """``SequenceMatcher(None, a, b).ratio()`` for the matcher's second sequence b."""
    matcher.set_seq1(a)
    return matcher.ratio()


def _similar_enough(matches: int, total: int) -> bool:
    """difflib's own test, as its ratios compute it: ``2.0 * M / T``."""
    return 2.0 * matches / total >= NAME_SIMILARITY


def _shared_size(short: int, long: int) -> int | None:
    """The fewest characters two names of these lengths must share (as multisets)
    to pass ``quick_ratio()``; ``None`` when no such pair can pass."""
    total = short + long
    for shared in range(short + 1):
        if _similar_enough(shared, total):
            return shared
    return None


def _sub_multisets(letters: str, size: int) -> set[str]:
    """Every sub-multiset of ``size`` characters of the sorted ``letters``."""
    from itertools import combinations

    return {"".join(kept) for kept in combinations(letters, size)}


#: Above this many keys per pair saved, comparing the two length groups pair by
#: pair is cheaper than listing what each name shares (long names, few of them).
_KEYS_PER_PAIR = 0.25
#: Groups this small are compared pair by pair: indexing them costs more.
_SMALL_GROUP = 100


def _candidates(names: list[str]) -> Iterator[tuple[int, set[int]]]:
    """Names, each with earlier names that may be near-identical to it (a name
    comes once for each length of partner, so memory holds one index at a time).

    Never misses one: ``ratio()`` is at most ``quick_ratio()``, and two names
    pass ``quick_ratio()`` only if they share, as
    multisets of characters, at least ``_shared_size`` of them, so they share
    some sub-multiset of exactly that size; names are indexed by those (for
    each pair of lengths that can pass the length bound at all), and only names
    meeting under one key are compared. Where listing the sub-multisets would
    cost more than the comparisons it saves (long names), the two length groups
    are compared pair by pair, as before.
    """
    from math import comb

    if len(names) <= _SMALL_GROUP:
        for j in range(1, len(names)):
            yield j, set(range(j))
        return
    by_length: dict[int, list[int]] = defaultdict(list)
    for place, name in enumerate(names):
        by_length[len(name)].append(place)
    lengths = sorted(by_length)
    letters = {i: "".join(sorted(names[i])) for i in range(len(names))}

    for x, short in enumerate(lengths):
        for long in lengths[x:]:
            total = short + long
            if not total or not _similar_enough(short, total):
                break  # longer partners only lower the length bound
            shared = _shared_size(short, long)
            if shared is None:
                continue
            group_a, group_b = by_length[short], by_length[long]
            same = short == long
            pairs = len(group_a) * (len(group_a) - 1) // 2 if same else len(group_a) * len(group_b)
            keys = len(group_a) * comb(short, shared)
            if not same:
                keys += len(group_b) * comb(long, shared)
            if keys * _KEYS_PER_PAIR > pairs:
                # Pair by pair; each pair once, the later name as j.
                for j in group_b:
                    yield j, {i for i in group_a if i < j}
                if not same:
                    for i in group_a:
                        yield i, {j for j in group_b if j < i}
                continue
            index: dict[str, list[int]] = defaultdict(list)
            for i in group_a:
                for key in _sub_multisets(letters[i], shared):
                    index[key].append(i)
            for j in group_b:
                # Each list is in index order; with one length, only earlier names.
                earlier = set()
                for key in _sub_multisets(letters[j], shared):
                    for i in index.get(key, ()):
                        if i >= j and same:
                            break
                        earlier.add(i)
                if not same:
                    later = {i for i in earlier if i > j}
                    earlier -= later
                    for i in later:
                        yield i, {j}
                if earlier:
                    yield j, earlier


def _positions(name: str) -> dict[str, int]:
    """For each character of ``name``, the bits of the places it stands at."""
    masks: dict[str, int] = {}
    for place, char in enumerate(name):
        masks[char] = masks.get(char, 0) | 1 << place
    return masks


def _common_length(a: int, masks: dict[str, int], b: str) -> int:
    """The longest common subsequence of a name of length ``a`` (its ``masks``)
    and ``b``, bit-parallel (Allison and Dix, as Hyyrö writes it). difflib's
    matching blocks are one common subsequence, so this bounds ``ratio()``."""
    full = (1 << a) - 1
    row = full
    for char in b:
        match = row & masks.get(char, 0)
        row = ((row + match) | (row - match)) & full
    return a - row.bit_count()


def near_identical(names: list[str]) -> Iterator[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of names (already simplified) that are
    identical or at least ``NAME_SIMILARITY`` alike by ``difflib``'s ratio of
    the earlier name to the later one: the same pairs as comparing every pair."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(names):
        by_name[name].append(index)
    for same in by_name.values():
        for k, j in enumerate(same):
            for i in same[:k]:
                yield i, j
    # Each later name is set once as the matcher's second sequence (difflib
    # caches what it learns about that one) while its candidates pass through.
    matcher = difflib.SequenceMatcher(None, "", "")
    masks: dict[int, dict[str, int]] = {}
    for j, earlier in _candidates(names):
        b = names[j]
        matcher.set_seq2(b)
        for i in sorted(earlier):
            a = names[i]
            total = len(a) + len(b)
            if (
                a != b
                # real_quick_ratio() without building anything: the length bound
                and total
                and 2.0 * min(len(a), len(b)) / total >= NAME_SIMILARITY
                and _similar_enough(
                    _common_length(len(a), masks.get(i) or masks.setdefault(i, _positions(a)), b),
                    total,
                )
                and _ratio(matcher, a) >= NAME_SIMILARITY
            ):
                yield i, j


def find(store: Store) -> list[Pair]:
    """Pairs sharing an email or a LinkedIn URL, with near-identical names at one company,
    or with the same name whatever their companies."""
    return find_page(store, None)[0]


def find_page(store: Store, limit: int | None) -> tuple[list[Pair], int]:
    """The first ``limit`` pairs of :func:`find` (all for ``None``) and how many
    there are: a screenful of a large import's pairs without building the rest."""
    with store.read():
        ids = [r.id for r in contacts_store.all_refs(store, include_archived=True)]
        records = list(records_store.contact_records(store, ids))
    refs = {r["id"]: ContactRef(r["id"], r["name"], r["company"]) for r in records}
    plain_names = {r["id"]: _plain(r["name"]) for r in records}
    # One int per pair (the smaller id in the high bits), so 400,000 pairs of
    # a large import stay a few megabytes; sorted, they are in id order.
    found: dict[int, str] = {}

    def note(a: int, b: int, why: str) -> None:
        found.setdefault(min(a, b) << 32 | max(a, b), why)

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
        reasons: dict[str, str] = {}  # one string per company, however many pairs
        for one_index, two_index in near_identical([plain_names[record["id"]] for record in group]):
            one, two = group[one_index], group[two_index]
            why = reasons.get(one["company"])
            if why is None:
                why = reasons[one["company"]] = f"near-identical names at {one['company']}"
            note(one["id"], two["id"], why)
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
    keys = sorted(found)
    shown = keys if limit is None else keys[:limit]
    low = (1 << 32) - 1
    return [Pair(refs[key >> 32], refs[key & low], found[key]) for key in shown], len(keys)


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
