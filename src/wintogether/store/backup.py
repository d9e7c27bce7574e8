"""Backups: consistent copies of the live database, checked, kept N deep.

A live database is never copied with file tools (a copy taken between the
main file and its WAL is not a database). ``VACUUM INTO`` writes a consistent
snapshot into a private temporary file beside the target; the copy is then
opened read-only and must pass ``integrity_check`` before it is synced and
renamed into place (see ``wintogether.files.atomic_target``).

Default place: ``backups/`` beside the database, named
``<db name>-YYYYMMDD-HHMMSS[-reason][.N].db``; after each backup there the
oldest are removed so that the newest ``keep`` remain (default 10,
``$WINTOGETHER_BACKUPS_KEEP`` or ``[backup] keep`` in the config file).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from wintogether.errors import StoreError
from wintogether.store.connection import translate


class OpenDatabase(Protocol):
    """What a backup needs of an open database: a connection and its file
    (a :class:`~wintogether.store.handle.Store` or a ``Connection``)."""

    @property
    def conn(self) -> sqlite3.Connection: ...

    @property
    def path(self) -> Path: ...


DEFAULT_KEEP = 10
FOLDER = "backups"


class BackupFailed(StoreError):
    pass


@dataclass
class BackupResult:
    path: Path
    size: int
    removed: list[Path] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "size": self.size,
            "integrity": "ok",
            "removed": [str(p) for p in self.removed],
        }


def default_folder(db_path: Path) -> Path:
    return db_path.parent / FOLDER


def default_keep() -> int:
    """``$WINTOGETHER_BACKUPS_KEEP``, else the config's ``[backup] keep``, else 10."""
    value = os.environ.get("WINTOGETHER_BACKUPS_KEEP", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    from wintogether import config
    from wintogether.errors import ConfigError
    from wintogether.paths import config_path

    try:
        return config.load(config_path()).backup_keep
    except ConfigError:
        return DEFAULT_KEEP


def _pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(db_path.stem)}-(\d{{8}}-\d{{6}})(?:-[a-z]+(?:-[a-z]+)*)?(?:\.(\d+))?\.db$"
    )


def list_backups(db_path: Path, folder: Path | None = None) -> list[Path]:
    """The default-named backups of this database in ``folder``, oldest first."""
    where = folder or default_folder(db_path)
    if not where.is_dir():
        return []
    pattern = _pattern(db_path)
    found: list[tuple[str, int, Path]] = []
    for entry in where.iterdir():
        match = pattern.match(entry.name)
        if match and entry.is_file():
            found.append((match.group(1), int(match.group(2) or 0), entry))
    return [path for _, _, path in sorted(found, key=lambda item: (item[0], item[1]))]


def _reserve_name(db_path: Path, folder: Path, stamp: str, reason: str | None) -> Path:
    """Claim a fresh name (an empty placeholder), safe against a concurrent backup."""
    base = f"{db_path.stem}-{stamp}" + (f"-{reason}" if reason else "")
    # Numbers only grow within one second, so name order stays age order even
    # after rotation removed the older ones.
    taken = re.compile(rf"^{re.escape(base)}(?:\.(\d+))?\.db$")
    numbers = [int(m.group(1) or 0) for e in folder.iterdir() if (m := taken.match(e.name))]
    number = max(numbers) + 1 if numbers else 0
    while True:
        candidate = folder / (f"{base}.db" if number == 0 else f"{base}.{number}.db")
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            number += 1
            continue
        return candidate


def check_copy(path: Path) -> str:
    """``integrity_check`` of a database file, opened read-only; "ok" when sound."""
    try:
        conn = sqlite3.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc)
    result = "; ".join(str(row[0]) for row in rows)
    return result


def rotate(db_path: Path, folder: Path, keep: int) -> list[Path]:
    """Remove the oldest default-named backups beyond the newest ``keep``."""
    backups = list_backups(db_path, folder)
    doomed = backups[: max(0, len(backups) - keep)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def backup(
    db: OpenDatabase,
    dest: Path | None = None,
    *,
    keep: int | None = None,
    reason: str | None = None,
    overwrite: bool = False,
    rotate_now: bool = True,
) -> BackupResult:
    """Write a checked copy of the database; returns where and what was rotated.

    ``dest`` may be a file or an existing folder; without it the copy goes to
    the default folder, which is then rotated to ``keep`` copies (unless
    ``rotate_now`` is False: see :func:`settle_backup`).
    """
    from wintogether.clock import now
    from wintogether.files import atomic_target

    db_path = db.path
    stamp = now().strftime("%Y%m%d-%H%M%S")
    rotate_in: Path | None = None
    if dest is None or dest.is_dir():
        folder = dest if dest is not None else default_folder(db_path)
        if dest is None:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            rotate_in = folder
        target = _reserve_name(db_path, folder, stamp, reason)
        placeholder: Path | None = target
        overwrite = True
    else:
        target = dest
        placeholder = None
    try:
        with atomic_target(
            target, database=db_path, overwrite=overwrite, allow_sqlite=True
        ) as temp:
            try:
                db.conn.execute("VACUUM INTO ?", (str(temp),))
            except sqlite3.Error as exc:
                error = translate(exc)
                raise BackupFailed(f"The backup failed: {error.message}") from exc
            verdict = check_copy(temp)
            if verdict != "ok":
                raise BackupFailed(f"The backup copy failed its integrity check ({verdict}).")
    except BaseException:
        if placeholder is not None and placeholder.exists() and placeholder.stat().st_size == 0:
            placeholder.unlink()
        raise
    result = BackupResult(target, target.stat().st_size)
    if rotate_in is not None and rotate_now:
        result.removed = rotate(db_path, rotate_in, keep if keep is not None else default_keep())
    return result


def backup_before(db: OpenDatabase, reason: str, *, rotate_now: bool = True) -> BackupResult:
    """The automatic backup before a migration or an import (default folder).

    Call it outside any transaction (``VACUUM INTO`` cannot run inside one),
    e.g. ``backup_before(store, "before-import")``.
    """
    return backup(db, reason=reason, rotate_now=rotate_now)


def settle_backup(db: OpenDatabase, made: BackupResult, changed: bool) -> None:
    """After the write a backup (made with ``rotate_now=False``) was for: when
    it changed something, the folder is rotated as usual; when it changed
    nothing, the copy (the same data) goes, and no older backup is pushed out
    for it (ten imports of an unchanged file kept ten copies of one state)."""
    if changed:
        rotate(db.path, made.path.parent, default_keep())
    else:
        made.path.unlink(missing_ok=True)
