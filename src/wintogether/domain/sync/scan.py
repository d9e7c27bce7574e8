"""The file side of a sync: listing a collection folder and reading its files."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from wintogether.clock import to_utc_iso
from wintogether.dates import DATE_RANGE, is_stored
from wintogether.domain.sync.model import CHANNELS
from wintogether.models import ACCOUNT_ROLES

_SAFE_UID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
#: The largest file a sync reads (a vCard with a photo is well under it). A
#: larger one is skipped and reported, never read into memory.
MAX_FILE_BYTES = 1024 * 1024


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` in hex. hashlib (OpenSSL behind it, 2-3 ms to
    load) is imported by the first file hashed: a sync with nothing new to
    read only compares sizes and times, and never loads it."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


class _File:
    """A file of a collection folder: its size and time from the listing, its
    bytes and their digest once read. Written out, not a dataclass: a sync
    makes one per file."""

    __slots__ = ("data", "digest", "mtime_ns", "name", "size")

    def __init__(
        self,
        name: str,
        size: int,
        mtime_ns: int,
        data: bytes | None = None,
        digest: str | None = None,
    ) -> None:
        self.name = name
        self.size = size
        self.mtime_ns = mtime_ns
        self.data = data
        self.digest = digest

    def read(self, folder: Path) -> None:
        """Read the file: only a regular file, never through a link, never blocking.

        Raises ``NotRegular`` (with the reason in words) or ``OSError``.
        """
        from wintogether.reading import read_regular

        if self.data is None:
            self.data = read_regular(folder / self.name, MAX_FILE_BYTES)
            self.digest = sha256_hex(self.data)


def _scan(folder: Path, suffix: str) -> tuple[dict[str, _File], dict[str, str]]:
    """The collection's files, and the names that are not files to read, with why.

    A symlink, a folder, a pipe or a device with an item's name is never
    opened: it is reported, and its item is left alone on both sides.
    """
    out: dict[str, _File] = {}
    odd: dict[str, str] = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith(".") or not name.endswith(suffix):
                continue
            if entry.is_symlink():
                odd[name] = "a symbolic link (not followed)"
                continue
            if entry.is_dir(follow_symlinks=False):
                odd[name] = "a folder, not a file"
                continue
            if not entry.is_file(follow_symlinks=False):
                odd[name] = "a named pipe, device or socket, not a file"
                continue
            stat = entry.stat(follow_symlinks=False)
            if stat.st_size > MAX_FILE_BYTES:
                odd[name] = f"larger than the limit of {MAX_FILE_BYTES // (1024 * 1024)} MB"
                continue
            out[name] = _File(name, stat.st_size, stat.st_mtime_ns)
    return out, odd


def _file_name(uid: str, suffix: str) -> str:
    if _SAFE_UID.match(uid):
        return uid + suffix
    return sha256_hex(uid.encode("utf-8"))[:32] + suffix


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


_PARENT = re.compile(r"^X-WINTOGETHER-BASE:([0-9a-f]{1,64})\r?$", re.MULTILINE | re.IGNORECASE)
_LINEAGE = re.compile(
    r"^X-WINTOGETHER-LINEAGE:([0-9a-f]{1,64}(?:,[0-9a-f]{1,64}){0,63})\r?$",
    re.MULTILINE | re.IGNORECASE,
)


def _parse(kind: str, data: bytes) -> dict[str, Any]:
    """A file's synced fields; raises ValueError when it is unreadable.

    ``parent`` is the fingerprint of the version the file replaced, when a
    wintogether wrote it (items.BASE_MARK), and ``lineage`` the versions
    before it (items.LINEAGE_MARK).
    """
    text = data.decode("utf-8-sig", errors="replace")
    found = _PARENT.search(text)
    fields = _parse_item(kind, text)
    fields["parent"] = found.group(1).lower() if found else None
    lineage = _LINEAGE.search(text) if found else None
    fields["lineage"] = lineage.group(1).lower().split(",") if lineage else []
    return fields


def _parse_item(kind: str, text: str) -> dict[str, Any]:
    if kind == "contact":
        from wintogether.formats import vcard

        result = vcard.read(text)
        if not result.cards:
            unread = result.problems + result.skipped
            reason = str(unread[0]) if unread else "no vCard"
            raise ValueError(reason)
        card = result.cards[0]
        ours = vcard.own_fields(card.extras)
        fields = {
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
            # The fields only wintogether has (None: a card from another app).
            "ours": ours,
            # Our own marks and a server's bookkeeping are not the contact's data.
            "extras": [
                (key, value)
                for key, value in card.extras
                if not key.upper().rpartition(".")[2].startswith(("X-WINTOGETHER-", "X-RADICALE-"))
            ],
            "modified": _parse_stamp(vcard.revision(text)),
        }
        if ours is not None:
            # The contacts merged into this one (another database merges them
            # too). A card from another app says nothing of them: taken as
            # saying none, it would erase the merges kept here.
            fields["merged"] = vcard.merged_uids(card.extras)
        return fields
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
    if kind == "history":
        return _parse_record(text)
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


def record_fields(section: str) -> tuple[str, ...]:
    """The fields of a history record of the JSON export's ``section``: one per
    column (store/records.py), so a new column travels with no change here."""
    from wintogether.store import records
    from wintogether.store import sync as ss

    found = tuple(records.COLUMNS[ss.SECTION_TABLES[section]].values())
    local = LOCAL_FIELDS.get(section, ())
    return (*(k for k in found if k not in local), *_LIST_FIELDS.get(section, ()))


#: The list fields of a history record (in the JSON export, not in a column).
_LIST_FIELDS = {"companies": ("aliases",), "deals": ("people",)}
#: Record fields that stay in each database: a deal's company record (each
#: database makes its own from the company's name, as for a contact).
LOCAL_FIELDS = {"deals": ("company_uid",)}


def _decode(section: str, key: str, value: str) -> Any:
    """A history field from its text: a plan step's place and milestone flag,
    a template's steps (JSON); raises ValueError when it is not one."""
    if section == "deal_steps" and key == "position":
        if not (value.isascii() and value.isdigit()) or len(value) > 9:
            raise ValueError(f"a step position that is not a number ({value[:20]!r})")
        return int(value)
    if section == "deal_steps" and key == "milestone":
        return value.strip().lower() in ("true", "1", "yes")
    if section == "plan_templates" and key == "steps":
        import json

        return json.loads(value)
    return value


def _parse_record(text: str) -> dict[str, Any]:
    from wintogether.formats import vjournal
    from wintogether.store import sync as ss

    found = vjournal.read_record(text)
    if found is None:
        raise ValueError("no VJOURNAL with X-WINTOGETHER-RECORD")
    section = found["section"]
    if section not in ss.SECTION_TABLES:
        raise ValueError(f"an unknown kind of record ({section[:40]!r})")
    lists = _LIST_FIELDS.get(section, ())
    fields: dict[str, Any] = {}
    for key in record_fields(section):
        value = found.get(key)
        if isinstance(value, list):  # an X- property: all its values
            value = value if key in lists else _decode(section, key, value[0])
        fields[key] = value if value is not None or key not in lists else []
    if section == "deal_steps":
        fields["milestone"] = bool(fields.get("milestone"))
    # What the record's own change time says (checked like the other times).
    fields.update(section=section, updated_at=found["modified"], modified=found["modified"])
    return fields


def _days(text: str) -> int | None:
    """A cadence as a card carries it (``14``), or None when it is not one."""
    from wintogether.dates import MAX_CADENCE_DAYS

    if not (text.isascii() and text.isdigit()) or len(text) > 15 or int(text) < 1:
        return None
    if int(text) > MAX_CADENCE_DAYS:  # longer than a command takes (9999y)
        return None
    return int(text)


def _invalid(kind: str, fields: dict[str, Any], now: datetime) -> str:
    """Why an item read from a file may not come in, or "".

    The same limits as a typed command or ``wt import``: a name of at most 500
    characters, other fields of at most 1,000,000, no NUL character, dates in
    the accepted range, and no conversation dated in the future (more than five
    minutes ahead, as ``wt log`` refuses).
    """
    from wintogether.dates import check_stored
    from wintogether.domain.text import check_field
    from wintogether.errors import UserError

    checks: list[tuple[str, Any]] = []
    dates: list[tuple[str, Any, Literal["day", "stamp", "birthday"]]] = []
    if kind == "contact":
        checks += [
            ("company", fields["company"]),
            ("title", fields["title"]),
            ("notes", fields["notes"]),
            ("LinkedIn address", fields["linkedin"]),
        ]
        checks += [("email", v) for v in fields["emails"]]
        checks += [("phone", v) for v in fields["phones"]]
        checks += [("web address", v) for v in fields["urls"]]
        checks += [("tag", v) for v in fields["tags"]]
        checks += [(f"{key} property", v) for key, v in fields["extras"]]
        dates.append(("birthday", fields["birthday"], "birthday"))
        ours = fields.get("ours") or {}
        checks += [("how met", ours.get("how_met")), ("introducer", ours.get("introduced_by"))]
        checks.append(("manager", ours.get("reports_to")))
        role = ours.get("account_role")
        if role is not None and role not in ACCOUNT_ROLES:
            return f"the account role '{role[:40]}' is not one of {', '.join(ACCOUNT_ROLES)}"
        dates += [
            ("date you met", ours.get("met_on"), "day"),
            ("creation date", ours.get("created_at"), "stamp"),
            ("archive date", ours.get("archived_at"), "stamp"),
        ]
        cadence = ours.get("cadence_days")
        if cadence is not None and _days(cadence) is None:
            return f"the cadence '{cadence[:20]}' is not a whole number of days"
    elif kind == "history":
        from wintogether.formats.jsonfile import check_record

        record = {k: v for k, v in fields.items() if k not in ("section", "modified")}
        problem = check_record(fields["section"], record)
        if problem:
            return problem
        for key, value in record.items():
            for each in value if isinstance(value, list) else [value]:
                checks.append((key.replace("_", " "), each))
    elif kind == "promise":
        checks += [("promise", fields["text"]), ("done note", fields["done_note"])]
        dates += [("due date", fields["due_on"], "day"), ("done date", fields["done_at"], "stamp")]
    else:
        checks.append(("note", fields["note"]))
        dates.append(("date", fields["happened_at"], "stamp"))
    try:
        if kind == "contact":
            check_field(fields["name"], "name", name=True)
        for label, value in checks:
            if value:
                check_field(str(value), label)
        for label, value, form in dates:
            if value:
                check_stored(str(value), form, label)
    except UserError as exc:
        return str(exc.message if hasattr(exc, "message") else exc)
    if kind == "conversation" and fields["happened_at"] > to_utc_iso(now + timedelta(minutes=5)):
        return (
            f"dated {fields['happened_at']}, in the future: a conversation is logged once it"
            " has happened"
        )
    return ""


#: wt sync's own note, in the vdir, of the items it took out of its folders:
#: an item's file gone because a sync or `wt forget` on another computer
#: deleted it is told from one gone with a folder wiped by accident. Each item
#: is noted as a digest of its kind and uid (a line each, the latest last), so
#: the note names no one: `wt forget` leaves no trace of a person in it. A dot
#: file beside the collection folders: readers of the collections never see
#: it, a folder syncing tool carries it.
REMOVED = ".wintogether-removed"
#: The items the note keeps at most (the oldest go first).
REMOVED_KEPT = 10_000


def removed_key(kind: str, uid: str) -> str:
    return sha256_hex(f"{kind} {uid}".encode())[:32]


def forgotten_key(kind: str, uid: str) -> str:
    """The note's second line for an item `wt forget` took out."""
    return removed_key(f"forgotten {kind}", uid)


def removed_items(vdir: Path) -> list[str]:
    """The items (:func:`removed_key`) a sync noted as taken out of the vdir's
    folders (none when the note is missing, unreadable, not a regular file or
    too large)."""
    from wintogether.reading import NotRegular, read_regular

    try:
        data = read_regular(vdir / REMOVED, MAX_FILE_BYTES)
    except (NotRegular, OSError):
        return []
    return data.decode("utf-8", "replace").split()


def note_removed(
    vdir: Path,
    taken: list[tuple[str, str]],
    back: list[tuple[str, str]],
    *,
    forgotten: bool = False,
) -> None:
    """Add ``taken`` (kind, uid) to the vdir's note and take ``back`` (in a folder
    again) off it. Best effort: a note that cannot be written only means the
    other computers ask for `--force-delete` where they would have followed."""
    from wintogether.files import FileWriteFailed, write_many

    before = removed_items(vdir)
    returned = {removed_key(*item) for item in back} | {forgotten_key(*item) for item in back}
    keys = [removed_key(*item) for item in taken]
    if forgotten:
        keys += [forgotten_key(*item) for item in taken]
    added = list(dict.fromkeys(keys))
    gone = returned | set(added)  # sets: a forget of thousands is not quadratic
    now = [key for key in before if key not in gone]
    now += [key for key in added if key not in returned]
    now = now[-REMOVED_KEPT:]
    if now == before:
        return
    try:
        if now:
            write_many(vdir, [(REMOVED, "".join(f"{key}\n" for key in now).encode("ascii"))])
        else:
            path = vdir / REMOVED
            if path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)
    except (OSError, FileWriteFailed):
        pass
