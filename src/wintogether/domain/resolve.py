"""Resolving what the user typed into one contact: ``12``/``#12``, name, email, fragment.

Kept apart from ``domain.contacts`` (which re-exports it) because every
capture command resolves a contact, and this module imports almost nothing:
`wt log` starts faster without the contacts module's dataclasses, the
cadence rules and the config.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wintogether.errors import AmbiguousContact, ContactNotFound
from wintogether.patterns import LazyPattern
from wintogether.store import contacts as contacts_store

if TYPE_CHECKING:
    from collections.abc import Callable

    from wintogether.models import ContactRef
    from wintogether.store import Store

_ID_RE = LazyPattern(r"^#?(\d+)$")


def resolve(store: Store, ref: str, *, include_archived: bool = True) -> ContactRef:
    """Find the one contact ``ref`` means: ``12``/``#12``, exact name, email, fragment.

    Exact matches win over fragments. More than one candidate at the first level
    that matches is an :class:`AmbiguousContact` error listing them.
    """
    text = ref.strip()
    if not text:
        raise ContactNotFound("Empty contact name.", hint="Give a name, an email or an id (#12).")
    match = _ID_RE.match(text)
    if match:
        found = contacts_store.refs_by_id(store, int(match.group(1)))
        if found:
            return found[0]
        if text.startswith("#"):
            raise ContactNotFound(f"No contact has id #{match.group(1)}.")
    # One level at a time: the fragment search reads every contact's name
    # (about 1 ms at 10,000 contacts), so it runs only when nothing exact matched.
    levels: tuple[Callable[[], list[ContactRef]], ...] = (
        lambda: contacts_store.refs_by_name(store, text),
        lambda: contacts_store.refs_by_email(store, text) if "@" in text else [],
        lambda: contacts_store.refs_by_fragment(store, text, include_archived=False),
    )
    for level in levels:
        candidates = level()
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise AmbiguousContact(text, [(c.id, c.name, c.company) for c in candidates])
    if include_archived:
        archived = contacts_store.refs_by_fragment(store, text, include_archived=True)
        if len(archived) == 1:
            return archived[0]
        if len(archived) > 1:
            raise AmbiguousContact(text, [(c.id, c.name, c.company) for c in archived])
    # Nothing matched as typed: try again with case and accents folded away.
    folded = fold(text)
    accented = [
        r
        for r in contacts_store.all_refs(store, include_archived=include_archived)
        if folded in fold(r.name)
    ]
    if len(accented) == 1:
        return accented[0]
    if len(accented) > 1:
        raise AmbiguousContact(text, [(c.id, c.name, c.company) for c in accented])
    raise ContactNotFound(f"No contact matches '{text}'.", hint=_suggest(store, text))


def fold(text: str) -> str:
    """Case and accents folded away: ``José Núñez`` → ``jose nunez``.

    Used only when nothing matched as typed, so `jose` finds José Núñez
    (typing accents on a phone keyboard after a call is a chore)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _suggest(store: Store, text: str) -> str:
    refs = contacts_store.all_refs(store, include_archived=True)
    names = {r.name.casefold(): r for r in refs}
    words = {w.casefold(): r for r in refs for w in r.name.split()}
    import difflib

    close = difflib.get_close_matches(text.casefold(), list(names) + list(words), n=1, cutoff=0.6)
    if close:
        hit = names.get(close[0]) or words[close[0]]
        return f"Did you mean {hit.name} (#{hit.id})? `wt contacts` lists everyone."
    return "`wt contacts` lists everyone; `wt add NAME` adds someone new."
