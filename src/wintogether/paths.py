"""Where the data and the configuration live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "wintogether"


def expand(value: str | os.PathLike[str], where: str, error: type[Exception] | None = None) -> Path:
    """``value`` with a leading ``~`` made the home folder (``~user``: that user's).
    A user this computer does not know is one clear error naming ``where`` (the
    option or setting), not a traceback."""
    try:
        return Path(value).expanduser()
    except RuntimeError:
        from wintogether.errors import InvalidValue

        head = str(value).replace(os.sep, "/").split("/", 1)[0]
        raise (error or InvalidValue)(
            f"{where}: {str(value)!r} starts with {head}, but this computer has no such"
            " user's home folder."
        ) from None


def default_db_path() -> Path:
    """The database in the platform's user data directory: used when neither
    ``--db`` nor ``$WINTOGETHER_DB`` (see :func:`env_db_path`) names one."""
    folder = _linux_folder("XDG_DATA_HOME", "~/.local/share")
    if folder is None:
        from platformdirs import user_data_path

        try:
            folder = user_data_path(APP_NAME, appauthor=False)
        except RuntimeError:  # platformdirs, when it finds no home folder
            folder = Path("~")
    return _absolute(folder / f"{APP_NAME}.db", "--db")


def env_db_path() -> Path | None:
    """``$WINTOGETHER_DB`` if set (it wins over the default, ``--db`` over it)."""
    value = os.environ.get("WINTOGETHER_DB")
    return expand(value, "WINTOGETHER_DB") if value else None


def config_path() -> Path:
    """``$WINTOGETHER_CONFIG`` if set, else ``config.toml`` in the user config dir."""
    value = os.environ.get("WINTOGETHER_CONFIG")
    if value:
        return expand(value, "WINTOGETHER_CONFIG")
    folder = _linux_folder("XDG_CONFIG_HOME", "~/.config")
    if folder is None:
        from platformdirs import user_config_path

        try:
            folder = user_config_path(APP_NAME, appauthor=False)
        except RuntimeError:  # platformdirs, when it finds no home folder
            folder = Path("~")
    return _absolute(folder / "config.toml", None)


def cache_folder() -> Path | None:
    """Our folder in the user's cache folder, where it is known without
    importing platformdirs (see :func:`_linux_folder`); None elsewhere."""
    return _linux_folder("XDG_CACHE_HOME", "~/.cache")


def _linux_folder(variable: str, default: str) -> Path | None:
    """The folder platformdirs gives on Linux, in the two plain cases, without
    importing it (a few milliseconds on every command): ``$XDG_..._HOME`` when
    it is an absolute path, else ``default`` under an absolute ``$HOME``. None
    in every other case (another system, Android, no usable home), where
    platformdirs decides. tests/test_startup_imports.py compares the two."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel"):
        return None
    if os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system":
        return None
    value = os.environ.get(variable, "")
    if os.path.isabs(value):
        return Path(value, APP_NAME)
    home = os.environ.get("HOME", "")
    if os.path.isabs(home):
        return Path(os.path.expanduser(default), APP_NAME)
    return None


def _absolute(path: Path, option: str | None) -> Path:
    """``path`` if it is absolute: without a home folder ($HOME unset and no
    account entry) the platform's folders come out relative, which would put
    the data wherever the command happens to run."""
    if path.is_absolute():
        return path
    from wintogether.errors import UserError

    env = "WINTOGETHER_DB" if option else "WINTOGETHER_CONFIG"
    named = f"--db or ${env}" if option else f"${env}"
    raise UserError(
        "Cannot tell where your home folder is ($HOME is not set).",
        hint=f"Set HOME, or name the file with {named}.",
    )
