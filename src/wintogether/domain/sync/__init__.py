"""Two-way sync between the database and a vdir (a folder of .vcf/.ics files).

A vdir has four collections, each a folder vdirsyncer pairs with a CardDAV
address book or a CalDAV calendar: ``contacts/`` (one vCard 3.0 per contact,
with the fields only wintogether has as X-WINTOGETHER- properties),
``promises/`` (one VTODO per promise), ``conversations/`` (one VJOURNAL per
conversation) and ``history/`` (one VJOURNAL per ledger entry, win,
timeline event, deal, plan step or plan template, for a second database).
Files are named ``<uid>.vcf`` / ``<uid>.ics``. Everything the JSON export
carries travels, but the columns items.LOCAL_ONLY names.

The sync state (store/sync.py) remembers, per item, the file's name, content
hash, size and mtime, the row's version (its ``updated_at``; for a promise
also its contact's name, which its file shows) as they were after the last
sync, and the synced fields both sides agreed on then (the merge base).
From it each side's news is known without reading anything that did not
change: a file whose size and mtime are as remembered is not even opened, a
row whose version is as remembered is not serialised.

The rules, per item:

* changed only here (or new here): the file is (re)written (``sent``);
* changed only in the vdir (or new there): the row is inserted or updated
  (``received``); a to-do marked COMPLETED marks the promise done;
* deleted on one side and unchanged on the other: deleted on the other
  (``deleted``); deleted on one side but changed on the other: the change
  wins and the item comes back;
* changed on both sides: when both now say the same (compared field by field,
  not byte by byte) nothing is done; otherwise the two are merged against the
  base, the fields both sides last agreed on (kept in the sync state): a
  field changed on one side takes that side's value, lists (emails, phones,
  tags, participants...) keep what either side added and lose what either
  removed, and a field changed on both sides is a conflict, where the later
  change wins. The database's time is the row's ``updated_at``. The file's
  time is its own stamp (vCard REV, iCalendar LAST-MODIFIED or DTSTAMP) when
  the app that edited it moved that stamp past the last sync; otherwise (many
  apps leave it alone) the file's modification time, i.e. when the change
  arrived in the vdir. On a tie the database wins. The losing values are kept
  on the contact's timeline as a ``sync_conflict`` event and reported. The
  merged result is written to whichever side lacks it, both when needed.
* a file we wrote that another version replaced (vdirsyncer lets the server
  win its own conflicts) is merged the same way, against the version before
  ours: our changes survive unless the other side changed the same field.

A sync that finds nothing to do opens no write transaction and writes no file.

The steps, one module each: scan.py (list and read the vdir's files), items.py
(compare, describe and serialise items), plan.py (decide, per item, without
writing), apply.py (carry the plan out); model.py holds what a sync reports.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from wintogether.clock import to_utc_iso
from wintogether.domain.sync.apply import _execute
from wintogether.domain.sync.model import CHANNELS, COLLECTIONS, SyncChange, SyncRefused, SyncResult
from wintogether.domain.sync.plan import _Plan, _plan
from wintogether.store import Store
from wintogether.store import sync as ss

__all__ = ["CHANNELS", "COLLECTIONS", "SyncChange", "SyncRefused", "SyncResult", "sync"]


def sync(
    store: Store,
    vdir: Path,
    now: datetime,
    *,
    dry_run: bool = False,
    force_delete: bool = False,
) -> SyncResult:
    """Exchange changes between the database and ``vdir``; see the module docstring."""
    vdir = Path(os.path.abspath(vdir.expanduser()))
    if vdir.exists() and not vdir.is_dir():
        raise SyncRefused(f"{vdir} is not a folder.")
    if not vdir.exists() and not vdir.parent.is_dir():
        raise SyncRefused(f"The folder {vdir.parent} does not exist.")
    database = Path(os.path.realpath(store.path))
    if database.parent in {Path(os.path.realpath(vdir / f)) for _, f, _ in COLLECTIONS}:
        raise SyncRefused(f"The database {store.path} is inside the vdir {vdir}; move one of them.")
    stamp = to_utc_iso(now)
    with store.read():
        plan = _plan(store, vdir, now, force_delete)
        version = ss.data_version(store)
        names = ss.contact_names(store) if dry_run and plan.merging else {}
    result = SyncResult(vdir, dry_run)
    if dry_run:
        _count(result, plan)
        for dup, keeper in sorted(plan.merging.items()):
            name = names.get(keeper) or next(
                (str(a.fields["name"]) for a in plan.actions if a.uid == keeper and a.fields), ""
            )
            result.changes.append(_merged_change(dup, names.get(dup, dup), name))
            result.received += 1
        return result
    for folder in [vdir, *plan.missing_folders]:
        folder.mkdir(mode=0o700, exist_ok=True)
    from wintogether.files import clean_leftovers

    for folder in plan.folders.values():
        clean_leftovers(folder)  # what a killed sync left half written
    if not plan.actions and not plan.settles:
        _count(result, plan)
        return result
    label = f"sync {vdir}"
    with store.write(label, name="sync") if plan.writes_data else ss.bookkeeping(store):
        if ss.data_version(store) != version:
            journaled = plan.writes_data
            plan = _plan(store, vdir, now, force_delete)  # another command wrote meanwhile
            if plan.writes_data and not journaled:
                raise SyncRefused(
                    "The database changed while syncing; nothing was synced.",
                    hint="Run `wt sync` again.",
                )
        # What the merged contacts were last synced as: read before this sync changes it.
        synced = ss.load_state(store, str(plan.vdir), "contact") if plan.settles else {}
        _execute(store, plan, stamp)
        loops = ss.break_manager_loops(store, stamp) if plan.writes_data else []
        settled = _settle_merges(store, stamp, plan.merging, synced) if plan.settles else []
        if settled:
            # A keeper deleted there and kept here (archived) stays out of the
            # folder: taking a merge is not a change that brings it back.
            ss.keep_out_quietly(store, str(plan.vdir), sorted(set(plan.merging.values())))
        again: _Plan | None = None
        if settled or loops or _deleted_rows(plan) or _closed_otherwise(plan):
            # The merged contacts' files leave the folder and their history
            # goes out with the keeper; what a deletion changed (a plan step
            # moved to the next person on its deal, one that waited for a step
            # deleted now waiting for none) goes out too: in this same sync.
            again = _plan(store, vdir, now, force_delete)
            _execute(store, again, stamp)
    _count(result, plan)
    if again is not None:
        again.skipped = []  # reported once, by the first pass
        _count(result, again)
    result.changes += settled
    result.received += len(settled)
    result.changes += [
        SyncChange(
            "contact", "", "changed", name,
            f"reports to no one now: reporting to {manager} made a loop"
            " with another device's change",
            notice=True,
        )
        for name, manager in loops
    ]  # fmt: skip
    return result


def _settle_merges(
    store: Store, stamp: str, pending: dict[str, str], synced: dict[str, ss.StateRow]
) -> list[SyncChange]:
    """The contacts another device merged into someone (``pending``: uid -> the
    keeper's uid), merged here as `wt merge` would, each into the last keeper
    of its chain: what only this database had of them moves to the keeper,
    whose card then says it merged them. A field of theirs edited here since
    the last sync, whose old value the keeper took, takes the edit."""
    from wintogether.domain.dupes import merge_contacts

    changes: list[SyncChange] = []
    for duplicate in sorted(pending):
        keeper, seen = pending[duplicate], {duplicate}
        while keeper in pending and keeper not in seen:
            seen.add(keeper)
            keeper = pending[keeper]
        found = ss.contact_refs(store, [duplicate, keeper])
        if keeper == duplicate or duplicate not in found or keeper not in found:
            continue
        keep, other = found[keeper], found[duplicate]
        newer = _edited_since(store, synced.get(duplicate), keep.id, other.id)
        merge_contacts(store, keep, other, stamp, typed=False, newer=newer)
        changes.append(_merged_change(duplicate, other.name, keep.name))
    return changes


#: The fields a merge fills from the merged contact (domain.dupes).
_FILLED = ("company", "title", "how_met", "met_on", "birthday", "cadence_days", "account_role",
           "introduced_by", "reports_to")  # fmt: skip


def _edited_since(store: Store, state: ss.StateRow | None, keep_id: int, other_id: int) -> set[str]:
    """The fields of OTHER changed here since it was last synced whose old
    value KEEP holds (the merge made elsewhere copied it)."""
    import json

    from wintogether.domain.sync.items import _canonical

    last = (state.ours or state.base) if state is not None else None
    if not last:
        return set()
    before = json.loads(last)
    records = {r["id"]: r for r in ss.contact_records(store, [keep_id, other_id])}
    keep = _canonical("contact", records[keep_id], True)
    other = _canonical("contact", records[other_id], True)
    return {
        key
        for key in _FILLED
        if key in before and other.get(key) != before[key] and keep.get(key) == before[key]
    }


def _deleted_rows(plan: _Plan) -> bool:
    """Whether carrying out ``plan`` deleted rows here: a deletion can change
    others after they were decided (a contact's plan steps move to the next
    person on the deal, a step that waited for a deleted one waits for none)."""
    return any(a.action == "delete_row" for a in plan.actions)


def _closed_otherwise(plan: _Plan) -> bool:
    """Whether a deal came in neither open nor won (lost, dropped): one won here
    loses the wins winning recorded (store/sync.py), whose files, just sent
    perhaps, must leave in this same sync."""
    return any(
        a.kind == "history"
        and a.fields is not None
        and a.fields.get("section") == "deals"
        and a.fields.get("status") not in ("open", "won")
        for a in plan.actions
    )


def _merged_change(uid: str, name: str, keeper: str) -> SyncChange:
    return SyncChange(
        "contact", uid, "merged", name, f"merged into {keeper} (as on another device)", notice=True
    )


def _count(result: SyncResult, plan: _Plan) -> None:
    labels = {
        "send": "sent",
        "receive": "received",
        "delete_file": "deleted",
        "delete_row": "deleted",
        "archive": "deleted",
    }
    for action in plan.actions:
        detail = action.detail
        if action.action == "merge":
            # Changed on both sides: what came in and what went out both count.
            result.received += action.fields is not None
            result.sent += action.text is not None or action.rewrite
            if action.conflicts:
                result.conflicts += 1
                names = ", ".join(key for key, _, _ in action.conflicts)
                result.conflicted.append(f"{action.name}, {names}")
                label = "conflict"
            else:
                label = "merged"
                detail = "changed on both sides, in different fields: merged"
            result.changes.append(SyncChange(action.kind, action.uid, label, action.name, detail))
            continue
        kind_label = labels.get(action.action)
        if kind_label is None:
            continue
        label = kind_label
        if action.action == "delete_file" and not detail:
            detail = "deleted here: file removed"
        elif action.action == "delete_row":
            detail = "deleted there: removed here"
        notice = action.action == "archive" or (
            action.action == "delete_file" and detail.startswith("about someone forgotten")
        )
        result.changes.append(
            SyncChange(action.kind, action.uid, label, action.name, detail, notice=notice)
        )
        setattr(result, label, getattr(result, label) + 1)
    result.changes.extend(plan.skipped)
    result.skipped = len(plan.skipped)
