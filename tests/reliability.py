"""Helpers for the reliability tests: running the real CLI, fingerprints, checks."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wintogether.store.migrations import LATEST_VERSION


@dataclass
class Proc:
    args: list[str]
    exit_code: int
    stdout: str
    stderr: str


def run_cli(
    *args: str | bytes,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
    timeout: float = 60,
) -> Proc:
    """The real CLI in a child process: `python -m wintogether ARGS`."""
    completed = subprocess.run(
        [sys.executable, "-m", "wintogether", *args],
        input=input if input is not None else b"",
        capture_output=True,
        env=env if env is not None else dict(os.environ),
        timeout=timeout,
        preexec_fn=preexec_fn,
        check=False,
    )
    return Proc(
        [a if isinstance(a, str) else os.fsdecode(a) for a in args],
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
    )


BATCH = Path(__file__).parent / "data" / "cli_batch.py"


def run_cli_batch(
    *commands: Sequence[str],
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
    timeout: float = 60,
) -> list[Proc]:
    """Several commands of the real CLI in one child process (data/cli_batch.py),
    each run as the command line runs it: what each one did, in order."""
    import json

    completed = subprocess.run(
        [sys.executable, str(BATCH), json.dumps([list(args) for args in commands])],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env if env is not None else dict(os.environ),
        timeout=timeout,
        preexec_fn=preexec_fn,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode("utf-8", "replace")
    return [
        Proc(list(args), run["exit_code"], run["stdout"], run["stderr"])
        for args, run in zip(commands, json.loads(completed.stdout), strict=True)
    ]


def dump_hash(db: Path) -> str:
    """A fingerprint of every row and schema object (``iterdump``)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        conn.close()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_error(stderr: str) -> str:
    """Assert ``stderr`` is exactly one "Error: ..." line with no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    return lines[0]


def open_plain(db: Path) -> sqlite3.Connection:
    """A plain connection that can also write to the full-text indexes."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=30)
    conn.execute("PRAGMA trusted_schema = ON")
    return conn


def health(db: Path) -> list[str]:
    """Problems found by integrity, foreign key and full-text checks; [] when sound."""
    conn = open_plain(db)
    problems: list[str] = []
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            problems.append(f"integrity: {rows[:3]}")
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign keys: {fk[:3]}")
        for (table,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%FTS5%'"
        ).fetchall():
            try:
                conn.execute(f"INSERT INTO [{table}]([{table}], rank) VALUES('integrity-check', 1)")
            except sqlite3.Error as exc:
                problems.append(f"{table}: {exc}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != LATEST_VERSION:
            problems.append(f"schema version {version}")
    finally:
        conn.close()
    return problems


def count(db: Path, sql: str, params: Sequence[Any] = ()) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


# -- concurrency workload ------------------------------------------------------


@dataclass
class Outcome:
    worker: int
    kind: str  # init, add, dup, log, bulk, read, raw
    key: str
    exit_code: int
    stderr: str


#: Contacts each concurrent worker brings in with `wt import`.
IMPORTED_PER_WORKER = 3


def cli_worker(worker: int, rounds: int, env: dict[str, str], barrier: Any, out: str) -> None:
    """One of the concurrent processes: runs the real CLI many times."""
    import json

    outcomes: list[Outcome] = []

    def run(kind: str, key: str, *args: str) -> None:
        proc = run_cli(*args, env=env, timeout=120)
        outcomes.append(Outcome(worker, kind, key, proc.exit_code, proc.stderr))

    barrier.wait()
    if worker < 2:  # two first runs at once: both create and migrate
        run("init", "init", "init")
    barrier.wait()
    run("dup", "Shared Hub", "add", "Shared Hub", "--company", "Hub Co")
    barrier.wait()
    # A small import at the same time as everyone else's writes.
    export = Path(out).with_name(f"Connections-{worker}.csv")
    export.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        + "".join(
            f"Imported,W{worker}N{n},https://www.linkedin.com/in/w{worker}n{n},,Acme,Buyer,"
            f"0{n + 1} Jan 2024\n"
            for n in range(IMPORTED_PER_WORKER)
        ),
        encoding="utf-8",
    )
    run("import", str(export), "import", str(export))
    for r in range(rounds):
        name = f"Person W{worker}R{r} Zq{worker}x{r}"
        run("add", name, "add", name, "--email", f"p{worker}-{r}@example.com", "--tag", "load")
        run("log", f"{worker}-{r}", "log", "Shared Hub", f"hub note {worker}-{r}")
        run("dup", f"Race {r}", "add", f"Race {r}")
        run("read", "contacts", "contacts", "--json")
        run(
            "bulk",
            f"{worker}-{r}",
            "log",
            name,
            f"bulk note {worker}-{r}",
            "--with",
            "Shared Hub",
            "--follow-up",
            "fri",
        )
        run("read", "show", "show", "Shared Hub", "--json")
    Path(out).write_text(json.dumps([o.__dict__ for o in outcomes]), encoding="utf-8")


def raw_worker(worker: int, rounds: int, db: str, immediate: bool, barrier: Any, out: str) -> None:
    """The same read-then-write pattern straight on sqlite3, BEGIN chosen by the test."""
    import json
    import time

    conn = sqlite3.connect(db, isolation_level=None, timeout=5)
    conn.execute("PRAGMA trusted_schema = ON")
    outcomes: list[Outcome] = []
    barrier.wait()
    for r in range(rounds):
        name = f"Raw {'I' if immediate else 'D'} W{worker}R{r}"
        try:
            conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            conn.execute("SELECT count(*) FROM contacts WHERE name = ?", (name,)).fetchone()
            time.sleep(0.002)
            conn.execute(
                "INSERT INTO contacts (uid, name, created_at, updated_at)"
                " VALUES (?, ?, '2026-11-28T10:00:00Z', '2026-11-28T10:00:00Z')",
                (f"raw-{immediate}-{worker}-{r}", name),
            )
            conn.execute("COMMIT")
            outcomes.append(Outcome(worker, "raw", name, 0, ""))
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            outcomes.append(Outcome(worker, "raw", name, 3, f"Error: {exc}"))
    conn.close()
    Path(out).write_text(json.dumps([o.__dict__ for o in outcomes]), encoding="utf-8")


def load_outcomes(folder: Path) -> list[Outcome]:
    import json

    out = []
    for path in sorted(folder.glob("worker-*.json")):
        out.extend(Outcome(**item) for item in json.loads(path.read_text(encoding="utf-8")))
    return out


def workload_problems(
    outcomes: list[Outcome], db: Path, expected: dict[str, int], names: list[str]
) -> list[str]:
    """Everything that shows a lost or failed write; [] when the run was perfect.

    ``expected`` maps a SQL count query to its exact expected value; ``names``
    must each be found through the contacts full-text index.
    """
    problems: list[str] = []
    for o in outcomes:
        if "Traceback" in o.stderr:
            # The last lines name the exception and where it was raised.
            tail = " | ".join(line.strip() for line in o.stderr.strip().splitlines()[-3:])
            problems.append(f"traceback in {o.kind} {o.key}: {tail}")
        if o.kind != "dup" and o.exit_code != 0:
            problems.append(f"{o.kind} {o.key} exited {o.exit_code}: {o.stderr.strip()[:200]}")
    by_name: dict[str, list[Outcome]] = {}
    for o in outcomes:
        if o.kind == "dup":
            by_name.setdefault(o.key, []).append(o)
    for name, runs in by_name.items():
        winners = [o for o in runs if o.exit_code == 0]
        others = [o for o in runs if o.exit_code != 0]
        if len(winners) != 1:
            problems.append(f"{name!r} added {len(winners)} times")
        for o in others:
            if o.exit_code != 1 or "already here" not in o.stderr:
                problems.append(f"duplicate {name!r} exited {o.exit_code}: {o.stderr.strip()}")
    if not db.exists():
        return [*problems, "no database"]
    for sql, value in expected.items():
        actual = count(db, sql)
        if actual != value:
            problems.append(f"{sql}: {actual}, expected {value}")
    problems.extend(health(db))
    conn = open_plain(db)
    try:
        for name in names:
            quoted = " ".join('"' + word.replace('"', '""') + '"' for word in name.split())
            hits = conn.execute(
                "SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH ?", (quoted,)
            ).fetchone()[0]
            if hits != 1:
                problems.append(f"{name!r} found {hits} times by search")
    finally:
        conn.close()
    return problems


def first_open_worker(paths: list[str], barrier: Any, out: str) -> None:
    """Open (creating) each database in ``paths`` at the same moment as the others."""
    import json

    from wintogether.errors import WintogetherError
    from wintogether.store import open_store

    failures: list[str] = []
    for path in paths:
        barrier.wait()
        try:
            store, _ = open_store(Path(path), create=True)
            store.close()
        except WintogetherError as exc:
            failures.append(f"{path}: {exc.message}")
    Path(out).write_text(json.dumps(failures), encoding="utf-8")
