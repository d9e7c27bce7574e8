"""iCalendar export: open promises as VTODO, birthdays as yearly all-day VEVENT.

Each component is built and serialised by the icalendar library (RFC 5545
escaping and line folding), one at a time, between a calendar header and
footer written here, so a large export streams. UIDs derive from our record
uids: re-importing a newer export updates events in a calendar app instead of
duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import IO, Any

PRODID = "-//wintogether//wintogether//EN"
UID_DOMAIN = "wintogether.invalid"


def write(
    stream: IO[str],
    stamp: datetime,
    promises: Iterable[dict[str, Any]],
    birthdays: Iterable[dict[str, Any]],
) -> None:
    from icalendar import Event, Todo, vRecur

    stream.write(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{PRODID}\r\nCALSCALE:GREGORIAN\r\n")
    for promise in promises:
        todo = Todo()
        todo.add("uid", f"promise-{promise['uid']}@{UID_DOMAIN}")
        todo.add("dtstamp", stamp)
        who = promise["contact_name"]
        todo.add(
            "summary",
            f"{promise['text']} (for {who})"
            if promise["owner"] == "me"
            else f"{who} owes me: {promise['text']}",
        )
        todo.add("due", date.fromisoformat(promise["due_on"]))
        todo.add("status", "NEEDS-ACTION")
        todo.add(
            "description",
            f"{'I promised' if promise['owner'] == 'me' else 'They promised'}: {promise['text']}"
            f"\nContact: {who}",
        )
        stream.write(todo.to_ical().decode("utf-8"))
    for person in birthdays:
        birthday = str(person["birthday"])
        month, day = int(birthday[-5:-3]), int(birthday[-2:])
        year = 2000 if birthday.startswith("--") else int(birthday[:4])
        try:
            start = date(year, month, day)
        except ValueError:
            start = date(2000, month, day)
        event = Event()
        event.add("uid", f"birthday-{person['uid']}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("summary", f"Birthday: {person['name']}")
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(days=1))
        event.add("rrule", vRecur(freq="yearly"))
        event.add("transp", "TRANSPARENT")
        stream.write(event.to_ical().decode("utf-8"))
    stream.write("END:VCALENDAR\r\n")
