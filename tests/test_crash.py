"""Kills and full disks: the database holds the old rows or old + all new, never half.

The default run kills once, in the middle of the write; the kill loops (a few
kills at random moments, and the long one) are marked slow:

    python -m pytest -m slow tests/test_crash.py
"""

from __future__ import annotations

import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reliability import count, dump_hash, health, one_line_error, run_cli
from wintogether.store import open_store


def _linkedin_export(folder: Path, n: int) -> Path:
    """A LinkedIn Connections.csv of ``n`` people nobody has seen yet."""
    path = folder / f"Connections-{n}.csv"
    if not path.exists():
        rows = "".join(
            f"Bulk,Person {i},https://www.linkedin.com/in/bulk-{i},,Crashco,Buyer,01 Mar 2024\n"
            for i in range(n)
        )
        path.write_text(
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + rows,
            encoding="utf-8",
        )
    return path


def _bulk(db: Path, n: int) -> subprocess.Popen[bytes]:
    """The real `wt import` of a large file: one transaction, all or nothing."""
    source = _linkedin_export(db.parent, n)
    return subprocess.Popen(
        [sys.executable, "-m", "wintogether", "--db", str(db), "import", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _reset(db: Path, pristine: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(pristine, db)


def _kill_loop(dana: Path, tmp_path: Path, kills: int, n: int, seed: int) -> dict[str, int]:
    pristine = tmp_path / "pristine.db"
    shutil.copyfile(dana, pristine)
    old = count(dana, "SELECT count(*) FROM contacts")
    # How long one complete run takes here, so kills spread over all of it.
    started = time.monotonic()
    full = _bulk(dana, n)
    assert full.wait(timeout=300) == 0, full.stderr.read() if full.stderr else ""
    duration = time.monotonic() - started
    assert count(dana, "SELECT count(*) FROM contacts") == old + n
    rng = random.Random(seed)
    seen = {"old": 0, "old+new": 0}
    tries = 0
    # The kills spread over the whole run; should none of them land before the
    # commit (the first, timed run slowed by other work), one more is made
    # while the transaction is being written (its WAL growing).
    while tries < kills or (seen["old"] == 0 and tries == kills):
        tries += 1
        _reset(dana, pristine)
        child = _bulk(dana, n)
        if tries <= kills:
            time.sleep(rng.uniform(0.05, duration * 1.1))
        else:
            _wait_for_wal(dana, child)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        # The program opens it (recovering the WAL), and it is sound.
        store, _ = open_store(dana)
        store.close()
        assert health(dana) == []
        rows = count(dana, "SELECT count(*) FROM contacts")
        bulk = count(dana, "SELECT count(*) FROM contacts WHERE company = 'Crashco'")
        urls = count(dana, "SELECT count(*) FROM contact_urls WHERE url LIKE '%/bulk-%'")
        imports = count(dana, "SELECT count(*) FROM journal_commands WHERE name = 'import'")
        assert (rows, bulk, urls, imports) in ((old, 0, 0, 0), (old + n, n, n, 1))
        seen["old" if rows == old else "old+new"] += 1
    # Rerunning to completion is idempotent.
    for _ in range(2):
        rerun = _bulk(dana, n)
        assert rerun.wait(timeout=300) == 0
        assert count(dana, "SELECT count(*) FROM contacts") == old + n
    assert health(dana) == []
    return seen


def _wait_for_wal(db: Path, child: subprocess.Popen[bytes]) -> None:
    """Until the write's transaction is under way (its WAL past 1 MB)."""
    wal = Path(f"{db}-wal")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        if wal.exists() and wal.stat().st_size > 1024 * 1024:
            break
        time.sleep(0.005)
    assert child.poll() is None, "the import finished before it could be killed"


def test_sigkill_in_the_middle_of_a_large_write(dana: Path) -> None:
    """One kill while the import is writing its transaction (the WAL grows)."""
    n = 5_000
    old = count(dana, "SELECT count(*) FROM contacts")
    before = dump_hash(dana)
    child = _bulk(dana, n)
    _wait_for_wal(dana, child)
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=60) == -signal.SIGKILL
    # The program opens it (recovering the WAL), and it is sound and unchanged.
    store, _ = open_store(dana)
    store.close()
    assert health(dana) == []
    assert count(dana, "SELECT count(*) FROM contacts") == old
    assert count(dana, "SELECT count(*) FROM journal_commands WHERE name = 'import'") == 0
    assert dump_hash(dana) == before
    # Run again, it completes.
    rerun = _bulk(dana, n)
    assert rerun.wait(timeout=300) == 0
    assert count(dana, "SELECT count(*) FROM contacts") == old + n
    assert health(dana) == []


@pytest.mark.slow
def test_sigkill_during_large_write(dana: Path, tmp_path: Path) -> None:
    seen = _kill_loop(dana, tmp_path, kills=4, n=20_000, seed=20261128)
    assert seen["old"] >= 1  # the kills really interrupted the write


@pytest.mark.slow
def test_sigkill_during_large_write_long(dana: Path, tmp_path: Path) -> None:
    seen = _kill_loop(dana, tmp_path, kills=60, n=50_000, seed=7)
    assert seen["old"] >= 10


# -- disk full -------------------------------------------------------------------


def _limit(max_bytes: int) -> object:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


def test_disk_full_during_database_write(dana: Path) -> None:
    before = dump_hash(dana)
    limit = dana.stat().st_size + 128 * 1024
    note = ("Long meeting notes. " * 45_000)[:900_000].encode()
    proc = run_cli("log", "dana", "-", input=note, preexec_fn=_limit(limit))  # type: ignore[arg-type]
    assert proc.exit_code == 3
    message = one_line_error(proc.stderr)
    assert "disk" in message.lower()
    assert "nothing was saved" in message
    assert proc.stdout == ""
    assert dump_hash(dana) == before
    assert health(dana) == []
    # and the next write (with room again) works
    assert run_cli("log", "dana", "short note").exit_code == 0


def test_disk_full_during_backup_leaves_no_file(dana: Path) -> None:
    before = dump_hash(dana)
    folder = dana.parent / "backups"
    proc = run_cli("backup", preexec_fn=_limit(64 * 1024))  # type: ignore[arg-type]
    assert proc.exit_code != 0
    message = one_line_error(proc.stderr)
    assert "backup failed" in message.lower() or "disk is full" in message.lower()
    assert proc.stdout == ""
    assert list(folder.iterdir()) == [] if folder.exists() else True
    assert dump_hash(dana) == before
    assert health(dana) == []


ATOMIC = """
import sys
from pathlib import Path
from wintogether.errors import WintogetherError
from wintogether.files import atomic_write

try:
    atomic_write(Path(sys.argv[1]), "y" * 2_000_000, overwrite=True)
except WintogetherError as exc:
    print(exc.message, file=sys.stderr)
    sys.exit(exc.exit_code)
"""


def test_disk_full_during_file_write_keeps_the_old_file(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "export.csv"
    target.write_text("old content\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", ATOMIC, str(target)],
        capture_output=True,
        preexec_fn=_limit(256 * 1024),  # type: ignore[arg-type]
        check=False,
    )
    assert proc.returncode == 1
    stderr = proc.stderr.decode()
    assert "Traceback" not in stderr
    assert stderr.strip() == f"The disk is full: {target} was not written."
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert sorted(p.name for p in folder.iterdir()) == ["export.csv"]


# The WAL passes the mark early in the import's transaction (a 10,000-row
# import's WAL grows to about 14 MB): the Ctrl-C lands while it is writing.
@pytest.mark.parametrize(
    ("rows", "mark_mb"), [(10_000, 1), pytest.param(60_000, 2, marks=pytest.mark.slow)]
)
def test_ctrl_c_during_large_import_rolls_back(dana: Path, rows: int, mark_mb: int) -> None:
    old = count(dana, "SELECT count(*) FROM contacts")
    before = dump_hash(dana)
    wal = Path(f"{dana}-wal")
    child = _bulk(dana, rows)
    # Wait until the import is writing its transaction (the WAL grows), then Ctrl-C.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        if wal.exists() and wal.stat().st_size > mark_mb * 1024 * 1024:
            break
        time.sleep(0.01)
    assert child.poll() is None, "the import finished before it could be interrupted"
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130
    assert stderr.decode().strip() == "Interrupted: nothing was saved."
    assert count(dana, "SELECT count(*) FROM contacts") == old
    assert dump_hash(dana) == before
    assert health(dana) == []


def test_a_ctrl_c_whose_exception_was_swallowed_still_rolls_back(dana: Path) -> None:
    """Python drops a KeyboardInterrupt raised inside a finalizer ("Exception
    ignored"): the Ctrl-C is remembered all the same and the import's
    transaction is rolled back at its COMMIT, not saved."""
    old = count(dana, "SELECT count(*) FROM contacts")
    before = dump_hash(dana)
    source = _linkedin_export(dana.parent, 200)
    probe = dana.parent / "probe.py"
    probe.write_text(
        "import sys\n"
        "from wintogether import interrupt\n"
        "from wintogether.store import importing as import_store\n"
        "real = import_store.record_import\n"
        "def pressed_and_lost(*args, **kwargs):  # inside the import's transaction\n"
        "    try:\n"
        "        interrupt._handler(2, None)\n"
        "    except KeyboardInterrupt:\n"
        "        pass  # as Python does when it is raised in a finalizer\n"
        "    return real(*args, **kwargs)\n"
        "import_store.record_import = pressed_and_lost\n"
        "from wintogether.cli import main\n"
        f"sys.argv = ['wt', '--db', {str(dana)!r}, 'import', {str(source)!r}]\n"
        "main()\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr.strip()) == (130, "Interrupted: nothing was saved.")
    assert count(dana, "SELECT count(*) FROM contacts") == old
    assert dump_hash(dana) == before
