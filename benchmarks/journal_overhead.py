"""What the change journal costs per write command, and what backup and undo take.

Run: python benchmarks/journal_overhead.py [N]

Adds N contacts and logs N conversations through the domain layer (one
transaction each, as the CLI does) into a fresh database, once with the journal
and once without it (no command opened, no trigger made), and prints the mean
time per command. Then
times `backup` of the resulting file and one `undo`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def run(n: int, journaled: bool, folder: Path) -> tuple[float, Path]:
    from wintogether.domain import contacts, conversations
    from wintogether.store import open_store

    db = folder / ("journaled.db" if journaled else "plain.db")
    store, _ = open_store(db, create=True)
    if not journaled:
        # Without the running command's table a write opens no command and
        # makes no journal trigger (store/handle.py).
        with store.write_unjournaled():
            store.conn.execute("DROP TABLE journal_active")
    now = datetime(2026, 11, 28, 10, tzinfo=UTC)
    started = time.perf_counter()
    for i in range(n):
        contacts.add(
            store,
            contacts.ContactChanges(name=f"Person {i}", emails=[f"p{i}@example.com"]),
            now,
        )
        conversations.log(store, now, contact=f"#{i + 1}", note=f"Call number {i} " * 20)
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed / (2 * n), db


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    os.environ.setdefault("WINTOGETHER_CONFIG", "/nonexistent/config.toml")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warm = folder / "warm"
        warm.mkdir()
        run(20, journaled=True, folder=warm)  # imports and caches, not measured
        plain, _ = run(n, journaled=False, folder=folder)
        journaled, db = run(n, journaled=True, folder=folder)
        print(f"{2 * n} write commands each")
        print(f"without journal: {plain * 1000:.2f} ms per command")
        print(f"with journal:    {journaled * 1000:.2f} ms per command")

        from wintogether.domain import safety
        from wintogether.store import open_store

        store, _ = open_store(db)
        started = time.perf_counter()
        result = safety.backup(store)
        print(
            f"backup of {result.size / 1024:.0f} KB: "
            f"{(time.perf_counter() - started) * 1000:.1f} ms"
        )
        started = time.perf_counter()
        safety.undo(store)
        print(f"undo of one log: {(time.perf_counter() - started) * 1000:.1f} ms")
        store.close()


if __name__ == "__main__":
    main()
