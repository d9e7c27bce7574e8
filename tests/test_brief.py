"""`wt brief`: one screen per person before a meeting; the meetings in `wt today`.

The demo database at the suite's fixed clock (Saturday 28 November 2026,
10:00 UTC) has a meeting today at 15:00 with Dana Reyes, Marcus O'Neil and
Sam Lee (not a contact), and one tomorrow with Priya Natarajan.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from capture_data import DANA, MARCUS, ME, attendee, event, ics
from conftest import SAMPLES, Invoke, WrittenOnce, write_config


@pytest.fixture
def demo(wt: Invoke, written_once: WrittenOnce) -> list[str]:
    """`wt demo`'s database: built by the first test, copied for the others."""
    path = written_once("wt demo", lambda: Path(wt("demo", "--path").stdout.strip()))
    return ["--db", str(path)]


def test_the_next_meeting_briefs_every_contact_in_it(wt: Invoke, demo: list[str]) -> None:
    out = wt(*demo, "brief", "--plain").stdout
    assert out.startswith("Renewal QBR  Sat 28 Nov 15:00-16:00")
    assert "also: Sam Lee <sam.lee@northwind.example>" in out
    dana, marcus = out.split("Dana Reyes  #1")[1].split("Marcus O'Neil  #5")
    assert "Head of Procurement · Northwind Traders" in dana
    assert "first       I owe: Send the SOC2 report, 5 days late" in dana
    for label in ("met", "in touch", "last talks", "promises", "my word", "their word", "balance"):
        assert f"\n{label}" in dana, label
    assert "SaaStr 2024" in dana
    assert "last talked 3 days ago, every 2 weeks" in dana
    assert "I kept 1 of 2 on time; 1 broken" in dana
    assert "they kept 1 of 1 on time" in dana
    # Marcus: owed by the ledger, so the brief says what to give first.
    assert "give first" in marcus and "2 referrals, 1 intro" in marcus
    assert "Draft the workshop agenda" in marcus
    assert "\x1b" not in out


def test_every_section_for_the_people_named(wt: Invoke, demo: list[str]) -> None:
    data = json.loads(wt(*demo, "brief", "greta", "jose", "li lei", "--json").stdout)
    assert data["asked"] == "contacts"
    [section] = data["meetings"]
    assert section["meeting"] is None
    greta, jose, li = section["people"]
    assert greta["introduced_by"]["name"] == "Marcus O'Neil"
    assert greta["title"] == "Director, IT Operations"
    assert len(greta["last_conversations"]) == 1
    assert greta["their_word"]["broken"] == 1
    assert jose["birthday"] == {
        "contact": jose["birthday"]["contact"],
        "date": "2026-12-01",
        "in_days": 3,
        "turns": 47,
    }
    assert jose["give_first"] is True
    assert jose["headline"] == "they owe: Send the reference customer list, 7 days late"
    assert li["job_change"]["text"].startswith("now Head of Procurement at Wide World Importers")
    assert li["headline"] == li["job_change"]["text"]
    assert li["in_touch"]["slipping"] is True
    keys = {
        "contact", "headline", "title", "company", "how_met", "introduced_by",
        "last_conversations", "conversation_count", "open_promises", "my_word",
        "their_word", "balance", "give_first", "job_change", "birthday", "in_touch",
    }  # fmt: skip
    assert set(greta) == keys


def test_every_section_on_the_screen_and_in_markdown(wt: Invoke, demo: list[str]) -> None:
    """The rows a person has only sometimes: introducer, birthday, job change, a late
    promise with its due day; each in the terminal view and in the Markdown."""
    out = wt(*demo, "brief", "greta", "jose", "li lei", "--plain").stdout
    greta, jose, li = (
        out.split("Greta Lindqvist  #7")[1].split("José Núñez  #2")[0],
        out.split("José Núñez  #2")[1].split("Li Lei  #9")[0],
        out.split("Li Lei  #9")[1],
    )
    assert "met         not recorded; introduced by Marcus O'Neil (O'Neil Consulting)" in greta
    flat = " ".join(greta.split())  # the promise row may wrap at 80 columns
    assert "they owe Share the January budget timeline 2 days late (due Thu 26 Nov)" in flat
    assert "birthday    1 Dec 1979, in 3 days (Tue 1 Dec) (turns 47)" in jose
    assert "give first  received more than given lately" in jose
    assert "job change  now Head of Procurement at Wide World Importers" in li
    assert "last talks  nothing logged yet" in li and "promises    none open" in li
    assert "birthday" not in li and "job change" not in jose
    text = wt(*demo, "brief", "greta", "jose", "li lei", "--format", "md").stdout
    tokens = MarkdownIt("commonmark").parse(text)
    items = [t.content for t in tokens if t.type == "inline"]
    assert "**Introduced by:** Marcus O'Neil" in items
    assert "**Birthday:** 1 Dec 1979, in 3 days (Tue 1 Dec) (turns 47)" in items
    assert any(i.startswith("**Job change:** now Head of Procurement") for i in items)
    assert "they owe: Share the January budget timeline, 2 days late (due Thu 26 Nov)" in items
    assert [i for i in items if i.startswith("**Role:**")] == [
        "**Role:** Director, IT Operations, Adventure Works",
        "**Role:** VP Sales, Contoso, Ltd.",
        "**Role:** Head of Procurement, Wide World Importers",
    ]


def test_the_last_three_conversations_newest_first(wt: Invoke, demo: list[str]) -> None:
    data = json.loads(wt(*demo, "brief", "dana", "--json").stdout)
    [dana] = data["meetings"][0]["people"]
    talks = dana["last_conversations"]
    assert [t["channel"] for t in talks] == ["event", "call", "meeting"]
    assert talks[0]["happened_at"] > talks[1]["happened_at"] > talks[2]["happened_at"]
    assert dana["conversation_count"] == 3
    assert [p["text"] for p in dana["open_promises"]] == ["Send the SOC2 report"]


def test_today_lists_the_meetings_with_one_line_each(wt: Invoke, demo: list[str]) -> None:
    out = wt(*demo, "today", "--plain").stdout
    section = out.split("Meetings today")[1]
    assert "15:00-16:00  Renewal QBR" in section
    assert "  Dana Reyes: I owe: Send the SOC2 report, 5 days late" in section
    assert "and 1 not in wintogether" in section
    assert "Pilot check-in" not in section  # tomorrow
    data = json.loads(wt(*demo, "today", "--json").stdout)
    [meeting] = data["meetings"]
    assert meeting["meeting"]["summary"] == "Renewal QBR"
    assert [p["contact"]["name"] for p in meeting["people"]] == ["Dana Reyes", "Marcus O'Neil"]
    assert meeting["people"][0]["headline"] == "I owe: Send the SOC2 report, 5 days late"


def test_today_brief_covers_each_meeting_of_the_day(wt: Invoke, demo: list[str]) -> None:
    data = json.loads(wt(*demo, "brief", "--today", "--json").stdout)
    assert data["asked"] == "today"
    assert [m["meeting"]["summary"] for m in data["meetings"]] == ["Renewal QBR"]
    assert data["meetings"][0]["meeting"]["not_contacts"] == [
        {"email": "sam.lee@northwind.example", "name": "Sam Lee"}
    ]


def test_markdown_parses_back_into_the_same_sections(wt: Invoke, demo: list[str]) -> None:
    text = wt(*demo, "brief", "--format", "md").stdout
    tokens = MarkdownIt("commonmark").parse(text)
    headings: list[tuple[str, str]] = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append((token.tag, tokens[i + 1].content))
    assert headings[0] == ("h1", "Renewal QBR, Sat 28 Nov 15:00-16:00")
    assert ("h2", "Dana Reyes") in headings and ("h2", "Marcus O'Neil") in headings
    assert [h for h in headings if h[0] == "h3"] == [
        ("h3", "Last conversations"),
        ("h3", "Open promises"),
    ] * 2
    items = [t.content for t in tokens if t.type == "inline" and t.content.startswith("**")]
    labels = {item.split(":**")[0].strip("*") for item in items}
    assert {"First", "Role", "How we met", "Introduced by", "In touch", "My word",
            "Their word", "Balance", "Give first"} <= labels  # fmt: skip
    assert "**First:** I owe: Send the SOC2 report, 5 days late" in items
    assert not [t for t in tokens if t.type in ("html_block", "html_inline")]


def test_hostile_names_are_escaped_everywhere(wt: Invoke, db: Path) -> None:
    wt("import", str(SAMPLES / "hostile_linkedin.csv"))
    out = wt("brief", "#1", "#2", "#3", "--plain").stdout
    assert "\x1b" not in out and "\u202e" not in out
    assert "[bold red]Mallory [/]" in out  # shown literally, not as markup
    assert "\\x1b[2J" in out
    md = wt("brief", "#1", "#2", "#3", "--format", "md").stdout
    assert "\x1b" not in md and "\u202e" not in md
    tokens = MarkdownIt("commonmark").parse(md)
    inline = [c for t in tokens if t.children for c in t.children]
    assert not [c for c in inline if c.type in ("link_open", "html_inline")]
    assert "\\[bold red\\]Mallory \\[/\\]" in md
    data = json.loads(wt("brief", "#3", "--json").stdout)
    assert data["meetings"][0]["people"][0]["contact"]["name"].startswith("[link=")


def test_no_meeting_ahead_says_how_to_get_one(wt: Invoke, db: Path) -> None:
    run = wt("brief", ok=False)
    assert run.exit_code == 1
    assert "No meeting in the next 14 days" in run.stderr
    assert "capture.calendars" in run.stderr
    both = wt("brief", "x", "--today", ok=False)
    assert both.exit_code == 1


def _calendar(tmp_path: Path) -> Path:
    cal = tmp_path / "cal"
    cal.mkdir()
    organizer = f"ORGANIZER;CN=Me:mailto:{ME}"
    files = {
        # Today 14:00 and tomorrow 09:00: ahead of the fixed clock (10:00).
        "later.ics": ics(event("later-1", ":20261128T140000Z", "Pricing call", "DTEND:20261128T143000Z",
                               organizer, attendee(DANA.upper(), "Dana Reyes"),
                               attendee("pat@nowhere.example", "Pat"))),
        "tomorrow.ics": ics(event("tom-1", ":20261129T090000Z", "Workshop", "DURATION:PT2H",
                                  organizer, attendee(MARCUS, "Marcus O'Neil"))),
        "declined.ics": ics(event("dec-1", ":20261128T120000Z", "Declined lunch", organizer,
                                  attendee(DANA), attendee(ME, "Me", "DECLINED"))),
    }  # fmt: skip
    for name, body in files.items():
        (cal / name).write_text(body, encoding="utf-8")
    write_config(tmp_path, f'[capture]\ncalendars = ["{cal}"]\nme = ["{ME}"]\n')
    return cal


def test_scan_keeps_the_meetings_ahead_for_the_brief(
    wt: Invoke, dana: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _calendar(tmp_path)
    scanned = json.loads(wt("scan", "--json").stdout)
    assert scanned["proposed_meetings"] == 0  # nothing has happened yet
    data = json.loads(wt("brief", "--json").stdout)
    meeting = data["meetings"][0]["meeting"]
    assert meeting["summary"] == "Pricing call"
    assert meeting["ends_at"] == "2026-11-28T14:30:00+00:00"
    assert [p["name"] for p in meeting["people"]] == ["Dana Reyes"]
    assert meeting["not_contacts"] == [{"email": "pat@nowhere.example", "name": "Pat"}]
    today = json.loads(wt("brief", "--today", "--json").stdout)
    assert [m["meeting"]["summary"] for m in today["meetings"]] == ["Pricing call"]
    # After the call: the next meeting is tomorrow's, and a re-scan proposes the call
    # (an unchanged file whose event was still ahead is read again).
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-28T16:00:00+00:00")
    nxt = json.loads(wt("brief", "--json").stdout)["meetings"][0]["meeting"]
    assert nxt["summary"] == "Workshop"
    assert nxt["ends_at"] == "2026-11-29T11:00:00+00:00"
    assert json.loads(wt("scan", "--json").stdout)["proposed_meetings"] == 1
    proposals = json.loads(wt("review", "--json").stdout)
    assert [p["subject"] for p in proposals] == ["Pricing call"]
    assert json.loads(wt("scan", "--json").stdout)["proposed_meetings"] == 0


def test_a_contact_added_after_the_scan_is_recognised(
    wt: Invoke, dana: Path, tmp_path: Path
) -> None:
    _calendar(tmp_path)
    wt("scan")
    wt("add", "Pat Doe", "--email", "PAT@nowhere.example")
    meeting = json.loads(wt("brief", "--json").stdout)["meetings"][0]["meeting"]
    assert [p["name"] for p in meeting["people"]] == ["Dana Reyes", "Pat Doe"]
    assert meeting["not_contacts"] == []


def test_forget_drops_the_copied_meetings_that_name_the_person(
    wt: Invoke, dana: Path, tmp_path: Path
) -> None:
    _calendar(tmp_path)
    wt("scan")
    wt("forget", "dana", "--yes")
    today = wt("brief", "--today", ok=False)
    assert today.exit_code == 1  # the only meeting today named Dana


def test_a_calendar_said_never_to_is_not_briefed_on(wt: Invoke, dana: Path, tmp_path: Path) -> None:
    cal = _calendar(tmp_path)
    wt("scan")
    write_config(
        tmp_path,
        f'[capture]\ncalendars = ["{cal}"]\nme = ["{ME}"]\nignore_calendars = ["{cal}"]\n',
    )
    run = wt("brief", ok=False)
    assert run.exit_code == 1 and "No meeting in the next 14 days" in run.stderr


def test_hostile_calendar_text_is_escaped(wt: Invoke, dana: Path, tmp_path: Path) -> None:
    cal = tmp_path / "cal"
    cal.mkdir()
    body = ics(
        event(
            "evil-1",
            ":20261128T140000Z",
            "[bold]Pay\\, now\x1b[2J <script>x</script> [click](javascript:alert(1))",
            f"ORGANIZER:mailto:{ME}",
            attendee(DANA, "Dana Reyes"),
            attendee("mallory@evil.example", "<img src=x onerror=alert(1)>\u202e"),
        )
    )
    (cal / "evil.ics").write_text(body, encoding="utf-8")
    write_config(tmp_path, f'[capture]\ncalendars = ["{cal}"]\nme = ["{ME}"]\n')
    wt("scan")
    out = wt("brief", "--plain").stdout
    assert "\x1b" not in out and "\u202e" not in out
    assert "[bold]Pay, now\\x1b[2J <script>" in out
    md = wt("brief", "--format", "md").stdout
    assert "\x1b" not in md and "\u202e" not in md
    tokens = MarkdownIt("commonmark").parse(md)
    inline = [c for t in tokens if t.children for c in t.children]
    assert not [c for c in inline if c.type in ("link_open", "html_inline", "image")]
    assert not [t for t in tokens if t.type == "html_block"]
    today = wt("today", "--plain").stdout
    assert "\x1b" not in today and "[bold]Pay" in today


def test_a_long_meeting_line_goes_on_under_the_name(
    wt: Invoke, demo: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    section = wt(*demo, "today").stdout.split("Meetings today\n")[1].split("`wt brief")[0]
    lines = section.splitlines()
    assert lines[1:3] == ["  Dana Reyes: I owe: Send the SOC2", "    report, 5 days late"]
    assert all(line.startswith("    ") for line in lines[4:-1])  # Marcus O'Neil's headline
    assert lines[-1] == "  and 1 not in wintogether"
