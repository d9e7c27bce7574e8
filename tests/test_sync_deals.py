"""Deals, their plans and plan templates travel between two databases through `wt sync`.

A deal, a plan step (the link between a to-do and its deal, its place, its
milestone flag, the step it follows) and a template are history items
(``history/``), merged field by field like everything else; the steps
themselves are promises (``promises/``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import test_sync
from test_sync import Side

sides = test_sync.sides  # two databases and one vdir

ADDED = "2026-11-20T10:00:00+00:00"
LATER = "2026-11-28T11:00:00+00:00"
EVEN_LATER = "2026-11-28T12:00:00+00:00"
LAST = "2026-11-28T13:00:00+00:00"
QUIET = "sent 0, received 0, deleted 0, conflicts 0"


def _local(value: Any) -> Any:
    """A JSON answer without what is local to one database (ids, last change)."""
    if isinstance(value, dict):
        return {
            k: _local(v) for k, v in value.items() if k not in ("id", "updated_at", "promise_id")
        }
    if isinstance(value, list):
        return [_local(v) for v in value]
    return value


def _northwind(laptop: Side) -> None:
    laptop("add", "Dana Reyes", "--company", "Northwind", at=ADDED)
    laptop("add", "Greta Lind", "--company", "Northwind", at=ADDED)
    laptop("deal", "add", "Northwind renewal", "--with", "dana", "--with", "greta",
           "--target", "2027-01-31", "--they-win", "SOC2-ready vendor before their audit",
           "--we-win", "3-year renewal, +20 seats", "--note", "Procurement is slow",
           at=ADDED)  # fmt: skip
    laptop("plan", "add", "northwind", "Security questionnaire sent", "--owner", "me",
           "--due", "2026-11-25", at=ADDED)  # fmt: skip
    laptop("plan", "add", "northwind", "Security review done", "--owner", "them",
           "--due", "2026-12-10", "--after", "1", at=ADDED)  # fmt: skip
    laptop("plan", "add", "northwind", "Order form signed", "--owner", "greta",
           "--due", "2027-01-20", "--after", "2", "--milestone", at=ADDED)  # fmt: skip
    laptop("plan", "template", "save", "Renewal", "northwind", at=ADDED)


def _both(laptop: Side, desktop: Side, vdir: Path, at: str) -> None:
    """Each syncs twice (what the documented four steps amount to here)."""
    for side in (laptop, desktop, laptop, desktop):
        side("sync", str(vdir), at=at)


def _same_plan(laptop: Side, desktop: Side, at: str) -> dict[str, Any]:
    mine = laptop.json("plan", "northwind", at=at)
    theirs = desktop.json("plan", "northwind", at=at)
    for a, b in zip(_local(theirs)["steps"], _local(mine)["steps"], strict=True):
        assert a == b, {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert _local(theirs) == _local(mine)
    return dict(mine)


def test_a_deal_its_plan_and_templates_arrive_whole(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _northwind(laptop)
    out = laptop("sync", str(vdir), at=LATER)
    records = [p.read_text() for p in (vdir / "history").iterdir()]
    assert sum("X-WINTOGETHER-RECORD:deals" in r for r in records) == 1
    assert sum("X-WINTOGETHER-RECORD:deal_steps" in r for r in records) == 3
    assert sum("X-WINTOGETHER-RECORD:plan_templates" in r for r in records) == 1
    deal = next(r for r in records if "RECORD:deals" in r)
    assert "X-WINTOGETHER-THEY-WIN:SOC2-ready vendor before their audit" in deal
    assert "X-WINTOGETHER-TARGET-ON:2027-01-31" in deal
    assert deal.count("X-WINTOGETHER-PEOPLE:") == 2
    assert "COMPANY-UID" not in deal  # each database links its own company record
    assert "sent 10" in out.stderr  # 2 contacts, 3 to-dos, 1 deal, 3 steps, 1 template

    desktop("sync", str(vdir), at=LATER)
    plan = _same_plan(laptop, desktop, LATER)
    assert [(s["text"], s["after"], s["milestone"]) for s in plan["steps"]] == [
        ("Security questionnaire sent", None, False),
        ("Security review done", 1, False),
        ("Order form signed", 2, True),
    ]
    assert plan["steps"][2]["contact"]["name"] == "Greta Lind"
    shown = desktop.json("deal", "show", "northwind", at=LATER)["deal"]
    assert shown["notes"] == "Procurement is slow"
    assert shown["company"] == "Northwind"
    assert [p["name"] for p in shown["people"]] == ["Dana Reyes", "Greta Lind"]
    assert shown["created_at"].startswith("2026-11-20")
    assert desktop.json("company", "northwind", at=LATER)["deals"]["open"][0]["title"] == (
        "Northwind renewal"
    )
    # The template travelled: the desktop builds a plan from it.
    desktop("deal", "add", "Initech pilot", "--with", "dana", "--target", "2027-03-31", at=LATER)
    desktop("plan", "apply", "Renewal", "initech", at=LATER)
    assert len(desktop.json("plan", "initech", at=LATER)["steps"]) == 3
    _both(laptop, desktop, vdir, LATER)
    for side in (laptop, desktop):
        assert QUIET in side("sync", str(vdir), at=LATER).stderr
    assert _local(laptop.json("deals", "--all", at=LATER)) == _local(
        desktop.json("deals", "--all", at=LATER)
    )


def test_steps_done_on_either_side_and_a_won_deal_travel(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _northwind(laptop)
    _both(laptop, desktop, vdir, LATER)
    desktop("plan", "done", "northwind", "1", at=EVEN_LATER)  # the buyer's update, typed there
    laptop("plan", "done", "northwind", "2", "--note", "Passed", at=EVEN_LATER)
    laptop("plan", "add", "northwind", "Kickoff", "--owner", "me", "--due", "2027-01-25",
           "--after", "3", at=EVEN_LATER)  # fmt: skip
    _both(laptop, desktop, vdir, EVEN_LATER)
    plan = _same_plan(laptop, desktop, EVEN_LATER)
    assert [s["status"] for s in plan["steps"]] == ["done late", "done on time", "to do", "to do"]
    assert plan["steps"][3]["after"] == 3
    laptop("deal", "won", "northwind", "--note", "Signed for three years", at=LAST)
    _both(laptop, desktop, vdir, LAST)
    deal = desktop.json("deal", "show", "northwind", at=LAST)["deal"]
    assert (deal["status"], deal["close_note"]) == ("won", "Signed for three years")
    # Winning recorded a mutual win for each person: they travel too.
    wins = desktop.rows("SELECT c.name FROM wins w JOIN contacts c ON c.id = w.contact_id")
    assert sorted(wins) == [("Dana Reyes",), ("Greta Lind",)]
    for side in (laptop, desktop):
        assert QUIET in side("sync", str(vdir), at=LAST).stderr


def test_a_lost_deal_travels_with_its_steps_cancelled(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _northwind(laptop)
    _both(laptop, desktop, vdir, LATER)
    desktop("deal", "lost", "northwind", "--note", "Chose a cheaper vendor", at=EVEN_LATER)
    _both(laptop, desktop, vdir, EVEN_LATER)
    deal = laptop.json("deal", "show", "northwind", at=EVEN_LATER)["deal"]
    assert (deal["status"], deal["close_note"]) == ("lost", "Chose a cheaper vendor")
    plan = _same_plan(laptop, desktop, EVEN_LATER)  # when each was cancelled too
    assert {s["status"] for s in plan["steps"]} == {"cancelled"}
    assert {s["done_at"][:16] for s in plan["steps"]} == {EVEN_LATER[:16]}


def test_different_fields_merge_and_the_same_field_is_a_conflict(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _northwind(laptop)
    _both(laptop, desktop, vdir, LATER)
    laptop("deal", "edit", "northwind", "--target", "2027-02-15", "--title", "Renewal 2027",
           at=EVEN_LATER)  # fmt: skip
    desktop("deal", "edit", "northwind", "--they-win", "Audit passed in March",
            "--title", "Northwind 3-year renewal", at=LAST)  # fmt: skip
    desktop("plan", "edit", "northwind", "3", "--no-milestone", at=LAST)
    laptop("plan", "edit", "northwind", "3", "--first", at=LAST)
    laptop("sync", str(vdir), at=LAST)
    out = desktop.json("sync", str(vdir), at=LAST)
    conflicts = [c for c in out["changes"] if c["action"] == "conflict"]
    assert [c["detail"].split(";")[0] for c in conflicts] == ["both changed title"]
    assert "kept the version from this database" in conflicts[0]["detail"]  # the later edit
    _both(laptop, desktop, vdir, LAST)
    for side in (laptop, desktop):
        deal = side.json("deal", "show", "renewal", at=LAST)["deal"]
        assert deal["title"] == "Northwind 3-year renewal"
        assert (deal["target_on"], deal["they_win"]) == ("2027-02-15", "Audit passed in March")
    plan = _same_plan(laptop, desktop, LAST)
    assert (plan["steps"][2]["after"], plan["steps"][2]["milestone"]) == (None, False)
    # The loser is on the deal's first person's timeline, on both computers.
    for side in (laptop, desktop):
        texts = side.rows(
            "SELECT e.text FROM contact_events e JOIN contacts c ON c.id = e.contact_id"
            " WHERE c.name = 'Dana Reyes' AND e.kind = 'sync_conflict'"
        )
        assert any("kept 'Northwind 3-year renewal'" in t[0] and "'Renewal 2027'" in t[0]
                   for t in texts), texts  # fmt: skip
        assert QUIET in side("sync", str(vdir), at=LAST).stderr


def test_a_forgotten_person_leaves_the_deal_and_the_deal_stays(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _northwind(laptop)
    _both(laptop, desktop, vdir, LATER)
    desktop("forget", "greta", "--yes", at=EVEN_LATER)
    _both(laptop, desktop, vdir, EVEN_LATER)
    for side in (laptop, desktop):
        deal = side.json("deal", "show", "northwind", at=EVEN_LATER)["deal"]
        assert [p["name"] for p in deal["people"]] == ["Dana Reyes"]
        assert side.rows("SELECT count(*) FROM contacts WHERE name = 'Greta Lind'") in (
            [(0,)],
            [(1,)],  # kept archived with her history on the laptop
        )
    plan = _same_plan(laptop, desktop, EVEN_LATER)
    # Her step moved to the next person on the deal, on both sides.
    assert plan["steps"][2]["contact"]["name"] == "Dana Reyes"
    assert len(plan["steps"]) == 3
    for side in (laptop, desktop):
        assert QUIET in side("sync", str(vdir), at=EVEN_LATER).stderr


def test_a_template_saved_under_one_name_on_both_keeps_the_later(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _northwind(laptop)
    desktop("deal", "add", "Initech pilot", "--target", "2027-03-31", at=ADDED)
    desktop("add", "Ines Duarte", at=ADDED)
    desktop("deal", "edit", "initech", "--with", "ines", at=ADDED)
    desktop("plan", "add", "initech", "Pilot live", "--owner", "me", "--due", "2027-03-01",
            at=ADDED)  # fmt: skip
    desktop("plan", "template", "save", "renewal", "initech", at=LATER)  # saved later
    _both(laptop, desktop, vdir, EVEN_LATER)
    for side in (laptop, desktop, laptop, desktop):
        side("sync", str(vdir), at=EVEN_LATER)
    for side in (laptop, desktop):
        names = side.rows("SELECT name, json_array_length(steps) FROM plan_templates")
        assert names == [("renewal", 1)], names
        assert QUIET in side("sync", str(vdir), at=EVEN_LATER).stderr


def test_a_step_file_naming_an_unknown_deal_is_reported_once(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _northwind(laptop)
    laptop("sync", str(vdir), at=LATER)
    deal = next(p for p in (vdir / "history").iterdir() if "RECORD:deals" in p.read_text())
    deal.unlink()  # the deal's file lost on the way: its steps cannot come in
    out = json.loads(desktop("sync", str(vdir), "--json", at=LATER).stdout)
    skipped = [c for c in out["changes"] if c["action"] == "skipped"]
    assert len(skipped) == 3
    assert all("a plan step of a deal this database does not have" in c["detail"] for c in skipped)
    assert desktop.rows("SELECT count(*) FROM deal_steps") == [(0,)]
    again = json.loads(desktop("sync", str(vdir), "--json", at=LATER).stdout)
    assert [c for c in again["changes"] if c["action"] == "skipped"] == []


def test_a_step_done_here_while_its_person_is_forgotten_there_converges(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _northwind(laptop)
    laptop("log", "greta", "Kickoff call", at=ADDED)  # history: kept archived when deleted there
    laptop("log", "dana", "Pricing call", at=ADDED)
    _both(laptop, desktop, vdir, LATER)
    laptop("plan", "done", "northwind", "3", at=EVEN_LATER)
    desktop("forget", "greta", "--yes", at=EVEN_LATER)  # her step moves to Dana there
    _both(laptop, desktop, vdir, LAST)
    for side in (laptop, desktop):
        step = side.json("plan", "northwind", at=LAST)["steps"][2]
        assert (step["contact"]["name"], step["status"]) == ("Dana Reyes", "done on time")
        assert QUIET in side("sync", str(vdir), at=LAST).stderr


def test_a_person_deleted_on_the_phone_leaves_the_deal_on_both(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _northwind(laptop)
    _both(laptop, desktop, vdir, LATER)
    greta = laptop.rows("SELECT uid FROM contacts WHERE name = 'Greta Lind'")[0][0]
    (vdir / "contacts" / f"{greta}.vcf").unlink()  # deleted on the phone: no history anywhere
    out = laptop.json("sync", str(vdir), at=EVEN_LATER)
    # The deal goes out without her in the same sync (her step's to-do, moved
    # to Dana once she is gone, at the next).
    assert any(c["name"] == "deal: Northwind renewal" for c in out["changes"])
    _both(laptop, desktop, vdir, EVEN_LATER)
    for side in (laptop, desktop):
        deal = side.json("deal", "show", "northwind", at=EVEN_LATER)["deal"]
        assert [p["name"] for p in deal["people"]] == ["Dana Reyes"]
        # Her step moved to Dana, the next person on the deal.
        assert side.json("plan", "northwind", at=EVEN_LATER)["steps"][2]["contact"]["name"] == (
            "Dana Reyes"
        )
    for side in (laptop, desktop):
        assert QUIET in side("sync", str(vdir), at=EVEN_LATER).stderr


def test_a_deal_won_on_both_computers_records_each_win_once(
    sides: tuple[Side, Side, Path],
) -> None:
    # Each `wt deal won` recorded a win per person under a new uid: both came
    # through, and each person had two wins for one deal.
    laptop, desktop, vdir = sides
    _northwind(laptop)
    _both(laptop, desktop, vdir, LATER)
    laptop("deal", "won", "northwind", "--note", "Signed for three years", at=EVEN_LATER)
    desktop("deal", "won", "northwind", "--note", "Signed, 20 seats", at=LAST)
    _both(laptop, desktop, vdir, LAST)
    wins = "SELECT c.name, w.theirs FROM wins w JOIN contacts c ON c.id = w.contact_id ORDER BY 1"
    expected = [
        ("Dana Reyes", "SOC2-ready vendor before their audit"),
        ("Greta Lind", "SOC2-ready vendor before their audit"),
    ]
    assert laptop.rows(wins) == desktop.rows(wins) == expected
    for side in (laptop, desktop):
        assert QUIET in side("sync", str(vdir), at=LAST).stderr


def test_steps_added_on_both_computers_are_numbered_alike_on_both(
    sides: tuple[Side, Side, Path],
) -> None:
    # Each computer gave its new step the next place (4): the two steps tied,
    # and each computer put its own first, so `wt plan done northwind 4`
    # meant a different step on each.
    laptop, desktop, vdir = sides
    _northwind(laptop)
    _both(laptop, desktop, vdir, LATER)
    laptop("plan", "add", "northwind", "Step L", "--owner", "me", "--due", "2027-01-05",
           at=EVEN_LATER)  # fmt: skip
    desktop("plan", "add", "northwind", "Step D", "--owner", "me", "--due", "2027-01-06",
            at=EVEN_LATER)  # fmt: skip
    _both(laptop, desktop, vdir, LAST)
    plans = [side.json("plan", "northwind", at=LAST)["steps"] for side in (laptop, desktop)]
    numbered = [[(s["number"], s["text"]) for s in steps] for steps in plans]
    assert numbered[0] == numbered[1]
    assert sorted(t for _, t in numbered[0][-2:]) == ["Step D", "Step L"]


def test_a_deal_won_here_and_lost_there_keeps_no_wins_when_lost_stays(
    sides: tuple[Side, Side, Path],
) -> None:
    # The outcome settled as "lost" (the later), but the wins winning had
    # recorded stayed on both, crediting a lost deal to its people.
    laptop, desktop, vdir = sides
    _northwind(laptop)
    _both(laptop, desktop, vdir, LATER)
    laptop("deal", "won", "northwind", "--note", "Signed", at=EVEN_LATER)
    desktop("deal", "lost", "northwind", "--note", "Cheaper vendor", at=LAST)
    for minute in ("10", "20", "30", "40"):
        for side in (laptop, desktop):
            side("sync", str(vdir), at=f"2026-11-28T14:{minute}:00+00:00")
    for side in (laptop, desktop):
        assert side.rows("SELECT status FROM deals") == [("lost",)]
        assert side.rows("SELECT count(*) FROM wins") == [(0,)]
        assert QUIET in side("sync", str(vdir), at="2026-11-28T15:00:00+00:00").stderr
