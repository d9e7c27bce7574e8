"""To-dos made elsewhere that name no contact we know: listed, and attached by hand.

A sync keeps such a to-do in its state as "unmatched" (plan.py): reported
once, then listed by ``wt sync --unmatched`` instead of warned about on every
run. ``wt sync --attach UID --to CONTACT`` writes the contact's uid into the
to-do's file (as the to-dos wintogether writes carry it), and the sync that
follows brings it in as that contact's promise.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from wintogether.domain.sync.model import SyncRefused
from wintogether.domain.sync.plan import UNMATCHED
from wintogether.records import dataclass
from wintogether.store import Store
from wintogether.store import sync as ss


@dataclass
class Unmatched:
    uid: str
    file: str
    summary: str
    due_on: str | None

    def to_json(self) -> dict[str, Any]:
        return {"uid": self.uid, "file": self.file, "summary": self.summary, "due_on": self.due_on}


def _folder(vdir: Path) -> Path:
    return Path(os.path.abspath(vdir.expanduser())) / "promises"


def unmatched(store: Store, vdir: Path) -> list[Unmatched]:
    """The to-dos in ``vdir`` that a sync could not give to a contact."""
    from wintogether.domain.sync.scan import MAX_FILE_BYTES
    from wintogether.formats import ics
    from wintogether.reading import NotRegular, read_regular

    folder = _folder(vdir)
    with store.read():
        state = ss.load_state(store, str(folder.parent), "promise")
    out: list[Unmatched] = []
    for uid, row in sorted(state.items()):
        if row.db_version != UNMATCHED:
            continue
        try:
            todo = ics.read_todo(read_regular(folder / row.file_name, MAX_FILE_BYTES).decode())
        except (OSError, NotRegular, ValueError):
            continue  # gone or changed since: the next sync sees to it
        if todo is not None:
            out.append(Unmatched(uid, row.file_name, todo["summary"], todo["due_on"]))
    return out


def attach(store: Store, vdir: Path, uid: str, contact: str) -> tuple[Unmatched, str]:
    """Write ``contact``'s uid into the unmatched to-do ``uid``; returns it and the name."""
    from wintogether.domain.resolve import resolve
    from wintogether.files import write_many

    found = next((item for item in unmatched(store, vdir) if item.uid == uid), None)
    if found is None:
        raise SyncRefused(
            f"No unmatched to-do has the uid {uid!r}.",
            hint="`wt sync --unmatched` lists them with their uids.",
        )
    with store.read():
        ref = resolve(store, contact)
        contact_uid = ss.contact_uid(store, ref.id)
    folder = _folder(vdir)
    from wintogether.domain.sync.scan import MAX_FILE_BYTES
    from wintogether.reading import NotRegular, read_regular

    try:  # as listed a moment ago, but checked again: never through a link or a pipe
        data = read_regular(folder / found.file, MAX_FILE_BYTES)
    except (OSError, NotRegular) as exc:
        raise SyncRefused(f"{found.file} can no longer be read: it was left alone.") from exc
    text = data.decode("utf-8-sig", errors="replace")
    newline = "\r\n" if "\r\n" in text else "\n"
    marks = f"X-WINTOGETHER-CONTACT:{contact_uid}{newline}"
    index = text.upper().find("END:VTODO")
    if index < 0:
        raise SyncRefused(f"{found.file} holds no to-do any more.")
    _, refused = write_many(folder, [(found.file, (text[:index] + marks + text[index:]).encode())])
    if refused:
        raise SyncRefused(f"{found.file} is {refused[found.file]}: it was left alone.")
    return found, ref.name
