"""The docs are generated from the code, or checked against it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import typer

from wintogether.cli.app import app

ROOT = Path(__file__).resolve().parent.parent


def load_generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "gen_reference", ROOT / "scripts" / "gen_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def all_commands() -> list[tuple[str, object]]:
    root = typer.main.get_command(app)
    out: list[tuple[str, object]] = []

    def walk(prefix: str, group: object) -> None:
        commands = getattr(group, "commands", {})
        for name, command in commands.items():
            full = f"{prefix} {name}".strip()
            if getattr(command, "commands", None):
                walk(full, command)
            else:
                out.append((full, command))

    walk("", root)
    return out


def test_reference_is_current() -> None:
    generated = load_generator().render()
    committed = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert committed == generated, "docs/reference.md is stale: python scripts/gen_reference.py"


def test_every_command_has_help_and_an_example() -> None:
    reference = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    commands = all_commands()
    assert len(commands) >= 15
    for name, command in commands:
        help_text = getattr(command, "help", "") or ""
        assert help_text.strip(), name
        assert "Example" in help_text, f"`wt {name}` --help has no example"
        assert f"## `wt {name}`" in reference or f"`wt {name}`" in reference, name


def test_readme_says_how_a_named_database_is_created() -> None:
    """`wt --db new.db import ...` is refused until `init`: the README says why and how."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "wt --db new.db init" in readme
    assert "mistyped or moved path" in readme


def test_daily_routine_warns_that_config_set_is_shared_with_the_demo() -> None:
    page = (ROOT / "docs" / "daily-routine.md").read_text(encoding="utf-8")
    after = page[page.index("wt config set log.channel call") :]
    assert "changes your own settings too" in after
    assert "export WINTOGETHER_CONFIG=" in after


def test_readme_mentions_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "pip install -e '.[test]' && python -m pytest"
    assert test_command in readme
    assert test_command in ci
    # and the slow suite, which CI runs after it
    assert "python -m pytest -m slow" in readme
    assert "python -m pytest -m slow" in ci
    assert ci.index(test_command) < ci.index("python -m pytest -m slow")
    assert "pip install . && wt" in readme
