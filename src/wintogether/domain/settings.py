"""The settings behind `wt config`: what is in effect, and changing one key.

Loading and checking the file is ``wintogether.config``; this module lists
the effective settings (with where each comes from), writes the commented
template for a new file, and sets one key while keeping the file's comments.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wintogether.config import (
    WEEKDAY_NAMES,
    Config,
    from_data,
    load,
    parse,
    read_text,
)
from wintogether.errors import ConfigError
from wintogether.files import private_folder

TEMPLATE = """\
# wintogether configuration. Lines starting with # are comments.
# Durations: "10d", "2w", "3m" (90 days), "1y", "weekly", "monthly", "quarterly"...
# `wt config show` prints what is in effect; `wt config set KEY VALUE` changes one key.

[cadence]
# How often to be in touch when nothing else says.
# default = "90d"

[cadence.tags]
# Rhythms per tag; "customers/enterprise" is more specific than "customers".
# customers = "monthly"
# "customers/enterprise" = "2w"

[summary]
# The first day of a week in `wt summary`.
# week_start = "monday"

[health]
# Only receiving (or only giving) for this long makes a relationship one-sided.
# one_sided_after = "90d"

[backup]
# How many backups `wt backup` keeps.
# keep = 10

[log]
# The channel of `wt log` when --channel is not given:
# call, email, meeting, message, social, event or note.
# channel = "note"

[display]
# How days are shown: "day-month" (Fri 4 Dec), "month-day" (Fri Dec 4) or "iso" (2026-12-04).
# date_format = "day-month"

[input]
# How dates with slashes are read: "day-month" (4/5 is 4 May) or "month-day" (April 5).
# When not set: month first if date_format is "month-day" or your locale writes
# the month first (en_US), else day first.
# date_order = "day-month"

[sync]
# The folder `wt sync` uses when given none.
# vdir = "~/wt-vdir"
# true: synced open promises ring on their due day, and the five most slipping
# relationships get a "Reach out to ..." to-do (docs/sync.md#reminders-on-the-phone).
# reminders = false
# When a promise's alarm rings on its due day (24-hour clock).
# reminder_time = "09:00"

[capture]
# What `wt scan` reads, read-only (docs/capture.md). Lists, or one string with commas.
# calendars = ["~/.calendars/work", "~/exports/team.ics"]   # vdir folders, .ics files
# ignore_calendars = ["~/.calendars/work/holidays"]         # calendars never proposed
# mail = ["~/Mail/work"]                                    # Maildir folders, mbox files
# me = ["me@example.com"]                                   # my own addresses
# ignore = ["*@lists.example.com", "*@example.com"]         # addresses never proposed
# max_attendees = 8                                         # bigger meetings are skipped
# auto_touch = false                                        # true: record at scan time
"""

#: The keys `wt config set` accepts (plus ``cadence.tags.<tag>``), in display order.
KEYS = (
    "cadence.default",
    "summary.week_start",
    "health.one_sided_after",
    "backup.keep",
    "log.channel",
    "display.date_format",
    "input.date_order",
    "sync.vdir",
    "sync.reminders",
    "sync.reminder_time",
    "capture.calendars",
    "capture.ignore_calendars",
    "capture.mail",
    "capture.me",
    "capture.ignore",
    "capture.max_attendees",
    "capture.auto_touch",
)
_INTEGER_KEYS = {"backup.keep", "capture.max_attendees"}
_LIST_KEYS = {
    "capture.calendars",
    "capture.ignore_calendars",
    "capture.mail",
    "capture.me",
    "capture.ignore",
}
_BOOL_KEYS = {"capture.auto_touch", "sync.reminders"}


@dataclass(frozen=True)
class Setting:
    key: str
    value: str | int
    source: str  # "default" or "file"
    days: int | None = None  # durations, in days, for scripts

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "value": self.value, "source": self.source}
        if self.days is not None:
            data["days"] = self.days
        return data


def _raw(path: Path) -> dict[str, Any]:
    """The file's tables as plain data ({} when there is no file)."""
    text = read_text(path)
    if text is None:
        return {}
    data = parse(text, path)
    from_data(data, path)  # a broken file is reported here, naming the key and the file
    return data


def _has(data: dict[str, Any], key: str) -> bool:
    node: Any = data
    for part in _split(key):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _split(key: str) -> list[str]:
    if key.startswith("cadence.tags."):
        return ["cadence", "tags", key.removeprefix("cadence.tags.")]
    return key.split(".", 1)


def effective(path: Path) -> list[Setting]:
    """Every setting in effect, defaults included, and where each comes from."""
    from wintogether.dates import format_duration, slashed_order

    data = _raw(path)
    config = load(path)

    def source(key: str) -> str:
        return "file" if _has(data, key) else "default"

    days = format_duration
    rows = [
        Setting(
            "cadence.default",
            days(config.default_cadence_days),
            source("cadence.default"),
            config.default_cadence_days,
        ),
        Setting(
            "summary.week_start", WEEKDAY_NAMES[config.week_start], source("summary.week_start")
        ),
        Setting(
            "health.one_sided_after",
            days(config.one_sided_after_days),
            source("health.one_sided_after"),
            config.one_sided_after_days,
        ),
        Setting("backup.keep", config.backup_keep, source("backup.keep")),
        Setting("log.channel", config.log_channel, source("log.channel")),
        Setting("display.date_format", config.date_format, source("display.date_format")),
        Setting(
            "input.date_order",
            slashed_order(config.date_order, config.date_format),
            source("input.date_order"),
        ),
        Setting(
            "sync.vdir",
            str(config.sync_vdir) if config.sync_vdir else "none",
            source("sync.vdir"),
        ),
        Setting(
            "sync.reminders",
            "true" if config.sync_reminders else "false",
            source("sync.reminders"),
        ),
        Setting("sync.reminder_time", config.sync_reminder_time, source("sync.reminder_time")),
    ]
    capture = config.capture
    for key, values in (
        ("capture.calendars", [str(p) for p in capture.calendars]),
        ("capture.ignore_calendars", [str(p) for p in capture.ignore_calendars]),
        ("capture.mail", [str(p) for p in capture.mail]),
        ("capture.me", list(capture.me)),
        ("capture.ignore", list(capture.ignore)),
    ):
        rows.append(Setting(key, ", ".join(values) if values else "none", source(key)))
    rows.append(
        Setting("capture.max_attendees", capture.max_attendees, source("capture.max_attendees"))
    )
    rows.append(
        Setting(
            "capture.auto_touch",
            "true" if capture.auto_touch else "false",
            source("capture.auto_touch"),
        )
    )
    rows += [
        Setting(f"cadence.tags.{tag}", days(value), "file", value)
        for tag, value in sorted(config.tag_cadences.items())
    ]
    return rows


def create_template(path: Path) -> bool:
    """Write the commented template (0600) if there is no file; True if written."""
    try:
        private_folder(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        raise ConfigError(f"Cannot create config file {path}: {exc.strerror}.") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(TEMPLATE)
    return True


def set_value(path: Path, key: str, value: str) -> Config:
    """Set one key, checked by the same rules as loading; comments are kept.

    The file is replaced atomically (0600), and only when the new content loads.
    """
    if key not in KEYS and not (key.startswith("cadence.tags.") and len(key) > 13):
        raise ConfigError(
            f"Unknown setting '{key}'.",
            hint=f"Known settings: {', '.join(KEYS)}, cadence.tags.<tag>.",
        )
    typed: Any = value
    if key in _LIST_KEYS:
        typed = [part.strip() for part in value.split(",") if part.strip()]
    elif key in _BOOL_KEYS:
        if value.strip().lower() not in ("true", "false"):
            raise ConfigError(f"{path}: {key} must be true or false.")
        typed = value.strip().lower() == "true"
    elif key in _INTEGER_KEYS:
        try:
            typed = int(value)
        except ValueError:
            raise ConfigError(f"{path}: {key} must be a whole number of at least 1.") from None
    return _write(path, key, lambda _old: typed)


def add_to_list(path: Path, key: str, item: str) -> Config:
    """Append ``item`` to the list setting ``key`` (once), keeping comments."""
    assert key in _LIST_KEYS

    def grown(old: Any) -> list[str]:
        values = [str(v) for v in old] if isinstance(old, list) else []
        if isinstance(old, str):
            values = [v.strip() for v in old.split(",") if v.strip()]
        return values if item in values else [*values, item]

    return _write(path, key, grown)


def _write(path: Path, key: str, value: Callable[[Any], Any]) -> Config:
    """Replace one key with ``value(old)``; checked by loading before writing."""
    # tomlkit keeps comments and layout; only `wt config set` and the review need it.
    import tomlkit

    # A new file starts from the template; nothing is written before the
    # value has been checked.
    existing = read_text(path)
    try:
        doc = tomlkit.parse(existing if existing is not None else TEMPLATE)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"Config file {path} cannot be read as TOML: {exc}.") from exc
    except RecursionError:
        raise ConfigError(f"Config file {path} is nested too deeply to read.") from None
    *tables, leaf = _split(key)
    node: Any = doc
    for name in tables:
        if name not in node:
            node[name] = tomlkit.table()
        node = node[name]
        if not isinstance(node, dict):
            raise ConfigError(f"{path}: [{name}] must be a table.")
    node[leaf] = value(node.get(leaf))
    config = from_data(doc.unwrap(), path)  # the same checks as every command
    text = tomlkit.dumps(doc)
    try:
        private_folder(path.parent)
    except OSError as exc:
        raise ConfigError(f"Cannot create the folder of {path}: {exc.strerror}.") from exc
    from wintogether.files import atomic_write

    atomic_write(path, text, overwrite=True)
    return config
