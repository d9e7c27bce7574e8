"""The benchmark machinery works at a tiny scale: no timing, only correctness.

A tiny database from benchmarks/generate.py; every command in
benchmarks/run.py's BENCHES that this `wt` has runs once through the real CLI
(a subprocess, as hyperfine runs it) and must exit 0 with sensible output: the
core commands (EXPECT) in the default run, the rest marked slow.
Timing targets live in benchmarks/run.py, never in tests.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"


def _load(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))  # run.py imports generate.py by name
    spec = importlib.util.spec_from_file_location(f"wt_bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


run_module = _load("run")
generate_module = _load("generate")

TINY = ("--contacts", "40", "--conversations", "300", "--promises", "120", "--ledger", "20")


def _generate(path: Path, *extra: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "generate.py"), str(path), *TINY, *extra],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr
    summary: dict[str, object] = json.loads(done.stdout)
    return summary


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    path = tmp_path_factory.mktemp("bench") / "tiny.db"
    return path, _generate(path)


DATA_TABLES = (
    "contacts",
    "contact_emails",
    "contact_phones",
    "contact_urls",
    "tags",
    "contact_tags",
    "interactions",
    "interaction_participants",
    "promises",
    "ledger",
)


def _content_hash(path: Path) -> str:
    """Every generated row (not the migration log, which records when it ran)."""
    conn = sqlite3.connect(path)
    digest = hashlib.sha256()
    for table in DATA_TABLES:
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY id"):
            digest.update(repr(tuple(row)).encode())
    conn.close()
    return digest.hexdigest()


def test_generator_makes_what_it_says(tiny: tuple[Path, dict[str, object]]) -> None:
    path, summary = tiny
    conn = sqlite3.connect(path)
    counts = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("contacts", "interactions", "promises", "ledger")
    }
    # Plan steps are promises too: one deal per 50 contacts, four to eight steps each.
    steps = conn.execute("SELECT count(*) FROM deal_steps").fetchone()[0]
    assert summary["deals"] == conn.execute("SELECT count(*) FROM deals").fetchone()[0] == 1
    assert 4 <= steps == summary["deal_steps"] <= 8
    assert counts == {
        "contacts": 40,
        "interactions": 300,
        "promises": 120 + steps,
        "ledger": 20,
    }
    assert summary["conversations"] == 300
    # Triggers ran (or were replayed): full-text index and last_touch_at are filled.
    assert conn.execute("SELECT count(*) FROM interactions_fts").fetchone()[0] == 300
    star = conn.execute("SELECT name, last_touch_at FROM contacts WHERE id = 1").fetchone()
    latest = conn.execute(
        "SELECT max(i.happened_at) FROM interactions i JOIN interaction_participants p"
        " ON p.interaction_id = i.id WHERE p.contact_id = 1"
    ).fetchone()[0]
    assert star == (summary["star"], latest)
    # The insert trigger for last_touch_at is back after the bulk load.
    triggers = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
    }
    assert "participants_touch_ai" in triggers
    # Ten years of history, none of it in the future.
    first, last = conn.execute(
        "SELECT min(happened_at), max(happened_at) FROM interactions"
    ).fetchone()
    assert first < "2021-01-01" and "2026-01-01" < last <= "2026-11-28T10:00:00Z"
    oldest = conn.execute("SELECT min(created_at) FROM contacts").fetchone()[0]
    assert "2016-11-28" <= oldest < "2018-01-01"
    # Birthdays with and without a year.
    assert conn.execute("SELECT count(*) FROM contacts WHERE birthday LIKE '--%'").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM contacts WHERE birthday LIKE '19%'").fetchone()[0]
    # Job changes worded as an import words them: no "now None at …" for an untitled one.
    changes = [row[0] for row in conn.execute("SELECT text FROM contact_events")]
    assert changes and all(text.startswith("now ") and "None" not in text for text in changes)
    assert (
        generate_module.job_change_text(None, "Initech", "Initrode")
        == "now at Initech, was at Initrode"
    )
    assert generate_module.job_change_text("CFO", "Initech", "Initrode") == (
        "now CFO at Initech, was CFO at Initrode"
    )
    conn.close()
    assert Path(str(summary["config"])).read_text(encoding="utf-8").startswith("[cadence]")


def test_generator_is_deterministic(tmp_path: Path, tiny: tuple[Path, dict[str, object]]) -> None:
    again = tmp_path / "again.db"
    _generate(again)
    assert _content_hash(again) == _content_hash(tiny[0])
    other = tmp_path / "other.db"
    _generate(other, "--seed", "7")
    assert _content_hash(other) != _content_hash(tiny[0])


def test_generator_live_triggers_agree_with_bulk_replay(
    tmp_path: Path, tiny: tuple[Path, dict[str, object]]
) -> None:
    """Dropping the last_touch and standings triggers during the load changes
    nothing in the result: the standings the triggers keep equal the bulk rebuild."""
    from wintogether.store import open_store, standings

    live = tmp_path / "live.db"
    _generate(live, "--live-triggers")
    assert _content_hash(live) == _content_hash(tiny[0])
    kept = []
    for path in (live, tiny[0]):
        store, _ = open_store(path)
        try:
            kept.append(standings.kept(store))
            assert standings.kept(store) == standings.recomputed(store)
        finally:
            store.close()
    assert kept[0] == kept[1]
    assert any(row[5] is not None for row in kept[0][0]), "no ledger in the standings"
    assert kept[0][1], "no monthly figures"


def test_generator_refuses_to_overwrite(tiny: tuple[Path, dict[str, object]]) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "generate.py"), str(tiny[0]), *TINY],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "exists" in done.stderr


def _present() -> list[object]:
    from typer.main import get_command

    from wintogether.cli.app import app

    names = set(get_command(app).commands)  # type: ignore[attr-defined]
    return [
        b for b in run_module.BENCHES if b.argv[0] in names and b.kind in ("read", "write", "check")
    ]


#: What each benchmarked command's output must contain (stream, text).
EXPECT = {
    "log": ("stderr", "Logged note with Dana Reyes"),
    "follow-up": ("stderr", "Dana Reyes"),
    "today": ("stdout", "Today, Sat 28 Nov 2026"),
    "show": ("stdout", "Dana Reyes"),
    "neglected": ("stdout", "last talked"),
    "followups": ("stdout", "I owe"),
    # Every read command of a seller's week, and the health check.
    "summary --month": ("stdout", "November 2026"),
    "history": ("stdout", "Sat 21 Nov"),
    "balance": ("stdout", "Balance, 12 months"),
    "contacts": ("stdout", "last talked"),
    "contacts --sort attention": ("stdout", "last talked"),
    "dupes": ("stderr", "No likely duplicates."),
    "doctor": ("stdout", "Healthy"),
}


@pytest.mark.parametrize(
    "bench",
    [
        pytest.param(b, id=b.name, marks=() if b.name in EXPECT else pytest.mark.slow)  # type: ignore[attr-defined]
        for b in _present()
    ],
)
def test_benchmarked_command_runs(
    bench: object, tiny: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    path, summary = tiny
    db = tmp_path / "copy.db"
    shutil.copyfile(path, db)
    db.chmod(0o600)  # as generated: `wt doctor` fails a database others can read
    values = {
        "star": summary["star"],
        "word": summary["search_word"],
        "company": summary["star_company"],
        "deal": summary.get("deal") or "1",
    }
    argv = [part.format(**values) for part in bench.argv]  # type: ignore[attr-defined]
    env = os.environ.copy()
    env["WINTOGETHER_CONFIG"] = str(summary["config"])
    done = subprocess.run(
        [sys.executable, "-m", "wintogether", "--db", str(db), *argv],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    name = bench.name  # type: ignore[attr-defined]
    if name in EXPECT:
        stream, text = EXPECT[name]
        assert text in getattr(done, stream), (stream, done)
    else:  # a command added to BENCHES later: it must at least say something
        assert done.stdout.strip() or done.stderr.strip()


def test_core_commands_are_benchmarked() -> None:
    assert {b.name for b in _present()} >= set(EXPECT)  # type: ignore[attr-defined]


def test_runner_skips_a_missing_subcommand_with_a_note(tmp_path: Path) -> None:
    env = os.environ.copy()
    wt = Path(sys.executable).parent / "wt"
    assert run_module.has_subcommand(wt, "today", env)
    assert not run_module.has_subcommand(wt, "no-such-command", env)


def test_report_marks_missed_targets(tiny: tuple[Path, dict[str, object]]) -> None:
    """The report's arithmetic: ratios against the floors, and misses called out."""
    _, summary = tiny
    benches = [b for b in run_module.BENCHES if b.name in ("log", "today", "summary --month")]
    floors = [("bare Typer (wt log shape)", []), ("wt --version", [])]
    results = {
        "bare Typer (wt log shape)": {"median": 0.100, "stddev": 0.0},
        "wt --version": {"median": 0.100, "stddev": 0.0},
        "log [small]": {"median": 0.110, "stddev": 0.0},
        "today [small]": {"median": 0.120, "stddev": 0.0},
        "today [large]": {"median": 0.300, "stddev": 0.0},
        "summary --month [large]": {"median": 0.190, "stddev": 0.0},
    }
    labels = {
        ("log", "small"): "log [small]",
        ("today", "small"): "today [small]",
        ("today", "large"): "today [large]",
        ("summary --month", "large"): "summary --month [large]",
    }
    memory = {key: 30.0 for key in results}
    memory["today [large]"] = 90.0

    class Args:
        warmup, runs, slow_runs, rounds = 3, 20, 5, 4

    metas = {"small": summary, "large": summary}
    report = run_module.render(
        {"CPU": "test"},
        metas,
        ["small", "large"],
        benches,
        [],
        results,
        memory,
        labels,
        floors,
        Args,
    )
    assert "| 1.10x | yes |" in report  # log: 110 ms against a 100 ms floor
    assert "| 3.00x | **NO** |" in report  # today large: 300 ms against 100 ms
    assert "| 2.50x | **NO** |" in report  # today large against small: 300 / 120
    assert "Target missed: today [large]: peak memory 90.0 MiB" in report
    assert "Target missed: log" not in report
    # A month's summary has a target of its own: 2x, not 1.5x.
    assert "| ≤ 2.0x `wt --version` | 1.90x | yes |" in report
    assert "Target missed: summary --month" not in report


def test_capture_benchmark_runs_at_a_tiny_scale(tmp_path: Path) -> None:
    """benchmarks/capture_speed.py: every timed `wt scan` must say it found
    something (the script checks), and the numbers come out as JSON."""
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "capture_speed.py"), "40", "10", "--runs", "1", "--json"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    numbers = json.loads(done.stdout)
    assert numbers["messages"] == 40 and numbers["events"] == 10
    assert all(numbers[k] > 0 for k in ("first_scan_s", "rescan_10_new_s", "version_s"))
