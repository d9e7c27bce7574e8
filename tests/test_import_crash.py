"""A killed import leaves the old rows or old + all new: nothing in between.

Marked slow (kills at random moments): python -m pytest -m slow tests/test_import_crash.py
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Invoke

ROWS = 6000


def linkedin_file(path: Path) -> None:
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [
        f"Test,Person{i},https://www.linkedin.com/in/p{i},,Initech,AE,01 Mar 2024"
        for i in range(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        return int(conn.execute("SELECT count(*) FROM contacts").fetchone()[0])
    finally:
        conn.close()


# A loop of kills at random moments, like the kill loops of test_crash.py it is
# marked slow; the default run kills an import in the middle of its write there
# (test_sigkill_in_the_middle_of_a_large_write), and test_import.py checks that a
# file imported again adds and updates nothing.
@pytest.mark.slow
def test_sigkill_during_import(dana: Path, wt: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "Connections.csv"
    linkedin_file(source)
    rng = random.Random(4)
    command = [sys.executable, "-m", "wintogether", "import", str(source)]
    outcomes = set()
    for _ in range(4):
        proc = subprocess.Popen(
            command, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        time.sleep(rng.uniform(0.2, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        found = count(dana)
        assert found in (2, 2 + ROWS), found
        outcomes.add(found)
        if found == 2 + ROWS:
            break
    finished = subprocess.run(
        command, env=os.environ.copy(), capture_output=True, text=True, check=False
    )
    assert finished.returncode == 0, finished.stderr
    assert count(dana) == 2 + ROWS
    again = subprocess.run(
        command, env=os.environ.copy(), capture_output=True, text=True, check=False
    )
    assert "0 added, 0 updated" in again.stderr
    assert count(dana) == 2 + ROWS
    assert 2 in outcomes  # at least one kill landed mid-import and left nothing
