"""Likely duplicates, and merging one contact into another without losing anything."""

from __future__ import annotations

import difflib
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from wintogether.domain.text import MAX_FIELD_CHARS
from wintogether.errors import InvalidValue
from wintogether.models import ContactRef
from wintogether.records import dataclass, field
from wintogether.store import Store
from wintogether.store.dupes import contacts_order

#: Names at the same company at least this similar count as near-identical.
NAME_SIMILARITY = 0.88


class Pair:
    """Two contacts that look like one person, and why. (Written out, not a
    dataclass: `wt dupes` builds a screenful and would compile its methods.)"""

    __slots__ = ("first", "reason", "second")
    __match_args__ = ("first", "second", "reason")
    __hash__ = None  # type: ignore[assignment]  # mutable and equal by value

    def __init__(self, first: ContactRef, second: ContactRef, reason: str) -> None:
        self.first = first
        self.second = second
        self.reason = reason

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Pair)
        return (self.first, self.second, self.reason) == (other.first, other.second, other.reason)

    def __repr__(self) -> str:
        return f"Pair(first={self.first!r}, second={self.second!r}, reason={self.reason!r})"

    def to_json(self) -> dict[str, Any]:
        return {
            "first": self.first.to_json(),
            "second": self.second.to_json(),
            "reason": self.reason,
        }


def _plain(text: str | None) -> str:
    """Lower case, no accents, no punctuation: "José Núñez" → "jose nunez"."""
    text = text or ""
    if text.isascii():  # nothing to decompose; casefold is lower
        bare = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
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


#: Walking contact by contact compares every two names at one company; up to
#: this many comparisons in all, the walk goes to the end and counts every pair.
_EXHAUSTIVE = 200_000
#: A walk that has compared this many names without filling the page hands
#: over to the indexed comparison of whole companies (:func:`near_identical`).
_WALK_BUDGET = 200_000

_NEAR = 2  # the near-identical rule's place among the reasons (see _People)


class _People:
    """Everyone, as the rules see them; the pairs of the rules that group by a
    shared key (email, link, the same name) are few and kept, each with the
    place of its rule (earlier rules give the reason): 0 email, 1 LinkedIn,
    2 the same name without a company (near-identical names at one company
    share that place), 3 the same name whatever the companies."""

    __slots__ = ("companies", "keyed", "names", "rows")

    def __init__(
        self,
        rows: dict[int, tuple[int, str, str | None]],  # id -> (id, name, company)
        names: dict[int, str],  # simplified
        companies: list[list[int]],  # ids at one company (simplified, not empty), in id order
        keyed: dict[int, tuple[int, str]],  # pair -> (rule, reason)
    ) -> None:
        self.rows = rows
        self.names = names
        self.companies = companies
        self.keyed = keyed

    def ref(self, cid: int) -> ContactRef:
        return ContactRef(*self.rows[cid])

    def order(self, cid: int) -> tuple[str, int]:
        """Where the contact stands in the contacts list (who is "earlier")."""
        return contacts_order(self.rows[cid][1], cid)


def _key(a: int, b: int) -> int:
    """One int per pair, the smaller id in the high bits: sorted, in id order."""
    return min(a, b) << 32 | max(a, b)


_LOW = (1 << 32) - 1


#: ASCII punctuation and controls become spaces, whitespace one space: what
#: ``_plain`` does to an ASCII name before folding its spaces.
_ASCII_SPACES = {code: " " for code in range(128) if code != 10 and not re.match(r"\w", chr(code))}


def _plain_all(texts: list[str]) -> list[str]:
    """:func:`_plain` of each text; plain ASCII ones in one pass over all of them."""
    out = [""] * len(texts)
    simple: list[int] = []
    other: list[int] = []
    for place, text in enumerate(texts):
        (simple if text.isascii() and "\n" not in text else other).append(place)
    if simple:
        joined = "\n".join([texts[place] for place in simple]).lower().translate(_ASCII_SPACES)
        lines = joined.split("\n")
        if (
            "  " in joined
            or " \n" in joined
            or "\n " in joined
            or joined[:1] == " "
            or joined[-1:] == " "
        ):
            lines = [" ".join(line.split()) for line in lines]
        for place, line in zip(simple, lines, strict=True):
            out[place] = line
    # The rest decomposed, stripped of accents and folded in one pass too: a
    # line break is left as it is by each step, so the lines stay the texts.
    lines_apart = [place for place in other if "\n" not in texts[place]]
    if lines_apart:
        decomposed = unicodedata.normalize("NFKD", "\n".join([texts[p] for p in lines_apart]))
        accents = {ord(ch): None for ch in set(decomposed) if unicodedata.combining(ch)}
        bare = re.sub(r"[^\w\s]", " ", decomposed.translate(accents).casefold()).split("\n")
        if len(bare) == len(lines_apart):
            for place, line in zip(lines_apart, bare, strict=True):
                out[place] = " ".join(line.split())
            other = [place for place in other if "\n" in texts[place]]
    for place in other:
        out[place] = _plain(texts[place])
    return out


#: The form of a LinkedIn address every other form is keyed as.
_LINK_FORM = "https://www.linkedin.com/"
#: What else may come before "linkedin.com" in one: spaces, a scheme, a
#: country's or any other part of the host ("de.").
_LINK_HEAD = re.compile(r"[ \t]*(?:[a-z][a-z0-9+.-]*://)?(?:[a-z0-9-]+\.)*(?=linkedin\.com(?:/|$))")


def profile_keys(urls: list[str]) -> list[str]:
    """The profile each LinkedIn address names, casefolded: the same key for
    ``http://linkedin.com/in/dana``, ``https://www.linkedin.com/in/Dana/`` and
    ``https://de.linkedin.com/in/dana?trk=x`` (scheme, host's www. or country,
    a profile's query and fragment, last slashes aside). Links in the usual form are keyed
    as they are, checked all at once (a day-one import has 10,000); only when
    one is not, each is keyed on its own."""
    keys = [url.rstrip("/").casefold() for url in urls]
    joined = "\n" + "\n".join(keys)
    if joined.count("\n" + _LINK_FORM) == len(keys) == joined.count("\n") and not any(
        mark in joined for mark in ("?", "#", " ", "\t")
    ):
        return keys
    return [_profile_key(key) for key in keys]


def _profile_key(url: str) -> str:
    """:func:`profile_keys` of one casefolded address: a profile's (``/in/``,
    ``/pub/``) without its query and fragment; any other address on LinkedIn
    (an old ``/profile/view?id=…``) with them, since they say who it is."""
    head = _LINK_HEAD.match(url)
    if head is None:
        return url.rstrip("/")
    rest = url[head.end() :]
    if rest.startswith(("linkedin.com/in/", "linkedin.com/pub/")):
        rest = rest.split("#", 1)[0].split("?", 1)[0]
    return "https://www." + rest.rstrip(" \t/")


def _people(store: Store) -> _People:
    from wintogether.store import dupes as dupes_store

    with store.read():
        contacts, email_rows, url_rows = dupes_store.dupe_fields(store)
    rows = dict(zip(map(itemgetter(0), contacts), contacts, strict=True))
    names = dict(zip(rows, _plain_all(list(map(itemgetter(1), contacts))), strict=True))
    raw_companies = sorted({row[2] or "" for row in contacts})
    plain_company = dict(zip(raw_companies, _plain_all(raw_companies), strict=True))

    def order(cid: int) -> tuple[str, int]:
        return contacts_order(rows[cid][1], cid)

    keyed: dict[int, tuple[int, str]] = {}

    def note(a: int, b: int, rule: int, why: str) -> None:
        if a != b:  # a contact with "A@x" and "a@x" is not its own duplicate
            keyed.setdefault(_key(a, b), (rule, why))

    # The first in the contacts list to have a key is paired with each other
    # one; a pair's reason is the first of that one's keys they share.
    by_email: dict[str, list[int]] = defaultdict(list)
    emails: dict[int, list[str]] = defaultdict(list)
    for cid, email in email_rows:
        key = email.casefold()
        by_email[key].append(cid)
        emails[cid].append(key)
    first: dict[str, int] = {}
    for key, sharing in by_email.items():
        if len(set(sharing)) > 1:
            first[key] = min(sharing, key=order)
    for center in sorted(set(first.values()), key=order):
        for key in emails[center]:
            if first.get(key) == center:
                for other in by_email[key]:
                    note(center, other, 0, f"same email {key}")
    by_url: dict[str, list[int]] = defaultdict(list)
    links = profile_keys([url for _, url in url_rows])
    if len(set(links)) < len(links):  # else no two contacts share one
        for (cid, _), link in zip(url_rows, links, strict=True):
            by_url[link].append(cid)
    for sharing in by_url.values():
        if len(sharing) > 1:
            center = min(sharing, key=order)
            for other in sharing:
                note(center, other, 1, "same LinkedIn profile")
    by_company: dict[str, list[int]] = defaultdict(list)
    for cid, _, company in contacts:
        by_company[plain_company[company or ""]].append(cid)
    # Without a company only identical names count: comparing every pair of
    # thousands of company-less contacts would take minutes.
    by_name: dict[str, list[int]] = defaultdict(list)
    for cid in by_company.pop("", ()):
        by_name[names[cid]].append(cid)
    for same in by_name.values():
        if len(same) > 1:
            center = min(same, key=order)
            for other in same:
                note(center, other, _NEAR, "same name, no company")
    # The same name whatever the companies: the same person added twice, or one
    # who changed jobs, more often than two people.
    by_full_name: dict[str, list[int]] = defaultdict(list)
    if len(set(names.values())) < len(names):  # else no two contacts share a name
        for cid in rows:
            by_full_name[names[cid]].append(cid)
    for same_name in by_full_name.values():
        if len(same_name) < 2:
            continue
        center = min(same_name, key=order)
        earliest = rows[center][2]
        for later in same_name:
            companies = [c for c in (earliest, rows[later][2]) if c]
            reason = (
                f"same name, at {companies[0]} and at {companies[1]}"
                if len(companies) == 2
                else "same name, one with no company"
            )
            note(center, later, 3, reason)
    groups = [sorted(group) for group in by_company.values() if len(group) > 1]
    return _People(rows, names, groups, keyed)


def _reason(people: _People, key: int, near: bool, reasons: dict[str | None, str]) -> str:
    kept = people.keyed.get(key)
    if kept is not None and (not near or kept[0] < _NEAR):
        return kept[1]
    # Near-identical names: at the earlier one's company.
    a, b = key >> 32, key & _LOW
    company = people.rows[a if people.order(a) < people.order(b) else b][2]
    why = reasons.get(company)
    if why is None:
        why = reasons[company] = f"near-identical names at {company}"
    return why


def _bounds(longest: int) -> tuple[list[tuple[int, int]], list[int]]:
    """For each name length, the partner lengths that can pass the length bound
    (``real_quick_ratio``); for each total length, how many characters one name
    may have that the other lacks (each costs one of the characters they could
    share, so ``quick_ratio`` fails beyond that). Both decided by
    :func:`_similar_enough` itself."""
    lengths = []
    for one in range(longest + 1):
        fits = [
            two
            for two in range(longest + 1)
            if one + two == 0 or _similar_enough(min(one, two), one + two)
        ]
        lengths.append((fits[0], fits[-1]) if fits else (1, 0))
    apart = []
    for total in range(2 * longest + 1):
        allowed = -1
        while allowed < total and (
            total == 0 or _similar_enough((total - allowed - 1) // 2, total)
        ):
            allowed += 1
        apart.append(allowed)
    return lengths, apart


class _Walk:
    """The pairs in id order, contact by contact, comparing each name with the
    later ids' names at its company; ``compared`` counts the comparisons."""

    def __init__(self, people: _People) -> None:
        self.people = people
        self.compared = 0
        self.gave_up = False
        self.keyed_from: dict[int, list[int]] = defaultdict(list)
        for key in people.keyed:
            self.keyed_from[key >> 32].append(key & _LOW)

    def work(self) -> int:
        """How many comparisons a whole walk makes."""
        return sum(len(g) * (len(g) - 1) // 2 for g in self.people.companies)

    def near(self, a: int, b: int) -> bool:
        """Whether ``a`` and ``b`` (at one company, past the cheap bounds) are
        near-identical, as :func:`near_identical` decides it (the earlier
        one's name first)."""
        people = self.people
        one, two = people.names[a], people.names[b]
        if one == two:
            return True
        total = len(one) + len(two)
        if not _similar_enough(_common_length(len(one), _positions(one), two), total):
            return False
        if people.order(a) > people.order(b):
            one, two = two, one
        return difflib.SequenceMatcher(None, one, two).ratio() >= NAME_SIMILARITY

    def every(self) -> Iterator[tuple[int, bool]]:
        """What :meth:`pairs` gives, found company by company: each name is
        compared only with names at least as long and short enough to pass
        the length bound (names sorted by length), so most comparisons never
        happen. For companies of at most a few hundred people."""
        people = self.people
        names = people.names
        longest = max(map(len, names.values()), default=0)
        lengths, apart = _bounds(longest)
        masks = _masks(people)
        found: list[int] = []
        for group in people.companies:
            rows = sorted([(len(names[cid]), cid, masks[cid]) for cid in group])
            for i, (length, a, mask) in enumerate(rows):
                high = lengths[length][1]
                for other, b, bits_b in rows[i + 1 :]:
                    if other > high:
                        break  # sorted by length: the rest are longer still
                    if (mask ^ bits_b).bit_count() <= apart[length + other] and self.near(a, b):
                        found.append(_key(a, b))
        return _merged(sorted(found), sorted(people.keyed))

    def pairs(self, budget: int | None = None) -> Iterator[tuple[int, bool]]:
        """``(key, near)`` of every pair in id order; ``near`` when the names
        are near-identical at one company. With a ``budget``, the walk stops
        (setting ``gave_up``) once it has made that many comparisons. Each
        pair is given as soon as it is found (a page stops early), and a name's
        characters are found when it is first compared."""
        people = self.people
        names = people.names
        longest = max(map(len, names.values()), default=0)
        lengths, apart = _bounds(longest)
        mask = _Masks()
        known = mask.found.get
        company: dict[int, list[int]] = {}  # id -> the ids at its company, in order
        for members in people.companies:
            company.update(dict.fromkeys(members, members))
        # A company's first id -> its members as (id, length of name), when first met.
        sizes: dict[int, list[tuple[int, int]]] = {}
        for a in sorted(people.rows):
            if budget is not None and self.compared > budget:
                self.gave_up = True
                return
            keyed = sorted(self.keyed_from.get(a, ()))
            k = 0
            group = company.get(a)
            if group is not None:
                place = bisect_left(group, a)
                self.compared += len(group) - place - 1
                length = len(names[a])
                low, high = lengths[length]
                bits = mask(a, names[a])
                rows = sizes.get(group[0])
                if rows is None:
                    rows = sizes[group[0]] = [(cid, len(names[cid])) for cid in group]
                for b, other in rows[place + 1 :]:
                    if not low <= other <= high:
                        continue
                    bits_b = known(b)
                    if bits_b is None:
                        bits_b = mask(b, names[b])
                    if (bits ^ bits_b).bit_count() <= apart[length + other] and self.near(a, b):
                        while k < len(keyed) and keyed[k] < b:
                            yield a << 32 | keyed[k], False
                            k += 1
                        if k < len(keyed) and keyed[k] == b:
                            k += 1
                        yield a << 32 | b, True
            for b in keyed[k:]:
                yield a << 32 | b, False


class _Masks:
    """Each name's characters as bits, found when first asked for (the same
    bit for one character in every name; each word's bits found once, as
    :func:`_masks` does)."""

    __slots__ = ("bits", "found", "words")

    def __init__(self) -> None:
        self.bits: dict[str, int] = {" ": 1}
        self.words: dict[str, int] = {}
        self.found: dict[int, int] = {}

    def __call__(self, cid: int, name: str) -> int:
        found = self.found.get(cid)
        if found is None:
            found = 1 if " " in name else 0
            for word in name.split(" "):
                bits = self.words.get(word)
                if bits is None:
                    bits = self.words[word] = self._bits(word)
                found |= bits
            self.found[cid] = found
        return found

    def _bits(self, word: str) -> int:
        bits = self.bits
        found = 0
        for char in set(word):
            bit = bits.get(char)
            if bit is None:
                bit = bits[char] = 1 << len(bits)
            found |= bit
        return found


def _masks(people: _People) -> dict[int, int]:
    """The characters of each name at a company, one bit each (the same bit for
    one character in every name). Names are words a space apart and most words
    recur (first names, last names), so each word's bits are found once."""
    names = people.names
    members = [cid for group in people.companies for cid in group]
    every_char = sorted(set("".join([names[cid] for cid in members])))
    bit = {char: 1 << place for place, char in enumerate(every_char)}.__getitem__
    space = bit(" ") if " " in every_char else 0
    words: dict[str, int] = {}
    out: dict[int, int] = {}
    for cid in members:
        name = names[cid]
        mask = 0
        for word in name.split(" "):
            found = words.get(word)
            if found is None:
                found = words[word] = sum(map(bit, set(word)))
            mask |= found
        out[cid] = mask | space if " " in name else mask
    return out


def _merged(near: Sequence[int], keyed: Sequence[int]) -> Iterator[tuple[int, bool]]:
    """Two sorted lists of pairs as one, each pair once, as ``(key, near)``."""
    x = y = 0
    while x < len(near) or y < len(keyed):
        if y == len(keyed) or (x < len(near) and near[x] < keyed[y]):
            yield near[x], True
            x += 1
        elif x == len(near) or keyed[y] < near[x]:
            yield keyed[y], False
            y += 1
        else:
            yield keyed[y], True
            x += 1
            y += 1


def _indexed_keys(people: _People) -> Iterator[tuple[int, bool]]:
    """Every pair as ``(key, near)`` in id order, the near-identical names found
    company by company through the index of :func:`near_identical`: for
    companies of thousands, where comparing every two names takes minutes. The
    pairs are held as one 8-byte integer each while they are sorted."""
    from array import array

    found = array("q")
    for group in people.companies:
        ordered = sorted(group, key=people.order)
        names = [people.names[cid] for cid in ordered]
        for i, j in near_identical(names):
            found.append(_key(ordered[i], ordered[j]))
    near = array("q", sorted(found))
    del found
    return _merged(near, sorted(people.keyed))


def _pair(people: _People, key: int, near: bool, reasons: dict[str | None, str]) -> Pair:
    return Pair(people.ref(key >> 32), people.ref(key & _LOW), _reason(people, key, near, reasons))


def find(store: Store) -> list[Pair]:
    """Pairs sharing an email or a LinkedIn URL, with near-identical names at one company,
    or with the same name whatever their companies."""
    return list(find_all(store))


def find_all(store: Store) -> Iterator[Pair]:
    """Every pair of :func:`find`, in id order, built one at a time (a large
    import has hundreds of thousands)."""
    people = _people(store)
    reasons: dict[str | None, str] = {}
    walk = _Walk(people)
    keys = walk.every() if walk.work() <= _EXHAUSTIVE else _indexed_keys(people)
    for key, near in keys:
        yield _pair(people, key, near, reasons)


class AllPairs:
    """Every pair of :func:`find`, found once and held as one integer each, to
    go through as often as needed (a table measures its columns first)."""

    def __init__(self, store: Store) -> None:
        from array import array

        self._people = _people(store)
        walk = _Walk(self._people)
        found = walk.every() if walk.work() <= _EXHAUSTIVE else _indexed_keys(self._people)
        self._keys = array("q")
        self._near = bytearray()
        for key, near in found:
            self._keys.append(key)
            self._near.append(near)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[Pair]:
        reasons: dict[str | None, str] = {}
        for key, near in zip(self._keys, self._near, strict=True):
            yield _pair(self._people, key, bool(near), reasons)


def find_page(store: Store, limit: int) -> tuple[list[Pair], int | None]:
    """The first ``limit`` pairs of :func:`find` and how many there are in all,
    or ``None`` when counting them would mean comparing every name at companies
    of thousands of people (the page itself never does)."""
    people = _people(store)
    walk = _Walk(people)
    exhaustive = walk.work() <= _EXHAUSTIVE
    if exhaustive:
        return _take(people, walk.every(), limit, stop=False)
    shown, total = _take(people, walk.pairs(_WALK_BUDGET), limit, stop=True)
    if walk.gave_up:
        # Many names, few pairs: compare whole companies through the index.
        return _take(people, _indexed_keys(people), limit, stop=False)
    return shown, total


def _take(
    people: _People, keys: Iterator[tuple[int, bool]], limit: int, *, stop: bool
) -> tuple[list[Pair], int | None]:
    """The first ``limit`` pairs and how many there are; with ``stop``, ``None``
    as soon as there is one more."""
    reasons: dict[str | None, str] = {}
    shown: list[Pair] = []
    more = 0
    for key, near in keys:
        if len(shown) < limit:
            shown.append(_pair(people, key, near, reasons))
        elif stop:
            return shown, None  # there are more; counting them is the slow part
        else:
            more += 1
    return shown, len(shown) + more


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
    from wintogether.clock import to_utc_iso
    from wintogether.domain.resolve import resolve

    context = store.read() if dry_run else store.write()
    with context:
        keep = resolve(store, keep_ref)
        other = resolve(store, other_ref)
        if keep.id == other.id:
            raise InvalidValue(f"{keep_ref!r} and {other_ref!r} are the same contact (#{keep.id}).")
        return merge_contacts(store, keep, other, to_utc_iso(now), dry_run=dry_run)


def merge_contacts(
    store: Store,
    keep: ContactRef,
    other: ContactRef,
    stamp: str,
    *,
    dry_run: bool = False,
    typed: bool = True,
    newer: Collection[str] = (),
) -> MergePlan:
    """:func:`merge` of two contacts found already, inside the caller's transaction
    (a sync settling a merge made on another device runs it in its own, with
    ``typed`` False: what another device merged is merged here whatever it holds).

    ``newer``: fields of OTHER changed since KEEP took their values (a sync
    settling a merge made elsewhere while OTHER was edited here): OTHER's
    value replaces KEEP's, as the edit would have had it been made to KEEP."""
    from wintogether.store import contacts as contacts_store
    from wintogether.store import merge as merge_store
    from wintogether.store import records as records_store

    a, b = records_store.contact_records(store, [keep.id, other.id])
    filled: dict[str, Any] = {
        k: b[k]
        for k in _FILL
        if (b[k] is not None and a[k] is None) or (k in newer and a[k] != b[k])
    }
    if b["notes"] and b["notes"] != a["notes"]:
        filled["notes"] = f"{a['notes']}\n\n{b['notes']}" if a["notes"] else b["notes"]
        if typed and len(filled["notes"]) > MAX_FIELD_CHARS:
            # Joined, they would be more than a contact holds (and than an
            # import of the export takes back).
            raise InvalidValue(
                f"Their notes together are {len(filled['notes']):,} characters; a contact"
                f" holds {MAX_FIELD_CHARS:,}. Shorten one first (`wt edit CONTACT --clear notes`"
                " or `--note`), then merge."
            )
    # KEEP introduced by, or reporting to, OTHER: after the merge that is
    # themselves, so it counts as empty and OTHER's own fills it.
    both = {keep.id, other.id}
    if b["introduced_by"] and (a["introduced_by"] in (None, b["uid"]) or "introduced_by" in newer):
        intro = contacts_store.contact_id_by_uid(store, b["introduced_by"])
        if intro is not None and intro not in both:
            filled["introduced_by"] = intro
    if b["reports_to"] and (a["reports_to"] in (None, b["uid"]) or "reports_to" in newer):
        manager = contacts_store.contact_id_by_uid(store, b["reports_to"])
        # Not someone who reports (up the chain) to either: once OTHER's
        # people report to KEEP, that would be a loop.
        if manager is not None and not contacts_store.reports_up_to(store, manager, both):
            filled["reports_to"] = manager
    known = {e.casefold() for e in a["emails"]}
    plan = MergePlan(
        keep,
        other,
        {k: v for k, v in filled.items() if k not in ("introduced_by", "reports_to")},
        merge_store.counts_for(store, other.id, keep.id),
        emails=[e for e in b["emails"] if e.casefold() not in known],
        phones=[p for p in b["phones"] if p not in a["phones"]],
        tags=[t for t in b["tags"] if t.casefold() not in {x.casefold() for x in a["tags"]}],
        dry_run=dry_run,
    )
    if not dry_run:
        contacts_store.update_contact(store, keep.id, filled, stamp)
        # The merged contact's uid still identifies them in files made before
        # the merge (a re-import then updates KEEP), and tells the other devices
        # a sync reaches to merge the two as well; its name stays too.
        remembered = [("MERGED-UID", b["uid"])]
        if b["name"] != a["name"]:
            remembered.append(("ALSO-KNOWN-AS", b["name"]))
        contacts_store.add_extras(store, keep.id, remembered, stamp)
        merge_store.merge_move(store, keep.id, other.id, stamp)
    return plan
