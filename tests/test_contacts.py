"""add, edit, contacts, show, archive, and how a CONTACT reference resolves."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import Invoke


def contacts_json(wt: Invoke, *args: str) -> list[dict[str, object]]:
    data = json.loads(wt("contacts", "--json", *args).stdout)
    assert isinstance(data, list)
    return data


def test_add_with_everything(db: Path, wt: Invoke) -> None:
    wt("add", "Marcus O'Neil", "--company", "O'Neil Consulting")
    run = wt(
        "add",
        "Dana Reyes",
        "-c",
        "Northwind Traders",
        "-t",
        "Head of Procurement",
        "-e",
        "dana.reyes@northwind.example",
        "-e",
        "dana@reyes.example",
        "-p",
        "+1 415 555 0100",
        "-p",
        "+1 415 555 0101",
        "--tag",
        "customers",
        "--tag",
        "customers/enterprise",
        "--every",
        "2w",
        "--met",
        "SaaStr 2024",
        "--via",
        "marcus",
        "--birthday",
        "--04-17",
        "--linkedin",
        "https://www.linkedin.com/in/danareyes/",
        "--note",
        "Prefers email",
    )
    assert run.stdout == ""
    assert "Added Dana Reyes (#2)" in run.stderr
    assert "every 2 weeks" in run.stderr and "birthday 17 Apr" in run.stderr
    dana = json.loads(wt("show", "dana", "--json").stdout)["contact"]
    assert dana["emails"] == ["dana.reyes@northwind.example", "dana@reyes.example"]
    assert dana["phones"] == ["+1 415 555 0100", "+1 415 555 0101"]
    assert dana["tags"] == ["customers", "customers/enterprise"]
    assert dana["cadence_days"] == 14
    assert dana["how_met"] == "SaaStr 2024"
    assert dana["introduced_by"] == {
        "id": 1,
        "name": "Marcus O'Neil",
        "company": "O'Neil Consulting",
    }
    assert dana["birthday"] == "--04-17"
    assert dana["linkedin"] == "https://www.linkedin.com/in/danareyes"
    assert dana["notes"] == "Prefers email"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [
                "",
            ],
            "name cannot be empty",
        ),
        (["Dana", "--email", "not-an-email"], "not an email address"),
        (["Dana", "--every", "often"], "not a duration"),
        (["Dana", "--birthday", "2026-02-30"], "not a valid birthday"),
        (["Dana", "--birthday", "2030-01-01"], "not a valid birthday: it is in the future"),
        (["Dana", "--birthday", "jan 5 2027"], "not a valid birthday: it is in the future"),
        (["Dana", "--tag", "two words"], "not a tag"),
        (["Dana", "--via", "nobody"], "No contact matches 'nobody'"),
        (["Dana", "--linkedin", "not a url"], "not a web address"),
    ],
)
def test_add_rejects_bad_input(db: Path, wt: Invoke, args: list[str], message: str) -> None:
    run = wt("add", *args, ok=False)
    assert run.exit_code == 1
    assert message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr
    assert contacts_json(wt) == []


def test_duplicates_are_refused_unless_forced(dana: Path, wt: Invoke) -> None:
    same_email = wt("add", "D. Reyes", "--email", "DANA.REYES@northwind.example", ok=False)
    assert same_email.exit_code == 1
    assert "Dana Reyes (#1, Northwind Traders) is already here (same email" in same_email.stderr
    same_name = wt("add", "dana reyes", "--company", "northwind traders", ok=False)
    assert "same name and company" in same_name.stderr
    # Same name, other company (or none): named too, in a pipe refused.
    other = wt("add", "Dana Reyes", "--company", "Another Dana Inc", ok=False)
    assert other.exit_code == 1
    assert "Dana Reyes (#1, Northwind Traders) is already here (same name)" in other.stderr
    assert "wt add --new" in other.stderr
    assert "(same name)" in wt("add", "Dana Reyes", ok=False).stderr
    assert len(contacts_json(wt)) == 2
    wt("add", "Dana Reyes", "--company", "Another Dana Inc", "--new")
    wt("add", "Dana Reyes", "--company", "Northwind Traders", "--force")
    assert len(contacts_json(wt)) == 4


def test_add_of_a_known_name_asks_on_a_terminal(
    dana: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("wintogether.cli.contacts.stdin_is_terminal", lambda: True)
    no = wt("add", "Dana Reyes", input="n\n", ok=False)
    assert no.exit_code == 1
    assert "Dana Reyes (#1, Northwind Traders) is already here (same name)" in no.stderr
    assert "Add Dana Reyes as another person?" in no.stderr
    assert "Nothing was changed." in no.stderr
    assert len(contacts_json(wt)) == 2
    yes = wt("add", "Dana Reyes", input="y\n")
    assert "Added Dana Reyes (#3)" in yes.stderr
    assert len(contacts_json(wt)) == 3


def test_edit_adds_removes_and_clears(dana: Path, wt: Invoke) -> None:
    edited = wt(
        "edit",
        "dana",
        "--title",
        "VP Procurement",
        "--tag",
        "champions",
        "--untag",
        "customers",
        "-e",
        "d@x.example",
        "--remove-email",
        "dana.reyes@northwind.example",
        "--every",
        "monthly",
        "--birthday",
        "1986-04-17",
    )
    # what changed is said back
    assert " ".join(edited.stderr.split()) == (
        "Updated Dana Reyes (#1): title VP Procurement, +d@x.example, +champions, -customers,"
        " -dana.reyes@northwind.example — in touch every month, birthday 17 Apr 1986"
    )
    dana = contacts_json(wt, "--tag", "champions")[0]
    assert dana["title"] == "VP Procurement"
    assert dana["tags"] == ["champions"]
    assert dana["emails"] == ["d@x.example"]
    assert dana["cadence_days"] == 30
    assert dana["birthday"] == "1986-04-17"
    run = wt(
        "edit",
        "dana",
        "--clear",
        "birthday",
        "--clear",
        "cadence",
        "--clear",
        "tags",
        "--clear",
        "emails",
        "--clear",
        "company",
    )
    assert "Updated Dana Reyes (#1): birthday cleared, cadence cleared, tags cleared" in run.stderr
    dana = json.loads(wt("show", "1", "--json").stdout)["contact"]
    assert dana["birthday"] is None and dana["cadence_days"] is None
    assert dana["tags"] == [] and dana["emails"] == [] and dana["company"] is None
    assert dana["title"] == "VP Procurement"  # untouched


def test_edit_names_the_manager_and_introducer_it_found(dana: Path, wt: Invoke) -> None:
    """`wt edit 1 --reports-to 2` said "reports to 2"."""
    run = wt("edit", "1", "--reports-to", "2", "--introduced-by", "marcus")
    assert run.stderr.startswith(
        "Updated Dana Reyes (#1): reports to Marcus O'Neil, introduced by Marcus O'Neil"
    ), run.stderr


def test_edit_says_notes_are_replaced_and_undo_brings_them_back(dana: Path, wt: Invoke) -> None:
    """`wt edit --note` said "note added" while the old notes were gone."""
    wt("edit", "dana", "--note", "Met at SaaStr.\nPrefers email.")
    run = wt("edit", "dana", "--note", "Loves cycling")
    assert run.stderr.startswith("Updated Dana Reyes (#1): notes replaced"), run.stderr
    assert "in place" in wt("edit", "--help").stdout
    for blank in ("", " "):
        assert "notes cleared" in wt("edit", "dana", "--note", blank).stderr
        wt("undo")
    wt("undo")
    assert json.loads(wt("show", "1", "--json").stdout)["contact"]["notes"] == (
        "Met at SaaStr.\nPrefers email."
    )


def test_edit_refuses_unknown_clear_and_self_introduction(dana: Path, wt: Invoke) -> None:
    run = wt("edit", "dana", "--clear", "soul", ok=False)
    assert run.exit_code == 1 and "Cannot clear 'soul'" in run.stderr
    run = wt("edit", "dana", "--via", "dana", ok=False)
    assert run.exit_code == 1 and "introduced themselves" in run.stderr


def test_rename(dana: Path, wt: Invoke) -> None:
    wt("edit", "dana", "--name", "Dana Reyes-Ortiz")
    assert wt("show", "reyes-ortiz", "--json").stdout.count("Dana Reyes-Ortiz") >= 1


# -- references ------------------------------------------------------------


@pytest.mark.parametrize(
    "ref", ["1", "#1", "Dana Reyes", "dana reyes", "DANA.REYES@northwind.example", "dana", "Rey"]
)
def test_references_that_resolve(dana: Path, wt: Invoke, ref: str) -> None:
    shown = json.loads(wt("show", ref, "--json").stdout)
    assert shown["contact"]["id"] == 1


def test_ambiguous_reference_lists_candidates(dana: Path, wt: Invoke) -> None:
    wt("add", "Dana Scully", "--company", "FBI")
    run = wt("show", "dana", ok=False)
    assert run.exit_code == 1
    assert run.stdout == ""
    assert "'dana' matches 2 contacts" in run.stderr
    assert "#1 Dana Reyes (Northwind Traders)" in run.stderr
    assert "#3 Dana Scully (FBI)" in run.stderr
    # The example id is one of them, not a made-up one, and typed bare (an
    # unquoted #1 is a comment to the shell).
    assert "Use the id (e.g. 1), the full name or an email." in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    # Two of one name, typed in full: the full name is no way out.
    wt("add", "Dana Scully", "--force")
    same = wt("show", "dana scully", ok=False)
    assert same.stderr.rstrip().endswith(
        "They share that name: use the id (e.g. 3) or an email."
    ), same.stderr


def test_exact_name_beats_fragment(dana: Path, wt: Invoke) -> None:
    wt("add", "Dan")
    wt("add", "Dan Brown")
    assert json.loads(wt("show", "dan", "--json").stdout)["contact"]["name"] == "Dan"


def test_unknown_reference_suggests(dana: Path, wt: Invoke) -> None:
    run = wt("show", "dnaa", ok=False)
    assert run.exit_code == 1
    assert "No contact matches 'dnaa'. Did you mean Dana Reyes (#1)?" in run.stderr
    missing_id = wt("show", "#99", ok=False)
    assert "No contact has id #99" in missing_id.stderr


def test_numeric_name_falls_back_to_name(db: Path, wt: Invoke) -> None:
    wt("add", "Agent 47")
    assert json.loads(wt("show", "47", "--json").stdout)["contact"]["name"] == "Agent 47"


def test_like_wildcards_are_literal(dana: Path, wt: Invoke) -> None:
    run = wt("show", "%", ok=False)
    assert run.exit_code == 1 and "No contact matches '%'" in run.stderr
    run = wt("show", "_", ok=False)
    assert run.exit_code == 1


# -- listing, archive ---------------------------------------------------------


def test_contacts_filters_and_csv(dana: Path, wt: Invoke) -> None:
    wt("add", "Priya Natarajan", "--company", "Fabrikam", "--tag", "customers/emea")
    names = [c["name"] for c in contacts_json(wt, "--tag", "customers")]
    assert names == ["Dana Reyes", "Priya Natarajan"]  # subtags included
    assert [c["name"] for c in contacts_json(wt, "--company", "fabri")] == ["Priya Natarajan"]
    rows = list(csv.DictReader(io.StringIO(wt("contacts", "--format", "csv").stdout)))
    assert [r["name"] for r in rows] == ["Dana Reyes", "Marcus O'Neil", "Priya Natarajan"]
    assert rows[0]["emails"] == "dana.reyes@northwind.example"


def test_sort_recent_and_attention(dana: Path, wt: Invoke) -> None:
    wt("add", "Old Friend", "--every", "10d")
    wt("log", "dana", "call", "--at", "2026-11-27")
    wt("log", "marcus", "call", "--at", "2026-11-01")
    wt("log", "old friend", "call", "--at", "2026-10-01")
    recent = [c["name"] for c in contacts_json(wt, "--sort", "recent")]
    assert recent == ["Dana Reyes", "Marcus O'Neil", "Old Friend"]
    attention = [c["name"] for c in contacts_json(wt, "--sort", "attention")]
    assert attention == ["Old Friend", "Marcus O'Neil", "Dana Reyes"]
    bad = wt("contacts", "--sort", "shoe-size", ok=False)
    assert bad.exit_code == 1 and "Unknown sort" in bad.stderr
    # Someone added today and never talked to comes after those talked to.
    wt("add", "New Face")
    recent = [c["name"] for c in contacts_json(wt, "--sort", "recent")]
    assert recent == ["Dana Reyes", "Marcus O'Neil", "Old Friend", "New Face"]


def test_table_shows_a_screenful_and_says_how_to_see_all(dana: Path, wt: Invoke) -> None:
    from factory import Factory

    with Factory(dana) as make:
        for index in range(60):
            make.contact(f"Bulk Person{index:02d}")
    run = wt("contacts", "--plain")
    assert run.stdout.count("Bulk Person") == 50 and "Dana Reyes" not in run.stdout
    assert "… and 12 more: `wt contacts --limit 0` shows all." in run.stderr
    everyone = wt("contacts", "--plain", "--limit", "0")
    assert everyone.stdout.count("Bulk Person") == 60 and "more" not in everyone.stderr
    assert len(contacts_json(wt)) == 62  # scripts get all the data
    assert [c["name"] for c in contacts_json(wt, "-n", "2")] == ["Bulk Person00", "Bulk Person01"]
    for order in ("recent", "attention"):
        everyone_sorted = [c["name"] for c in contacts_json(wt, "--sort", order)]
        assert [c["name"] for c in contacts_json(wt, "--sort", order, "-n", "3")] == (
            everyone_sorted[:3]
        )


@pytest.mark.parametrize(
    "only",
    [{}, {"tag": "bulk"}, {"company": "Initech"}, {"archived": True}],
    ids=["everyone", "tag", "company", "archived"],
)
def test_a_page_in_name_order_is_the_start_of_the_whole_list(
    dana: Path, only: dict[str, object]
) -> None:
    """A page in name order reads only its rows of the name index and counts
    the rest: the same rows and total as the whole list, whatever the filter,
    at every length (shorter than, as long as, and longer than the list)."""
    from factory import Factory
    from wintogether.config import Config
    from wintogether.domain import contacts
    from wintogether.store import open_store

    with Factory(dana) as make:
        for index in range(7):
            # Names that sort differently with and without case, ties broken by id.
            name = ("bulk" if index % 2 else "Bulk") + f" Person {index % 4}"
            company = "Initech" if index % 3 else "Initrode"
            make.contact(name, company=company, tags=["bulk"] if index != 3 else [], force=True)
    store, _ = open_store(dana)
    try:
        store.conn.execute(
            "UPDATE contacts SET archived_at = '2026-11-01T00:00:00Z' WHERE id % 3 = 0"
        )
        now = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
        whole, total = contacts.listing_page(store, Config(), now, **only)  # type: ignore[arg-type]
        assert total == len(whole) > 1
        for limit in (0, 1, total - 1, total, total + 5):
            rows, count = contacts.listing_page(store, Config(), now, limit=limit, **only)  # type: ignore[arg-type]
            assert count == total
            assert [r.contact.id for r in rows] == [r.contact.id for r in whole[:limit]]
    finally:
        store.close()


def test_archive_hides_and_unarchive_restores(dana: Path, wt: Invoke) -> None:
    wt("edit", "marcus", "--every", "1d")
    wt("log", "marcus", "hi", "--at", "2026-11-01")
    wt("follow-up", "marcus", "Send deck", "--due", "2026-11-20")
    run = wt("archive", "marcus")
    assert "Archived Marcus O'Neil (#2)" in run.stderr
    # the promise still owed is said, and still on the dashboard, as the help says
    assert "1 open promise with them still shows on `wt today`" in run.stderr
    assert "stay on `wt today`" in " ".join(wt("archive", "--help").stdout.split())
    assert "Send deck" in wt("today").stdout
    assert [c["name"] for c in contacts_json(wt)] == ["Dana Reyes"]
    assert [c["name"] for c in contacts_json(wt, "--archived")] == ["Marcus O'Neil"]
    board = json.loads(wt("today", "--json").stdout)
    assert all(s["contact"]["name"] != "Marcus O'Neil" for s in board["slipping"])
    # an archived contact can still be shown by name
    assert json.loads(wt("show", "marcus", "--json").stdout)["contact"]["archived_at"]
    wt("unarchive", "marcus")
    assert len(contacts_json(wt)) == 2


def test_empty_list_says_so_on_stderr(db: Path, wt: Invoke) -> None:
    run = wt("contacts")
    assert run.stdout == ""
    assert "No contacts yet" in run.stderr
    assert wt("contacts", "--json").stdout.strip() == "[]"


def test_show_timeline_newest_first_with_limit(dana: Path, wt: Invoke) -> None:
    for day in range(1, 6):
        wt("log", "dana", f"call number {day}", "--at", f"2026-11-0{day}")
    shown = json.loads(wt("show", "dana", "--limit", "3", "--json").stdout)
    notes = [e["note"] for e in shown["timeline"]]
    assert notes == ["call number 5", "call number 4", "call number 3"]
    assert shown["conversation_count"] == 5
    text = wt("show", "dana", "-n", "3").stdout
    assert text.index("call number 5") < text.index("call number 4")
    assert "call number 1" not in text


def test_completion_of_contact_names(dana: Path) -> None:
    import typer

    from wintogether.cli.app import app
    from wintogether.cli.common import complete_contact

    command = typer.main.get_command(app)
    ctx = typer.Context(command)
    assert complete_contact(ctx, "Dan") == [("Dana Reyes", "Northwind Traders")]
    # Shells keep only values starting with the typed text: the case is adapted.
    assert complete_contact(ctx, "dan") == [("dana Reyes", "Northwind Traders")]
    assert {name for name, _ in complete_contact(ctx, "")} == {"Dana Reyes", "Marcus O'Neil"}


def test_a_tag_no_one_has_suggests_the_close_ones(db: Path, wt: Invoke) -> None:
    wt("add", "Ana Souza", "--tag", "customers")
    run = wt("contacts", "--tag", "customer")
    assert run.stderr.strip() == (
        "No contacts match. No one is tagged 'customer': did you mean customers?"
    )
    assert wt("contacts", "--tag", "zzz").stderr.strip() == "No contacts match."
    wt("archive", "ana")
    # The tag is in use (by someone archived): nothing to suggest.
    assert wt("contacts", "--tag", "customers").stderr.strip() == "No contacts match."


def test_a_blank_company_or_title_is_said_as_cleared(dana: Path, wt: Invoke) -> None:
    run = wt("edit", "dana", "--company", "  ", "--title", "")
    assert run.stderr.startswith("Updated Dana Reyes (#1): company cleared, title cleared")
    contact = json.loads(wt("show", "dana", "--json").stdout)["contact"]
    assert (contact["company"], contact["title"]) == (None, None)
