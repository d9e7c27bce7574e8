"""Every main view at 60, 80 and 160 columns, on the demo database: through the
real commands and render functions into a Rich terminal console of that width,
and as `--plain` text with $COLUMNS set. No line may be wider than the screen."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console

from conftest import Invoke

WIDTHS = (60, 80, 160)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
BOX = set("─│┌┐└┘├┤┬┴┼━┃┏┓┗┛╭╮╯╰═║╔╗╚╝")

# Command, and text each width must show (names are short enough never to wrap).
VIEWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "today": (("today",), ("Today,", "Dana")),
    "show": (("show", "dana"), ("Dana Reyes", "Northwind")),
    "followups": (("followups",), ("Dana",)),
    "neglected": (("neglected",), ("Ana Souza", "last talked")),
    "contacts": (("contacts",), ("Dana", "Marcus")),
    "summary": (("summary",), ("week",)),
}


@pytest.fixture(scope="module")
def demo_copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The first test builds the demo with `wt demo`; the others draw on a copy of it."""
    return {"folder": tmp_path_factory.mktemp("demo")}


@pytest.fixture
def demo(
    isolated: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, demo_copies: dict[str, Path]
) -> Path:
    built = demo_copies.get("built")
    if built is None:
        path = Path(wt("demo", "--path").stdout.strip())
        demo_copies["built"] = demo_copies["folder"] / path.name
        shutil.copyfile(path, demo_copies["built"])
        demo_copies["path"] = path.relative_to(isolated)
    else:
        path = isolated / demo_copies["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, path)
    monkeypatch.setenv("WINTOGETHER_DB", str(path))
    return path


def rendered_in(monkeypatch: pytest.MonkeyPatch, width: int) -> Callable[[], str]:
    """Make the commands draw into a Rich terminal console `width` columns wide."""
    from wintogether.render import base, plain

    buffer = io.StringIO()

    def console(file: Any = None, *, plain: bool = False, width_: Any = None, **_: Any) -> Console:
        return Console(file=buffer, width=width, force_terminal=True, highlight=False, markup=False)

    monkeypatch.setattr(base, "make_console", console)
    monkeypatch.setattr(plain, "plain_requested", lambda explicit, stream=None: False)
    return lambda: ANSI.sub("", buffer.getvalue())


def check_lines(text: str, width: int, expected: tuple[str, ...]) -> None:
    assert text.strip(), "nothing was drawn"
    too_wide = [line for line in text.splitlines() if cell_len(line) > width]
    assert not too_wide, too_wide[:3]
    flat = " ".join(text.split())
    for needle in expected:
        assert needle in flat, needle


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(VIEWS))
def test_rich_view_fits(
    demo: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, name: str, width: int
) -> None:
    output = rendered_in(monkeypatch, width)
    args, expected = VIEWS[name]
    run = wt(*args)
    assert run.stdout == ""  # everything went to the terminal console
    text = output()
    check_lines(text, width, expected)
    if width == 160 and name in ("followups", "contacts"):
        assert max(cell_len(line.rstrip()) for line in text.splitlines()) > 80
    if name in ("followups", "neglected", "contacts"):
        assert set(text) & BOX  # the tables are drawn, not printed as plain text


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(VIEWS))
def test_plain_view_fits(
    demo: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, name: str, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    args, expected = VIEWS[name]
    run = wt("--plain", *args)
    check_lines(run.stdout, width, expected)
    assert not set(run.stdout) & BOX, sorted(set(run.stdout) & BOX)
    assert "\x1b" not in run.stdout
    if width == 160 and name in ("followups", "contacts"):
        # The width took effect: at 80 columns these tables wrap, here they need not.
        assert max(cell_len(line) for line in run.stdout.splitlines()) > 80
    assert os.environ["COLUMNS"] == str(width)


@pytest.mark.parametrize("args", [("show", "dana"), ("history", "--since", "30 days ago")])
def test_timeline_wraps_under_its_text_not_under_the_date(
    demo: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = wt("--plain", *args).stdout.splitlines()
    stamp = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d\d:\d\d +")
    entries = [(i, match.end()) for i, line in enumerate(out) if (match := stamp.match(line))]
    assert len(entries) >= 3
    if args[0] == "show":
        # The kind column (call, gave…) starts at the same place on every entry
        # (history lines up within each day).
        assert len({column for _, column in entries}) == 1, out
    column = max(column for _, column in entries)
    following = [out[i + 1] for i, _ in entries if i + 1 < len(out)]
    wrapped = [line for line in following if line.strip() and not stamp.match(line)]
    wrapped = [line for line in wrapped if line[:1] == " "]
    assert wrapped, "at 60 columns some note wraps"
    # A wrapped note continues under its own text, past the date and the kind.
    assert all(len(line) - len(line.lstrip()) > column for line in wrapped), wrapped
