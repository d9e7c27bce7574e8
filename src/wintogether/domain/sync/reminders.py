"""Reminders on the phone: ``[sync] reminders = true``, carried out after each `wt sync`.

Two things, both written into the vdir for vdirsyncer to carry to the phone:

* **Alarms.** Each synced open promise's to-do (``promises/``) gets a VALARM
  that rings at ``[sync] reminder_time`` (09:00) local time on its due day,
  marked ``X-WINTOGETHER-ALARM`` so that an alarm set on the phone is never
  touched. A promise done, cancelled or moved has its alarm taken away or
  moved. The rewritten file's new hash goes into the sync state: the sync
  that follows sees no change (the promise's data did not change).
* **Reach out.** The five most slipping relationships get a to-do in the
  ``reminders/`` folder: "Reach out to Ana Souza (12 days, every week)", due
  today. Ticked off on the phone, it is recorded here as a conversation (a
  note "Reached out", at the time it was ticked), so the person's last touch
  moves and they stop slipping. A to-do for someone who no longer slips is
  ticked off here. Done to-dos stay a week, and the last file always stays:
  vdirsyncer refuses to sync a collection emptied at once. One deleted on
  the phone is not made again while that person keeps slipping.

What was written is remembered in ``sync_reminders`` (store/sync_reminders.py), so
a sync with nothing new reads no promise file. Turning reminders off takes
our alarms and to-dos away at the next sync.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wintogether.clock import from_utc_iso_utc, to_utc_iso
from wintogether.config import Config, clock_time
from wintogether.domain.sync.scan import sha256_hex
from wintogether.records import dataclass, field
from wintogether.store import Store
from wintogether.store import sync_reminders as rs

if TYPE_CHECKING:
    from wintogether.domain.cadence import Attention

FOLDER = "reminders"
#: How many of the most slipping relationships get a "Reach out" to-do.
TOP = 5
PREFIX = "reach-out-"
#: How a done "Reach out" to-do is remembered: "done " and the day it was done.
DONE = "done "
#: Days a done "Reach out" to-do stays in the list (ticked) before it is removed.
KEEP_DONE_DAYS = 7
REACHED_OUT = "Reached out"


@dataclass
class RemindersResult:
    alarms_set: int = 0
    alarms_removed: int = 0
    to_dos_written: int = 0
    #: Ticked off here: the person no longer slips (a conversation was logged).
    to_dos_done: int = 0
    to_dos_removed: int = 0
    #: Names of the people whose "Reach out" to-do was ticked on the phone.
    reached_out: list[str] = field(default_factory=list)
    #: (file, why) for files left alone.
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        if self.alarms_set:
            parts.append(f"{self.alarms_set} alarm{'s' if self.alarms_set != 1 else ''} set")
        if self.alarms_removed:
            parts.append(f"{self.alarms_removed} removed")
        if self.to_dos_written:
            n = self.to_dos_written
            parts.append(f"{n} reach-out to-do{'s' if n != 1 else ''} written")
        if self.to_dos_done:
            parts.append(f"{self.to_dos_done} ticked off (no longer slipping)")
        if self.to_dos_removed:
            parts.append(f"{self.to_dos_removed} removed")
        if self.reached_out:
            parts.append(f"reached out to {', '.join(self.reached_out)} (ticked on the phone)")
        return f"Reminders: {'; '.join(parts)}" if parts else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "alarms_set": self.alarms_set,
            "alarms_removed": self.alarms_removed,
            "to_dos_written": self.to_dos_written,
            "to_dos_done": self.to_dos_done,
            "to_dos_removed": self.to_dos_removed,
            "reached_out": list(self.reached_out),
            "skipped": [{"file": name, "detail": why} for name, why in self.skipped],
        }


def reminder_time(config: Config) -> time:
    hour, minute = clock_time(config.sync_reminder_time) or (9, 0)
    return time(hour, minute)


def remind(store: Store, vdir: Path, now: datetime, config: Config) -> RemindersResult | None:
    """Bring the vdir's alarms and "Reach out" to-dos in line with the settings.

    Run after a sync (not a dry run). None when reminders are off and none
    were ever written to this vdir: nothing to do, nothing read.
    """
    vdir = Path(os.path.abspath(vdir.expanduser()))
    key = str(vdir)
    enabled = config.sync_reminders
    with store.read():
        alarms = rs.load(store, key, "alarm")
        reach_outs = rs.load(store, key, "reach_out")
    if not enabled and not alarms and not reach_outs:
        return None
    result = RemindersResult()
    _alarms(store, vdir, key, enabled, reminder_time(config), now, alarms, result)
    _reach_out(store, vdir, key, enabled, config, now, reach_outs, result)
    return result


# -- alarms on promises -------------------------------------------------------------------


def _alarms(
    store: Store,
    vdir: Path,
    key: str,
    enabled: bool,
    at: time,
    now: datetime,
    known: dict[str, rs.Remembered],
    result: RemindersResult,
) -> None:
    from wintogether.dates import stored_day
    from wintogether.domain.sync.scan import MAX_FILE_BYTES
    from wintogether.files import write_many
    from wintogether.formats import ics
    from wintogether.reading import NotRegular, read_regular

    folder = vdir / "promises"
    with store.read():
        promises = rs.synced_promises(store, key)
    writes: list[tuple[str, bytes]] = []
    pending: dict[str, tuple[str, str, bool]] = {}  # file -> (uid, value, set)
    remember: list[rs.Remembered] = []
    for promise in promises:
        trigger = (
            ics.alarm_moment(stored_day(promise.due_on), at)
            if enabled and promise.status == "open"
            else None
        )
        want = to_utc_iso(trigger) if trigger is not None else ""
        seen = known.get(promise.uid)
        if seen is not None and seen.content_hash == promise.content_hash and seen.value == want:
            continue
        if seen is None and not want:
            continue  # never given an alarm here, and none is wanted
        try:
            data = read_regular(folder / promise.file_name, MAX_FILE_BYTES)
        except (OSError, NotRegular) as exc:
            why = str(exc) if isinstance(exc, NotRegular) else exc.strerror or str(exc)
            result.skipped.append((promise.file_name, why))
            continue
        text = data.decode("utf-8-sig", errors="replace")
        try:
            todo = ics.read_todo(text)
        except Exception:  # the parsers raise many kinds: all mean "unreadable"
            todo = None
        if todo is None:
            result.skipped.append((promise.file_name, "unreadable"))
            continue
        alarm = ics.alarm_text(trigger, todo["summary"]) if trigger is not None else None
        new = ics.set_alarm(text, alarm)
        if new == text:
            digest = sha256_hex(data)
            remember.append(rs.Remembered(promise.uid, promise.file_name, digest, 0, 0, want))
            continue
        writes.append((promise.file_name, new.encode("utf-8")))
        pending[promise.file_name] = (promise.uid, want, trigger is not None)
    written: dict[str, os.stat_result] = {}
    if writes:
        written, refused = write_many(folder, writes)
        result.skipped += sorted(refused.items())
    stamp = to_utc_iso(now)
    with store.write_unjournaled():
        for name, data in writes:
            if name not in written:
                continue
            uid, want, added = pending[name]
            digest = sha256_hex(data)
            info = written[name]
            rs.update_synced_file(store, key, uid, digest, info.st_size, info.st_mtime_ns)
            remember.append(rs.Remembered(uid, name, digest, 0, 0, want))
            if added:
                result.alarms_set += 1
            else:
                result.alarms_removed += 1
        rs.save(store, key, "alarm", remember, stamp)
        # Promises no longer synced (deleted, or their file gone): forget them.
        synced = {p.uid for p in promises}
        rs.drop(store, key, "alarm", [uid for uid in known if uid not in synced])


# -- "Reach out" to-dos -------------------------------------------------------------------


def to_do_summary(attention: Attention) -> str:
    """'Reach out to Ana Souza (12 days, every week)'."""
    from wintogether.dates import format_duration

    rhythm = format_duration(attention.cadence_days).removeprefix("1 ")
    since = f"{attention.days_since} days" if attention.ever_talked else "never talked"
    if attention.ever_talked and attention.days_since == 1:
        since = "1 day"
    return f"Reach out to {attention.contact.name} ({since}, every {rhythm})"


def _reach_out(
    store: Store,
    vdir: Path,
    key: str,
    enabled: bool,
    config: Config,
    now: datetime,
    known: dict[str, rs.Remembered],
    result: RemindersResult,
) -> None:
    from wintogether.files import write_many
    from wintogether.formats import ics

    folder = vdir / FOLDER
    if folder.is_symlink():  # never followed, as in the rest of the vdir
        result.skipped.append((FOLDER, "a symbolic link (not followed)"))
        return
    stamp = to_utc_iso(now)
    today = now.date().isoformat()
    gone: set[str] = set()
    # 1. What happened on the phone: ticked off, or deleted.
    ticked: dict[str, datetime] = {}
    for uid, row in known.items():
        if not row.file_name:
            continue
        state = _look(folder / row.file_name, row)
        if state == "gone":
            if row.value.startswith(DONE):
                gone.add(uid)  # a done one, cleared away on the phone
            else:  # dismissed: not made again while they slip
                row.file_name, row.content_hash, row.file_size, row.file_mtime_ns = "", "", 0, 0
        elif isinstance(state, tuple):
            text, size, mtime = state
            try:
                done, when = ics.todo_done(text)
            except Exception:  # unreadable: left alone, and so is the person
                result.skipped.append((row.file_name, "unreadable"))
                continue
            row.content_hash = sha256_hex(text.encode("utf-8"))
            row.file_size, row.file_mtime_ns = size, mtime
            if done and not row.value.startswith(DONE):
                moment = from_utc_iso_utc(when) if when else now
                ticked[uid] = min(moment.astimezone(UTC), now.astimezone(UTC))
                row.value = DONE + today
    if ticked:
        _record_reached_out(store, ticked, now, result)
    if not enabled:  # turned off: every one of ours goes
        for row in known.values():
            if row.file_name:
                _remove(folder / row.file_name)
                result.to_dos_removed += 1
        with store.write_unjournaled():
            rs.drop(store, key, "reach_out", list(known))
        return
    # 2. Who should have a to-do now.
    from wintogether.domain.cadence import most_slipping

    with store.read():
        slipping = most_slipping(store, config, now, TOP)
        uids = rs.contact_uids(store, [a.contact.id for a in slipping])
    wanted = {uids[a.contact.id]: to_do_summary(a) for a in slipping if a.contact.id in uids}
    writes: list[tuple[str, bytes]] = []
    owner: dict[str, str] = {}  # file name -> contact uid
    for uid, row in known.items():
        if uid in wanted or uid in gone:
            continue
        if not row.file_name:
            gone.add(uid)  # dismissed, and no longer slipping: forgotten
        elif not row.value.startswith(DONE):
            # No longer slipping (a call was logged): ticked off for them. The
            # file stays a while, done, so the list on the server is never
            # emptied at once (vdirsyncer refuses to sync that).
            text = ics.reach_out_todo_text(
                f"{PREFIX}{uid}", uid, row.value, now.date(), now.astimezone(UTC), None,
                done_at=now.astimezone(UTC),
            )  # fmt: skip
            writes.append((row.file_name, text.encode("utf-8")))
            owner[row.file_name] = uid
            row.value = DONE + today
            result.to_dos_done += 1
    for uid, summary in wanted.items():
        had = known.get(uid)
        if had is not None and (not had.file_name or had.value == summary):
            continue  # deleted on the phone while still slipping, or as it should be
        name = _file_name(uid)
        text = ics.reach_out_todo_text(
            f"{PREFIX}{uid}", uid, summary, now.date(), now.astimezone(UTC), None
        )
        writes.append((name, text.encode("utf-8")))
        owner[name] = uid
        known[uid] = rs.Remembered(uid, name, "", 0, 0, summary)
        result.to_dos_written += 1
    # 3. Done ones older than a week are removed, but never the last file.
    cutoff = (now.date() - timedelta(days=KEEP_DONE_DAYS)).isoformat()
    stale = sorted(
        (row.value, uid)
        for uid, row in known.items()
        if uid not in gone and row.file_name and row.value.startswith(DONE)
        and row.value.removeprefix(DONE) < cutoff and row.file_name not in owner
    )  # fmt: skip
    files = sum(1 for uid, row in known.items() if uid not in gone and row.file_name)
    for _value, uid in stale:
        if files <= 1:
            break
        _remove(folder / known[uid].file_name)
        gone.add(uid)
        files -= 1
        result.to_dos_removed += 1
    if writes:
        folder.mkdir(mode=0o700, exist_ok=True)
        written, refused = write_many(folder, writes)
        result.skipped += sorted(refused.items())
        for name, data in writes:
            row = known[owner[name]]
            if name not in written:
                row.file_name = ""
                continue
            row.content_hash = sha256_hex(data)
            row.file_size, row.file_mtime_ns = written[name].st_size, written[name].st_mtime_ns
    with store.write_unjournaled():
        rs.drop(store, key, "reach_out", sorted(gone))
        rs.save(store, key, "reach_out", [r for u, r in known.items() if u not in gone], stamp)


def _file_name(uid: str) -> str:
    from wintogether.domain.sync.scan import _file_name as safe_name

    return PREFIX + safe_name(uid, ".ics")


def _look(path: Path, row: rs.Remembered) -> str | tuple[str, int, int] | None:
    """ "gone" when the file was deleted; None when it is as we left it; else its
    text, size and mtime (read only when its size or time moved)."""
    from wintogether.domain.sync.scan import MAX_FILE_BYTES
    from wintogether.reading import NotRegular, read_regular

    try:
        info = path.lstat()
    except FileNotFoundError:
        return "gone"
    except OSError:
        return None
    if info.st_size == row.file_size and info.st_mtime_ns == row.file_mtime_ns:
        return None
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except (OSError, NotRegular):
        return None
    if sha256_hex(data) == row.content_hash:
        return None
    return data.decode("utf-8-sig", errors="replace"), info.st_size, info.st_mtime_ns


def _remove(path: Path) -> None:
    """Our to-do's file, removed (only a regular file: a link put there is left alone)."""
    try:
        if path.is_file() and not path.is_symlink():
            path.unlink()
    except OSError:
        pass


def _record_reached_out(
    store: Store, ticked: dict[str, datetime], now: datetime, result: RemindersResult
) -> None:
    """Each ticked "Reach out" to-do becomes a conversation: a note "Reached out",
    at the time it was ticked. One command in the change journal (`wt undo`)."""
    from wintogether.store import conversations as conversations_store

    stamp = to_utc_iso(now)
    with store.write("sync reminders: reached out", name="sync"):
        people = rs.contact_ids(store, list(ticked))
        for uid, (contact_id, name) in sorted(people.items(), key=lambda item: item[1][1]):
            # Never later than now, never far in the past (a phone clock gone wrong).
            when = max(ticked[uid], now.astimezone(UTC) - timedelta(days=30))
            conversations_store.insert_conversation(
                store,
                happened_at=to_utc_iso(when),
                channel="note",
                note=f"{REACHED_OUT} (ticked on the phone)",
                participant_ids=[contact_id],
                stamp=stamp,
            )
            result.reached_out.append(name)
