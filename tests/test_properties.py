"""Property tests: hostile text is stored faithfully, shown safely, refused cleanly.

Each property runs twice: a few examples in the default run (the Hypothesis
profile in conftest.py says how many), and its long variant, marked slow, with
the full count:

    python -m pytest -m slow tests/test_properties.py
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Invoke
from reliability import one_line_error, run_cli
from wintogether.domain.text import clean_name, clean_optional, clean_text
from wintogether.store import contacts as contacts_store

#: Characters that have broken terminals, markup and parsers before.
NASTY = [
    *"[]=/\\\"'`$%&*#<>|;:,",
    "\x1b",
    "\x1b[2J",
    "\x1b]0;pwned\x07",
    "\x07",
    "\x9b",
    "\x00",
    "\r",
    "\n",
    "\t",
    "\u202e",
    "\u200f",
    "\u061c",
    "\ufeff",
    "[bold red]",
    "[link=https://evil.example]",
    "[/]",
    "=HYPERLINK()",
]
text = st.lists(
    st.one_of(st.sampled_from(NASTY), st.characters(exclude_categories=("Cs",))),
    min_size=1,
    max_size=30,
).map("".join)
names = text.filter(
    lambda s: bool(s.split()) and len(" ".join(s.split())) <= 500 and "\x00" not in s
)
# A note of exactly "-" means "read it from stdin" (documented), so it is not text here.
notes = text.filter(lambda s: bool(s.strip()) and "\x00" not in s and s != "-")

#: The default run's settings: the number of examples comes from the profile.
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SGR = re.compile("\x1b\\[[0-9;]*m")


@SETTINGS
@given(name=names, company=notes, note=notes)
def test_store_then_read_returns_the_same_text(
    dana: Path, wt: Invoke, name: str, company: str, note: str
) -> None:
    _store_then_read(dana, wt, name, company, note)


@pytest.mark.slow
@settings(SETTINGS, max_examples=40)
@given(name=names, company=notes, note=notes)
def test_store_then_read_returns_the_same_text_long(
    dana: Path, wt: Invoke, name: str, company: str, note: str
) -> None:
    _store_then_read(dana, wt, name, company, note)


def _store_then_read(dana: Path, wt: Invoke, name: str, company: str, note: str) -> None:
    ref = _add(wt, dana, name, f"--company={company}")
    shown = json.loads(wt("show", ref, "--json").stdout)
    assert shown["contact"]["name"] == clean_name(name)
    assert shown["contact"]["company"] == clean_optional(company, "company")
    logged = json.loads(wt("log", "--json", "--", ref, note).stdout)
    conv = json.loads(wt("conversation", "show", str(logged["conversation_id"]), "--json").stdout)
    assert conv["note"] == clean_text(note)


def _add(wt: Invoke, db: Path, name: str, *options: str) -> str:
    """Add through the CLI (``--`` so a name like "-x" is not an option); returns "#id"."""
    wt("add", "--force", *options, "--", name)
    conn = sqlite3.connect(db)
    try:
        return f"#{conn.execute('SELECT max(id) FROM contacts').fetchone()[0]}"
    finally:
        conn.close()


@SETTINGS
@given(name=names, note=notes)
def test_rendering_never_raises_or_leaks_control_characters(
    dana: Path, wt: Invoke, name: str, note: str
) -> None:
    _rendering_is_safe(dana, wt, name, note)


@pytest.mark.slow
@settings(SETTINGS, max_examples=15)
@given(name=names, note=notes)
def test_rendering_never_raises_or_leaks_control_characters_long(
    dana: Path, wt: Invoke, name: str, note: str
) -> None:
    _rendering_is_safe(dana, wt, name, note)


def _rendering_is_safe(dana: Path, wt: Invoke, name: str, note: str) -> None:
    ref = _add(wt, dana, name)
    wt("log", "--follow-up", "fri", f"--about={note}", "--", ref, note)
    for args in (("show", ref), ("contacts",), ("today",), ("followups",), ("undo", "-n")):
        run = wt(*args)
        for stream in (run.stdout, run.stderr):
            assert "\x1b" not in stream
            assert not RAW_CONTROL.search(stream.replace("\n", "").replace("\t", ""))
    # And on a colour terminal: the only escape sequences are Rich's own colours.
    from wintogether.render.contacts import contact_card
    from wintogether.store import open_store

    store, _ = open_store(dana)
    try:
        contact = contacts_store.get_contact(store, int(ref[1:]))
    finally:
        store.close()
    assert contact is not None
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, force_terminal=True, color_system="truecolor", width=100).print(
        contact_card(contact)
    )
    rest = SGR.sub("", buffer.getvalue())
    assert "\x1b" not in rest
    assert not RAW_CONTROL.search(rest.replace("\n", ""))


raw_arg = st.one_of(
    st.binary(min_size=1, max_size=20).map(os.fsdecode),
    text,
)

COMMANDS = [
    lambda x: ("add", x),
    lambda x: ("log", x, "a note"),
    lambda x: ("show", x),
    lambda x: ("edit", x, "--title", "CTO"),
    lambda x: ("follow-up", "dana", "Send deck", "--due", x),
    lambda x: ("log", "dana", "a note", "--at", x),
    lambda x: ("edit", "dana", "--birthday", x),
    lambda x: ("edit", "dana", "--every", x),
    lambda x: ("snooze", "1", x),
    lambda x: ("followups", "--due-within", x),
]


@SETTINGS
@given(arg=raw_arg, which=st.integers(min_value=0, max_value=len(COMMANDS) - 1))
def test_random_input_never_crashes(dana: Path, wt: Invoke, arg: str, which: int) -> None:
    _never_crashes(wt, arg, which)


@pytest.mark.slow
@settings(SETTINGS, max_examples=40)
@given(arg=raw_arg, which=st.integers(min_value=0, max_value=len(COMMANDS) - 1))
def test_random_input_never_crashes_long(dana: Path, wt: Invoke, arg: str, which: int) -> None:
    _never_crashes(wt, arg, which)


def _never_crashes(wt: Invoke, arg: str, which: int) -> None:
    args = COMMANDS[which](arg)
    run = wt(*args, ok=False)  # an exception other than a clean exit would be raised here
    assert run.exit_code in (0, 1, 2), run
    assert "Traceback" not in run.stderr
    if run.exit_code == 1:
        one_line_error(run.stderr)


def test_undecodable_bytes_through_the_real_command_line(dana: Path) -> None:
    for args in (
        (b"add", b"caf\xe9"),
        (b"log", b"\xff\xfe", b"note"),
        (b"follow-up", b"dana", b"x", b"--due", b"\xc3\x28"),
        (b"show", b"\xed\xa0\x80"),
    ):
        proc = run_cli(*args)
        assert proc.exit_code == 1, proc
        assert "is not valid UTF-8 text" in one_line_error(proc.stderr)
        assert proc.stdout == ""
