"""The user's configuration file (TOML).

Example::

    [cadence]
    default = "90d"          # how often to be in touch when nothing else says

    [cadence.tags]           # per-tag rhythms; "a/b" is more specific than "a"
    customers = "monthly"
    "customers/enterprise" = "2w"

    [health]
    one_sided_after = "90d"  # receiving (or giving) only for this long is one-sided

    [summary]
    week_start = "monday"    # the first day of a week in `wt summary`

    [backup]
    keep = 10                # how many automatic/default backups to keep

    [log]
    channel = "note"         # the channel of `wt log` when --channel is not given

    [display]
    date_format = "day-month"  # "Fri 4 Dec"; "month-day" gives "Fri Dec 4"; "iso"

    [input]
    date_order = "day-month"   # 4/5 is 4 May; "month-day" reads it as April 5

    [sync]
    vdir = "~/wt-vdir"       # the folder `wt sync` uses when given none
    reminders = false        # true: alarms on synced promises, "Reach out to ..." to-dos
    reminder_time = "09:00"  # when a promise's alarm rings on its due day

    [capture]                # what `wt scan` reads (see docs/capture.md)
    calendars = ["~/.calendars/work", "~/exports/team.ics"]
    ignore_calendars = []    # calendars never proposed (wt review: never for this calendar)
    mail = ["~/Mail/work"]   # Maildir folders and mbox files
    me = ["dana.seller@example.com"]
    ignore = ["*@lists.example.com"]
    max_attendees = 8        # a bigger meeting is not a conversation
    auto_touch = false       # true: record the touch at scan time
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wintogether.config_defaults import (
    DEFAULT_BACKUP_KEEP,
    DEFAULT_CADENCE_DAYS,
    DEFAULT_DATE_FORMAT,
    DEFAULT_LOG_CHANNEL,
    DEFAULT_MAX_ATTENDEES,
    DEFAULT_ONE_SIDED_AFTER_DAYS,
    DEFAULT_REMINDER_TIME,
)
from wintogether.errors import ConfigError, InvalidDuration, UserError
from wintogether.paths import expand

if TYPE_CHECKING:
    # Named here as before (``from wintogether.config import Config``); loaded
    # when first named (see ``__getattr__`` below).
    from wintogether.config_record import Capture as Capture  # noqa: PLC0414
    from wintogether.config_record import Config as Config  # noqa: PLC0414

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


#: A config file is a few hundred bytes; anything over this is not one.
MAX_CONFIG_BYTES = 1_000_000


def read_text(path: Path) -> str | None:
    """The config file's text, or None when there is none.

    Refused with a one-line error: a FIFO or device (never opened), a file
    over 1 MB, and a file or folder that other users may write to (they could
    swap the file and point ``[sync] vdir`` at a folder of theirs).
    """
    from wintogether.reading import NotRegular, check_regular, read_regular

    try:
        check_regular(path)
        _check_not_shared(path)
        raw = read_regular(path, MAX_CONFIG_BYTES, follow=True)
    except FileNotFoundError:
        return None
    except NotRegular as exc:
        raise ConfigError(f"Config file {path} is {exc}: refusing to read it.") from exc
    except OSError as exc:
        raise ConfigError(f"Cannot read config file {path}: {exc.strerror}.") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid UTF-8: {exc.reason}.") from exc


def _check_not_shared(path: Path) -> None:
    """Refuse a config file, or its folder, that others may write to."""
    import stat

    for item, what in ((path, "file"), (path.parent, "folder")):
        mode = item.stat().st_mode
        # A sticky folder (like /tmp) lets others add files, not replace ours.
        shared = mode & stat.S_IWOTH and not (what == "folder" and mode & stat.S_ISVTX)
        if shared:
            raise ConfigError(
                f"Config {what} {item} can be changed by other users; refusing to read it.",
                hint=f"Fix it with: chmod o-w {item}",
            )


def parse(text: str, path: Path) -> dict[str, Any]:
    """The file's tables; a syntax error names the file.

    The tables of the last file read are kept in the cache folder with its
    text (see :func:`_cached`): when the text is the same, they are read back
    instead of parsed, and tomllib (2 ms of regular expressions to compile) is
    not imported. Every command reads the file to know how to show dates.
    """
    cached = _cached(text, path)
    if cached is not None:
        return cached
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid TOML: {exc}.") from exc
    except RecursionError:
        raise ConfigError(f"Config file {path} is nested too deeply to read.") from None
    _keep(text, path, data)
    return data


#: Changes whenever what the cache holds changes shape.
_CACHE_FORMAT = 1
_CACHE_NAME = "config.marshal"


def _cache_key(path: Path) -> tuple[int, str, str]:
    import sys

    return _CACHE_FORMAT, sys.version, str(path)


def _cached(text: str, path: Path) -> dict[str, Any] | None:
    """The tables kept for exactly this text of this file, or None.

    The cache is trusted as the config file is: a regular file (not a link)
    owned by the user and writable by nobody else, in a folder of theirs that
    nobody else may write to. Anything else, or anything unexpected inside, is
    ignored and the file parsed again.
    """
    import marshal
    import stat

    from wintogether.paths import cache_folder

    folder = cache_folder()
    if folder is None:
        return None
    cache = folder / _CACHE_NAME
    try:
        for item, kind in ((folder, stat.S_ISDIR), (cache, stat.S_ISREG)):
            info = os.lstat(item)
            if not kind(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
                return None
        from wintogether.reading import read_regular

        blob = read_regular(cache, MAX_CONFIG_BYTES * 4, follow=False)
        # Our own file, checked above as the config file is checked.
        kept = marshal.loads(blob)  # noqa: S302
    except Exception:  # missing, unreadable, damaged, from another Python: parse
        return None
    if (
        isinstance(kept, tuple)
        and len(kept) == 3
        and kept[0] == _cache_key(path)
        and kept[1] == text
        and isinstance(kept[2], dict)
    ):
        return kept[2]
    return None


def _keep(text: str, path: Path, data: dict[str, Any]) -> None:
    """Keep the tables of ``text`` for the next command (see :func:`_cached`);
    silently nothing when they cannot be kept (a date in the file, which
    marshal does not hold, or a cache folder that cannot be written)."""
    import marshal

    from wintogether.paths import cache_folder

    folder = cache_folder()
    if folder is None:
        return
    try:
        blob = marshal.dumps((_cache_key(path), text, data))
    except ValueError:
        return
    from wintogether.files import atomic_write, private_folder

    try:
        private_folder(folder)
        atomic_write(folder / _CACHE_NAME, blob, overwrite=True)
    except (OSError, UserError):
        return


def load(path: Path) -> Config:
    """Read the config file; a missing file means the defaults."""
    return record(load_values(path), path)


def record(values: dict[str, Any] | None, path: Path) -> Config:
    """The :class:`Config` of ``values`` (from :func:`load_values`; None: the defaults)."""
    from wintogether.config_record import Capture, Config

    if values is None:
        return Config(path=path)
    return Config(**{**values, "capture": Capture(**values["capture"])})


def load_values(path: Path) -> dict[str, Any] | None:
    """The file's settings, every one checked, as :class:`Config` takes them
    (``capture`` as :class:`Capture` takes it); None when there is no file.

    For a command that needs two of them (`wt log`: how to show days, the
    channel): the two records cost a millisecond of start-up to define.
    """
    # tomllib is imported only in parse, and only when the file changed:
    # it compiles regexes.
    text = read_text(path)
    if text is None:
        return None
    return checked(parse(text, path), path)


def from_data(data: dict[str, Any], path: Path) -> Config:
    """Check the parsed file and build the Config; errors name the key and the file."""
    return record(checked(data, path), path)


def checked(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Check the parsed file: the settings as :class:`Config` takes them, ``capture``
    as :class:`Capture` takes it; errors name the key and the file."""
    from wintogether.dates import parse_duration

    cadence = data.get("cadence", {})
    if not isinstance(cadence, dict):
        raise ConfigError(f"{path}: [cadence] must be a table.")

    def duration(key: str, value: object) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        if isinstance(value, str):
            try:
                return parse_duration(value)
            except InvalidDuration as exc:
                raise ConfigError(f"{path}: {key}: {exc.message}", hint=exc.hint) from exc
        raise ConfigError(f'{path}: {key} must be a duration such as "30d" or "monthly".')

    default = DEFAULT_CADENCE_DAYS
    if "default" in cadence:
        default = duration("cadence.default", cadence["default"])
    tags_table = cadence.get("tags", {})
    if not isinstance(tags_table, dict):
        raise ConfigError(f"{path}: [cadence.tags] must be a table.")
    tags = {str(k): duration(f"cadence.tags.{k}", v) for k, v in tags_table.items()}
    backup = data.get("backup", {})
    keep = backup.get("keep", DEFAULT_BACKUP_KEEP) if isinstance(backup, dict) else None
    if not isinstance(keep, int) or isinstance(keep, bool) or keep < 1:
        raise ConfigError(f"{path}: [backup] keep must be a whole number of at least 1.")
    one_sided, week_start = _health_and_summary(data, path, duration)
    channel, date_format = _log_and_display(data, path)
    sync = data.get("sync", {})
    vdir = sync.get("vdir") if isinstance(sync, dict) else None
    if not isinstance(sync, dict) or (
        vdir is not None and not (isinstance(vdir, str) and vdir and "\x00" not in vdir)
    ):
        raise ConfigError(f'{path}: [sync] vdir must be a folder name such as "~/wt-vdir".')
    reminders = sync.get("reminders", False)
    if not isinstance(reminders, bool):
        raise ConfigError(f"{path}: sync.reminders must be true or false.")
    reminder_time = sync.get("reminder_time", DEFAULT_REMINDER_TIME)
    if not isinstance(reminder_time, str) or clock_time(reminder_time) is None:
        raise ConfigError(
            f'{path}: sync.reminder_time must be a time of day such as "09:00" or "17:30".'
        )
    return dict(
        default_cadence_days=default,
        tag_cadences=tags,
        path=path,
        one_sided_after_days=one_sided,
        week_start=week_start,
        backup_keep=keep,
        log_channel=channel,
        date_format=date_format,
        date_order=_date_order(data, path),
        sync_vdir=expand(vdir, f"{path}: sync.vdir", ConfigError) if vdir else None,
        sync_reminders=reminders,
        sync_reminder_time=reminder_time.strip(),
        capture=_capture(data, path),
    )


def clock_time(text: str) -> tuple[int, int] | None:
    """``"09:00"`` -> (9, 0); None when it is not a time of day (24-hour clock)."""
    hours, colon, minutes = text.strip().partition(":")
    if not (colon and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        return None
    if not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59 and len(hours) <= 2):
        return None
    return int(hours), int(minutes)


def _capture(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """``[capture]``: lists may be written as one comma-separated string."""
    table = data.get("capture", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [capture] must be a table.")

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or not all(
            isinstance(v, str) and "\x00" not in v for v in value
        ):
            raise ConfigError(f'{path}: capture.{key} must be a list of text, such as ["a", "b"].')
        return tuple(v.strip() for v in value if v.strip())

    most = table.get("max_attendees", DEFAULT_MAX_ATTENDEES)
    if not isinstance(most, int) or isinstance(most, bool) or most < 1:
        raise ConfigError(f"{path}: capture.max_attendees must be a whole number of at least 1.")
    auto = table.get("auto_touch", False)
    if isinstance(auto, str) and auto.strip().lower() in ("true", "false"):
        auto = auto.strip().lower() == "true"
    if not isinstance(auto, bool):
        raise ConfigError(f"{path}: capture.auto_touch must be true or false.")
    return dict(
        calendars=tuple(
            expand(p, f"{path}: capture.calendars", ConfigError) for p in strings("calendars")
        ),
        ignore_calendars=tuple(
            expand(p, f"{path}: capture.ignore_calendars", ConfigError)
            for p in strings("ignore_calendars")
        ),
        mail=tuple(expand(p, f"{path}: capture.mail", ConfigError) for p in strings("mail")),
        me=tuple(m.lower() for m in strings("me")),
        ignore=strings("ignore"),
        max_attendees=most,
        auto_touch=auto,
    )


def _health_and_summary(
    data: dict[str, Any], path: Path, duration: Callable[[str, object], int]
) -> tuple[int, int]:
    """``[health] one_sided_after`` and ``[summary] week_start``."""
    health = data.get("health", {})
    summary = data.get("summary", {})
    if not isinstance(health, dict) or not isinstance(summary, dict):
        raise ConfigError(f"{path}: [health] and [summary] must be tables.")
    one_sided = DEFAULT_ONE_SIDED_AFTER_DAYS
    if "one_sided_after" in health:
        one_sided = duration("health.one_sided_after", health["one_sided_after"])
    week_start = 0
    if "week_start" in summary:
        name = str(summary["week_start"]).strip().lower()
        matches = [i for i, day in enumerate(WEEKDAY_NAMES) if name and day.startswith(name)]
        if len(name) < 3 or len(matches) != 1:
            raise ConfigError(f'{path}: summary.week_start must be a weekday such as "monday".')
        week_start = matches[0]
    return one_sided, week_start


def _log_and_display(data: dict[str, Any], path: Path) -> tuple[str, str]:
    """``[log] channel`` and ``[display] date_format``."""
    from wintogether.dates import DATE_FORMATS
    from wintogether.models import CHANNEL_WORDS, CHANNELS

    log = data.get("log", {})
    display = data.get("display", {})
    if not isinstance(log, dict) or not isinstance(display, dict):
        raise ConfigError(f"{path}: [log] and [display] must be tables.")
    channel = log.get("channel", DEFAULT_LOG_CHANNEL)
    if isinstance(channel, str):
        channel = CHANNEL_WORDS.get(channel.strip().lower(), channel)
    if not isinstance(channel, str) or channel.strip().lower() not in CHANNELS:
        raise ConfigError(f"{path}: log.channel must be one of: {', '.join(CHANNELS)}.")
    date_format = display.get("date_format", DEFAULT_DATE_FORMAT)
    if not isinstance(date_format, str) or date_format.strip().lower() not in DATE_FORMATS:
        raise ConfigError(f"{path}: display.date_format must be one of: {', '.join(DATE_FORMATS)}.")
    return channel.strip().lower(), date_format.strip().lower()


def _date_order(data: dict[str, Any], path: Path) -> str | None:
    """``[input] date_order``, or None when not set."""
    from wintogether.dates import DATE_ORDERS

    table = data.get("input", {})
    order = table.get("date_order") if isinstance(table, dict) else None
    if not isinstance(table, dict) or (
        order is not None
        and (not isinstance(order, str) or order.strip().lower() not in DATE_ORDERS)
    ):
        raise ConfigError(f"{path}: input.date_order must be one of: {', '.join(DATE_ORDERS)}.")
    return order.strip().lower() if order is not None else None


def __getattr__(name: str) -> Any:
    # The records are defined in config_record.py, loaded when first named.
    if name in ("Capture", "Config"):
        from wintogether import config_record

        value = getattr(config_record, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
