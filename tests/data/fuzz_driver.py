"""Runs many `wt` commands in one process, for tests/test_fuzz_terminal.py.

Each command goes through the CLI's Click command, as ``main()`` runs it (with
every command registered, converted once: ``main()`` converts only the one it
is about to run), with the real stdout and stderr (a pseudo-terminal or pipes); a marker line after each
gives its exit code, whether the database changed, and the type of any
exception that escaped (a traceback).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time


def fingerprint(db: str) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        conn.close()


def file_state(db: str) -> bytes | None:
    """The database file's bytes when nothing of it is in a WAL file (the last
    connection to close moves its WAL into the file and removes it); None when
    there is one, and only the rows can tell."""
    if os.path.exists(f"{db}-wal"):
        return None
    with open(db, "rb") as handle:
        return handle.read()


def fingerprint_of(data: bytes) -> str:
    """The fingerprint of a database file held as bytes (with no WAL beside it)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "before.db")
        with open(path, "wb") as handle:
            handle.write(data)
        return fingerprint(path)


def main() -> None:
    import typer

    from wintogether.cli.app import app

    # Converted to a Click command once, as Typer does on every start.
    command = typer.main.get_command(app)

    with open(sys.argv[1], encoding="utf-8") as handle:
        plan = json.load(handle)
    db = os.environ["WINTOGETHER_DB"]
    for index, (args, read) in enumerate(plan):
        # Did a read change the database? The same bytes before and after mean
        # the same rows; other bytes are compared row by row (fingerprints).
        before_file = file_state(db) if read else None
        before = fingerprint(db) if read and before_file is None else ""
        started = time.perf_counter()
        code, escaped = 0, ""
        try:
            command.main(args=args, prog_name="wt")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException as exc:  # reported: that is the point
            code, escaped = -1, type(exc).__name__
        sys.stdout.flush()
        sys.stderr.flush()
        if os.environ.get("FUZZ_TIMES"):  # a file to write each command's time to
            with open(os.environ["FUZZ_TIMES"], "a", encoding="utf-8") as times:
                times.write(f"{time.perf_counter() - started:.3f} {args[:2]}\n")
        changed = 0
        if read and (before_file is None or file_state(db) != before_file):
            if before_file is not None:
                before = fingerprint_of(before_file)
            changed = int(fingerprint(db) != before)
        sys.stdout.write(f"\n@@FUZZ {index} exit={code} changed={changed} tb={escaped}@@\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
