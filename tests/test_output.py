"""Output: hostile text stays inert, pipes get plain text, JSON keys are stable."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from conftest import SAMPLES, Invoke, WrittenOnce


class FakeTty(io.StringIO):
    """A stream that says it is a terminal, so Rich colours it."""

    def isatty(self) -> bool:
        return True


RAW_CONTROLS = ("\x1b", "\x9b", "\x07", "\u202e", "\r")


def hostile_people() -> list[dict[str, str]]:
    """The rows of the hostile sample, with its bare CR kept inside a field."""
    raw = (SAMPLES / "hostile_linkedin.csv").read_bytes().decode("utf-8")
    placeholder = "\ue000"
    rows = list(csv.DictReader(io.StringIO(raw.replace("\r", placeholder), newline="")))
    return [{k: v.replace(placeholder, "\r") for k, v in row.items()} for row in rows]


@pytest.fixture
def hostile(db: Path, wt: Invoke, written_once: WrittenOnce) -> list[dict[str, str]]:
    """The hostile sample's people, each with a conversation and a promise: written
    by the first test, copied for the others."""
    people = hostile_people()
    written_once("test_output hostile", lambda: _write_hostile(db, wt, people))
    return people


def _write_hostile(db: Path, wt: Invoke, people: list[dict[str, str]]) -> Path:
    for index, person in enumerate(people, 1):
        name = f"{person['First Name']} {person['Last Name']}"
        wt(
            "add",
            name,
            "--company",
            person["Company"],
            "--title",
            person["Position"],
            "--every",
            "1d",
            "--note",
            person["Position"],
            "--force",
        )
        wt(
            "log",
            f"#{index}",
            f"Talked to {name} about {person['Company']}",
            "--at",
            "2026-11-01",
            "--follow-up",
            "2026-11-20",
            "--about",
            person["Company"],
        )
    return db


def test_sample_file_really_is_hostile() -> None:
    people = hostile_people()
    joined = "".join(v for p in people for v in p.values())
    assert "[bold red]" in joined and "\x1b[2J" in joined and "\u202e" in joined
    assert "=HYPERLINK" in joined and "\r" in joined


@pytest.mark.parametrize(
    "args",
    [
        ["contacts"],
        ["show", "#1"],
        ["show", "#2"],
        ["show", "#3"],
        ["today"],
        ["followups"],
        ["neglected"],
        ["conversation", "show", "2"],
    ],
)
def test_no_raw_control_characters_reach_the_terminal(
    hostile: list[dict[str, str]], wt: Invoke, args: list[str]
) -> None:
    run = wt(*args)
    for char in RAW_CONTROLS:
        assert char not in run.stdout, (args, repr(char))
        assert char not in run.stderr, (args, repr(char))
    assert run.stdout.strip()


def test_markup_in_names_is_shown_literally(hostile: list[dict[str, str]], wt: Invoke) -> None:
    assert "[bold red]Mallory [/]" in wt("show", "#1").stdout
    assert "[link=https://evil.example]Trent" in wt("show", "#3").stdout
    assert "[bold" in wt("contacts").stdout
    shown = wt("show", "#2").stdout
    assert "Eve\\x1b[2J\\x1b]0;pwned\\x07" in shown
    assert "\\u202eReversed" in wt("show", "#3").stdout


def test_messages_on_stderr_are_escaped_too(hostile: list[dict[str, str]], wt: Invoke) -> None:
    run = wt("edit", "#2", "--title", "x")
    assert "\x1b" not in run.stderr and "Eve\\x1b[2J" in run.stderr


def test_rich_terminal_rendering_escapes_user_text(hostile: list[dict[str, str]]) -> None:
    """With colours on (a real terminal), only Rich's own styling emits ESC."""
    from datetime import UTC, datetime

    from wintogether.config import Config
    from wintogether.domain import contacts
    from wintogether.domain.today import dashboard
    from wintogether.render.base import make_console
    from wintogether.render.contacts import profile_view
    from wintogether.render.today import dashboard_view
    from wintogether.store import open_store

    store, _ = open_store(Path(os.environ["WINTOGETHER_DB"]))
    now = datetime(2026, 11, 28, 10, tzinfo=UTC)
    buffer = FakeTty()
    console = make_console(buffer, width=100)
    try:
        for ref in ("#1", "#2", "#3"):
            console.print(
                profile_view(contacts.profile(store, ref, Config(), now), now.date(), plain=False)
            )
        console.print(dashboard_view(dashboard(store, Config(), now), plain=False))
    finally:
        store.close()
    out = buffer.getvalue()
    assert "\x1b[" in out  # colour is on
    for raw in ("\x1b[2J", "\x1b]0;", "\x07", "\x9b", "\u202e"):
        assert raw not in out
    assert "\\x1b[2J" in out and "[bold red]Mallory" in out


def test_csv_cells_cannot_become_formulas(hostile: list[dict[str, str]], wt: Invoke) -> None:
    rows = list(csv.DictReader(io.StringIO(wt("contacts", "--format", "csv").stdout)))
    companies = {r["company"] for r in rows}
    assert '\'=HYPERLINK("http://evil.example","click")' in companies
    assert "'+cmd|' /C calc'!A0" in companies
    titles = {r["title"] for r in rows}
    assert "'@SUM(1+1)" in titles and "'-2+3" in titles
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_json_round_trips_hostile_text_exactly(hostile: list[dict[str, str]], wt: Invoke) -> None:
    out = wt("contacts", "--json").stdout
    for char in RAW_CONTROLS:
        assert char not in out
    data = json.loads(out)
    names = {c["name"] for c in data}
    expected = {f"{p['First Name']} {p['Last Name']}" for p in hostile_people()}
    # names are stored as typed, apart from whitespace folded to single spaces
    assert names == {" ".join(n.split()) for n in expected}
    titles = {c["title"] for c in data}
    assert "-2+3" in titles and '"NOT * -x ""quoted' not in titles


def test_no_colour_in_a_pipe_and_with_no_color(
    dana: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    wt("follow-up", "dana", "Send SOC2", "--due", "2026-11-20")
    for args in (["today"], ["contacts"], ["show", "dana"], ["followups"]):
        out = wt(*args).stdout
        assert "\x1b" not in out
        assert "─" not in out and "╭" not in out  # no box drawing in a pipe
        assert all(line == line.rstrip() for line in out.splitlines())
    monkeypatch.setenv("NO_COLOR", "1")
    from wintogether.render.base import make_console

    assert make_console(FakeTty()).no_color is True
    monkeypatch.delenv("NO_COLOR")
    assert make_console(FakeTty()).no_color is False


EXPECTED_KEYS = {
    "contact": {
        "id",
        "uid",
        "name",
        "company",
        "title",
        "emails",
        "phones",
        "linkedin",
        "urls",
        "tags",
        "how_met",
        "met_on",
        "introduced_by",
        "birthday",
        "cadence_days",
        "notes",
        "last_touch_at",
        "created_at",
        "updated_at",
        "archived_at",
        "role",
        "reports_to",
    },
    "attention": {
        "days_since_last_touch",
        "cadence_days",
        "cadence_source",
        "attention",
        "slipping",
        "reason",
    },
    "promise": {
        "id",
        "uid",
        "contact",
        "conversation_id",
        "text",
        "due_on",
        "owner",
        "status",
        "done_at",
        "done_note",
        "created_at",
    },
    "conversation": {"id", "uid", "happened_at", "channel", "note", "participants", "created_at"},
    "today": {
        "date",
        "overdue",
        "due_today",
        "slipping",
        "slipping_total",
        "birthdays",
        "give_first",
        "job_changes",
        "to_review",
        "meetings",
    },
    "show": {
        "contact",
        "attention",
        "health",
        "open_promises",
        "timeline",
        "conversation_count",
        "introductions",
    },
    "ref": {"id", "name", "company"},
}


def test_json_keys_are_stable_and_documented(dana: Path, wt: Invoke) -> None:
    wt("edit", "dana", "--every", "1d", "--birthday", "--11-30")
    wt("log", "dana", "call", "--at", "2026-11-01", "--follow-up", "2026-11-20")
    listed = json.loads(wt("contacts", "--json").stdout)[0]
    assert set(listed) == EXPECTED_KEYS["contact"] | {"attention"}
    assert set(listed["attention"]) == EXPECTED_KEYS["attention"]
    assert set(json.loads(wt("followups", "--json").stdout)[0]) == EXPECTED_KEYS["promise"]
    conv = json.loads(wt("conversation", "show", "1", "--json").stdout)
    assert set(conv) == EXPECTED_KEYS["conversation"]
    assert set(conv["participants"][0]) == EXPECTED_KEYS["ref"]
    today = json.loads(wt("today", "--json").stdout)
    assert set(today) == EXPECTED_KEYS["today"]
    assert set(today["slipping"][0]) == EXPECTED_KEYS["attention"] | {"contact"}
    assert set(today["birthdays"][0]) == {"contact", "date", "in_days", "turns"}
    shown = json.loads(wt("show", "dana", "--json").stdout)
    assert set(shown) == EXPECTED_KEYS["show"]
    assert {e["kind"] for e in shown["timeline"]} == {"conversation", "promise"}

    documented = (Path(__file__).parent.parent / "docs" / "json.md").read_text()
    for group in EXPECTED_KEYS.values():
        for key in group:
            assert f"`{key}`" in documented, key


def test_format_flags(dana: Path, wt: Invoke) -> None:
    assert json.loads(wt("contacts", "--format", "json").stdout)
    clash = wt("contacts", "--json", "--format", "csv", ok=False)
    assert clash.exit_code == 1 and "disagree" in clash.stderr
    no_csv = wt("show", "dana", "--format", "csv", ok=False)
    assert no_csv.exit_code == 1 and "no CSV form" in no_csv.stderr


def test_printable_text_has_nothing_to_escape() -> None:
    """`visible` and `one_line` return printable text as it is, without the
    pattern: that holds only while every character the patterns escape is
    unprintable, for the Unicode tables of this Python."""
    from wintogether.text import _UNSAFE, _UNSAFE_WITH_NEWLINES, one_line, visible

    # Every code point in one string, searched once by each pattern (a third of the
    # time of matching each one alone): the characters of what they find.
    every = "".join(map(chr, range(0x110000)))
    escaped = {
        char
        for pattern in (_UNSAFE, _UNSAFE_WITH_NEWLINES)
        for found in pattern.compiled.findall(every)
        for char in found
    }
    assert len(escaped) > 100
    assert not [char for char in escaped if char.isprintable()]
    assert visible("a\u202eb\nc") == "a\\u202eb\nc"
    assert one_line("a\tb\nc\x1b") == "a b c\\x1b"
    assert visible("Zoë Ångström") == "Zoë Ångström"
