"""`wt path`: warm paths ranked by hand-computed strength on a fixed database.

Saturday 28 November 2026, 10:00 UTC. Strength out of 100 (docs/accounts.md):
recency 40 * (1 - days / 365), frequency 30 * conversations / 12 (at most 30),
word 15 * kept on time / due (7.5 when none due), balance 15 * (net + 3) / 6.

Initech today: Dana Reyes and Lee Park. Sam Okafor left it for Globex in June.

* Dana: last talked 18 Nov (10 days), 2 conversations this year, 1 promise kept
  on time, no ledger: 40 * (1 - 10/365) + 5 + 15 + 7.5 = 66.404 -> 66.4
* Lee: never talked, nothing else: 0 + 0 + 7.5 + 7.5 = 15.0
* Sam (former): 30 Aug (90 days), 1 conversation, gave him 1 referral:
  40 * (1 - 90/365) + 2.5 + 7.5 + 15 * 4/6 = 50.137 -> 50.1
* Ana and Bob were in Dana's 18 Nov meeting: 38.904 + 2.5 + 7.5 + 7.5 = 56.4
  each, a tie (by name: Ana first)
* Marcus introduced me to Lee (received 1 intro, so I owe him); talked today:
  40 + 2.5 + 7.5 + 15 * 2/6 = 55.0
* Zoe introduced me to Marcus: two steps away from Lee; never talked: 15.0
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Invoke
from factory import Factory
from test_accounts import job_change


@pytest.fixture
def initech(db: Path) -> Path:
    with Factory(db) as make:
        make.at("2026-01-05T09:00:00+00:00")
        make.contact("Zoe Adams")
        make.contact("Marcus O'Neil", via="zoe")
        make.contact("Dana Reyes", company="Initech")
        make.contact("Lee Park", company="Initech", via="marcus")
        make.contact("Sam Okafor", company="Initech")
        make.contact("Ana Silva", company="Globex")
        make.contact("Bob Stone", company="Umbrella")
        make.at("2026-11-10T09:00:00+00:00")
        kept = make.promise("dana", "Send pricing", due="2026-11-20")
        make.at("2026-11-19T09:00:00+00:00")
        make.done(kept)
        make.at("2026-11-28T09:30:00+00:00")
        make.log("dana", "Planning", at="2026-05-01T10:00")
        make.log("dana", "Pilot review", at="2026-11-18T10:00", with_=["ana silva", "bob stone"])
        make.log("sam", "Catch-up", at="2026-08-30T10:00")
        make.log("marcus", "Coffee", at="2026-11-28T08:00")
        make.gave("sam", "Referral to a buyer", kind="referral", at="2026-09-01")
        make.got("marcus", "Intro to Lee", kind="intro", to="lee park", at="2026-03-01")
        make.edit("sam", company="Globex")
    job_change(db, 5, "Initech", "Globex", "2026-06-15T09:00:00Z")
    return db


def ranking(wt: Invoke, target: str) -> list[tuple[int, str, str, float]]:
    data = json.loads(wt("path", target, "--json").stdout)
    return [(p["rank"], p["contact"]["name"], p["tier"], p["strength"]) for p in data["paths"]]


def test_company_paths_in_tiers_by_strength(initech: Path, wt: Invoke) -> None:
    assert ranking(wt, "initech") == [
        (1, "Dana Reyes", "works there", 66.4),
        (2, "Lee Park", "works there", 15.0),
        (3, "Sam Okafor", "worked there", 50.1),
        (4, "Ana Silva", "knows someone there", 56.4),
        (5, "Bob Stone", "knows someone there", 56.4),
        (6, "Marcus O'Neil", "knows someone there", 55.0),
        (7, "Zoe Adams", "two steps away", 15.0),
    ]


def test_each_path_says_why(initech: Path, wt: Invoke) -> None:
    data = json.loads(wt("path", "Initech", "--json").stdout)
    reasons = {p["contact"]["name"]: p["reason"] for p in data["paths"]}
    assert reasons["Sam Okafor"] == (
        "worked there until Jun 2026; you gave them 1 referral this year; talked 90 days ago"
    )
    assert reasons["Marcus O'Neil"] == (
        "introduced you to Lee Park (Initech); you owe them: received 1 intro this year;"
        " talked today"
    )
    assert reasons["Ana Silva"] == "in a conversation with Dana Reyes (Initech); talked 10 days ago"
    assert reasons["Zoe Adams"] == (
        "introduced you to Marcus O'Neil, who introduced you to Lee Park (Initech); never talked"
    )
    assert reasons["Dana Reyes"] == (
        "works there; kept 1 of 1 promises on time, both ways;"
        " talked 10 days ago (2 conversations this year)"
    )
    dana = data["paths"][0]["strength_parts"]
    assert (dana["recency"], dana["frequency"], dana["word"], dana["balance"]) == (
        38.9,
        5.0,
        15.0,
        7.5,
    )
    out = wt("path", "initech").stdout
    assert "Paths to Initech" in out and "two steps away" in out


def test_paths_to_a_contact(initech: Path, wt: Invoke) -> None:
    assert ranking(wt, "Lee Park") == [
        (1, "Lee Park", "you know them", 15.0),
        (2, "Dana Reyes", "works with them", 66.4),
        (3, "Marcus O'Neil", "knows them", 55.0),
        (4, "Sam Okafor", "knows them", 50.1),
        (5, "Zoe Adams", "two steps away", 15.0),
    ]


def test_forgotten_and_archived_people_are_no_path(initech: Path, wt: Invoke) -> None:
    wt("forget", "Marcus O'Neil", "--yes")
    wt("archive", "bob stone")
    names = [name for _, name, _, _ in ranking(wt, "initech")]
    # Without Marcus, Zoe no longer leads anywhere; Bob is archived.
    assert names == ["Dana Reyes", "Lee Park", "Sam Okafor", "Ana Silva"]


def test_limit_and_nothing_found(initech: Path, wt: Invoke) -> None:
    data = json.loads(wt("path", "initech", "--limit", "2", "--json").stdout)
    assert [p["rank"] for p in data["paths"]] == [1, 2]
    wt("add", "Ivy Lone", "--company", "Hooli")
    wt("forget", "Ivy Lone", "--yes")
    lonely = wt("path", "hooli")
    assert "No warm path to Hooli yet" in lonely.stderr
    missing = wt("path", "nobody-at-all", ok=False)
    assert missing.exit_code == 1
    assert "No company or contact matches 'nobody-at-all'." in missing.stderr
    assert "`wt companies` lists the companies" in missing.stderr


def test_a_short_limit_ranks_only_the_first_tiers(initech: Path, wt: Invoke) -> None:
    data = json.loads(wt("path", "initech", "--limit", "2", "--json").stdout)
    # Both people there fill the limit: nobody further was looked at, or counted.
    assert [p["contact"]["name"] for p in data["paths"]] == ["Dana Reyes", "Lee Park"]
    assert data["total"] is None
    assert json.loads(wt("path", "initech", "--limit", "4", "--json").stdout)["total"] == 7
    assert json.loads(wt("path", "initech", "--json").stdout)["total"] == 7
    out = wt("path", "initech", "--limit", "2")
    assert "The first 2 shown: `wt path initech --limit 0` shows all." in out.stderr


def test_json_shows_a_screenful_unless_asked_for_all(db: Path, wt: Invoke) -> None:
    with Factory(db) as make:
        make.at("2026-01-05T09:00:00+00:00")
        for n in range(23):
            make.contact(f"Person {n:02d}", company="Hooli")
    data = json.loads((out := wt("path", "hooli", "--json")).stdout)
    # The first 20, as in a table; the rest are counted, and named on stderr.
    assert [p["rank"] for p in data["paths"]] == list(range(1, 21))
    assert data["total"] is None
    assert "The first 20 shown: `wt path hooli --limit 0` shows all." in out.stderr
    every = json.loads((out := wt("path", "hooli", "--json", "--limit", "0")).stdout)
    assert len(every["paths"]) == every["total"] == 23
    assert out.stderr == ""


def test_a_path_to_a_contact_by_a_name_two_companies_share(db: Path, wt: Invoke) -> None:
    """'dana' names two companies (Danaher, Dana Holding) and one person: the
    path is to Dana Reyes, not an error; with no such person, the error says
    which companies it could be."""
    with Factory(db) as make:
        make.contact("Dana Reyes", company="Northwind")
        make.contact("Al Stone", company="Danaher")
        make.contact("Bo Chan", company="Dana Holding")
    data = json.loads(wt("path", "dana", "--json").stdout)
    assert (data["target"], data["kind"]) == ("Dana Reyes", "contact")
    wt("forget", "Dana Reyes", "--yes")
    out = wt("path", "dana", ok=False)
    assert out.exit_code == 1 and "matches 2 companies" in out.stderr


def test_former_colleagues_of_a_contact_by_any_name_of_their_company(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Li left 'Northwind Traders', Kim left 'Northwind' (one company since a
    merge): both are former colleagues of Dana and of Sam, whichever name
    their own card says; the month they left is the local one, and the line
    does not say they worked with her (they may have left before she came)."""
    import time

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    with Factory(db) as make:
        make.contact("Li Lei", company="Globex")
        make.contact("Kim Ko", company="Initech")
        make.contact("Dana Reyes", company="Northwind Traders")
        make.contact("Sam Okafor", company="Northwind")
    job_change(db, 1, "Northwind Traders", "Globex", "2026-11-01T03:00:00Z")  # 31 Oct there
    job_change(db, 2, "Northwind", "Initech", "2026-10-15T12:00:00Z")
    wt("company", "merge", "Northwind Traders", "Northwind")
    for target in ("Dana Reyes", "Sam Okafor", "Northwind Traders"):
        data = json.loads(wt("path", target, "--json").stdout)
        former = {
            p["contact"]["name"]: link["until"]
            for p in data["paths"]
            for link in p["links"]
            if link["kind"] == "former"
        }
        assert former == {"Li Lei": "2026-10-31", "Kim Ko": "2026-10-15"}, target
    shown = " ".join(wt("path", "Dana Reyes").stdout.split())
    assert "worked at Northwind Traders until Oct 2026" in shown, shown
    assert "worked with" not in shown
