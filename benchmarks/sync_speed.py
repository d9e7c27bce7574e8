"""Time `wt sync DIR` (our side of the vdir only) on 10,000 contacts and 10,000 promises.

    python benchmarks/sync_speed.py generate /tmp/wt-sync      # writes /tmp/wt-sync/base.db
    # first sync: a fresh copy of the database, an empty vdir, every run
    hyperfine --runs 5 --prepare 'rm -rf /tmp/wt-sync/vdir /tmp/wt-sync/s.db*; \\
        cp /tmp/wt-sync/base.db /tmp/wt-sync/s.db' \\
        'wt --db /tmp/wt-sync/s.db sync /tmp/wt-sync/vdir'
    # unchanged sync: run once, then time the no-change runs
    wt --db /tmp/wt-sync/s.db sync /tmp/wt-sync/vdir
    hyperfine --warmup 1 --runs 10 'wt --db /tmp/wt-sync/s.db sync /tmp/wt-sync/vdir'

Without arguments it generates into a temp folder and times both itself
(median of 3 first syncs and 10 unchanged ones), printing seconds.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from wintogether.store import contacts as contacts_store
from wintogether.store import promises as promises_store

COUNT = 10_000
COMPANIES = ["Northwind", "Contoso, Ltd.", "Fabrikam", "Initech", "Litware", "Tailspin Toys"]


def generate(folder: Path, count: int = COUNT) -> Path:
    """A database with ``count`` contacts (email, phone, tag) and one promise each."""
    from wintogether.clock import to_utc_iso
    from wintogether.store import open_store

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "base.db"
    for stale in folder.glob("base.db*"):
        stale.unlink()
    store, _ = open_store(path, create=True)
    stamp = to_utc_iso(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    with store.write("benchmark data", name="bench"):
        for i in range(count):
            contact_id = contacts_store.insert_contact(
                store,
                {
                    "name": f"Test Person{i}",
                    "company": COMPANIES[i % len(COMPANIES)],
                    "title": f"Buyer {i % 7}",
                    "notes": f"Met at event {i % 50}, follow up about the long note",
                },
                stamp,
            )
            contacts_store.add_emails(store, contact_id, [f"person{i}@example.com"], stamp)
            contacts_store.add_phones(store, contact_id, [f"+1 415 555 {i:04d}"], stamp)
            contacts_store.add_tags(store, contact_id, [f"group{i % 10}"], stamp)
            promises_store.insert_promise(
                store,
                contact_id=contact_id,
                text=f"Send the proposal v{i % 5}",
                due_on=date(2026, 12, 1 + i % 28),
                owner="me" if i % 3 else "them",
                stamp=stamp,
            )
    store.close()
    return path


def _run(db: Path, vdir: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "wintogether", "--db", str(db), "sync", str(vdir)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "generate":
        print(generate(Path(sys.argv[2])))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = generate(folder)
        db, vdir = folder / "s.db", folder / "vdir"
        first = []
        for _ in range(3):
            shutil.rmtree(vdir, ignore_errors=True)
            for stale in folder.glob("s.db*"):
                stale.unlink()
            shutil.copy(base, db)
            first.append(_run(db, vdir))
        unchanged = [_run(db, vdir) for _ in range(10)]
        print(f"first sync, {COUNT} contacts + {COUNT} promises: {statistics.median(first):.2f} s")
        print(f"unchanged sync: {statistics.median(unchanged):.3f} s")


if __name__ == "__main__":
    main()
