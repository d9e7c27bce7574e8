"""Contacts: resolving what the user typed, adding, editing, listing, profiles."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from wintogether.clock import to_utc_iso
from wintogether.config import Config
from wintogether.dates import parse_birthday, parse_duration
from wintogether.domain import cadence

# resolve lives in its own light module so that `wt log` and `wt follow-up`
# need not import this one (its dataclasses, the cadence rules and the config);
# it stays importable from here.
from wintogether.domain.resolve import resolve
from wintogether.domain.text import check_tags, clean_name, clean_optional
from wintogether.errors import InvalidValue, UserError
from wintogether.frozen import Plain
from wintogether.models import (
    Contact,
    ContactEvent,
    ContactRef,
    Conversation,
    LedgerEntry,
    Promise,
    Win,
)
from wintogether.patterns import LazyPattern
from wintogether.records import dataclass, field
from wintogether.store import Store
from wintogether.store import contacts as contacts_store
from wintogether.store import conversations as conversations_store
from wintogether.store import promises as promises_store

if TYPE_CHECKING:
    from wintogether.domain.health import Health, Wording
    from wintogether.domain.referrals import Introductions

CLEARABLE = (
    "company",
    "title",
    "how_met",
    "met_on",
    "introduced_by",
    "birthday",
    "cadence",
    "notes",
    "linkedin",
    "emails",
    "phones",
    "tags",
    "role",
    "reports_to",
)
SORTS = ("name", "recent", "attention")


@dataclass
class ContactChanges:
    """What `add` or `edit` asks for; ``None`` means "leave as it is"."""

    name: str | None = None
    company: str | None = None
    title: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    untag: list[str] = field(default_factory=list)
    remove_emails: list[str] = field(default_factory=list)
    remove_phones: list[str] = field(default_factory=list)
    every: str | None = None
    met: str | None = None
    via: str | None = None
    birthday: str | None = None
    linkedin: str | None = None
    note: str | None = None
    role: str | None = None
    reports_to: str | None = None
    clear: list[str] = field(default_factory=list)


_EMAIL_RE = LazyPattern(r"^[^@\s]+@[^@\s]+$")


def _fields(store: Store, changes: ContactChanges, now: datetime) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if changes.name is not None:
        fields["name"] = clean_name(changes.name)
    for key, value in (
        ("company", changes.company),
        ("title", changes.title),
        ("how_met", changes.met),
        ("notes", changes.note),
    ):
        if value is not None:
            fields[key] = clean_optional(value, key.replace("_", " "))
    if changes.every is not None:
        fields["cadence_days"] = parse_duration(changes.every)
    if changes.birthday is not None:
        fields["birthday"] = parse_birthday(changes.birthday, now)
    if changes.via is not None:
        fields["introduced_by"] = resolve(store, changes.via).id
    if changes.role is not None:
        fields["account_role"] = check_role(changes.role)
    if changes.reports_to is not None:
        fields["reports_to"] = resolve(store, changes.reports_to).id
    return fields


def check_role(role: str) -> str:
    """A part in an account, as typed ("Economic buyer" is economic-buyer)."""
    from wintogether.models import ACCOUNT_ROLES

    value = "-".join(role.strip().lower().replace("_", " ").split())
    if value not in ACCOUNT_ROLES:
        raise InvalidValue(
            f"Unknown role '{role}'.", hint=f"Use one of: {', '.join(ACCOUNT_ROLES)}."
        )
    return value


def _check_manager(store: Store, contact_id: int, manager_id: int) -> None:
    """Refuse a manager who is the contact, or who reports (up the chain) to them."""
    if manager_id == contact_id:
        raise InvalidValue("Nobody reports to themselves.")
    if contacts_store.reports_up_to(store, manager_id, {contact_id}):
        ref = contacts_store.refs_by_id(store, manager_id)[0]
        raise InvalidValue(
            f"{ref.name} cannot be their manager: {ref.name} reports to them already"
            " (directly or through others)."
        )


def _check_emails(emails: list[str]) -> list[str]:
    out = []
    for email in emails:
        cleaned = email.strip()
        if not _EMAIL_RE.match(cleaned):
            raise InvalidValue(f"'{email}' is not an email address.", hint="Like dana@example.com.")
        out.append(cleaned)
    return out


def _check_phones(phones: list[str]) -> list[str]:
    out = []
    for phone in phones:
        cleaned = " ".join(phone.split())
        if not cleaned or not any(ch.isdigit() for ch in cleaned):
            raise InvalidValue(f"'{phone}' is not a phone number.")
        out.append(cleaned)
    return out


def _check_url(url: str) -> str:
    cleaned = url.strip()
    if not re.match(r"^https?://\S+$", cleaned):
        if re.match(r"^[\w.-]+\.[a-z]{2,}/\S*$", cleaned):
            return "https://" + cleaned.rstrip("/")
        raise InvalidValue(
            f"'{url}' is not a web address.", hint="Like https://www.linkedin.com/in/dana."
        )
    return cleaned.rstrip("/")


def find_duplicate(
    store: Store, name: str, company: str | None, emails: list[str], linkedin: str | None
) -> tuple[ContactRef, str] | None:
    for email in emails:
        found = contacts_store.refs_by_email(store, email)
        if found:
            return found[0], f"same email {email}"
    if linkedin:
        found = contacts_store.refs_by_url(store, linkedin)
        if found:
            return found[0], "same LinkedIn profile"
    same_name = contacts_store.refs_by_name(store, name)
    for ref in same_name:
        if (ref.company or "").casefold() == (company or "").casefold():
            return ref, "same name" + (" and company" if company else "")
    if same_name:
        # Two people may share a name; more often it is the same person twice.
        return same_name[0], "same name"
    return None


class LikelyDuplicate(UserError):
    """The contact to add looks like one already here (``ref``, for ``why``)."""

    def __init__(self, ref: ContactRef, why: str) -> None:
        at = f", {ref.company}" if ref.company else ""
        super().__init__(
            f"{ref.name} (#{ref.id}{at}) is already here ({why}).",
            hint="Use `wt edit` to change them, or `wt add --new` to add another person.",
        )
        self.ref = ref
        self.why = why


def add(store: Store, changes: ContactChanges, now: datetime, *, force: bool = False) -> Contact:
    """Add a contact; refuses a likely duplicate unless ``force``."""
    if changes.name is None:
        raise UserError("A contact needs a name.")
    emails = _check_emails(changes.emails)
    phones = _check_phones(changes.phones)
    tags = check_tags(changes.tags)
    linkedin = _check_url(changes.linkedin) if changes.linkedin else None
    stamp = to_utc_iso(now)
    with store.write():
        fields = _fields(store, changes, now)
        if not force:
            duplicate = find_duplicate(
                store, fields["name"], fields.get("company"), emails, linkedin
            )
            if duplicate:
                raise LikelyDuplicate(*duplicate)
        contact_id = contacts_store.insert_contact(store, fields, stamp)
        contacts_store.add_emails(store, contact_id, emails, stamp)
        contacts_store.add_phones(store, contact_id, phones, stamp)
        contacts_store.add_tags(store, contact_id, tags, stamp)
        if linkedin:
            contacts_store.set_url(store, contact_id, "linkedin", linkedin, stamp)
    contact = contacts_store.get_contact(store, contact_id)
    assert contact is not None
    return contact


def edit(store: Store, ref: str, changes: ContactChanges, now: datetime) -> Contact:
    unknown = [c for c in changes.clear if c not in CLEARABLE]
    if unknown:
        raise InvalidValue(
            f"Cannot clear '{unknown[0]}'.", hint=f"Fields that clear: {', '.join(CLEARABLE)}."
        )
    emails = _check_emails(changes.emails)
    phones = _check_phones(changes.phones)
    tags = check_tags(changes.tags)
    linkedin = _check_url(changes.linkedin) if changes.linkedin else None
    stamp = to_utc_iso(now)
    with store.write():
        target = resolve(store, ref)
        fields = _fields(store, changes, now)
        if fields.get("introduced_by") == target.id:
            raise InvalidValue(f"{target.name} cannot have introduced themselves.")
        if fields.get("reports_to") is not None:
            _check_manager(store, target.id, fields["reports_to"])
        column = {"cadence": "cadence_days", "role": "account_role"}
        for name in changes.clear:
            if name in ("emails", "phones", "tags", "linkedin"):
                continue
            fields[column.get(name, name)] = None
        from wintogether.store import companies as companies_store

        was_at = companies_store.company_of(store, target.id) if "company" in fields else None
        contacts_store.update_contact(store, target.id, fields, stamp)
        if was_at is not None:
            companies_store.drop_if_unused(store, was_at)
        current = contacts_store.get_contact(store, target.id)
        assert current is not None
        if "emails" in changes.clear:
            contacts_store.remove_emails(store, target.id, current.emails)
        if "phones" in changes.clear:
            contacts_store.remove_phones(store, target.id, current.phones)
        if "tags" in changes.clear:
            contacts_store.remove_tags(store, target.id, current.tags)
        if "linkedin" in changes.clear:
            contacts_store.set_url(store, target.id, "linkedin", None, stamp)
        contacts_store.remove_emails(store, target.id, changes.remove_emails)
        contacts_store.remove_phones(store, target.id, changes.remove_phones)
        contacts_store.remove_tags(store, target.id, check_tags(changes.untag))
        contacts_store.add_emails(store, target.id, emails, stamp)
        contacts_store.add_phones(store, target.id, phones, stamp)
        contacts_store.add_tags(store, target.id, tags, stamp)
        if linkedin:
            contacts_store.set_url(store, target.id, "linkedin", linkedin, stamp)
        contacts_store.touch_contact(store, target.id, stamp)
    contact = contacts_store.get_contact(store, target.id)
    assert contact is not None
    return contact


def open_promise_count(store: Store, contact_id: int) -> int:
    """How many promises with this contact are still open (both ways)."""
    from wintogether.store import promises as promises_store

    return len(promises_store.promises(store, contact_id=contact_id))


def set_archived(store: Store, ref: str, archived: bool, now: datetime) -> Contact:
    stamp = to_utc_iso(now)
    with store.write():
        target = resolve(store, ref)
        contacts_store.update_contact(
            store, target.id, {"archived_at": stamp if archived else None}, stamp
        )
    contact = contacts_store.get_contact(store, target.id)
    assert contact is not None
    return contact


class ContactRow(Plain):
    """A contact as `wt contacts` lists it. Written out (frozen.py): the
    listing makes them at every run."""

    _fields = ("contact", "attention", "health")

    def __init__(
        self, contact: Contact, attention: cadence.Attention, health: Health | None = None
    ) -> None:
        self.contact = contact
        self.attention = attention
        self.health = health

    def to_json(self, words: Wording) -> dict[str, Any]:
        data = self.contact.to_json()
        data["attention"] = self.attention.to_json()
        del data["attention"]["contact"]
        if self.health is not None:
            data["health"] = self.health.to_json(words)
        return data


def listing(
    store: Store,
    config: Config,
    now: datetime,
    *,
    tag: str | None = None,
    company: str | None = None,
    sort: str = "name",
    archived: bool = False,
) -> list[ContactRow]:
    return listing_page(store, config, now, tag=tag, company=company, sort=sort, archived=archived)[
        0
    ]


def tags_like(store: Store, tag: str) -> list[str]:
    """For a tag no contact has: the tags with a name close to it ("customer"
    for "customers"), closest first; empty when the tag is in use."""
    import difflib

    from wintogether.store import quiet as quiet_store

    with store.read():
        names = [name for _, name in quiet_store.tag_names(store)]
    folded = {name.casefold(): name for name in names}
    wanted = tag.casefold()
    if wanted in folded or any(n.startswith(wanted + "/") for n in folded):
        return []
    close = difflib.get_close_matches(wanted, list(folded), n=3, cutoff=0.6)
    return [folded[name] for name in close]


def listing_page(
    store: Store,
    config: Config,
    now: datetime,
    *,
    tag: str | None = None,
    company: str | None = None,
    sort: str = "name",
    archived: bool = False,
    limit: int | None = None,
) -> tuple[list[ContactRow], int]:
    """The first ``limit`` rows of the listing (all when None) and how many there are.

    In name order only the contacts shown are loaded; the other orders rank everyone.
    """
    if sort not in SORTS:
        raise InvalidValue(f"Unknown sort '{sort}'.", hint=f"Use one of: {', '.join(SORTS)}.")
    if sort == "attention" and limit is not None:
        return _attention_page(
            store, config, now, tag=tag, company=company, archived=archived, limit=limit
        )
    with store.read():
        if sort == "name" and limit is not None:
            ids, total = contacts_store.contact_ids_page(
                store, tag=tag, company=company, archived=archived, limit=limit
            )
        else:
            ids = contacts_store.contact_ids(store, tag=tag, company=company, archived=archived)
            total = len(ids)
        contacts = contacts_store.contacts_by_ids(store, ids)
    rows = []
    for contact in contacts:
        standing = standing_of(contact)
        rows.append(ContactRow(contact, cadence.attention_of(standing, config, now)))
    if sort == "recent":
        # Last talked first; those never talked to after everyone talked to
        # (the newest added first), not above them.
        rows.sort(
            key=lambda r: (
                r.contact.last_touch_at is not None,
                r.contact.last_touch_at or r.contact.created_at,
            ),
            reverse=True,
        )
    elif sort == "attention":
        _add_health(store, config, now, rows)
        rows.sort(key=lambda r: (-(r.health.score if r.health else 0.0), r.contact.name.casefold()))
    return (rows[:limit] if limit is not None else rows), total


def _attention_page(
    store: Store,
    config: Config,
    now: datetime,
    *,
    tag: str | None,
    company: str | None,
    archived: bool,
    limit: int,
) -> tuple[list[ContactRow], int]:
    """The first ``limit`` contacts by health score, ranked from the standings.

    The score is attention + my broken promises + one when I have only been
    receiving (``Health.score``): attention comes from SQL over the contacts,
    broken promises from the open ones, the receiving run from the kept ledger
    standings. Only the contacts shown are loaded and assessed in full, so the
    rows are exactly what ranking everyone's full health gave.
    """
    from datetime import timedelta

    from wintogether.domain import health
    from wintogether.store import ledger, reports
    from wintogether.store import standings as standings_store

    today = now.date()
    since = now - timedelta(days=health.WINDOW_DAYS)
    stretch = config.one_sided_after_days
    window = (to_utc_iso(since), to_utc_iso(now))

    def receiving(ids: list[int] | None) -> list[int]:
        """Of ``ids`` (None: everyone), those whose entries at one instant go
        both ways, or dated ahead, and who are receiving: read them, in the
        order the full assessment reads them (newest first, then by time)."""
        unclear = standings_store.unclear(store, *window, ids)
        entries = health.by_contact(
            ledger.entries(store, contact_ids=unclear, since=window[0]) if unclear else []
        )
        return [
            cid
            for cid in unclear
            if health.balance(entries.get(cid, []), cid, now, stretch).one_sided == "receiving"
        ]

    with store.read():
        ranked, total = contacts_store.attention_ranking(
            store,
            tag=tag,
            company=company,
            archived=archived,
            today=today,
            default_days=config.default_cadence_days,
            tag_days=cadence.tag_days(store, config),
            since=window[0],
            until=window[1],
            cutoff=to_utc_iso(now - timedelta(days=stretch)),
            first_due=(today - timedelta(days=health.WINDOW_DAYS)).isoformat(),
            receiving_also=receiving,
            top=limit,
        )
        scored = [
            (-(days / rhythm + broken + (1.0 if owes else 0.0)), ref.name.casefold(), ref.id)
            for ref, days, rhythm, broken, owes in ranked
        ]
        scored.sort(key=lambda item: item[:2])
        shown = [cid for _, _, cid in scored[:limit]]
        contacts = contacts_store.contacts_by_ids(store, shown)
        entries_shown = health.by_contact(ledger.entries(store, contact_ids=shown, since=window[0]))
        promises_shown = {
            cid: reports.promises_due_since(store, since.date(), cid) for cid in shown
        }
    rows = []
    for contact in contacts:
        standing = standing_of(contact)
        rows.append(
            ContactRow(
                contact,
                cadence.attention_of(standing, config, now),
                health.assess(
                    standing,
                    promises_shown[contact.id],
                    entries_shown.get(contact.id, []),
                    config,
                    now,
                ),
            )
        )
    return rows, total


def _add_health(store: Store, config: Config, now: datetime, rows: list[ContactRow]) -> None:
    """Attach each row's health: `--sort attention` ranks by its score."""
    from datetime import timedelta

    from wintogether.domain import health
    from wintogether.store import ledger, reports

    since = now - timedelta(days=health.WINDOW_DAYS)
    with store.read():
        promises = reports.promises_due_since(store, since.date())
        entries = ledger.entries(store, since=to_utc_iso(since))
    by_contact: dict[int, list[Promise]] = {}
    for promise in promises:
        by_contact.setdefault(promise.contact.id, []).append(promise)
    grouped = health.by_contact(entries)
    for row in rows:
        cid = row.contact.id
        row.health = health.assess(
            standing_of(row.contact), by_contact.get(cid, []), grouped.get(cid, []), config, now
        )


def standing_of(contact: Contact) -> Any:
    from wintogether.models import ContactStanding

    return ContactStanding(
        contact=contact.ref,
        cadence_days=contact.cadence_days,
        tags=contact.tags,
        last_touch_at=contact.last_touch_at,
        created_at=contact.created_at,
        birthday=contact.birthday,
    )


class TimelineEntry(Plain):
    """One line of a contact's history: a conversation, a promise, a ledger entry, a win.
    Written out (frozen.py): every `wt show` makes a screenful."""

    _fields = ("at", "kind", "conversation", "promise", "ledger", "win", "event")
    at: datetime
    kind: str  # "conversation" | "promise" | "ledger" | "win" | an event kind ("job_change")
    conversation: Conversation | None
    promise: Promise | None
    ledger: LedgerEntry | None
    win: Win | None
    event: ContactEvent | None

    def __init__(
        self,
        at: datetime,
        kind: str,
        conversation: Conversation | None = None,
        promise: Promise | None = None,
        ledger: LedgerEntry | None = None,
        win: Win | None = None,
        event: ContactEvent | None = None,
    ) -> None:
        self.at = at
        self.kind = kind
        self.conversation = conversation
        self.promise = promise
        self.ledger = ledger
        self.win = win
        self.event = event

    def to_json(self) -> dict[str, Any]:
        item = self.conversation or self.promise or self.ledger or self.win or self.event
        assert item is not None
        data = item.to_json()
        if self.ledger is not None:
            data["ledger_kind"] = data.pop("kind")
        return {"at": self.at.isoformat(), "kind": self.kind, **data}


class Profile(Plain):
    """A contact as `wt show` gives it. Written out (frozen.py)."""

    _fields = (
        "contact", "attention", "open_promises", "timeline", "conversation_count", "health",
        "introductions",
    )  # fmt: skip
    contact: Contact
    attention: cadence.Attention
    open_promises: list[Promise]
    timeline: list[TimelineEntry]
    conversation_count: int
    health: Health | None
    introductions: Introductions | None

    def __init__(
        self,
        contact: Contact,
        attention: cadence.Attention,
        open_promises: list[Promise],
        timeline: list[TimelineEntry],
        conversation_count: int,
        health: Health | None = None,
        introductions: Introductions | None = None,
    ) -> None:
        self.contact = contact
        self.attention = attention
        self.open_promises = open_promises
        self.timeline = timeline
        self.conversation_count = conversation_count
        self.health = health
        self.introductions = introductions

    def to_json(self, words: Wording) -> dict[str, Any]:
        attention = self.attention.to_json()
        del attention["contact"]
        return {
            "introductions": self.introductions.to_json() if self.introductions else None,
            "contact": self.contact.to_json(),
            "attention": attention,
            "health": self.health.to_json(words) if self.health else None,
            "open_promises": [p.to_json() for p in self.open_promises],
            "timeline": [entry.to_json() for entry in self.timeline],
            "conversation_count": self.conversation_count,
        }


def profile(store: Store, ref: str, config: Config, now: datetime, limit: int = 20) -> Profile:
    """A contact with their open promises and newest-first timeline."""
    if limit < 1:
        raise InvalidValue("--limit must be at least 1.")
    with store.read():
        target = resolve(store, ref)
        contact = contacts_store.get_contact(store, target.id)
        assert contact is not None
        conversations = conversations_store.conversations_for_contact(store, target.id, limit)
        promises = promises_store.promises_for_contact(store, target.id, limit)
        open_promises = promises_store.promises(store, contact_id=target.id)
        count = conversations_store.count_conversations_for_contact(store, target.id)
        ledger_entries, wins, relationship = _ledger_and_health(store, contact, config, now, limit)
        events = _events(store, target.id, limit)
        from wintogether.domain.referrals import introductions_of

        introductions = introductions_of(store, target.id)
    entries = [TimelineEntry(c.happened_at, "conversation", conversation=c) for c in conversations]
    entries += [TimelineEntry(p.created_at, "promise", promise=p) for p in promises]
    entries += [TimelineEntry(e.happened_at, "ledger", ledger=e) for e in ledger_entries]
    entries += [TimelineEntry(w.happened_at, "win", win=w) for w in wins]
    entries += [TimelineEntry(e.happened_at, e.kind, event=e) for e in events]
    entries.sort(key=lambda e: e.at, reverse=True)
    return Profile(
        contact=contact,
        attention=cadence.attention_of(standing_of(contact), config, now),
        open_promises=open_promises,
        timeline=entries[:limit],
        conversation_count=count,
        health=relationship,
        introductions=introductions,
    )


def _ledger_and_health(
    store: Store, contact: Contact, config: Config, now: datetime, limit: int
) -> tuple[list[LedgerEntry], list[Win], Health]:
    """The contact's newest ledger entries and wins, and the relationship's health."""
    from wintogether.store import ledger

    recent = ledger.entries(store, contact_id=contact.id, limit=limit)
    wins = ledger.wins(store, contact_id=contact.id, limit=limit)
    return recent, wins, relationship(store, contact, config, now)


def relationship(store: Store, contact: Contact, config: Config, now: datetime) -> Health:
    """The health of one relationship (as `wt show` and `wt brief` give it), inside a read."""
    from datetime import timedelta

    from wintogether.domain import health
    from wintogether.store import ledger, reports

    since = to_utc_iso(now - timedelta(days=health.WINDOW_DAYS))
    window = ledger.entries(store, contact_id=contact.id, since=since)
    due_from = now.date() - timedelta(days=health.WINDOW_DAYS)
    promises = reports.promises_due_since(store, due_from, contact.id)
    return health.assess(standing_of(contact), promises, window, config, now)


def _events(store: Store, contact_id: int, limit: int) -> list[ContactEvent]:
    """Job changes and other news recorded by imports (store/events.py)."""
    from wintogether.store.events import events_for_contact

    return events_for_contact(store, contact_id, limit)


def names_for_completion(store: Store, incomplete: str) -> list[tuple[str, str]]:
    """(name, company) pairs whose name contains what was typed so far."""
    from wintogether.domain.resolve import fold

    needle = fold(incomplete)
    return [
        (ref.name, ref.company or "")
        for ref in contacts_store.all_refs(store)
        if needle in fold(ref.name)
    ]
