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


def main() -> None:
    import typer

    from wintogether.cli.app import app

    # Converted to a Click command once, as Typer does on every start.
    command = typer.main.get_command(app)

    with open(sys.argv[1], encoding="utf-8") as handle:
        plan = json.load(handle)
    db = os.environ["WINTOGETHER_DB"]
    # The database as the last read left it: nothing else writes to it between
    # two commands, so after a read it is the next read's "before".
    after_read = ""
    for index, (args, read) in enumerate(plan):
        before = (after_read or fingerprint(db)) if read else ""
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
        after_read = fingerprint(db) if read else ""
        changed = int(read and after_read != before)
        sys.stdout.write(f"\n@@FUZZ {index} exit={code} changed={changed} tb={escaped}@@\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
