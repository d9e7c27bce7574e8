"""The file side of a sync: listing a collection folder and reading its files."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wintogether.clock import to_utc_iso
from wintogether.dates import DATE_RANGE, is_stored
from wintogether.domain.sync.model import CHANNELS

_SAFE_UID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


@dataclass
class _File:
    name: str
    size: int
    mtime_ns: int
    data: bytes | None = None
    digest: str | None = None

    def read(self, folder: Path) -> None:
        if self.data is None:
            self.data = (folder / self.name).read_bytes()
            self.digest = hashlib.sha256(self.data).hexdigest()


def _scan(folder: Path, suffix: str) -> dict[str, _File]:
    out: dict[str, _File] = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith(".") or not name.endswith(suffix):
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
            stat = entry.stat(follow_symlinks=False)
            out[name] = _File(name, stat.st_size, stat.st_mtime_ns)
    return out


def _file_name(uid: str, suffix: str) -> str:
    if _SAFE_UID.match(uid):
        return uid + suffix
    return hashlib.sha256(uid.encode("utf-8")).hexdigest()[:32] + suffix


def _parse_stamp(text: str | None) -> str | None:
    """A REV / LAST-MODIFIED value as a stored UTC string, if readable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        stamp = to_utc_iso(moment)
    except (OverflowError, ValueError):
        return None
    # A change time outside the accepted dates is not believed (one in 9999
    # would make the file win every conflict).
    return stamp if is_stored(stamp, "stamp") else None


def _mtime_stamp(mtime_ns: int) -> str:
    return to_utc_iso(datetime.fromtimestamp(mtime_ns / 1e9, UTC))


# -- items: parse, compare, serialise ----------------------------------------------------


def _parse(kind: str, data: bytes) -> dict[str, Any]:
    """A file's synced fields; raises ValueError when it is unreadable."""
    text = data.decode("utf-8-sig", errors="replace")
    if kind == "contact":
        from wintogether.formats import vcard

        result = vcard.read(text)
        if not result.cards:
            reason = str(result.problems[0]) if result.problems else "no vCard"
            raise ValueError(reason)
        card = result.cards[0]
        return {
            "uid": card.uid or "",
            "name": card.name,
            "company": card.company,
            "title": card.title,
            "birthday": card.birthday,
            "notes": card.notes,
            "emails": card.emails,
            "phones": card.phones,
            "linkedin": card.linkedin,
            "urls": card.urls,
            "tags": card.tags,
            # Our own marks and a server's bookkeeping are not the contact's data.
            "extras": [
                (key, value)
                for key, value in card.extras
                if not key.upper().rpartition(".")[2].startswith(("X-WINTOGETHER-", "X-RADICALE-"))
            ],
            "modified": _parse_stamp(vcard.revision(text)),
        }
    if kind == "promise":
        from wintogether.formats import ics

        todo = ics.read_todo(text)
        if todo is None:
            raise ValueError("no VTODO")
        if not todo["due_on"]:
            raise ValueError("a to-do without a due date")
        if not is_stored(todo["due_on"], "day"):
            raise ValueError(f"a due date outside {DATE_RANGE}")
        if todo.get("done_at") and not is_stored(todo["done_at"], "stamp"):
            raise ValueError(f"a completion date outside {DATE_RANGE}")
        if not todo["text"]:
            raise ValueError("a to-do without a summary")
        return todo
    from wintogether.formats import vjournal

    journal = vjournal.read_journal(text)
    if journal is None:
        raise ValueError("no VJOURNAL")
    if not journal["happened_at"]:
        raise ValueError("a journal entry without a date-time (DTSTART)")
    if not is_stored(journal["happened_at"], "stamp"):
        raise ValueError(f"a date-time (DTSTART) outside {DATE_RANGE}")
    if not journal["note"]:
        raise ValueError("a journal entry without text")
    if journal["channel"] not in CHANNELS:
        journal["channel"] = "note"
    return journal
