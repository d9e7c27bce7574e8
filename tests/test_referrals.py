"""Introductions: who introduced whom, what `wt show` says, `wt referrals` and the thank-yous."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import Invoke
from factory import Factory


def introducers(db: Path) -> dict[str, str | None]:
    with sqlite3.connect(db) as conn:
        return dict(
            conn.execute(
                "SELECT c.name, i.name FROM contacts c LEFT JOIN contacts i"
                " ON i.id = c.introduced_by ORDER BY c.id"
            ).fetchall()
        )


@pytest.fixture
def intros(db: Path) -> Path:
    """Marcus introduced me to Dana (Aug 2024); Dana to Lee (via `wt add`); I talked
    with Dana before and after the intro, and we won together; Lee once."""
    with Factory(db) as make:
        make.at("2024-06-01T09:00:00+00:00")
        make.contact("Marcus O'Neil", company="O'Neil Consulting")
        make.contact("Dana Reyes", company="Northwind")
        make.log("dana", "Met at a fair", at="2024-06-01T08:00")
        make.at("2024-08-10T09:00:00+00:00")
        make.got("marcus", "Intro to Dana's team", kind="intro", to="dana")
        make.at("2026-11-01T09:00:00+00:00")
        make.contact("Lee Park", company="Globex", via="dana")
        make.at("2026-11-27T09:00:00+00:00")
        make.log("dana", "Renewal call", at="2026-11-02T10:00")
        make.log("dana", "Audit prep", at="2026-11-10T10:00", with_=["lee park"])
        make.win("dana", "Passed the audit", mine="Three-year renewal", at="2026-11-20")
    return db


def test_an_intro_received_fills_the_introducer_once(db: Path, wt: Invoke) -> None:
    wt("add", "Marcus O'Neil")
    wt("add", "Dana Reyes")
    wt("add", "Sam Okafor")
    first = wt("got", "marcus", "Intro to Dana", "--kind", "intro", "--to", "dana")
    assert "stays introduced" not in first.stderr
    # Someone else claiming the same intro later does not overwrite it, and says so.
    again = wt("got", "sam", "Also introduced Dana", "--kind", "intro", "--to", "dana")
    assert again.stderr.splitlines()[-1] == (
        "Note: Dana Reyes stays introduced by Marcus O'Neil"
        " (`wt edit 2 --introduced-by 3` changes it)."
    )
    assert "stays" not in wt("got", "marcus", "Again", "--kind", "intro", "--to", "dana").stderr
    # An intro I made between two people fills nothing.
    wt("gave", "dana", "Intro to Sam", "--kind", "intro", "--to", "sam")
    assert introducers(db) == {
        "Marcus O'Neil": None,
        "Dana Reyes": "Marcus O'Neil",
        "Sam Okafor": None,
    }


def test_introduced_by_on_add_and_edit(db: Path, wt: Invoke) -> None:
    wt("add", "Marcus O'Neil")
    wt("add", "Dana Reyes", "--introduced-by", "marcus")
    wt("add", "Lee Park")
    wt("edit", "lee", "--introduced-by", "dana")
    assert introducers(db) == {
        "Marcus O'Neil": None,
        "Dana Reyes": "Marcus O'Neil",
        "Lee Park": "Dana Reyes",
    }
    itself = wt("edit", "lee", "--introduced-by", "lee", ok=False)
    assert itself.exit_code == 1 and "cannot have introduced themselves" in itself.stderr


def test_show_says_who_introduced_whom(intros: Path, wt: Invoke) -> None:
    wt(
        "gave",
        "dana",
        "Intro to an auditor",
        "--kind",
        "intro",
        "--to",
        "marcus",
        "--at",
        "2026-11-25",
    )
    dana = json.loads(wt("show", "dana", "--json").stdout)["introductions"]
    assert dana["introduced_by"]["contact"]["name"] == "Marcus O'Neil"
    assert dana["introduced_by"]["on"] == "2024-08-10"
    assert [(i["contact"]["name"], i["on"]) for i in dana["introduced_you_to"]] == [
        ("Lee Park", "2026-11-01")
    ]
    assert [(i["contact"]["name"], i["on"]) for i in dana["you_introduced"]] == [
        ("Marcus O'Neil", "2026-11-25")
    ]
    out = " ".join(wt("show", "dana").stdout.split())
    assert "introduced by Marcus O'Neil (Aug 2024)" in out
    assert "introduced you to Lee Park (Nov)" in out
    assert "you introduced Dana to Marcus O'Neil (Nov)" in out
    marcus = json.loads(wt("show", "marcus", "--json").stdout)["introductions"]
    assert marcus["introduced_by"] is None
    assert [i["contact"]["name"] for i in marcus["introduced_you_to"]] == ["Dana Reyes"]


def test_referral_tree_counts_what_each_intro_led_to(intros: Path, wt: Invoke) -> None:
    data = json.loads(wt("referrals", "--json").stdout)
    [marcus] = data["tree"]
    assert marcus["contact"]["name"] == "Marcus O'Neil"
    [dana] = marcus["introduced"]
    # The June conversation came before the intro: 2 since (Nov 2 and Nov 10).
    assert (dana["introduced_on"], dana["conversations"], dana["wins"]) == ("2024-08-10", 2, 1)
    [lee] = dana["introduced"]
    assert (lee["contact"]["name"], lee["conversations"], lee["wins"]) == ("Lee Park", 1, 0)
    assert [s["text"] for s in data["suggestions"]] == ["Thank Marcus for the intro to Dana"]
    out = wt("referrals").stdout
    assert out.splitlines()[:3] == [
        "Marcus O'Neil",
        "  - Dana Reyes (Aug 2024): 2 conversations, 1 win",
        "    - Lee Park (Nov): 1 conversation",
    ]
    assert "[1] Thank Marcus for the intro to Dana" in out
    # From one contact: what grew from them.
    sub = json.loads(wt("referrals", "dana", "--json").stdout)["tree"]
    assert [n["contact"]["name"] for n in sub] == ["Dana Reyes"]
    assert [n["contact"]["name"] for n in sub[0]["introduced"]] == ["Lee Park"]


def test_accepting_a_thank_you_makes_a_promise_once(intros: Path, wt: Invoke) -> None:
    out = wt("referrals", "--accept", "1")
    assert "Promised: Thank Marcus for the intro to Dana, due Sat 5 Dec" in out.stderr
    promises = json.loads(wt("followups", "--json").stdout)
    assert [(p["contact"]["name"], p["text"], p["due_on"]) for p in promises] == [
        ("Marcus O'Neil", "Thank Marcus for the intro to Dana", "2026-12-05")
    ]
    assert json.loads(wt("referrals", "--json").stdout)["suggestions"] == []
    again = wt("referrals", "--accept", "1", ok=False)
    assert again.exit_code == 1 and "No thank-you is proposed" in again.stderr


def test_no_win_no_thank_you(db: Path, wt: Invoke) -> None:
    wt("add", "Marcus O'Neil")
    wt("add", "Dana Reyes", "--introduced-by", "marcus")
    assert json.loads(wt("referrals", "--json").stdout)["suggestions"] == []
    wt("win", "marcus", "A win with the introducer himself", "--mine", "Good")
    assert json.loads(wt("referrals", "--json").stdout)["suggestions"] == []


def test_forget_and_merge_keep_the_tree_whole(intros: Path, wt: Invoke) -> None:
    with Factory(intros) as make:
        make.contact("D. Reyes", force=True)
        make.contact("Sam Okafor", via="d. reyes")
    wt("merge", "Dana Reyes", "D. Reyes")
    assert introducers(intros)["Sam Okafor"] == "Dana Reyes"
    wt("forget", "Dana Reyes", "--yes")
    assert introducers(intros) == {"Marcus O'Neil": None, "Lee Park": None, "Sam Okafor": None}
    assert json.loads(wt("referrals", "--json").stdout)["tree"] == []


@pytest.fixture
def two_marcuses(db: Path) -> Path:
    """Marcus O'Neil brought Dana Reyes and Dana Smith, Marcus Brown brought
    Dana Cole and Priya brought Omar; each introduced person then won with me."""
    with Factory(db) as make:
        make.at("2026-11-01T10:00:00+00:00")
        for name in ("Marcus O'Neil", "Marcus Brown", "Priya Shah"):
            make.contact(name)
        make.contact("Dana Reyes", via="marcus o'neil")
        make.contact("Dana Smith", via="marcus o'neil")
        make.contact("Dana Cole", via="marcus brown")
        make.contact("Omar Haddad", via="priya")
        for day, name in ((20, "dana reyes"), (21, "dana smith"), (22, "dana cole"), (25, "omar")):
            make.at(f"2026-11-{day}T10:00:00+00:00")
            make.win(name, "Went live", mine="Signed")
    return db


def test_a_thank_you_accepted_from_one_persons_view_is_the_one_shown(
    two_marcuses: Path, wt: Invoke
) -> None:
    """`wt referrals priya --accept 1` takes the [1] of Priya's view, not the
    [1] of everyone's."""
    everyone = json.loads(wt("referrals", "--json").stdout)["suggestions"]
    assert everyone[0]["introduced"]["name"] == "Omar Haddad"  # the newest win: [1]
    marcus = json.loads(wt("referrals", "marcus o'neil", "--json").stdout)["suggestions"]
    assert [s["number"] for s in marcus] == [1, 2]
    wt("referrals", "marcus o'neil", "--accept", "1")
    (made,) = json.loads(wt("followups", "--json").stdout)
    assert (made["contact"]["name"], made["text"]) == (
        "Marcus O'Neil",
        marcus[0]["text"],
    )


def test_thanking_one_introducer_leaves_the_others_thank_yous(
    two_marcuses: Path, wt: Invoke
) -> None:
    """Two Marcuses, three Danas: each thank-you is to its own introducer, and a
    Marcus who brought two Danas thanks for each by full name."""
    texts = {
        (s["introducer"]["name"], s["text"])
        for s in json.loads(wt("referrals", "--json").stdout)["suggestions"]
    }
    assert texts == {
        ("Marcus O'Neil", "Thank Marcus for the intro to Dana Reyes"),
        ("Marcus O'Neil", "Thank Marcus for the intro to Dana Smith"),
        ("Marcus Brown", "Thank Marcus for the intro to Dana"),
        ("Priya Shah", "Thank Priya for the intro to Omar"),
    }
    for _ in range(4):
        left = json.loads(wt("referrals", "--json").stdout)["suggestions"]
        wt("referrals", "--accept", "1")
        after = json.loads(wt("referrals", "--json").stdout)["suggestions"]
        assert [s["text"] for s in after] == [s["text"] for s in left[1:]]
    made = {(p["contact"]["name"], p["text"]) for p in json.loads(wt("followups", "--json").stdout)}
    assert made == texts


def test_a_persons_view_says_how_to_accept_its_own_numbers(two_marcuses: Path, wt: Invoke) -> None:
    out = wt("--plain", "referrals", "marcus o'neil").stdout
    assert out.rstrip().endswith(
        "`wt referrals 'marcus o'\"'\"'neil' --accept 1` makes it a promise, due in a week."
    )
    everyone = wt("--plain", "referrals").stdout
    assert everyone.rstrip().endswith(
        "`wt referrals --accept 1` makes it a promise, due in a week."
    )


def test_a_person_who_introduced_no_one_is_told_so(intros: Path, wt: Invoke) -> None:
    out = wt("--plain", "referrals", "lee")
    assert out.stdout.strip().startswith("Lee Park")
    assert "Lee Park has introduced no one yet" in out.stderr
    assert "introduced no one" not in wt("--plain", "referrals", "dana").stderr


def test_an_intro_received_never_makes_a_circle_of_introducers(db: Path, wt: Invoke) -> None:
    """Marcus introduced Dana; Dana later makes an intro to Marcus (already
    known): Marcus is not recorded as introduced by her."""
    wt("add", "Marcus O'Neil")
    wt("add", "Dana Reyes", "--introduced-by", "marcus")
    wt("add", "Lee Park", "--introduced-by", "dana")
    wt("got", "lee", "Intro to Marcus's partner", "--kind", "intro", "--to", "marcus")
    assert introducers(db) == {
        "Marcus O'Neil": None,
        "Dana Reyes": "Marcus O'Neil",
        "Lee Park": "Dana Reyes",
    }
    assert "introduced by" not in wt("--plain", "show", "marcus").stdout


def test_a_thank_you_made_stays_made_when_a_second_namesake_is_introduced(
    intros: Path, wt: Invoke
) -> None:
    """Marcus was thanked "for the intro to Dana"; later he brings another Dana,
    who wins too: only the new Dana's thank-you is proposed (by full name),
    not the first one again."""
    wt("referrals", "--accept", "1")
    with Factory(intros) as make:
        make.at("2026-11-28T09:00:00+00:00")
        make.contact("Dana Smith", via="marcus")
        make.win("dana smith", "Went live", mine="Signed")
    left = json.loads(wt("referrals", "--json").stdout)["suggestions"]
    assert [s["text"] for s in left] == ["Thank Marcus for the intro to Dana Smith"]
