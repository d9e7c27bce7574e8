"""The summary: the same numbers, worked out by hand, in every format.

The clock is Saturday 28 Nov 2026 10:00 UTC; weeks start on Monday, so last
week is Mon 16 to Sun 22 Nov and this week is Mon 23 to Sun 29 Nov.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import NOW, Invoke, WrittenOnce, write_config
from factory import Factory

HOSTILE = "# Eve | [x](javascript:alert(1)) <script>alert(1)</script>"


@pytest.fixture
def week(db: Path, written_once: WrittenOnce) -> Path:
    """Last week's story (written by the first test, copied for the others)."""
    return written_once("test_summary week", lambda: _write_week(db))


def _write_week(db: Path) -> Path:
    with Factory(db) as make:
        make.at("2026-11-10T09:00:00+00:00")
        make.contact("Dana Reyes", tags=["customers"], birthday="1985-11-25")
        make.contact("Marcus O'Neil", tags=["partners"])
        make.at("2026-11-12T09:00:00+00:00")
        p1 = make.promise("dana", "P1 on time", due="2026-11-18")
        make.at("2026-11-16T10:00:00+00:00")
        p2 = make.promise("dana", "P2 late", due="2026-11-17")
        t1 = make.promise("dana", "T1 theirs on time", due="2026-11-20", theirs=True)
        make.at("2026-11-16T11:00:00+00:00")
        make.promise("dana", "P3 broken on the last day", due="2026-11-22")
        make.at("2026-11-17T09:00:00+00:00")
        p4 = make.promise("marcus", "P4 done after the week", due="2026-11-20")
        p5 = make.promise("marcus", "P5 cancelled", due="2026-11-19")
        make.at("2026-11-18T09:00:00+00:00")
        make.contact(HOSTILE, company="=cmd|' /C calc'!A0")
        make.promise("dana", "P6 due in two weeks", due="2026-11-30")
        make.promise("marcus", "T2 theirs broken", due="2026-11-21", theirs=True)
        make.promise("marcus", "T3 theirs due this week", due="2026-11-25", theirs=True)
        assert (p1, p2, t1, p4, p5) == (1, 2, 3, 5, 6)
        make.at("2026-11-18T17:00:00+00:00")
        make.done(p1)
        make.at("2026-11-19T08:00:00+00:00")
        make.done(p2)
        make.at("2026-11-20T10:00:00+00:00")
        make.cancel(p5)
        make.done(t1)
        make.at("2026-11-23T09:00:00+00:00")
        make.done(p4)
        make.at(NOW)
        make.log("dana", "Kickoff | pipes # not a heading", channel="call", at="2026-11-16T09:00")
        make.log("dana", '=HYPERLINK("http://x")', channel="email", at="2026-11-17T12:00")
        make.log(
            "marcus", "Sunday review", with_=["dana"], channel="meeting", at="2026-11-22T23:30"
        )
        make.log("marcus", "Monday call", channel="call", at="2026-11-23T00:00")
        make.log("#3", "Before the week", channel="message", at="2026-11-15T23:59")
        make.gave("dana", "Intro to Marcus", kind="intro", to="marcus", at="2026-11-19T12:00")
        make.got("marcus", "Advice on pricing", kind="advice", at="2026-08-20T12:00")
        make.got("marcus", "Referral to Initech", kind="referral", at="2026-11-20T12:00")
        make.win("dana", "Faster onboarding", mine="Renewal", at="2026-11-21T12:00")
    return db


LAST_WEEK = {
    "conversations": 3,
    "conversations_call": 1,
    "conversations_email": 1,
    "conversations_meeting": 1,
    "conversations_message": 0,
    "conversations_social": 0,
    "conversations_event": 0,
    "conversations_note": 0,
    "people_reached": 2,
    "new_contacts": 1,
    "my_promises_made": 5,  # P2, P3, P4, P5 (cancelled, but made), P6
    "my_promises_kept_on_time": 1,  # P1, done on its due day
    "my_promises_kept_late": 1,  # P2, two days late
    "my_promises_broken": 2,  # P3 (due Sunday), P4 (done only on Monday)
    "their_promises_made": 3,
    "their_promises_kept_on_time": 1,
    "their_promises_kept_late": 0,
    "their_promises_broken": 1,  # T2
    "value_given": 1,
    "value_received": 1,
    "wins": 1,
    "became_one_sided": 1,  # Marcus: receiving since 20 Aug, 90 days reached on 18 Nov
    "job_changes": 0,
    "due_next_week": 1,  # T3, due Wed 25 Nov
    "birthdays_next_week": 1,  # Dana, 25 Nov
    "deals_opened": 0,
    "deals_won": 0,
    "deals_lost": 0,
    "my_plan_steps_kept_on_time": 0,
    "their_plan_steps_kept_on_time": 0,
}


def summary_json(wt: Invoke, *args: str) -> dict:  # type: ignore[type-arg]
    return json.loads(wt("summary", *args, "--format", "json").stdout)


def test_last_week_json_numbers(week: Path, wt: Invoke) -> None:
    data = summary_json(wt, "--last-week")
    assert data["period"] == {
        "first": "2026-11-16",
        "last": "2026-11-22",
        "label": "Week of Mon 16 Nov 2026",
    }
    assert data["numbers"] == LAST_WEEK
    assert data["my_promises"]["late"][0]["days_late"] == 2
    assert [p["text"] for p in data["my_promises"]["broken_promises"]] == [
        "P4 done after the week",
        "P3 broken on the last day",
    ]
    assert [(p["name"], p["conversations"]) for p in data["people_reached"]] == [
        ("Dana Reyes", 3),
        ("Marcus O'Neil", 1),
    ]
    assert data["became_one_sided"][0]["contact"]["name"] == "Marcus O'Neil"
    assert data["became_one_sided"][0]["suggestion"].startswith(
        "one-sided: you have received 2 things (1 piece of advice, 1 referral)"
    )
    assert data["next_week"]["birthdays"][0]["turns"] == 41


def test_this_week_counts_what_settled_after_last_week(week: Path, wt: Invoke) -> None:
    numbers = summary_json(wt, "--week")["numbers"]
    assert numbers["conversations"] == 1
    assert numbers["my_promises_made"] == 0
    assert numbers["my_promises_kept_late"] == 1  # P4, done Monday, 3 days late
    assert numbers["my_promises_broken"] == 0  # nothing of mine fell due this week
    assert numbers["their_promises_broken"] == 1  # T3, due Wednesday, still open
    assert numbers["due_next_week"] == 1  # P6, due Mon 30 Nov
    assert numbers["became_one_sided"] == 0
    assert summary_json(wt)["numbers"] == numbers  # --week is the default
    data = summary_json(wt, "--week")
    assert data["my_promises"]["late"][0]["days_late"] == 3


def test_since_until_and_month(week: Path, wt: Invoke) -> None:
    data = summary_json(wt, "--since", "2026-11-16", "--until", "2026-11-22")
    assert data["numbers"] == LAST_WEEK | {"due_next_week": 1}
    assert data["period"]["label"] == "Summary"
    month = summary_json(wt, "--month")
    assert (month["period"]["first"], month["period"]["last"]) == ("2026-11-01", "2026-11-30")
    assert month["numbers"]["conversations"] == 5
    assert month["numbers"]["new_contacts"] == 3


def test_week_start_is_configurable(week: Path, wt: Invoke, tmp_path: Path) -> None:
    write_config(tmp_path, '[summary]\nweek_start = "sunday"\n')
    data = summary_json(wt, "--last-week")
    assert (data["period"]["first"], data["period"]["last"]) == ("2026-11-15", "2026-11-21")
    # The 23:59 Sunday message is in; the Sunday-night meeting is not.
    assert data["numbers"]["conversations_message"] == 1
    assert data["numbers"]["conversations_meeting"] == 0


def test_period_options_exclude_each_other(week: Path, wt: Invoke) -> None:
    run = wt("summary", "--week", "--month", ok=False)
    assert run.exit_code == 1
    assert "Choose one period" in run.stderr
    run = wt("summary", "--since", "2026-11-20", "--until", "2026-11-01", ok=False)
    assert run.exit_code == 1


def md_numbers(text: str) -> list[tuple[str, int]]:
    """The rows of the counts table (the first table; it ends at the first blank line)."""
    rows = []
    lines = text.splitlines()
    start = lines.index("| Measure | Count |")
    for line in lines[start + 2 :]:
        if not line:
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert len(cells) == 2, line
        rows.append((cells[0], int(cells[1])))
    return rows


def shown(numbers: dict[str, int]) -> dict[str, int]:
    """The counts a table shows: no row for a channel nobody used."""
    return {k: v for k, v in numbers.items() if v or not k.startswith("conversations_")}


def test_markdown_table_has_the_same_numbers_and_is_escaped(week: Path, wt: Invoke) -> None:
    text = wt("summary", "--last-week", "--format", "md").stdout
    assert text.startswith("# Week of Mon 16 Nov 2026: Mon 16 Nov 2026 to Sun 22 Nov 2026\n")
    rows = md_numbers(text)
    assert [value for _, value in rows] == list(shown(LAST_WEEK).values())
    assert "Conversations by message" not in dict(rows)
    assert dict(rows)["Conversations by call"] == 1
    assert dict(rows)["My promises broken"] == 2
    assert "- P2 late" not in text
    assert "Dana Reyes: P2 late (due Tue 17 Nov, 2 days late)" in text
    # The hostile name appears once, inert.
    line = next(line for line in text.splitlines() if "Eve" in line)
    assert line == (
        "- \\# Eve \\| \\[x\\](javascript\\:alert(1)) \\<script\\>alert(1)\\</script\\>"
        " (=cmd\\|' /C calc'!A0)"
    )
    assert "<script>" not in text
    assert "](javascript:" not in text
    assert not any(line.startswith("#") and "Eve" in line for line in text.splitlines())


class _Numbers(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.numbers: dict[str, int] = {}
        self.tags: list[str] = []
        self._key: str | None = None
        self._cell = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self._key = dict(attrs).get("data-key")
            self._cell = 0
        elif tag == "td":
            self._cell += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._key = None

    def handle_data(self, data: str) -> None:
        if self._key and self._cell == 2 and data.strip():
            self.numbers[self._key] = int(data)


def test_html_is_self_contained_escaped_and_has_the_same_numbers(week: Path, wt: Invoke) -> None:
    text = wt("summary", "--last-week", "--format", "html").stdout
    parser = _Numbers()
    parser.feed(text)
    assert parser.numbers == shown(LAST_WEEK)
    assert "conversations_message" not in parser.numbers
    assert "script" not in parser.tags
    assert not {"img", "link", "iframe", "a"} & set(parser.tags)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>" not in text
    assert "Content-Security-Policy" in text
    # Printed: the charts keep their colours and are never cut across two pages.
    print_css = text.split("@media print")[1].split("</style>")[0]
    assert "print-color-adjust: exact" in print_css
    assert re.search(r"figure[^{]*\{[^}]*break-inside: avoid", print_css)


def test_csv_is_one_row_per_conversation_and_formula_safe(week: Path, wt: Invoke) -> None:
    text = wt("summary", "--last-week", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == LAST_WEEK["conversations"]
    assert [r["channel"] for r in rows] == ["call", "email", "meeting"]
    assert rows[0]["note"] == "Kickoff | pipes # not a heading"
    assert rows[1]["note"] == '\'=HYPERLINK("http://x")'
    assert rows[2]["participants"] == "Marcus O'Neil; Dana Reyes"
    assert rows[2]["participant_ids"] == "2; 1"


def test_terminal_view_shows_the_numbers(week: Path, wt: Invoke) -> None:
    out = wt("--plain", "summary", "--last-week").stdout
    assert out.startswith("Week of Mon 16 Nov 2026: Mon 16 Nov 2026 to Sun 22 Nov 2026")
    assert "My promises broken                       2" in out
    # Only the channels used that week have a row; every other count is shown, zero or not.
    channels = [line.split()[2] for line in out.splitlines() if line.startswith("Conversations by")]
    assert channels == ["call", "email", "meeting"]
    assert "Their promises kept late                 0" in out
    assert "Broken promises" in out
    assert "Became one-sided" in out


def test_a_table_lists_the_first_that_became_one_sided_and_counts_the_rest(
    week: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A month of a busy seller can turn hundreds of relationships one-sided: the
    table lists the first by name and says how many more; every other format
    lists them all, and every format counts them all."""
    from datetime import datetime
    from io import StringIO

    from rich.console import Console

    from wintogether.config import Config
    from wintogether.domain import summary as summaries
    from wintogether.render.review import summary_view
    from wintogether.store import open_store

    with Factory(week) as make:
        for name in ("Zoe Adams", "Ann Berg", "ann berg", "Bo Chen"):
            make.contact(name, force=True)
            make.got(name.casefold() if name != "ann berg" else "#6", "Advice", kind="advice",
                     at="2026-08-20T12:00")  # fmt: skip
    monkeypatch.setattr(summaries, "ONE_SIDED_IN_TABLE", 2)
    data = summary_json(wt, "--last-week")
    listed = [item["contact"]["name"] for item in data["became_one_sided"]]
    assert listed == ["Ann Berg", "ann berg", "Bo Chen", "Marcus O'Neil", "Zoe Adams"]
    assert data["numbers"]["became_one_sided"] == 5
    markdown = wt("summary", "--last-week", "--format", "md").stdout
    assert all(name in markdown for name in listed) and "more:" not in markdown
    plain = wt("--plain", "summary", "--last-week").stdout
    # Drawn by Rich (on a terminal) from the same result.
    store, _ = open_store(week)
    try:
        now = datetime.fromisoformat(NOW)
        span = summaries.period(now, Config(), last_week=True)
        result = summaries.summarise(store, Config(), now, span, one_sided_shown=2)
    finally:
        store.close()
    console = Console(file=StringIO(), width=100, color_system=None)
    console.print(summary_view(result, plain=False))
    drawn = console.file.getvalue()  # type: ignore[attr-defined]
    for out in (plain, drawn):
        section = out[out.index("Became one-sided") :]
        # The first two by name, and the one whose name ties with the second.
        assert "Ann Berg" in section and "ann berg" in section and "Bo Chen" not in section
        assert "… and 3 more: --format md lists them all." in section
        assert re.search(r"became one-sided\W+5\b", out)


def test_a_table_counts_the_promises_kept_late_without_reading_them(week: Path) -> None:
    """The terminal view lists broken promises only: the ones kept late are
    counted (the same figures as every other format), not read."""
    from datetime import datetime

    from wintogether.config import Config
    from wintogether.domain import summary as summaries
    from wintogether.store import open_store

    now = datetime.fromisoformat(NOW)
    store, _ = open_store(week)
    try:
        span = summaries.period(now, Config(), last_week=True)
        full = summaries.summarise(store, Config(), now, span)
        counted = summaries.summarise(store, Config(), now, span, late_listed=False)
    finally:
        store.close()
    assert [p.text for p in full.mine.kept_late] == ["P2 late"] and counted.mine.kept_late == []
    assert counted.numbers() == full.numbers()
    assert counted.mine.broken == full.mine.broken and counted.theirs.broken == full.theirs.broken


def test_a_table_lists_next_weeks_first_entries_and_counts_the_rest(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy next week holds hundreds of promises and birthdays: the table
    lists its first entries (by day, promises first on a day) and says how
    many more; only the promises listed are read. Every other format lists
    them all, and every format counts them all."""
    import random
    from datetime import datetime
    from io import StringIO

    from rich.console import Console

    from wintogether.config import Config
    from wintogether.domain import summary as summaries
    from wintogether.render.review import summary_view
    from wintogether.store import open_store

    rng = random.Random(7)
    with Factory(db) as make:
        make.at("2026-11-20T09:00:00+00:00")
        for n in range(30):
            birthday = f"1980-12-0{rng.randrange(1, 7)}" if n % 3 == 0 else None
            make.contact(f"Person {n:02}", birthday=birthday)
            for _ in range(rng.randrange(0, 3)):
                day = f"2026-1{rng.choice(['1-30', '2-01', '2-03', '2-06', '2-07'])}"
                make.promise(f"Person {n:02}", f"Step {n}", due=day, theirs=rng.random() < 0.4)
    now = datetime.fromisoformat(NOW)
    store, _ = open_store(db)
    try:
        span = summaries.period(now, Config(), week=True)
        full = summaries.summarise(store, Config(), now, span)
        cuts = {
            shown: summaries.summarise(store, Config(), now, span, next_shown=shown)
            for shown in (1, 2, 5, 9, 20, 200)
        }
    finally:
        store.close()

    def entries(result: summaries.Summary) -> list[tuple[object, ...]]:
        return [(day, type(e).__name__, e.contact.id, getattr(e, "id", None))
                for day, e in result.next_week()]  # fmt: skip

    everything = entries(full)
    assert full.due_next_count > 5 and full.birthdays_next_count > 3
    assert {kind for _, kind, _, _ in everything} == {"Promise", "Birthday"}
    for shown, cut in cuts.items():
        assert entries(cut) == everything[:shown], shown
        assert cut.numbers() == full.numbers()
        assert cut.next_week_more == max(len(everything) - shown, 0)
        assert [p.text for p in cut.due_next] == [
            p.text for p in full.due_next[: len(cut.due_next)]
        ]
    # The commands: the table the first entries and the count, md all of them.
    monkeypatch.setattr(summaries, "NEXT_WEEK_IN_TABLE", 5)
    console = Console(file=StringIO(), width=100, color_system=None)
    console.print(summary_view(cuts[5], plain=False))
    drawn = console.file.getvalue()  # type: ignore[attr-defined]
    more = f"… and {len(everything) - 5} more: --format md lists them all."
    plain = wt("--plain", "summary").stdout
    for out in (plain, drawn):
        section = out[out.index("Due next week") :]
        assert (
            section.count("I will: ") + section.count("they will: ") + section.count("s birthday")
            == 5
        )
        assert more in section
    markdown = wt("summary", "--format", "md").stdout
    assert "more:" not in markdown
    assert markdown.count("s birthday") == full.birthdays_next_count
    data = summary_json(wt)
    assert (
        len(data["next_week"]["promises"])
        == data["numbers"]["due_next_week"]
        == (full.due_next_count)
    )


def test_next_week_leaves_out_a_promise_whose_contact_is_gone(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hand edit can leave a promise whose contact row is gone (the sqlite3
    shell does not enforce foreign keys): every format leaves it out of next
    week, the table's screenful and its count too."""
    import sqlite3

    from wintogether.domain import summary as summaries

    with Factory(db) as make:
        make.at("2026-11-20T09:00:00+00:00")
        make.contact("Dana Reyes")
        for day in ("2026-11-30", "2026-12-01", "2026-12-02"):
            make.promise("dana", f"Step {day}", due=day)
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO promises (uid, contact_id, text, due_on, owner, status, created_at,"
        " updated_at) VALUES ('orphan', 999, 'Orphan', '2026-11-30', 'me', 'open', 'x', 'x')"
    )
    conn.commit()
    conn.close()
    monkeypatch.setattr(summaries, "NEXT_WEEK_IN_TABLE", 2)
    table = wt("--plain", "summary").stdout
    assert "Orphan" not in table and re.search(r"Promises due next week\W+3\b", table)
    assert "… and 1 more: --format md lists them all." in table
    assert summary_json(wt)["numbers"]["due_next_week"] == 3


def test_a_table_lists_the_first_broken_promises_and_counts_the_rest(
    week: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broken promises past a screenful are counted under the table, mine first;
    every other format lists them all."""
    from wintogether.domain import summary as summaries

    broken = ["P4 done after the week", "P3 broken on the last day", "T2 theirs broken"]
    full = wt("--plain", "summary", "--last-week").stdout
    section = full[full.index("Broken promises") :]
    assert all(text in section for text in broken) and "more:" not in section
    monkeypatch.setattr(summaries, "BROKEN_IN_TABLE", 1)
    cut = wt("--plain", "summary", "--last-week").stdout
    section = cut[cut.index("Broken promises") :]
    assert broken[0] in section and not any(text in section for text in broken[1:])
    assert "… and 2 more: --format md lists them all." in section
    assert re.search(r"My promises broken\W+2\b", cut)
    markdown = wt("summary", "--last-week", "--format", "md").stdout
    assert all(text in markdown for text in broken)


def test_output_file_is_atomic_private_and_not_clobbered(
    week: Path, wt: Invoke, tmp_path: Path
) -> None:
    target = tmp_path / "week.md"
    run = wt("summary", "--last-week", "-o", str(target))
    assert run.stdout == ""
    assert "Wrote the summary for Mon 16 Nov 2026 to Sun 22 Nov 2026" in run.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert md_numbers(target.read_text())[0] == ("Conversations", 3)
    before = target.read_text()
    run = wt("summary", "--week", "-o", str(target), ok=False)
    assert run.exit_code == 1
    assert "already exists" in run.stderr
    assert target.read_text() == before
    wt("summary", "--week", "-o", str(target), "--force")
    assert md_numbers(target.read_text())[0] == ("Conversations", 1)
    # The extension picks the format.
    html_file = tmp_path / "week.html"
    wt("summary", "--last-week", "-o", str(html_file))
    assert html_file.read_text().startswith("<!DOCTYPE html>")
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_output_refuses_the_database(week: Path, wt: Invoke, suffix: str) -> None:
    target = Path(f"{week}{suffix}")
    existed = target.exists()
    run = wt("summary", "-o", str(target), "--force", "--format", "md", ok=False)
    assert run.exit_code == 1
    assert "Refusing to write over the database" in run.stderr
    assert target.exists() == existed
    if existed and suffix == "":
        assert target.read_bytes()[:16] == b"SQLite format 3\x00"


def test_output_refuses_a_folder(week: Path, wt: Invoke, tmp_path: Path) -> None:
    run = wt("summary", "-o", str(tmp_path), "--force", ok=False)
    assert run.exit_code == 1
    assert "is a folder" in run.stderr


def test_empty_database_summary(db: Path, wt: Invoke) -> None:
    data = summary_json(wt)
    assert set(data["numbers"].values()) == {0}
    assert data["trends"]["conversations"] == [0] * 12
    text = wt("summary", "--format", "md").stdout
    assert all(value == 0 for _, value in md_numbers(text))
    assert "Conversations by call" not in text
    assert "`▁▁▁▁▁▁▁▁▁▁▁▁`" in text


def test_next_week_is_in_date_order(db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    """A birthday on Tuesday comes before a promise due on Thursday, in every format."""
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-12-01T09:00:00+00:00")  # a Tuesday
    wt("add", "Dana Reyes", "--birthday", "1985-12-08")
    wt("follow-up", "dana", "Send the order form", "--due", "2026-12-10")
    wt("follow-up", "dana", "Call about pricing", "--due", "2026-12-07")
    for args in (
        ("--plain", "summary"),
        ("summary", "--format", "md"),
        ("summary", "--format", "html"),
    ):
        out = wt(*args).stdout
        monday, tuesday, thursday = (
            out.index("Call about pricing"),
            out.index("s birthday"),
            out.index("Send the order form"),
        )
        assert monday < tuesday < thursday, args


# -- the last twelve weeks ----------------------------------------------------------------

ZEROS = [0] * 10
#: The twelve weeks up to last week (31 Aug to 16 Nov), counted by hand.
LAST_WEEK_TRENDS = {
    "conversations": [*ZEROS, 1, 3],  # Sunday 15 Nov 23:59, then the three of the week
    "my_kept_on_time": [*ZEROS, 0, 1],  # P1; P2 was late, P4 done the week after
    "their_kept_on_time": [*ZEROS, 0, 1],  # T1
    "value_given": [*ZEROS, 0, 1],  # the intro to Marcus
    "value_received": [*ZEROS, 0, 1],  # the referral (the August advice is too old)
}


def test_trends_are_twelve_weeks_counted_like_the_summary(week: Path, wt: Invoke) -> None:
    data = summary_json(wt, "--last-week")
    trends = data["trends"]
    assert trends["weeks"][0] == "2026-08-31"
    assert trends["weeks"][-1] == "2026-11-16" == data["period"]["first"]
    assert len(trends["weeks"]) == 12
    assert {k: v for k, v in trends.items() if k != "weeks"} == LAST_WEEK_TRENDS
    # The last week of the trend is the summary's own week, number for number.
    numbers = data["numbers"]
    for key, number in (
        ("conversations", "conversations"),
        ("my_kept_on_time", "my_promises_kept_on_time"),
        ("their_kept_on_time", "their_promises_kept_on_time"),
        ("value_given", "value_given"),
        ("value_received", "value_received"),
    ):
        assert trends[key][-1] == numbers[number], key
    # This week's trend moves on by one week and counts Monday's call.
    this_week = summary_json(wt)["trends"]
    assert this_week["weeks"][-1] == "2026-11-23"
    assert this_week["conversations"][-3:] == [1, 3, 1]
    assert this_week["my_kept_on_time"][-1] == 0  # P4 was done, but late


def test_trends_follow_the_week_start(week: Path, wt: Invoke, tmp_path: Path) -> None:
    write_config(tmp_path, '[summary]\nweek_start = "sunday"\n')
    trends = summary_json(wt, "--last-week")["trends"]
    assert trends["weeks"][-1] == "2026-11-15"
    # Sunday 15 Nov 23:59 opens that week; the Sunday-night meeting opens the next.
    assert trends["conversations"][-2:] == [0, 3]


def svg_series(html_text: str) -> dict[str, list[list[int]]]:
    """Each chart's drawn values, per series, read from the SVG's own elements."""
    import re
    import xml.etree.ElementTree as ET

    svg_ns = "{http://www.w3.org/2000/svg}"
    out: dict[str, list[list[int]]] = {}
    for key, svg in re.findall(r'<figure data-chart="(\w+)">.*?(<svg.*?</svg>)', html_text, re.S):
        root = ET.fromstring(svg)  # well-formed XML, or this raises
        series = []
        for group in root.iter(f"{svg_ns}g"):
            if group.get("class", "").startswith("series "):
                values = [
                    int(d.text or "")
                    for d in group.iter(f"{svg_ns}desc")
                    if d.get("class") == "value"
                ]
                if values:
                    series.append(values)
        out[key] = series
    return out


def test_charts_draw_the_json_numbers(week: Path, wt: Invoke) -> None:
    trends = summary_json(wt, "--last-week")["trends"]
    text = wt("summary", "--last-week", "--format", "html").stdout
    assert svg_series(text) == {
        "conversations": [trends["conversations"]],
        "promises": [trends["my_kept_on_time"], trends["their_kept_on_time"]],
        "value": [trends["value_given"], trends["value_received"]],
    }
    assert text.count("<svg") == 3
    assert "<?xml" not in text  # inline, not a document in a document
    assert "<!--" not in text  # pygal's comments carry the real date; they go
    assert 'id="chart-trend-conversations"' in text  # the same page for the same data
    assert "Last 12 weeks" in text


def test_markdown_and_terminal_show_the_same_trends(week: Path, wt: Invoke) -> None:
    from wintogether.render.trends import sparkline

    trends = summary_json(wt, "--last-week")["trends"]
    text = wt("summary", "--last-week", "--format", "md").stdout
    lines = text.splitlines()
    header = lines.index(
        "| Week of | Conversations | My promises kept on time | Their promises kept on time"
        " | Value given | Value received |"
    )
    table = [line.strip("|").split("|") for line in lines[header + 2 : header + 14]]
    assert [cells[0].strip() for cells in table][-2:] == ["9 Nov", "16 Nov"]
    columns = list(zip(*[[int(c) for c in cells[1:]] for cells in table], strict=True))
    keys = ["conversations", "my_kept_on_time", "their_kept_on_time"]
    keys += ["value_given", "value_received"]
    assert [list(c) for c in columns] == [trends[k] for k in keys]
    assert f"- Conversations: `{sparkline(trends['conversations'])}` (4 in all)" in lines
    out = wt("--plain", "summary", "--last-week").stdout
    assert "Last 12 weeks (Mon 31 Aug 2026 to Sun 22 Nov 2026)" in out
    row = next(line for line in out.splitlines() if "latest" in line)
    assert row.split() == ["Conversations", "▁▁▁▁▁▁▁▁▁▁▄█", "latest", "3", "total", "4"]


def test_sparkline_scales_to_the_largest_and_keeps_zero_lowest() -> None:
    from wintogether.render.trends import sparkline

    assert sparkline([0, 1, 2, 4, 8]) == "▁▃▄▅█"
    assert sparkline([3, 3, 3]) == "███"
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([1, 100])[0] == "▂"  # one is not nothing
    assert sparkline([]) == ""


@pytest.mark.parametrize(
    "zone", ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/Havana"]
)
def test_trend_kept_on_time_compares_text_as_the_times_would(
    monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    """The trends compare stored times as text; they count what reading each
    time in the local zone counts, around midnights, DST changes and bad values."""
    import random
    import time
    from datetime import datetime, timedelta

    from wintogether.clock import from_utc_iso, to_utc_iso
    from wintogether.dates import start_of_day, stored_day
    from wintogether.domain import trends

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        rng = random.Random(zone)
        now = datetime(2026, 11, 28, 10, 0).astimezone()
        weeks = trends.week_starts(now.date() - timedelta(days=rng.choice([0, 200])), 0)
        bounds = [start_of_day(w, now.tzinfo) for w in weeks]
        bounds.append(start_of_day(weeks[-1] + timedelta(days=7), now.tzinfo))
        stamps = [to_utc_iso(b) for b in bounds]
        base = bounds[0] - timedelta(days=3)
        odd_times = [
            "2026-02-30T10:00:00Z",
            "2026-10-05T10:00:00",
            "garbage",
            "0000-01-01T00:00:00Z",
            "2026-11-20T24:00:00Z",
            "2026-11-20T10:60:00Z",
            "2026-11-20T10:00:60Z",
            "2026-11-2\u0661T10:00:00Z",  # an Arabic-Indic digit
        ]
        odd_days = [
            "2026-02-30",
            "20261105",
            "2026-W45-1",
            "nonsense",
            "9999-12-31",
            "2026-11-2\u0661",
            "2026/11/20",
        ]
        done = []
        for _ in range(3000):
            moment = base + timedelta(minutes=rng.randrange(0, 96 * 24 * 60))
            moment = moment.replace(minute=rng.choice([0, 59, moment.minute]), second=0)
            done_at = rng.choice([to_utc_iso(moment)] * 20 + odd_times)
            due = moment.date() + timedelta(days=rng.choice([-2, -1, 0, 0, 1, 2, 30]))
            due_on = rng.choice([due.isoformat()] * 20 + odd_days)
            done.append((rng.choice(["me", "them", "x"]), done_at, due_on))
        for edge in (bounds[0], bounds[-1]):  # just inside and outside the weeks
            for minutes in range(-180, 181, 30):
                moment = edge + timedelta(minutes=minutes)
                for days in range(-2, 3):
                    due_on = (moment.astimezone().date() + timedelta(days=days)).isoformat()
                    done.append(("me", to_utc_iso(moment), due_on))
        expected = {"me": [0] * 12, "them": [0] * 12}
        for who, done_at, due_on in done:
            moment = from_utc_iso(done_at)
            inside = bounds[0] <= moment < bounds[-1]
            if who in expected and inside and moment.date() <= stored_day(due_on):
                expected[who][trends._week_of(moment, bounds)] += 1  # type: ignore[index]
        assert trends._kept_on_time(done, bounds, stamps) == expected
        assert sum(expected["me"]) > 100
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_stored_forms_are_told_apart_as_their_patterns_would() -> None:
    """The trends' checks of a stored time and day, without compiling a
    pattern, against the patterns they replace, on texts near the forms."""
    import random
    import re

    from wintogether.clock import all_stored
    from wintogether.domain import trends

    time_form = re.compile(
        r"[0-9]{4}-[0-9][0-9]-[0-9][0-9]T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z"
    )
    day_form = re.compile(r"[0-9]{4}-[0-9][0-9]-[0-9][0-9]")
    rng = random.Random(7)
    alphabet = "0123456789-:TZ \u0661\uff11x"
    seen = {True: 0, False: 0}
    for _ in range(40_000):
        base = list(rng.choice(["2026-11-28T23:59:59Z", "2026-11-28", "1999-01-01T00:00:00Z"]))
        for _ in range(rng.choice([0, 0, 1, 2])):
            place = rng.randrange(len(base) + 1)
            change = rng.choice(["replace", "insert", "delete"])
            if change == "insert" or not base:
                base.insert(place, rng.choice(alphabet))
            elif change == "delete":
                del base[min(place, len(base) - 1)]
            else:
                base[min(place, len(base) - 1)] = rng.choice(alphabet)
        text = "".join(base)
        is_time = len(text) == 20 and all_stored((text,)) and trends._real_time(text)
        assert is_time == bool(time_form.fullmatch(text)), text
        assert trends._day_form(text) == bool(day_form.fullmatch(text)), text
        seen[is_time] += 1
    assert seen[True] > 1000 and seen[False] > 1000


def test_a_day_read_as_last_years_is_said(db: Path, wt: Invoke) -> None:
    """`--since "dec 10"` on 28 November is last year's 10 December: a year of
    summary, said, with this year's date to type; "nov 1" is not said."""
    run = wt("summary", "--since", "dec 10", "--format", "json")
    assert json.loads(run.stdout)["period"]["first"] == "2025-12-10"
    assert run.stderr.splitlines() == [
        "Note: read as Wed 10 Dec 2025, the day being ahead this year"
        " (for this year's, type 2026-12-10)."
    ]
    assert "Note" not in wt("summary", "--since", "nov 1").stderr
    assert "Note" not in wt("summary", "--since", "2025-12-10").stderr
    history = wt("history", "--since", "dec 10", "--until", "dec 20")
    assert history.stderr.count("the day being ahead this year") == 2, history.stderr
