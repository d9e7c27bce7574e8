"""Hostile text in every field, through every command and output format, on a terminal.

A database is seeded with hostile values in every text field (names,
companies, titles, notes, tags, promises, ledger entries, wins, extras,
config keys and values): terminal escapes (OSC 52 clipboard writes, OSC 8
links, ``ESC[2J``, C1 CSI), bidi overrides, carriage returns, Unicode tag
and other invisible format characters, Rich markup, CSV formulas. Then every
command, with every ``--format``, runs through the real CLI three ways: on a
pseudo-terminal, on a pseudo-terminal with ``--plain``, and piped. Asserted:

* on a terminal nothing reaches the screen raw except the program's own
  colour codes (every ``ESC`` left is an SGR colour sequence);
* piped, the human-readable outputs are just as clean, while the file formats
  (CSV, vCard, iCalendar) stay faithful to the data;
* no traceback, and every exit code is 0, 1, 2 or 3;
* read commands leave the database exactly as it was.

To keep the cost of the default run to a few seconds, the commands run in one
child process per way (``data/fuzz_driver.py`` runs the CLI once per command
in that process), the three ways at once. The values come from Hypothesis: a fixed list of seeds in the
default run, and many more examples in the ``slow`` variant.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import sys
import tty
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wintogether.cli.app import app

DRIVER = Path(__file__).parent / "data" / "fuzz_driver.py"

#: The attacks, one per kind; Hypothesis adds random mixes of the same pieces.
PIECES = [
    "\x1b]52;c;ZWNobyBwd25lZA==\x07",  # OSC 52: writes the clipboard
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J\x1b[H",  # clear the screen
    "\x9b31m",  # C1 CSI
    "\x1b[31mred",  # a colour code in the data is not ours
    "\u202eevil\u202c",  # bidi override
    "\r",
    "\x07",
    "\x7f",
    "\U000e0041\U000e0042",  # Unicode tag characters
    "\u200b\u2060\u00ad",  # invisible format characters
    "[bold red]x[/]",
    "[link=https://evil.example]y[/link]",
    '=HYPERLINK("http://evil")',
    "+1",
    "@SUM(A1)",
    "\t-2",
    "a|b",
    "# head",
    "<script>alert(1)</script>",
    "END:VCARD\r\nBEGIN:VCARD",
    "line one\nline two",
    "é中文",
]
FIXED = ["".join(PIECES[: len(PIECES) // 2]), "".join(PIECES[len(PIECES) // 2 :])]

hostile = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.text(
            alphabet=st.characters(
                codec="utf-8",
                categories=("Cc", "Cf", "Zl", "Zp", "Lu", "Ll", "Nd", "Po", "So"),
                exclude_characters="\x00",
            ),
            max_size=6,
        ),
    ),
    min_size=1,
    max_size=5,
).map("".join)


# -- what may reach a terminal ------------------------------------------------------

#: Our own colour codes (SGR), and the cursor codes of Rich's progress display.
_OURS = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]|\x1b\[2K|\x1b\[1A|\r(?=\x1b\[2K)")


def _raw(char: str) -> bool:
    """A character that must never reach a terminal raw."""
    if char in "\n\t":
        return False
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or unicodedata.category(char) in ("Cf", "Zl", "Zp", "Cc")
        or 0xE0000 <= code <= 0xE007F
    )


def raw_controls(text: str) -> list[str]:
    return sorted({repr(c) for c in _OURS.sub("", text) if _raw(c)})


# -- seeding ------------------------------------------------------------------------


def _toml_string(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\' or _raw(char) or ord(char) < 0x20:
            out.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _vcard_text(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    ).replace("\r", "")


def seed_database(folder: Path, values: list[str]) -> tuple[Path, Path, Path]:
    """A database, config file and vCard file holding ``values`` in every field."""
    db = folder / "seed.db"
    config = folder / "config.toml"
    cards = folder / "hostile.vcf"
    env = {"WINTOGETHER_DB": str(db), "WINTOGETHER_CONFIG": str(config)}
    runner = CliRunner()
    command = typer.main.get_command(app)  # converted once, not once per command

    def run(*args: str) -> None:
        with runner.isolation(env=env):
            try:
                command.main(args=list(args), prog_name="wt")
            except SystemExit as exc:
                assert exc.code in (0, 1, 2, 3, None), args

    run("init")
    run("add", "Dana Reyes", "--company", "Northwind", "--tag", "customers")
    cards.write_text(
        "".join(
            "BEGIN:VCARD\r\nVERSION:3.0\r\n"
            f"FN:{_vcard_text(value)} {i}\r\n"
            f"ORG:{_vcard_text(value)}\r\n"
            f"TITLE:{_vcard_text(value)}\r\n"
            f"NOTE:{_vcard_text(value)}\r\n"
            f"CATEGORIES:{_vcard_text(value.replace('/', ''))}\r\n"
            f"X-HOSTILE:{_vcard_text(value)}\r\n"
            f"ADR:;;{_vcard_text(value)};;;;\r\n"
            f"EMAIL:p{i}@example.com\r\n"
            "END:VCARD\r\n"
            for i, value in enumerate(values)
        ),
        encoding="utf-8",
    )
    run("import", str(cards), "--skip-invalid")
    for i, value in enumerate(values):
        name = f"p{i}@example.com"
        run("add", value, "--company", value, "--title", value, "--met", value, "--note", value)
        run("edit", name, "--tag", value.replace("/", "") or "t", "--met", value)
        run("log", name, value)
        run("log", name, "--with", "Dana Reyes", value)
        run("follow-up", name, value, "--due", "2026-12-01")
        run("follow-up", name, value, "--due", "2026-11-20", "--theirs")
        run("gave", name, value)
        run("got", name, value)
        run("win", name, value)
    config.write_text(
        "[cadence.tags]\n"
        + "".join(f'{_toml_string(v)} = "30d"\n' for v in values)
        + f"\n[sync]\nvdir = {_toml_string(values[0] + '/x')}\n",
        encoding="utf-8",
    )
    config.chmod(0o600)
    return db, config, cards


# -- the commands -------------------------------------------------------------------


def commands(value: str, cards: Path, work: Path) -> list[tuple[list[str], bool]]:
    """(args, is_read) for every command and format; reads first.

    Every listing gets every ``--format``: where one is not offered the
    command stops with a usage error (exit 2), which is checked like the rest.
    The contact named ``value`` is named by its email (a name with line breaks
    is stored with them folded).
    """
    contact = "p0@example.com"
    reads: list[list[str]] = [[], ["db", "path"], ["config", "path"], ["doctor"]]
    reads += [["doctor", "--json"], ["undo", "--dry-run"], ["undo", "--dry-run", "--json"]]
    reads += [["sync", "--dry-run", str(work / "vdir-read")]]
    reads += [["sync", "--dry-run", "--json", str(work / "vdir-read")]]
    for base in (
        ["contacts"],
        ["contacts", "--archived"],
        ["show", contact],
        ["show", "Dana Reyes"],
        ["followups"],
        ["balance"],
        ["balance", contact],
        ["today"],
        ["neglected"],
        ["history", "--since", "1900-01-01"],
        ["search", "x"],
        ["search", value],
        ["dupes"],
        ["company", value],
        ["companies"],
        ["path", value],
        ["path", contact],
        ["config", "show"],
        ["conversation", "show", "2"],
        ["import", str(cards), "--dry-run", "--skip-invalid"],
    ):
        reads += [[*base, "--format", fmt] for fmt in ("table", "json", "csv")]
    reads.append(["summary", "--since", "2026-01-01"])
    for fmt in ("md", "json", "csv", "html"):
        reads.append(["summary", "--since", "2026-01-01", "--format", fmt])
    for fmt in ("json", "csv", "vcard", "ics", "md"):
        reads.append(["export", "--format", fmt])
    reads.append(["export", "--format", "csv", "--what", "conversations"])
    writes = [
        ["add", value + " again", "--new"],
        ["log", contact, value],
        ["log", contact, value, "--json"],
        ["edit", contact, "--note", value, "--company", value],
        ["follow-up", contact, value, "--due", "fri"],
        ["gave", contact, value, "--json"],
        ["got", contact, value],
        ["win", contact, value, "--mine", value],
        ["done", "1"],
        ["snooze", "2", "fri"],
        ["cancel", "3"],
        ["conversation", "edit", "1", value],
        ["archive", contact],
        ["unarchive", contact],
        ["merge", "Dana Reyes", contact, "--json"],
        ["sync", str(work / "vdir"), "--json"],
        ["sync", str(work / "vdir")],
        ["export", "--format", "vcard", "--split", str(work / "cards")],
        ["backup", str(work / "copy.db"), "--json"],
        ["undo"],
        ["undo", "--json"],
        ["forget", contact, "--yes"],
        ["import", str(cards), "--skip-invalid", "--format", "json"],
        ["config", "set", "log.channel", "call"],
    ]
    return [(args, True) for args in reads] + [(args, False) for args in writes]


# -- running -------------------------------------------------------------------------


@dataclass
class Step:
    args: list[str]
    read: bool
    exit_code: int
    changed: bool
    traceback: str
    output: str


_MARK = re.compile(r"\n?@@FUZZ (\d+) exit=(-?\d+) changed=(\d) tb=([A-Za-z_.]*)@@\n")


def run_driver(
    db: Path, config: Path, plan: list[tuple[list[str], bool]], *, terminal: bool
) -> list[Step]:
    plan_file = db.with_suffix(".plan.json")
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(
        WINTOGETHER_DB=str(db),
        WINTOGETHER_CONFIG=str(config),
        TERM="xterm-256color",
        COLUMNS="100",
        LINES="40",
        PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
    )
    argv = [sys.executable, str(DRIVER), str(plan_file)]
    if terminal:
        import pty

        master, slave = pty.openpty()
        tty.setraw(slave)  # no newline translation: every byte is the program's
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
        os.close(slave)
        chunks = []
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                proc.kill()
                raise AssertionError("the CLI hung on a terminal")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every writer closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        proc.wait(60)
        data = b"".join(chunks)
    else:
        done = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=120, check=False
        )
        # stderr keeps its own stream; its lines are checked with every step.
        data = done.stdout + b"\n@@STDERR@@\n" + done.stderr
    text = data.decode("utf-8", "backslashreplace")
    parts = _MARK.split(text.split("\n@@STDERR@@\n")[0])
    steps = []
    # parts: [before first mark, idx, exit, changed, tb, output, idx, ...]
    for n in range(1, len(parts) - 4, 5):
        index = int(parts[n])
        args, read = plan[index]
        output = parts[n - 1]  # what the command wrote before its marker
        steps.append(Step(args, read, int(parts[n + 1]), parts[n + 2] == "1", parts[n + 3], output))
    assert len(steps) == len(plan), text[-3000:]
    if not terminal and "\n@@STDERR@@\n" in text:
        steps.append(Step(["(stderr)"], False, 0, False, "", text.split("\n@@STDERR@@\n", 1)[1]))
    return steps


_FILE_FORMATS = ("csv", "vcard", "ics")


def check(steps: list[Step], *, terminal: bool) -> None:
    problems = []
    for step in steps:
        label = " ".join(step.args)
        if step.traceback or "Traceback (most recent call last)" in step.output:
            problems.append(f"{label}: traceback {step.traceback}")
        if step.exit_code not in (0, 1, 2, 3):
            problems.append(f"{label}: exit {step.exit_code}")
        if step.read and step.changed:
            problems.append(f"{label}: a read command changed the database")
        # Piped, the file formats stay faithful to the data; all else is checked.
        faithful = not terminal and any(f in step.args for f in _FILE_FORMATS)
        if not faithful:
            raw = raw_controls(step.output)
            if raw:
                problems.append(f"{label}: raw {', '.join(raw)}")
    assert not problems, "\n".join(problems)


def _fuzz(tmp: Path, values: list[str]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    seeded = tmp / "seed"
    seeded.mkdir()
    db, config, cards = seed_database(seeded, values)
    value = values[0]

    def one_way(way: str) -> None:
        work = tmp / way
        work.mkdir()
        copy = work / "wt.db"
        shutil.copy(db, copy)
        plan = commands(value, cards, work)
        if way == "plain":
            plan = [(["--plain", *args], read) for args, read in plan]
        (work / "vdir-read").mkdir()
        steps = run_driver(copy, config, plan, terminal=way != "piped")
        check(steps, terminal=way != "piped")

    # The three ways run at once, each in its own child process.
    with ThreadPoolExecutor(3) as pool:
        for done in [pool.submit(one_way, way) for way in ("terminal", "plain", "piped")]:
            done.result()


# -- the tests -------------------------------------------------------------------------

#: The seeds of the default run: each one fixed set of Hypothesis values.
SEEDS = [20261205]


def _with_values(
    tmp_path_factory: pytest.TempPathFactory, examples: int
) -> Callable[[list[str]], None]:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        # Each example runs the CLI about 200 times: report the values as
        # drawn rather than spend minutes shrinking them.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(values=st.lists(hostile, min_size=1, max_size=1 if examples == 1 else 3))
    def run(values: list[str]) -> None:
        _fuzz(tmp_path_factory.mktemp("fuzz"), FIXED + values)

    return run  # type: ignore[no-any-return]


@pytest.mark.parametrize("fixed_seed", SEEDS)
def test_hostile_values_never_reach_the_terminal_raw(
    tmp_path_factory: pytest.TempPathFactory, fixed_seed: int
) -> None:
    seed(fixed_seed)(_with_values(tmp_path_factory, 1))()


@pytest.mark.slow
def test_hostile_values_never_reach_the_terminal_raw_many(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    _with_values(tmp_path_factory, 30)()


def test_the_check_sees_a_raw_escape() -> None:
    """The negative control: the checker flags what it must."""
    assert raw_controls("ok \x1b[1mbold\x1b[0m\n") == []
    assert raw_controls("\x1b]52;c;x\x07") != []
    assert raw_controls("a\u202eb") != [] and raw_controls("\U000e0041") != []
    assert raw_controls("x\ry") != []
