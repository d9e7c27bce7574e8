"""Imports: reading files into contacts, matching and merging them (exports: export.py).

Import rules, in order of importance:

* nothing is written until the whole file has been read and checked; the
  import is one transaction, so it lands whole or not at all;
* a row matches an existing contact by uid, then email, then LinkedIn URL,
  then exact name with the same company; rows earlier in the same file count;
* a match never loses anything the user filled in: empty fields are filled,
  emails, phones, URLs and tags are added, notes are kept;
* a new company or title for a known contact is a job change: the contact is
  updated and the change recorded on their timeline;
* the same file twice adds and changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from wintogether.clock import to_utc_iso
from wintogether.domain.text import MAX_FIELD_CHARS, MAX_NAME_CHARS
from wintogether.errors import InvalidValue, UserError
from wintogether.formats import IMPORT_FORMATS, Card, Problem, ReadResult
from wintogether.store import Store
from wintogether.store import transfer as st

#: A file bigger than this is refused before it is read (100 MB).
MAX_FILE_BYTES = 100 * 1024 * 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_LABELS = {
    "linkedin": "LinkedIn connections",
    "google": "Google Contacts",
    "outlook": "Outlook contacts",
    "vcard": "vCard",
    "json": "wintogether JSON",
}
_MERGED_FIELDS = ("how_met", "met_on", "birthday", "notes")


class ImportRefused(UserError):
    """The file has rows that cannot be read; nothing was imported."""


@dataclass
class Decision:
    """What an import does, or would do, with one row or card."""

    action: str  # "add" | "update" | "skip"
    position: str
    name: str
    company: str | None
    reason: str
    contact_id: int | None = None
    job_change: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "position": self.position,
            "name": self.name,
            "company": self.company,
            "reason": self.reason,
            "contact_id": self.contact_id,
            "job_change": self.job_change,
        }


@dataclass
class ImportResult:
    fmt: str
    file_name: str
    dry_run: bool
    decisions: list[Decision]
    problems: list[Problem]
    records: int
    #: Conversations, promises, ledger entries and events added from our JSON.
    history: dict[str, int] = field(default_factory=dict)

    def count(self, action: str) -> int:
        return sum(1 for d in self.decisions if d.action == action)

    @property
    def job_changes(self) -> list[Decision]:
        return [d for d in self.decisions if d.job_change]

    @property
    def label(self) -> str:
        return _LABELS.get(self.fmt, self.fmt)

    def summary(self) -> str:
        counts = f"{self.count('add')} added, {self.count('update')} updated, " + (
            f"{self.count('skip')} unchanged"
        )
        if self.job_changes:
            n = len(self.job_changes)
            counts += f", {n} job change{'s' if n != 1 else ''}"
        if self.problems:
            counts += f", {len(self.problems)} unreadable skipped"
        history = ", ".join(f"{n} {k}" for k, n in self.history.items() if n)
        if history:
            counts += f"; history: {history}"
        if self.dry_run:
            return (
                f"Dry run of {self.file_name} ({self.label}): would be {counts}. Nothing changed."
            )
        return f"Imported {self.file_name} ({self.label}): {counts}."

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.fmt,
            "file": self.file_name,
            "dry_run": self.dry_run,
            "added": self.count("add"),
            "updated": self.count("update"),
            "skipped": self.count("skip"),
            "job_changes": len(self.job_changes),
            "problems": [{"position": p.position, "reason": p.reason} for p in self.problems],
            "history": self.history,
            "decisions": [d.to_json() for d in self.decisions],
        }


# -- reading -----------------------------------------------------------------------


def read_file(
    path: Path,
    fmt: str | None,
    encoding: str | None,
    *,
    on_total: Callable[[int, str], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[str, ReadResult]:
    """Read and check a whole file; nothing is written here."""
    from wintogether.formats import detect

    if fmt is not None and fmt not in IMPORT_FORMATS:
        raise InvalidValue(f"Unknown format '{fmt}'.", hint=f"Use {', '.join(IMPORT_FORMATS)}.")
    if path.is_dir():
        raise InvalidValue(f"{path} is a directory, not a file.")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidValue(
                f"{path.name} is {size // (1024 * 1024)} MB; the import limit is "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB.",
                hint="Split the file and import the parts.",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.") from exc
    text = detect.decode(data, path.name, encoding)
    if not text.strip():
        raise InvalidValue(f"{path.name} is empty: nothing to import.")
    found = detect.detect(text)
    if fmt is None:
        if found is None:
            raise InvalidValue(
                f"Cannot tell what kind of file {path.name} is.",
                hint="Expected a LinkedIn, Google or Outlook CSV, a vCard or a wintogether "
                "JSON export; name it with --from.",
            )
        fmt = found
    elif fmt in ("linkedin", "google", "outlook") and found not in (
        "linkedin",
        "google",
        "outlook",
    ):
        raise InvalidValue(f"{path.name} has no {_LABELS[fmt]} header row.")
    if fmt == "vcard" and on_total is not None:
        # Parsing vCards is the slow part of a big phone export: show it.
        from wintogether.formats import vcard

        on_total(text.upper().count("BEGIN:VCARD"), "Reading")
        result = vcard.read(text, progress)
    else:
        result = _reader(fmt)(text)
    _check_sizes(result)
    return fmt, result


def _reader(fmt: str) -> Callable[[str], ReadResult]:
    from wintogether.formats import google, jsonfile, linkedin, outlook, vcard

    return {
        "linkedin": linkedin.read,
        "google": google.read,
        "outlook": outlook.read,
        "vcard": vcard.read,
        "json": jsonfile.read,
    }[fmt]


def _check_sizes(result: ReadResult) -> None:
    """Refuse, before any write, a field over the limit (1 MB of text)."""
    for card in result.cards:
        values: list[tuple[str, str | None]] = [
            ("name", card.name),
            ("company", card.company),
            ("title", card.title),
            ("notes", card.notes),
            ("how met", card.how_met),
        ]
        values += [("email", v) for v in card.emails] + [("phone", v) for v in card.phones]
        values += [("URL", v) for v in card.urls] + [(k, v) for k, v in card.extras]
        for label, value in values:
            limit = MAX_NAME_CHARS if label == "name" else MAX_FIELD_CHARS
            if value and len(value) > limit:
                raise InvalidValue(
                    f"{card.position}: the {label} is {len(value):,} characters; the limit is "
                    f"{limit:,}. Nothing was imported."
                )


# -- matching and merging ----------------------------------------------------------------


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


def _clean_card(card: Card, extra_tag: str | None) -> Card:
    from wintogether.domain.text import clean_name

    card.name = clean_name(card.name)
    for attr in ("company", "title", "notes", "how_met"):
        value = getattr(card, attr)
        setattr(card, attr, value.strip() or None if isinstance(value, str) else None)
    emails, seen = [], set()
    for email in card.emails:
        cleaned = email.strip()
        if _EMAIL.match(cleaned) and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            emails.append(cleaned)
        elif cleaned:
            card.extras.append(("EMAIL", cleaned))
    card.emails = emails
    phones: list[str] = []
    for phone in card.phones:
        cleaned = " ".join(phone.split())
        if any(ch.isdigit() for ch in cleaned):
            if _digits(cleaned) not in {_digits(p) for p in phones}:
                phones.append(cleaned)
        elif cleaned:
            card.extras.append(("TEL", cleaned))
    card.phones = phones
    if extra_tag and extra_tag.casefold() not in {t.casefold() for t in card.tags}:
        card.tags.append(extra_tag)
    return card


def _merge(state: _State, card: Card) -> _Change:
    change = _Change()
    old_company, old_title = state.fields.get("company"), state.fields.get("title")
    for key in ("company", "title"):
        value = getattr(card, key)
        if value and not _same(value, state.fields.get(key)):
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


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit()) or phone


def _apply_to_state(state: _State, change: _Change) -> None:
    state.fields.update(change.fields)
    state.emails += change.emails
    state.phones += change.phones
    state.urls += change.urls
    state.tags += change.tags
    state.extras += change.extras


class _Planner:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.index = st.match_index(store)
        self.states: dict[int, _State] = {}
        self.next_provisional = -1

    def find(self, card: Card) -> tuple[int, str] | None:
        index = self.index
        if card.uid and card.uid in index.by_uid:
            return index.by_uid[card.uid], "same uid"
        for email in card.emails:
            if email.casefold() in index.by_email:
                return index.by_email[email.casefold()], f"same email {email}"
        if card.linkedin and card.linkedin.rstrip("/").casefold() in index.by_url:
            return index.by_url[card.linkedin.rstrip("/").casefold()], "same LinkedIn profile"
        key = (card.name.casefold(), (card.company or "").casefold())
        if key in index.by_name_company:
            return index.by_name_company[key], "same name" + (
                " and company" if card.company else ""
            )
        return None

    def state(self, key: int) -> _State:
        if key not in self.states:
            record = next(st.contact_records(self.store, [key]))
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


@dataclass
class _Step:
    decision: Decision
    key: int
    card: Card
    change: _Change | None


def _plan(store: Store, cards: list[Card]) -> list[_Step]:
    planner = _Planner(store)
    steps: list[_Step] = []
    for card in cards:
        found = planner.find(card)
        if found is None:
            key = planner.next_provisional
            planner.next_provisional -= 1
            planner.states[key] = _State(
                None,
                {"company": card.company, "title": card.title}
                | {k: getattr(card, k) for k in _MERGED_FIELDS},
                list(card.emails),
                list(card.phones),
                ([("linkedin", card.linkedin)] if card.linkedin else [])
                + [("web", u) for u in card.urls],
                list(card.tags),
                list(card.extras),
                new=True,
                card=card,
            )
            planner.register(key, card)
            steps.append(
                _Step(
                    Decision("add", card.position, card.name, card.company, "new contact"),
                    key,
                    card,
                    None,
                )
            )
            continue
        key, why = found
        state = planner.state(key)
        change = _merge(state, card)
        planner.register(key, card)
        contact_id = key if key > 0 else None
        if not change:
            reason = f"already up to date ({why})"
            if key < 0:
                reason = f"repeats an earlier row ({why})"
            steps.append(
                _Step(
                    Decision("skip", card.position, card.name, card.company, reason, contact_id),
                    key,
                    card,
                    None,
                )
            )
            continue
        _apply_to_state(state, change)
        steps.append(
            _Step(
                Decision(
                    "update",
                    card.position,
                    card.name,
                    card.company,
                    f"{why}: {change.describe()}",
                    contact_id,
                    change.job[0] if change.job else None,
                ),
                key,
                card,
                change,
            )
        )
    return steps


# -- writing -----------------------------------------------------------------------------


def _write(
    store: Store, steps: list[_Step], stamp: str, progress: Callable[[int], None] | None
) -> dict[int, int]:
    ids: dict[int, int] = {}
    for number, step in enumerate(steps, 1):
        card = step.card
        if step.decision.action == "add":
            record = card.record or {}
            fields: dict[str, Any] = {
                "uid": card.uid if card.uid and _is_uid(card.uid) else None,
                "name": card.name,
                "company": card.company,
                "title": card.title,
                "how_met": card.how_met,
                "met_on": card.met_on,
                "birthday": card.birthday,
                "notes": card.notes,
                "cadence_days": record.get("cadence_days"),
                "created_at": record.get("created_at"),
                "updated_at": record.get("updated_at"),
                "archived_at": record.get("archived_at"),
            }
            contact_id = st.insert_contact(store, fields, stamp)
            ids[step.key] = contact_id
            step.decision.contact_id = contact_id
            store.add_emails(contact_id, card.emails, stamp)
            store.add_phones(contact_id, card.phones, stamp)
            if card.linkedin:
                st.add_url(store, contact_id, "linkedin", card.linkedin, stamp)
            for url in card.urls:
                st.add_url(store, contact_id, "web", url, stamp)
            store.add_tags(contact_id, card.tags, stamp)
            st.add_extras(store, contact_id, card.extras, stamp)
        elif step.decision.action == "update" and step.change is not None:
            contact_id = ids.get(step.key, step.key)
            step.decision.contact_id = contact_id
            change = step.change
            store.update_contact(contact_id, change.fields, stamp)
            store.add_emails(contact_id, change.emails, stamp)
            store.add_phones(contact_id, change.phones, stamp)
            for kind, url in change.urls:
                st.add_url(store, contact_id, kind, url, stamp)
            store.add_tags(contact_id, change.tags, stamp)
            st.add_extras(store, contact_id, change.extras, stamp)
            store.touch_contact(contact_id, stamp)
            if change.job:
                text, old, new = change.job
                st.insert_event(
                    store,
                    contact_id=contact_id,
                    kind="job_change",
                    text=text,
                    old_value=old,
                    new_value=new,
                    happened_at=stamp,
                    stamp=stamp,
                )
        elif step.key < 0:
            step.decision.contact_id = ids.get(step.key)
        if progress is not None:
            progress(number)
    return ids


_UID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._@:-]{0,199}$")


def _is_uid(text: str) -> bool:
    return bool(_UID.match(text))


def _write_history(
    store: Store, steps: list[_Step], ids: dict[int, int], bundle: dict[str, Any], stamp: str
) -> dict[str, int]:
    """Conversations, promises, ledger and events from our JSON, by uid, once each."""
    contacts: dict[str, int] = {}
    for step in steps:
        contact_id = ids.get(step.key, step.key)
        if step.card.uid and contact_id > 0:
            contacts[step.card.uid] = contact_id
    counts = {"conversations": 0, "promises": 0, "ledger": 0, "wins": 0, "events": 0}
    # Introductions point at other contacts by uid: link them once all exist.
    for step in steps:
        intro = (step.card.record or {}).get("introduced_by")
        contact_id = ids.get(step.key, step.key)
        if intro in contacts and contact_id > 0 and contacts[intro] != contact_id:
            st.link_introducer(store, contact_id, contacts[intro])
    conversations = st.uid_map(store, "interactions")
    for record in bundle.get("conversations") or []:
        people = [contacts[u] for u in record.get("participants", []) if u in contacts]
        if record["uid"] in conversations or not people:
            continue
        new_id = st.insert_conversation_record(store, record, people)
        if new_id is not None:
            conversations[record["uid"]] = new_id
            counts["conversations"] += 1
    existing = st.uid_map(store, "promises")
    for record in bundle.get("promises") or []:
        if record["uid"] in existing or record.get("contact") not in contacts:
            continue
        st.insert_promise_record(
            store,
            record,
            contacts[record["contact"]],
            conversations.get(record.get("conversation")),
        )
        counts["promises"] += 1
    existing = st.uid_map(store, "ledger")
    for record in bundle.get("ledger") or []:
        if record["uid"] in existing or record.get("contact") not in contacts:
            continue
        st.insert_ledger_record(
            store, record, contacts[record["contact"]], contacts.get(record.get("to_contact") or "")
        )
        counts["ledger"] += 1
    existing = st.uid_map(store, "wins")
    for record in bundle.get("wins") or []:
        if record["uid"] in existing or record.get("contact") not in contacts:
            continue
        st.insert_win_record(store, record, contacts[record["contact"]])
        counts["wins"] += 1
    existing = st.uid_map(store, "contact_events")
    for record in bundle.get("events") or []:
        if record["uid"] in existing or record.get("contact") not in contacts:
            continue
        st.insert_event(
            store,
            contact_id=contacts[record["contact"]],
            kind=record["kind"],
            text=record["text"],
            old_value=record.get("old_value"),
            new_value=record.get("new_value"),
            happened_at=record["happened_at"],
            stamp=record.get("updated_at") or stamp,
            uid=record["uid"],
            created_at=record.get("created_at"),
        )
        counts["events"] += 1
    return counts


def import_file(
    store: Store,
    path: Path,
    now: datetime,
    *,
    fmt: str | None = None,
    dry_run: bool = False,
    tag: str | None = None,
    encoding: str | None = None,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int, str], None] | None = None,
) -> ImportResult:
    """Import (or, with ``dry_run``, plan) one file; all or nothing."""
    from wintogether.domain.contacts import _check_tags

    extra_tag = _check_tags([tag])[0] if tag else None
    fmt, result = read_file(path, fmt, encoding, on_total=on_total, progress=progress)
    problems = list(result.problems)
    cards: list[Card] = []
    for card in result.cards:
        try:
            cards.append(_clean_card(card, extra_tag))
        except InvalidValue as exc:
            problems.append(Problem(card.position, exc.message))
    if problems and not (dry_run or skip_invalid):
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise ImportRefused(
            f"{path.name}: {len(problems)} unreadable row{'s' if len(problems) != 1 else ''}"
            f" ({shown}{more}). Nothing was imported.",
            hint="See them all with --dry-run; fix the file, or pass --skip-invalid to import "
            "the rest.",
        )
    if not cards:
        raise ImportRefused(
            f"{path.name} has {result.records} row{'s' if result.records != 1 else ''} but none "
            "could be read: nothing was imported."
            if result.records
            else f"{path.name} holds no contacts: nothing was imported."
        )
    stamp = to_utc_iso(now)
    history: dict[str, int] = {}
    if dry_run:
        with store.read():
            steps = _plan(store, cards)
    else:
        # A copy of the database as it was, before anything of the file is written.
        from wintogether.store.backup import backup_before

        backup_before(store.connection, "before-import")
        with store.write(f"import {path.name}", name="import"):
            steps = _plan(store, cards)
            if on_total is not None:
                on_total(len(steps), "Importing")
            ids = _write(store, steps, stamp, progress)
            if result.bundle is not None:
                history = _write_history(store, steps, ids, result.bundle, stamp)
            added, updated, skipped = (
                sum(1 for s in steps if s.decision.action == a) for a in ("add", "update", "skip")
            )
            if added or updated or any(history.values()):
                st.record_import(store, fmt, path.name, (added, updated, skipped), stamp)
    return ImportResult(
        fmt, path.name, dry_run, [s.decision for s in steps], problems, result.records, history
    )
