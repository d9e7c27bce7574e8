from __future__ import annotations

import json

from conftest import Invoke


def test_version(wt: Invoke) -> None:
    run = wt("--version")
    assert run.stdout.startswith("wintogether ")


def test_add_log_show_today(dana: object, wt: Invoke) -> None:
    run = wt("log", "dana", "Renewal talk; needs SOC2 report", "--follow-up", "fri")
    assert "follow-up due Fri 4 Dec" in run.stderr
    assert run.stdout == ""
    shown = json.loads(wt("show", "dana", "--json").stdout)
    assert shown["contact"]["name"] == "Dana Reyes"
    assert shown["open_promises"][0]["due_on"] == "2026-12-04"
    board = json.loads(wt("today", "--json").stdout)
    assert board["date"] == "2026-11-28"
