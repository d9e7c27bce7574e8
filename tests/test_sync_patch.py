"""A rewritten item is the received item, patched: what a phone wrote and we do not own stays."""

from __future__ import annotations

import base64
from typing import Any

from wintogether.formats import ics, vcard, vjournal

JPEG = bytes(range(256)) * 3
PHOTO = base64.b64encode(JPEG).decode()
#: As an iPhone writes a card: vCard 3.0, CRLF, item groups with labels, TYPE
#: parameters, a folded binary PHOTO, properties wintogether does not read.
PHONE_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.1//EN\r\n"
    "N:Reyes;Dana;;;\r\nFN:Dana Reyes\r\nNICKNAME:Dee\r\nORG:Northwind;Finance;EMEA\r\n"
    "TITLE:CFO\r\nROLE:Budget owner\r\n"
    "item1.EMAIL;type=INTERNET;type=pref:dana@northwind.example\r\n"
    "item1.X-ABLabel:_$!<Work>!$_\r\n"
    "item2.EMAIL;type=INTERNET:dana@old.example\r\nitem2.X-ABLabel:old job\r\n"
    "TEL;type=CELL;type=VOICE;type=pref:+1 555 0100\r\n"
    "item3.TEL:+1 555 0199\r\nitem3.X-ABLabel:assistant\r\n"
    "ADR;type=WORK;type=pref:;;1 Main St;Springfield;IL;62701;USA\r\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:"
    + "\r\n ".join(PHOTO[i : i + 74] for i in range(0, len(PHOTO), 74))
    + "\r\nUID:dana-phone-1\r\nREV:2026-11-01T10:00:00Z\r\nEND:VCARD\r\n"
)


def _record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "uid": "dana-phone-1",
        "name": "Dana Reyes",
        "company": "Northwind",
        "title": "CFO",
        "emails": ["dana@northwind.example", "dana@old.example"],
        "phones": ["+1 555 0100", "+1 555 0199"],
        "urls": [],
        "birthday": None,
        "notes": None,
        "tags": [],
        "updated_at": "2026-12-01T10:00:00Z",
    }
    record.update(changes)
    return record


def _lines(text: str) -> list[str]:
    return text.split("\r\n")


def test_a_binary_photo_is_stored_as_base64_not_as_a_python_repr() -> None:
    card = vcard.read(PHONE_CARD).cards[0]
    photo = dict(card.extras)["PHOTO"]
    # Kept as a data: URI: the base64 text as the card carries it, with its type.
    assert photo == "data:image/jpeg;base64," + PHOTO
    assert base64.b64decode(photo.partition(",")[2]) == JPEG
    assert not photo.startswith("b'")


def test_an_unchanged_card_is_kept_byte_for_byte_but_its_rev() -> None:
    out = vcard.patch_card(PHONE_CARD, _record(), set())
    expected = PHONE_CARD.replace("REV:2026-11-01T10:00:00Z", "REV:20261201T100000Z")
    assert sorted(_lines(out)) == sorted(_lines(expected))


def test_an_edit_replaces_only_the_fields_that_changed() -> None:
    record = _record(
        company="Initech",
        title="VP Finance",
        emails=["dana@northwind.example", "dana@initech.example"],
        tags=["customers"],
    )
    out = vcard.patch_card(PHONE_CARD, record, {"company", "title", "emails", "tags"})
    lines = _lines(out)
    # Everything the phone wrote that we do not own, byte for byte (folded PHOTO too).
    kept = [
        "PRODID:-//Apple Inc.//iPhone OS 17.1//EN", "N:Reyes;Dana;;;", "FN:Dana Reyes",
        "NICKNAME:Dee", "ROLE:Budget owner",
        "item1.EMAIL;type=INTERNET;type=pref:dana@northwind.example",
        "item1.X-ABLabel:_$!<Work>!$_", "TEL;type=CELL;type=VOICE;type=pref:+1 555 0100",
        "item3.TEL:+1 555 0199", "item3.X-ABLabel:assistant",
        "ADR;type=WORK;type=pref:;;1 Main St;Springfield;IL;62701;USA", "UID:dana-phone-1",
    ]  # fmt: skip
    for line in kept:
        assert line in lines
    start = out.index("PHOTO;")
    assert (
        out[start:].split("\r\nUID:")[0]
        == PHONE_CARD[PHONE_CARD.index("PHOTO;") :].split("\r\nUID:")[0]
    )
    # The company changed, the ORG units stayed; the removed email went with its label.
    assert "ORG:Initech;Finance;EMEA" in lines
    assert "TITLE:VP Finance" in lines
    assert not any("dana@old.example" in line or "old job" in line for line in lines)
    assert "EMAIL;TYPE=INTERNET:dana@initech.example" in lines or (
        "EMAIL:dana@initech.example" in lines
    )
    # Read back, it says what we wrote, and the phone's data is all there.
    card = vcard.read(out).cards[0]
    assert (card.company, card.title) == ("Initech", "VP Finance")
    assert card.emails == ["dana@northwind.example", "dana@initech.example"]
    assert card.phones == ["+1 555 0100", "+1 555 0199"]
    assert card.tags == ["customers"]
    extras = dict(card.extras)
    assert extras["PHOTO"] == "data:image/jpeg;base64," + PHOTO
    assert extras["NICKNAME"] == "Dee"
    assert extras["ORG-UNIT"] == "Finance; EMEA"


def test_a_renamed_contact_gets_new_fn_and_n() -> None:
    out = vcard.patch_card(PHONE_CARD, _record(name="Dana Reyes-Park"), {"name"})
    card = vcard.read(out).cards[0]
    assert card.name == "Dana Reyes-Park"
    assert "N:Reyes;Dana;;;" not in _lines(out)
    assert "NICKNAME:Dee" in _lines(out)


PHONE_TODO = (
    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Apple Inc.//iOS 17//EN\nBEGIN:VTODO\n"
    "UID:todo-1\nDTSTAMP:20261101T100000Z\nCREATED:20261101T100000Z\n"
    "SUMMARY:Send the SOC2 report (for Dana Reyes)\nDUE;VALUE=DATE:20261204\n"
    "STATUS:NEEDS-ACTION\nPRIORITY:1\nRRULE:FREQ=WEEKLY;BYDAY=FR\n"
    "X-WINTOGETHER-CONTACT:dana-phone-1\nRELATED-TO:dana-phone-1\n"
    "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:Reminder\nTRIGGER:-PT15M\nEND:VALARM\n"
    "END:VTODO\nEND:VCALENDAR\n"
)


def _promise(**changes: Any) -> dict[str, Any]:
    promise: dict[str, Any] = {
        "uid": "todo-1",
        "contact": "dana-phone-1",
        "contact_name": "Dana Reyes",
        "text": "Send the SOC2 report",
        "due_on": "2026-12-04",
        "owner": "me",
        "status": "open",
        "done_at": None,
        "done_note": None,
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-12-01T10:00:00Z",
    }
    promise.update(changes)
    return promise


def test_a_todo_marked_done_keeps_its_rrule_priority_and_alarm() -> None:
    done = _promise(status="done", done_at="2026-12-01T10:00:00Z")
    out = ics.patch_todo(PHONE_TODO, done)
    lines = out.split("\n")
    for line in (
        "PRIORITY:1", "RRULE:FREQ=WEEKLY;BYDAY=FR", "BEGIN:VALARM", "DESCRIPTION:Reminder",
        "TRIGGER:-PT15M", "END:VALARM", "CREATED:20261101T100000Z",
        "SUMMARY:Send the SOC2 report (for Dana Reyes)", "DUE;VALUE=DATE:20261204",
        "PRODID:-//Apple Inc.//iOS 17//EN",
    ):  # fmt: skip
        assert line in lines, line
    assert "STATUS:NEEDS-ACTION" not in lines
    # The alarm's own DESCRIPTION is not taken for the to-do's.
    assert lines.index("DESCRIPTION:Reminder") > lines.index("BEGIN:VALARM")
    todo = ics.read_todo(out)
    assert todo is not None
    assert (todo["status"], todo["done_at"], todo["due_on"]) == (
        "done",
        "2026-12-01T10:00:00Z",
        "2026-12-04",
    )
    assert todo["text"] == "Send the SOC2 report"
    # Moving the due date replaces DUE only.
    moved = ics.patch_todo(out, _promise(status="done", due_on="2026-12-11",
                                         done_at="2026-12-01T10:00:00Z"))  # fmt: skip
    assert "DUE;VALUE=DATE:20261211" in moved.split("\n")
    assert "RRULE:FREQ=WEEKLY;BYDAY=FR" in moved.split("\n")


def test_a_cancelled_todo_carries_when_it_was_cancelled() -> None:
    cancelled = _promise(status="cancelled", done_at="2026-12-02T09:15:00Z")
    out = ics.patch_todo(PHONE_TODO, cancelled)
    lines = out.split("\n")
    assert "STATUS:CANCELLED" in lines and "PRIORITY:1" in lines
    assert "X-WINTOGETHER-CANCELLED:20261202T091500Z" in lines
    assert not any(line.startswith("COMPLETED") for line in lines)
    todo = ics.read_todo(out)
    assert todo is not None
    assert (todo["status"], todo["done_at"]) == ("cancelled", "2026-12-02T09:15:00Z")
    reopened = ics.patch_todo(out, _promise())
    assert "X-WINTOGETHER-CANCELLED" not in reopened
    # A cancel date that is not one is not a date: the sync gives its own.
    garbled = out.replace(
        "X-WINTOGETHER-CANCELLED:20261202T091500Z", "X-WINTOGETHER-CANCELLED:soon"
    )
    todo = ics.read_todo(garbled)
    assert todo is not None and todo["done_at"] is None


def test_a_journal_entry_keeps_what_another_app_added() -> None:
    base = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VJOURNAL\r\nUID:j-1\r\n"
        "DTSTAMP:20261127T160000Z\r\nDTSTART:20261127T150000Z\r\nDESCRIPTION:Coffee\r\n"
        "CATEGORIES:meeting\r\nX-WINTOGETHER-PARTICIPANT:dana-phone-1\r\n"
        "ATTACH:https://files.example/notes.pdf\r\nEND:VJOURNAL\r\nEND:VCALENDAR\r\n"
    )
    conversation = {
        "uid": "j-1", "happened_at": "2026-11-27T15:00:00Z", "channel": "meeting",
        "note": "Coffee; she wants a pilot", "participants": ["dana-phone-1"],
        "created_at": "2026-11-27T16:00:00Z", "updated_at": "2026-12-01T10:00:00Z",
    }  # fmt: skip
    out = vjournal.patch_journal(base, conversation)
    assert "ATTACH:https://files.example/notes.pdf" in out.split("\r\n")
    assert "DTSTART:20261127T150000Z" in out.split("\r\n")
    read = vjournal.read_journal(out)
    assert read is not None
    assert read["note"] == "Coffee; she wants a pilot"
    assert read["participants"] == ["dana-phone-1"]
