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
        "happened_at": stamp_of(journal, "dtstart", floating="local"),
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


# -- history records: ledger entries, wins and timeline events -------------------------
#
# Between two wintogether databases a record that has no place on a phone (a
# ledger entry, a win, a job change, a sync conflict) travels as a VJOURNAL of
# its own: its uid as the UID, its times as DTSTART (when it happened), CREATED
# and LAST-MODIFIED, a SUMMARY for the journal apps that show it, and every
# other field of the record as an ``X-WINTOGETHER-<FIELD>`` property (TEXT,
# escaped; a list as one property per value), with ``X-WINTOGETHER-RECORD``
# naming the record's kind (the section of the JSON export: ledger, wins,
# events, companies, deals, deal_steps, plan_templates). A field that is None
# is absent. A record with no ``happened_at`` (a company, a deal) is dated by
# its creation; a template's steps are one JSON text.

X_RECORD = "X-WINTOGETHER-RECORD"
_X_PREFIX = "X-WINTOGETHER-"
#: Record fields carried by standard properties.
_STANDARD = {"uid", "happened_at", "created_at", "updated_at"}


def _x_name(field: str) -> str:
    return _X_PREFIX + field.upper().replace("_", "-")


def _field_name(prop: str) -> str:
    return prop[len(_X_PREFIX) :].lower().replace("-", "_")


def record_summary(section: str, record: dict[str, Any]) -> str:
    """One line for the journal apps that show such an entry."""
    if section == "ledger":
        return f"{str(record['direction']).capitalize()} ({record['kind']}): {record['text']}"
    if section == "wins":
        return f"Win: {record['theirs']} / {record['mine']}"
    if section == "companies":
        return f"Company: {record['name']}"
    if section == "deals":
        return f"Deal: {record['title']}"
    if section == "deal_steps":
        return f"Plan step {record.get('position')}"
    if section == "plan_templates":
        return f"Plan template: {record['name']}"
    return str(record.get("text") or record.get("kind") or section)


def record_text(section: str, record: dict[str, Any]) -> str:
    """One history record (export shape, of the JSON export's ``section``) as a VJOURNAL file."""
    from icalendar import Journal, vText

    journal = Journal()
    journal.add("uid", record["uid"])
    journal.add("dtstamp", _utc(record["updated_at"]))
    # A plan step has no creation time of its own: its last change stands in.
    created = record.get("created_at") or record["updated_at"]
    journal.add("created", _utc(created))
    journal.add("last-modified", _utc(record["updated_at"]))
    journal.add("dtstart", _utc(record.get("happened_at") or created))
    summary = " ".join(record_summary(section, record).split())
    journal.add("summary", summary[:120])
    journal.add(X_RECORD, section)
    for field, value in sorted(record.items()):
        if field in _STANDARD or value is None:
            continue
        for each in value if isinstance(value, list) else [value]:
            journal.add(_x_name(field), vText(str(each)))
    return calendar_text(journal)


def _unescape(value: str) -> str:
    """An iCalendar TEXT value without its escapes (RFC 5545 3.3.11)."""
    import re

    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def read_record(text: str) -> dict[str, Any] | None:
    """A history record's fields from its file: ``section`` (from X-WINTOGETHER-RECORD),
    ``uid``, ``happened_at``, ``created_at``, every X-WINTOGETHER- field as the list
    of its values (text, in order), and ``modified``. None when the file holds no
    VJOURNAL marked as a record."""
    journal = first_component(text, "VJOURNAL")
    if journal is None or journal.get(X_RECORD) is None:
        return None
    record: dict[str, Any] = {}
    for prop, value in journal.property_items(recursive=False):
        name = str(prop).upper()
        if name.startswith(_X_PREFIX) and name != X_RECORD:
            text = _unescape(str(value.to_ical().decode()))
            record.setdefault(_field_name(name), []).append(text)
    record.update(
        section=str(journal.get(X_RECORD)).strip(),
        uid=str(journal.get("uid", "")).strip(),
        happened_at=stamp_of(journal, "dtstart", floating="local"),
        created_at=stamp_of(journal, "created"),
        modified=stamp_of(journal, "last-modified") or stamp_of(journal, "dtstamp"),
    )
    return record


def patch_record(base: str, section: str, record: dict[str, Any]) -> str:
    """``record`` written into the received entry ``base`` (see formats/patch.py):
    what another app added to it stays; our fields are always ours."""
    from wintogether.formats.patch import patch

    ours = record_text(section, record)
    return patch(
        base, ours, "VJOURNAL", replace={"DTSTART", "SUMMARY", "CREATED"}, lists={},
        ours_always=_ours_always,
    )  # fmt: skip
