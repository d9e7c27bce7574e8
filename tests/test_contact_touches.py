"""Who was in which conversation, by time (store/touches.py): kept by triggers in
the transaction of every write, equal to the conversations whatever the writes;
and what `wt path` and `wt company` read from it equals a count from the
conversations themselves."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NOW, Invoke
from test_standings import MOMENTS, NAMES, OPS, import_file, run
from wintogether.clock import from_utc_iso
from wintogether.domain import accounts
from wintogether.store import open_store, touches

__all__ = ["import_file"]  # the fixture, shared with test_standings


def check(db: Path) -> None:
    store, _ = open_store(db)
    try:
        assert touches.kept(store) == touches.recomputed(store)
        assert touches.problems(store) == []
    finally:
        store.close()


name = st.sampled_from(NAMES)
TOUCH_OPS = st.one_of(
    OPS,
    st.tuples(st.just("log with"), name, name, st.sampled_from(MOMENTS)),
    st.tuples(st.just("move"), st.integers(1, 6), st.sampled_from(MOMENTS)),
    st.tuples(st.just("regroup"), st.integers(1, 6), name),
)


def run_touch(wt: Invoke, op: tuple[object, ...], import_file: Path) -> None:
    if op[0] == "log with":
        wt("log", str(op[1]), "a meeting", "--with", str(op[2]), "--at", str(op[3]), ok=False)
    elif op[0] == "move":
        wt("conversation", "edit", str(op[1]), "--at", str(op[2]), ok=False)
    elif op[0] == "regroup":
        wt("conversation", "edit", str(op[1]), "--with", str(op[2]), ok=False)
    else:
        run(wt, op, import_file)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(TOUCH_OPS, min_size=1, max_size=15))
def test_kept_touches_equal_the_conversations_after_any_writes(
    db: Path, wt: Invoke, import_file: Path, ops: list[tuple[object, ...]]
) -> None:
    for person in NAMES:
        wt("add", person, ok=False)
    for op in ops:
        run_touch(wt, op, import_file)
        check(db)


def test_each_kind_of_conversation_write_is_followed(db: Path, wt: Invoke) -> None:
    for person in ("Ana Lima", "Bo Chen", "Cy Diaz"):
        wt("add", person)
    steps = [
        ["log", "Ana Lima", "call", "--at", "2026-03-01 10:00"],
        ["log", "Ana Lima", "meeting", "--with", "Bo Chen", "--at", "2026-04-01 10:00"],
        ["conversation", "edit", "2", "--at", "2026-05-01 10:00"],
        ["conversation", "edit", "2", "--with", "Cy Diaz"],
        ["merge", "Ana Lima", "Cy Diaz"],
        ["undo"],
        ["conversation", "delete", "1"],
        ["undo"],
        ["forget", "Bo Chen", "--yes"],
    ]
    for step in steps:
        wt(*step, input="y\n")
        check(db)
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT c.name, t.happened_at FROM contact_touches t"
            " JOIN contacts c ON c.id = t.contact_id ORDER BY 1, 2"
        ).fetchall()
    assert rows == [
        ("Ana Lima", "2026-03-01T10:00:00Z"),
        ("Cy Diaz", "2026-05-01T10:00:00Z"),  # moved, then only Cy was there
    ]


def test_problems_are_found_and_a_rebuild_mends_them(db: Path, wt: Invoke) -> None:
    wt("add", "Ana Lima")
    wt("log", "Ana Lima", "call", "--at", "2026-03-01 10:00")
    wt("log", "Ana Lima", "call", "--at", "2026-04-01 10:00")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE contact_touches SET happened_at = '2020-01-01T00:00:00Z'")
    store, _ = open_store(db)
    try:
        assert touches.problems(store) == [
            "The kept conversation times of 1 contact differ from their conversations."
        ]
        with store.write():
            touches.rebuild(store)
        assert touches.problems(store) == []
        assert touches.kept(store) == touches.recomputed(store)
    finally:
        store.close()


def test_migration_fills_the_touches_of_an_existing_database(tmp_path: Path) -> None:
    """A database from before m017 gets its touches when it is opened."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    from wintogether.store import migrations
    from wintogether.store.connection import APPLICATION_ID

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA trusted_schema = ON")
    before = Migrations(migrations.MIGRATION_SET)
    earlier = [name for name, _ in migrations.MIGRATIONS].index("m017_contact_touches")
    for name_, function in migrations.MIGRATIONS[:earlier]:
        before(name=name_)(function)
    before.apply(Database(conn))
    conn.execute(f"PRAGMA user_version = {earlier}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for n in (1, 2):
        conn.execute(
            "INSERT INTO contacts (id, uid, name, created_at, updated_at)"
            " VALUES (?, ?, ?, '2025-01-01T00:00:00Z', 'x')",
            (n, f"c{n}", f"P {n}"),
        )
    for n, at, people in ((1, "2026-01-05T10:00:00Z", (1, 2)), (2, "2026-02-05T10:00:00Z", (2,))):
        conn.execute(
            "INSERT INTO interactions (id, uid, happened_at, channel, note, created_at,"
            " updated_at) VALUES (?, ?, ?, 'call', 'x', 'x', 'x')",
            (n, f"i{n}", at),
        )
        for cid in people:
            conn.execute(
                "INSERT INTO interaction_participants (uid, interaction_id, contact_id,"
                " updated_at) VALUES (?, ?, ?, 'x')",
                (f"p{n}{cid}", n, cid),
            )
    conn.close()
    store, _ = open_store(path)
    try:
        assert touches.kept(store) == [
            (1, "2026-01-05T10:00:00Z", 1),
            (2, "2026-01-05T10:00:00Z", 1),
            (2, "2026-02-05T10:00:00Z", 2),
        ]
        assert touches.touches_since(store, [1, 2], "2026-01-06") == {2: 1}
        # The conversation with both of them is there once.
        assert touches.conversation_times(store, [1, 2], "2026-01-01") == [
            "2026-01-05T10:00:00Z",
            "2026-02-05T10:00:00Z",
        ]
    finally:
        store.close()


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Australia/Lord_Howe"])
def test_reads_equal_a_count_from_the_conversations(
    db: Path, wt: Invoke, zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each conversation in its local month as Python reads its moment (daylight
    saving included: New York's and Lord Howe's half-hour change)."""
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    for person in NAMES:
        wt("add", person)
    # Those before the day of "now" everywhere (it is 05:00 there in New York).
    for index, moment in enumerate(m for m in MOMENTS if m < "2026-11-28"):
        wt("log", NAMES[index % 4], "call", "--with", NAMES[(index + 1) % 4], "--at", moment)
    since = "2025-12-01T00:00:00Z"
    store, _ = open_store(db)
    try:
        ids = [1, 2, 3]
        by_month: dict[str, set[int]] = {}
        for conversation, at in store.conn.execute(
            "SELECT DISTINCT i.id, i.happened_at"
            " FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id"
            " WHERE p.contact_id IN (1, 2, 3) AND i.happened_at >= ?",
            (since,),
        ):
            by_month.setdefault(from_utc_iso(at).strftime("%Y-%m"), set()).add(conversation)
        expected_months = {month: len(held) for month, held in by_month.items()}
        expected_touches = dict(
            store.conn.execute(
                "SELECT p.contact_id, count(*) FROM interaction_participants p"
                " JOIN interactions i ON i.id = p.interaction_id"
                " WHERE p.contact_id IN (1, 2, 3) AND i.happened_at >= ? GROUP BY 1",
                (since,),
            ).fetchall()
        )
        assert expected_months and expected_touches
        times = touches.conversation_times(store, ids, since)
        assert len(times) == sum(expected_months.values()) and times == sorted(times)
        now = from_utc_iso(NOW)
        shown = accounts.per_month(times, now)
        assert [m for m, _ in shown][-1] == now.strftime("%Y-%m") and len(shown) == 12
        assert {m: n for m, n in shown if n} == {
            m: n for m, n in expected_months.items() if shown[0][0] <= m <= shown[-1][0]
        }
        assert touches.touches_since(store, ids, since) == expected_touches
    finally:
        store.close()
