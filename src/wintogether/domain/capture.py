"""Capture without typing: meetings and mail become proposed conversations.

`wt scan` reads the calendars and mail folders of ``[capture]`` (never writing
to them), matches the people in them to contacts by email, and queues one
proposal per meeting occurrence and per mail thread and day. `wt review`
turns a proposal into a conversation, skips it, or stops proposing a person.

Reading is incremental: each calendar file and mail folder remembers what was
read (size and mtime, the offset reached in an mbox, the newest Maildir file),
so a re-scan with nothing new reads almost nothing. Folders are walked
without following symbolic links; FIFOs, devices, oversized and malformed
files are skipped and counted, never fatal.
"""

from __future__ import annotations

import fnmatch
import os
import stat
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wintogether.clock import from_utc_iso, to_utc_iso
from wintogether.errors import InvalidValue, NotFound
from wintogether.models import ContactRef

if TYPE_CHECKING:
    from wintogether.config import Capture
    from wintogether.formats.mail import Message
    from wintogether.store import Store

#: The window of a first scan when --since is not given.
FIRST_SCAN_DAYS = 30
#: A scan after a long break reads from the last scan, at most this far back.
LONGEST_BREAK_DAYS = 365
#: Mail folders and mbox files that hold no mail sent or received (Maildir++
#: names without their dot, Thunderbird's and Outlook's names; any case).
NOT_MAIL = frozenset(
    {"drafts", "draft", "templates", "trash", "deleted items", "deleted messages", "bin",
     "junk", "junk e-mail", "junk email", "spam", "bulk mail"}
)  # fmt: skip
#: Maildir flags (after ``:2,``) of a message not sent or received: a draft, one in the bin.
_UNSENT_FLAGS = frozenset("DT")
#: How far apart two file times may be and still be the same moment to the file
#: system (its clock is coarse: a few milliseconds, a second or two on some).
_SAME_TICK_NS = 2_000_000_000
#: How far ahead a scan copies meetings (for `wt brief`, `wt today`, `wt remind`).
AHEAD_DAYS = 14
MAX_ICS_BYTES = 20 * 1024 * 1024
#: Folders are walked this deep looking for Maildirs, mbox files and .ics files.
MAX_DEPTH = 4
#: Addresses that are never a person.
AUTOMATIC = ("noreply@*", "no-reply@*", "donotreply@*", "do-not-reply@*", "mailer-daemon@*",
             "postmaster@*", "notifications@*", "calendar-notification@*")  # fmt: skip
_GMAIL = ("gmail.com", "googlemail.com")


def normalize_email(email: str) -> str:
    """Lower case; for Gmail also without dots and +tags (the provider ignores them)."""
    email = email.strip().lower()
    local, _, domain = email.rpartition("@")
    if domain in _GMAIL:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


@dataclass
class ScanResult:
    meetings: int = 0
    emails: int = 0
    updated: int = 0
    touched: int = 0
    sources: int = 0
    #: Why files were skipped, and how many: "symbolic link": 2, ...
    skipped: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def to_json(self) -> dict[str, Any]:
        return {
            "proposed_meetings": self.meetings,
            "proposed_email_threads": self.emails,
            "updated_threads": self.updated,
            "recorded": self.touched,
            "sources": self.sources,
            "skipped": dict(sorted(self.skipped.items())),
            "missing_sources": self.missing,
        }


@dataclass(frozen=True)
class Proposal:
    id: int
    kind: str  # meeting or email
    direction: str  # "to", "from" or "" (meetings)
    happened_at: datetime
    last_at: datetime
    subject: str
    messages: int
    people: list[ContactRef]
    status: str
    conversation_id: int | None
    #: The calendar file or mail folder it was read from.
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "direction": self.direction or None,
            "happened_at": self.happened_at.isoformat(),
            "last_at": self.last_at.isoformat(),
            "subject": self.subject,
            "messages": self.messages if self.kind == "email" else None,
            "people": [p.to_json() for p in self.people],
            "status": self.status,
            "conversation_id": self.conversation_id,
        }


class _Matcher:
    """Who is who: me, ignored addresses, contacts by any of their emails."""

    def __init__(self, store: Store, settings: Capture) -> None:
        from wintogether.store import capture as sql

        self.contacts: dict[str, int] = {}
        for email, contact_id in sql.email_index(store):
            self.contacts.setdefault(normalize_email(email), contact_id)
        self.never = sql.never_ids(store)
        self.me = {normalize_email(m) for m in settings.me}
        self.patterns = [p.lower() for p in (*AUTOMATIC, *settings.ignore)]

    def is_me(self, email: str) -> bool:
        return normalize_email(email) in self.me

    def ignored(self, email: str) -> bool:
        return any(fnmatch.fnmatchcase(email, p) for p in self.patterns)

    def contact(self, email: str) -> int | None:
        return self.contacts.get(normalize_email(email))


class _Scan:
    def __init__(self, store: Store, settings: Capture, now: datetime, since: datetime | None):
        self.store = store
        self.settings = settings
        self.now = now
        self.since = since
        self.forced = since is not None
        self.default_start = since or _default_start(store, now)
        self.ignored_calendars = {_canonical(p) for p in settings.ignore_calendars}
        self.match = _Matcher(store, settings)
        self.stamp = to_utc_iso(now)
        self.result = ScanResult()
        self.new_ids: list[int] = []
        self.ahead = now + timedelta(days=AHEAD_DAYS)
        from wintogether.dates import start_of_day

        #: Meetings from the start of today are kept: `wt brief --today` shows them all.
        self.today_start = start_of_day(now.astimezone().date(), now.tzinfo)
        self.upcoming: list[Any] = []
        self._proposed: set[str] | None = None
        #: Message-ID -> the first message of its thread, for the messages read,
        #: and (read once, when a reply names only its parent) for those earlier
        #: scans proposed.
        self.threads: dict[str, str] = {}
        self._earlier_threads: dict[str, str] | None = None
        #: The calendar files read or found unchanged: the meetings copied from
        #: any other (deleted, or no longer in the settings) are dropped.
        self.calendar_files: set[str] = set()

    def proposed_messages(self) -> set[str]:
        """Every Message-ID a proposal holds (read once, for re-reads)."""
        if self._proposed is None:
            from wintogether.store import capture as sql

            self._proposed = sql.proposed_items(self.store, "email")
        return self._proposed

    # -- walking folders safely -------------------------------------------

    def _walk(self, folder: Path, depth: int = 0) -> Iterator[os.DirEntry[str]]:
        """Regular files under ``folder``; links, FIFOs and devices are counted, not opened."""
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            self.result.skip("unreadable folder")
            return
        for entry in entries:
            # Hidden files are skipped; Maildir++ subfolders (.Sent, .Archive) are not.
            if entry.name.startswith(".") and not entry.is_dir(follow_symlinks=False):
                continue
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                self.result.skip("unreadable file")
                continue
            if stat.S_ISLNK(mode):
                self.result.skip("symbolic link")
            elif stat.S_ISDIR(mode):
                if depth < MAX_DEPTH:
                    yield from self._walk(Path(entry.path), depth + 1)
            elif stat.S_ISREG(mode):
                yield entry
            else:
                self.result.skip("special file")

    # -- calendars -------------------------------------------------------

    def calendar_source(self, root: Path) -> None:
        if not root.exists():
            self.result.missing.append(str(root))
            return
        self.result.sources += 1
        if _canonical(root) in self.ignored_calendars:
            return
        if root.is_dir():
            for entry in self._walk(root):
                if not entry.name.lower().endswith(".ics"):
                    continue
                path = Path(entry.path)
                if _canonical(path.parent) in self.ignored_calendars:
                    continue
                self.ics_file(path, entry.stat(follow_symlinks=False))
        else:
            try:
                self.ics_file(root, root.stat(), follow=True)
            except OSError:
                self.result.skip("unreadable file")

    def ics_file(self, path: Path, info: os.stat_result, *, follow: bool = False) -> None:
        from wintogether.formats.calendar import BrokenCalendar, TooManyOccurrences, read_calendar
        from wintogether.reading import NotRegular, read_regular
        from wintogether.store import capture as sql

        key = f"ics:{path}"
        self.calendar_files.add(str(path))
        state = sql.source_state(self.store, key)
        unchanged = (
            state is not None and state.size == info.st_size and state.mtime_ns == info.st_mtime_ns
        )
        start = self.default_start
        if unchanged and not self.forced and state is not None:
            if not state.recurring and (
                state.latest is None or state.latest <= state.scanned_until
            ):
                return  # one-off events, all in the past when read before
            start = from_utc_iso(state.scanned_until)
        if start >= self.now:
            return
        try:
            data = read_regular(path, MAX_ICS_BYTES, follow=follow)
        except NotRegular as exc:
            self.result.skip("file over the size limit" if "limit" in str(exc) else "special file")
            return
        except OSError:
            self.result.skip("unreadable file")
            return
        try:
            found = read_calendar(data, start, self.ahead)
        except TooManyOccurrences:
            self.result.skip("calendar file with too many occurrences")
            return
        except BrokenCalendar:
            self.result.skip("broken calendar file")
            return
        for _ in range(found.broken):
            self.result.skip("broken calendar event")
        self.upcoming = []
        for occurrence in found.occurrences:
            self.meeting(occurrence, str(path))
        sql.replace_meetings(self.store, str(path), to_utc_iso(start), self.upcoming)
        sql.save_source(
            self.store,
            sql.SourceState(
                key,
                "ics",
                info.st_size,
                info.st_mtime_ns,
                0,
                0,
                found.recurring,
                to_utc_iso(found.latest) if found.latest else None,
                self.stamp,
            ),
        )

    def meeting(self, occurrence: Any, source: str) -> None:
        from wintogether.store import capture as sql

        if any(self.match.is_me(e) for e in occurrence.declined):
            return
        people = list(occurrence.attendees)
        if occurrence.organizer and occurrence.organizer.email not in occurrence.declined:
            people.insert(0, occurrence.organizer)
        others: dict[str, Any] = {}
        # The meeting's size counts everyone but me, ignored addresses too: an
        # all-hands of colleagues (my own domain ignored) is still an all-hands.
        size = set()
        for person in people:
            if self.match.is_me(person.email):
                continue
            size.add(normalize_email(person.email))
            if not self.match.ignored(person.email):
                others.setdefault(person.email, person)
        if not others or len(size) + 1 > self.settings.max_attendees:
            return
        if occurrence.start >= self.today_start:
            self.upcoming.append(
                sql.MeetingRow(
                    occurrence.key,
                    source,
                    to_utc_iso(occurrence.start),
                    to_utc_iso(occurrence.end) if occurrence.end else None,
                    occurrence.all_day,
                    occurrence.summary,
                    [(p.email, p.name) for p in others.values()],
                )
            )
        if occurrence.start < self.default_start or occurrence.start > self.now:
            return
        at = to_utc_iso(occurrence.start)
        first_time = sql.mark_seen(self.store, "meeting:" + occurrence.key)
        legacy = "meeting:" + occurrence.legacy_key if occurrence.legacy_key else ""
        if first_time and legacy and sql.was_seen(self.store, legacy):
            first_time = False  # seen (as earlier versions keyed it) before
        contact_ids: list[int] = []
        for person in others.values():
            contact_id = self.match.contact(person.email)
            if contact_id is None:
                if first_time:
                    sql.count_person(
                        self.store, normalize_email(person.email), person.name, "meeting", at
                    )
            elif contact_id not in contact_ids and contact_id not in self.match.never:
                contact_ids.append(contact_id)
        if not contact_ids or (not first_time and not self.forced):
            return
        source_key = "meeting:" + occurrence.key
        if sql.find_proposal(self.store, source_key) is not None:
            return
        if legacy and sql.find_proposal(self.store, legacy) is not None:
            return
        self.new_ids.append(
            sql.insert_proposal(
                self.store,
                source_key=source_key,
                kind="meeting",
                direction="",
                happened_at=at,
                subject=occurrence.summary,
                items=[occurrence.key],
                source=source,
                contact_ids=contact_ids,
                stamp=self.stamp,
            )
        )
        self.result.meetings += 1

    # -- mail ------------------------------------------------------------

    def mail_source(self, root: Path) -> None:
        if not root.exists():
            self.result.missing.append(str(root))
            return
        self.result.sources += 1
        if not root.is_dir():
            self.mbox(root, follow=True)
            return
        self._mail_folder(root, 0)

    def _mail_folder(self, folder: Path, depth: int) -> None:
        """A Maildir (cur/ and new/ inside), and any mbox files and folders within;
        a Maildir's own cur/new/tmp are read by :meth:`maildir`, not walked."""
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            self.result.skip("unreadable folder")
            return
        kinds: dict[str, int] = {}
        for entry in entries:
            try:
                kinds[entry.name] = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                self.result.skip("unreadable file")
        is_maildir = all(stat.S_ISDIR(kinds.get(sub, 0)) for sub in ("cur", "new"))
        if is_maildir:
            self.maildir(folder)
        for entry in entries:
            mode = kinds.get(entry.name, 0)
            if is_maildir and entry.name in ("cur", "new", "tmp"):
                continue
            if entry.name.startswith(".") and not stat.S_ISDIR(mode):
                continue
            if (stat.S_ISDIR(mode) or stat.S_ISREG(mode)) and _not_mail(entry.name):
                continue  # drafts, templates, the bin, spam: nothing sent or received
            if stat.S_ISLNK(mode):
                self.result.skip("symbolic link")
            elif stat.S_ISDIR(mode):
                if depth < MAX_DEPTH:
                    self._mail_folder(Path(entry.path), depth + 1)
            elif stat.S_ISREG(mode):
                if _looks_like_mbox(Path(entry.path)):
                    self.mbox(Path(entry.path))
            elif mode:
                self.result.skip("special file")

    def maildir(self, folder: Path) -> None:
        from wintogether.formats.mail import MAX_HEADER_BYTES
        from wintogether.reading import NotRegular, read_head
        from wintogether.store import capture as sql

        key = f"maildir:{folder}"
        state = sql.source_state(self.store, key)
        watermark = 0 if state is None or self.forced else state.watermark_ns
        # Files delivered well before the window are not opened (the mtime of
        # a Maildir file is its delivery time).
        oldest = int((self.default_start - timedelta(days=1)).timestamp() * 1e9)
        newest = watermark
        # A folder whose entries did not change (its mtime) holds nothing new:
        # a re-scan after new mail lists new/ only.
        seen_mtimes = (state.size, state.mtime_ns) if state and not self.forced else (-1, -1)
        # A file's time is the file system's (not the seller's clock): one dated
        # in the future (a client copying a spam Date, a skewed clock) counts as
        # now, or the watermark would hide every later delivery until then.
        real_now = time.time_ns()
        mtimes = []
        for sub, seen in zip(("cur", "new"), seen_mtimes, strict=True):
            try:
                mtime = os.lstat(folder / sub).st_mtime_ns
            except OSError:
                mtime = 0
            mtimes.append(mtime)
            # Unchanged since the last scan, and not within the file system's
            # clock tick of it (a delivery in the same tick leaves the time as
            # it was): nothing new here.
            if mtime == seen and mtime < real_now - _SAME_TICK_NS:
                continue
            try:
                entries = sorted(os.scandir(folder / sub), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    self.result.skip("unreadable file")
                    continue
                changed = min(max(info.st_mtime_ns, info.st_ctime_ns), real_now)
                # Files as old as the watermark, give or take the file system's
                # coarse clock, are read again (a message read twice is seen
                # once): one delivered in the tick of the last scan is not lost.
                if changed <= watermark - _SAME_TICK_NS:
                    continue
                newest = max(newest, changed)
                if stat.S_ISLNK(info.st_mode):
                    self.result.skip("symbolic link")
                    continue
                if not stat.S_ISREG(info.st_mode):
                    self.result.skip("special file")
                    continue
                if info.st_mtime_ns < oldest:
                    continue
                flags = entry.name.rpartition(":2,")[2] if ":2," in entry.name else ""
                if _UNSENT_FLAGS & set(flags):
                    continue  # a draft, or a message in the bin
                try:
                    raw = read_head(Path(entry.path), MAX_HEADER_BYTES, follow=False)
                except NotRegular:
                    self.result.skip("special file")
                    continue
                except OSError:
                    self.result.skip("unreadable file")
                    continue
                self.message(raw, str(folder))
        sql.save_source(
            self.store,
            sql.SourceState(
                key, "maildir", mtimes[0], mtimes[1], 0, newest, False, None, self.stamp
            ),
        )

    def mbox(self, path: Path, *, follow: bool = False) -> None:
        from wintogether.formats.mail import mbox_messages
        from wintogether.reading import NotRegular, open_regular
        from wintogether.store import capture as sql

        key = f"mbox:{path}"
        state = sql.source_state(self.store, key)
        try:
            stream = open_regular(path, follow=follow)
        except NotRegular:
            self.result.skip("special file")
            return
        except OSError:
            self.result.skip("unreadable file")
            return
        with stream:
            info = os.fstat(stream.fileno())
            offset = 0
            if state is not None and not self.forced:
                if state.size == info.st_size and state.mtime_ns == info.st_mtime_ns:
                    return
                if info.st_size >= state.read_offset and _read_up_to(stream, state):
                    offset = state.read_offset  # grew: read what was appended
                # Otherwise rewritten (compacted after a deletion, a status
                # header changed): read again whole; what was seen stays seen.
            # The next scan starts at the last message read, not after it: one
            # still being written (its headers or its body cut short) is read
            # whole then; read twice, it is proposed once.
            end = last = offset
            for reached, raw in mbox_messages(stream, offset):
                self.message(raw, str(path))
                last, end = end, reached
            mark = _mbox_mark(stream, last)
        sql.save_source(
            self.store,
            sql.SourceState(
                key, "mbox", info.st_size, info.st_mtime_ns, last, 0, False, mark, self.stamp
            ),
        )

    def thread_of(self, message: Message) -> str:
        """The first message of ``message``'s thread. A reply naming only its
        parent (In-Reply-To, no References, as Outlook often writes) joins the
        thread its parent is in, when the parent was read."""
        from wintogether.store import capture as sql

        thread = self.threads.get(message.thread, message.thread)
        if message.parent_only and thread == message.thread:
            if self._earlier_threads is None:
                self._earlier_threads = sql.message_threads(self.store)
            thread = self._earlier_threads.get(thread, thread)
        self.threads[message.message_id] = thread
        return thread

    def message(self, raw: bytes, source: str) -> None:
        from wintogether.formats.mail import parse_headers

        try:
            message = parse_headers(raw)
        except Exception:  # the email package raises many kinds on hostile headers
            message = None
        if message is None or message.date is None:
            self.result.skip("malformed message")
            return
        self.email(message, source)

    def email(self, message: Message, source: str) -> None:
        from wintogether.formats.mail import thread_subject
        from wintogether.store import capture as sql

        assert message.date is not None
        if message.bulk or message.date < self.default_start or message.date > self.now:
            return
        sender = message.sender
        if sender is None:
            return
        mine = self.match.is_me(sender.email)
        # My own address is never ignored, even when `ignore` names my domain.
        if not mine and self.match.ignored(sender.email):
            return
        if (
            self.match.me
            and not mine
            and not any(self.match.is_me(r.email) for r in message.recipients)
        ):
            return  # neither from me nor to me: a list or a forward
        others = [sender] if not mine else []
        others += [r for r in message.recipients if not self.match.is_me(r.email)]
        people: dict[str, Any] = {}
        for person in others:
            if not self.match.ignored(person.email):
                people.setdefault(person.email, person)
        # As for meetings, ignored addresses count in the size of a message.
        size = len({normalize_email(p.email) for p in others})
        if not people or size + 1 > self.settings.max_attendees:
            return
        at = to_utc_iso(message.date)
        first_time = sql.mark_seen(self.store, "mail:" + message.message_id)
        contact_ids: list[int] = []
        for person in people.values():
            contact_id = self.match.contact(person.email)
            if contact_id is None:
                if first_time:
                    sql.count_person(
                        self.store, normalize_email(person.email), person.name, "email", at
                    )
            elif contact_id not in contact_ids and contact_id not in self.match.never:
                contact_ids.append(contact_id)
        if not contact_ids or (not first_time and not self.forced):
            return
        if not first_time and message.message_id in self.proposed_messages():
            return  # a re-read (--since) of a message a proposal already holds
        thread = self.thread_of(message)
        day = message.date.astimezone().date().isoformat()
        source_key = f"mail:{thread}|{day}"
        direction = "to" if mine else "from"
        # A thread waiting for review gathers its later messages, whatever the
        # day ("3 messages, Mon 30 Nov to Wed 2 Dec"); once reviewed, a later
        # day starts a new proposal.
        found = sql.pending_thread(self.store, f"mail:{thread}|")
        if found is None:
            found = sql.find_proposal(self.store, source_key)
        if found is not None:
            proposal_id, items, _status = found
            if message.message_id not in items:
                items.append(message.message_id)
                sql.add_items(self.store, proposal_id, items, at, direction, self.stamp)
                sql.add_people(self.store, proposal_id, contact_ids, self.stamp)
                if proposal_id not in self.new_ids:  # proposed by an earlier scan
                    self.result.updated += 1
            return
        self.new_ids.append(
            sql.insert_proposal(
                self.store,
                source_key=source_key,
                kind="email",
                direction=direction,
                happened_at=at,
                subject=thread_subject(message.subject),
                items=[message.message_id],
                source=source,
                contact_ids=contact_ids,
                stamp=self.stamp,
            )
        )
        self.result.emails += 1


def _default_start(store: Store, now: datetime) -> datetime:
    """Where a scan without --since starts: 30 days back, or the last scan
    when that was longer ago (a holiday), at most a year back."""
    from wintogether.store import capture as sql

    start = now - timedelta(days=FIRST_SCAN_DAYS)
    last = sql.last_scan(store)
    if last is not None:
        start = min(start, max(from_utc_iso(last), now - timedelta(days=LONGEST_BREAK_DAYS)))
    return start


#: How much of an mbox before where a scan stopped identifies what it read.
_MARK_BYTES = 4096


def _mbox_mark(stream: Any, offset: int) -> str | None:
    """A fingerprint of the bytes before ``offset`` (where a scan stopped)."""
    import hashlib

    if offset <= 0:
        return None
    start = max(0, offset - _MARK_BYTES)
    stream.seek(start)
    return "sha256:" + hashlib.sha256(stream.read(offset - start)).hexdigest()


def _read_up_to(stream: Any, state: Any) -> bool:
    """Whether the mbox still holds, before where the last scan stopped, what it
    read then, and a message starts there: only then is reading on from there
    reading what was appended."""
    offset = state.read_offset
    if offset <= 0:
        return True
    if state.latest is not None and _mbox_mark(stream, offset) != state.latest:
        return False
    stream.seek(offset)
    following = stream.read(5)
    return following in (b"", b"From ")


def _not_mail(name: str) -> bool:
    """A folder or file of drafts, templates, deleted mail or spam."""
    return name.lstrip(".").replace(".", " ").casefold().strip() in NOT_MAIL


def _canonical(path: Path) -> str:
    """A path as compared with ``ignore_calendars``: absolute, no trailing slash."""
    return os.path.normpath(os.path.abspath(path))


def calendar_of(proposal: Proposal, settings: Capture) -> Path:
    """The calendar a meeting proposal came from: the folder holding its .ics
    file (one folder per calendar, as vdirsyncer writes them), or the .ics file
    itself when it is one of ``[capture] calendars``."""
    if proposal.kind != "meeting" or not proposal.source:
        raise InvalidValue(f"Proposal #{proposal.id} is not a meeting from a calendar.")
    source = Path(proposal.source)
    if _canonical(source) in {_canonical(p) for p in settings.calendars}:
        return source
    return source.parent


def never_calendar(store: Store, now: datetime, calendar: Path) -> list[int]:
    """Drop the waiting proposals from ``calendar``; the ids dropped.

    The calendar itself goes in ``[capture] ignore_calendars`` (a setting,
    written by the caller), so `wt scan` stops reading it."""
    from wintogether.store import capture as sql

    stamp = to_utc_iso(now)
    inside = _canonical(calendar)
    dropped = []
    with store.write():
        for proposal in _load(store):
            if proposal.kind != "meeting":
                continue
            source = _canonical(Path(proposal.source))
            if source == inside or os.path.dirname(source) == inside:
                sql.set_status(store, proposal.id, "never", stamp)
                dropped.append(proposal.id)
    return dropped


def _looks_like_mbox(path: Path) -> bool:
    from wintogether.reading import NotRegular, read_head

    try:
        return read_head(path, 5, follow=False) == b"From "
    except (NotRegular, OSError):
        return False


def scan(store: Store, settings: Capture, now: datetime, since: datetime | None) -> ScanResult:
    """Read every source in ``settings`` and queue what is new."""
    if not settings.calendars and not settings.mail:
        raise InvalidValue(
            "Nothing to scan: no calendars or mail folders are set.",
            hint='Set one: wt config set capture.calendars "~/.calendars/work" '
            '(or capture.mail "~/Mail/work"); see docs/capture.md.',
        )
    from wintogether.store import capture as sql

    with store.write():
        work = _Scan(store, settings, now, since)
        sql.drop_meetings_before(store, to_utc_iso(work.today_start - timedelta(days=1)))
        for calendar in settings.calendars:
            work.calendar_source(calendar)
        sql.keep_meetings_of(store, work.calendar_files)
        for folder in settings.mail:
            work.mail_source(folder)
        if settings.auto_touch and work.new_ids:
            for proposal in _load(store, work.new_ids):
                _record(store, proposal, None, "pending", work.stamp)
                work.result.touched += 1
    return work.result


# -- review ---------------------------------------------------------------


def _to_proposal(row: dict[str, Any]) -> Proposal:
    return Proposal(
        id=row["id"],
        kind=row["kind"],
        direction=row["direction"],
        happened_at=from_utc_iso(row["happened_at"]),
        last_at=from_utc_iso(row["last_at"]),
        subject=row["subject"],
        messages=len(row["items"]),
        people=[ContactRef(i, n, c) for i, n, c in row["people"]],
        status=row["status"],
        conversation_id=row["interaction_id"],
        source=row["source"],
    )


def _load(store: Store, ids: list[int] | None = None, statuses: tuple[str, ...] = ("pending",)
          ) -> list[Proposal]:  # fmt: skip
    from wintogether.store import capture as sql

    rows = sql.proposals(store, statuses=statuses, ids=ids)
    return [_to_proposal(r) for r in rows if r["people"]]


def pending(store: Store) -> list[Proposal]:
    """What waits for review, oldest first."""
    with store.read():
        return _load(store)


def default_note(proposal: Proposal) -> str:
    if proposal.subject:
        return proposal.subject
    return "Meeting" if proposal.kind == "meeting" else "Email"


def with_subject(proposal: Proposal, note: str) -> str:
    """A note written on accepting, after the meeting's or thread's subject
    ("Renewal sync: discussed the DPA"), unless it starts with the subject."""
    subject = proposal.subject
    starts = note.casefold().startswith(subject.casefold()) if subject else False
    if not subject or (starts and not note[len(subject) : len(subject) + 1].isalnum()):
        return note
    return f"{subject}: {note}" if "\n" not in note else f"{subject}\n\n{note}"


def _record(store: Store, proposal: Proposal, note: str | None, status: str, stamp: str) -> int:
    """The conversation a proposal stands for (made once; a note written on
    accepting follows its subject)."""
    from wintogether.store import capture as sql
    from wintogether.store import conversations as talks

    if note is not None:
        note = with_subject(proposal, note)
    known = proposal.conversation_id
    if known is not None and talks.get_conversation(store, known):
        if note is not None:
            talks.update_conversation(store, known, {"note": note}, stamp)
        sql.set_status(store, proposal.id, status, stamp)
        return known
    conversation_id = talks.insert_conversation(
        store,
        # A thread's last message is the latest touch.
        happened_at=to_utc_iso(proposal.last_at),
        channel="meeting" if proposal.kind == "meeting" else "email",
        note=note if note is not None else default_note(proposal),
        participant_ids=[p.id for p in proposal.people],
        stamp=stamp,
    )
    sql.set_status(store, proposal.id, status, stamp, conversation_id)
    return conversation_id


def _one(store: Store, proposal_id: int) -> Proposal:
    found = _load(store, [proposal_id])
    if not found:
        raise NotFound(f"No proposal #{proposal_id} is waiting for review.")
    return found[0]


def accept(
    store: Store, now: datetime, proposal_ids: list[int], note: str | None = None
) -> list[int]:
    """Turn proposals into conversations; the conversation ids."""
    from wintogether.domain.text import clean_text

    text = clean_text(note) if note is not None else None
    stamp = to_utc_iso(now)
    with store.write():
        return [_record(store, _one(store, pid), text, "accepted", stamp) for pid in proposal_ids]


def skip(store: Store, now: datetime, proposal_ids: list[int]) -> int:
    from wintogether.store import capture as sql

    stamp = to_utc_iso(now)
    with store.write():
        for pid in proposal_ids:
            _one(store, pid)
            sql.set_status(store, pid, "skipped", stamp)
    return len(proposal_ids)


def never(
    store: Store, now: datetime, proposal_id: int, contact_ids: Sequence[int] | None = None
) -> tuple[list[ContactRef], list[int]]:
    """Never propose these people of a proposal (default: all of them) again.

    The waiting proposals with nobody else (nobody who is not refused) are
    dropped, this one too when everyone in it is. Returns the people refused
    and the ids of the proposals dropped."""
    from wintogether.store import capture as sql

    stamp = to_utc_iso(now)
    with store.write():
        proposal = _one(store, proposal_id)
        people = [p for p in proposal.people if contact_ids is None or p.id in contact_ids]
        if not people:
            raise InvalidValue(f"Nobody named is in proposal #{proposal_id}.")
        sql.add_never(store, [p.id for p in people], stamp)
        refused = sql.never_ids(store)
        dropped = []
        for other in _load(store):
            if all(p.id in refused for p in other.people):
                sql.set_status(store, other.id, "never", stamp)
                dropped.append(other.id)
    return people, dropped


@dataclass(frozen=True)
class Waiting:
    meetings: int
    emails: int
    since: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "meetings": self.meetings,
            "email_threads": self.emails,
            "since": self.since.isoformat() if self.since else None,
        }


def waiting(store: Store) -> Waiting:
    from wintogether.store import capture as sql

    meetings, emails, earliest = sql.pending_counts(store)
    return Waiting(meetings, emails, from_utc_iso(earliest) if earliest else None)


def strangers(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """People I meet or write who are not contacts, with counts."""
    from wintogether.store import capture as sql

    # Counted under each address as its provider reads it (Gmail's dots and
    # +tags); a contact's address matches that way too. Read a page at a
    # time, most talked to first, until ``limit`` people are found.
    merged: dict[str, dict[str, Any]] = {}
    with store.read():
        known = {normalize_email(e) for e in sql.gmail_emails(store)}
        offset = 0
        while len(merged) < limit:
            rows = sql.people_not_contacts(store, limit * 2, offset)
            offset += len(rows)
            for row in rows:
                key = normalize_email(row["email"])
                if key in known:
                    continue
                seen = merged.get(key)
                if seen is None:  # (another spelling: counted before scans read them so)
                    merged[key] = dict(row)
                    continue
                seen["meetings"] += row["meetings"]
                seen["emails"] += row["emails"]
                seen["last_at"] = max(seen["last_at"], row["last_at"])
                seen["name"] = seen["name"] or row["name"]
            if len(rows) < limit * 2:
                break
    ranked = sorted(merged.values(), key=lambda r: r["last_at"], reverse=True)
    ranked.sort(key=lambda r: r["meetings"] + r["emails"], reverse=True)
    return ranked[:limit]
