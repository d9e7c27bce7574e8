"""Conversations as iCalendar VJOURNAL entries (CalDAV journals), one per file.

Built and parsed with the icalendar library, like the to-dos in formats/ics.py.
The note is the DESCRIPTION (the SUMMARY is its first line, for apps that show
only that); the channel travels in CATEGORIES and an X- property; participants
are contact uids in X- properties, so a second database resolves them exactly.
"""

from __future__ import annotations

from typing import Any

from wintogether.formats.ics import _ours_always, _utc, calendar_text, first_component, stamp_of

X_CHANNEL = "X-WINTOGETHER-CHANNEL"
X_PARTICIPANT = "X-WINTOGETHER-PARTICIPANT"


def journal_text(conversation: dict[str, Any]) -> str:
    """One conversation (export shape) as a VJOURNAL file."""
    from icalendar import Journal

    journal = Journal()
    journal.add("uid", conversation["uid"])
    journal.add("dtstamp", _utc(conversation["updated_at"]))
    journal.add("created", _utc(conversation["created_at"]))
    journal.add("last-modified", _utc(conversation["updated_at"]))
    journal.add("dtstart", _utc(conversation["happened_at"]))
    note = str(conversation["note"])
    journal.add("summary", (note.strip().splitlines() or [""])[0][:120])
    journal.add("description", note)
    journal.add("categories", [conversation["channel"]])
    journal.add(X_CHANNEL, conversation["channel"])
    for uid in conversation["participants"]:
        journal.add(X_PARTICIPANT, uid)
    return calendar_text(journal)


def _values(component: Any, key: str) -> list[str]:
    value = component.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        cats = getattr(item, "cats", None)
        if cats is not None:
            out.extend(str(c) for c in cats)
        else:
            out.append(str(item))
    return [v.strip() for v in out if str(v).strip()]


def read_journal(text: str) -> dict[str, Any] | None:
    """A VJOURNAL file's fields we sync (None when the file holds no VJOURNAL)."""
    journal = first_component(text, "VJOURNAL")
    if journal is None:
        return None
    channels = _values(journal, X_CHANNEL) or _values(journal, "categories")
    description = str(journal.get("description", "")).strip()
    return {
        "uid": str(journal.get("uid", "")).strip(),
        "happened_at": stamp_of(journal, "dtstart"),
        "note": description or str(journal.get("summary", "")).strip(),
        "channel": channels[0].lower() if channels else "note",
        "participants": _values(journal, X_PARTICIPANT),
        "created": stamp_of(journal, "created"),
        "modified": stamp_of(journal, "last-modified") or stamp_of(journal, "dtstamp"),
    }


def patch_journal(base: str, conversation: dict[str, Any]) -> str:
    """``conversation`` written into the received journal entry ``base``
    (see formats/patch.py): what another app added to it stays."""
    from wintogether.formats.patch import patch

    ours = journal_text(conversation)
    try:
        old = read_journal(base)
    except Exception:  # the received file no longer parses: write ours whole
        return ours
    if old is None:
        return ours
    replace: set[str] = set()
    if old["happened_at"] != conversation["happened_at"]:
        replace.add("DTSTART")
    if old["note"].strip() != str(conversation["note"]).strip():
        replace |= {"SUMMARY", "DESCRIPTION"}
    if old["channel"] != conversation["channel"]:
        replace.add("CATEGORIES")
    return patch(base, ours, "VJOURNAL", replace=replace, lists={}, ours_always=_ours_always)
