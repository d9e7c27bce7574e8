"""Planning a sync: what to send, receive, delete, and which items conflict.

Nothing is written here: the plan is a list of actions, carried out by apply.py.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from wintogether.domain.sync.items import (
    _OWN_FIELDS,
    _agreed,
    _canonical,
    _digest,
    _display,
    _fields,
    _merge,
    _records,
    _same,
    _write_text,
    version_token,
)
from wintogether.domain.sync.model import COLLECTIONS, SyncChange, SyncRefused
from wintogether.domain.sync.scan import (
    _File,
    _file_name,
    _invalid,
    _mtime_stamp,
    _parse,
    _scan,
    forgotten_key,
    removed_items,
    removed_key,
)
from wintogether.records import dataclass, field
from wintogether.store import Store
from wintogether.store import sync as ss
from wintogether.text import read_json

#: The version remembered for a to-do that names no contact we know: kept in
#: the list ``wt sync --unmatched`` shows, until it changes or is attached.
UNMATCHED = "unmatched"


@dataclass
class _Action:
    """One thing to do for one item, decided before anything is written."""

    kind: str
    uid: str
    action: str  # send, receive, merge, delete_file, delete_row, archive, forget, refresh
    name: str = ""
    row_id: int | None = None
    file: _File | None = None
    file_name: str = ""
    text: str | None = None  # what to write (send, or a conflict the database won)
    fields: dict[str, Any] | None = None  # what to apply (receive, or a file that won)
    db_version: str = ""
    detail: str = ""
    #: What the sync state remembers of the file: its own change time, and
    #: whether this database wrote it.
    file_stamp: str | None = None
    sent: int = 0
    #: A conflict: the fields both changed (field, losing value, kept value),
    #: and the contact to keep the losing values on.
    conflicts: list[tuple[str, Any, Any]] = field(default_factory=list)
    contact_id: int | None = None
    #: A merge: write the file again once ``fields`` are applied (from the row).
    rewrite: bool = False
    #: A conflict the file's version won (it was the later change).
    theirs_won: bool = False
    #: A conflict: when the kept and the lost versions were changed (UTC stamps).
    won_at: str = ""
    lost_at: str = ""
    #: What the sync state remembers: the fields both sides agree on (the base
    #: of the next merge) and those this database wrote (JSON, or None).
    base: str | None = None
    ours: str | None = None


class _Plan:
    """What one sync will do, planned from both sides before anything is
    written. Written out, not a dataclass: every sync makes one."""

    def __init__(self, vdir: Path, folders: dict[str, Path]) -> None:
        self.vdir = vdir
        self.folders = folders
        self.actions: list[_Action] = []
        self.skipped: list[SyncChange] = []
        self.missing_folders: list[Path] = []
        #: Contacts kept out of the folder (deleted elsewhere, archived here with
        #: their history): their history records stay here, unsynced, until they
        #: change here and go out again.
        self.kept_out: set[str] = set()
        #: Contacts this sync deletes (by uid): they leave the deals that name them.
        self.going: set[str] = set()
        #: Contacts this sync brings in (uid -> name): to-dos may name them.
        self.arriving: dict[str, str] = {}
        #: Contacts new to this database in this sync: journal entries and deals
        #: received before without them (not known here then) take them in now.
        self.new_here: set[str] = set()
        #: The deals and promises a plan step may name (here, or arriving in this
        #: sync), by uid: found only when a step's file is new or changed.
        self.known: dict[str, set[str]] | None = None
        #: Promises this sync deletes (there, or with their contact): plan steps
        #: go with their promise, in the same sync.
        self.gone_promises: set[str] = set()
        #: Contacts merged into another one (here, or by a card received now; uid ->
        #: the keeper's uid): a file of theirs still in the folder is removed,
        #: whatever changed in it, once they are gone from here.
        self.merged_here: dict[str, str] = {}
        #: The vdir's note of the items syncs and `wt forget` took out (read when needed).
        self._removed: set[str] | None = None
        #: Contacts another device merged into someone known here (uid -> keeper):
        #: merged here too once the plan is carried out, not archived or sent back.
        self.merging: dict[str, str] = {}

    def forgotten_there(self, kind: str, uid: str) -> bool:
        """Whether `wt forget` on another computer took this item out of the
        folder: forgetting wins over a change made here since (the item is
        deleted there, not sent back to be removed again)."""
        if self._removed is None:
            self._removed = set(removed_items(self.vdir))
        return forgotten_key(kind, uid) in self._removed

    @property
    def aliases(self) -> dict[str, str]:
        """Each merged contact's uid -> the contact it ends in (through chains)."""
        out: dict[str, str] = {}
        links = {**self.merged_here, **self.merging}
        for uid, first in links.items():
            seen = {uid}
            keeper = first
            while keeper in links and keeper not in seen:
                seen.add(keeper)
                keeper = links[keeper]
            out[uid] = keeper
        return out

    @property
    def settles(self) -> bool:
        """Whether a contact here is to be merged into another once this plan is
        carried out (as another device merged them)."""
        return bool(self.merging)

    @property
    def writes_data(self) -> bool:
        return self.settles or any(
            a.action not in ("refresh", "forget", "send", "delete_file", "unmatched")
            and not (a.action == "merge" and a.fields is None and not a.conflicts)
            for a in self.actions
        )


_ITEM_WORDS = {
    "contact": ("contact", "contacts"),
    "promise": ("promise", "promises"),
    "conversation": ("conversation", "conversations"),
    "history": ("history entry", "history entries"),
}


def _items(count: int, kind: str) -> str:
    """ "1 conversation", "3 history entries"."""
    one, many = _ITEM_WORDS.get(kind, (kind, f"{kind}s"))
    return f"{count} {one if count == 1 else many}"


def _plan(store: Store, vdir: Path, now: datetime, force_delete: bool = False) -> _Plan:
    key = str(vdir)
    plan = _Plan(vdir, {kind: vdir / folder for kind, folder, _ in COLLECTIONS})
    contact_uids = set(ss.contact_ids_by_uid(store))
    plan.merged_here = ss.merged_into(store)
    going = plan.going  # contacts this sync deletes: their promises go with them
    for kind, _folder, suffix in COLLECTIONS:
        folder = plan.folders[kind]
        # The rows' merge texts are read only if an item changed: the plan
        # uses them before anything is written (load_state).
        state = ss.load_state(store, key, kind, texts=False)
        if folder.is_symlink():
            # Never followed, as no file in the vdir is: a link here could send
            # every file written into a folder elsewhere (or fail on a dangling one).
            raise SyncRefused(
                f"{folder} is a symbolic link: wt sync follows no link inside the vdir.",
                hint="Replace the link with the folder itself, or sync the folder it points at.",
            )
        if not folder.is_dir():
            if state:
                raise SyncRefused(
                    f"{folder} is missing, but {_items(len(state), kind)} were synced with it:"
                    " refusing to delete them from the database.",
                    hint="Restore the folder, or sync with a new, empty folder.",
                )
            plan.missing_folders.append(folder)
            files: dict[str, _File] = {}
            odd: dict[str, str] = {}
        else:
            files, odd = _scan(folder, suffix)
        skip = going | plan.kept_out | plan.gone_promises if kind == "history" else going
        _plan_kind(store, plan, kind, suffix, state, files, odd, contact_uids, skip, now)
        doomed = {
            a.uid for a in plan.actions if a.kind == kind and a.action in ("delete_row", "archive")
        }
        if (
            doomed
            and not files
            and not force_delete
            and not {removed_key(kind, uid) for uid in doomed} <= set(removed_items(vdir))
        ):
            # As vdirsyncer does: a collection emptied all at once is more likely
            # an accident (a wiped server, a wrong folder) than a wish; unless a
            # sync elsewhere noted taking each of them out (a forget, an undo).
            raise SyncRefused(
                f"{folder} is empty, but {_items(len(state), kind)} were synced with it:"
                f" refusing to delete {len(doomed)} from the database.",
                hint="If that is what you want, run `wt sync --force-delete`.",
            )
        if kind == "promise":
            plan.gone_promises |= {
                a.uid for a in plan.actions if a.kind == "promise" and a.action == "delete_row"
            }
        if kind == "contact":
            for action in plan.actions:
                if action.kind == "contact" and action.action == "receive":
                    contact_uids.add(action.uid)
                    if action.fields is not None:
                        plan.arriving[action.uid] = str(action.fields["name"])
                        if action.row_id is None:
                            plan.new_here.add(action.uid)
                elif action.kind == "contact" and action.action == "delete_row":
                    contact_uids.discard(action.uid)
                    going.add(action.uid)
                elif action.kind == "contact" and action.action == "archive":
                    plan.kept_out.add(action.uid)
            # Back in the folder in this sync (changed here, or there): their
            # history goes out with them.
            back = ("send", "receive", "merge", "refresh")
            plan.kept_out |= {uid for uid, row in state.items() if not row.file_name} - {
                a.uid for a in plan.actions if a.kind == "contact" and a.action in back
            }
    return plan


def _plan_kind(
    store: Store,
    plan: _Plan,
    kind: str,
    suffix: str,
    state: dict[str, ss.StateRow],
    files: dict[str, _File],
    odd: dict[str, str],
    contact_uids: set[str],
    going: set[str],
    now: datetime,
) -> None:
    from wintogether.reading import NotRegular

    folder = plan.folders[kind]
    rows = every_row = ss.versions(store, kind)
    if going:
        # A plan step of someone deleted here stays, moved to the next person on its deal.
        staying = (
            ss.moving_steps(store, sorted(going), sorted(plan.kept_out))
            if kind == "promise"
            else set()
        )
        if kind == "promise":
            plan.gone_promises |= {
                uid for uid, row in rows.items() if row[3] in going and uid not in staying
            }
        rows = {uid: row for uid, row in rows.items() if row[3] not in going or uid in staying}
    by_file = {row.file_name: row for row in state.values()}
    # The file side: uid -> (file, parsed fields or None when unchanged).
    file_of: dict[str, _File] = {}
    parsed: dict[str, dict[str, Any]] = {}
    #: Items whose file could not be read: left alone on both sides (and reported),
    #: never taken for deleted there nor overwritten here.
    blocked: set[str] = set()
    # Not a file (a link, a pipe, a folder) or too large: never opened, never
    # taken for a deletion, never written through.
    for name, reason in sorted(odd.items()):
        known = by_file.get(name)
        plan.skipped.append(SyncChange(kind, known.uid if known else "", "skipped", name, reason))
        if known:
            blocked.add(known.uid)
    #: Items whose file is the one the sync state knows: a copy of it under
    #: another name (a phone saving a card twice) is a second file, whichever
    #: of the two is read first.
    tracked: set[str] = set()

    def second(uid: str, name: str) -> None:
        plan.skipped.append(SyncChange(kind, uid, "skipped", name, "a second file, same UID"))

    def take_tracked(uid: str, found: _File) -> None:
        earlier = file_of.get(uid)
        if earlier is not None and uid not in tracked:  # a copy, read first
            second(uid, earlier.name)
            parsed.pop(uid, None)
        file_of[uid] = found
        tracked.add(uid)

    for name, found in files.items():
        known = by_file.get(name)
        if known and known.file_size == found.size and known.file_mtime_ns == found.mtime_ns:
            take_tracked(known.uid, found)
            continue
        try:
            found.read(folder)
        except (OSError, NotRegular) as exc:
            reason = str(exc) if isinstance(exc, NotRegular) else exc.strerror or str(exc)
            plan.skipped.append(SyncChange(kind, "", "skipped", name, reason))
            if known:
                blocked.add(known.uid)
            continue
        if known and found.digest == known.content_hash:
            take_tracked(known.uid, found)
            plan.actions.append(
                _Action(kind, known.uid, "refresh", file=found, file_name=name,
                        db_version=known.db_version, file_stamp=known.file_stamp,
                        sent=known.sent, base=known.base, ours=known.ours)
            )  # fmt: skip
            continue
        try:
            assert found.data is not None
            fields = _parse(kind, found.data)
        except Exception as exc:  # the parsers raise many kinds: all mean "unreadable"
            reason = " ".join(str(exc).split())[:120] or type(exc).__name__
            plan.skipped.append(SyncChange(kind, "", "skipped", name, f"unreadable ({reason})"))
            if known:
                blocked.add(known.uid)
            continue
        problem = _invalid(kind, fields, now)
        if problem:
            plan.skipped.append(SyncChange(kind, fields["uid"], "skipped", name, problem))
            if known:
                blocked.add(known.uid)
            continue
        uid = fields["uid"] or (known.uid if known else "")
        if not uid:
            plan.skipped.append(SyncChange(kind, "", "skipped", name, "no UID"))
            continue
        if uid in file_of:
            if uid in tracked or not (known and known.uid == uid):
                second(uid, name)
                continue
            second(uid, file_of[uid].name)  # this one is the known file: the other is the copy
        fields["uid"] = uid
        file_of[uid] = found
        parsed[uid] = fields
        if known and known.uid == uid:
            tracked.add(uid)

    aliases = plan.aliases if kind != "contact" else {}
    for fields in parsed.values():
        _same_people(kind, fields, aliases)
    if kind == "history" and plan.kept_out:
        # The history of a contact kept out of the folder stays here, unsynced;
        # but not as if deleted here. Its file changed there (another device
        # merged that contact into someone and moved the entry to them):
        # decided as any item, so the entry follows. Its file unchanged: left
        # as it is on both sides (taken for deleted here, the file would be
        # removed, and the other device would delete its own copy).
        for uid, row in every_row.items():
            if uid in rows or row[3] not in plan.kept_out:
                continue
            if uid in parsed:
                rows[uid] = row
            elif uid in file_of:
                blocked.add(uid)

    # Kept aside for a contact we did not know: looked at again once we do (a
    # to-do, which may name its contact, and a plan step, which names no
    # contact but a deal and a to-do that may arrive later, on every sync:
    # they are few).
    for uid, known in state.items():
        if known.db_version != UNMATCHED or uid not in file_of or uid in parsed:
            continue
        refs = set(read_json(known.base or "{}").get("refs", []))
        if kind == "promise" or refs & contact_uids or (kind == "history" and not refs):
            again = _fields_of(kind, file_of[uid], folder)
            if again is not None:
                again["uid"] = uid
                parsed[uid] = again
    if plan.new_here and kind in ("conversation", "history"):
        _naming_newcomers(plan, kind, folder, rows, file_of, parsed)
    if kind == "promise":
        orphans = [f for f in parsed.values() if f.get("contact") not in contact_uids]
        if orphans:
            names = ss.contact_names(store) | plan.arriving
            for fields in orphans:
                _attach(fields, names)
    _forgotten_here(store, plan, kind, rows, state, file_of, parsed, contact_uids)
    if kind == "history" and any(f["section"] == "deal_steps" for f in parsed.values()):
        arriving = {a.uid for a in plan.actions if a.kind == "promise" and a.fields is not None}
        plan.known = {
            "deals": ss.uids(store, "deals")
            | {uid for uid, f in parsed.items() if f["section"] == "deals"},
            "promises": (ss.uids(store, "promises") | arriving) - plan.gone_promises,
        }
    # Rows changed in the same second as the last sync (their version looks
    # unchanged) but journaled since: changed when they differ from their file.
    touched: set[str] = set()
    mark = ss.journal_mark(store, str(plan.vdir))
    if mark is not None:
        since = ss.journaled_since(store, kind, mark)
        maybe = [
            uid for uid, row in rows.items()
            if row[0] in since and uid in state and state[uid].db_version == row[2]
            and state[uid].file_name
        ]  # fmt: skip
        if maybe:
            seen = _records(store, kind, [rows[uid][0] for uid in maybe])
            for uid in maybe:
                record = seen[rows[uid][0]]
                if uid in file_of and uid not in parsed:  # the file as it was
                    theirs = _fields_of(kind, file_of[uid], folder)
                    if theirs is None:  # unreadable now: the file side reports it next time
                        continue
                    if not _same(kind, theirs, record):
                        touched.add(uid)
                elif _changed_since_synced(kind, state[uid], record):
                    # The file changed there too, or was deleted: the row is
                    # compared with what the last sync left on both sides.
                    touched.add(uid)
    if kind == "history" and plan.going:
        # Deals of people this sync deletes: written without them now.
        touched |= ss.deals_of(store, sorted(plan.going)) & set(rows)
    changed_ids = [
        rows[uid][0]
        for uid in rows
        if uid not in state or state[uid].db_version != rows[uid][2] or uid in touched
    ]
    records = _records(store, kind, changed_ids)
    # Rows whose file changed too are read for comparison and conflict text,
    # rows whose file is gone for their name in the report.
    more = [u for u in parsed if u in rows] + [u for u in state if u in rows and u not in file_of]
    records.update(_records(store, kind, [rows[u][0] for u in more if rows[u][0] not in records]))
    if kind == "history" and plan.going:
        # People this sync deletes leave their deals (the rows follow when they go).
        for record in records.values():
            if record["section"] == "deals":
                record["people"] = [u for u in record["people"] if u not in plan.going]
    # A contact deleted there that has history here is archived, not deleted.
    gone = [rows[u][0] for u in state if u in rows and u not in file_of and state[u].file_name]
    history = ss.history_of(store, gone) if kind == "contact" and gone else {}

    if kind == "contact":
        _merging(store, plan, rows, parsed, contact_uids, file_of, state)
    start = len(plan.actions)
    for uid in (set(rows) | set(state) | set(file_of)) - blocked:
        _decide(
            plan, folder, kind, suffix, uid, rows.get(uid), state.get(uid), file_of.get(uid),
            parsed.get(uid), records, contact_uids, uid in touched, history,
        )  # fmt: skip
    # A new item whose file name is taken by a link, a pipe or a folder: not written.
    for action in plan.actions[start:]:
        if action.text is not None and action.file_name in odd:
            action.action = "skip"
    plan.actions[start:] = [a for a in plan.actions[start:] if a.action != "skip"]


def _merging(
    store: Store,
    plan: _Plan,
    rows: dict[str, Any],
    parsed: dict[str, dict[str, Any]],
    contact_uids: set[str],
    file_of: dict[str, _File],
    state: dict[str, ss.StateRow],
) -> None:
    """Who was merged into whom (:attr:`_Plan.merged_here`), and the contacts to
    merge here once the plan is carried out (:attr:`_Plan.merging`): those a
    card received now says another device merged, and those merged here whose
    card comes back changed (edited on a phone, or on a device that had not
    merged yet), so that the change reaches the keeper."""
    local = dict(plan.merged_here)
    incoming: dict[str, str] = {}
    for uid, fields in parsed.items():
        if fields.get("ours") is None:
            continue  # a card from another app says nothing of merges
        # A merge undone there (`wt undo`): the card no longer lists whom it had.
        last = state.get(uid)
        # What the card said when both sides last agreed, or when this
        # database last wrote it.
        before = set(read_json(last.base or "{}").get("merged", [])) if last else set()
        if last is not None and last.ours:
            before |= set(read_json(last.ours).get("merged", []))
        for undone in before - set(fields.get("merged") or []):
            if local.get(undone) == uid:
                del local[undone]
        for merged in fields.get("merged") or []:
            # The device that merged removes the merged contact's card: a card
            # naming one whose card is still in the folder is not taken at its word.
            if merged == uid or merged in file_of:
                continue
            # Named already when both sides last agreed, and merged here no
            # more: undone here (`wt undo`), not merged again because the card
            # changed for something else (a number added on the phone).
            if merged in before and local.get(merged) != uid:
                continue
            incoming[merged] = uid
    said = {**local, **incoming}
    # Two merged each way round on two devices: the one whose uid sorts first
    # stays, on every device.
    said = {d: k for d, k in said.items() if d != k and not (said.get(k) == d and d < k)}
    # Merged into someone forgotten here: forgetting wins, the merge is not made.
    forgotten = ss.forgotten_uids(store, sorted(set(said.values()))) if said else set()
    plan.merged_here = {d: k for d, k in said.items() if k not in forgotten}
    known = contact_uids | set(parsed)
    # This database's own older merges whose duplicate is here again (it came
    # back through a sync before merges travelled) are left as they are.
    plan.merging = {
        d: k
        for d, k in plan.merged_here.items()
        if k in known
        and (
            (d in rows and d in incoming)
            or (d not in rows and d in parsed and d in local)
            # A keeper's card read while the duplicate's card was still in the
            # folder (a vdirsyncer run that brought one before removing the
            # other): the merge it said is made once the duplicate's card leaves.
            or (d in rows and d in local and d not in file_of and _was_in_folder(state, d))
        )
    }


def _same_people(kind: str, fields: dict[str, Any], aliases: dict[str, str]) -> None:
    """An item's people named as this database knows them after its merges (a
    device that has not merged yet still names the merged contact)."""
    if not aliases:
        return
    for key in ("contact", "to_contact"):
        if fields.get(key) in aliases:
            fields[key] = aliases[fields[key]]
    for key in ("participants", "people"):
        if fields.get(key):
            named = [aliases.get(u, u) for u in fields[key]]
            fields[key] = list(dict.fromkeys(named))


def _naming_newcomers(
    plan: _Plan,
    kind: str,
    folder: Path,
    rows: dict[str, Any],
    file_of: dict[str, _File],
    parsed: dict[str, dict[str, Any]],
) -> None:
    """Unchanged files of items we have that name a contact new here in this sync.

    A journal entry or a deal received while one of its people was not known
    here (deleted on the phone, kept on the other computer) came in without
    them; when they arrive, the item is read again so that they join it, as
    the file says. Only files holding a newcomer's uid are parsed.
    """
    from wintogether.reading import NotRegular

    wanted = [uid.encode("utf-8") for uid in sorted(plan.new_here)]
    for uid, found in file_of.items():
        if uid in parsed or uid not in rows:
            continue
        try:
            found.read(folder)
        except (OSError, NotRegular):
            continue  # unreadable now: left as it is
        assert found.data is not None
        if not any(w in found.data for w in wanted):
            continue
        fields = _fields_of(kind, found, folder)
        if fields is None:
            continue
        named = set(_refs(kind, fields)) | set(fields.get("people") or [])
        named.add(str(fields.get("to_contact") or ""))  # an introduction's other person
        if named & plan.new_here:
            fields["uid"] = uid
            parsed[uid] = fields


def _refs(kind: str, fields: dict[str, Any]) -> list[str]:
    """The contact uids an item names (a promise's contact, a conversation's people)."""
    if kind == "promise":
        return [fields["contact"]] if fields.get("contact") else []
    if kind == "conversation":
        return list(fields.get("participants") or [])
    if kind == "history":
        return [fields["contact"]] if fields.get("contact") else []
    return [fields["uid"]] if fields.get("uid") else []


def _forgotten_here(
    store: Store,
    plan: _Plan,
    kind: str,
    rows: dict[str, Any],
    state: dict[str, ss.StateRow],
    file_of: dict[str, _File],
    parsed: dict[str, dict[str, Any]],
    contact_uids: set[str],
) -> None:
    """Items from elsewhere about people forgotten here (`wt forget`) are removed
    from the vdir, once: a forgotten contact's card, a to-do for them, a
    conversation with no one else we know. Forget wins over a change made
    elsewhere, so the person does not come back through a sync."""
    new = {uid: f for uid, f in parsed.items() if uid not in rows}
    unknown = {ref for f in new.values() for ref in _refs(kind, f) if ref not in contact_uids}
    if not unknown:
        return
    forgotten = ss.forgotten_uids(store, sorted(unknown))
    if not forgotten:
        return
    for uid, fields in new.items():
        refs = set(_refs(kind, fields))
        if not refs & forgotten or refs & contact_uids:
            continue
        found = file_of.pop(uid)
        del parsed[uid]
        name = _display(kind, fields) if kind != "contact" else str(fields["name"])
        plan.actions.append(
            _Action(kind, uid, "delete_file", name, file=found, file_name=found.name,
                    detail="about someone forgotten here: removed from the folder")
        )  # fmt: skip
        state.pop(uid, None)


def _fields_of(kind: str, found: _File, folder: Path) -> dict[str, Any] | None:
    """A file's fields, or None when it cannot be read or parsed."""
    from wintogether.reading import NotRegular

    try:
        found.read(folder)
    except (OSError, NotRegular):
        return None
    assert found.data is not None
    try:
        return _parse(kind, found.data)
    except Exception:  # the parsers raise many kinds: all mean "unreadable"
        return None


def _decide(
    plan: _Plan,
    folder: Path,
    kind: str,
    suffix: str,
    uid: str,
    row: tuple[int, str, str, str] | None,
    state: ss.StateRow | None,
    found: _File | None,
    fields: dict[str, Any] | None,
    records: dict[int, dict[str, Any]],
    contact_uids: set[str],
    touched: bool = False,
    history: dict[int, str] | None = None,
) -> None:
    file_changed = fields is not None
    db_changed = row is not None and (state is None or state.db_version != row[2] or touched)
    record = records.get(row[0]) if row is not None else None
    name = state.file_name if state and state.file_name else _file_name(uid, suffix)
    if found is not None:
        name = found.name

    def base() -> bytes | None:
        """The file we have for this item, to patch rather than replace."""
        from wintogether.reading import NotRegular

        if found is None:
            return None
        try:
            found.read(folder)
        except (OSError, NotRegular):
            return None
        return found.data

    def send(detail: str = "") -> _Action:
        assert record is not None and row is not None
        ours = _json(_canonical(kind, record, True))
        return _Action(
            kind, uid, "send", _display(kind, record), row_id=row[0], file_name=name,
            text=_write_text(kind, record, base()), db_version=row[2], detail=detail,
            file_stamp=record["updated_at"], sent=1, ours=ours,
            # A new item: any version of it that comes back grew from ours.
            base=state.base if state is not None else ours,
        )  # fmt: skip

    def receive(row_id: int | None, detail: str = "") -> _Action | None:
        assert fields is not None and found is not None
        problem = _check_refs(kind, fields, contact_uids, plan.known)
        if problem and kind in ("promise", "conversation", "history") and row_id is None:
            # A to-do, a journal entry or a history record for no contact we know
            # (a history record: of a contact this database does not have, e.g.
            # forgotten here): reported once (a to-do is then listed by `wt sync
            # --unmatched`) and remembered, not reported again until its file
            # changes or one of its people becomes known here.
            if state is not None and state.db_version == UNMATCHED:
                if found.digest == state.content_hash:
                    return None  # as it was: still kept aside, nothing to say
            elif state is None:
                listed = "listed by `wt sync --unmatched`" if kind == "promise" else "kept aside"
                plan.skipped.append(
                    SyncChange(kind, uid, "skipped", found.name, f"{problem}; {listed}")
                )  # fmt: skip
            return _Action(kind, uid, "unmatched", _display(kind, fields), file=found,
                           file_name=found.name, db_version=UNMATCHED,
                           base=_json({"refs": _refs(kind, fields)}))  # fmt: skip
        if problem and record is not None:
            # An item we have, changed there, now naming no one we know (they
            # were forgotten or are kept out here): its change comes in, and
            # whom it is for or with stays as it is here.
            fields.update({k: record[k] for k in ("contact", "participants") if k in record})
            problem = _check_refs(kind, fields, contact_uids, plan.known)
        if problem:
            plan.skipped.append(SyncChange(kind, uid, "skipped", found.name, problem))
            return None
        action = _Action(
            kind, uid, "receive", _display(kind, fields), row_id=row_id, file=found,
            file_name=found.name, fields=fields, detail=detail, file_stamp=fields.get("modified"),
            base=_json(_canonical(kind, fields, False)),
        )  # fmt: skip
        if fields.get("attached"):
            # A to-do given to a contact by its summary: its file gets the
            # contact's uid (as ours carry it), so that every other computer
            # gives it to the same person, whatever names it knows.
            action.rewrite = True
            action.sent = 1
        return action

    action: _Action | None = None
    if (
        kind == "contact"
        and row is None
        and found is not None
        and not file_changed
        and uid in plan.merged_here
    ):
        # Merged into someone here: its card leaves the folder. (Changed there,
        # it comes in and is merged into its keeper, its change with it.)
        action = _Action(kind, uid, "delete_file", name, file=found, file_name=name,
                         detail="merged into another contact here: file removed")  # fmt: skip
    elif (
        kind == "contact"
        and row is not None
        and uid in plan.merging
        and (found is None or not file_changed)
    ):
        action = None  # merged into its keeper once the plan is carried out
    elif row is None and state is not None and state.db_version == UNMATCHED:
        if found is None:
            action = _Action(kind, uid, "forget", name)
        elif file_changed:
            action = receive(None, "new")
    elif row is None and state is None:
        action = receive(None, "new") if file_changed else None
    elif row is not None and state is None and not file_changed:
        action = send("new")
    elif row is None and found is None:
        action = _Action(kind, uid, "forget", name)
    elif row is None:  # deleted here
        assert state is not None
        if file_changed:
            action = receive(None, "changed there after it was deleted here")
        else:
            action = _Action(kind, uid, "delete_file", name, file=found, file_name=name)
    elif found is None:  # deleted there
        if db_changed and not plan.forgotten_there(kind, uid):
            action = send("changed here after it was deleted there")
        elif state is not None and not state.file_name:
            action = None  # deleted there before, and kept here (archived) since
        else:
            action = _Action(kind, uid, "delete_row", name, row_id=row[0])
            if record is not None:
                action.name = _display(kind, record)
            kept = (history or {}).get(row[0])
            if kept:
                action.action = "archive"
                action.detail = f"deleted there: archived here, with its history ({kept})"
    elif db_changed and file_changed:
        action = _reconcile(
            kind, uid, row, state, found, fields, record, contact_uids, base(), plan.aliases
        )
    elif db_changed:
        action = send()
    elif file_changed and ((state is not None and state.sent) or _lacks_ours(kind, fields, record)):
        # We wrote our version into the vdir and another one replaced it
        # (vdirsyncer lets the server win its own conflicts): merged, so that
        # what we changed survives unless the other side changed it too. So is
        # a card another app wrote afresh, without whom the contact merged:
        # its change comes in, and ours is written back into it.
        action = _reconcile(
            kind, uid, row, state, found, fields, record, contact_uids, base(), plan.aliases
        )
    elif file_changed and _agrees(kind, fields, record, contact_uids, plan.known):
        # Changed there into what this database already has (e.g. a deal both
        # sides wrote without someone forgotten): nothing to receive, just remember.
        assert record is not None and found is not None and row is not None
        action = _Action(
            kind, uid, "refresh", _display(kind, record), file=found, file_name=found.name,
            db_version=row[2], file_stamp=fields.get("modified") if fields else None,
            sent=state.sent if state else 0, ours=state.ours if state else None,
            base=_json(_agreed(_fields(kind, record, True))),
        )  # fmt: skip
    elif file_changed:
        action = receive(row[0])
    if (
        kind == "promise"
        and action is not None
        and action.fields is not None
        and action.fields.get("status") != "open"
        and not action.fields.get("done_at")
    ):
        # Settled there with no date (another app): dated at this sync, and
        # the date written into the file, so that every computer keeps it.
        action.rewrite = True
        action.sent = 1
    if action is not None:
        plan.actions.append(action)


def _was_in_folder(state: dict[str, ss.StateRow], uid: str) -> bool:
    """Whether the last sync left this item's file in the folder."""
    known = state.get(uid)
    return known is not None and bool(known.file_name)


def _changed_since_synced(kind: str, state: ss.StateRow, record: dict[str, Any]) -> bool:
    """Whether a row differs from what the last sync left it as (what this
    database wrote into the file, or else what both sides agreed on)."""
    import json

    last = state.ours or state.base
    if not last:
        return False
    synced = json.loads(last)
    now = json.loads(_json(_canonical(kind, record, True)))  # the same shape as JSON
    return any(key in synced and synced[key] != value for key, value in now.items())


def _lacks_ours(kind: str, fields: dict[str, Any] | None, record: dict[str, Any] | None) -> bool:
    """A contact's card from another app (none of our properties) while this
    database knows something only wintogether carries of the contact (whom it
    merged, its role, rhythm, how you met, whether archived…): the card must
    say it again, or the other computers never learn it."""
    if kind != "contact" or fields is None or record is None or fields.get("ours") is not None:
        return False
    from wintogether.formats.vcard import merged_uids

    if merged_uids(record.get("extras") or []):
        return True
    return any(record.get(key) for key in _OWN_FIELDS if key != "created_at")


def _agrees(
    kind: str,
    fields: dict[str, Any] | None,
    record: dict[str, Any] | None,
    contact_uids: set[str],
    known: dict[str, set[str]] | None,
) -> bool:
    """Whether a changed file says exactly what the row here says.

    Only for the history records (deals, steps, ledger...), whose compared
    fields are all they carry: a card or a to-do also carries what only the
    file keeps (a photo, a done note), which must still come in."""
    if kind != "history" or fields is None or record is None:
        return False
    theirs = dict(fields)
    if _check_refs(kind, theirs, contact_uids, known):
        return False
    return _agreed(_fields(kind, theirs, False)) == _agreed(_fields(kind, record, True))


def _json(canonical: dict[str, Any]) -> str:
    import json

    return json.dumps(canonical, sort_keys=True, ensure_ascii=False)


_FOR = re.compile(r"^(?P<text>.+?)\s*\(for (?P<name>[^()]+)\)\s*$")
_OWES = re.compile(r"^(?P<name>.+?) owes me:\s*(?P<text>.+)$")


def _attach(fields: dict[str, Any], names: dict[str, str]) -> None:
    """Give a to-do made elsewhere (no contact uid) the contact its summary names.

    As we write summaries: "Send the deck (for Dana Reyes)" is my promise to
    Dana, "Dana Reyes owes me: the intro" is hers; otherwise a summary that
    names exactly one contact (whole words, any case) is a promise to them.
    """
    by_name: dict[str, list[str]] = {}
    for uid, name in names.items():
        by_name.setdefault(" ".join(name.split()).casefold(), []).append(uid)
    summary = " ".join(str(fields.get("summary") or fields["text"]).split())
    for pattern, owner in ((_FOR, "me"), (_OWES, "them")):
        match = pattern.match(summary)
        if match:
            uids = by_name.get(match["name"].strip().casefold(), [])
            if len(uids) == 1:
                fields.update(
                    contact=uids[0], owner=owner, text=match["text"].strip(), attached=True
                )
                return
    folded = summary.casefold()
    found = [
        uids for name, uids in by_name.items()
        if name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded)
    ]  # fmt: skip
    if len(found) == 1 and len(found[0]) == 1:
        fields.update(contact=found[0][0], attached=True)


def _check_refs(
    kind: str,
    fields: dict[str, Any],
    contact_uids: set[str],
    known: dict[str, set[str]] | None = None,
) -> str:
    if kind == "promise" and fields.get("contact") not in contact_uids:
        return "a to-do for no known contact (wintogether needs the contact's uid)"
    section = fields.get("section") if kind == "history" else None
    if section == "deals":  # a deal stays when its people are not known here
        fields["people"] = [u for u in fields.get("people") or [] if u in contact_uids]
    if section == "deal_steps" and known is not None:
        if fields.get("deal") not in known["deals"]:
            return "a plan step of a deal this database does not have"
        if fields.get("promise") not in known["promises"]:
            return "a plan step whose to-do this database does not have"
    if section in ("ledger", "wins", "events"):  # companies, deals... name no one contact
        if fields.get("contact") not in contact_uids:
            return "a record of a contact this database does not have"
        for key in ("to_contact",):  # a second person named: left out when unknown here
            if fields.get(key) is not None and fields[key] not in contact_uids:
                fields[key] = None
    if kind == "conversation":
        present = [u for u in fields["participants"] if u in contact_uids]
        if not present:
            return "a journal entry with no known participant"
        fields["participants"] = present
    return ""


def _reconcile(
    kind: str,
    uid: str,
    row: tuple[int, str, str, str],
    state: ss.StateRow | None,
    found: _File,
    fields: dict[str, Any] | None,
    record: dict[str, Any] | None,
    contact_uids: set[str],
    data: bytes | None,
    aliases: dict[str, str] | None = None,
) -> _Action:
    """Both sides changed since they last agreed: a three-way merge (items._merge).

    ``aliases``: merged contacts' uids -> their keeper's; both sides and the base
    name people so (one side may name someone the other merged away)."""
    import json

    assert fields is not None and record is not None
    mine = _fields(kind, record, True)
    bad_refs = bool(_check_refs(kind, fields, contact_uids))
    theirs = _fields(kind, fields, False)
    base = json.loads(state.base) if state is not None and state.base else None
    if aliases and kind != "contact":
        for side in (mine, base):
            if side is not None:
                _same_people(kind, side, aliases)
    # A to-do naming someone not known here, as both last agreed (a plan step
    # that moved to the next person on its deal when its person was forgotten
    # here, which left no trace of them in the base): ours, with whom it is
    # for here, is written over it. One the other side moved to someone not
    # known here stays as it is here.
    in_file = None
    if bad_refs and kind == "promise":
        agreed = base.get("contact", theirs["contact"]) if base is not None else None
        if agreed in (None, theirs["contact"]):
            in_file = _agreed(theirs)
    if bad_refs:  # for no contact we know: the file cannot change whom it is for
        theirs.update({k: mine[k] for k in ("contact", "participants") if k in mine})
    theirs_agreed = _agreed(theirs)
    in_file = in_file or theirs_agreed
    mine_agreed = _agreed(mine)
    # A field the file does not carry at all (a card from another app says
    # nothing of how you met) is not a difference.
    # A card another app rewrote without our properties no longer says whom the
    # contact merged: written back, so that other devices still merge them.
    lacks = _lacks_ours(kind, fields, record)
    if not lacks and all(mine_agreed[k] == v for k, v in in_file.items()):
        # Both sides say the same thing (e.g. a file we wrote, re-read): just remember.
        return _Action(
            kind, uid, "refresh", _display(kind, record), file=found, file_name=found.name,
            db_version=row[2], file_stamp=fields.get("modified"), base=_json(mine_agreed),
        )  # fmt: skip
    # The file's own change time counts when the app that changed it moved it;
    # otherwise (many apps leave REV/LAST-MODIFIED alone) the time the file
    # arrived in the vdir does.
    stamp: str | None = fields.get("modified")
    moved = stamp is not None and (state is None or stamp != state.file_stamp)
    file_time = stamp if stamp is not None and moved else _mtime_stamp(found.mtime_ns)
    db_time = row[1]
    file_later = file_time > db_time
    ours = json.loads(state.ours) if state is not None and state.ours else None
    # The file grew from what we wrote: from it directly (its base mark), or
    # through versions the other computer wrote on top of it (its lineage).
    from_ours = ours is not None and (
        fields.get("parent") == _digest(ours)
        or version_token(ours, state.file_stamp if state else None) in (fields.get("lineage") or ())
    )
    merged = _merge(mine, theirs, base, ours, file_later, from_ours)
    result = _agreed(merged.fields)
    to_db = result != mine_agreed
    to_file = lacks or any(result[k] != v for k, v in in_file.items())
    action = _Action(
        kind, uid, "merge", _display(kind, record), row_id=row[0], file=found,
        file_name=found.name, db_version=row[2], base=_json(theirs_agreed),
        conflicts=merged.conflicts, theirs_won=file_later,
        won_at=file_time if file_later else db_time, lost_at=db_time if file_later else file_time,
        contact_id=row[0] if kind == "contact" else record["contact_id"],
    )  # fmt: skip
    if merged.conflicts:
        winner = "the vdir" if file_later else "this database"
        names = ", ".join(key for key, _, _ in merged.conflicts)
        action.detail = (
            f"both changed {names}; kept the version from {winner}"
            f" ({file_time if file_later else db_time}), the other is on the timeline"
        )
    if to_db:
        # The file's values, with the merged fields over them (a promise kept
        # done here keeps its done date and note).
        applied = {**fields, **merged.fields}
        if kind == "contact":
            own = {k: applied.pop(k) for k in _OWN_FIELDS if k in applied}
            if fields.get("ours") is not None:
                applied["ours"] = own
        if kind == "promise" and merged.fields["status"] == mine["status"] != theirs["status"]:
            applied.update(done_at=record["done_at"], done_note=record["done_note"])
        action.fields = applied
        action.file_stamp = stamp
    if to_file and not to_db:
        action.text = _write_text(kind, record, data)
        action.file_stamp = record["updated_at"]
        action.ours = _json(mine_agreed)
        action.sent = 1
    elif to_file:
        action.rewrite = True
        action.sent = 1
    return action
