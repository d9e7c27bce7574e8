"""iCalendar export: open promises as VTODO, birthdays as yearly all-day VEVENT.

Each component is built and serialised by the icalendar library (RFC 5545
escaping and line folding), one at a time, between a calendar header and
footer written here, so a large export streams. UIDs derive from our record
uids: re-importing a newer export updates events in a calendar app instead of
duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import IO, TYPE_CHECKING, Any

from wintogether.dates import birthday_month_day, local_moment, stored_day

if TYPE_CHECKING:
    from wintogether.formats import ExportRecords

PRODID = "-//wintogether//wintogether//EN"
UID_DOMAIN = "wintogether.invalid"
#: Our own properties on synced items: what a calendar app cannot show but a
#: second wintogether database needs to rebuild the record exactly.
X_CONTACT = "X-WINTOGETHER-CONTACT"
X_OWNER = "X-WINTOGETHER-OWNER"
X_TEXT = "X-WINTOGETHER-TEXT"
X_DONE_NOTE = "X-WINTOGETHER-DONE-NOTE"
#: When a cancelled promise was cancelled (a to-do has no such date of its own).
X_CANCELLED = "X-WINTOGETHER-CANCELLED"
#: Marks the alarm we add (``[sync] reminders``), so it can be moved or taken
#: away without touching an alarm set on the phone.
X_ALARM = "X-WINTOGETHER-ALARM"
#: Marks a "Reach out to ..." to-do: made for a slipping relationship, not a promise.
X_KIND = "X-WINTOGETHER-KIND"
REACH_OUT = "reach-out"
X_CONVERSATION = "X-WINTOGETHER-CONVERSATION"
_STATUS_OUT = {"open": "NEEDS-ACTION", "done": "COMPLETED", "cancelled": "CANCELLED"}


def promise_summary(promise: dict[str, Any]) -> str:
    """How a promise reads in a to-do list: the text and who it is for."""
    who = promise["contact_name"]
    if promise["owner"] == "me":
        return f"{promise['text']} (for {who})"
    return f"{who} owes me: {promise['text']}"


def _utc(text: str) -> datetime:
    from wintogether.clock import from_utc_iso_utc

    return from_utc_iso_utc(text).astimezone(UTC)


def calendar_text(component: Any) -> str:
    """One component wrapped in its own VCALENDAR: one item per file, as vdirs hold them."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add_component(component)
    return str(calendar.to_ical().decode("utf-8"))


def promise_todo_text(promise: dict[str, Any]) -> str:
    """One promise (export shape) as a VTODO file for a CalDAV to-do list.

    The UID is the promise's own uid (filename-safe, so servers keep it as the
    file name); the contact travels as a ``RELATED-TO`` and an X- property with
    the contact's uid.
    """
    from icalendar import Todo, vText

    todo = Todo()
    todo.add("uid", promise["uid"])
    todo.add("dtstamp", _utc(promise["updated_at"]))
    todo.add("created", _utc(promise["created_at"]))
    todo.add("last-modified", _utc(promise["updated_at"]))
    todo.add("summary", promise_summary(promise))
    todo.add("due", stored_day(promise["due_on"]))
    todo.add("status", _STATUS_OUT[promise["status"]])
    if promise.get("done_at") and promise["status"] == "done":
        todo.add("completed", _utc(promise["done_at"]))
    if promise.get("done_at") and promise["status"] == "cancelled":
        todo.add(X_CANCELLED, _utc(promise["done_at"]).strftime("%Y%m%dT%H%M%SZ"))
    todo.add(
        "description",
        f"{'I promised' if promise['owner'] == 'me' else 'They promised'}: {promise['text']}"
        f"\nContact: {promise['contact_name']}",
    )
    todo.add("related-to", promise["contact"])
    todo.add(X_CONTACT, promise["contact"])
    todo.add(X_OWNER, promise["owner"])
    # X- properties get no value type by default: as TEXT, a newline in the
    # text is escaped instead of breaking the line.
    todo.add(X_TEXT, vText(promise["text"]))
    if promise.get("done_note"):
        todo.add(X_DONE_NOTE, vText(promise["done_note"]))
    if promise.get("conversation"):  # the conversation it was made in (its uid)
        todo.add(X_CONVERSATION, promise["conversation"])
    return calendar_text(todo)


def alarm_text(trigger: datetime, description: str) -> str:
    """Our VALARM: a display alarm at ``trigger`` (an absolute UTC time, which every
    to-do app reads), marked as ours."""
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    alarm.add("trigger", trigger.astimezone(UTC), parameters={"VALUE": "DATE-TIME"})
    alarm.add(X_ALARM, "reminder")
    return str(alarm.to_ical().decode("utf-8"))


def set_alarm(text: str, alarm: str | None) -> str:
    """``text`` (one to-do file) with our alarm replaced by ``alarm`` (None: removed).

    Works on lines, as formats/patch.py does: every other line, an alarm the
    phone set included, stays byte for byte; the new alarm goes just before
    ``END:VTODO``, with the file's own line endings.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    block: list[str] | None = None
    placed = alarm is None
    for line in lines:
        word = line.strip().upper()
        if block is not None:
            block.append(line)
            if word == "END:VALARM":
                if not any(part.upper().startswith(X_ALARM) for part in block):
                    out.extend(block)
                block = None
            continue
        if word == "BEGIN:VALARM":
            block = [line]
            continue
        if word == "END:VTODO" and not placed:
            assert alarm is not None
            out.append(newline.join(alarm.splitlines()) + newline)
            placed = True
        out.append(line)
    if block is not None:  # an alarm that never ends: keep the text as it was
        out.extend(block)
    return "".join(out)


def alarm_of(text: str) -> datetime | None:
    """The trigger of our alarm in a to-do file, if it has one."""
    todo = first_component(text, "VTODO")
    if todo is None:
        return None
    for alarm in todo.walk("VALARM"):
        if alarm.get(X_ALARM) is not None:
            trigger = getattr(alarm.get("trigger"), "dt", None)
            return trigger if isinstance(trigger, datetime) else None
    return None


def reach_out_todo_text(
    uid: str,
    contact_uid: str,
    summary: str,
    due: date,
    stamp: datetime,
    alarm: str | None,
    *,
    done_at: datetime | None = None,
) -> str:
    """A "Reach out to Ana Souza (12 days, every week)" to-do for the phone
    (ticked off when ``done_at`` is given)."""
    from icalendar import Todo, vText

    todo = Todo()
    todo.add("uid", uid)
    todo.add("dtstamp", stamp.astimezone(UTC))
    todo.add("last-modified", stamp.astimezone(UTC))
    todo.add("summary", summary)
    todo.add("due", due)
    todo.add("status", "COMPLETED" if done_at else "NEEDS-ACTION")
    if done_at is not None:
        todo.add("completed", done_at.astimezone(UTC))
    todo.add("related-to", contact_uid)
    todo.add(X_CONTACT, contact_uid)
    todo.add(X_KIND, vText(REACH_OUT))
    text = calendar_text(todo)
    return set_alarm(text, alarm) if alarm else text


def todo_done(text: str) -> tuple[bool, str | None]:
    """Whether a to-do file says it was done (COMPLETED), and when (``...Z``)."""
    todo = first_component(text, "VTODO")
    if todo is None:
        return False, None
    done = str(todo.get("status", "")).strip().upper() == "COMPLETED"
    return done, stamp_of(todo, "completed") if done else None


def _ours_always(name: str) -> bool:
    """Stamps and our own marks: always written from this side."""
    return name in ("DTSTAMP", "LAST-MODIFIED") or name.startswith("X-WINTOGETHER-")


def patch_todo(base: str, promise: dict[str, Any]) -> str:
    """``promise`` written into the received to-do ``base`` (see formats/patch.py).

    Only the properties whose value changed are replaced; RRULE, PRIORITY,
    VALARM, categories and anything else a to-do app wrote stay as they were.
    """
    from wintogether.formats.patch import patch

    ours = promise_todo_text(promise)
    try:
        old = read_todo(base)
    except Exception:  # the received file no longer parses: write ours whole
        return ours
    if old is None:
        return ours
    replace: set[str] = set()
    # A summary that is the promise's text alone (a to-do made on the phone,
    # given to the contact it names) stays as its app wrote it.
    if old["summary"] not in (promise_summary(promise), promise["text"]):
        replace |= {"SUMMARY", "DESCRIPTION"}
    if old["due_on"] != promise["due_on"]:
        replace.add("DUE")
    done_at = promise.get("done_at") if promise["status"] == "done" else None
    if old["status"] != promise["status"] or (done_at and old["done_at"] != done_at):
        replace |= {"STATUS", "COMPLETED", "PERCENT-COMPLETE"}
    if old["contact"] != promise["contact"]:
        replace.add("RELATED-TO")
    return patch(base, ours, "VTODO", replace=replace, lists={}, ours_always=_ours_always)


def first_component(text: str, name: str) -> Any:
    """The first ``name`` component (VTODO, VJOURNAL) of an iCalendar text, or None."""
    from icalendar import Calendar

    calendar = Calendar.from_ical(text)
    for component in calendar.walk(name):
        return component
    return None


def stamp_of(component: Any, key: str, *, floating: str = "utc") -> str | None:
    """A date-time property as a stored UTC string (``...Z``), if present.

    A time without a zone is read as UTC (the stamps RFC 5545 wants in UTC:
    created, last modified, completed), or with ``floating="local"`` as the
    local time it is (a "floating" start: the same wall-clock time wherever
    one is)."""
    value = component.get(key)
    if value is None:
        return None
    moment = getattr(value, "dt", value)
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None:  # local: UTC where the platform cannot say
        moment = moment.replace(tzinfo=UTC) if floating == "utc" else local_moment(moment, UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _local_day(moment: datetime) -> date:
    """The local day of a due date-time: a time with a zone (UTC or a TZID) on
    the day it is here, a floating one on its own day."""
    if moment.tzinfo is None:
        return moment.date()
    try:
        return moment.astimezone().date()
    except (OverflowError, OSError, ValueError):
        return moment.date()


def _cancelled_at(todo: Any) -> str | None:
    """Our cancel date (``X-WINTOGETHER-CANCELLED``, UTC) as a stored string, if
    it is there and well formed."""
    value = str(todo.get(X_CANCELLED, "")).strip()
    try:
        moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ")
    except ValueError:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _x_text(component: Any, key: str) -> str:
    """An X- property written as TEXT (see ``promise_todo_text``), unescaped
    (RFC 5545 3.3.11: backslash, semicolon, comma and newline)."""
    import re

    value = component.get(key)
    if value is None:
        return ""
    return re.sub(
        r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), str(value)
    ).strip()


def read_todo(text: str) -> dict[str, Any] | None:
    """A VTODO file's fields we sync (None when the file holds no VTODO).

    ``text`` is the promise text: our X- property, unless the summary was
    edited elsewhere (then the new summary is the text).
    """
    todo = first_component(text, "VTODO")
    if todo is None:
        return None
    status = str(todo.get("status", "NEEDS-ACTION")).upper()
    due = todo.get("due")
    due_value = getattr(due, "dt", None)
    contact = todo.get(X_CONTACT) or todo.get("related-to")
    record: dict[str, Any] = {
        "uid": str(todo.get("uid", "")).strip(),
        "summary": str(todo.get("summary", "")).strip(),
        "text": _x_text(todo, X_TEXT),
        "owner": str(todo.get(X_OWNER, "me")).strip().lower(),
        "contact": str(contact).strip() if contact else None,
        "due_on": (
            _local_day(due_value).isoformat()
            if isinstance(due_value, datetime)
            else due_value.isoformat()
            if isinstance(due_value, date)
            else None
        ),
        "status": "done"
        if status == "COMPLETED"
        else "cancelled"
        if status == "CANCELLED"
        else "open",
        "done_at": (_cancelled_at(todo) if status == "CANCELLED" else None)
        or stamp_of(todo, "completed"),
        "done_note": _x_text(todo, X_DONE_NOTE) or None,
        "conversation": str(todo.get(X_CONVERSATION, "")).strip() or None,
        "created": stamp_of(todo, "created"),
        "modified": stamp_of(todo, "last-modified") or stamp_of(todo, "dtstamp"),
    }
    if record["owner"] not in ("me", "them"):
        record["owner"] = "me"
    if not record["text"] or record["text"] not in record["summary"]:
        # Written elsewhere, or its summary was edited there: the summary is the text.
        record["text"] = record["summary"]
    return record


def export(stream: IO[str], records: ExportRecords) -> None:
    """Open promises as to-dos and birthdays as yearly events; with ``records.alarm_at``
    (`wt export --alarms`), each to-do rings at that local time on its due day."""
    write(stream, records.now, records.open_promises(), records.birthdays(), records.alarm_at)


def alarm_moment(due_on: date, at: time) -> datetime:
    """``at`` o'clock on ``due_on``, local time (daylight saving included), in UTC;
    a time the clocks skip that day with the offset before the change (03:30
    summer time for 02:30)."""
    return local_moment(datetime.combine(due_on, at), UTC).astimezone(UTC)


def write(
    stream: IO[str],
    stamp: datetime,
    promises: Iterable[dict[str, Any]],
    birthdays: Iterable[dict[str, Any]],
    alarm_at: time | None = None,
) -> None:
    from icalendar import Event, Todo, vRecur

    stream.write(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{PRODID}\r\nCALSCALE:GREGORIAN\r\n")
    for promise in promises:
        todo = Todo()
        todo.add("uid", f"promise-{promise['uid']}@{UID_DOMAIN}")
        todo.add("dtstamp", stamp)
        who = promise["contact_name"]
        todo.add("summary", promise_summary(promise))
        todo.add("due", stored_day(promise["due_on"]))
        todo.add("status", "NEEDS-ACTION")
        todo.add(
            "description",
            f"{'I promised' if promise['owner'] == 'me' else 'They promised'}: {promise['text']}"
            f"\nContact: {who}",
        )
        text = todo.to_ical().decode("utf-8")
        if alarm_at is not None:
            trigger = alarm_moment(stored_day(promise["due_on"]), alarm_at)
            text = set_alarm(text, alarm_text(trigger, promise_summary(promise)))
        stream.write(text)
    for person in birthdays:
        birthday = str(person["birthday"])
        month, day = birthday_month_day(birthday)
        year = int(birthday[:4]) if birthday[:4].isdigit() else 2000
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
        if (month, day) == (2, 29):
            # A yearly rule on the 29th has no day in three years of four: the
            # last day of February is the 29th in leap years, the 28th in the
            # others (as `wt today` and `wt remind` keep it).
            event.add("rrule", vRecur(freq="yearly", bymonth=2, bymonthday=-1))
        else:
            event.add("rrule", vRecur(freq="yearly"))
        event.add("transp", "TRANSPARENT")
        stream.write(event.to_ical().decode("utf-8"))
    stream.write("END:VCALENDAR\r\n")
