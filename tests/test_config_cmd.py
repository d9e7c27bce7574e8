"""`wt config show|path|edit|set`, and the two settings it adds (log.channel,
display.date_format)."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from conftest import Invoke
from wintogether import dates


def config_file() -> Path:
    return Path(os.environ["WINTOGETHER_CONFIG"])


def test_path_prints_the_config_file(wt: Invoke) -> None:
    run = wt("config", "path")
    assert run.stdout.strip() == str(config_file())
    assert run.stderr == ""


def test_show_without_a_file_lists_the_defaults(wt: Invoke) -> None:
    run = wt("config", "show")
    lines = run.stdout.splitlines()
    assert any(line.startswith("cadence.default") and "3 months" in line for line in lines)
    assert any(line.startswith("log.channel") and "note" in line for line in lines)
    assert any(line.startswith("display.date_format") and "day-month" in line for line in lines)
    assert all("(default)" in line for line in lines)
    assert "No config file" in run.stderr
    assert not config_file().exists()


def test_show_json_says_where_each_setting_comes_from(wt: Invoke) -> None:
    config_file().write_text('[cadence.tags]\ncustomers = "monthly"\n[log]\nchannel = "call"\n')
    rows = json.loads(wt("config", "show", "--json").stdout)
    by_key = {row["key"]: row for row in rows}
    assert by_key["log.channel"] == {"key": "log.channel", "value": "call", "source": "file"}
    assert by_key["cadence.tags.customers"]["value"] == "1 month"
    assert by_key["cadence.tags.customers"]["days"] == 30
    assert by_key["cadence.default"]["days"] == 90
    assert "days" not in by_key["log.channel"]
    assert by_key["cadence.default"]["source"] == "default"
    assert by_key["backup.keep"]["value"] == 10


def test_set_creates_the_file_private_and_keeps_comments(wt: Invoke) -> None:
    run = wt("config", "set", "cadence.tags.customers", "monthly")
    assert "Set cadence.tags.customers = monthly" in run.stderr
    path = config_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "# How often to be in touch" in text  # the template's comments survive
    wt("config", "set", "backup.keep", "4")
    wt("config", "set", "cadence.tags.customers", "2w")
    text = path.read_text()
    assert "# How often to be in touch" in text
    import tomllib

    data = tomllib.loads(text)
    assert data["backup"]["keep"] == 4
    assert data["cadence"]["tags"]["customers"] == "2w"


def test_set_keeps_a_users_own_comment(wt: Invoke) -> None:
    config_file().write_text('# my notes: keep this\n[cadence]\ndefault = "60d"  # why 60\n')
    wt("config", "set", "cadence.default", "45d")
    text = config_file().read_text()
    assert "# my notes: keep this" in text
    assert "# why 60" in text
    assert 'default = "45d"' in text


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("cadence.default", "often", "cadence.default: 'often' is not a duration."),
        ("backup.keep", "many", "backup.keep must be a whole number"),
        ("backup.keep", "0", "keep must be a whole number of at least 1"),
        ("log.channel", "pigeon", "log.channel must be one of: call, email"),
        ("display.date_format", "roman", "display.date_format must be one of"),
        ("summary.week_start", "someday", "summary.week_start must be a weekday"),
    ],
)
def test_set_refuses_a_bad_value_and_leaves_the_file(
    wt: Invoke, key: str, value: str, message: str
) -> None:
    config_file().write_text('[cadence]\ndefault = "60d"\n')
    run = wt("config", "set", key, value, ok=False)
    assert run.exit_code == 1
    assert run.stdout == ""
    assert message in run.stderr
    assert str(config_file()) in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert config_file().read_text() == '[cadence]\ndefault = "60d"\n'


def test_set_refuses_an_unknown_key(wt: Invoke) -> None:
    run = wt("config", "set", "cadence.defualt", "30d", ok=False)
    assert run.exit_code == 1
    assert "Unknown setting 'cadence.defualt'" in run.stderr
    assert "cadence.default" in run.stderr
    assert not config_file().exists()


def test_bad_file_names_key_and_file_for_show_and_other_commands(dana: Path, wt: Invoke) -> None:
    config_file().write_text('[display]\ndate_format = "roman"\n')
    for args in (("config", "show"), ("today",), ("followups",)):
        run = wt(*args, ok=False)
        assert run.exit_code == 1, args
        assert run.stdout == ""
        assert "display.date_format" in run.stderr and str(config_file()) in run.stderr
    # `wt config path` still works, so the file can be found and fixed.
    assert wt("config", "path").stdout.strip() == str(config_file())


def editor_script(tmp_path: Path, body: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text(f"import sys\npath = sys.argv[1]\n{body}\n")
    return f"{sys.executable} {script}"


def test_edit_creates_the_template_then_checks(
    wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv(
        "EDITOR",
        editor_script(
            tmp_path,
            "text = open(path).read()\n"
            "open(path, 'w').write(text.replace('# channel = \"note\"', 'channel = \"call\"'))",
        ),
    )
    run = wt("config", "edit")
    assert "Created" in run.stderr and "valid" in run.stderr
    assert stat.S_IMODE(config_file().stat().st_mode) == 0o600
    rows = json.loads(wt("config", "show", "--json").stdout)
    assert {"key": "log.channel", "value": "call", "source": "file"} in rows


def test_edit_reports_a_mistake_with_key_and_file(
    wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv(
        "EDITOR",
        editor_script(tmp_path, "open(path, 'w').write('[backup]\\nkeep = -1\\n')"),
    )
    run = wt("config", "edit", ok=False)
    assert run.exit_code == 1
    assert "keep must be a whole number" in run.stderr
    assert str(config_file()) in run.stderr


def test_log_uses_the_configured_channel_unless_given(dana: Path, wt: Invoke) -> None:
    assert "Logged note" in wt("log", "dana", "Quick word").stderr
    wt("config", "set", "log.channel", "call")
    assert "Logged call" in wt("log", "dana", "Rang about renewal").stderr
    assert "Logged email" in wt("log", "dana", "Sent deck", "--channel", "email").stderr


@pytest.mark.parametrize(
    ("fmt", "shown"),
    [("day-month", "Fri 4 Dec"), ("month-day", "Fri Dec 4"), ("iso", "2026-12-04")],
)
def test_date_format_applies_to_output(dana: Path, wt: Invoke, fmt: str, shown: str) -> None:
    wt("config", "set", "display.date_format", fmt)
    run = wt("log", "dana", "Renewal", "--follow-up", "2026-12-04")
    assert f"follow-up due {shown} " in run.stderr
    listing = wt("--plain", "followups").stdout
    assert shown in listing


def test_date_order_reads_slashed_dates(dana: Path, wt: Invoke) -> None:
    shown = {r["key"]: r for r in json.loads(wt("config", "show", "--json").stdout)}
    assert shown["input.date_order"] == {
        "key": "input.date_order",
        "value": "day-month",
        "source": "default",
    }
    assert "(due Mon 4 Jan 2027)" in wt("follow-up", "dana", "A", "--due", "4/1").stderr
    refused = wt("follow-up", "dana", "B", "--due", "12/31/2026", ok=False)
    assert refused.exit_code == 1 and "input.date_order month-day" in refused.stderr
    # the date most likely meant, read the other way round
    assert "Type it as 2026-12-31 or dec 31," in " ".join(refused.stderr.split())
    swapped = wt("follow-up", "dana", "B", "--due", "12/25", ok=False)
    assert "Type it as 2026-12-25 or dec 25," in " ".join(swapped.stderr.split())
    # No such day either way round: the order is not blamed.
    neither = wt("follow-up", "dana", "B", "--due", "31/11", ok=False)
    assert neither.stderr == (
        "Error: '31/11' is not a valid date: November has no day 31."
        " Type it as 2026-12-31 or dec 31.\n"
    )
    assert "there is no month 40" in wt("follow-up", "dana", "B", "--due", "4/40", ok=False).stderr
    # 29 February without a year is the next one; with a year that has none, said so.
    assert "(due Tue 29 Feb 2028)" in wt("follow-up", "dana", "L", "--due", "29/2").stderr
    leap = wt("follow-up", "dana", "L", "--due", "29/2/2027", ok=False)
    assert "February 2027 has no day 29" in leap.stderr
    wt("config", "set", "input.date_order", "month-day")
    assert "Type it as 2027-01-13 or jan 13," in " ".join(
        wt("follow-up", "dana", "B", "--due", "13/1", ok=False).stderr.split()
    )
    assert "(due Fri 1 Jan 2027)" in wt("follow-up", "dana", "C", "--due", "1/1").stderr
    assert "(due Thu 31 Dec)" in wt("follow-up", "dana", "D", "--due", "12/31/2026").stderr
    bad = wt("config", "set", "input.date_order", "year-first", ok=False)
    assert "input.date_order must be one of: day-month, month-day" in bad.stderr


def test_format_day_formats() -> None:
    from datetime import date

    day, today = date(2026, 12, 4), date(2026, 11, 28)
    assert dates.format_day(day, today) == "Fri 4 Dec"
    with dates.showing_days("month-day"):
        assert dates.format_day(day, today) == "Fri Dec 4"
        assert dates.format_day(day, date(2025, 1, 1)) == "Fri Dec 4 2026"
        with dates.showing_days("iso"):
            assert dates.format_day(day, today) == "2026-12-04"
        assert dates.format_day(day, today) == "Fri Dec 4"
    assert dates.format_day(day, today) == "Fri 4 Dec"  # the block ended: back to the default


def test_log_reads_no_toml_without_a_config_file(dana: Path) -> None:
    from test_startup_imports import imported_modules

    modules, done = imported_modules("log", "dana", "Quick word")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "tomllib" not in modules
    assert "tomlkit" not in modules
    assert "wintogether.config" not in modules
    # The check can fail: with a file, the display format is read from it.
    config_file().write_text('[display]\ndate_format = "iso"\n')
    modules, done = imported_modules("log", "dana", "Another word", "--follow-up", "2026-12-04")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "tomllib" in modules
    assert "follow-up due 2026-12-04" in done.stderr


def test_a_refused_value_creates_no_file(wt: Invoke) -> None:
    run = wt("config", "set", "cadence.default", "often", ok=False)
    assert run.exit_code == 1
    assert "Try one of" in run.stderr  # what a duration looks like
    assert not config_file().exists()
    assert not list(config_file().parent.glob(".config.toml.*"))


def test_without_a_file_the_default_format_is_back(dana: Path, wt: Invoke) -> None:
    """Several commands in one process (as here): a removed file means the default."""
    wt("config", "set", "display.date_format", "iso")
    wt("follow-up", "dana", "Send the deck", "--due", "2026-12-04")
    assert "2026-12-04" in wt("--plain", "followups").stdout
    config_file().unlink()
    assert "Fri 4 Dec" in wt("--plain", "followups").stdout


def test_sync_folder_is_a_setting_too(wt: Invoke) -> None:
    wt("config", "set", "sync.vdir", "~/wt-vdir")
    rows = {row["key"]: row for row in json.loads(wt("config", "show", "--json").stdout)}
    assert rows["sync.vdir"]["source"] == "file"
    assert rows["sync.vdir"]["value"] == str(Path("~/wt-vdir").expanduser())
    run = wt("config", "set", "sync.vdir", "", ok=False)
    assert "[sync] vdir must be a folder name" in run.stderr
