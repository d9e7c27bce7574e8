"""The configuration's records (see config.py, which reads and checks the file).

Kept apart, and written out rather than dataclasses: a frozen dataclass
compiles its methods when the first one is made (1.5 to 2 ms for the two),
and `wt log` reads two settings (``config.load_values``) without building
them. ``wintogether.config.Config`` names the same class.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from wintogether.config_defaults import (
    DEFAULT_BACKUP_KEEP,
    DEFAULT_CADENCE_DAYS,
    DEFAULT_DATE_FORMAT,
    DEFAULT_LOG_CHANNEL,
    DEFAULT_MAX_ATTENDEES,
    DEFAULT_ONE_SIDED_AFTER_DAYS,
    DEFAULT_REMINDER_TIME,
)
from wintogether.frozen import Frozen


class Capture(Frozen):
    """``[capture]``: the sources `wt scan` reads and how it reads them."""

    _fields = (
        "calendars",
        "ignore_calendars",
        "mail",
        "me",
        "ignore",
        "max_attendees",
        "auto_touch",
    )

    calendars: tuple[Path, ...]
    #: Calendar folders (or .ics files) inside ``calendars`` never proposed.
    ignore_calendars: tuple[Path, ...]
    mail: tuple[Path, ...]
    me: tuple[str, ...]
    ignore: tuple[str, ...]
    max_attendees: int
    auto_touch: bool

    def __init__(
        self,
        calendars: tuple[Path, ...] = (),
        ignore_calendars: tuple[Path, ...] = (),
        mail: tuple[Path, ...] = (),
        me: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        max_attendees: int = DEFAULT_MAX_ATTENDEES,
        auto_touch: bool = False,
    ) -> None:
        self._set(
            calendars=calendars,
            ignore_calendars=ignore_calendars,
            mail=mail,
            me=me,
            ignore=ignore,
            max_attendees=max_attendees,
            auto_touch=auto_touch,
        )


class Config(Frozen):
    _fields = (
        "default_cadence_days",
        "tag_cadences",
        "path",
        "one_sided_after_days",
        "week_start",
        "backup_keep",
        "log_channel",
        "date_format",
        "date_order",
        "sync_vdir",
        "sync_reminders",
        "sync_reminder_time",
        "capture",
    )

    default_cadence_days: int
    tag_cadences: dict[str, int]
    path: Path | None
    one_sided_after_days: int
    week_start: int  # 0 = Monday, as date.weekday()
    backup_keep: int
    log_channel: str
    date_format: str
    #: How slashed dates are read; None: from date_format and the locale.
    date_order: str | None
    sync_vdir: Path | None
    #: ``[sync] reminders``: alarms on synced promises and "Reach out" to-dos.
    sync_reminders: bool
    #: ``[sync] reminder_time``: "HH:MM", the alarm's time on the due day.
    sync_reminder_time: str
    capture: Capture

    def __init__(
        self,
        default_cadence_days: int = DEFAULT_CADENCE_DAYS,
        tag_cadences: dict[str, int] | None = None,
        path: Path | None = None,
        one_sided_after_days: int = DEFAULT_ONE_SIDED_AFTER_DAYS,
        week_start: int = 0,
        backup_keep: int = DEFAULT_BACKUP_KEEP,
        log_channel: str = DEFAULT_LOG_CHANNEL,
        date_format: str = DEFAULT_DATE_FORMAT,
        date_order: str | None = None,
        sync_vdir: Path | None = None,
        sync_reminders: bool = False,
        sync_reminder_time: str = DEFAULT_REMINDER_TIME,
        capture: Capture | None = None,
    ) -> None:
        self._set(
            default_cadence_days=default_cadence_days,
            tag_cadences={} if tag_cadences is None else tag_cadences,
            path=path,
            one_sided_after_days=one_sided_after_days,
            week_start=week_start,
            backup_keep=backup_keep,
            log_channel=log_channel,
            date_format=date_format,
            date_order=date_order,
            sync_vdir=sync_vdir,
            sync_reminders=sync_reminders,
            sync_reminder_time=sync_reminder_time,
            capture=Capture() if capture is None else capture,
        )

    @cached_property
    def _lowered_tag_cadences(self) -> dict[str, tuple[str, int]]:
        # Built once per config, not once per contact: ranking 10,000 contacts
        # calls cadence_for_tags 10,000 times.
        return {key.casefold(): (key, days) for key, days in self.tag_cadences.items()}

    def cadence_for_tag(self, tag: str) -> tuple[int, str] | None:
        """The rhythm one tag gives, and its config key: the most specific entry
        (``customers/enterprise`` before ``customers``), or None."""
        parts = tag.casefold().split("/")
        lowered = self._lowered_tag_cadences
        for depth in range(len(parts), 0, -1):
            hit = lowered.get("/".join(parts[:depth]))
            if hit:
                return hit[1], hit[0]
        return None

    def cadence_for_tags(self, tags: list[str]) -> tuple[int, str]:
        """The cadence a contact inherits from its tags, and where it came from.

        For each tag the most specific configured entry wins. When several tags
        have a rhythm, the shortest one applies: the most demanding rhythm is the
        one the relationship must keep (equal rhythms: the first key in order).
        """
        hits = [hit for tag in tags if (hit := self.cadence_for_tag(tag)) is not None]
        if not hits:
            return self.default_cadence_days, "default"
        days, key = min(hits)
        return days, f"tag {key}"
