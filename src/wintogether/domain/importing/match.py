"""Matching a card to a known contact and merging it without losing what the user filled in."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wintogether.domain.importing.read import _digits
from wintogether.formats import Card
from wintogether.store import Store
from wintogether.store import contacts as contacts_store
from wintogether.store import importing as import_store
from wintogether.store import records as records_store

_MERGED_FIELDS = ("how_met", "met_on", "birthday", "notes")


@dataclass
class _State:
    """A contact as the import sees it: stored values plus what this file added."""

    contact_id: int | None
    fields: dict[str, Any]
    emails: list[str]
    phones: list[str]
    urls: list[tuple[str, str]]
    tags: list[str]
    extras: list[tuple[str, str]]
    new: bool = False
    card: Card | None = None


@dataclass
class _Change:
    fields: dict[str, Any] = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[tuple[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    extras: list[tuple[str, str]] = field(default_factory=list)
    job: tuple[str, str, str] | None = None  # text, old json, new json

    def describe(self) -> str:
        parts = [k.replace("_", " ") for k in self.fields]
        for label, items in (
            ("email", self.emails),
            ("phone", self.phones),
            ("URL", self.urls),
            ("tag", self.tags),
            ("extra field", self.extras),
        ):
            if items:
                parts.append(f"{len(items)} {label}{'s' if len(items) != 1 else ''}")
        return ", ".join(parts)

    def __bool__(self) -> bool:
        return bool(
            self.fields or self.emails or self.phones or self.urls or self.tags or self.extras
        )


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _same(new: str, old: str | None) -> bool:
    """Equal, or one a shorter form of the other ("Northwind" / "Northwind Traders")."""
    a, b = _norm(new), _norm(old)
    if not b:
        return False
    return a == b or a.startswith(b + " ") or b.startswith(a + " ")


def _role(title: str | None, company: str | None) -> str:
    if title and company:
        return f"{title} at {company}"
    return title or (f"at {company}" if company else "")


def _merge(
    state: _State, card: Card, same_company: Callable[[str, str | None], bool] | None = None
) -> _Change:
    """What the card adds to the contact. ``same_company`` tells whether two company
    texts name one company record (aliases: `wt company merge`): no job change then."""
    change = _Change()
    old_company, old_title = state.fields.get("company"), state.fields.get("title")
    for key in ("company", "title"):
        value = getattr(card, key)
        if not value or _same(value, state.fields.get(key)):
            continue
        if key == "company" and same_company is not None and same_company(value, old_company):
            continue
        change.fields[key] = value
    if (old_company or old_title) and any(
        k in change.fields and state.fields.get(k) for k in ("company", "title")
    ):
        new_company = change.fields.get("company", old_company)
        new_title = change.fields.get("title", old_title)
        if "company" in change.fields and "title" not in change.fields and not card.title:
            new_title = None  # a new employer with no title given: the old title is stale
        text = f"now {_role(new_title, new_company)}, was {_role(old_title, old_company)}"
        change.job = (
            text,
            json.dumps({"company": old_company, "title": old_title}, ensure_ascii=False),
            json.dumps({"company": new_company, "title": new_title}, ensure_ascii=False),
        )
    for key in _MERGED_FIELDS:
        value = getattr(card, key)
        if value and not state.fields.get(key):
            change.fields[key] = value
    cadence = (card.record or {}).get("cadence_days")  # our JSON fills this gap too
    if cadence and not state.fields.get("cadence_days"):
        change.fields["cadence_days"] = cadence
    known_emails = {e.casefold() for e in state.emails}
    change.emails = [e for e in card.emails if e.casefold() not in known_emails]
    # "+81 3-5555-0199" and "tel:+81-3-5555-0199" are one number.
    known_phones = {_digits(p) for p in state.phones}
    for phone in card.phones:
        if _digits(phone) not in known_phones:
            change.phones.append(phone)
            known_phones.add(_digits(phone))
    known_urls = {u.casefold() for _, u in state.urls}
    wanted = ([("linkedin", card.linkedin)] if card.linkedin else []) + [
        ("web", u) for u in card.urls
    ]
    has_linkedin = any(kind == "linkedin" for kind, _ in state.urls)
    for wanted_kind, url in wanted:
        if url.casefold() in known_urls:
            continue
        # Keep the profile the user has as the LinkedIn one; a second is a web link.
        kind = "web" if wanted_kind == "linkedin" and has_linkedin else wanted_kind
        change.urls.append((kind, url))
        known_urls.add(url.casefold())
    known_tags = {t.casefold() for t in state.tags}
    change.tags = [t for t in card.tags if t.casefold() not in known_tags]
    known_extras = set(state.extras)
    change.extras = [x for x in card.extras if x not in known_extras]
    return change


def _apply_to_state(state: _State, change: _Change) -> None:
    state.fields.update(change.fields)
    state.emails += change.emails
    state.phones += change.phones
    state.urls += change.urls
    state.tags += change.tags
    state.extras += change.extras


def _signature(card: Card) -> tuple[Any, ...]:
    """A card's content without its position: equal for a row repeated word for word."""
    return tuple(
        json.dumps(value, sort_keys=True, default=list)
        for key, value in vars(card).items()
        if key != "position"
    )


class _Planner:
    """Finds the contact each card is, so that one file never folds two people into one.

    A card matches by uid first (the same uid is the same person). Otherwise a
    contact already matched or added by an earlier card of this file is not a
    candidate, nor one a later card names by uid: two rows of one file are two
    people unless the second repeats the first word for word. Different UIDs
    are different people, and a second import of the file finds each card's
    own contact again, so it changes nothing.
    """

    def __init__(self, store: Store, cards: list[Card]) -> None:
        self.store = store
        self.index = import_store.match_index(store)
        self.states: dict[int, _State] = {}
        self.next_provisional = -1
        #: Contacts (or provisional keys) a card of this file has landed on.
        self.claimed: set[int] = set()
        #: Contacts a card of this file names by uid: theirs alone.
        self.reserved = {
            self.index.by_uid[card.uid]
            for card in cards
            if card.uid and card.uid in self.index.by_uid
        }
        self.seen: dict[tuple[Any, ...], int] = {}
        #: The names (case-folded) of the contacts there were before this file.
        self.had_names = {name for name, _ in self.index.by_name_company}

    def repeat(self, card: Card) -> int | None:
        """The key of an earlier card of this file with exactly this content."""
        return self.seen.get(_signature(card))

    def claim(self, key: int, card: Card) -> None:
        self.claimed.add(key)
        self.seen.setdefault(_signature(card), key)

    def _free(self, key: int | None) -> bool:
        return key is not None and key not in self.claimed and key not in self.reserved

    def _first_free(self, key: int | None, others: Callable[[], list[int]]) -> int | None:
        if key is None:
            return None
        if self._free(key):
            return key
        return next((other for other in others() if self._free(other)), None)

    def find(self, card: Card) -> tuple[int, str] | None:
        index = self.index
        if card.uid and card.uid in index.by_uid:
            return index.by_uid[card.uid], "same uid"
        for email in card.emails:
            found = self._first_free(
                index.by_email.get(email.casefold()),
                lambda e=email: [r.id for r in contacts_store.refs_by_email(self.store, e)],  # type: ignore[misc]
            )
            if found is not None:
                return found, f"same email {email}"
        if card.linkedin:
            url = card.linkedin.rstrip("/")
            found = self._first_free(
                index.by_url.get(url.casefold()),
                lambda: [r.id for r in contacts_store.refs_by_url(self.store, url)],
            )
            if found is not None:
                return found, "same LinkedIn profile"
        company = (card.company or "").casefold()
        found = self._first_free(
            index.by_name_company.get((card.name.casefold(), company)),
            lambda: [
                r.id
                for r in contacts_store.refs_by_name(self.store, card.name)
                if (r.company or "").casefold() == company
            ],
        )
        if found is not None:
            return found, "same name" + (" and company" if card.company else "")
        return None

    def state(self, key: int) -> _State:
        if key not in self.states:
            record = next(records_store.contact_records(self.store, [key]))
            self.states[key] = _State(
                contact_id=key,
                fields={k: record[k] for k in ("company", "title", *_MERGED_FIELDS)}
                | {"cadence_days": record["cadence_days"]},
                emails=list(record["emails"]),
                phones=list(record["phones"]),
                urls=[(u["kind"], u["url"]) for u in record["urls"]],
                tags=list(record["tags"]),
                extras=[(k, v) for k, v in record["extras"]],
            )
        return self.states[key]

    def register(self, key: int, card: Card) -> None:
        index = self.index
        if card.uid:
            index.by_uid.setdefault(card.uid, key)
        for email in card.emails:
            index.by_email.setdefault(email.casefold(), key)
        for url in ([card.linkedin] if card.linkedin else []) + card.urls:
            index.by_url.setdefault(url.rstrip("/").casefold(), key)
        index.by_name_company.setdefault(
            (card.name.casefold(), (card.company or "").casefold()), key
        )
