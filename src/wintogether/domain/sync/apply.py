"""Carrying out a sync plan: rows written to the store, files to the vdir, the state saved."""

from __future__ import annotations

import re
from typing import Any

from wintogether.domain.sync.items import _canonical, _describe_fields, _records, _write_text
from wintogether.domain.sync.model import SyncChange
from wintogether.domain.sync.plan import _Action, _Plan
from wintogether.domain.sync.scan import REMOVED, _File, note_removed, sha256_hex
from wintogether.store import Store
from wintogether.store import sync as ss


def _execute(store: Store, plan: _Plan, stamp: str) -> None:
    import json

    from wintogether.files import clean_leftovers, write_many

    key = str(plan.vdir)
    saved: dict[str, list[ss.StateRow]] = {kind: [] for kind in plan.folders}
    forgotten: dict[str, list[str]] = {kind: [] for kind in plan.folders}
    contact_ids: dict[str, int] | None = None

    def remember(action: _Action, found: _File, db_version: str) -> None:
        assert found.digest is not None
        saved[action.kind].append(
            ss.StateRow(action.uid, found.name, found.digest, found.size, found.mtime_ns,
                        action.file_stamp, action.sent, db_version, stamp, action.base,
                        action.ours)
        )  # fmt: skip

    #: Files to write, per collection: written together after the rows (one
    #: flush of all of them, one folder sync), inside the same transaction.
    pending: dict[str, list[tuple[_Action, bytes, str]]] = {kind: [] for kind in plan.folders}

    def write_file(action: _Action, db_version: str) -> None:
        assert action.text is not None
        pending[action.kind].append((action, action.text.encode("utf-8"), db_version))

    #: Rows applied from a file: their version is read once everything is
    #: applied (a received conversation touches its participants' rows).
    applied: dict[str, list[ss.StateRow]] = {kind: [] for kind in plan.folders}

    def version_of(kind: str, uid: str) -> str:
        return ""  # filled in below

    rewrites: list[_Action] = []
    #: Company records found by another name of a company here: put again once
    #: all are in (see below).
    again: list[dict[str, Any]] = []
    #: History records both sides already have as they are here (a deal both
    #: wrote without someone this sync deletes): read again once those people
    #: are gone, as leaving a deal makes a new version of it.
    left: list[ss.StateRow] = []
    # Deals before the plan steps naming them (the rest keeps its order).
    plan.actions.sort(key=_history_order)

    for action in plan.actions:
        kind = action.kind
        if action.action in ("receive", "merge") and kind != "contact" and contact_ids is None:
            contact_ids = ss.contact_ids_by_uid(store)
        if action.action in ("refresh", "unmatched"):
            assert action.file is not None
            action.file.read(plan.folders[kind])
            remember(action, action.file, action.db_version)
            if kind == "history" and action.action == "refresh" and plan.going:
                left.append(saved[kind][-1])
        elif action.action == "forget":
            forgotten[kind].append(action.uid)
        elif action.action == "send":
            write_file(action, action.db_version)
        elif action.action == "delete_file":
            (plan.folders[kind] / action.file_name).unlink(missing_ok=True)
            forgotten[kind].append(action.uid)
        elif action.action == "archive":
            assert action.row_id is not None
            ss.archive_deleted(
                store, action.row_id,
                "Deleted on another device; archived here with its history"
                " (unarchive to sync it again).",
                stamp,
            )  # fmt: skip
            # Remembered with no file: deleted there, kept here, until changed here.
            saved[kind].append(ss.StateRow(action.uid, "", "", 0, 0, None, 0, "", stamp))
            applied[kind].append(saved[kind][-1])
        elif action.action == "delete_row":
            assert action.row_id is not None
            ss.delete_row(store, kind, action.row_id, stamp, sorted(plan.kept_out))
            forgotten[kind].append(action.uid)
        elif action.action == "receive" or (action.action == "merge" and action.fields):
            assert action.file is not None and action.fields is not None
            if kind == "history" and action.fields.get("section") == "companies":
                if ss.put_company(store, action.fields, stamp):
                    again.append(action.fields)
            else:
                _apply(store, kind, action.uid, action.row_id, action.fields, contact_ids, stamp)
            if action.conflicts:
                _keep_loser(store, action, stamp)
            if action.rewrite:
                rewrites.append(action)
            else:
                remember(action, action.file, version_of(kind, action.uid))
                applied[kind].append(saved[kind][-1])
        else:  # merged, and only the file takes the result: write ours out
            if action.conflicts:
                _keep_loser(store, action, stamp)
            assert action.text is not None
            if action.conflicts:
                action.text = _settled(action.text, stamp)
            write_file(action, action.db_version)
    # Company records once more, now that all of them are in: one may have been
    # found through a name a later one took away (Bcorp, another name of Acme
    # here, then Acme's merge with it undone): it finds its own company now.
    for fields in again:
        ss.put_company(store, fields, stamp)
    # Introducers and managers received in this sync after the contacts naming them.
    for column in ("introduced_by", "reports_to"):
        ss.link_contacts(
            store,
            column,
            [
                (a.uid, a.fields["ours"][column])
                for a in plan.actions
                if a.kind == "contact" and a.fields and (a.fields.get("ours") or {}).get(column)
            ],
        )
    # Plan steps received in this sync after the steps they follow.
    ss.link_steps(
        store,
        [
            (a.uid, a.fields.get("after"))
            for a in plan.actions
            if a.kind == "history" and a.fields and a.fields.get("section") == "deal_steps"
        ],
    )
    # Merged both ways: the row holds the result; the file is the one we have,
    # patched with it.
    for kind in plan.folders:
        mine = [a for a in rewrites if a.kind == kind]
        if not mine:
            continue
        after = ss.versions_of(store, kind, [a.uid for a in mine])
        # A to-do received new (and rewritten with its contact) has its row now.
        ids = ss.row_ids(store, kind, [a.uid for a in mine if a.row_id is None])
        for action in mine:
            if action.row_id is None:
                action.row_id = ids[action.uid]
        fresh = _records(store, kind, [a.row_id for a in mine if a.row_id is not None])
        for action in mine:
            assert action.row_id is not None and action.file is not None
            record = fresh[action.row_id]
            action.file.read(plan.folders[kind])
            action.text = _write_text(kind, record, action.file.data)
            if action.conflicts:
                action.text = _settled(action.text, stamp)
            action.file_stamp = record["updated_at"]
            action.ours = json.dumps(
                _canonical(kind, record, True), sort_keys=True, ensure_ascii=False
            )
            write_file(action, after.get(action.uid, stamp))
    # Promises received with the conversation they were made in (which a
    # sync brings after them).
    ss.link_conversations(
        store,
        [
            (a.uid, a.fields["conversation"])
            for a in plan.actions
            if a.kind == "promise" and a.fields and a.fields.get("conversation")
        ],
    )
    if "history" in plan.folders and any(
        (a.action == "archive" or a.conflicts) for a in plan.actions
    ):
        _send_new_history(store, plan, key, pending)
    if plan.going and pending.get("history"):
        # A deal written out before its people deleted here left it: remembered
        # as it is now, so the next sync does not take it for a change here.
        now = ss.versions_of(store, "history", [a.uid for a, _, _ in pending["history"]])
        pending["history"] = [(a, d, now.get(a.uid, v)) for a, d, v in pending["history"]]
    for kind, items in pending.items():
        if not items:
            continue
        folder = plan.folders[kind]
        clean_leftovers(folder)
        # The database cannot be among these files (checked once, in sync()).
        written, refused = write_many(folder, [(a.file_name, data) for a, data, _ in items])
        for action, data, db_version in items:
            if action.file_name in refused:  # became a link or a pipe since the plan
                action.action = "not_written"
                plan.skipped.append(
                    SyncChange(kind, action.uid, "skipped", action.file_name,
                               refused[action.file_name])
                )  # fmt: skip
                continue
            info = written[action.file_name]
            digest = sha256_hex(data)
            found = _File(action.file_name, info.st_size, info.st_mtime_ns, data, digest)
            remember(action, found, db_version)
    taken = [(a.kind, a.uid) for a in plan.actions if a.action == "delete_file"]
    back = [(a.kind, a.uid) for items in pending.values() for a, _, _ in items]
    if taken or (back and (plan.vdir / REMOVED).exists()):
        note_removed(plan.vdir, taken, [item for item in back if item[0] in plan.folders])
    if left:
        versions = ss.versions_of(store, "history", [row.uid for row in left])
        for row in left:
            row.db_version = versions.get(row.uid, row.db_version)
    for kind, rows in applied.items():
        versions = ss.versions_of(store, kind, [row.uid for row in rows])
        for row in rows:
            row.db_version = versions.get(row.uid, stamp)
    ss.save_journal_mark(store, key, stamp)
    for kind in plan.folders:
        # Cascades (a deleted contact takes its promises) are caught by the next sync.
        ss.save_state(store, key, kind, saved[kind])
        ss.drop_state(store, key, kind, forgotten[kind])


def _history_order(action: _Action) -> int:
    """Plan steps and templates after everything else (a step names its deal)."""
    if action.kind != "history" or not action.fields:
        return 0
    return 1 if action.fields.get("section") in ("deal_steps", "plan_templates") else 0


def _send_new_history(
    store: Store,
    plan: _Plan,
    key: str,
    pending: dict[str, list[tuple[_Action, bytes, str]]],
) -> None:
    """Timeline entries this sync wrote (the loser of a conflict) go out with it,
    so the other computer has them after its next sync, not the one after."""
    from wintogether.domain.sync.items import _display, _serialise
    from wintogether.domain.sync.scan import _file_name

    known = set(ss.load_state(store, key, "history"))
    known |= {a.uid for a in plan.actions if a.kind == "history"}
    new = {
        uid: row
        for uid, row in ss.versions(store, "history").items()
        if uid not in known and row[3] not in plan.kept_out
    }
    for record in ss.history_records(store, [row[0] for row in new.values()]):
        uid = record["uid"]
        text = _serialise("history", record)
        action = _Action(
            "history", uid, "send", _display("history", record), row_id=record["id"],
            file_name=_file_name(uid, ".ics"), text=text, db_version=new[uid][2],
            file_stamp=record["updated_at"], sent=1,
        )  # fmt: skip
        pending["history"].append((action, text.encode("utf-8"), new[uid][2]))


def _apply(
    store: Store,
    kind: str,
    uid: str,
    row_id: int | None,
    fields: dict[str, Any],
    contact_ids: dict[str, int] | None,
    stamp: str,
) -> None:
    if kind == "contact":
        ss.put_contact(store, row_id, uid, fields, stamp)
        return
    assert contact_ids is not None
    if kind == "history":
        ss.put_history(store, row_id, {**fields, "uid": uid}, contact_ids, stamp)
        return
    if kind == "promise":
        # Settled elsewhere without a date (another app): settled at this sync.
        done_at = fields["done_at"] or (stamp if fields["status"] != "open" else None)
        if fields["status"] == "open":
            done_at = None
        ss.put_promise(
            store, row_id, uid, contact_ids[fields["contact"]], {**fields, "done_at": done_at},
            stamp,
        )  # fmt: skip
        return
    participants = [contact_ids[u] for u in fields["participants"] if u in contact_ids]
    ss.put_conversation(store, row_id, uid, fields, participants, stamp)


_END = re.compile(r"^END:V(CARD|TODO|JOURNAL)\r?$", re.MULTILINE)


def _settled(text: str, stamp: str) -> str:
    """Mark a version re-written after winning a conflict with when it was settled.

    vdirsyncer (0.21) compares items by content, ignoring REV, LAST-MODIFIED and
    DTSTAMP; after it let the server's version win it still remembers our old
    content, so writing that same content back would look unchanged to it and
    never be uploaded. The mark makes the winner a new version it will upload.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    line = f"X-WINTOGETHER-SETTLED:{stamp.replace('-', '').replace(':', '')}{newline}"
    match = _END.search(text)
    if match is None:
        return text
    return text[: match.start()] + line + text[match.start() :]


def _keep_loser(store: Store, action: _Action, stamp: str) -> None:
    """The losing values of a conflict, on the contact's timeline (a conversation's:
    on its first participant's, once the merge is applied)."""
    contact_id = action.contact_id
    if action.kind == "conversation" and action.row_id is not None:
        contact_id = ss.first_participant(store, action.row_id) or contact_id
    if (
        action.kind == "history"
        and contact_id is not None
        and not ss.has_contact(store, contact_id)
    ):
        contact_id = None  # a deal's first person, deleted in this sync
    if contact_id is None:
        return
    # Said the same way on every computer (the entry travels): by when each
    # version was changed, not by which side it came from. A manager or an
    # introducer by name, not by uid.
    people = (
        ss.contact_names(store)
        if any(key in _PEOPLE_FIELDS for key, _, _ in action.conflicts)
        else {}
    )

    def value(key: str, raw: Any) -> str:
        return _shown(people.get(raw, raw) if key in _PEOPLE_FIELDS and raw else raw)

    parts = [
        f"{_FIELD_WORDS.get(key, key)}: kept {value(key, kept)} ({_changed(action.won_at)}),"
        f" not {value(key, lost)} ({_changed(action.lost_at)})"
        for key, lost, kept in action.conflicts
    ]
    kind, name = action.kind, action.name
    if kind == "history":  # "deal: Northwind renewal"
        kind, _, name = name.partition(": ")
    text = f"Sync conflict on {kind} {name!r}: " + "; ".join(parts)
    lost_text = _describe_fields((key, lost) for key, lost, _ in action.conflicts)
    kept_text = _describe_fields((key, kept) for key, _, kept in action.conflicts)
    ss.record_conflict(store, contact_id, text, lost_text, kept_text, stamp)


#: Fields whose value is a contact's uid.
_PEOPLE_FIELDS = frozenset({"reports_to", "introduced_by"})
#: Fields named in a conflict as a person would say them.
_FIELD_WORDS = {
    "account_role": "role", "reports_to": "reports to", "introduced_by": "introduced by",
    "cadence_days": "rhythm (days)", "how_met": "how met", "met_on": "met on",
    "due_on": "due", "done_at": "done", "done_note": "done note",
}  # fmt: skip


def _changed(stamp: str) -> str:
    """'changed 2026-11-28 12:00 UTC' from a stored UTC stamp."""
    if len(stamp) < 16 or stamp[10] != "T":
        return "changed at an unknown time"
    return f"changed {stamp[:10]} {stamp[11:16]} UTC"


def _shown(value: Any) -> str:
    if value in (None, [], ""):
        return "nothing"
    shown = ", ".join(value) if isinstance(value, list) else str(value)
    return repr(" ".join(shown.split()))
