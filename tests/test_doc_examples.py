"""Every example in README.md and docs/*.md runs, and exits 0, so no example rots.

Commands are the lines of ```console and ```sh blocks that start with ``$ wt`` or
``wt`` (a trailing backslash continues a line). Only the `wt` part of a pipeline
or redirection runs. Each page runs in order, with a private HOME and config,
against its own fresh copy of the demo database; pages written for a newcomer's
own, empty database start from one, and switch to the demo where they say
``export WINTOGETHER_DB="$(wt demo --path)"`` (and back at ``unset WINTOGETHER_DB``).
A LinkedIn export named ``Connections.csv`` (the sample in tests/data) is in the
working directory.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from conftest import Invoke

ROOT = Path(__file__).resolve().parent.parent
# docs/reference.md is generated from --help: its ```console blocks are usage
# synopses (`wt add [OPTIONS] NAME`), not commands.
PAGES = [
    ROOT / "README.md",
    *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "reference.md"),
]

# Pages that begin on the reader's own, empty database.
STARTS_EMPTY = {"README.md", "first-day.md"}
USE_DEMO = 'export WINTOGETHER_DB="$(wt demo --path)"'
USE_OWN = "unset WINTOGETHER_DB"

# Pages whose shown output is checked too (line by line, paths aside): their
# examples are written against the fixed "today" of the tests, 2026-11-28.
OUTPUT_CHECKED = {"first-day.md"}

# Examples that cannot run here (the words after `wt`), each with the reason.
# Keep this list short.
SKIP = {
    "--install-completion": "changes the reader's shell start-up files",
    "merge 12 31 --dry-run": "illustrative ids: two particular duplicates",
    "merge 12 31": "illustrative ids: two particular duplicates",
    "forget Dana Reyes": "asks for confirmation on the terminal",
    "sync ~/.local/share/wintogether/vdir": "a folder set up with vdirsyncer, as sync.md describes",
    "sync": "needs sync.vdir set and a vdirsyncer folder, as sync.md describes",
}
SEPARATORS = {"|", "||", "&&", ";", ">", ">>", "2>", "<"}


def examples(page: Path) -> list[str]:
    return [command for command, _ in examples_with_output(page)]


def blocks(page: Path) -> list[list[str]]:
    """The lines of each ```console and ```sh block."""
    found: list[list[str]] = []
    current: list[str] | None = None
    for raw in page.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("```"):
            if current is None:
                current = [] if line[3:].strip() in ("console", "sh") else None
                if current is None:
                    current = ["<other>"]
            else:
                if current[:1] != ["<other>"]:
                    found.append(current)
                current = None
            continue
        if current is not None:
            current.append(line)
    return found


def examples_with_output(page: Path) -> list[tuple[str, list[str]]]:
    """Each command, and the output lines shown under it.

    A block where commands carry a ``$ `` prompt shows output on the other
    lines; in a block without prompts every line is a command (or a comment).
    """
    found: list[tuple[str, list[str]]] = []
    for block in blocks(page):
        prompted = any(line.startswith("$ ") for line in block)
        pending = ""
        for raw in block:
            line = raw
            if pending:
                line = pending + " " + raw
                pending = ""
            elif prompted and not raw.startswith("$ "):
                if found and raw:
                    found[-1][1].append(raw)
                continue
            line = line.removeprefix("$ ")
            bare = line.split(" #")[0].strip()
            if bare in (USE_DEMO, USE_OWN) or bare.startswith("mkdir -p "):
                line = bare
            elif not (line.startswith("wt ") or line == "wt"):
                continue
            if line.endswith("\\"):
                pending = line[:-1].rstrip()
                continue
            found.append((line, []))
    return found


def wt_part(line: str) -> list[str]:
    """The words of the `wt` command, up to a pipe or redirection; comments dropped."""
    words = shlex.split(line, comments=True)
    for i, word in enumerate(words):
        if word in SEPARATORS or re.fullmatch(r"\d?>>?", word):
            words = words[:i]
            break
    assert words[0] == "wt", line
    return words[1:]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database, built once; each page gets its own copy."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("demo-template")
    env = {
        **os.environ,
        "HOME": str(folder),
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "WINTOGETHER_NOW": "2026-11-28T10:00:00+00:00",
        "TZ": "UTC",
        "WINTOGETHER_CONFIG": str(folder / "none.toml"),
    }
    env.pop("WINTOGETHER_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "wintogether", "demo", "--path"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return Path(done.stdout.strip())


def test_examples_are_found() -> None:
    """The extraction itself works: the pages have runnable examples."""
    readme = examples(ROOT / "README.md")
    assert "wt demo" in readme
    assert any(line.startswith("wt followups --overdue --json | jq") for line in readme)
    first_day = examples(ROOT / "docs" / "first-day.md")
    assert any(line.startswith('wt add "Dana Reyes"') and "--every" in line for line in first_day)
    assert wt_part("wt neglected --json | jq -r '.[0].reason'") == ["neglected", "--json"]
    assert wt_part("wt show dana   # profile") == ["show", "dana"]
    assert sum(len(examples(page)) for page in PAGES) > 60


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_example_runs(
    page: Path,
    demo_template: Path,
    isolated: Path,
    wt: Invoke,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from conftest import SAMPLES

    demo = isolated / "demo.db"
    shutil.copyfile(demo_template, demo)
    demo.chmod(0o600)
    # The reader's own database is the default one (in the private HOME).
    if page.name in STARTS_EMPTY:
        monkeypatch.delenv("WINTOGETHER_DB")
    else:
        monkeypatch.setenv("WINTOGETHER_DB", str(demo))
    work = isolated / "work"
    work.mkdir()
    shutil.copyfile(SAMPLES / "linkedin_connections.csv", work / "Connections.csv")
    monkeypatch.chdir(work)
    ran = 0
    for line, shown in examples_with_output(page):
        if line == USE_DEMO:
            monkeypatch.setenv("WINTOGETHER_DB", str(demo))
            continue
        if line == USE_OWN:
            monkeypatch.delenv("WINTOGETHER_DB", raising=False)
            continue
        if line.startswith("mkdir -p "):
            for folder in shlex.split(line)[2:]:
                Path(os.path.expanduser(folder)).mkdir(parents=True, exist_ok=True)
            continue
        args = wt_part(line)
        if " ".join(args) in SKIP:
            continue
        args = [os.path.expanduser(w) if w.startswith("~/") else w for w in args]
        run = wt(*args, ok=False)
        assert run.exit_code == 0, f"{page.name}: `{line}` exited {run.exit_code}: {run.stderr}"
        if page.name in OUTPUT_CHECKED:
            printed = run.stdout + run.stderr
            for expected in shown:
                if "/home/you" not in expected:
                    assert expected in printed, f"{page.name}: `{line}` did not print {expected!r}"
        ran += 1
    # Pages about the file format and the benchmarks show no `wt` command to run.
    assert ran or page.name in ("json.md", "performance.md", "architecture.md"), (
        f"{page.name}: nothing ran"
    )


def test_the_skip_list_is_still_needed() -> None:
    everything = {
        " ".join(wt_part(line))
        for page in PAGES
        for line in examples(page)
        if line.startswith("wt")
    }
    assert set(SKIP) <= everything, set(SKIP) - everything


def test_the_index_and_the_readme_list_every_page() -> None:
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in (ROOT / "docs").glob("*.md"):
        if page.name != "index.md":
            assert f"({page.name})" in index, page.name
            assert f"(docs/{page.name})" in readme, page.name
