"""`wt demo`: separate, realistic, deterministic for a given day."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import Invoke


@pytest.fixture
def demo_db(wt: Invoke, isolated: Path) -> Path:
    run = wt("demo")
    assert "Built the demo database at" in run.stderr
    path = Path(run.stderr.split("Built the demo database at ")[1].splitlines()[0].strip())
    assert path.is_relative_to(isolated / "home")
    return path


def snapshot(wt: Invoke, path: Path) -> dict[str, object]:
    db = ["--db", str(path)]
    return {
        "today": json.loads(wt(*db, "today", "--json").stdout),
        "contacts": json.loads(wt(*db, "contacts", "--json").stdout),
        "promises": json.loads(wt(*db, "followups", "--all", "--json").stdout),
        "dana": json.loads(wt(*db, "show", "dana", "--json").stdout),
    }


def strip_ids(value: object) -> object:
    """uids are random by design; everything else must be identical."""
    if isinstance(value, dict):
        return {k: strip_ids(v) for k, v in value.items() if k != "uid"}
    if isinstance(value, list):
        return [strip_ids(v) for v in value]
    return value


def test_demo_is_separate_and_shows_the_dashboard(demo_db: Path, wt: Invoke) -> None:
    assert not Path(os.environ["WINTOGETHER_DB"]).exists()  # the real database is untouched
    again = wt("demo")
    assert "Using the demo database" in again.stderr
    assert "Today, Sat 28 Nov 2026" in again.stdout


def test_demo_path_for_scripts(demo_db: Path, wt: Invoke) -> None:
    run = wt("demo", "--path")
    assert run.stdout.strip() == str(demo_db)
    assert run.stderr == ""


def test_demo_is_deterministic_for_a_given_day(demo_db: Path, wt: Invoke) -> None:
    first = strip_ids(snapshot(wt, demo_db))
    rebuilt = wt("demo", "--reset")
    assert "Built the demo database" in rebuilt.stderr
    assert strip_ids(snapshot(wt, demo_db)) == first


def test_demo_has_a_realistic_mix(demo_db: Path, wt: Invoke) -> None:
    data = snapshot(wt, demo_db)
    today = data["today"]
    assert isinstance(today, dict)
    owners = {p["owner"] for p in today["overdue"]}
    assert owners == {"me", "them"}
    assert today["slipping"] and today["birthdays"]
    assert [j["contact"]["name"] for j in today["job_changes"]] == ["Li Lei"]
    assert "Marcus O'Neil" in [g["contact"]["name"] for g in today["give_first"]]
    promises = data["promises"]
    assert isinstance(promises, list)
    done = [p for p in promises if p["status"] == "done"]
    late = [p for p in done if p["done_at"][:10] > p["due_on"]]
    on_time = [p for p in done if p["done_at"][:10] <= p["due_on"]]
    assert late and on_time
    assert any(p["status"] == "open" and p["due_on"] > "2026-11-28" for p in promises)
    companies = {c["company"] for c in data["contacts"]}  # type: ignore[union-attr]
    assert len(companies) >= 6
    dana = data["dana"]
    assert isinstance(dana, dict)
    channels = {e["channel"] for e in dana["timeline"] if e["kind"] == "conversation"}
    assert len(channels) >= 3
    assert {"conversation", "promise", "ledger"} <= {e["kind"] for e in dana["timeline"]}


@pytest.mark.parametrize(
    "now", ["2026-11-28T09:00:00", "2026-11-28T22:40:00", "2026-11-28T23:55:00"]
)
def test_the_demo_meeting_is_today_at_any_hour(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, now: str
) -> None:
    monkeypatch.setenv("WINTOGETHER_NOW", now)
    wt("demo")
    path = wt("demo", "--path").stdout.strip()
    today = json.loads(wt("--db", path, "today", "--json").stdout)
    assert [m["meeting"]["summary"] for m in today["meetings"]] == ["Renewal QBR"]
