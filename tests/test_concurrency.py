"""Several processes at once: nothing lost, nothing doubled, nothing locked out.

The default run has two processes race through one round of every command,
and four through the negative control; eight processes (one round, then many,
and the negative control at twice the rounds) are marked slow:

    python -m pytest -m slow tests/test_concurrency.py
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reliability import (
    IMPORTED_PER_WORKER,
    Outcome,
    cli_worker,
    count,
    dump_hash,
    first_open_worker,
    load_outcomes,
    one_line_error,
    raw_worker,
    run_cli,
    workload_problems,
)

WORKERS = 8


def _start(target: object, args_for: list[tuple[object, ...]]) -> None:
    spawn = multiprocessing.get_context("spawn")
    procs = [spawn.Process(target=target, args=args) for args in args_for]  # type: ignore[arg-type]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=600)
        assert proc.exitcode == 0, f"worker died with {proc.exitcode}"


def _run_cli_workload(tmp_path: Path, rounds: int, workers: int) -> tuple[list[Outcome], Path]:
    db = Path(os.environ["WINTOGETHER_DB"])
    assert not db.exists()
    out = tmp_path / "outcomes"
    out.mkdir()
    barrier = multiprocessing.get_context("spawn").Barrier(workers)
    env = dict(os.environ)
    _start(
        cli_worker,
        [(w, rounds, env, barrier, str(out / f"worker-{w}.json")) for w in range(workers)],
    )
    return load_outcomes(out), db


def _expected(rounds: int, workers: int) -> dict[str, int]:
    n = workers * rounds
    imported = workers * IMPORTED_PER_WORKER
    return {
        # the hub, one person per worker and round, one race winner per round, imports
        "SELECT count(*) FROM contacts": 1 + n + rounds + imported,
        "SELECT count(*) FROM contact_urls": imported,
        "SELECT count(*) FROM imports": workers,
        "SELECT count(*) FROM contact_emails": n,
        "SELECT count(*) FROM interactions": 2 * n,
        "SELECT count(*) FROM interaction_participants": 3 * n,
        "SELECT count(*) FROM promises": n,
        "SELECT count(*) FROM interactions WHERE note LIKE 'hub note %'": n,
        # every successful write command is one journal command
        "SELECT count(*) FROM journal_commands": 1 + n + rounds + 2 * n + workers,
        # (companies: the imported contacts name companies, made records on the way)
        "SELECT count(DISTINCT tbl) FROM journal": 10,
    }


def _names(rounds: int, workers: int) -> list[str]:
    people = [f"Person W{w}R{r} Zq{w}x{r}" for w in range(workers) for r in range(rounds)]
    imported = [f"Imported W{w}N{n}" for w in range(workers) for n in range(IMPORTED_PER_WORKER)]
    return ["Shared Hub", *people, *(f"Race {r}" for r in range(rounds)), *imported]


def _check_cli_run(tmp_path: Path, rounds: int, workers: int = WORKERS) -> None:
    outcomes, db = _run_cli_workload(tmp_path, rounds, workers)
    assert len(outcomes) == 2 + workers * (2 + 6 * rounds)
    problems = workload_problems(outcomes, db, _expected(rounds, workers), _names(rounds, workers))
    assert problems == []
    # the hub saw every conversation: its last touch is the latest one
    assert count(db, "SELECT count(*) FROM contacts WHERE last_touch_at IS NOT NULL") == (
        1 + workers * rounds
    )


def test_two_processes_lose_nothing(tmp_path: Path) -> None:
    _check_cli_run(tmp_path, rounds=1, workers=2)


@pytest.mark.slow
def test_eight_processes_lose_nothing(tmp_path: Path) -> None:
    _check_cli_run(tmp_path, rounds=1)


@pytest.mark.slow
def test_eight_processes_lose_nothing_long(tmp_path: Path) -> None:
    _check_cli_run(tmp_path, rounds=12)


def _raw_workload(
    tmp_path: Path, db: Path, immediate: bool, rounds: int, workers: int = WORKERS
) -> list[str]:
    out = tmp_path / ("immediate" if immediate else "deferred")
    out.mkdir()
    before = count(db, "SELECT count(*) FROM contacts")
    barrier = multiprocessing.get_context("spawn").Barrier(workers)
    _start(
        raw_worker,
        [
            (w, rounds, str(db), immediate, barrier, str(out / f"worker-{w}.json"))
            for w in range(workers)
        ],
    )
    outcomes = load_outcomes(out)
    expected = {"SELECT count(*) FROM contacts": before + workers * rounds}
    names = [o.key for o in outcomes]
    return workload_problems(outcomes, db, expected, names)


# Four processes of twenty rounds already make most of the deferred writes fail
# (about 60 of 80 here); the eight of forty rounds are marked slow.
@pytest.mark.parametrize(
    ("workers", "rounds"), [(4, 20), pytest.param(WORKERS, 40, marks=pytest.mark.slow)]
)
def test_negative_control_deferred_begin_is_caught(
    tmp_path: Path, db: Path, workers: int, rounds: int
) -> None:
    """The same checks catch the failures a deferred BEGIN causes (and pass with IMMEDIATE)."""
    deferred = _raw_workload(tmp_path, db, immediate=False, rounds=rounds, workers=workers)
    assert any("database is locked" in p for p in deferred), deferred
    assert any("contacts" in p and "expected" in p for p in deferred), deferred
    immediate = _raw_workload(tmp_path, db, immediate=True, rounds=rounds, workers=workers)
    assert immediate == []


def test_lock_held_past_busy_timeout_exits_3(dana: Path) -> None:
    before = dump_hash(dana)
    holder = sqlite3.connect(dana, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        proc = run_cli(
            "log",
            "dana",
            "blocked note",
            env={**os.environ, "WINTOGETHER_BUSY_TIMEOUT_MS": "300"},
        )
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.exit_code == 3
    assert "database is busy" in one_line_error(proc.stderr)
    assert proc.stdout == ""
    assert waited >= 0.3
    assert dump_hash(dana) == before


def test_two_first_runs_of_an_old_database_migrate_once(tmp_path: Path) -> None:
    from test_migrations import make_v1_database

    db = Path(os.environ["WINTOGETHER_DB"])
    make_v1_database(db)
    # Each child says it is ready (imports done), then waits for the go: both
    # open the old database within a millisecond of each other.
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from wintogether.store import open_store\n"
        "go = Path(sys.argv[2])\n"
        "Path(sys.argv[3]).touch()\n"
        "while not go.exists():\n"
        "    time.sleep(0.001)\n"
        "store, _ = open_store(Path(sys.argv[1]))\n"
        "store.close()\n"
    )
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in range(2)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(db), str(go), str(mark)], stderr=subprocess.PIPE
        )
        for mark in ready
    ]
    deadline = time.monotonic() + 60
    while not all(mark.exists() for mark in ready) and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break  # one died before it was ready: its error is shown below
        time.sleep(0.001)
    go.touch()
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    assert (
        count(db, "SELECT count(*) FROM _sqlite_migrations WHERE name = 'm003_change_journal'") == 1
    )
    assert count(db, "SELECT count(*) FROM _sqlite_migrations") == count(
        db, "SELECT count(DISTINCT name) FROM _sqlite_migrations"
    )
    assert count(db, "SELECT count(*) FROM contacts") == 3


def test_first_runs_at_the_same_moment_both_succeed(tmp_path: Path) -> None:
    """Creating a database switches it to WAL, which SQLite refuses at once (no
    busy handler) while another process does the same: the open must wait."""
    import json

    paths = [str(tmp_path / f"fresh-{n}.db") for n in range(30)]
    barrier = multiprocessing.get_context("spawn").Barrier(3)
    outs = [tmp_path / f"first-{w}.json" for w in range(3)]
    _start(first_open_worker, [(paths, barrier, str(out)) for out in outs])
    failures = [f for out in outs for f in json.loads(out.read_text(encoding="utf-8"))]
    assert failures == []
    for path in paths:
        assert count(Path(path), "PRAGMA user_version") > 0
