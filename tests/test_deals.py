"""Deals where both sides win: adding, listing, closing, the plan and its analysis."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Invoke
from factory import Factory
from wintogether.domain.planview import PlanView, analyse, summary
from wintogether.models import ContactRef, Deal, PlanStep, Promise

TODAY = date(2026, 11, 28)
DANA = ContactRef(1, "Dana Reyes", "Northwind")


def _deal(target: date | None = date(2026, 12, 20)) -> Deal:
    moment = datetime(2026, 11, 1, 9, tzinfo=UTC)
    return Deal(
        1, "d", "Northwind renewal", "Northwind", target, "SOC2", "Renewal", "open",
        None, None, None, moment, moment, [DANA],
    )  # fmt: skip


def _step(
    number: int,
    text: str,
    owner: str,
    due: date,
    *,
    after: int | None = None,
    status: str = "open",
    done: date | None = None,
    milestone: bool = False,
) -> PlanStep:
    done_at = datetime(done.year, done.month, done.day, 12, tzinfo=UTC) if done else None
    promise = Promise(
        100 + number, f"p{number}", DANA, None, text, due, owner, status, done_at, None,
        datetime(2026, 11, 1, 9, tzinfo=UTC),
    )  # fmt: skip
    return PlanStep(number, f"s{number}", 1, number, milestone, after, promise)


def hand_computed_plan() -> list[PlanStep]:
    """Today is Sat 28 Nov 2026, the target Sun 20 Dec."""
    return [
        _step(1, "Questionnaire sent", "me", date(2026, 11, 20), status="done",
              done=date(2026, 11, 19)),
        _step(2, "Security review", "them", date(2026, 11, 22), after=1),
        _step(3, "Legal review", "them", date(2026, 11, 25), after=2),
        _step(4, "Order form signed", "them", date(2026, 12, 10), after=3, milestone=True),
        _step(5, "Kickoff", "me", date(2026, 12, 18), after=4),
        _step(6, "Reference call", "me", date(2026, 12, 1), status="cancelled",
              done=date(2026, 11, 27)),
        _step(7, "Pricing sent", "me", date(2026, 11, 24), status="done",
              done=date(2026, 11, 26)),
    ]  # fmt: skip


def test_statuses_projection_and_critical_path_by_hand() -> None:
    view = analyse(_deal(), hand_computed_plan(), TODAY)
    by = {s.number: s for s in view.steps}
    assert [(n, by[n].status, by[n].days_late) for n in by] == [
        (1, "done on time", 0),
        (2, "overdue", 6),  # due 22 Nov, open on 28 Nov
        (3, "overdue", 3),
        (4, "to do", 0),
        (5, "to do", 0),
        (6, "cancelled", 0),
        (7, "done late", 2),  # due 24 Nov, done 26 Nov
    ]
    # Step 2 cannot be done before today (6 days late); that delay pushes 3, 4 and 5.
    assert by[2].projected_on == date(2026, 11, 28)
    assert by[3].projected_on == date(2026, 12, 1)  # 25 Nov + 6
    assert by[4].projected_on == date(2026, 12, 16)  # 10 Dec + 6
    assert by[5].projected_on == date(2026, 12, 24)  # 18 Dec + 6
    assert by[6].projected_on is None
    assert view.projected_end == date(2026, 12, 24)
    assert view.ends_late_by == 4
    assert view.critical_path == [1, 2, 3, 4, 5]
    assert [s.number for s in view.steps if s.critical] == [1, 2, 3, 4, 5]
    assert [(d.number, d.dependents) for d in view.steps][:5] == [
        (1, 4), (2, 3), (3, 2), (4, 1), (5, 0),
    ]  # fmt: skip
    assert [(r.number, r.days_late, r.dependents) for r in view.risks] == [(2, 6, 3), (3, 3, 2)]
    assert view.health == "at risk"
    # Both sides' word on this deal: mine 1 on time, 1 late (cancelled and not-due
    # steps do not count); theirs: two steps broken.
    assert (view.mine.kept_on_time, view.mine.late_days, view.mine.broken) == (1, (2,), 0)
    assert (view.theirs.kept_on_time, view.theirs.broken, view.theirs.due) == (0, 2, 2)

    from wintogether.render.plan_words import health_text

    assert health_text(view) == (
        "at risk: 'Security review' is 6 days late and 3 steps depend on it (1 more late)"
    )


def test_a_plan_on_time_is_on_track_and_its_critical_path_is_the_latest_chain() -> None:
    steps = [
        _step(1, "Demo", "me", date(2026, 11, 30)),
        _step(2, "Trial", "them", date(2026, 12, 5), after=1),
        _step(3, "Security review", "them", date(2026, 12, 12)),
        _step(4, "Signature", "them", date(2026, 12, 8), after=2),
    ]
    view = analyse(_deal(), steps, TODAY)
    assert view.risks == []
    assert view.projected_end == date(2026, 12, 12)  # step 3, on its own
    assert view.critical_path == [3]
    assert view.health == "on track"
    from wintogether.render.plan_words import health_text

    assert health_text(view) == "on track: 0 of 4 steps done"


def test_a_plan_ending_after_the_target_is_at_risk_without_a_late_step() -> None:
    view = analyse(_deal(date(2026, 12, 1)), [_step(1, "Go-live", "me", date(2026, 12, 4))], TODAY)
    assert view.risks == [] and view.ends_late_by == 3
    from wintogether.render.plan_words import health_text

    assert health_text(view) == "at risk: the plan ends Fri 4 Dec, 3 days after the target"


def test_a_step_due_today_is_not_overdue() -> None:
    view = analyse(_deal(), [_step(1, "Call", "them", TODAY)], TODAY)
    assert view.steps[0].status == "to do" and view.health == "on track"


# -- the command line ----------------------------------------------------------------


@pytest.fixture
def northwind(dana: Path) -> Path:
    with Factory(dana) as make:
        make.contact("Greta Lind", company="Northwind Traders")
        make.deal(
            "Northwind renewal",
            with_=["dana", "greta"],
            target="2027-01-31",
            they_win="SOC2-ready vendor before their audit",
            we_win="3-year renewal, +20 seats",
        )
    return dana


def test_deal_add_takes_the_company_of_its_people_and_says_when_one_sided(
    dana: Path, wt: Invoke
) -> None:
    run = wt("deal", "add", "Northwind renewal", "--with", "dana", "--target", "2027-01-31",
             "--we-win", "3-year renewal")  # fmt: skip
    assert "Deal #1 'Northwind renewal', target Sun 31 Jan 2027" in run.stderr
    undated = wt("deal", "add", "Contoso pilot", "--they-win", "a", "--we-win", "b")
    assert "Deal #2 'Contoso pilot', no target date" in undated.stderr
    assert "one-sided: what does the buyer win?" in run.stderr
    rows = json.loads(wt("deals", "--json").stdout)
    assert rows[0]["company"] == "Northwind Traders"
    assert rows[0]["wins"] == "one-sided: what does the buyer win?"
    assert rows[0]["health"] == "no plan"
    assert [p["name"] for p in rows[0]["people"]] == ["Dana Reyes"]


def test_deals_lists_open_deals_by_target(dana: Path, wt: Invoke) -> None:
    wt("deal", "add", "Later", "--target", "2027-03-01", "--with", "dana")
    wt("deal", "add", "Sooner", "--target", "2026-12-15", "--with", "marcus")
    wt("deal", "add", "Someday")
    wt("deal", "dropped", "someday")
    assert [r["title"] for r in json.loads(wt("deals", "--json").stdout)] == ["Sooner", "Later"]
    every = json.loads(wt("deals", "--all", "--json").stdout)
    assert [r["title"] for r in every] == ["Sooner", "Later", "Someday"]
    table = wt("deals").stdout
    assert table.index("Sooner") < table.index("Later") and "Someday" not in table


def test_winning_needs_both_wins_and_records_a_win_for_each_person(dana: Path, wt: Invoke) -> None:
    wt("deal", "add", "Renewal", "--with", "dana", "--with", "marcus", "--they-win", "Audit-ready")
    refused = wt("deal", "won", "renewal", ok=False)
    assert refused.exit_code == 1
    assert "A deal is won when both sides win: what do we win?" in refused.stderr
    wt("deal", "edit", "renewal", "--we-win", "3-year renewal")
    run = wt("deal", "won", "renewal", "--note", "Signed")
    assert "Recorded a win with Dana Reyes, Marcus O'Neil" in run.stderr
    for person in ("dana", "marcus"):
        wins = json.loads(wt("balance", person, "--json").stdout)["wins"]
        assert [(w["theirs"], w["mine"]) for w in wins] == [("Audit-ready", "3-year renewal")]
    shown = json.loads(wt("deal", "show", "renewal", "--json").stdout)["deal"]
    assert shown["status"] == "won" and shown["close_note"] == "Signed"
    again = wt("deal", "won", "1", ok=False)
    assert "already won" in again.stderr


def test_losing_asks_why_and_cancels_the_open_steps(northwind: Path, wt: Invoke) -> None:
    wt("plan", "add", "northwind", "Security review", "--owner", "them", "--due", "2026-12-10")
    refused = wt("deal", "lost", "northwind", ok=False)
    assert "Say why it was lost" in refused.stderr
    run = wt("deal", "lost", "northwind", "--note", "Chose a cheaper vendor")
    assert "Cancelled 1 open plan step." in run.stderr
    shown = json.loads(wt("deal", "show", "1", "--json").stdout)
    assert shown["deal"]["close_note"] == "Chose a cheaper vendor"
    assert [s["status"] for s in shown["steps"]] == ["cancelled"]
    assert wt("deals").stderr.strip() == "No open deals."


def test_plan_steps_are_promises_in_followups(northwind: Path, wt: Invoke) -> None:
    wt("plan", "add", "northwind", "Security review done", "--owner", "them", "--due", "jan 10")
    run = wt("plan", "add", "northwind", "Legal review", "--owner", "greta", "--due", "jan 20",
             "--after", "1")  # fmt: skip
    assert "Added step 2 of deal #1 'Northwind renewal': Legal review (Greta Lind" in run.stderr
    wt("plan", "add", "northwind", "Send the DPA", "--owner", "me", "--due", "dec 1")
    rows = json.loads(wt("followups", "--json").stdout)
    assert [(r["text"], r["owner"], r["contact"]["name"]) for r in rows] == [
        ("Send the DPA", "me", "Dana Reyes"),
        ("Security review done", "them", "Dana Reyes"),
        ("Legal review", "them", "Greta Lind"),
    ]
    done = wt("plan", "done", "northwind", "dpa")
    assert "Done: step 3" in done.stderr
    plan = json.loads(wt("plan", "northwind", "--json").stdout)
    assert [(s["number"], s["status"], s["after"]) for s in plan["steps"]] == [
        (1, "to do", None), (2, "to do", 1), (3, "done on time", None),
    ]  # fmt: skip
    assert plan["critical_path"] == [1, 2]
    assert plan["my_word"]["kept_on_time"] == 1


def test_owner_contact_not_on_the_deal_joins_it(northwind: Path, wt: Invoke) -> None:
    run = wt("plan", "add", "1", "Partner sign-off", "--owner", "marcus", "--due", "2027-01-05")
    assert "warning: Marcus O'Neil is now on deal #1." in run.stderr
    shown = json.loads(wt("deal", "show", "1", "--json").stdout)
    assert [p["name"] for p in shown["deal"]["people"]][-1] == "Marcus O'Neil"


def test_bad_plans_are_refused_in_one_line(northwind: Path, wt: Invoke) -> None:
    for text, due in (("A", "2027-01-05"), ("B", "2027-01-10"), ("C", "2027-01-15")):
        wt("plan", "add", "1", text, "--owner", "them", "--due", due)
    wt("plan", "edit", "1", "2", "--after", "1")
    wt("plan", "edit", "1", "3", "--after", "2")
    itself = wt("plan", "edit", "1", "2", "--after", "2", ok=False)
    assert itself.exit_code == 1
    assert itself.stderr.strip() == "Error: Step 2 'B' cannot follow itself."
    cycle = wt("plan", "edit", "1", "1", "--after", "3", ok=False)
    assert cycle.exit_code == 1 and len(cycle.stderr.strip().splitlines()) == 1
    assert "that makes a circle (1 → 2 → 3 → 1)" in cycle.stderr
    late = wt("plan", "add", "1", "Go-live", "--owner", "me", "--due", "2027-02-03")
    assert "warning: 'Go-live' is due Wed 3 Feb 2027, after the deal's target Sun 31 Jan" in (
        late.stderr
    )
    before = wt("plan", "add", "1", "D", "--owner", "me", "--due", "2027-01-01", "--after", "3")
    assert "before the step it follows ('C'" in before.stderr
    missing = wt("plan", "done", "1", "9", ok=False)
    assert "Deal #1 has no step 9 (it has 5)." in missing.stderr


def test_a_step_needs_someone_on_the_deal(dana: Path, wt: Invoke) -> None:
    wt("deal", "add", "Lonely")
    run = wt("plan", "add", "lonely", "Step", "--owner", "me", "--due", "fri", ok=False)
    assert "has nobody on it yet" in run.stderr


def test_ambiguous_and_missing_deals(dana: Path, wt: Invoke) -> None:
    wt("deal", "add", "Northwind renewal")
    wt("deal", "add", "Northwind expansion")
    run = wt("deal", "show", "northwind", ok=False)
    assert "'northwind' matches 2 deals: #1 Northwind renewal; #2 Northwind expansion." in (
        run.stderr
    )
    assert wt("deal", "show", "#9", ok=False).stderr.startswith("Error: No deal has id #9.")
    assert json.loads(wt("deal", "show", "expansion", "--json").stdout)["deal"]["id"] == 2


def test_template_applied_backwards_from_a_date(northwind: Path, wt: Invoke) -> None:
    wt("plan", "add", "1", "Security review", "--owner", "them", "--due", "2027-01-10")
    wt("plan", "add", "1", "Legal review", "--owner", "greta", "--due", "2027-01-20",
       "--after", "1")  # fmt: skip
    wt("plan", "add", "1", "Go-live", "--owner", "me", "--due", "2027-01-31", "--after", "2",
       "--milestone")  # fmt: skip
    assert "Saved template 'renewal': 3 steps." in wt("plan", "template", "save", "renewal",
                                                      "1").stderr  # fmt: skip
    wt("deal", "add", "Initech renewal", "--with", "marcus")
    run = wt("plan", "apply", "renewal", "initech", "--backwards-from", "2027-03-31")
    assert "Added 3 steps to deal #2 'Initech renewal', working back from Wed 31 Mar 2027" in (
        run.stderr
    )
    assert "The deal's target is now Wed 31 Mar 2027." in run.stderr
    plan = json.loads(wt("plan", "initech", "--json").stdout)
    assert [(s["text"], s["due_on"], s["owner"], s["after"], s["milestone"]) for s in
            plan["steps"]] == [
        ("Security review", "2027-03-10", "them", None, False),  # 21 days before
        ("Legal review", "2027-03-20", "them", 1, False),  # 11 days before
        ("Go-live", "2027-03-31", "me", 2, True),
    ]  # fmt: skip
    assert {s["contact"]["name"] for s in plan["steps"]} == {"Marcus O'Neil"}
    assert plan["deal"]["target_on"] == "2027-03-31"


def test_a_template_whose_step_waits_for_a_later_one_keeps_it_everywhere(
    northwind: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step 1 may wait for step 2: applied, exported and imported, the link stays."""
    wt("plan", "add", "1", "Kickoff", "--owner", "me", "--due", "2027-01-20")
    wt("plan", "add", "1", "Order form signed", "--owner", "them", "--due", "2027-01-10")
    wt("plan", "edit", "1", "1", "--after", "2")
    wt("plan", "template", "save", "renewal", "1")
    wt("deal", "add", "Initech renewal", "--with", "marcus")
    wt("plan", "apply", "renewal", "initech", "--backwards-from", "2027-03-31")
    plan = json.loads(wt("plan", "initech", "--json").stdout)
    assert [(s["text"], s["after"]) for s in plan["steps"]] == [
        ("Kickoff", 2),
        ("Order form signed", None),
    ]
    exported = tmp_path / "all.json"
    wt("export", "-o", str(exported))
    monkeypatch.setenv("WINTOGETHER_DB", str(tmp_path / "fresh.db"))
    wt("init")
    wt("import", str(exported))
    again = json.loads(wt("plan", "initech", "--json").stdout)
    assert [(s["text"], s["after"]) for s in again["steps"]] == [
        ("Kickoff", 2),
        ("Order form signed", None),
    ]
    wt("deal", "add", "Globex renewal", "--with", "marcus")
    wt("plan", "apply", "renewal", "globex", "--backwards-from", "2027-05-31")
    third = json.loads(wt("plan", "globex", "--json").stdout)
    assert [s["after"] for s in third["steps"]] == [2, None]


def test_a_template_loop_is_left_out_when_applied() -> None:
    from wintogether.domain.plan import template_afters

    steps = [{"after": 1}, {"after": 2}, {"after": 0}, {"after": 3}, {"after": 9}, {}]
    assert template_afters(steps) == [1, 2, None, None, None, None]


def test_undo_removes_a_step_and_its_promise(northwind: Path, wt: Invoke) -> None:
    wt("plan", "add", "1", "Security review", "--owner", "them", "--due", "2027-01-10")
    wt("undo")
    assert json.loads(wt("plan", "1", "--json").stdout)["steps"] == []
    assert json.loads(wt("followups", "--json").stdout) == []


def test_plan_and_deal_views_on_the_terminal(northwind: Path, wt: Invoke) -> None:
    wt("plan", "add", "1", "Security review", "--owner", "them", "--due", "2026-11-20")
    wt("plan", "add", "1", "Legal review", "--owner", "greta", "--due", "2027-01-20",
       "--after", "1")  # fmt: skip
    plan = " ".join(wt("plan", "northwind").stdout.split())
    assert "at risk: 'Security review' is 8 days late and 1 step depends on it" in plan
    assert "critical path 1 → 2" in plan
    shown = wt("deal", "show", "northwind").stdout
    assert "SOC2-ready vendor before their audit" in shown and "Greta Lind" in shown


def test_deals_plans_and_templates_round_trip_through_json(
    northwind: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wt("deal", "edit", "1", "--note", "Internal: procurement is slow")
    wt("plan", "add", "1", "Security review", "--owner", "them", "--due", "2026-11-25")
    wt("plan", "done", "1", "1", "--note", "Passed")
    wt("plan", "add", "1", "Order form", "--owner", "greta", "--due", "2027-01-20",
       "--after", "1", "--milestone")  # fmt: skip
    wt("plan", "template", "save", "renewal", "1")
    wt(
        "deal",
        "add",
        "Initech pilot",
        "--with",
        "marcus",
        "--they-win",
        "Faster",
        "--we-win",
        "Ref",
    )
    wt("deal", "won", "initech")

    def dump() -> dict:
        data = json.loads(wt("export").stdout)
        data.pop("exported_at")
        return data

    original = dump()
    assert [len(original[k]) for k in ("deals", "deal_steps", "plan_templates")] == [2, 2, 1]
    northwind_deal = original["deals"][0]
    assert northwind_deal["notes"] == "Internal: procurement is slow"
    assert len(northwind_deal["people"]) == 2
    assert original["deal_steps"][1]["after"] == original["deal_steps"][0]["uid"]
    assert original["plan_templates"][0]["steps"][1]["after"] == 0
    out = tmp_path / "all.json"
    wt("export", "-o", str(out))
    monkeypatch.setenv("WINTOGETHER_DB", str(tmp_path / "fresh.db"))
    wt("init")
    run = wt("import", str(out))
    assert "2 deals, 1 plan templates" in run.stderr
    assert dump() == original
    plan = json.loads(wt("plan", "northwind", "--json").stdout)
    assert [(s["status"], s["after"], s["milestone"]) for s in plan["steps"]] == [
        ("done late", None, False), ("to do", 1, True),
    ]  # fmt: skip
    assert "0 added, 0 updated" in wt("import", str(out)).stderr
    assert dump() == original


def test_forgetting_a_person_takes_them_off_deals_and_the_deal_stays(
    northwind: Path, wt: Invoke
) -> None:
    wt("plan", "add", "1", "Security review", "--owner", "dana", "--due", "2027-01-10")
    wt("plan", "add", "1", "Legal review", "--owner", "greta", "--due", "2027-01-20")
    forgotten = wt("forget", "Dana Reyes", "--yes")
    # Her only promise is that step, which moves: none is deleted.
    assert "deleted 0 conversations, 0 promises" in forgotten.stderr
    shown = json.loads(wt("deal", "show", "northwind", "--json").stdout)
    assert [p["name"] for p in shown["deal"]["people"]] == ["Greta Lind"]
    # The plan stays whole: Dana's step moved to the next person on the deal.
    assert [(s["text"], s["contact"]["name"]) for s in shown["steps"]] == [
        ("Security review", "Greta Lind"),
        ("Legal review", "Greta Lind"),
    ]
    assert "Dana" not in wt("export").stdout


def test_search_finds_deals_by_title_company_and_wins(northwind: Path, wt: Invoke) -> None:
    hits = json.loads(wt("search", "audit", "--json").stdout)
    assert [(h["source"], h["id"], h["contact"]["name"]) for h in hits] == [
        ("deal", 1, "Dana Reyes")
    ]
    wt("deal", "edit", "1", "--title", "Contoso expansion")
    assert json.loads(wt("search", "contoso", "--json").stdout)[0]["source"] == "deal"
    renewal = json.loads(wt("search", "renewal", "--json").stdout)
    assert [h["snippet"] for h in renewal if h["source"] == "deal"] == ["3-year renewal, +20 seats"]


def test_summary_and_history_count_deals_and_steps(dana: Path, wt: Invoke) -> None:
    """This week runs Mon 23 to Sun 29 Nov; today is Sat 28 Nov."""
    with Factory(dana) as make:
        make.at("2026-11-16T10:00:00+00:00")  # last week
        make.deal("Old deal", with_=["marcus"], they_win="A", we_win="B")
        make.at("2026-11-24T10:00:00+00:00")
        make.deal("Northwind renewal", with_=["dana"], target="2027-01-31")
        mine = make.step("northwind", "Send the DPA", owner="me", due="2026-11-25")
        theirs = make.step("northwind", "Security review", owner="them", due="2026-11-26")
        late = make.step("northwind", "Legal review", owner="them", due="2026-11-24")
        make.promise("dana", "Not a step", due="2026-11-30")
        make.at("2026-11-25T10:00:00+00:00")
        make.done(mine)  # on its due day: on time
        make.done(theirs)  # a day early: on time
        make.at("2026-11-27T10:00:00+00:00")
        make.done(late)  # three days late
        make.done(make.promise("dana", "Also not a step", due="2026-11-27"))
    wt("deal", "won", "old deal")
    numbers = json.loads(wt("summary", "--format", "json").stdout)["numbers"]
    assert {k: v for k, v in numbers.items() if "deal" in k or "plan_steps" in k} == {
        "deals_opened": 1,
        "deals_won": 1,
        "deals_lost": 0,
        "my_plan_steps_kept_on_time": 1,
        "their_plan_steps_kept_on_time": 1,
    }
    assert "| Deals opened | 1 |" in wt("summary", "--format", "md").stdout
    entries = json.loads(wt("history", "--kind", "deal", "--json").stdout)["entries"]
    assert [(e["title"], e["deal_event"]) for e in entries] == [
        ("Old deal", "opened"),
        ("Northwind renewal", "opened"),
        ("Old deal", "won"),
    ]
    shown = wt("history", "--kind", "deal").stdout
    assert "deal won: Old deal" in shown
    only_dana = json.loads(wt("history", "--contact", "dana", "--kind", "deal", "--json").stdout)
    assert [e["title"] for e in only_dana["entries"]] == ["Northwind renewal"]


def test_deal_and_plan_json_keys_are_documented(northwind: Path, wt: Invoke) -> None:
    wt("plan", "add", "1", "Security review", "--owner", "them", "--due", "2027-01-10")
    documented = (Path(__file__).parent.parent / "docs" / "json.md").read_text()
    plan = json.loads(wt("plan", "1", "--json").stdout)
    row = json.loads(wt("deals", "--json").stdout)[0]
    keys = set(plan) | set(plan["deal"]) | set(plan["steps"][0]) | set(row)
    keys |= set(plan["my_word"])
    assert [k for k in sorted(keys) if f"`{k}`" not in documented] == []


def test_a_deal_links_to_the_company_record_its_text_names(dana: Path, wt: Invoke) -> None:
    wt("deal", "add", "Renewal", "--company", "northwind traders, inc.", "--with", "dana")
    deal = json.loads(wt("deal", "show", "1", "--json").stdout)["deal"]
    assert deal["company"] == "Northwind Traders"  # the record Dana's company made
    exported = json.loads(wt("export").stdout)
    company = next(c for c in exported["companies"] if c["name"] == "Northwind Traders")
    assert exported["deals"][0]["company_uid"] == company["uid"]
    assert exported["deals"][0]["company"] == "northwind traders, inc."  # as typed
    wt("deal", "edit", "1", "--clear", "company")
    assert json.loads(wt("deal", "show", "1", "--json").stdout)["deal"]["company"] is None


def test_the_deals_table_shows_a_screenful_and_says_there_is_more(dana: Path, wt: Invoke) -> None:
    for n in range(3):
        wt("deal", "add", f"Deal {n}", "--target", f"2027-01-0{n + 1}")
    run = wt("deals", "--limit", "2")
    assert "Deal 0" in run.stdout and "Deal 1" in run.stdout and "Deal 2" not in run.stdout
    assert "… and more after these 2: `wt deals --limit 0` shows all." in run.stderr
    assert len(json.loads(wt("deals", "--json").stdout)) == 3  # scripts get everything


def test_an_import_refuses_unreadable_deals_and_templates(
    northwind: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wt("plan", "add", "1", "Security review", "--owner", "them", "--due", "2027-01-10")
    wt("plan", "template", "save", "renewal", "1")
    data = json.loads(wt("export").stdout)
    data["deals"][0]["status"] = "maybe"
    data["plan_templates"][0]["steps"][0]["after"] = 0  # a step after itself
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("WINTOGETHER_DB", str(tmp_path / "fresh.db"))
    wt("init")
    refused = wt("import", str(bad), ok=False)
    assert refused.exit_code == 1
    assert "2 unreadable rows (deal 1: status 'maybe' is not one of open, won, lost" in (
        refused.stderr
    )
    assert "Nothing was imported" in refused.stderr
    run = wt("import", str(bad), "--skip-invalid")
    assert "2 unreadable skipped" in run.stderr
    assert json.loads(wt("deals", "--all", "--json").stdout) == []
    assert json.loads(wt("followups", "--json").stdout)[0]["text"] == "Security review"


# -- `wt company NAME`: the account's deals ------------------------------------------


def test_company_lists_its_open_deals_and_those_closed_this_year(
    northwind: Path, wt: Invoke
) -> None:
    wt("plan", "add", "northwind", "Security review", "--owner", "them", "--due", "2026-11-22")
    wt("deal", "add", "Northwind upsell", "--with", "dana")
    wt("deal", "lost", "upsell", "--note", "Budget cut")
    wt("deal", "add", "Northwind pilot", "--with", "dana")
    wt("deal", "dropped", "pilot")
    wt("deal", "add", "Old Northwind deal", "--with", "dana")
    wt("deal", "won", "old", ok=False)  # one-sided: stays open until the wins are written
    wt("deal", "dropped", "old")
    wt("deal", "add", "Consulting", "--company", "Initech")  # another company
    conn = sqlite3.connect(northwind)
    with conn:  # closed more than a year ago: not listed
        conn.execute(
            "UPDATE deals SET closed_at = '2025-10-01T10:00:00Z' WHERE title = 'Old Northwind deal'"
        )
    conn.close()
    shown = wt("--plain", "company", "northwind").stdout
    # One line each (folded at the screen's width in a pipe).
    flat = " ".join(shown[shown.index("\nDeals\n") :].split())
    assert flat == (
        "Deals #1 Northwind renewal · target Sun 31 Jan 2027 · at risk: 1 step late (up to 6"
        " days) Closed deals (12 months) #2 Northwind upsell · lost Sat 28 Nov: Budget cut"
        " #3 Northwind pilot · dropped Sat 28 Nov"
    )
    assert "Old Northwind" not in shown and "Consulting" not in shown
    data = json.loads(wt("company", "northwind", "--json").stdout)["deals"]
    assert [d["title"] for d in data["open"]] == ["Northwind renewal"]
    assert data["open"][0]["health"] == "at risk" and data["open"][0]["steps"] == 1
    assert [(d["title"], d["status"]) for d in data["closed"]] == [
        ("Northwind upsell", "lost"),
        ("Northwind pilot", "dropped"),
    ]
    # An account with no deals shows no deal lines, and an empty list in JSON.
    assert "Deals" not in wt("--plain", "company", "oneil").stdout
    assert json.loads(wt("company", "oneil", "--json").stdout)["deals"] == {
        "open": [],
        "closed": [],
    }


def test_an_accounts_deals_are_one_seek_in_the_company_index(northwind: Path) -> None:
    from wintogether.domain.deals import of_company
    from wintogether.store import open_store

    store, _ = open_store(northwind)
    try:
        seen: list[str] = []
        store.conn.set_trace_callback(seen.append)
        found = of_company(store, 1, datetime(2026, 11, 28, tzinfo=UTC))
        store.conn.set_trace_callback(None)
        assert [v.deal.title for v in found.open] == ["Northwind renewal"]
        sql = next(s for s in seen if "FROM deals d" in s)
        plan = " | ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "USING INDEX deals_company (company_id=?)" in plan
        assert "SCAN d" not in plan
    finally:
        store.close()


def _figures(view: PlanView) -> tuple[object, ...]:
    return (
        view.statuses, view.health, view.done, view.counted, view.risks,
        view.projected_end, view.ends_late_by, view.critical_path,
    )  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 8),  # the step it follows (by number; 0 for none, may cycle)
            st.sampled_from(["open", "done", "cancelled"]),
            st.integers(-20, 20),  # due, days from today
            st.integers(-25, 5),  # done, days from today
            st.booleans(),
        ),
        max_size=8,
    )
)
def test_the_listing_summary_has_the_figures_of_the_full_analysis(
    plan: list[tuple[int, str, int, int, bool]],
) -> None:
    from datetime import timedelta

    steps = []
    for number, (after, status, due, done, milestone) in enumerate(plan, start=1):
        steps.append(
            _step(
                number, f"step {number}", "them" if number % 2 else "me",
                TODAY + timedelta(days=due),
                after=after if after and after != number else None, status=status,
                done=TODAY + timedelta(days=done) if status != "open" else None,
                milestone=milestone,
            )
        )  # fmt: skip
    full = analyse(_deal(), steps, TODAY)
    facts = [
        (s.id, s.after_step_id, s.milestone, s.promise.status, s.promise.due_on,
         s.promise.done_at.astimezone().date() if s.promise.done_at else None, s.promise.text)
        for s in steps
    ]  # fmt: skip
    short = summary(_deal(), facts, TODAY)
    assert short.steps == []
    assert _figures(short) == _figures(full)
    assert full.statuses == [s.status for s in full.steps]


def test_deals_reads_each_plan_as_the_plan_view_does(northwind: Path, wt: Invoke) -> None:
    """`wt deals` reads the few columns of each step (store.deals.plan_facts):
    the same figures as the full plan of `wt plan`."""
    wt("deal", "add", "Contoso pilot", "--with", "marcus", "--target", "2026-12-20")
    for args in (
        ("northwind", "Questionnaire sent", "--owner", "me", "--due", "2026-11-20"),
        ("northwind", "Security review", "--owner", "dana", "--due", "2026-11-22", "--after", "1"),
        ("northwind", "Legal review", "--owner", "them", "--due", "2026-12-25", "--after", "2"),
        ("northwind", "Signed", "--owner", "them", "--due", "2027-02-10", "--milestone"),
        ("contoso", "Pilot set up", "--owner", "me", "--due", "2026-11-27"),
        ("contoso", "Pilot review", "--owner", "marcus", "--due", "2026-12-01", "--after", "1"),
    ):
        wt("plan", "add", *args)
    wt("plan", "done", "northwind", "1")
    wt("plan", "cancel", "contoso", "2")
    from wintogether.domain.deals import listing, view
    from wintogether.store import open_store

    store, _ = open_store(northwind)
    try:
        moment = datetime(2026, 11, 28, 10, tzinfo=UTC)
        rows = listing(store, moment)
        assert [r.deal.title for r in rows] == ["Contoso pilot", "Northwind renewal"]
        for row in rows:
            full = view(store, moment, str(row.deal.id))
            assert row.steps == [] and full.steps
            assert _figures(row) == _figures(full)
            assert row.deal == full.deal
    finally:
        store.close()


@pytest.mark.parametrize(
    "deal",
    [
        _deal(),
        Deal(
            7, "u\u202e", "Zoë's \"deal\"\x7f", None, None, None, "We\u2028win", "lost",
            datetime(2026, 11, 20, 9, 30, tzinfo=UTC), "Chose\tanother", "n\u00e9",
            datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC),
            [DANA, ContactRef(2, "Émile\x1b[31m", None)],
        ),
        Deal(
            8, "v", "Empty", "", date(2027, 1, 31), "", None, "open", None, None, None,
            datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC), [],
        ),
    ],
)  # fmt: skip
def test_deal_json_items_are_the_bytes_of_write_json(deal: Deal) -> None:
    """`wt deals --json` writes each row from its own text: the bytes the
    column spec's records give through write_json."""
    import io

    from wintogether.render.columns import DEALS
    from wintogether.render.plan_words import deal_row_item
    from wintogether.text import write_json, write_json_texts

    views = [
        analyse(deal, hand_computed_plan(), TODAY),
        summary(deal, [], TODAY),
    ]
    whole, items = io.StringIO(), io.StringIO()
    write_json(DEALS.json(views), whole)
    write_json_texts([deal_row_item(view) for view in views], items)
    assert items.getvalue() == whole.getvalue()


def test_an_imported_template_named_as_one_here_comes_in_under_a_number(
    northwind: Path, wt: Invoke, tmp_path: Path
) -> None:
    # A "renewal" playbook from another database, where one of that name but
    # other steps is here: it was dropped without a word.
    wt("plan", "add", "1", "Security review", "--owner", "them", "--due", "2027-01-10")
    wt("plan", "add", "1", "Legal review", "--owner", "me", "--due", "2027-01-20", "--after", "1")
    wt("plan", "template", "save", "renewal", "1")
    exported = tmp_path / "laptop.json"
    exported.write_text(wt("export").stdout)
    other = tmp_path / "desktop.db"
    wt("--db", str(other), "init")
    wt("--db", str(other), "add", "Ann Bee")
    wt("--db", str(other), "deal", "add", "Pilot", "--with", "ann")
    wt("--db", str(other), "plan", "add", "1", "Kickoff", "--owner", "me", "--due", "2027-01-05")
    wt("--db", str(other), "plan", "template", "save", "Renewal", "1")
    wt("--db", str(other), "import", str(exported))
    wt("--db", str(other), "import", str(exported))  # twice: still one copy
    names = {
        t["name"]: len(t["steps"])
        for t in json.loads(wt("--db", str(other), "export").stdout)["plan_templates"]
    }
    assert names == {"Renewal": 1, "renewal (2)": 2}
