"""What `wt remind` has sent: one key per reminder and day (or week).

Bookkeeping, not journaled (see migration m008): an undo must not make a
reminder go out again.
"""

from __future__ import annotations

from collections.abc import Sequence

from wintogether.store.handle import Store


def sent_keys(store: Store, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` were sent already."""
    found: set[str] = set()
    chunk = 500
    for i in range(0, len(keys), chunk):
        part = list(keys[i : i + chunk])
        rows = store.conn.execute(
            f"SELECT key FROM reminders_sent WHERE key IN ({','.join('?' for _ in part)})", part
        )
        found.update(str(r[0]) for r in rows)
    return found


def sent_since(store: Store, key: str, since: str) -> bool:
    """Whether ``key`` was sent at ``since`` (UTC) or later."""
    row = store.conn.execute(
        "SELECT 1 FROM reminders_sent WHERE key = ? AND sent_at >= ?", (key, since)
    ).fetchone()
    return row is not None


def mark_sent(store: Store, keys: Sequence[str], stamp: str) -> None:
    store.conn.executemany(
        "INSERT OR IGNORE INTO reminders_sent (key, sent_at) VALUES (?, ?)",
        [(k, stamp) for k in keys],
    )


def drop_sent_before(store: Store, before: str) -> None:
    """Forget what was sent long ago (keys name their day, so old ones never recur)."""
    store.conn.execute("DELETE FROM reminders_sent WHERE sent_at < ?", (before,))
