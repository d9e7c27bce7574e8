"""Writing files safely: every file the program writes goes through here.

A file is written to a private temporary file in the same folder, flushed to
disk, then renamed over the target in one step (``os.replace``), and the
folder is synced. A crash, a kill or a full disk leaves either the old file or
the new one, never half of one, and never a stray temporary file when Python
gets to clean up. Files are created 0600.

The database, its ``-wal``, ``-shm`` and ``-journal``, and any other SQLite
database are never a valid target.

Use::

    from wintogether.files import atomic_write, atomic_open

    atomic_write(path, text, database=db_path, overwrite=force)

    with atomic_open(path, database=db_path, overwrite=force) as handle:
        handle.write(...)

``atomic_target`` is for writers that need a file *name* (such as SQLite's
``VACUUM INTO``): it yields a fresh temporary path and publishes it on success.

A symlink is followed to the file it names (renaming over the link would cut
it), and a device or pipe (``/dev/stdout``, a FIFO) is written into directly:
renaming a file over it would replace the device itself.

Folders other programs also write into (a vdir, an ``export --split`` folder)
are not trusted: ``read_regular`` (reading.py) reads only a regular file, never
through a symlink and never blocking on a pipe, and up to a size cap;
``write_many`` writes many files into such a folder without following or
replacing a symlink or anything else that is not a regular file. It writes
every temporary file, flushes them all (in parallel: the disk commits them
together), renames them, and syncs the folder once. ``clean_leftovers``
removes the temporary files a killed run of ours left in a folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, overload

from wintogether.errors import UserError
from wintogether.paths import expand
from wintogether.patterns import LazyPattern
from wintogether.reading import kind_of

_SQLITE_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")


class FileRefused(UserError):
    """The target may not be written (it is the database, a folder, or exists)."""


class FileWriteFailed(UserError):
    """Writing failed (disk full, permissions); nothing was left behind."""


def private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parent 0700, whatever the umask.

    Existing folders are left as they are.
    """
    missing: list[Path] = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for item in reversed(missing):
        try:
            os.mkdir(item, 0o700)
        except FileExistsError:
            continue  # made by another process at the same moment
        os.chmod(item, 0o700)


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def check_target(
    path: Path,
    *,
    database: Path | None = None,
    overwrite: bool = False,
    allow_sqlite: bool = False,
) -> Path:
    """Refuse a target that must not be written; returns the path to write.

    Refused: the database and its side files, a side file of any SQLite
    database, a folder, a missing folder, an existing file unless
    ``overwrite``, and an existing SQLite database unless ``allow_sqlite``
    (backups may replace an older backup; exports never replace a database).
    """
    if database is not None:
        protected = [database, *(Path(f"{database}{suffix}") for suffix in _SIDE_FILES)]
        if any(_same(path, item) for item in protected):
            raise FileRefused(f"Refusing to write over the database file {path}.")
    name = path.name
    for suffix in _SIDE_FILES:
        if name.endswith(suffix) and _is_sqlite(path.with_name(name[: -len(suffix)])):
            raise FileRefused(f"Refusing to write over {path}: it belongs to a SQLite database.")
    if path.is_dir():
        raise FileRefused(f"{path} is a folder; give a file name.")
    if not path.parent.is_dir():
        raise FileRefused(f"The folder {path.parent} does not exist.")
    if path.exists() or path.is_symlink():
        if not overwrite:
            raise FileRefused(
                f"{path} already exists.", hint="Use --force to replace it, or pick another name."
            )
        if _is_sqlite(path) and not allow_sqlite:
            raise FileRefused(f"Refusing to write over {path}: it is a SQLite database.")
    return path


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _failed(path: Path, exc: OSError) -> FileWriteFailed:
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return FileWriteFailed(f"The disk is full: {path} was not written.")
    return FileWriteFailed(f"Could not write {path}: {exc.strerror or exc}.")


def _temp_name(path: Path) -> Path:
    import secrets  # hashlib and random behind it: not for every start-up

    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


#: A temporary file named by ``_temp_name``: ``.<name>.<pid>-<8 hex>.tmp``.
_TEMP = LazyPattern(r"^\..+\.(\d+)-[0-9a-f]{8}\.tmp$")


def clean_leftovers(folder: Path) -> int:
    """Remove our temporary files left in ``folder`` by a run that was killed.

    Only regular files named as ``_temp_name`` names them, whose process is no
    longer running (a run still writing keeps its own); returns how many went.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or _running(pid):
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.path)
            removed += 1
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def write_many(
    folder: Path, items: list[tuple[str, bytes]], *, workers: int = 16
) -> tuple[dict[str, os.stat_result], dict[str, str]]:
    """Write ``(name, data)`` files into ``folder``, safely, as one batch.

    Every file is written to a private temporary file (0600), all are flushed
    to disk (in parallel threads, so the disk commits them together), then each
    is renamed over its name and the folder is synced once. A kill at any point
    leaves each file either old or new, never half written.

    A name that is a symlink, a folder, a pipe or a device is not touched:
    it is returned in the second dict with the reason. Returns the stat of
    each file written. A write error (a full disk) removes every temporary
    file and raises ``FileWriteFailed`` before any file is replaced.
    """
    from concurrent.futures import ThreadPoolExecutor

    written: dict[str, os.stat_result] = {}
    refused: dict[str, str] = {}
    temps: list[tuple[str, Path, int]] = []
    try:
        for name, data in items:
            kind = not_a_file(folder / name)
            if kind:
                refused[name] = kind
                continue
            temp = _temp_name(folder / name)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            temps.append((name, temp, fd))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        with ThreadPoolExecutor(max(1, min(workers, len(temps)))) as pool:
            list(pool.map(os.fsync, [fd for _, _, fd in temps]))
    except OSError as exc:
        for _, temp, fd in temps:
            with contextlib.suppress(OSError):
                os.close(fd)
            with contextlib.suppress(OSError):
                temp.unlink()
        raise _failed(folder / (temps[-1][0] if temps else ""), exc) from exc
    for _, _, fd in temps:
        os.close(fd)
    done = 0
    try:
        for name, temp, _ in temps:
            kind = not_a_file(folder / name)  # checked again right before replacing it
            if kind:
                refused[name] = kind
                temp.unlink()
            else:
                os.replace(temp, folder / name)
                written[name] = os.lstat(folder / name)
            done += 1
    except OSError as exc:
        for _, temp, _ in temps[done:]:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise _failed(folder / temps[done][0], exc) from exc
    if written:
        _fsync_dir(folder)
    return written, refused


def not_a_file(path: Path) -> str | None:
    """Why ``path`` may not be replaced (None: absent or a regular file)."""
    try:
        return kind_of(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None


def _publish(temp: Path, path: Path, overwrite: bool) -> None:
    """Rename ``temp`` to ``path``; without ``overwrite`` never clobber a file.

    A hard link fails if the name exists, so two writers racing for one name
    cannot replace each other's file; where links are unsupported the checked
    rename is used.
    """
    if overwrite:
        os.replace(temp, path)
        return
    try:
        os.link(temp, path)
    except FileExistsError:
        raise FileRefused(
            f"{path} already exists.", hint="Use --force to replace it, or pick another name."
        ) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        os.replace(temp, path)
        return
    temp.unlink()


@contextlib.contextmanager
def atomic_target(
    path: Path,
    *,
    database: Path | None = None,
    overwrite: bool = False,
    allow_sqlite: bool = False,
) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    The caller creates the file at the yielded path. Afterwards it is made
    0600, synced, and renamed over ``path``. On any error it is removed.
    """
    check_target(path, database=database, overwrite=overwrite, allow_sqlite=allow_sqlite)
    temp = _temp_name(path)
    try:
        yield temp
        os.chmod(temp, 0o600)
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        # Checked again right before publishing: a file may have appeared.
        check_target(path, database=database, overwrite=overwrite, allow_sqlite=allow_sqlite)
        _publish(temp, path, overwrite)
        _fsync_dir(path.parent)
    except OSError as exc:
        raise _failed(path, exc) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


@overload
def atomic_open(
    path: Path,
    *,
    binary: Literal[False] = ...,
    database: Path | None = ...,
    overwrite: bool = ...,
    encoding: str = ...,
    newline: str | None = ...,
) -> contextlib.AbstractContextManager[IO[str]]: ...


@overload
def atomic_open(
    path: Path,
    *,
    binary: Literal[True],
    database: Path | None = ...,
    overwrite: bool = ...,
    encoding: str = ...,
    newline: str | None = ...,
) -> contextlib.AbstractContextManager[IO[bytes]]: ...


def atomic_open(
    path: Path,
    *,
    binary: bool = False,
    database: Path | None = None,
    overwrite: bool = False,
    encoding: str = "utf-8",
    newline: str | None = None,
) -> contextlib.AbstractContextManager[IO[str]] | contextlib.AbstractContextManager[IO[bytes]]:
    """Open a file for writing that appears at ``path`` only once complete."""
    opened: contextlib.AbstractContextManager[Any] = _atomic_open(
        path,
        binary=binary,
        database=database,
        overwrite=overwrite,
        encoding=encoding,
        newline=newline,
    )
    return opened


def _is_stream(path: Path) -> bool:
    """A device or a pipe: something to write into, not a file to replace."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


@contextlib.contextmanager
def _atomic_open(
    path: Path,
    *,
    binary: bool,
    database: Path | None,
    overwrite: bool,
    encoding: str,
    newline: str | None,
) -> Iterator[IO[str] | IO[bytes]]:
    path = Path(os.path.realpath(expand(path, "--output")))
    if _is_stream(path):
        try:
            with (
                path.open("wb") if binary else path.open("w", encoding=encoding, newline=newline)
            ) as stream:
                yield stream
        except OSError as exc:
            raise _failed(path, exc) from exc
        return
    with atomic_target(path, database=database, overwrite=overwrite) as temp:
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise _failed(path, exc) from exc
        handle: IO[str] | IO[bytes]
        if binary:
            handle = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        try:
            with handle:
                yield handle
                handle.flush()
        except OSError as exc:
            raise _failed(path, exc) from exc


def atomic_write(
    path: Path,
    data: str | bytes,
    *,
    database: Path | None = None,
    overwrite: bool = False,
    encoding: str = "utf-8",
) -> Path:
    """Write ``data`` to ``path`` atomically (0600); returns ``path``."""
    if isinstance(data, bytes):
        with atomic_open(path, binary=True, database=database, overwrite=overwrite) as out:
            out.write(data)
    else:
        with atomic_open(
            path, database=database, overwrite=overwrite, encoding=encoding, newline=""
        ) as text_out:
            text_out.write(data)
    return path
