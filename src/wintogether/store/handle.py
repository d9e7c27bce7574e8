"""The store handle: one open database, its transactions and its journaled commands.

Every record access goes through module functions that take the handle as
their first argument, one module per subject (contacts.py, conversations.py,
promises.py, ledger.py, events.py, ...). Write functions expect to run inside
``Store.write()`` (one transaction per command, opened by the domain layer);
``stamp`` is the command's "now" as a stored UTC timestamp, so one command
writes one consistent time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from wintogether.store.connection import Connection


def _stamp_now() -> str:
    from wintogether.clock import now, to_utc_iso

    return to_utc_iso(now())


class Store:
    """One open database: transactions, the journal's command, the file's path."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.conn: sqlite3.Connection = connection.conn
        #: What the change journal calls a write when ``write()`` gets no label
        #: (the CLI sets it to the command line, e.g. "log dana Renewal call").
        self.command_label = "write"
        self.command_name = "write"
        #: Where the two above come from, asked on the first journaled write:
        #: a read never needs them (the CLI quotes the command line for them).
        self.describe_command: Callable[[], tuple[str, str]] | None = None
        #: The journal command of the write in progress, if any.
        self.command_id: int | None = None
        #: Whether the last ``write()`` changed a row the journal keeps (True
        #: when there is no journal to tell).
        self.last_write_changed = False

    @property
    def path(self) -> Path:
        """The database file: the one place the path of an open store comes from."""
        return self.connection.path

    @property
    def read_only(self) -> bool:
        """The file or its folder cannot be written: reads work, writes are refused."""
        return self.connection.read_only

    @contextmanager
    def write(self, label: str | None = None, *, name: str | None = None) -> Iterator[Store]:
        """One BEGIN IMMEDIATE transaction, journaled as one command (see journal.py).

        ``label`` is the command's summary in the journal (``wt undo`` shows
        it), e.g. ``store.write("import contacts.csv", name="import")``; ``name``
        defaults to its first word. Without a label the CLI's command line is used.
        """
        from wintogether.store import journal_active

        self.last_write_changed = False
        with self.connection.write():
            if not journal_active.has_journal(self.conn):
                yield self
                self.last_write_changed = True
                return
            if label is None and self.describe_command is not None:
                self.command_name, self.command_label = self.describe_command()
                self.describe_command = None
            text = label or self.command_label
            command = name or (text.split(" ", 1)[0] if label else self.command_name)
            recorder = journal_active.recorder_of(self.conn)
            recorder.start()
            try:
                self.command_id = journal_active.begin_command(
                    self.conn, command or "write", text, _stamp_now()
                )
                yield self
                self.last_write_changed = journal_active.end_command(self.conn, self.command_id)
            finally:
                self.command_id = None
                recorder.stop()
        recorder.committed()

    @contextmanager
    def write_unjournaled(self) -> Iterator[Store]:
        """A write transaction that opens no journal command (bookkeeping only)."""
        with self.connection.write():
            yield self

    @contextmanager
    def read(self) -> Iterator[Store]:
        with self.connection.read():
            yield self

    def close(self) -> None:
        self.connection.close()
