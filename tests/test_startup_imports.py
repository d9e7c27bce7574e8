"""The capture path stays light: what `wt log` and friends import at start-up.

Measured with ``python -X importtime`` on the real CLI in a subprocess (a
fresh interpreter, as a shell alias would start it). Rich, sqlite-utils and
dateparser each cost tens of milliseconds to import; none of them is needed to
log a note or record a promise with an ISO or simple date.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Invoke
from factory import Factory

HEAVY = ("rich", "sqlite_utils", "dateparser", "pygal")


def imported_modules(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wintogether", *args],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return modules, done


def heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY}


@pytest.mark.parametrize(
    "args",
    [
        ("log", "Dana Reyes", "Renewal talk; needs SOC2 report"),
        ("log", "dana", "Renewal talk", "--follow-up", "fri", "--at", "yesterday"),
        ("log", "dana", "QBR", "--with", "marcus", "--follow-up", "2026-12-04"),
        ("follow-up", "dana", "Send the SOC2 report", "--due", "2026-12-04"),
        ("follow-up", "dana", "Send pricing", "--due", "tomorrow", "--theirs"),
        ("--version",),
    ],
    ids=["log", "log-weekday", "log-iso", "follow-up", "follow-up-theirs", "version"],
)
def test_capture_path_imports_nothing_heavy(dana: object, args: tuple[str, ...]) -> None:
    modules, done = imported_modules(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "wintogether.cli.app" in modules  # the measurement itself works
    assert not heavy(modules), sorted(heavy(modules))
    # Capture resolves a contact through domain.resolve, without the contacts
    # module (its dataclasses, the cadence rules and the config).
    assert "wintogether.domain.contacts" not in modules
    assert "wintogether.domain.cadence" not in modules
    # Nor the records of ledgers, timelines and deals (wintogether.models
    # loads them when first named).
    assert not {"wintogether.models.deals", "wintogether.models.ledger"} & modules
    assert "wintogether.models.events" not in modules
    # Nor what only writing a file (secrets, for a temporary name: hashlib and
    # random behind it) or CSV needs.
    assert not {"secrets", "csv", "hashlib", "random"} & modules, sorted(
        {"secrets", "csv", "hashlib", "random"} & modules
    )
    # Nor the records it does not build (a contact, a conversation; a promise
    # only for `wt follow-up`, which shows the one it made), the config's
    # records (the two settings it reads come unbuilt), the company code, the
    # contacts commands, or undo's half of the journal and json behind it.
    light = {
        "wintogether.models.contact",
        "wintogether.models.conversation",
        "wintogether.config_record",
        "wintogether.store.companies",
        "wintogether.store.journal",
        "wintogether.cli.contacts",
        "json",
        "tomllib",
    }
    if args[0] == "log":
        # No dataclass at all: the contact reference and the result are plain classes.
        light |= {"wintogether.models.promise", "dataclasses"}
    assert not light & modules, sorted(light & modules)


def test_capture_with_a_config_file_reads_its_settings_unbuilt(dana: object) -> None:
    """With a config file (days shown month first, another channel), `wt log` and
    `wt follow-up` honour it without the config records, and, once the file's
    tables are cached, without tomllib."""
    Path(os.environ["WINTOGETHER_CONFIG"]).write_text(
        '[display]\ndate_format = "month-day"\n[log]\nchannel = "call"\n', encoding="utf-8"
    )
    for args in (
        ("log", "dana", "Renewal talk", "--follow-up", "2026-12-04"),
        ("follow-up", "dana", "Send the SOC2 report", "--due", "2026-12-04"),
    ):
        imported_modules(*args)  # the first read parses the file and caches its tables
        modules, done = imported_modules(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Fri Dec 4" in done.stderr  # the file's date format...
        assert not {"wintogether.config_record", "tomllib"} & modules, sorted(modules)
    assert "Logged call" in imported_modules("log", "dana", "Quick one")[1].stderr  # ...and channel


def test_natural_dates_still_load_the_parser_when_needed(dana: object) -> None:
    """The check above can fail: a phrase only dateparser knows does import it
    ("3 days ago" and "last week" no longer need it)."""
    modules, done = imported_modules("log", "dana", "Met at the fair", "--at", "two weeks ago")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "dateparser" in modules
    modules, done = imported_modules("log", "dana", "Met at the fair", "--at", "3 days ago")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "dateparser" not in modules


def test_the_chart_library_is_loaded_only_for_the_html_summary(dana: object) -> None:
    """pygal draws the HTML summary's charts; no other summary format loads it."""
    modules, done = imported_modules("summary", "--format", "md")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "wintogether.domain.trends" in modules  # the trends are computed...
    assert "pygal" not in modules  # ...and written without the chart library
    modules, done = imported_modules("summary", "--format", "html")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "pygal" in modules


def test_a_shared_plan_does_not_load_the_weekly_summary(dana: object, wt: Invoke) -> None:
    """`wt plan DEAL --format md|html` escapes its text without the summary's code."""
    wt("deal", "add", "Northwind renewal", "--with", "dana", "--they-win", "SOC2", "--we-win", "3y")
    for fmt in ("md", "html"):
        modules, done = imported_modules("plan", "1", "--format", fmt)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Northwind renewal" in done.stdout
        assert "wintogether.render.escaping" in modules
        assert "wintogether.domain.summary" not in modules


def test_only_the_invoked_command_is_built(dana: object, wt: Invoke) -> None:
    """Start-up builds one command, but help and unknown names still see them all."""
    from wintogether.cli import app as app_module

    everything = app_module.app
    command_line = app_module.app_for(["--db", "x.db", "log", "dana", "note"])
    names = [c.callback.__name__ for c in command_line.registered_commands if c.callback]
    assert names == ["log"]
    assert command_line.registered_groups == []
    assert command_line is not everything
    command_line = app_module.app_for(["conversation", "show", "3"])
    assert [g.name for g in command_line.registered_groups] == ["conversation"]
    assert command_line.registered_commands == []
    for args in (["--help"], ["nosuch"], ["-h"]):
        command_line = app_module.app_for(args)
        assert len(command_line.registered_commands) == len(everything.registered_commands), args
        assert len(command_line.registered_groups) == len(everything.registered_groups), args
    for args in (["--version"], [], ["--plain"]):
        command_line = app_module.app_for(args)
        assert command_line.registered_commands == [], args
        assert command_line.registered_groups == [], args


def _subcommands(command_line: object, group: str) -> list[str]:
    [info] = [g for g in command_line.registered_groups if g.name == group]  # type: ignore[attr-defined]
    sub = info.typer_instance
    return [c.name or c.callback.__name__ for c in sub.registered_commands] + [
        g.name for g in sub.registered_groups
    ]


def test_a_group_builds_only_the_subcommand_named(dana: object) -> None:
    """`wt deal show 1` converts `show` alone; `wt plan DEAL` its default, `show`;
    help, no word, an option or an unknown word keep every subcommand, and the
    module's own group is never changed."""
    from wintogether.cli import app as app_module
    from wintogether.cli import deals

    whole_deal = len(deals.deal_app.registered_commands)
    whole_plan = len(deals.plan_app.registered_commands) + len(deals.plan_app.registered_groups)
    assert _subcommands(app_module.app_for(["--db", "deal", "deal", "show", "1"]), "deal") == [
        "show"
    ]
    assert _subcommands(app_module.app_for(["plan", "1"]), "plan") == ["show"]
    assert _subcommands(app_module.app_for(["--db", "plan", "plan", "add", "1", "x"]), "plan") == [
        "add"
    ]
    assert _subcommands(app_module.app_for(["plan", "template", "save", "n", "1"]), "plan") == [
        "template"
    ]
    for args in (
        ["deal"],
        ["deal", "show", "--help"],
        ["deal", "-h", "show"],
        ["deal", "shwo", "1"],
        ["deal", "--json"],
    ):
        assert len(_subcommands(app_module.app_for(args), "deal")) == whole_deal, args
    assert len(_subcommands(app_module.app_for(["plan", "--help"]), "plan")) == whole_plan
    assert len(deals.deal_app.registered_commands) == whole_deal
    assert len(deals.plan_app.registered_commands) + len(deals.plan_app.registered_groups) == (
        whole_plan
    )


def test_the_command_table_says_what_each_module_registers() -> None:
    """COMMAND_MODULES (which module to import for a command) matches what the
    modules register, in help's order: a command added to a module must be
    added there too, or it is found only by loading every module."""
    import typer

    from wintogether.cli import app as app_module

    everything: list[str] = []
    for module, names in app_module.COMMAND_MODULES.items():
        alone = typer.Typer()
        app_module.register(alone, [module])
        registered = [
            info.name or typer.main.get_command_name(info.callback.__name__)
            for info in alone.registered_commands
            if info.callback is not None
        ] + [info.name for info in alone.registered_groups]
        assert sorted(registered, key=str) == sorted(names), module
        everything += names
    full = app_module.app
    listed = [
        info.name or typer.main.get_command_name(info.callback.__name__)
        for info in full.registered_commands
        if info.callback is not None
    ] + [info.name for info in full.registered_groups]
    assert sorted(listed, key=str) == sorted(everything)
    assert len(set(everything)) == len(everything)  # no name in two modules


@pytest.mark.parametrize(
    ("args", "module"),
    [
        (("log", "dana", "note"), "wintogether.cli.conversations"),
        (("follow-up", "dana", "Send it", "--due", "2026-12-04"), "wintogether.cli.promises"),
        (("deals",), "wintogether.cli.deals"),
        (("--version",), None),
    ],
    ids=["log", "follow-up", "deals", "version"],
)
def test_start_up_imports_only_the_invoked_command_module(
    dana: object, args: tuple[str, ...], module: str | None
) -> None:
    """Only the module defining the command runs at start-up (and what it
    imports itself): not the other fifteen."""
    from wintogether.cli import app as app_module

    modules, done = imported_modules(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    command_modules = {f"wintogether.cli.{m}" for m in app_module.COMMAND_MODULES}
    loaded = command_modules & modules
    if module is None:
        assert loaded == set()
    else:
        assert module in loaded
        # conversations takes the contact argument's definition from contacts
        assert loaded <= {module, "wintogether.cli.contacts"}, sorted(loaded)


def test_real_cli_help_and_typos_still_list_commands(dana: object) -> None:
    help_run = subprocess.run(
        [sys.executable, "-m", "wintogether", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    assert help_run.returncode == 0
    for name in ("log", "follow-up", "today", "neglected", "show"):
        assert name in help_run.stdout
    typo = subprocess.run(
        [sys.executable, "-m", "wintogether", "lgo", "dana"],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    assert typo.returncode == 2
    assert "No such command 'lgo'" in typo.stderr
    assert typo.stdout == ""
    dashboard = subprocess.run(
        [sys.executable, "-m", "wintogether"],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    assert dashboard.returncode == 0, dashboard.stderr
    assert "Sat 28 Nov 2026" in dashboard.stdout


def test_global_options_come_from_the_root_callback() -> None:
    """Start-up skips the global options the root callback declares, whatever they are."""
    from wintogether.cli import app as app_module

    takes_value, flags, final = app_module._global_options()
    assert takes_value == {"--db"}
    assert flags == {"--plain"}
    assert final == {"--version"}
    assert (takes_value, flags, final) == app_module.GLOBAL_OPTIONS
    command_line = app_module.app_for(["--plain", "--db=x.db", "--plain", "today"])
    names = [c.callback.__name__ for c in command_line.registered_commands if c.callback]
    assert names == ["today"]
    assert app_module.invoked_name(["--db", "x.db", "--plain", "deal", "show", "1"]) == "deal"


@pytest.mark.parametrize(
    "args",
    [
        ("contacts",),
        ("today",),
        (),
        ("--plain", "contacts"),
        ("neglected",),
        ("followups",),
        ("search", "renewal"),
        ("history", "--since", "30 days ago"),
        ("balance",),
        ("balance", "#1"),
        ("dupes",),
        ("show", "#1"),
        ("summary",),
        ("summary", "--month"),
    ],
    ids=lambda args: " ".join(args) or "wt",
)
def test_reads_in_a_pipe_write_plain_text_without_rich(dana: object, args: tuple[str, ...]) -> None:
    """`wt contacts | cat`, `wt today` in a script: the tables are written from
    the column specs by render/plain.py, and Rich is never imported."""
    from factory import Factory

    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        make.log("dana", "Renewal talk", at="2026-11-24")
        make.promise("dana", "Send the renewal quote", due="2026-11-25")
        make.gave("dana", "Renewal advice", kind="advice")
        make.contact("Dana Reyez", company="Northwind Traders")
        make.contact("Greta Lindqvist", every="1 week")
        make.log("greta", "Coffee", at="2026-09-01")  # slipping since
    modules, done = imported_modules(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()  # something was written, to a pipe
    assert "wintogether.render.plain" in modules
    assert not {m for m in modules if m.split(".")[0] == "rich"}


@pytest.mark.parametrize(
    "args",
    [("today",), ("summary", "--week"), ("show", "#1"), ("contacts", "--sort", "attention")],
    ids=["today", "summary", "show", "contacts"],
)
def test_reads_build_only_the_records_they_show(dana: object, args: tuple[str, ...]) -> None:
    """A read defines many records and makes few: those never made are never
    compiled (wintogether.records), and a read in a pipe passes its ids to
    SQLite without the json module (store/common.py ``id_list``)."""
    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        make.log("dana", "Renewal talk", at="2026-11-24")
        make.promise("dana", "Send the renewal quote", due="2026-11-25")
        make.gave("dana", "Renewal advice", kind="advice")
        make.contact("Greta Lindqvist", every="1 week", birthday="1980-11-30")
        make.log("greta", "Coffee", at="2026-09-01")
    code = (
        "import sys, runpy, dataclasses\n"
        f"sys.argv = ['wt', *{list(args)!r}]\n"
        "try:\n"
        "    runpy.run_module('wintogether', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "from wintogether.records import _PENDING\n"
        "print(sorted(c.__name__ for c in _PENDING), 'json' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.strip(), done.stderr[-2000:]
    pending, has_json = done.stderr.strip().splitlines()[-1].rsplit(" ", 1)
    waiting = set(ast.literal_eval(pending))
    never_made = {
        # (Contact, ContactRow, WordRecord, Health, Conversation, Deal,
        # LedgerFigures, PlanStep, Win, a profile and its timeline and introductions,
        # balances, search hits are written out: never compiled at all. The
        # dashboard and the summary import no record left to compile.)
        "today": set(),
        "summary": set(),
        "show": {"ContactChanges"},
        "contacts": {"ContactChanges"},
    }[args[0]]
    assert never_made <= waiting, sorted(never_made - waiting)
    if args[0] in ("today", "show", "contacts"):
        assert has_json == "False"


def test_reads_write_json_without_the_json_package(dana: object) -> None:
    """`--json` output is written with the C string encoder the json module
    itself uses (``_json``), not by importing the json package."""
    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        make.log("dana", "Renewal talk", at="2026-11-24")
        make.promise("dana", "Send the renewal quote", due="2026-11-25")
        make.contact("Greta Lindqvist", every="1 week")
        make.log("greta", "Coffee", at="2026-09-01")
    for args in (("neglected", "--json"), ("today", "--json"), ("show", "dana", "--json")):
        modules, done = imported_modules(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        assert json.loads(done.stdout), args
        assert "json" not in modules, args


def test_reads_that_make_no_record_do_not_import_dataclasses(dana: object) -> None:
    """wintogether.records imports the dataclasses module with the first record
    made: the dashboard, the list of contacts, the slipping list and the
    summary make none (their rows are written out), so they never import it."""
    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        make.log("dana", "Renewal talk", at="2026-11-24")
        make.promise("dana", "Send the renewal quote", due="2026-11-25")
        make.gave("dana", "Renewal advice", kind="advice")
        make.contact("Greta Lindqvist", every="1 week", birthday="1980-11-30")
        make.log("greta", "Coffee", at="2026-09-01")
    for args in (("today",), ("contacts",), ("neglected",), ("summary", "--week")):
        modules, done = imported_modules(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Greta Lindqvist" in done.stdout, args
        assert "dataclasses" not in modules, args
    # A read that makes one still imports it (the check above can fail).
    modules, done = imported_modules("referrals")
    assert done.returncode == 0 and "dataclasses" in modules


def test_paths_search_and_balance_make_no_dataclass(dana: object) -> None:
    """The records of a warm path, a search hit and a balance are written out:
    `wt path`, `wt search` and `wt balance` (each also in JSON) with something
    to show import no dataclasses."""
    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        make.contact("Greta Lindqvist", company="Northwind Traders")
        make.log("dana", "Renewal talk", with_=["marcus", "greta"], at="2026-11-24")
        make.promise("dana", "Send the renewal quote", due="2026-11-25")
        make.gave("marcus", "Renewal advice", kind="advice")
        make.gave("dana", "An intro", kind="intro", to="greta")
    reads = {
        ("path", "Northwind Traders"): "Greta Lindqvist",
        ("path", "greta", "--json"): "Marcus O'Neil",
        ("search", "renewal"): "Renewal",
        ("search", "renewal", "--json"): "Renewal",
        ("balance",): "Marcus O'Neil",
        ("balance", "dana", "--json"): "An intro",
    }
    for args, shown in reads.items():
        modules, done = imported_modules(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        assert shown in done.stdout, (args, done.stdout)
        assert "dataclasses" not in modules, args


def test_show_and_followups_do_not_import_dataclasses(dana: object) -> None:
    """A profile, its timeline, introductions and wins, and the filter of
    `wt followups` are written out: showing a contact with conversations,
    promises, ledger entries, introductions, a win and a deal, and listing
    promises, import no dataclasses."""
    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        make.contact("Greta Lindqvist", via="dana", company="Northwind Traders")
        make.log("dana", "Renewal talk", with_=["marcus"], at="2026-11-24")
        make.promise("dana", "Send the renewal quote", due="2026-11-25")
        make.promise("dana", "Sign the order form", due="2026-12-02", theirs=True)
        make.gave("dana", "Renewal advice", kind="advice")
        make.got("marcus", "Intro to Dana", kind="intro", to="dana")
        make.gave("dana", "Intro to Greta", kind="intro", to="greta")
        make.win("dana", "Faster onboarding", mine="Renewal signed", at="2026-11-20")
        make.deal("Renewal deal", with_=["dana"])
    for args in (("show", "dana"), ("show", "greta"), ("show", "marcus")):
        modules, done = imported_modules(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "introduced" in done.stdout, args
        assert "dataclasses" not in modules, args
    modules, done = imported_modules("show", "dana", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(done.stdout)
    assert {"conversation", "promise", "ledger", "win"} <= {e["kind"] for e in shown["timeline"]}
    assert shown["introductions"]["introduced_by"]["contact"]["name"] == "Marcus O'Neil"
    assert shown["introductions"]["introduced_you_to"] and shown["introductions"]["you_introduced"]
    assert "dataclasses" not in modules
    for args in (
        ("followups",),
        ("followups", "--json"),
        ("followups", "--theirs"),
        ("followups", "--mine", "--overdue"),
        ("followups", "--due-within", "7d", "-n", "1"),
        ("followups", "--all", "--format", "csv"),
    ):
        modules, done = imported_modules(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Sign the order form" in done.stdout or "renewal quote" in done.stdout, args
        assert "dataclasses" not in modules, args


def test_the_string_encoder_is_the_json_modules() -> None:
    from json.encoder import encode_basestring

    from wintogether.text import _load_encoder

    assert _load_encoder()[0] is encode_basestring


def test_search_and_history_in_a_pipe_do_not_import_json(dana: object) -> None:
    """`wt search` names each hit with one scalar read per column, not a JSON
    array to decode; `wt history` writes its lines without JSON either."""
    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        make.log("dana", "Renewal talk", at="2026-11-24")
        make.promise("dana", "Send the renewal quote", due="2026-11-25")
        make.gave("dana", "Renewal advice", kind="advice")
    for args in (("search", "renewal"), ("history", "--since", "last week")):
        modules, done = imported_modules(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Renewal" in done.stdout
        assert "json" not in modules, args


def test_history_in_a_pipe_compiles_no_dataclass(dana: object) -> None:
    """`wt history`'s conversations and deals are written-out records: a week
    with a conversation of two people and a deal imports no dataclasses."""
    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        make.log("dana", "Renewal talk", with_=["marcus"], at="2026-11-24")
        make.promise("dana", "Send the renewal quote", due="2026-11-25")
        make.gave("dana", "Renewal advice", kind="advice")
        make.deal("Renewal deal", with_=["dana"])
    for args in (("history", "--since", "last week"), ("history", "--json")):
        modules, done = imported_modules(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Renewal talk" in done.stdout and "Renewal deal" in done.stdout
        assert "dataclasses" not in modules, args


def test_deal_and_plan_reads_compile_no_dataclass(dana: object) -> None:
    """A deal's plan steps, the plan as it stands (each step's view, the
    risks) and the plan shared with the buyer are written-out records: the list
    of deals, a deal and its plan, in every format, import no dataclasses."""
    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        make.at("2026-11-16T10:00:00+00:00")
        make.deal("Northwind renewal", with_=["dana"], target="2026-12-10", they_win="SOC2")
        kept = make.step("northwind", "Security review", owner="them", due="2026-11-20")
        make.step("northwind", "Send the DPA", owner="me", due="2026-11-24", after="1")
        make.step("northwind", "Legal review", owner="them", due="2026-12-04", after="2")
        make.step("northwind", "Signature", owner="me", due="2026-12-10", milestone=True)
        make.at("2026-11-21T10:00:00+00:00")
        make.done(kept)  # a day late; Send the DPA is overdue, two steps wait on it
    reads = [
        ("deals",), ("deals", "--json"), ("deals", "--format", "csv"),
        ("deal", "show", "1"), ("deal", "show", "1", "--json"),
        ("plan", "1"), ("plan", "1", "--json"),
        ("plan", "1", "--format", "ics"), ("plan", "1", "--format", "md"),
        ("plan", "1", "--format", "html"),
    ]  # fmt: skip
    for args in reads:
        modules, done = imported_modules(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Northwind" in done.stdout, args
        if args[0] != "deals":
            assert "Send the DPA" in done.stdout, args
        assert "dataclasses" not in modules, args
    # The steps were really seen as they stand: one overdue, a risk to the plan.
    _, done = imported_modules("plan", "1")
    assert "overdue (4d)" in done.stdout and "at risk" in done.stdout, done.stdout
    _, done = imported_modules("deals", "--json")
    assert json.loads(done.stdout)[0]["health"] == "at risk", done.stdout


def test_a_view_rich_must_lay_out_still_draws_with_rich(
    dana: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: on a 40-column screen Rich cuts the summary's
    trend lines with "…", so the summary is drawn by Rich there, as before."""
    monkeypatch.setenv("COLUMNS", "40")
    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        make.log("dana", "Renewal talk", at="2026-11-24")
    modules, done = imported_modules("summary")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "rich.table" in modules
    assert "…" in done.stdout


def test_records_named_elsewhere_load_when_first_named() -> None:
    """wintogether.models names every record; those defined in their own modules are
    loaded on first use, and only then (the check above can fail)."""
    code = (
        "import sys\n"
        "from wintogether.models import Contact, Promise\n"
        "assert 'wintogether.models.deals' not in sys.modules\n"
        "from wintogether.models import Deal, PlanStep\n"
        "import wintogether.models as models\n"
        "assert 'wintogether.models.deals' in sys.modules\n"
        "assert 'wintogether.models.ledger' not in sys.modules\n"
        "assert models.Deal is Deal and models.PlanStep is PlanStep\n"
        "assert models.Win.__name__ == 'Win' and models.ContactEvent.__name__ == 'ContactEvent'\n"
        "try:\n"
        "    models.Nothing\n"
        "except AttributeError:\n"
        "    print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
    from wintogether import models

    for name in models.__all__:
        assert getattr(models, name) is not None, name


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"XDG_DATA_HOME": "/srv/data", "XDG_CONFIG_HOME": "/srv/config/"},
        {"XDG_DATA_HOME": "relative/data", "XDG_CONFIG_HOME": "relative"},
        {"XDG_DATA_HOME": "", "XDG_CONFIG_HOME": "  "},
        {"HOME": "/"},
        {"HOME": "/home/dana/"},
        {"HOME": "relative/home"},
        {"HOME": ""},
        {"HOME": None},
        {"HOME": None, "XDG_CONFIG_HOME": "/srv/config", "XDG_DATA_HOME": "/srv/data"},
    ],
)
def test_default_folders_match_platformdirs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str | None]
) -> None:
    """The default database and config file are where platformdirs puts them,
    whether or not paths.py had to import it to find out."""
    import platformdirs

    from wintogether import paths
    from wintogether.errors import UserError

    monkeypatch.delenv("WINTOGETHER_CONFIG")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        if value is None:
            monkeypatch.delenv(var, raising=False)
        else:
            monkeypatch.setenv(var, value)

    def expected(find: object, name: str) -> Path | str:
        try:
            folder = find("wintogether", appauthor=False)  # type: ignore[operator]
        except RuntimeError:
            return "refused"
        return folder / name if Path(folder).is_absolute() else "refused"

    def actual(find: object) -> Path | str:
        try:
            return find()  # type: ignore[operator,no-any-return]
        except UserError:
            return "refused"

    assert actual(paths.default_db_path) == expected(platformdirs.user_data_path, "wintogether.db")
    assert actual(paths.config_path) == expected(platformdirs.user_config_path, "config.toml")


def test_finding_the_default_folders_on_linux_needs_no_platformdirs() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("WINTOGETHER_CONFIG",)}
    code = (
        "import sys\n"
        "from wintogether import paths\n"
        "paths.config_path(); paths.default_db_path()\n"
        "print('platformdirs' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    expected = "False" if sys.platform == "linux" else "True"
    assert done.stdout.strip() == expected


def test_the_dashboard_loads_the_capture_code_only_when_something_was_captured(
    dana: object,
) -> None:
    """Without a scanned meeting or email, `wt today` says nothing about them and
    imports neither the capture nor the brief code to find that out."""
    modules, done = imported_modules("today")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "wintogether.domain.today" in modules
    assert not {"wintogether.domain.capture", "wintogether.domain.brief"} & modules


def test_an_unchanged_config_file_is_read_without_tomllib(dana: object) -> None:
    """The tables of the config file are kept with its text in the cache
    folder: the next command reads them back instead of importing tomllib,
    until the text changes."""
    config = Path(os.environ["WINTOGETHER_CONFIG"])
    config.write_text('[log]\nchannel = "call"\n[display]\ndate_format = "iso"\n')
    args = ("log", "dana", "Quick word", "--follow-up", "2026-12-04", "--json")
    modules, done = imported_modules(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "tomllib" in modules  # first read: parsed, and kept
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "wintogether" / "config.marshal"
    assert cache.stat().st_mode & 0o777 == 0o600
    modules, done = imported_modules(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "tomllib" not in modules
    assert json.loads(done.stdout)["channel"] == "call"  # what the file says
    config.write_text('[log]\nchannel = "email"\n')  # changed: parsed again
    modules, done = imported_modules(*args)
    assert "tomllib" in modules
    assert json.loads(done.stdout)["channel"] == "email"


@pytest.mark.parametrize("spoil", ["others-may-write", "damaged", "another-file", "a-link"])
def test_a_cache_not_trusted_is_ignored(dana: object, tmp_path: Path, spoil: str) -> None:
    """The cache is trusted only as the config file is: ours, written by no one
    else, for this very file and text; anything else means parsing again."""
    from wintogether import config

    path = Path(os.environ["WINTOGETHER_CONFIG"])
    text = '[log]\nchannel = "call"\n'
    path.write_text(text)
    assert config.load(path).log_channel == "call"  # parsed and kept
    assert config._cached(text, path) == {"log": {"channel": "call"}}
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "wintogether" / "config.marshal"
    if spoil == "others-may-write":
        cache.chmod(0o622)
    elif spoil == "damaged":
        cache.write_bytes(cache.read_bytes()[:-7])
    elif spoil == "another-file":
        other = tmp_path / "other.toml"
        other.write_text(text)
        assert config._cached(text, other) is None
        return
    else:
        target = tmp_path / "elsewhere.marshal"
        target.write_bytes(cache.read_bytes())
        cache.unlink()
        cache.symlink_to(target)
    assert config._cached(text, path) is None
    assert config.load(path).log_channel == "call"  # still read, by parsing


def test_a_config_file_marshal_cannot_hold_is_still_read(dana: object) -> None:
    """A TOML date has no place in the cache: such a file is parsed every time."""
    from wintogether import config

    path = Path(os.environ["WINTOGETHER_CONFIG"])
    text = '[log]\nchannel = "call"\nsince = 2026-01-05\n'
    path.write_text(text)
    assert config.load(path).log_channel == "call"
    assert config._cached(text, path) is None
    assert config.load(path).log_channel == "call"


def test_the_column_specs_compile_no_dataclass() -> None:
    """render/columns.py builds a view's columns at their first use, for every
    read that writes a table: its two records are written-out classes. Each
    spec is made once, and only when asked for."""
    code = (
        "import sys\n"
        "import wintogether.render.columns as c\n"
        "assert 'dataclasses' not in sys.modules, 'dataclasses'\n"
        "col = c.PROMISES.columns[0]\n"
        "assert col == c.Column('id', col.value, 'id') and hash(col) == hash(c.Column('id', col.value, 'id'))\n"
        "print(repr(col).split(',')[0])\n"
        "assert c.PROMISES is c.PROMISES and 'PROMISES' in vars(c) and 'DEALS' not in vars(c)\n"
        "from wintogether.render.columns import DEALS\n"
        "assert DEALS is c.DEALS and DEALS.names()[0] == 'id'\n"
        "try:\n"
        "    c.NOTHING\n"
        "except AttributeError:\n"
        "    pass\n"
        "else:\n"
        "    raise AssertionError('NOTHING')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "Column(name='id'"


def test_the_collector_is_off_for_start_up_and_on_for_the_command(
    dana: object, tmp_path: Path
) -> None:
    """`wt` turns the cyclic garbage collector off while it starts (cli/__init__.py)
    and on again when the command runs, with what start-up made frozen (not walked
    again); at exit it freezes what is alive. The note
    is written all the same, and the output is complete."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import gc, sys\n"
        "from wintogether.cli import app as cli_app\n"
        "seen = []\n"
        "original = cli_app.WtGroup.invoke\n"
        "def invoke(self, ctx):\n"
        "    seen.append(gc.isenabled())\n"
        "    result = original(self, ctx)\n"
        "    seen.append(gc.isenabled())\n"
        "    seen.append(gc.get_freeze_count() > 1000)\n"
        "    return result\n"
        "cli_app.WtGroup.invoke = invoke\n"
        "import atexit\n"
        "atexit.register(lambda: print('gc', seen, file=sys.stderr))\n"
        "from wintogether.cli import main\n"
        "sys.argv = ['wt', 'log', 'dana', 'Checked the collector']\n"
        "main()\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(probe)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Logged note with Dana Reyes" in done.stderr
    assert "gc [False, True, True]" in done.stderr  # start-up's objects frozen
    shown = subprocess.run(
        [sys.executable, "-m", "wintogether", "show", "dana", "--json"],
        capture_output=True, text=True, check=True, env=os.environ.copy(),
    )  # fmt: skip
    assert "Checked the collector" in shown.stdout


def test_today_does_not_import_the_contact_store(dana: object) -> None:
    """The dashboard reads whether anyone is there and the birthdays coming up
    from store/dashboard.py, not from the whole contact store; who is slipping
    reads the kept quiet days (store/quiet.py)."""
    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        make.contact("Greta Lindqvist", every="1 week", birthday="1980-11-30")
        make.log("greta", "Coffee", at="2026-09-01")
    for args in (("today",), ("today", "--json")):
        modules, done = imported_modules(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Greta Lindqvist" in done.stdout, args
        assert "wintogether.store.dashboard" in modules, args
        assert "wintogether.store.contacts" not in modules, args


def test_today_measures_text_without_unicodedata_until_a_character_needs_it(dana: object) -> None:
    """The plain writer compiles its patterns when first used and imports
    ``unicodedata`` for the first character beyond ASCII: a dashboard of ASCII
    names needs neither; a wide name is still measured as two cells each."""
    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        # Accented Latin letters take one cell each without unicodedata.
        make.contact("Zoë Müller-Łukasz", every="1 week")
        make.log("zoe", "Coffee", at="2026-09-01")
    modules, done = imported_modules("today")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Zoë Müller-Łukasz" in done.stdout
    assert "wintogether.render.plain" in modules
    assert "wintogether.dates" in modules
    # Nor contextvars: the way days are shown is a plain holder.
    assert not {"unicodedata", "contextvars"} & modules
    with Factory(Path(os.environ["WINTOGETHER_DB"])) as make:
        make.contact("山田 Hanako", every="1 week")
        make.log("hanako", "Coffee", at="2026-09-01")
    modules, done = imported_modules("today")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "unicodedata" in modules
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.startswith("rank  contact"))
    row = next(line for line in lines if "山田 Hanako" in line)
    # The two wide characters take two cells each: the next column is two
    # characters nearer than its heading.
    assert len(row[: row.index("last talked")]) + 2 == header.index("why")


def test_today_reads_the_config_without_the_file_writers(dana: object) -> None:
    """The config file is read through reading.py's ``read_regular``: once its
    parsed values are kept (the first run writes them, through files.py), `wt
    today` with a config of rhythms does not import files.py (the writers)."""
    Path(os.environ["WINTOGETHER_CONFIG"]).write_text(
        '[cadence]\ndefault = "90d"\n\n[cadence.tags]\n"customers" = "2w"\n'
    )
    modules, done = imported_modules("today")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "wintogether.files" in modules  # the parsed values kept
    modules, done = imported_modules("today")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "wintogether.reading" in modules
    assert "wintogether.files" not in modules


def test_reads_do_not_quote_their_command_line(dana: object, wt: Invoke) -> None:
    """The change journal's label ("log dana 'Renewal call'", quoted as a shell
    needs it) is made by the first journaled write: a read with arguments never
    makes it, so it never imports shlex; a write still labels its command."""
    for args in (("show", "Dana Reyes"), ("search", "renewal"), ("company", "Northwind")):
        modules, done = imported_modules(*args)
        assert done.returncode in (0, 1), done.stderr[-2000:]
        assert "shlex" not in modules, args
    wt("log", "Dana Reyes", "Call about O'Brien's renewal")
    undo = wt("undo", "--dry-run")
    assert """`wt log 'Dana Reyes' "Call about O'Brien's renewal"`""" in undo.stderr
