"""Opening the database file: refuse what is not ours, apply the settings, migrate.

See connection.py for why each setting is there. ``connect`` checks the file
before SQLite writes anything to it, then brings its schema up to date
(migrations.py).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from wintogether.errors import (
    DatabaseMissing,
    DatabaseReadOnly,
    NotOurDatabase,
    SchemaTooNew,
    StoreError,
)
from wintogether.store.connection import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    SQLITE_HEADER,
    Connection,
    RawConnection,
    busy_timeout_ms,
    translate,
)


def _header(path: Path) -> bytes:
    """The first bytes of a regular file (a FIFO or device is refused unopened)."""
    from wintogether.reading import NotRegular, read_head

    try:
        return read_head(path, len(SQLITE_HEADER))
    except NotRegular as exc:
        raise NotOurDatabase(f"{path} is {exc}: not a database.") from exc
    except OSError as exc:
        raise StoreError(f"Cannot read {path}: {exc.strerror}.") from exc


#: SQLite's own files beside a database; a database with such a name would be
#: deleted by the next write to the database it seems to belong to.
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


def _writable(path: Path) -> bool:
    """Whether the file and its folder can be written (SQLite needs both)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _uri(path: Path, mode: str) -> str:
    uri = f"file:{path.resolve().as_posix()}?mode={mode}"
    # In a folder we cannot write, SQLite cannot create the -shm it needs for
    # WAL; with no -wal there is nothing outside the file to read.
    if (
        mode == "ro"
        and not os.access(path.parent, os.W_OK | os.X_OK)
        and not any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
    ):
        uri += "&immutable=1"
    return uri


def connect(path: Path, *, create: bool = False) -> tuple[Connection, bool]:
    """Open (and, when ``create``, create) the database at ``path``, migrated.

    Returns the connection and whether the file was created now. A missing file
    without ``create`` is an error: a typo or a moved file must never look like
    an empty database.
    """
    # Private from the first byte: SQLite creates the file, -wal and -shm.
    os.umask(0o077)
    created = False
    read_only = False
    if path.name.endswith(SIDE_SUFFIXES):
        raise NotOurDatabase(
            f"Refusing {path}: names ending in -wal, -shm or -journal are SQLite's own"
            " files, deleted by the next write to the database beside them.",
            hint="Pick a name such as clients.db.",
        )
    if path.is_dir():
        raise DatabaseMissing(f"{path} is a directory, not a database file.")
    if not path.exists():
        if not create:
            raise DatabaseMissing(
                f"No database at {path}.",
                hint=f"Create one with `wt --db {path} init`, or check the path.",
            )
        if not path.parent.exists():
            from wintogether.files import private_folder

            try:
                private_folder(path.parent)
            except OSError as exc:
                raise StoreError(
                    f"Cannot create the folder {path.parent}: {exc.strerror}.",
                    hint="Name a database elsewhere with --db or $WINTOGETHER_DB.",
                ) from exc
        created = True
    else:
        header = _header(path)
        if header == b"":
            # An empty file (`touch clients.db`) becomes the database, private.
            try:
                os.chmod(path, 0o600)
            except OSError as exc:
                raise StoreError(f"Cannot make {path} private: {exc.strerror}.") from exc
            created = True
        elif header != SQLITE_HEADER:
            raise NotOurDatabase(f"{path} is not a wintogether database (not SQLite).")
        else:
            read_only = not _writable(path)

    mode = "rwc" if created else "ro" if read_only else "rw"
    uri = _uri(path, mode)
    try:
        raw = sqlite3.connect(
            uri,
            uri=True,
            timeout=busy_timeout_ms() / 1000,
            isolation_level=None,
            check_same_thread=False,
            factory=RawConnection,
        )
    except sqlite3.Error as exc:
        raise translate(exc) from exc
    raw.row_factory = sqlite3.Row
    conn = Connection(raw, path, read_only=read_only)
    try:
        # Nothing in the file's schema runs until we know the file is ours.
        raw.execute("PRAGMA trusted_schema = OFF")
        version = _check_identity(raw, path)
        raw.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
        if not read_only:
            _enable_wal(raw)
        for pragma in (
            "synchronous = FULL",
            "foreign_keys = ON",
            "secure_delete = ON",
            # The full-text index is kept in sync by triggers, and SQLite lets a
            # trigger write to an FTS5 table only with trusted_schema on (FTS5 is
            # not marked innocuous). By now the file is known to be ours: it carries
            # our application id and a schema version this program wrote.
            "trusted_schema = ON",
        ):
            raw.execute(f"PRAGMA {pragma}")
        if read_only:
            _check_current(version, path)
        elif version < SCHEMA_VERSION:
            from wintogether.store import migrations

            migrations.migrate(conn)
    except sqlite3.Error as exc:
        raw.close()
        raise translate(exc) from exc
    except BaseException:
        raw.close()
        raise
    return conn, created


def _enable_wal(raw: sqlite3.Connection) -> None:
    """Switch a new file to WAL, waiting for another process doing the same.

    Changing the journal mode needs the database to itself, and SQLite reports
    "locked" at once instead of calling the busy handler: two first runs at the
    same moment would make one of them fail. So wait here, as a write would,
    for up to the busy timeout. (A file already in WAL answers without a lock.)
    """
    import time

    deadline = time.monotonic() + busy_timeout_ms() / 1000
    delay = 0.002
    while True:
        try:
            raw.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _check_current(version: int, path: Path) -> None:
    """A read-only file cannot be upgraded: say so rather than fail later."""
    if version < SCHEMA_VERSION:
        raise DatabaseReadOnly(
            f"{path} is read-only and was written by an older wintogether; it must be"
            " upgraded before use. Make the file and its folder writable, then run any command."
        )


def _check_identity(raw: sqlite3.Connection, path: Path) -> int:
    """Refuse, before any write, a file that is not ours or is too new; its
    schema version otherwise (0: a new file)."""
    app_id = raw.execute("PRAGMA application_id").fetchone()[0]
    version = raw.execute("PRAGMA user_version").fetchone()[0]
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"{path} was written by a newer wintogether (schema {version}; "
                f"this program knows up to {SCHEMA_VERSION}). Upgrade wintogether.",
            )
        return int(version)
    tables = raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app_id != 0 or tables:
        raise NotOurDatabase(f"{path} is a SQLite database of another application.")
    return int(version)
