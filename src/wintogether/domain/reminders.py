"""`wt remind`: what needs the seller now, each reminder once; the timer that runs it.

What is due: my promises and theirs due today or overdue, birthdays today,
meetings starting within the hour (with each person's brief), and once a week
the most slipping relationships. Each reminder has a key naming its day (or its
meeting, or its week); the keys sent are remembered in ``reminders_sent``
(bookkeeping, not journaled: undoing a command must not send them again), so a
timer running every half hour says each thing once.

The timer: a systemd user service and timer (weekday mornings and every half
hour in working hours), or a crontab line where systemd is absent; written
here, never enabled or added to a crontab without the seller seeing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wintogether.clock import to_utc_iso

if TYPE_CHECKING:
    from wintogether.config import Config
    from wintogether.domain.birthdays import Birthday
    from wintogether.domain.brief import Meeting, PersonBrief
    from wintogether.domain.cadence import Attention
    from wintogether.models import Promise
    from wintogether.store import Store

#: Meetings starting this soon are reminded of.
MEETING_WINDOW = timedelta(hours=1)
#: How many slipping relationships the weekly reminder names.
SLIPPING_TOP = 5
#: Sent keys are kept this long (they name their day, so older ones never recur).
KEEP_SENT_DAYS = 60


@dataclass
class Reminders:
    """What needs attention now and was not sent yet."""

    at: datetime
    promises: list[Promise] = field(default_factory=list)
    birthdays: list[Birthday] = field(default_factory=list)
    #: Meetings within the hour, each with its people's briefs.
    meetings: list[tuple[Meeting, list[PersonBrief]]] = field(default_factory=list)
    slipping: list[Attention] = field(default_factory=list)
    slipping_total: int = 0
    #: Reminders left out because they were sent before.
    already_sent: int = 0
    keys: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.promises or self.birthdays or self.meetings or self.slipping)

    def to_json(self, words: Any) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "promises": [p.to_json() for p in self.promises],
            "birthdays": [b.to_json() for b in self.birthdays],
            "meetings": [
                {
                    "meeting": m.to_json(),
                    "people": [
                        {"contact": p.contact.ref.to_json(), "headline": words.brief_headline(p)}
                        for p in people
                    ],
                }
                for m, people in self.meetings
            ],
            "slipping": [a.to_json() for a in self.slipping],
            "already_sent": self.already_sent,
        }


def promise_key(promise: Promise, day: str) -> str:
    return f"promise:{promise.uid}:{day}"


def week_key(now: datetime) -> str:
    year, week, _ = now.astimezone().isocalendar()
    return f"slipping:{year}-W{week:02d}"


def due(store: Store, config: Config, now: datetime) -> Reminders:
    """Everything that needs attention now, less what was sent already."""
    from wintogether.clock import to_utc_iso
    from wintogether.dates import start_of_day
    from wintogether.domain import brief, cadence
    from wintogether.domain.birthdays import birthday_days, birthdays
    from wintogether.store import contacts as contacts_store
    from wintogether.store import promises as promises_store
    from wintogether.store import reminders as sent_store

    local = now.astimezone()
    today = local.date()
    day = today.isoformat()
    out = Reminders(at=now)
    with store.read():
        due_promises = promises_store.promises(store, due_on_or_before=today)
        people = contacts_store.standings(store, birthdays_on=birthday_days(today, 0))
        born = [b for b in birthdays(people, today, 0) if b.in_days == 0]
        soon = brief.meetings(store, config.capture, now, now + MEETING_WINDOW)
        soon = [m for m in soon if m.people or m.strangers]
        candidates: dict[str, list[str]] = {
            "promises": [promise_key(p, day) for p in due_promises],
            "birthdays": [f"birthday:{b.contact.id}:{day}" for b in born],
            "meetings": [f"meeting:{m.key}" for m in soon],
            "slipping": [week_key(now)],
        }
        every = [k for keys in candidates.values() for k in keys]
        sent = sent_store.sent_keys(store, every)
        out.promises = [
            p for p, k in zip(due_promises, candidates["promises"], strict=True) if k not in sent
        ]
        out.birthdays = [
            b for b, k in zip(born, candidates["birthdays"], strict=True) if k not in sent
        ]
        out.meetings = [
            (m, [brief.person(store, p.id, config, now) for p in m.people])
            for m, k in zip(soon, candidates["meetings"], strict=True)
            if k not in sent
        ]
        if week_key(now) not in sent:
            out.slipping, out.slipping_total = cadence.slipping_in(
                store, config, now, top=SLIPPING_TOP
            )
        # Reminded already today: the week's slipping list counts on the day it went.
        weekly_today = week_key(now) in sent and sent_store.sent_since(
            store, week_key(now), to_utc_iso(start_of_day(today, now.tzinfo))
        )
    out.keys = {
        "promises": [promise_key(p, day) for p in out.promises],
        "birthdays": [f"birthday:{b.contact.id}:{day}" for b in out.birthdays],
        "meetings": [f"meeting:{m.key}" for m, _ in out.meetings],
        "slipping": [week_key(now)] if out.slipping else [],
    }
    out.already_sent = len(sent - {week_key(now)}) + int(weekly_today)
    return out


def mark_sent(store: Store, keys: list[str], now: datetime) -> None:
    """Remember these reminders as sent."""
    from wintogether.store import reminders as sent_store

    with store.write_unjournaled():
        sent_store.mark_sent(store, keys, to_utc_iso(now))
        sent_store.drop_sent_before(store, to_utc_iso(now - timedelta(days=KEEP_SENT_DAYS)))


# -- the timer ------------------------------------------------------------------

UNIT_NAME = "wintogether-remind"
#: Weekday mornings at 8:00, then every half hour until 18:30 (meetings within the hour).
ON_CALENDAR = "Mon..Fri *-*-* 08..18:00,30:00"
CRON_SCHEDULE = "*/30 8-18 * * 1-5"


def _systemd_word(word: str) -> str:
    """One argument of an Exec line, quoted as systemd reads it (``%`` doubled)."""
    escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    if escaped and not any(c.isspace() or c in "\"'\\;$" for c in word):
        return escaped
    return f'"{escaped}"'


def service_unit(
    command: list[str], *, scan_first: bool, environment: dict[str, str] | None = None
) -> str:
    """The service: `wt remind` (after `wt scan` when calendars are set, its failure
    ignored), with ``environment`` (the settings file named by $WINTOGETHER_CONFIG)."""
    line = " ".join(_systemd_word(w) for w in command)
    pre = f"ExecStartPre=-{line} scan\n" if scan_first else ""
    env = "".join(
        f"Environment={_systemd_word(f'{name}={value}')}\n"
        for name, value in sorted((environment or {}).items())
    )
    return (
        "[Unit]\n"
        "Description=wintogether reminders: promises due, birthdays, meetings within the hour\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{env}"
        f"{pre}"
        f"ExecStart={line} remind\n"
    )


def timer_unit() -> str:
    return (
        "[Unit]\n"
        "Description=Run wintogether reminders on weekday mornings and every half hour"
        " in working hours\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar={ON_CALENDAR}\n"
        "Persistent=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


def crontab_line(
    command: list[str],
    *,
    scan_first: bool,
    uid: int,
    environment: dict[str, str] | None = None,
) -> str:
    """The line to add with `crontab -e` (cron has no session bus: it is named, as
    is ``environment``). Cron reads a bare ``%`` as a new line: each one is escaped.
    `wt remind --quiet`: cron mails what a job prints, and "nothing needs you" is no news."""
    import shlex

    line = shlex.join(command)
    remind = f"{line} remind --quiet"
    run = f"{line} scan >/dev/null 2>&1; {remind}" if scan_first else remind
    variables = {"DBUS_SESSION_BUS_ADDRESS": f"unix:path=/run/user/{uid}/bus"}
    variables.update(sorted((environment or {}).items()))
    env = " ".join(f"{name}={shlex.quote(value)}" for name, value in variables.items())
    return f"{CRON_SCHEDULE} " + f"{env} sh -c {shlex.quote(run)}".replace("%", "\\%")


@dataclass(frozen=True)
class TimerFiles:
    service: Path
    timer: Path


def unit_files(folder: Path) -> TimerFiles:
    return TimerFiles(folder / f"{UNIT_NAME}.service", folder / f"{UNIT_NAME}.timer")


def install(
    folder: Path,
    command: list[str],
    *,
    scan_first: bool,
    environment: dict[str, str] | None = None,
) -> TimerFiles:
    """Write the service and timer into ``folder`` (atomically; replaced when there)."""
    from wintogether.files import atomic_write

    files = unit_files(folder)
    folder.mkdir(parents=True, exist_ok=True)
    service = service_unit(command, scan_first=scan_first, environment=environment)
    atomic_write(files.service, service, overwrite=True)
    atomic_write(files.timer, timer_unit(), overwrite=True)
    return files


def uninstall(folder: Path) -> list[Path]:
    """Remove the service and timer; the files that were there."""
    files = unit_files(folder)
    removed = []
    for path in (files.timer, files.service):
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(path)
    return removed
