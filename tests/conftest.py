"""Shared fixtures: every test gets its own database, config, home and clock."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer.testing
from hypothesis import settings
from typer.testing import CliRunner

from factory import Factory
from wintogether.cli.app import app

SAMPLES = Path(__file__).parent / "data" / "samples"
#: The fixed "now" of the test suite: Saturday 28 November 2026, 10:00 UTC.
NOW = "2026-11-28T10:00:00+00:00"

# Property tests: the default run tries a few examples of each (enough to catch
# a broken property); the long variants, marked slow, keep their own larger
# counts. `HYPOTHESIS_PROFILE=slow python -m pytest` tries many more everywhere.
settings.register_profile("default", max_examples=10, deadline=None)
settings.register_profile("slow", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_configure(config: pytest.Config) -> None:
    """Temporary folders in memory where the machine has /dev/shm (and no TMPDIR is
    set). Every write command ends in an fsync; on a busy disk those syncs were most
    of the run's time, and no test here is about the disk keeping data through a
    power cut (the crash tests kill processes, which the page cache survives)."""
    shm = Path("/dev/shm")
    if (
        config.option.basetemp is None
        and "TMPDIR" not in os.environ
        and "PYTEST_DEBUG_TEMPROOT" not in os.environ
        and shm.is_dir()
        and os.access(shm, os.W_OK | os.X_OK)
    ):
        tempfile.tempdir = str(shm)
    _compile_for_children()


def _compile_for_children() -> None:
    """Compile the package once, where Python is told not to write bytecode
    (PYTHONDONTWRITEBYTECODE, ``-B``). The suite starts a few hundred child
    processes (`python -m wintogether`, crash and concurrency workers); without
    compiled files each of them compiles every module it imports from source,
    about a third of a short command's start-up. The files are checked against
    their source's hash at every import, so an edit is never run stale."""
    if not sys.flags.dont_write_bytecode:
        return  # Python writes them itself as it imports
    import importlib.util
    import py_compile

    import wintogether

    checked = (3).to_bytes(4, "little")  # hash-based, checked against the source
    for source in sorted(Path(wintogether.__file__).parent.rglob("*.py")):
        cached = importlib.util.cache_from_source(str(source))
        wanted = (
            importlib.util.MAGIC_NUMBER + checked + importlib.util.source_hash(source.read_bytes())
        )
        try:
            with open(cached, "rb") as handle:
                if handle.read(16) == wanted:
                    continue  # compiled from this very source
        except OSError:
            pass
        try:
            py_compile.compile(
                str(source),
                cfile=cached,
                quiet=2,
                invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
            )
        except OSError:
            return  # a package folder we may not write to: compiled as it is imported


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


_commands: dict[tuple[int, ...], object] = {}
_get_command = typer.testing._get_command


def _cached_command(typer_app: object) -> object:
    """Typer turns the app into a Click command on every call (half the cost of a
    short command in-process); build it once for each set of registered commands."""
    if typer_app is not app:
        return _get_command(typer_app)  # type: ignore[arg-type]
    key = tuple(map(id, [*app.registered_commands, *app.registered_groups]))
    if key not in _commands:
        _commands[key] = _get_command(app)
    return _commands[key]


@pytest.fixture
def wt(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run the real CLI in-process; stdout and stderr kept apart."""
    monkeypatch.setattr(typer.testing, "_get_command", _cached_command)
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


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One new database, created and migrated as `wt init` does, for every test to copy."""
    from wintogether.store import open_store

    path = tmp_path_factory.mktemp("template") / "wt.db"
    store, created = open_store(path, create=True)
    store.close()
    assert created and not Path(f"{path}-wal").exists()
    return path


NewDatabase = Callable[[Path], Path]


@pytest.fixture
def new_database(empty_database: Path) -> NewDatabase:
    """``new_database(path)``: a new, empty database at ``path`` as `wt init` makes
    it, in a copy's time rather than a migration's (tests of `wt init` itself run
    the command)."""

    def make(path: Path) -> Path:
        shutil.copyfile(empty_database, path)
        path.chmod(0o600)
        return path

    return make


@pytest.fixture
def db(isolated: Path, new_database: NewDatabase) -> Path:
    """An initialised, empty database at $WINTOGETHER_DB."""
    return new_database(Path(os.environ["WINTOGETHER_DB"]))


Build = Callable[..., None]


@pytest.fixture(scope="session")
def _built_files() -> dict[tuple[object, ...], Path]:
    return {}


@pytest.fixture
def built(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    _built_files: dict[tuple[object, ...], Path],
) -> Callable[..., Path]:
    """``built(build, *args)``: a copy, in this test's folder, of the database that
    ``build(path, *args)`` writes. Each build runs once per test run (the first
    test to ask for it, with that test's environment); every test gets its own copy."""

    copies = 0

    def copy(build: Build, *args: object) -> Path:
        nonlocal copies
        key = (build.__module__, build.__qualname__, *args)
        if key not in _built_files:
            path = tmp_path_factory.mktemp("built") / "built.db"
            build(path, *args)
            assert not Path(f"{path}-wal").exists(), "close the database before returning"
            _built_files[key] = path
        copies += 1
        target = tmp_path / f"built-{copies}.db"
        shutil.copyfile(_built_files[key], target)
        target.chmod(0o600)
        return target

    return copy


@pytest.fixture
def dana(
    db: Path,
    tmp_path_factory: pytest.TempPathFactory,
    _built_files: dict[tuple[object, ...], Path],
) -> Path:
    """A database with Dana Reyes (#1) and Marcus O'Neil (#2): written once for
    each clock and config the tests give it, copied for the others."""
    config = Path(os.environ["WINTOGETHER_CONFIG"])
    key = (
        "dana",
        os.environ.get("WINTOGETHER_NOW"),
        os.environ.get("TZ"),
        config.read_bytes() if config.is_file() else None,
    )
    if key in _built_files:
        shutil.copyfile(_built_files[key], db)
        return db
    with Factory(db) as make:
        make.contact(
            "Dana Reyes",
            company="Northwind Traders",
            emails=["dana.reyes@northwind.example"],
            tags=["customers"],
        )
        make.contact(
            "Marcus O'Neil",
            company="O'Neil Consulting",
            emails=["marcus@oneil.example"],
            tags=["partners"],
        )
    if not Path(f"{db}-wal").exists():  # all of it in the file: a copy is the same
        _built_files[key] = tmp_path_factory.mktemp("dana") / "dana.db"
        shutil.copyfile(db, _built_files[key])
    return db


WrittenOnce = Callable[[str, Callable[[], Path]], Path]


@pytest.fixture(scope="session")
def _written_files() -> dict[tuple[object, ...], tuple[Path, Path]]:
    return {}


@pytest.fixture
def written_once(
    isolated: Path,
    tmp_path_factory: pytest.TempPathFactory,
    _written_files: dict[tuple[object, ...], tuple[Path, Path]],
) -> WrittenOnce:
    """``written_once(name, write)``: the database ``write()`` fills, whose path (in
    this test's folder) it returns. The first test to ask for ``name`` with its
    clock, time zone and config runs ``write``; every later one gets a copy of the
    file it wrote, at the same place in its own folder, and ``write`` does not run.
    Only the database is copied: it is for fixtures whose tests read nothing else
    ``write`` leaves behind (the backups an import makes, the files it read)."""

    def reuse(name: str, write: Callable[[], Path]) -> Path:
        config = Path(os.environ["WINTOGETHER_CONFIG"])
        key = (
            name,
            os.environ.get("WINTOGETHER_NOW"),
            os.environ.get("TZ"),
            config.read_bytes() if config.is_file() else None,
        )
        if key in _written_files:
            saved, place = _written_files[key]
            path = isolated / place
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(saved, path)
            path.chmod(0o600)
            return path
        path = write()
        if not Path(f"{path}-wal").exists():  # all of it in the file: a copy is the same
            saved = tmp_path_factory.mktemp("written") / path.name
            shutil.copyfile(path, saved)
            _written_files[key] = (saved, path.relative_to(isolated))
        return path

    return reuse


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path
