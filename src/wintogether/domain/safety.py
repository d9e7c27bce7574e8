"""Trust: backups, the health check, undo and forgetting someone for good."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from wintogether.clock import now as clock_now
from wintogether.clock import to_utc_iso
from wintogether.domain.resolve import resolve
from wintogether.errors import NotFound, StoreError, UserError
from wintogether.store import Store, journal, journal_active, maintenance
from wintogether.store import backup as backups
from wintogether.store import undo as undo_store

# -- backup -------------------------------------------------------------------


def backup(
    store: Store, dest: Path | None = None, *, keep: int | None = None, overwrite: bool = False
) -> backups.BackupResult:
    """A checked copy of the database (default: the backups folder, rotated)."""
    if keep is not None and keep < 1:
        raise UserError("--keep must be at least 1.")
    return backups.backup(store, dest, keep=keep, overwrite=overwrite)


# -- undo ---------------------------------------------------------------------


@dataclass
class Undone:
    command: journal.Command
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"undone": self.command.to_json(), "dry_run": self.dry_run}


def undo(store: Store, *, dry_run: bool = False) -> Undone:
    """Revert the most recent command not yet undone, as one transaction.

    An undo is recorded as a command of its own but is never itself the
    target of a later undo: `wt undo` twice reverts the last two commands.
    """
    if dry_run:  # a read: it works on a read-only database too
        with store.read():
            return Undone(_undo_target(store), dry_run=True)
    with store.write("undo", name="undo"):
        target = _undo_target(store)
        try:
            undo_store.revert(store, target)
        except journal.UndoConflict as exc:
            raise UserError(
                f"Cannot undo '{target.summary}': {exc.table} #{exc.row_id} has changed since "
                "and nothing was undone."
            ) from None
    return Undone(target)


def _undo_target(store: Store) -> journal.Command:
    target = undo_store.last_undoable(store)
    if target is None:
        raise UserError("Nothing to undo.")
    if target.name in journal_active.NOT_UNDOABLE:
        if target.name == "forget":
            raise UserError(
                "The last command left to undo is `forget`, which cannot be undone;"
                " undo stops there and nothing changed."
            )
        raise UserError(
            f"The last command left to undo is `{target.summary}`: settings are not undone"
            " (`wt config set` sets it back), so undo stops there; nothing changed."
        )
    return target


def not_undoable(store: Store, label: str, name: str) -> None:
    """Record that a command undo cannot revert (``config set``) has run, so
    that `wt undo` stops there instead of reverting an older command."""
    with store.write(label, name=name):
        pass


def compact(store: Store) -> bool:
    """VACUUM the file and truncate its write-ahead log; False if a reader kept the log."""
    return maintenance.compact(store)


# -- forget -------------------------------------------------------------------


@dataclass
class Forgotten:
    scope: maintenance.ForgetScope
    journal_rows: int = 0
    compacted: bool = True
    backups: list[Path] = field(default_factory=list)
    #: Synced folders (vdirs) that held them, and what was done there.
    vdirs: list[str] = field(default_factory=list)
    files_removed: int = 0
    files_rewritten: int = 0
    #: Files that could not be removed or rewritten, with why.
    files_left: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "synced_folders": self.vdirs,
            "synced_files_removed": self.files_removed,
            "synced_files_rewritten": self.files_rewritten,
            "synced_files_left": self.files_left,
            "contact_id": self.scope.contact_id,
            "conversations_deleted": len(self.scope.solo_conversations),
            "conversations_kept": self.scope.shared_conversations,
            "promises_deleted": self.scope.promises,
            "ledger_deleted": self.scope.ledger,
            "journal_rows_purged": self.journal_rows,
            "file_compacted": self.compacted,
            "older_backups": [str(p) for p in self.backups],
        }


def forget_scope(store: Store, ref: str) -> maintenance.ForgetScope:
    with store.read():
        contact = resolve(store, ref)
        scope = maintenance.forget_scope(store, contact.id)
    if scope is None:
        raise NotFound(f"No contact has id #{contact.id}.")
    return scope


def forget(store: Store, contact_id: int, now: datetime | None = None) -> Forgotten:
    """Delete the contact and everything only about them, then compact the file.

    Conversations they shared with others stay (without them); conversations
    only with them, their promises and ledger entries go, and so do their rows
    in the change journal: this cannot be undone.
    """
    with store.write("forget", name="forget"):
        scope = maintenance.forget_scope(store, contact_id)
        if scope is None:
            raise NotFound(f"No contact has id #{contact_id}.", hint="Nothing was changed.")
        stamp = to_utc_iso(now if now is not None else clock_now())
        purged = maintenance.delete_contact_for_good(store, scope, stamp)
    result = Forgotten(scope, purged, True, backups.list_backups(store.path))
    _forget_in_vdirs(store, scope, result)
    try:
        result.compacted = maintenance.compact(store)
    except StoreError:
        # The deletion is committed; only the compaction waits for a quieter moment.
        result.compacted = False
    return result


def _forget_in_vdirs(store: Store, scope: maintenance.ForgetScope, result: Forgotten) -> None:
    """Their files leave every synced folder now, not at the next sync: the
    contact's card, their to-dos and the conversations only with them are
    deleted, and shared conversations are rewritten without their uid."""
    import hashlib
    import json

    from wintogether.domain.sync.items import _canonical
    from wintogether.domain.sync.model import COLLECTIONS
    from wintogether.domain.sync.reminders import FOLDER
    from wintogether.domain.sync.scan import note_removed
    from wintogether.files import atomic_write, not_a_file
    from wintogether.formats import vjournal
    from wintogether.store import sync as ss

    folder_of = {kind: folder for kind, folder, _ in COLLECTIONS} | {"reach_out": FOLDER}
    vdirs = {f.vdir for f in scope.synced_files}
    taken: dict[str, list[tuple[str, str]]] = {}
    for synced in scope.synced_files:
        path = Path(synced.vdir) / folder_of[synced.kind] / synced.file_name
        kind = not_a_file(path)
        if kind:
            result.files_left.append(f"{path} is {kind}")
            continue
        try:
            path.unlink()
            result.files_removed += 1
        except FileNotFoundError:
            pass
        except OSError as exc:
            result.files_left.append(f"{path}: {exc.strerror}")
            continue
        if synced.kind != "reach_out":
            taken.setdefault(synced.vdir, []).append((synced.kind, synced.uid))
    # Noted, so that the other computers follow a collection this emptied.
    for vdir, items in taken.items():
        note_removed(Path(vdir), items, [], forgotten=True)
    shared = list(ss.conversation_records(store, scope.shared_conversation_ids))
    by_uid = {record["uid"]: record for record in shared}
    rows: dict[tuple[str, str], list[ss.StateRow]] = {}
    if by_uid:
        kind = "conversation"
        for vdir in ss.vdirs_holding(store, kind):
            state = ss.load_state(store, vdir, kind)
            for uid in by_uid.keys() & state.keys():
                known = state[uid]
                path = Path(vdir) / folder_of[kind] / known.file_name
                try:
                    current = hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError:
                    continue  # gone or unreadable: the next sync settles it
                if not_a_file(path) or current != known.content_hash:
                    result.files_left.append(f"{path} changed since the last sync")
                    continue
                record = by_uid[uid]
                data = vjournal.journal_text(record).encode("utf-8")
                try:
                    atomic_write(path, data, overwrite=True)
                except UserError as exc:
                    result.files_left.append(exc.message)
                    continue
                info = path.stat()
                vdirs.add(vdir)
                result.files_rewritten += 1
                rows.setdefault((vdir, kind), []).append(
                    ss.StateRow(uid, known.file_name, hashlib.sha256(data).hexdigest(),
                                info.st_size, info.st_mtime_ns, record["updated_at"], 1,
                                record["updated_at"], record["updated_at"],
                                # The merge base stays; what we wrote is the version without them.
                                known.base, json.dumps(_canonical(kind, record, True),
                                                       sort_keys=True, ensure_ascii=False))
                )  # fmt: skip
    if rows:
        with ss.bookkeeping(store):
            for (vdir, kind), saved in rows.items():
                ss.save_state(store, vdir, kind, saved)
    result.vdirs = sorted(vdirs)


# -- doctor -------------------------------------------------------------------

OK, WARN, FAIL = "ok", "warn", "fail"
SYNCED_FOLDERS = (
    "dropbox",
    "onedrive",
    "icloud drive",
    "iclouddrive",
    "mobile documents",
    "google drive",
    "googledrive",
    "my drive",
)
NETWORK_FS = ("nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "sshfs", "afs", "9p", "davfs")
WAL_WARN_BYTES = 64 * 1024 * 1024


@dataclass
class Check:
    name: str
    status: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail}


@dataclass
class Report:
    path: Path
    checks: list[Check]

    @property
    def healthy(self) -> bool:
        return all(check.status != FAIL for check in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "healthy": self.healthy,
            "checks": [check.to_json() for check in self.checks],
        }


def _mode_check(paths: list[Path]) -> Check:
    loose = []
    for path in paths:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            continue
        if stat.S_IMODE(mode) & 0o077:
            loose.append(f"{path.name} is {stat.S_IMODE(mode):o}")
    if loose:
        return Check(
            "permissions",
            FAIL,
            "readable by others: " + ", ".join(loose) + " (fix: chmod 600 the files, 700 the "
            "folder)",
        )
    return Check("permissions", OK, "only you can read the database and its backups")


def synced_folder(path: Path) -> str | None:
    """The name of the sync service whose folder holds ``path``, if any."""
    for part in path.resolve().parts:
        lowered = part.casefold()
        for marker in SYNCED_FOLDERS:
            if lowered == marker or lowered.startswith((marker + " ", marker + "-")):
                return part
    return None


def filesystem_type(path: Path, mounts: Path = Path("/proc/mounts")) -> str | None:
    """The type of the file system holding ``path`` (Linux), or None if unknown."""
    try:
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best: tuple[int, str] | None = None
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > best[0]):
            best = (len(point), parts[2])
    return best[1] if best else None


def _location_check(path: Path) -> Check:
    service = synced_folder(path.parent)
    if service:
        return Check(
            "location",
            WARN,
            f"the database is in a synced folder ({service}); syncing a live SQLite file can "
            "corrupt it. Keep it outside and sync `wt backup` copies instead.",
        )
    fs = filesystem_type(path.parent)
    if fs and (fs.split(".")[0] in NETWORK_FS or fs.startswith("fuse")):
        return Check(
            "location",
            WARN,
            f"the database is on a {fs} file system; SQLite locking is unreliable on network "
            "file systems. Keep it on a local disk.",
        )
    return Check("location", OK, f"local folder{f' ({fs})' if fs else ''}")


def _size(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} bytes"


def _standings_check(store: Store, *, fix: bool, full: bool) -> Check:
    """The kept standings (store/standings.py) and quiet days (store/quiet.py)
    against a recomputation; with ``full``
    or ``fix`` the conversation times per person (store/touches.py) too (seconds on
    years of data)."""
    from wintogether.store import quiet, standings, touches

    deep = full or fix

    def found() -> list[str]:
        return (
            standings.problems(store)
            + quiet.problems(store)
            + (touches.problems(store) if deep else [])
        )

    problems = found()
    if not problems:
        return Check("standings", OK, "the kept standings match the history")
    if fix:
        with store.write_unjournaled():
            standings.rebuild(store)
            quiet.rebuild(store)
            touches.rebuild(store)
        left = found()
        if not left:
            return Check("standings", OK, "rebuilt from the history: " + " ".join(problems))
        problems = left
    return Check(
        "standings",
        FAIL,
        " ".join(problems[:3]) + " (fix: `wt doctor --fix` rebuilds them from the history)",
    )


def unopenable(path: Path, message: str) -> Report:
    """The report for a file too damaged to open at all."""
    return Report(path, [Check("open", FAIL, message)])


def doctor(store: Store, now: datetime, *, full: bool = False, fix: bool = False) -> Report:
    """The health report. By default a quick integrity check (seconds on years of
    data); ``full`` also checks that every index matches its table. ``fix``
    rebuilds the kept standings when they differ from the history."""
    from wintogether.store.migrations import LATEST_VERSION

    path = store.path
    checks: list[Check] = []
    problems = maintenance.integrity(store, full=full)
    checks.append(
        Check(
            "integrity",
            OK,
            "ok" if full else "ok (quick check; `wt doctor --full` checks indexes too)",
        )
        if problems == ["ok"]
        else Check("integrity", FAIL, "; ".join(problems[:5]))
    )
    fk = maintenance.foreign_key_problems(store)
    checks.append(
        Check("foreign keys", OK, "every reference resolves")
        if not fk
        else Check("foreign keys", FAIL, f"{len(fk)} broken: " + "; ".join(fk[:5]))
    )
    read_only = store.read_only
    # SQLite's index check is written as an INSERT: a read-only file cannot run it.
    fts = [] if read_only else maintenance.fts_problems(store)
    indexes = maintenance.safe_fts_tables(store)
    checks.append(
        Check("search index", WARN, "not checked: the database is read-only")
        if read_only
        else Check("search index", OK, f"{len(indexes)} full-text indexes match their tables")
        if not fts
        else Check(
            "search index",
            FAIL,
            "; ".join(fts[:5]) + " (fix: restore a backup; `wt backup` first)",
        )
    )
    if read_only:
        checks.append(
            Check(
                "access",
                WARN,
                "read-only: reads work, changes are refused"
                " (fix: make the file and its folder writable)",
            )
        )
    checks.append(_standings_check(store, fix=fix and not read_only, full=full))
    version, ours = maintenance.schema_version(store)
    if not ours or version != LATEST_VERSION:
        checks.append(Check("schema", FAIL, f"version {version}, expected {LATEST_VERSION}"))
    else:
        checks.append(Check("schema", OK, f"version {version} (current)"))
    folder = backups.default_folder(path)
    copies = backups.list_backups(path)
    checks.append(
        _mode_check(
            [path, Path(f"{path}-wal"), Path(f"{path}-shm"), *copies]
            + ([folder] if folder.exists() else [])
        )
    )
    wal = Path(f"{path}-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    checks.append(
        Check("wal", WARN, f"{_size(wal_size)}; it shrinks when no other command is running")
        if wal_size > WAL_WARN_BYTES
        else Check("wal", OK, _size(wal_size))
    )
    checks.append(_location_check(path))
    if copies:
        newest = copies[-1]
        age = now.timestamp() - newest.stat().st_mtime
        days = max(0, int(age // 86400))
        checks.append(Check("backups", OK, f"{len(copies)} in {folder}, newest {days} days old"))
    else:
        checks.append(Check("backups", WARN, "none yet; run `wt backup`"))
    commands, changes = maintenance.journal_size(store)
    if commands >= 0:
        checks.append(Check("journal", OK, f"{commands} commands, {changes} row changes"))
    else:
        checks.append(Check("journal", FAIL, "unreadable"))
    checks.append(Check("size", OK, _size(os.path.getsize(path))))
    return Report(path, checks)
