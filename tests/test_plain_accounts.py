"""`wt company`, `wt companies` and `wt path` in a pipe are written without Rich
(render/plain_accounts.py) and say exactly what Rich said, at every width: where
Rich would cut a cell, Rich draws it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import Invoke
from test_plain_pipe import demo, demo_copy, drawn_by_rich

__all__ = ["demo", "demo_copy"]  # the fixtures, shared with test_plain_pipe

VIEWS = [
    ("company", "northwind"),
    ("company", "northwind", "--limit", "1"),
    ("company", "contoso"),
    ("companies",),
    ("companies", "--sort", "people"),
    ("path", "northwind"),
    ("path", "Dana Reyes"),
    ("path", "northwind", "--limit", "2"),
]


@pytest.fixture
def account(demo: Path, wt: Invoke) -> Path:
    # An alias, a second account person, and a former employee's company text.
    wt("add", "Sam Okafor", "--company", "NWT", "--title", "Data Engineer", "--role", "user")
    wt("company", "merge", "Northwind Traders", "NWT")
    wt("log", "Sam Okafor", "Kick-off with the data team", "--with", "Dana Reyes")
    return demo


@pytest.mark.parametrize("width", [250, 80, 60, 36])
def test_the_plain_writer_says_what_rich_said(
    account: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    restore = drawn_by_rich(monkeypatch)
    before = {args: wt(*args) for args in VIEWS}
    restore()
    for args in VIEWS:
        after = wt(*args)
        assert after.stdout.strip(), args
        assert after.stdout == before[args].stdout, args
        assert after.stderr == before[args].stderr, args


def test_a_pipe_does_not_need_rich(account: Path, wt: Invoke, monkeypatch: Any) -> None:
    """At a usual width every view is written by the plain writer (Rich is not asked)."""

    def no_rich(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("Rich was asked to draw")

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr("wintogether.render.base.make_console", no_rich)
    for args in VIEWS:
        assert wt(*args).stdout.strip(), args
