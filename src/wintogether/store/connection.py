"""The connection: its settings, explicit transactions, errors in the user's words.

The database is opened by opening.py; every setting the two apply is
deliberate (see docs/your-data.md):

* files are created private (umask 077: SQLite gives ``-wal``/``-shm`` the main
  file's mode);
* WAL, so readers never block the writer; ``synchronous=FULL``, so a committed
  note survives a power cut;
* every write transaction starts with ``BEGIN IMMEDIATE``: a deferred ``BEGIN``
  that reads and then writes fails with "database is locked" when another process
  wrote in between, and the busy timeout does not help with that;
* ``trusted_schema`` stays off until the file is known to be ours (see opening.py);
* the file is stamped with an application id and a schema version; a file that is
  not ours, or is newer than this program, is refused before anything is written.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from wintogether import interrupt
from wintogether.errors import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseReadOnly,
    NotOurDatabase,
    StoreError,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

#: "WinT" in ASCII; lets `file` and our own guard recognise the database.
APPLICATION_ID = 0x57696E54
#: ``PRAGMA user_version`` of an up-to-date database: how many migrations there
#: are (store/migrations.py ``LATEST_VERSION``; a test keeps the two equal). Here
#: so that opening an up-to-date file does not import the migrations.
SCHEMA_VERSION = 22
SQLITE_HEADER = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT_MS = 5000


def busy_timeout_ms() -> int:
    value = os.environ.get("WINTOGETHER_BUSY_TIMEOUT_MS")
    return int(value) if value and value.isdigit() else DEFAULT_BUSY_TIMEOUT_MS


def translate(exc: sqlite3.Error) -> StoreError:
    """Turn a sqlite3 error into the store error a user can act on."""
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return DatabaseBusy(
            "The database is busy: another wintogether command is writing. Try again.",
        )
    if "disk is full" in text or "database or disk is full" in text:
        return StoreError("The disk is full: nothing was saved.")
    if "disk I/O error" in text:
        # A failed write (a full disk or file-size limit shows up like this too);
        # the transaction was rolled back.
        return StoreError("Writing to the disk failed (is it full?): nothing was saved.")
    if "readonly database" in text:
        return DatabaseReadOnly(
            "The database is read-only (check the permissions of the file and its folder):"
            " nothing was saved."
        )
    if "not a database" in text:
        return NotOurDatabase("This file is not a SQLite database.")
    if "malformed" in text or "corrupt" in text:
        return DatabaseCorrupt(
            f"The database is damaged ({text}). Run `wt doctor` and restore a backup."
        )
    return StoreError(f"Database error: {text}.")


class _Recording(Protocol):
    """What store/journal_active.py's ``Recorder`` does for a connection."""

    on: bool

    def make_wanted(self) -> bool: ...

    def after(self, sql: str) -> None: ...


def _refused(exc: sqlite3.DatabaseError) -> bool:
    """Whether the statement was refused by the authorizer (so it has not run):
    the only error that is worth trying the statement again for. A Ctrl-C that
    came while SQLite asked the authorizer (Python turns any exception there
    into a refusal) is a Ctrl-C."""
    if getattr(exc, "sqlite_errorname", None) != "SQLITE_AUTH":
        return False
    if interrupt.requested():
        raise KeyboardInterrupt from exc
    return True


class RawCursor(sqlite3.Cursor):
    """A cursor of a :class:`RawConnection`: its statements get the journal
    triggers they need too."""

    def execute(self, sql: str, parameters: Any = (), /) -> RawCursor:
        recorder = self.connection.recorder  # type: ignore[attr-defined]
        if recorder is None or not recorder.on:
            return super().execute(sql, parameters)
        _until_made(recorder, lambda: super(RawCursor, self).execute(sql, parameters), sql)
        return self

    def executemany(self, sql: str, parameters: Any, /) -> RawCursor:
        recorder = self.connection.recorder  # type: ignore[attr-defined]
        if recorder is None or not recorder.on:
            return super().executemany(sql, parameters)
        # Prepared (and refused, when it is) before the first row runs.
        rows = parameters if isinstance(parameters, (list, tuple)) else list(parameters)
        _until_made(recorder, lambda: super(RawCursor, self).executemany(sql, rows), sql)
        return self


def _until_made(recorder: _Recording, run: Callable[[], object], sql: str) -> None:
    """Run a statement; refused for want of journal triggers, make them and run it again."""
    while True:
        try:
            run()
        except sqlite3.DatabaseError as exc:
            if not _refused(exc) or not recorder.make_wanted():
                raise
            continue
        recorder.after(sql)
        return


class RawConnection(sqlite3.Connection):
    """The SQLite connection every store uses. While a journaled write runs
    (``recorder.on``), a statement refused for want of a journal trigger gets
    it and is prepared again (store/journal_active.py); otherwise its calls
    are sqlite3's own."""

    #: The journal triggers' recorder, from this connection's first journaled write.
    recorder: _Recording | None = None

    def cursor(self, factory: Any = RawCursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        recorder = self.recorder
        if recorder is None or not recorder.on:
            return super().execute(sql, parameters)
        cursor: RawCursor = self.cursor()  # the connection's row factory, as its own
        return cursor.execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        recorder = self.recorder
        if recorder is None or not recorder.on:
            return super().executemany(sql, parameters)
        cursor: RawCursor = self.cursor()
        return cursor.executemany(sql, parameters)


class Connection:
    """A connection with the project's settings and explicit transactions."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool = False) -> None:
        self.conn = conn
        self.path = path
        #: The file or its folder cannot be written: reads work, writes are refused.
        self.read_only = read_only
        self._utils: Database | None = None

    @property
    def utils(self) -> Database:
        """sqlite-utils on the same connection, loaded on first use."""
        if self._utils is None:
            from sqlite_utils import Database

            self._utils = Database(self.conn, execute_plugins=False)
        return self._utils

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, started with BEGIN IMMEDIATE."""
        if self.read_only:
            raise DatabaseReadOnly(
                f"{self.path} is read-only (check the permissions of the file and its"
                " folder): nothing was saved."
            )
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise translate(exc) from exc
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        if interrupt.requested():  # Ctrl-C whose KeyboardInterrupt was swallowed
            self.conn.execute("ROLLBACK")
            raise KeyboardInterrupt
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise translate(exc) from exc

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees one snapshot."""
        try:
            self.conn.execute("BEGIN")
            yield self.conn
        except sqlite3.Error as exc:
            raise translate(exc) from exc
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()
