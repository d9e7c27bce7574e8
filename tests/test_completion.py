"""Shell completion: contact names and open promise ids, through the completion
functions and through the real protocol the installed shell scripts speak."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import typer

from conftest import Invoke, _cached_command
from factory import Factory


@pytest.fixture
def promised(dana: Path) -> Path:
    with Factory(dana) as make:
        make.promise("dana", "Send the SOC2 report", due="2026-12-04")  # #1
        make.promise("marcus", "Intro to\nthe CFO", due="2026-12-10")  # #2
        make.done(make.promise("dana", "Old promise", due="2026-12-01"))  # #3
    return dana


def context() -> typer.Context:
    from wintogether.cli.app import app

    # The app as a Click command, converted once while its commands stay the same.
    return typer.Context(_cached_command(app))  # type: ignore[arg-type]


def test_promise_ids_complete_open_promises_with_their_text(promised: Path) -> None:
    from wintogether.cli.promises import complete_promise

    items = complete_promise(context(), "")
    assert [value for value, _ in items] == ["1", "2"]  # #3 is kept: not offered
    assert items[0][1] == "Dana Reyes: Send the SOC2 report (due Fri 4 Dec 2026)"
    assert "\n" not in items[1][1]
    assert items[1][1].startswith("Marcus O'Neil: Intro to the CFO")
    assert [value for value, _ in complete_promise(context(), "2")] == ["2"]
    assert complete_promise(context(), "9") == []


def test_promise_completion_without_a_database_is_empty(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wintogether.cli.promises import complete_promise

    monkeypatch.setenv("WINTOGETHER_DB", str(isolated / "missing.db"))
    assert complete_promise(context(), "") == []
    assert not (isolated / "missing.db").exists()


def complete(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wintogether"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env_extra},
    )


@pytest.mark.parametrize(
    ("words", "expected", "absent"),
    [
        ("wt done ", "1", "3"),
        ("wt snooze ", "2", "3"),
        # Bash inserts values as they are: the space is escaped, the case of
        # what was typed kept (Typer keeps only values starting with it).
        ("wt show da", "dana\\ Reyes", "Marcus O'Neil"),
        ("wt log Mar", "Marcus\\ O\\'Neil", "Dana Reyes"),
    ],
)
def test_bash_protocol_offers_promise_ids_and_names(
    promised: Path, words: str, expected: str, absent: str
) -> None:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    done = complete(
        {"_WT_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    )
    assert done.returncode == 0, done.stderr
    offered = done.stdout.splitlines()
    assert expected in offered
    assert absent not in offered
    assert done.stderr == ""


def test_zsh_protocol_gives_the_promise_text_as_help(promised: Path) -> None:
    done = complete({"_WT_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "wt cancel "})
    assert done.returncode == 0, done.stderr
    assert "Send the SOC2 report" in done.stdout
    assert "Dana Reyes" in done.stdout


def test_fish_protocol_offers_contact_names(promised: Path) -> None:
    done = complete(
        {
            "_WT_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            "_TYPER_COMPLETE_ARGS": "wt log Mar",
        }
    )
    assert done.returncode == 0, done.stderr
    assert "Marcus O'Neil\tO'Neil Consulting" in done.stdout.splitlines()
    assert "Dana Reyes" not in done.stdout


#: A line only each shell's script has.
SCRIPT_MARKS = {
    "bash": 'COMP_WORDS="${COMP_WORDS[*]}"',
    "zsh": "#compdef wt",
    "fish": "complete --command wt",
}


def _run_wt(*args: str, detect: bool = False, env: dict[str, str] | None = None) -> Any:
    """`python -m wintogether ARGS` with shell detection off unless ``detect``."""
    base = {
        k: v for k, v in os.environ.items() if k != "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"
    }
    if not detect:
        base["_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "wintogether", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**base, **(env or {})},
    )


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@pytest.mark.parametrize("form", ["space", "equals"])
def test_show_completion_prints_the_named_shells_script(
    isolated: Path, shell: str, form: str
) -> None:
    # The shell named on the command line, whatever started the run (no shell
    # among the parents here: detection is off).
    args = ["--show-completion", shell] if form == "space" else [f"--show-completion={shell}"]
    done = _run_wt(*args)
    assert done.returncode == 0, done.stderr
    assert "_WT_COMPLETE" in done.stdout
    assert SCRIPT_MARKS[shell] in done.stdout
    assert [mark for other, mark in SCRIPT_MARKS.items() if mark in done.stdout] == [
        SCRIPT_MARKS[shell]
    ]


def test_a_named_shell_wins_over_the_shell_it_is_typed_in(isolated: Path) -> None:
    """`wt --show-completion zsh` typed in bash prints zsh's script (as docs/recipes.md says)."""
    command = f'"{sys.executable}" -m wintogether --show-completion zsh; exit $?'
    env = {
        k: v for k, v in os.environ.items() if k != "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"
    }
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", command],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert SCRIPT_MARKS["zsh"] in done.stdout
    assert SCRIPT_MARKS["bash"] not in done.stdout


@pytest.mark.parametrize("option", ["--show-completion", "--install-completion"])
def test_no_shell_found_and_none_named_says_to_name_one(isolated: Path, option: str) -> None:
    done = _run_wt(option)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert "Could not tell which shell this is" in lines[0]
    assert f"wt {option} bash" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_shell_name_is_refused_in_one_line(isolated: Path) -> None:
    done = _run_wt("--show-completion=tcsh")
    assert done.returncode == 2
    assert "'tcsh' is not a shell" in done.stderr
    assert done.stdout == ""


def test_install_completion_for_a_named_shell_writes_its_file(
    isolated: Path, tmp_path: Path
) -> None:
    home = tmp_path / "installing-home"
    home.mkdir()
    done = _run_wt("--install-completion", "fish", env={"HOME": str(home)})
    assert done.returncode == 0, done.stderr
    script = home / ".config" / "fish" / "completions" / "wt.fish"
    assert SCRIPT_MARKS["fish"] in script.read_text()
    assert "fish completion installed in" in done.stderr


def test_show_completion_in_bash_prints_the_bash_script(isolated: Path) -> None:
    """What a user typing in bash gets: the shell is found from the parent
    process, here a bash that stays alive until the command ends."""
    command = f'"{sys.executable}" -m wintogether --show-completion; exit $?'
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", command],
        capture_output=True,
        text=True,
        check=False,
        env={
            k: v
            for k, v in os.environ.items()
            if k != "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"
        },
    )
    assert done.returncode == 0, done.stderr
    assert SCRIPT_MARKS["bash"] in done.stdout


def test_a_completed_name_in_another_case_still_finds_the_contact(
    promised: Path, wt: Invoke
) -> None:
    # What bash inserts for `wt show da<TAB>`, once the shell has unescaped it.
    assert "Northwind Traders" in wt("--plain", "show", "dana Reyes").stdout


def test_bash_offers_nothing_rather_than_an_unescaped_name(promised: Path) -> None:
    done = complete(
        {"_WT_COMPLETE": "complete_bash", "COMP_WORDS": "wt show Dana\\ R", "COMP_CWORD": "2"}
    )
    assert done.returncode == 0, done.stderr
    assert "Dana Reyes" not in done.stdout.splitlines()


def test_names_resolve_and_complete_without_their_accents(db: Path, wt: Invoke) -> None:
    wt("add", "José Núñez", "--company", "Contoso")
    wt("add", "Dana Reyes")
    assert "José Núñez" in wt("log", "jose", "Call about the renewal").stderr
    assert "José Núñez" in wt("log", "NUNEZ", "Another call").stderr
    from wintogether.cli.common import complete_contact

    assert complete_contact(context(), "jose") == [("jose Núñez", "Contoso")]
    assert complete_contact(context(), "Jos") == [("José Núñez", "Contoso")]


def test_folding_still_refuses_an_ambiguous_name(db: Path, wt: Invoke) -> None:
    wt("add", "Zoë Adams")
    wt("add", "Zoé Brown")
    run = wt("show", "zoe", ok=False)
    assert run.exit_code == 1
    assert "Zoë Adams" in run.stderr and "Zoé Brown" in run.stderr


# -- deals: `wt deal show <TAB>`, `wt plan <TAB>`, `wt plan add <TAB>` ---------------


@pytest.fixture
def dealt(dana: Path) -> Path:
    with Factory(dana) as make:
        make.deal("Northwind renewal", with_=["dana"], target="2027-01-31")  # #1
        make.deal("Initech pilot", company="Initech")  # #2
        make.deal("Old Northwind upsell", with_=["dana"])  # #3, then lost
        make.step("Northwind renewal", "Security review", owner="them", due="2026-12-20")
    from wintogether.domain import deals, plan
    from wintogether.store import open_store

    store, _ = open_store(dana)
    try:
        deals.close(store, datetime(2026, 11, 28, tzinfo=UTC), "3", "lost", "Budget cut")
        plan.save_template(store, datetime(2026, 11, 28, tzinfo=UTC), "Renewal", "1")
    finally:
        store.close()
    return dana


def test_deal_titles_complete_open_deals_first_with_company_and_target(dealt: Path) -> None:
    from wintogether.cli.deals import complete_deal

    items = complete_deal(context(), "")
    assert [value for value, _ in items] == [
        "Northwind renewal",
        "Initech pilot",
        "Old Northwind upsell",
    ]
    assert items[0][1] == "Northwind Traders, target Sun 31 Jan 2027"
    assert items[1][1] == "Initech, no target"
    assert items[2][1] == "Northwind Traders, lost"
    assert [value for value, _ in complete_deal(context(), "ini")] == ["initech pilot"]
    # Digits complete ids, with the title as help.
    assert complete_deal(context(), "2") == [("2", "Initech pilot")]
    assert complete_deal(context(), "9") == []


def test_deal_completion_without_a_database_is_empty(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wintogether.cli.deals import complete_deal

    monkeypatch.setenv("WINTOGETHER_DB", str(isolated / "missing.db"))
    assert complete_deal(context(), "") == []
    assert not (isolated / "missing.db").exists()


def test_every_deal_argument_completes_deals(dealt: Path) -> None:
    """`wt deal show|edit|won|lost|dropped`, `wt plan add|done|...`, `wt plan apply NAME DEAL`."""
    from wintogether.cli.app import app

    root: Any = typer.main.get_command(app)
    seen = []
    for group in ("deal", "plan"):
        commands = root.commands[group]
        for name, command in commands.commands.items():
            for param in command.params:
                if param.metavar == "DEAL":
                    ctx = typer.Context(command, parent=context(), info_name=name)
                    offered = [item.value for item in param.shell_complete(ctx, "Ini")]
                    assert offered == ["Initech pilot"], (group, name)
                    seen.append(f"{group} {name}")
    assert {"deal show", "deal won", "plan show", "plan add", "plan done", "plan apply"} <= set(
        seen
    ), seen


@pytest.mark.parametrize(
    ("words", "expected", "absent"),
    [
        ("wt deal show Nor", ["Northwind\\ renewal"], "Initech\\ pilot"),
        # `wt plan DEAL` shows a plan: deals are offered beside the subcommands.
        ("wt plan ", ["Northwind\\ renewal", "add", "template"], "Dana\\ Reyes"),
        ("wt plan apply Ren", ["Renewal"], "Northwind\\ renewal"),
    ],
)
def test_bash_protocol_offers_deals(
    dealt: Path, words: str, expected: list[str], absent: str
) -> None:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    done = complete(
        {"_WT_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    )
    assert done.returncode == 0, done.stderr
    offered = done.stdout.splitlines()
    assert set(expected) <= set(offered), offered
    assert absent not in offered
    assert done.stderr == ""
