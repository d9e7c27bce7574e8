"""Shared fixtures: every test gets its own database, config, home and clock."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wintogether.cli.app import app

SAMPLES = Path(__file__).parent / "data" / "samples"
#: The fixed "now" of the test suite: Saturday 28 November 2026, 10:00 UTC.
NOW = "2026-11-28T10:00:00+00:00"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No test touches the real home, data directory, config or clock."""
    home = tmp_path / "home"
    home.mkdir()
    for var in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home) if var == "HOME" else str(home / var.lower()))
    monkeypatch.setenv("WINTOGETHER_DB", str(tmp_path / "wt.db"))
    monkeypatch.setenv("WINTOGETHER_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("WINTOGETHER_NOW", NOW)
    monkeypatch.setenv("TZ", "UTC")
    # Slashed dates are read in the locale's order: the same locale for every run.
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_TIME", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    time.tzset()
    yield tmp_path
    time.tzset()


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def __repr__(self) -> str:  # shown by pytest on failure
        return f"Run(exit={self.exit_code}, stdout={self.stdout!r}, stderr={self.stderr!r})"


Invoke = Callable[..., Run]


@pytest.fixture
def wt() -> Invoke:
    """Run the real CLI in-process; stdout and stderr kept apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None, ok: bool = True) -> Run:
        result = runner.invoke(app, list(args), input=input, prog_name="wt")
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        run = Run(result.exit_code, result.stdout, result.stderr)
        if ok:
            assert run.exit_code == 0, run
        return run

    return invoke


@pytest.fixture
def db(isolated: Path, wt: Invoke) -> Path:
    """An initialised, empty database at $WINTOGETHER_DB."""
    wt("init")
    return Path(os.environ["WINTOGETHER_DB"])


@pytest.fixture
def dana(db: Path, wt: Invoke) -> Path:
    """A database with Dana Reyes (#1) and Marcus O'Neil (#2)."""
    wt(
        "add",
        "Dana Reyes",
        "--company",
        "Northwind Traders",
        "--email",
        "dana.reyes@northwind.example",
        "--tag",
        "customers",
    )
    wt(
        "add",
        "Marcus O'Neil",
        "--company",
        "O'Neil Consulting",
        "--email",
        "marcus@oneil.example",
        "--tag",
        "partners",
    )
    return db


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path
