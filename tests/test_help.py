"""Every command's help shows its text as written: config sections keep their brackets."""

from __future__ import annotations

import re
from typing import Any

import typer

from conftest import Invoke
from wintogether.cli.app import app, literal_help
from wintogether.domain.settings import KEYS

SECTIONS = {key.split(".")[0] for key in KEYS}


def commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        if not sub.hidden:
            found += commands(sub, (*path, name))
    return found


def mentioned_sections(command: Any) -> set[str]:
    """The config sections the help text names, as ``[sync]`` (escaped for Rich)."""
    texts = [command.help or "", *(getattr(p, "help", None) or "" for p in command.params)]
    return {
        name for text in texts for name in re.findall(r"\\\[([a-z_]+)\]", text) if name in SECTIONS
    }


def test_every_help_shows_the_config_sections_it_names(wt: Invoke) -> None:
    root = typer.main.get_command(app)
    seen: dict[tuple[str, ...], set[str]] = {}
    for path, command in commands(root):
        run = wt(*path, "--help")
        shown = " ".join(run.stdout.split())
        assert "Usage: wt" in shown, path
        for section in mentioned_sections(command):
            assert f"[{section}]" in shown, (path, section, run.stdout)
        seen[path] = mentioned_sections(command)
    # The check above can fail: these helps do name sections.
    assert "summary" in seen[("summary",)]
    assert "sync" in seen[("sync",)]
    assert "backup" in seen[("backup",)]
    assert "health" in seen[("balance",)]
    assert len(seen) > 30  # every command, the groups' too


def test_summary_help_names_week_start_with_its_section(wt: Invoke) -> None:
    shown = " ".join(wt("summary", "--help").stdout.split())
    assert "unless `[summary] week_start` says otherwise" in shown
    shown = " ".join(wt("backup", "--help").stdout.split())
    assert "[backup] keep" in shown and "[default: 10]" in shown


def test_only_tag_like_brackets_are_escaped() -> None:
    assert literal_help("[sync] vdir, [default: 10]") == "\\[sync] vdir, \\[default: 10]"
    assert literal_help("a list [1, 2] and [Bold]") == "a list [1, 2] and [Bold]"
    assert literal_help("already \\[x]") == "already \\[x]"
    assert literal_help(None) is None


def test_tag_like_brackets_are_found_as_the_pattern_finds_them() -> None:
    """:func:`literal_help` scans with ``str.find``; it escapes exactly the
    brackets the pattern ``(?<!\\)\\[(?=[a-z#/@][^\\[\\]]*\\])`` matches, on
    random texts made of the characters that matter."""
    import random

    pattern = re.compile(r"(?<!\\)\[(?=[a-z#/@][^\[\]]*\])")
    rng = random.Random(16)
    alphabet = "[]\\ab#/@Z: 1-"
    texts = [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 14))) for _ in range(20_000)
    ]
    texts += ["[", "]", "[a", "[a]", "\\[a]", "[[a]", "[a[b]]", "x[/]y", "[@c] [Q]"]
    for text in texts:
        assert literal_help(text) == pattern.sub(r"\\[", text), text
