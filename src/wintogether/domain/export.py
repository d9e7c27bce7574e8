"""Exports: choosing what goes out, and writing it whole or not at all.

Every export reads inside one read transaction (one consistent snapshot) and
streams records from database cursors into the chosen writer in formats/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import IO, Any

from wintogether.clock import to_utc_iso
from wintogether.errors import InvalidValue, UserError
from wintogether.files import clean_leftovers, not_a_file, private_folder, write_many
from wintogether.store import Store
from wintogether.store import contacts as contacts_store
from wintogether.store import export as export_store
from wintogether.store import records as records_store


@dataclass
class ExportSelection:
    contact: str | None = None
    tag: str | None = None
    since: str | None = None


def since_moment(text: str, now: datetime) -> datetime:
    """Where ``--since TEXT`` starts: a day (``2026-11-01``, ``yesterday``,
    ``30 days ago``) from its first moment, so nothing of that day is left out;
    a time (``2026-11-01T09:00``, ``2 hours ago``) from that moment."""
    from wintogether.dates import has_time_of_day, parse_moment, start_of_day

    moment = parse_moment(text, now, prefer="past")
    if has_time_of_day(text) or text.strip().lower() == "now":
        return moment
    return start_of_day(moment.date(), now.tzinfo)


def _selection(
    store: Store, sel: ExportSelection, now: datetime
) -> tuple[list[int], list[int] | None, str | None]:
    from wintogether.domain.resolve import resolve

    since = to_utc_iso(since_moment(sel.since, now)) if sel.since else None
    contact_id = resolve(store, sel.contact).id if sel.contact else None
    ids = export_store.export_contact_ids(store, contact_id=contact_id, tag=sel.tag, since=since)
    # A contact or a tag narrows every section to those people; a date alone
    # narrows each section by itself (a promise made since, for a contact who
    # did not change, still goes out, and so does the contact).
    narrowed = ids if (sel.contact or sel.tag) else None
    return ids, narrowed, since


def export(
    store: Store,
    stream: IO[str],
    fmt: str,
    now: datetime,
    sel: ExportSelection,
    *,
    what: str = "contacts",
    vcard_version: str = "4.0",
    alarm_at: time | None = None,
) -> dict[str, int]:
    """Write the export to ``stream``; returns how many records of each kind went out
    (``{"contacts": 3, "promises": 2}``), in the order they were written. ``alarm_at``
    (iCalendar only): each to-do rings at that local time on its due day."""
    from wintogether.formats import registry

    writer = registry.writer(fmt)
    if vcard_version not in ("3.0", "4.0"):
        raise InvalidValue("--vcard-version is 3.0 or 4.0.")
    if what not in ("contacts", "conversations"):
        raise InvalidValue("--what is contacts or conversations.")
    if what == "conversations" and fmt != "csv":
        raise InvalidValue("--what conversations is for --format csv.")
    if alarm_at is not None and fmt != "ics":
        raise InvalidValue("--alarms is for --format ics.")
    module = writer.load()
    with store.read():
        ids, narrowed, since = _selection(store, sel, now)
        records = _Records(store, now, what, vcard_version, ids, narrowed, since)
        records.alarm_at = alarm_at
        module.export(stream, records)
    return records.counter.counts


def export_split(
    store: Store,
    folder: Path,
    now: datetime,
    sel: ExportSelection,
    *,
    vcard_version: str,
    force: bool,
) -> int:
    """One ``UID.vcf`` per contact into ``folder`` (khard and CardDAV folders read this)."""
    from wintogether.formats import vcard

    if vcard_version not in ("3.0", "4.0"):
        raise InvalidValue("--vcard-version is 3.0 or 4.0.")
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} exists and is not a folder.")
    try:
        private_folder(folder)
    except OSError as exc:
        raise UserError(f"Cannot create the folder {folder}: {exc.strerror}.") from exc
    with store.read():
        ids, _, _ = _selection(store, sel, now)
        file_of = file_names(list(contacts_store.uids_of(store, ids)))
        names = list(file_of.values())
        # Refused before writing any file, not halfway through. A link is never
        # followed (it could lead out of the folder), nor replaced.
        odd = [(name, kind) for name in names if (kind := not_a_file(folder / name))]
        if odd:
            raise UserError(
                f"{odd[0][0]} in {folder} is {odd[0][1]}"
                + (f" (and {len(odd) - 1} more like it)" if len(odd) > 1 else "")
                + ": nothing was written.",
                hint="Remove it, or export into another folder.",
            )
        if not force:
            taken = [name for name in names if os.path.lexists(folder / name)]
            if taken:
                raise UserError(
                    f"{len(taken)} of the files already exist in {folder} (e.g. {taken[0]}).",
                    hint="Pass --force to replace them.",
                )
        items = [
            (file_of[contact["uid"]], vcard.card_text(contact, vcard_version).encode())
            for contact in _public(records_store.contact_records(store, ids))
        ]
    clean_leftovers(folder)
    _, refused = write_many(folder, items)
    if refused:  # appeared since the check above
        name, kind = next(iter(refused.items()))
        raise UserError(f"{name} in {folder} is {kind}: it was left alone.")
    return len(items)


#: The longest file name written (bytes): file systems allow 255, and the
#: temporary name beside it is longer by about 25.
MAX_NAME_BYTES = 200


def file_names(uids: list[str]) -> dict[str, str]:
    """A distinct file name for each uid: ``UID.vcf`` when the uid is already a
    plain, short file name, else a plain part and a hash of the whole uid.

    Two uids never share a name, not even on a file system that ignores case
    (``a:b`` and ``a_b`` give two files), and no name exceeds MAX_NAME_BYTES.
    """
    import collections

    names = {uid: _plain_name(uid) or _hashed_name(uid) for uid in uids}
    seen = collections.Counter(name.casefold() for name in names.values())
    names = {
        uid: _hashed_name(uid) if seen[name.casefold()] > 1 else name for uid, name in names.items()
    }
    if len({name.casefold() for name in names.values()}) != len(names):
        raise UserError("Two contacts' uids give one file name: nothing was written.")
    return names


def _plain_name(uid: str) -> str | None:
    name = f"{uid}.vcf"
    if re.fullmatch(r"[0-9A-Za-z_@-][0-9A-Za-z._@-]*", uid) and len(name) <= MAX_NAME_BYTES:
        return name
    return None


def _hashed_name(uid: str) -> str:
    import hashlib

    digest = hashlib.sha256(uid.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    plain = re.sub(r"[^0-9A-Za-z._@-]", "_", uid).lstrip(".")
    return f"{plain[: MAX_NAME_BYTES - len(digest) - 5]}-{digest}.vcf".lstrip("-")


def _public(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Export records without local ids and derived values (they do not travel)."""
    for record in records:
        record.pop("id", None)
        record.pop("last_touch_at", None)
        yield record


def _no_keys(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Company records without their matching key (derived from the name)."""
    for record in records:
        record.pop("key", None)
        yield record


def _no_names(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for record in records:
        record.pop("contact_name", None)
        yield record


class _Records:
    """The records a writer takes (formats.ExportRecords), read from the store
    and counted by kind as they stream past."""

    def __init__(
        self,
        store: Store,
        now: datetime,
        what: str,
        vcard_version: str,
        ids: list[int],
        narrowed: list[int] | None,
        since: str | None,
    ) -> None:
        self.store, self.ids, self.narrowed, self.since = store, ids, narrowed, since
        self.now, self.exported_at = now, to_utc_iso(now)
        self.what, self.vcard_version = what, vcard_version
        self.alarm_at: time | None = None
        self.counter = _Counter()

    def contacts(self) -> Iterator[dict[str, Any]]:
        return self.counter.wrap(
            "contacts", _public(records_store.contact_records(self.store, self.ids))
        )

    def contact_rows(self) -> Iterator[dict[str, Any]]:
        return self.counter.wrap("contacts", records_store.contact_records(self.store, self.ids))

    def contact_names(self) -> dict[str, str]:
        return {r["uid"]: r["name"] for r in records_store.contact_records(self.store, self.ids)}

    def conversations(self) -> Iterator[dict[str, Any]]:
        found = export_store.conversation_records(self.store, self.narrowed, self.since)
        return self.counter.wrap("conversations", found)

    def promises(self) -> Iterator[dict[str, Any]]:
        found = _no_names(export_store.promise_records(self.store, self.narrowed, self.since))
        return self.counter.wrap("promises", found)

    def open_promises(self) -> Iterator[dict[str, Any]]:
        found = export_store.promise_records(self.store, self.narrowed, self.since, open_only=True)
        return self.counter.wrap("promises", found)

    def birthdays(self) -> Iterator[dict[str, Any]]:
        found = (c for c in records_store.contact_records(self.store, self.ids) if c["birthday"])
        return self.counter.wrap("birthdays", found)

    def ledger(self) -> Iterator[dict[str, Any]]:
        found = export_store.ledger_records(self.store, self.narrowed, self.since)
        return self.counter.wrap("ledger", found)

    def wins(self) -> Iterator[dict[str, Any]]:
        return self.counter.wrap(
            "wins", export_store.win_records(self.store, self.narrowed, self.since)
        )

    def events(self) -> Iterator[dict[str, Any]]:
        found = export_store.event_records(self.store, self.narrowed, self.since)
        return self.counter.wrap("events", found)

    def companies(self) -> Iterator[dict[str, Any]]:
        # Since a day: the companies of the contacts that go out, not all.
        found = records_store.company_records(self.store, self.ids if self.since else self.narrowed)
        return self.counter.wrap("companies", _no_keys(found))

    def deals(self) -> Iterator[dict[str, Any]]:
        found = export_store.deal_records(self.store, self.narrowed, self.since)
        return self.counter.wrap("deals", found)

    def deal_steps(self) -> Iterator[dict[str, Any]]:
        found = export_store.step_records(self.store, self.narrowed, self.since)
        return self.counter.wrap("deal_steps", found)

    def plan_templates(self) -> Iterator[dict[str, Any]]:
        return self.counter.wrap("plan_templates", export_store.template_records(self.store))

    def capture_never(self) -> Iterator[dict[str, Any]]:
        if self.narrowed is not None or self.since:  # bookkeeping of the whole database
            return iter(())
        return export_store.capture_never_records(self.store)

    def capture_reviewed(self) -> Iterator[dict[str, Any]]:
        if self.narrowed is not None or self.since:
            return iter(())
        return export_store.capture_reviewed_records(self.store)


class _Counter:
    """How many records of each kind went out, counted as they stream past."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def wrap(self, kind: str, items: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        self.counts.setdefault(kind, 0)
        for item in items:
            self.counts[kind] += 1
            yield item
