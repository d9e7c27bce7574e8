"""Writing a planned import: contacts added and updated, then the history from our JSON."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from wintogether.domain.importing.plan import _Step
from wintogether.store import Store
from wintogether.store import companies as companies_store
from wintogether.store import contacts as contacts_store
from wintogether.store import events as events_store
from wintogether.store import records as records_store


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
                "account_role": record.get("account_role"),
                "created_at": record.get("created_at"),
                "updated_at": record.get("updated_at"),
                "archived_at": record.get("archived_at"),
            }
            contact_id = records_store.insert_contact_record(store, fields, stamp)
            ids[step.key] = contact_id
            step.decision.contact_id = contact_id
            contacts_store.add_emails(store, contact_id, card.emails, stamp)
            contacts_store.add_phones(store, contact_id, card.phones, stamp)
            if card.linkedin:
                contacts_store.add_url(store, contact_id, "linkedin", card.linkedin, stamp)
            for url in card.urls:
                contacts_store.add_url(store, contact_id, "web", url, stamp)
            contacts_store.add_tags(store, contact_id, card.tags, stamp)
            contacts_store.add_extras(store, contact_id, card.extras, stamp)
        elif step.decision.action == "update" and step.change is not None:
            contact_id = ids.get(step.key, step.key)
            step.decision.contact_id = contact_id
            change = step.change
            contacts_store.update_contact(store, contact_id, change.fields, stamp)
            contacts_store.add_emails(store, contact_id, change.emails, stamp)
            contacts_store.add_phones(store, contact_id, change.phones, stamp)
            for kind, url in change.urls:
                contacts_store.add_url(store, contact_id, kind, url, stamp)
            contacts_store.add_tags(store, contact_id, change.tags, stamp)
            contacts_store.add_extras(store, contact_id, change.extras, stamp)
            contacts_store.touch_contact(store, contact_id, stamp)
            if change.job:
                text, old, new = change.job
                events_store.insert_event(
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


def _write_companies(store: Store, bundle: dict[str, Any], stamp: str) -> list[tuple[str, str]]:
    """The companies of our JSON, with their aliases (matched by uid, then by
    name); the companies here that merged as the file says (merged, joined)."""
    joined: list[tuple[str, str]] = []
    for record in bundle.get("companies") or []:
        joined += companies_store.insert_company_record(store, record, stamp)
    return joined


def _write_history(
    store: Store, steps: list[_Step], ids: dict[int, int], bundle: dict[str, Any], stamp: str
) -> dict[str, int]:
    """Conversations, promises, ledger and events from our JSON, by uid, once each."""
    contacts: dict[str, int] = {}
    for step in steps:
        contact_id = ids.get(step.key, step.key)
        if step.card.uid and contact_id > 0:
            contacts[step.card.uid] = contact_id
    counts = {
        "conversations": 0,
        "promises": 0,
        "ledger": 0,
        "wins": 0,
        "events": 0,
        "deals": 0,
        "plan templates": 0,
        # Records already here that the file has a later version of (a newer
        # export of the same database): a promise kept since, a note edited.
        "updated": 0,
    }
    # Introductions point at other contacts by uid: link them once all exist.
    for step in steps:
        intro = (step.card.record or {}).get("introduced_by")
        contact_id = ids.get(step.key, step.key)
        if intro in contacts and contact_id > 0 and contacts[intro] != contact_id:
            contacts_store.link_introducer(store, contact_id, contacts[intro])
        manager = (step.card.record or {}).get("reports_to")
        if manager in contacts and contact_id > 0 and contacts[manager] != contact_id:
            contacts_store.link_manager(store, contact_id, contacts[manager])
        role = (step.card.record or {}).get("account_role")
        if role and contact_id > 0:
            contacts_store.fill_role(store, contact_id, role)
    conversations = records_store.uid_map(store, "interactions")
    for record in bundle.get("conversations") or []:
        people = [contacts[u] for u in record.get("participants", []) if u in contacts]
        if record["uid"] in conversations:
            counts["updated"] += _newer(store, "interactions", record, people)
            continue
        if not people:
            continue
        new_id = records_store.insert_conversation_record(store, record, people)
        if new_id is not None:
            conversations[record["uid"]] = new_id
            counts["conversations"] += 1
    existing = records_store.uid_map(store, "promises")
    for record in bundle.get("promises") or []:
        if record["uid"] in existing:
            counts["updated"] += records_store.update_if_newer(store, "promises", record)
            continue
        if record.get("contact") not in contacts:
            continue
        records_store.insert_promise_record(
            store,
            record,
            contacts[record["contact"]],
            conversations.get(record.get("conversation")),
        )
        counts["promises"] += 1
    existing = records_store.uid_map(store, "ledger")
    for record in bundle.get("ledger") or []:
        if record["uid"] in existing:
            counts["updated"] += records_store.update_if_newer(store, "ledger", record)
            continue
        if record.get("contact") not in contacts:
            continue
        records_store.insert_ledger_record(
            store, record, contacts[record["contact"]], contacts.get(record.get("to_contact") or "")
        )
        counts["ledger"] += 1
    existing = records_store.uid_map(store, "wins")
    for record in bundle.get("wins") or []:
        if record["uid"] in existing:
            counts["updated"] += records_store.update_if_newer(store, "wins", record)
            continue
        if record.get("contact") not in contacts:
            continue
        records_store.insert_win_record(store, record, contacts[record["contact"]])
        counts["wins"] += 1
    existing = records_store.uid_map(store, "contact_events")
    for record in bundle.get("events") or []:
        if record["uid"] in existing or record.get("contact") not in contacts:
            continue
        records_store.insert_event_record(store, record, contacts[record["contact"]], stamp)
        counts["events"] += 1
    counts["deals"], counts["updated"] = _write_deals(store, bundle, contacts, counts["updated"])
    for record in bundle.get("plan_templates") or []:
        counts["plan templates"] += records_store.insert_template_record(store, record)
    # Capture's bookkeeping (not counted): whom it never proposes, and the
    # meetings and mail it proposed already, so a scan here does not again.
    from wintogether.store import capture as capture_store

    never = [contacts[r["contact"]] for r in bundle.get("capture_never") or []
             if r["contact"] in contacts]  # fmt: skip
    if never:
        capture_store.add_never(store, never, stamp)
    for record in bundle.get("capture_reviewed") or []:
        capture_store.mark_seen(store, record["key"])
    return counts


def _newer(store: Store, table: str, record: dict[str, Any], people: list[int]) -> bool:
    """A conversation or deal here that the file has a later version of takes
    it, who was in it or is on it included; True when anything changed."""
    row_id = records_store.older_row(store, table, record["uid"], record["updated_at"])
    if row_id is None:
        return False
    changed = records_store.update_if_newer(store, table, record)
    if people:
        changed |= records_store.set_people(store, table, row_id, people, record["updated_at"])
    return changed


def _write_deals(
    store: Store, bundle: dict[str, Any], contacts: dict[str, int], updated: int
) -> tuple[int, int]:
    """Deals and their plan steps, by uid, once each (a deal here that the file
    has a later version of takes it: ``updated`` counts them); a step whose
    promise or deal is not here is left out, and what it follows is linked
    once all exist."""
    added = 0
    deals = records_store.uid_map(store, "deals")
    for record in bundle.get("deals") or []:
        if record["uid"] in deals:
            people = [contacts[u] for u in record.get("people") or [] if u in contacts]
            updated += _newer(store, "deals", record, people)
            continue
        people = [contacts[u] for u in record.get("people") or [] if u in contacts]
        new_id = records_store.insert_deal_record(store, record, people)
        if new_id is not None:
            deals[record["uid"]] = new_id
            added += 1
    promises = records_store.uid_map(store, "promises")
    steps = records_store.uid_map(store, "deal_steps")
    new_steps: list[tuple[int, str]] = []
    for record in bundle.get("deal_steps") or []:
        if record["uid"] in steps:
            continue
        deal_id, promise_id = deals.get(record["deal"]), promises.get(record["promise"])
        if deal_id is None or promise_id is None:
            continue
        step_id = records_store.insert_step_record(store, record, deal_id, promise_id)
        if step_id is not None:
            steps[record["uid"]] = step_id
            if isinstance(record.get("after"), str):
                new_steps.append((step_id, record["after"]))
    for step_id, after in new_steps:
        if after in steps:
            records_store.link_step_record(store, step_id, steps[after])
    return added, updated
