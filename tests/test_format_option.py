"""`--format table|json|csv` and `--json` behave the same on every read command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import Invoke, WrittenOnce
from wintogether.render import columns

#: Read commands whose result is a list: CSV has these columns.
WITH_CSV = {
    ("followups",): columns.PROMISES,
    ("contacts",): columns.CONTACTS,
    ("neglected",): columns.SLIPPING,
    ("history", "--since", "2026-11-01"): columns.HISTORY,
    ("search", "renewal"): columns.SEARCH,
    ("balance",): columns.BALANCES,
    ("dupes",): columns.DUPES,
    ("config", "show"): columns.SETTINGS,
}
#: Read commands whose result is nested: no CSV form.
WITHOUT_CSV = (("today",), ("show", "dana"), ("conversation", "show", "1"))


def flat(text: str) -> str:
    """Help as one line: Rich's box edges and line breaks removed."""
    return " ".join(text.replace("│", " ").split())


@pytest.fixture
def data(dana: Path, wt: Invoke, written_once: WrittenOnce) -> Path:
    """A conversation, its promise and an intro (written by the first test, copied
    for the others)."""
    return written_once("test_format_option data", lambda: _write_data(dana, wt))


def _write_data(dana: Path, wt: Invoke) -> Path:
    wt("log", "dana", "Renewal call", "--at", "2026-11-20", "--follow-up", "2026-11-25")
    wt("gave", "dana", "Intro to a CFO", "--kind", "intro", "--at", "2026-11-21")
    return dana


@pytest.mark.parametrize("args", [*WITH_CSV, *WITHOUT_CSV, ("summary",)], ids=" ".join)
def test_json_is_the_same_however_asked(data: Path, wt: Invoke, args: tuple[str, ...]) -> None:
    short = wt(*args, "--json").stdout
    long = wt(*args, "--format", "json").stdout
    assert short == long
    json.loads(short)
    refused = wt(*args, "--json", "--format", "table", ok=False)
    assert refused.exit_code == 1 and "--json and --format disagree" in refused.stderr


@pytest.mark.parametrize("args", list(WITH_CSV), ids=" ".join)
def test_csv_columns_come_from_the_spec(data: Path, wt: Invoke, args: tuple[str, ...]) -> None:
    spec = WITH_CSV[args]
    rows = list(csv.reader(io.StringIO(wt(*args, "--format", "csv").stdout)))
    assert rows[0] == spec.names()
    records = json.loads(wt(*args, "--json").stdout)
    if isinstance(records, dict):  # balance and history: the rows inside a view
        records = records.get("rows", records.get("entries"))
    assert len(rows) - 1 == len(records)
    shown = " ".join(wt("--plain", *args).stdout.split())
    path = args[:2] if args[0] == "config" else args[:1]
    help_ = flat(wt(*path, "--help").stdout)
    assert "table (default), json or csv" in help_
    if args[0] not in ("config", "dupes") and len(rows) > 1:
        for column in spec.shown():
            assert column.header is not None
            if column.header:
                assert column.header in shown, (column.name, shown[:300])


@pytest.mark.parametrize("args", WITHOUT_CSV, ids=" ".join)
def test_no_csv_form_is_said_the_same_way(data: Path, wt: Invoke, args: tuple[str, ...]) -> None:
    refused = wt(*args, "--format", "csv", ok=False)
    assert refused.exit_code == 1
    assert "has no CSV form: the result is nested" in refused.stderr
    assert refused.stdout == ""
    path = args[:2] if args[0] == "conversation" else args[:1]
    help_ = flat(wt(*path, "--help").stdout)
    assert "table (default) or json; not csv" in help_
    # The choices shown are those taken.
    assert "<table|json>" in help_ and "<table|json|csv>" not in help_


def test_today_points_to_a_command_that_exists(data: Path, wt: Invoke) -> None:
    refused = wt("today", "--format", "csv", ok=False)
    assert "`wt followups --format csv`" in refused.stderr
    assert wt("followups", "--format", "csv").stdout.startswith("id,due_on,")


def test_summary_takes_json_and_table(data: Path, wt: Invoke) -> None:
    assert "numbers" in json.loads(wt("summary", "--json").stdout)
    table = wt("--plain", "summary", "--format", "table").stdout
    assert table == wt("--plain", "summary").stdout
    assert "Week of" in table
    refused = wt("summary", "--format", "table", "-o", "week.md", ok=False)
    assert refused.exit_code == 1 and "-o writes md, json, csv or html" in refused.stderr


@pytest.mark.parametrize("command", ["log", "gave", "win", "undo", "backup", "merge", "sync"])
def test_write_commands_do_not_promise_a_format_option(wt: Invoke, command: str) -> None:
    help_ = flat(wt(command, "--help").stdout)
    assert "--json" in help_
    assert "Shorthand for --format json" not in help_
    assert "Print the result as JSON" in help_


def test_column_names_are_unique_and_tables_have_headings() -> None:
    specs = [getattr(columns, name) for name in columns.NAMES]
    assert len(specs) >= 9 and all(isinstance(spec, columns.Columns) for spec in specs)
    for spec in specs:
        assert len(set(spec.names())) == len(spec.names())
        assert all(name == name.lower() and " " not in name for name in spec.names())
