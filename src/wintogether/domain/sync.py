"""Two-way sync between the database and a vdir (a folder of .vcf/.ics files).

A vdir has three collections, each a folder vdirsyncer pairs with a CardDAV
address book or a CalDAV calendar: ``contacts/`` (one vCard 3.0 per contact),
``promises/`` (one VTODO per promise) and ``conversations/`` (one VJOURNAL
per conversation). Files are named ``<uid>.vcf`` / ``<uid>.ics``.

The sync state (store/sync.py) remembers, per item, the file's name, content
hash, size and mtime, and the row's version (its ``updated_at``; for a promise
also its contact's name, which its file shows) as they were after the last
sync. From it each side's news is known without reading anything that did not
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
  not byte by byte) nothing is done; otherwise it is a conflict and the later
  change wins. The database's time is the row's ``updated_at``. The file's
  time is its own stamp (vCard REV, iCalendar LAST-MODIFIED or DTSTAMP) when
  the app that edited it moved that stamp past the last sync; otherwise (many
  apps leave it alone) the file's modification time, i.e. when the change
  arrived in the vdir. On a tie the database wins. The losing version is kept
  on the contact's timeline as a ``sync_conflict`` event and reported.

A sync that finds nothing to do opens no write transaction and writes no file.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wintogether.clock import to_utc_iso
from wintogether.errors import UserError
from wintogether.store import Store
from wintogether.store import sync as ss

#: kind, folder, file suffix, in the order they are synced (contacts first:
#: promises and conversations refer to contacts by uid).
COLLECTIONS = (
    ("contact", "contacts", ".vcf"),
    ("promise", "promises", ".ics"),
    ("conversation", "conversations", ".ics"),
)
CHANNELS = ("call", "email", "meeting", "message", "social", "event", "note")
_SAFE_UID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


class SyncRefused(UserError):
    """The vdir cannot be synced as it is (a collection folder vanished, ...)."""


@dataclass
class SyncChange:
    kind: str
    uid: str
    action: str  # sent, received, deleted, conflict, skipped
    name: str
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "uid": self.uid,
            "action": self.action,
            "name": self.name,
            "detail": self.detail,
        }


@dataclass
class SyncResult:
    vdir: Path
    dry_run: bool
    sent: int = 0
    received: int = 0
    deleted: int = 0
    conflicts: int = 0
    skipped: int = 0
    changes: list[SyncChange] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"sent {self.sent}, received {self.received}, deleted {self.deleted},"
            f" conflicts {self.conflicts}"
        )
        if self.skipped:
            text += f", skipped {self.skipped}"
        return text + (" (dry run: nothing changed)" if self.dry_run else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "vdir": str(self.vdir),
            "dry_run": self.dry_run,
            "sent": self.sent,
            "received": self.received,
            "deleted": self.deleted,
            "conflicts": self.conflicts,
            "skipped": self.skipped,
            "changes": [c.to_json() for c in self.changes],
        }


# -- the file side ---------------------------------------------------------------------


@dataclass
class _File:
    name: str
    size: int
    mtime_ns: int
    data: bytes | None = None
    digest: str | None = None

    def read(self, folder: Path) -> None:
        if self.data is None:
            self.data = (folder / self.name).read_bytes()
            self.digest = hashlib.sha256(self.data).hexdigest()


def _scan(folder: Path, suffix: str) -> dict[str, _File]:
    out: dict[str, _File] = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith(".") or not name.endswith(suffix):
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
            stat = entry.stat(follow_symlinks=False)
            out[name] = _File(name, stat.st_size, stat.st_mtime_ns)
    return out


def _file_name(uid: str, suffix: str) -> str:
    if _SAFE_UID.match(uid):
        return uid + suffix
    return hashlib.sha256(uid.encode("utf-8")).hexdigest()[:32] + suffix


def _parse_stamp(text: str | None) -> str | None:
    """A REV / LAST-MODIFIED value as a stored UTC string, if readable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return to_utc_iso(moment)


def _mtime_stamp(mtime_ns: int) -> str:
    return to_utc_iso(datetime.fromtimestamp(mtime_ns / 1e9, UTC))


# -- items: parse, compare, serialise ----------------------------------------------------


def _parse(kind: str, data: bytes) -> dict[str, Any]:
    """A file's synced fields; raises ValueError when it is unreadable."""
    text = data.decode("utf-8-sig", errors="replace")
    if kind == "contact":
        from wintogether.formats import vcard

        result = vcard.read(text)
        if not result.cards:
            reason = str(result.problems[0]) if result.problems else "no vCard"
            raise ValueError(reason)
        card = result.cards[0]
        return {
            "uid": card.uid or "",
            "name": card.name,
            "company": card.company,
            "title": card.title,
            "birthday": card.birthday,
            "notes": card.notes,
            "emails": card.emails,
            "phones": card.phones,
            "linkedin": card.linkedin,
            "urls": card.urls,
            "tags": card.tags,
            # Our own marks and a server's bookkeeping are not the contact's data.
            "extras": [
                (key, value)
                for key, value in card.extras
                if not key.upper().rpartition(".")[2].startswith(("X-WINTOGETHER-", "X-RADICALE-"))
            ],
            "modified": _parse_stamp(vcard.revision(text)),
        }
    if kind == "promise":
        from wintogether.formats import ics

        todo = ics.read_todo(text)
        if todo is None:
            raise ValueError("no VTODO")
        if not todo["due_on"]:
            raise ValueError("a to-do without a due date")
        if not todo["text"]:
            raise ValueError("a to-do without a summary")
        return todo
    from wintogether.formats import vjournal

    journal = vjournal.read_journal(text)
    if journal is None:
        raise ValueError("no VJOURNAL")
    if not journal["happened_at"]:
        raise ValueError("a journal entry without a date-time (DTSTART)")
    if not journal["note"]:
        raise ValueError("a journal entry without text")
    if journal["channel"] not in CHANNELS:
        journal["channel"] = "note"
    return journal


def _fold(values: list[str]) -> list[str]:
    return sorted(v.casefold() for v in values)


def _canonical(kind: str, item: dict[str, Any], from_db: bool) -> dict[str, Any]:
    """The fields both sides must agree on, in one comparable shape."""
    if kind == "contact":
        if from_db:
            urls = item["urls"]
            linkedin = next((u["url"] for u in urls if u["kind"] == "linkedin"), None)
            web = [u["url"] for u in urls if u["kind"] != "linkedin"]
        else:
            linkedin, web = item["linkedin"], item["urls"]
        return {
            "name": item["name"],
            "company": item["company"] or None,
            "title": item["title"] or None,
            "birthday": item["birthday"] or None,
            "notes": item["notes"] or None,
            "emails": _fold(item["emails"]),
            "phones": sorted(item["phones"]),
            "linkedin": linkedin or None,
            "urls": sorted(web),
            "tags": _fold(item["tags"]),
        }
    if kind == "promise":
        keys = ("text", "due_on", "owner", "status", "contact")
        return {k: item[k] for k in keys}
    return {
        "happened_at": item["happened_at"],
        "channel": item["channel"],
        "note": item["note"].strip(),
        "participants": sorted(item["participants"]),
    }


def _describe(kind: str, item: dict[str, Any], from_db: bool) -> str:
    """One line with the fields of a version (the loser of a conflict is kept as this)."""
    fields = _canonical(kind, item, from_db)
    parts = []
    for key, value in fields.items():
        if value in (None, [], ""):
            continue
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {' '.join(shown.split())}")
    return "; ".join(parts)


def _display(kind: str, item: dict[str, Any]) -> str:
    if kind == "contact":
        return str(item["name"])
    if kind == "promise":
        return str(item["text"])
    note = str(item["note"]).strip().splitlines()
    return note[0][:80] if note else ""


def _serialise(kind: str, record: dict[str, Any]) -> str:
    if kind == "contact":
        from wintogether.formats import vcard

        # 3.0: what phones read best; uids stay plain (no urn:uuid:).
        return vcard.card_text(record, "3.0")
    if kind == "promise":
        from wintogether.formats import ics

        return ics.promise_todo_text(record)
    from wintogether.formats import vjournal

    return vjournal.journal_text(record)


def _records(store: Store, kind: str, ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    reader: Callable[..., Any] = {
        "contact": ss.contact_records,
        "promise": ss.promise_records,
        "conversation": ss.conversation_records,
    }[kind]
    return {record["id"]: record for record in reader(store, ids)}


# -- planning ---------------------------------------------------------------------------


@dataclass
class _Action:
    """One thing to do for one item, decided before anything is written."""

    kind: str
    uid: str
    action: str  # send, receive, delete_file, delete_row, conflict, forget, refresh
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
    #: A conflict: the losing version as text, and the contact to keep it on.
    lost: str = ""
    kept: str = ""
    contact_id: int | None = None


@dataclass
class _Plan:
    vdir: Path
    folders: dict[str, Path]
    actions: list[_Action] = field(default_factory=list)
    skipped: list[SyncChange] = field(default_factory=list)
    missing_folders: list[Path] = field(default_factory=list)

    @property
    def writes_data(self) -> bool:
        return any(
            a.action not in ("refresh", "forget", "send", "delete_file") for a in self.actions
        )


def _plan(store: Store, vdir: Path, force_delete: bool = False) -> _Plan:
    key = str(vdir)
    plan = _Plan(vdir, {kind: vdir / folder for kind, folder, _ in COLLECTIONS})
    contact_uids = set(ss.contact_ids_by_uid(store))
    going: set[str] = set()  # contacts this sync deletes: their promises go with them
    for kind, _folder, suffix in COLLECTIONS:
        folder = plan.folders[kind]
        state = ss.load_state(store, key, kind)
        if not folder.is_dir():
            if state:
                raise SyncRefused(
                    f"{folder} is missing, but {len(state)} {kind}s were synced with it:"
                    " refusing to delete them from the database.",
                    hint="Restore the folder, or sync with a new, empty folder.",
                )
            plan.missing_folders.append(folder)
            files: dict[str, _File] = {}
        else:
            files = _scan(folder, suffix)
        _plan_kind(store, plan, kind, suffix, state, files, contact_uids, going)
        doomed = sum(1 for a in plan.actions if a.kind == kind and a.action == "delete_row")
        if doomed and not files and not force_delete:
            # As vdirsyncer does: a collection emptied all at once is more likely
            # an accident (a wiped server, a wrong folder) than a wish.
            raise SyncRefused(
                f"{folder} is empty, but {len(state)} {kind}s were synced with it:"
                f" refusing to delete {doomed} from the database.",
                hint="If that is what you want, run `wt sync --force-delete`.",
            )
        if kind == "contact":
            for action in plan.actions:
                if action.kind == "contact" and action.action == "receive":
                    contact_uids.add(action.uid)
                elif action.kind == "contact" and action.action == "delete_row":
                    contact_uids.discard(action.uid)
                    going.add(action.uid)
    return plan


def _plan_kind(
    store: Store,
    plan: _Plan,
    kind: str,
    suffix: str,
    state: dict[str, ss.StateRow],
    files: dict[str, _File],
    contact_uids: set[str],
    going: set[str],
) -> None:
    folder = plan.folders[kind]
    rows = {uid: row for uid, row in ss.versions(store, kind).items() if row[3] not in going}
    by_file = {row.file_name: row for row in state.values()}
    # The file side: uid -> (file, parsed fields or None when unchanged).
    file_of: dict[str, _File] = {}
    parsed: dict[str, dict[str, Any]] = {}
    #: Items whose file could not be read: left alone on both sides (and reported),
    #: never taken for deleted there nor overwritten here.
    blocked: set[str] = set()
    for name, found in files.items():
        known = by_file.get(name)
        if known and known.file_size == found.size and known.file_mtime_ns == found.mtime_ns:
            file_of[known.uid] = found
            continue
        try:
            found.read(folder)
        except OSError as exc:
            plan.skipped.append(SyncChange(kind, "", "skipped", name, exc.strerror or str(exc)))
            if known:
                blocked.add(known.uid)
            continue
        if known and found.digest == known.content_hash:
            file_of[known.uid] = found
            plan.actions.append(
                _Action(kind, known.uid, "refresh", file=found, file_name=name,
                        db_version=known.db_version, file_stamp=known.file_stamp,
                        sent=known.sent)
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
        uid = fields["uid"] or (known.uid if known else "")
        if not uid:
            plan.skipped.append(SyncChange(kind, "", "skipped", name, "no UID"))
            continue
        if uid in parsed:
            plan.skipped.append(SyncChange(kind, uid, "skipped", name, "a second file, same UID"))
            continue
        fields["uid"] = uid
        file_of[uid] = found
        parsed[uid] = fields

    changed_ids = [
        rows[uid][0] for uid in rows if uid not in state or state[uid].db_version != rows[uid][2]
    ]
    records = _records(store, kind, changed_ids)
    # Rows whose file changed too are read for comparison and conflict text,
    # rows whose file is gone for their name in the report.
    more = [u for u in parsed if u in rows] + [u for u in state if u in rows and u not in file_of]
    records.update(_records(store, kind, [rows[u][0] for u in more if rows[u][0] not in records]))

    for uid in (set(rows) | set(state) | set(file_of)) - blocked:
        _decide(
            plan, kind, suffix, uid, rows.get(uid), state.get(uid), file_of.get(uid),
            parsed.get(uid), records, contact_uids,
        )  # fmt: skip


def _decide(
    plan: _Plan,
    kind: str,
    suffix: str,
    uid: str,
    row: tuple[int, str, str, str] | None,
    state: ss.StateRow | None,
    found: _File | None,
    fields: dict[str, Any] | None,
    records: dict[int, dict[str, Any]],
    contact_uids: set[str],
) -> None:
    file_changed = fields is not None
    db_changed = row is not None and (state is None or state.db_version != row[2])
    record = records.get(row[0]) if row is not None else None
    name = state.file_name if state else _file_name(uid, suffix)
    if found is not None:
        name = found.name

    def send(detail: str = "") -> _Action:
        assert record is not None and row is not None
        return _Action(
            kind, uid, "send", _display(kind, record), row_id=row[0], file_name=name,
            text=_serialise(kind, record), db_version=row[2], detail=detail,
            file_stamp=record["updated_at"], sent=1,
        )  # fmt: skip

    def receive(row_id: int | None, detail: str = "") -> _Action | None:
        assert fields is not None and found is not None
        problem = _check_refs(kind, fields, contact_uids)
        if problem:
            plan.skipped.append(SyncChange(kind, uid, "skipped", found.name, problem))
            return None
        return _Action(
            kind, uid, "receive", _display(kind, fields), row_id=row_id, file=found,
            file_name=found.name, fields=fields, detail=detail, file_stamp=fields.get("modified"),
        )  # fmt: skip

    action: _Action | None = None
    if row is None and state is None:
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
        if db_changed:
            action = send("changed here after it was deleted there")
        else:
            action = _Action(kind, uid, "delete_row", name, row_id=row[0])
            if record is not None:
                action.name = _display(kind, record)
    elif db_changed and file_changed:
        action = _conflict(kind, uid, row, state, found, fields, record, contact_uids)
    elif db_changed:
        action = send()
    elif file_changed and state is not None and state.sent:
        # We wrote our change into the vdir and another version replaced it
        # (vdirsyncer lets the server win its own conflicts): unless the other
        # version is the later one, ours stands and theirs goes on the timeline.
        action = _conflict(kind, uid, row, state, found, fields, record, contact_uids)
        if action.action == "conflict" and action.fields is not None:
            action = receive(row[0])
    elif file_changed:
        action = receive(row[0])
    if action is not None and action.action == "conflict" and action.fields is None:
        action.text = _serialise(kind, record or {})
    if action is not None:
        plan.actions.append(action)


def _check_refs(kind: str, fields: dict[str, Any], contact_uids: set[str]) -> str:
    if kind == "promise" and fields.get("contact") not in contact_uids:
        return "a to-do for no known contact (wintogether needs the contact's uid)"
    if kind == "conversation":
        known = [u for u in fields["participants"] if u in contact_uids]
        if not known:
            return "a journal entry with no known participant"
        fields["participants"] = known
    return ""


def _conflict(
    kind: str,
    uid: str,
    row: tuple[int, str, str, str],
    state: ss.StateRow | None,
    found: _File,
    fields: dict[str, Any] | None,
    record: dict[str, Any] | None,
    contact_uids: set[str],
) -> _Action:
    assert fields is not None and record is not None
    if _canonical(kind, fields, False) == _canonical(kind, record, True):
        # Both sides say the same thing (e.g. a file we wrote, re-read): just remember.
        return _Action(
            kind, uid, "refresh", _display(kind, record), file=found, file_name=found.name,
            db_version=row[2], file_stamp=fields.get("modified"),
        )  # fmt: skip
    # The file's own change time counts when the app that changed it moved it;
    # otherwise (many apps leave REV/LAST-MODIFIED alone) the time the file
    # arrived in the vdir does.
    stamp: str | None = fields.get("modified")
    moved = stamp is not None and (state is None or stamp != state.file_stamp)
    file_time = stamp if stamp is not None and moved else _mtime_stamp(found.mtime_ns)
    db_time = row[1]
    file_wins = file_time > db_time and not _check_refs(kind, fields, contact_uids)
    lost = _describe(kind, record if file_wins else fields, from_db=file_wins)
    kept = _describe(kind, fields if file_wins else record, from_db=not file_wins)
    where = "the vdir" if file_wins else "this database"
    other = "this database" if file_wins else "the vdir"
    detail = (
        f"both changed; kept the version from {where} ({file_time if file_wins else db_time}),"
        f" the one from {other} is on the timeline"
    )
    contact_id = row[0] if kind == "contact" else record["contact_id"]
    return _Action(
        kind, uid, "conflict", _display(kind, record), row_id=row[0], file=found,
        file_name=found.name, fields=fields if file_wins else None, db_version=row[2],
        detail=detail, lost=lost, kept=kept, contact_id=contact_id,
        file_stamp=stamp if file_wins else record["updated_at"], sent=0 if file_wins else 1,
    )  # fmt: skip


# -- doing it ---------------------------------------------------------------------------


def sync(
    store: Store,
    vdir: Path,
    now: datetime,
    *,
    dry_run: bool = False,
    db_path: Path | None = None,
    force_delete: bool = False,
) -> SyncResult:
    """Exchange changes between the database and ``vdir``; see the module docstring."""
    vdir = Path(os.path.abspath(vdir.expanduser()))
    if vdir.exists() and not vdir.is_dir():
        raise SyncRefused(f"{vdir} is not a folder.")
    if not vdir.exists() and not vdir.parent.is_dir():
        raise SyncRefused(f"The folder {vdir.parent} does not exist.")
    if db_path is not None:
        database = Path(os.path.realpath(db_path))
        if database.parent in {Path(os.path.realpath(vdir / f)) for _, f, _ in COLLECTIONS}:
            raise SyncRefused(
                f"The database {db_path} is inside the vdir {vdir}; move one of them."
            )
    stamp = to_utc_iso(now)
    with store.read():
        plan = _plan(store, vdir, force_delete)
        version = ss.data_version(store)
    result = SyncResult(vdir, dry_run)
    if dry_run:
        _count(result, plan)
        return result
    for folder in [vdir, *plan.missing_folders]:
        folder.mkdir(mode=0o700, exist_ok=True)
    if not plan.actions:
        _count(result, plan)
        return result
    label = f"sync {vdir}"
    with store.write(label, name="sync") if plan.writes_data else ss.bookkeeping(store):
        if ss.data_version(store) != version:
            journaled = plan.writes_data
            plan = _plan(store, vdir, force_delete)  # another command wrote meanwhile
            if plan.writes_data and not journaled:
                raise SyncRefused(
                    "The database changed while syncing; nothing was synced.",
                    hint="Run `wt sync` again.",
                )
        _execute(store, plan, stamp)
    _count(result, plan)
    return result


def _count(result: SyncResult, plan: _Plan) -> None:
    labels = {
        "send": "sent",
        "receive": "received",
        "delete_file": "deleted",
        "delete_row": "deleted",
        "conflict": "conflict",
    }
    for action in plan.actions:
        label = labels.get(action.action)
        if label is None:
            continue
        detail = action.detail
        if action.action == "delete_file":
            detail = "deleted here: file removed"
        elif action.action == "delete_row":
            detail = "deleted there: removed here"
        result.changes.append(SyncChange(action.kind, action.uid, label, action.name, detail))
        if label == "conflict":
            result.conflicts += 1
            # The winner still travels: from the file in, or from here out.
            if action.fields is not None:
                result.received += 1
            else:
                result.sent += 1
        else:
            setattr(result, label, getattr(result, label) + 1)
    result.changes.extend(plan.skipped)
    result.skipped = len(plan.skipped)


def _execute(store: Store, plan: _Plan, stamp: str) -> None:
    from wintogether.files import atomic_write

    key = str(plan.vdir)
    saved: dict[str, list[ss.StateRow]] = {kind: [] for kind in plan.folders}
    forgotten: dict[str, list[str]] = {kind: [] for kind in plan.folders}
    contact_ids: dict[str, int] | None = None

    def remember(action: _Action, found: _File, db_version: str) -> None:
        assert found.digest is not None
        saved[action.kind].append(
            ss.StateRow(action.uid, found.name, found.digest, found.size, found.mtime_ns,
                        action.file_stamp, action.sent, db_version, stamp)
        )  # fmt: skip

    def write_file(action: _Action) -> _File:
        assert action.text is not None
        folder = plan.folders[action.kind]
        data = action.text.encode("utf-8")
        # The database cannot be among these files (checked once, in sync()).
        path = atomic_write(folder / action.file_name, data, overwrite=True)
        info = path.stat()
        return _File(action.file_name, info.st_size, info.st_mtime_ns, data,
                     hashlib.sha256(data).hexdigest())  # fmt: skip

    def version_of(kind: str, uid: str) -> str:
        return ss.versions_of(store, kind, [uid]).get(uid, stamp)

    for action in plan.actions:
        kind = action.kind
        if action.action in ("receive", "conflict") and kind != "contact" and contact_ids is None:
            contact_ids = ss.contact_ids_by_uid(store)
        if action.action == "refresh":
            assert action.file is not None
            action.file.read(plan.folders[kind])
            remember(action, action.file, action.db_version)
        elif action.action == "forget":
            forgotten[kind].append(action.uid)
        elif action.action == "send":
            remember(action, write_file(action), action.db_version)
        elif action.action == "delete_file":
            (plan.folders[kind] / action.file_name).unlink(missing_ok=True)
            forgotten[kind].append(action.uid)
        elif action.action == "delete_row":
            assert action.row_id is not None
            ss.delete_row(store, kind, action.row_id)
            forgotten[kind].append(action.uid)
        elif action.action == "receive" or (action.action == "conflict" and action.fields):
            assert action.file is not None and action.fields is not None
            _apply(store, kind, action.uid, action.row_id, action.fields, contact_ids, stamp)
            if action.action == "conflict":
                _keep_loser(store, action, contact_ids, stamp)
            remember(action, action.file, version_of(kind, action.uid))
        else:  # a conflict this database won: record the loser, write ours out
            _keep_loser(store, action, contact_ids, stamp)
            assert action.text is not None
            action.text = _settled(action.text, stamp)
            remember(action, write_file(action), action.db_version)
    for kind in plan.folders:
        # Cascades (a deleted contact takes its promises) are caught by the next sync.
        ss.save_state(store, key, kind, saved[kind])
        ss.drop_state(store, key, kind, forgotten[kind])


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
    if kind == "promise":
        done_at = fields["done_at"] or (stamp if fields["status"] == "done" else None)
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
    line = f"X-WINTOGETHER-SETTLED:{stamp.replace('-', '').replace(':', '')}\r\n"
    match = _END.search(text)
    if match is None:
        return text
    return text[: match.start()] + line + text[match.start() :]


def _keep_loser(
    store: Store, action: _Action, contact_ids: dict[str, int] | None, stamp: str
) -> None:
    contact_id = action.contact_id
    if contact_id is None:
        return
    won = "the vdir" if action.fields is not None else "this database"
    lost = "this database" if action.fields is not None else "the vdir"
    text = (
        f"Sync conflict on {action.kind} {action.name!r}: kept the version from {won};"
        f" the one from {lost} was: {action.lost}"
    )
    ss.record_conflict(store, contact_id, text, action.lost, action.kept, stamp)
