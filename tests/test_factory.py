"""The test-data factory builds what the commands build, journal labels included."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import NOW, Invoke
from factory import Factory

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _scrubbed(value: object, seen: dict[str, str]) -> object:
    """Export data with each uid (random by design) named by where it first appears."""
    if isinstance(value, dict):
        return {k: _scrubbed(v, seen) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, seen) for v in value]
    if isinstance(value, str):
        return UUID.sub(lambda m: seen.setdefault(m.group(0), f"uid-{len(seen)}"), value)
    return value


def _snapshot(wt: Invoke, db: Path) -> tuple[object, list[tuple[str, str, str]]]:
    data = json.loads(wt("--db", str(db), "export").stdout)
    data.pop("exported_at")
    conn = sqlite3.connect(db)
    try:
        journal = conn.execute("SELECT name, summary, at FROM journal_commands ORDER BY id")
        return _scrubbed(data, {}), [tuple(row) for row in journal]
    finally:
        conn.close()


def test_factory_matches_the_commands(
    db: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_hand = tmp_path / "commands.db"
    shutil.copyfile(db, by_hand)

    def at(moment: str) -> None:
        monkeypatch.setenv("WINTOGETHER_NOW", moment)

    cli = ["--db", str(by_hand)]
    at("2026-11-16T10:00:00+00:00")
    wt(*cli, "add", "Dana Reyes", "--company", "Northwind", "--email", "dana@northwind.example",
       "--tag", "customers", "--birthday", "1985-11-25", "--every", "monthly")  # fmt: skip
    wt(*cli, "add", "Marcus O'Neil", "--via", "dana", "--phone", "+1 415 555 0100")
    wt(*cli, "log", "dana", "Kickoff; needs  the deck", "--with", "marcus", "--channel", "call",
       "--at", "2026-11-16T09:00", "--follow-up", "fri", "--about", "Send the deck")  # fmt: skip
    wt(*cli, "follow-up", "marcus", "Intro to their CFO", "--due", "2026-11-30", "--theirs")
    at("2026-11-18T10:00:00+00:00")
    wt(*cli, "done", "1")
    wt(*cli, "snooze", "2", "2026-12-04")
    wt(*cli, "gave", "dana", "Intro to Marcus", "--kind", "intro", "--to", "marcus")
    wt(*cli, "got", "marcus", "Advice on pricing", "--kind", "advice", "--at", "2026-11-17T12:00")
    wt(*cli, "win", "dana", "Faster rollout", "--mine", "Renewal")
    wt(*cli, "edit", "dana", "--title", "CFO", "--tag", "vip")
    wt(*cli, "archive", "marcus")

    at(NOW)
    with Factory(db) as make:
        make.at("2026-11-16T10:00:00+00:00")
        make.contact("Dana Reyes", company="Northwind", emails=["dana@northwind.example"],
                     tags=["customers"], birthday="1985-11-25", every="monthly")  # fmt: skip
        make.contact("Marcus O'Neil", via="dana", phones=["+1 415 555 0100"])
        make.log("dana", "Kickoff; needs  the deck", with_=["marcus"], channel="call",
                 at="2026-11-16T09:00", follow_up="fri", about="Send the deck")  # fmt: skip
        make.promise("marcus", "Intro to their CFO", due="2026-11-30", theirs=True)
        make.at("2026-11-18T10:00:00+00:00")
        make.done(1)
        make.snooze(2, "2026-12-04")
        make.gave("dana", "Intro to Marcus", kind="intro", to="marcus")
        make.got("marcus", "Advice on pricing", kind="advice", at="2026-11-17T12:00")
        make.win("dana", "Faster rollout", mine="Renewal")
        make.edit("dana", title="CFO", tags=["vip"])
        make.archive("marcus")
    # The factory puts the clock back as it found it.
    assert os.environ["WINTOGETHER_NOW"] == NOW

    made, made_journal = _snapshot(wt, db)
    expected, expected_journal = _snapshot(wt, by_hand)
    assert made == expected
    assert made_journal == expected_journal
    assert len(made_journal) == 11  # one journal command per command
    # and `wt undo` offers the same last command
    offers = [wt("--db", str(path), "undo", "--dry-run") for path in (db, by_hand)]
    assert "archive marcus" in offers[0].stdout + offers[0].stderr
    assert (offers[0].stdout, offers[0].stderr) == (offers[1].stdout, offers[1].stderr)


def test_a_failed_build_leaves_nothing(db: Path) -> None:
    from wintogether.errors import WintogetherError

    with pytest.raises(WintogetherError), Factory(db) as make:
        make.contact("Dana Reyes")
        make.log("nobody at all", "A note")
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM contacts").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM journal_commands").fetchone()[0] == 0
    finally:
        conn.close()
