"""Writing a summary to a file: atomically, privately, never over the database.

``write_summary_atomically`` is deliberately local to the summary for now; a
shared atomic writer for every export can replace it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from wintogether.errors import UserError


def check_summary_target(target: Path, *, database: Path, force: bool = False) -> Path:
    """Refuse a target that must not be written: see :func:`write_summary_atomically`."""
    path = target.expanduser()
    db = database.expanduser().resolve()
    protected = {db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")}
    if path.resolve() in protected:
        raise UserError(f"Refusing to write over the database ({path}).", hint="Pick another file.")
    if path.is_dir():
        raise UserError(f"{path} is a folder.", hint="Give a file name, e.g. week.md.")
    if path.exists() and not force:
        raise UserError(f"{path} already exists.", hint="Add --force to replace it.")
    if not path.resolve().parent.is_dir():
        raise UserError(f"The folder {path.resolve().parent} does not exist.")
    return path


def write_summary_atomically(
    target: Path, text: str, *, database: Path, force: bool = False
) -> Path:
    """Write ``text`` to ``target`` via a 0600 temp file, fsync and ``os.replace``.

    Refuses the database file and its ``-wal``/``-shm`` companions, a directory,
    and an existing file unless ``force``. On any failure the target is untouched
    and the temp file is removed.
    """
    path = check_summary_target(target, database=database, force=force)
    resolved = path.resolve()
    folder = resolved.parent
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, resolved)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise UserError(f"Could not write {path}: {exc.strerror or exc}.") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return path
