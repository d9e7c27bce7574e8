"""Where the data and the configuration live."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "wintogether"


def default_db_path() -> Path:
    """``$WINTOGETHER_DB`` if set, else the platform's user data directory."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / f"{APP_NAME}.db"


def env_db_path() -> Path | None:
    value = os.environ.get("WINTOGETHER_DB")
    return Path(value).expanduser() if value else None


def config_path() -> Path:
    """``$WINTOGETHER_CONFIG`` if set, else ``config.toml`` in the user config dir."""
    value = os.environ.get("WINTOGETHER_CONFIG")
    if value:
        return Path(value).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"
