"""Reading meetings from iCalendar data: the occurrences within a window.

Pure parsing: bytes in, occurrences out. Recurring events are expanded by
``recurring-ical-events`` (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides, time
zones); all-day and floating times are read in the local zone. Cancelled
events and booked rooms and resources (CUTYPE) are left out here; who declined
is reported, and the caller decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

#: Longest summary kept (a subject line, not a document).
MAX_SUMMARY = 200


#: Most occurrences read from one file in one window (a busy calendar of ten
#: years exported as one file has a few hundred in a month).
MAX_OCCURRENCES = 10_000


class BrokenCalendar(Exception):
    """The data is not iCalendar that can be read."""


class TooManyOccurrences(BrokenCalendar):
    """A rule repeating every minute or second, or more than MAX_OCCURRENCES
    occurrences in the window."""


@dataclass(frozen=True)
class Person:
    email: str
    name: str


@dataclass(frozen=True)
class Occurrence:
    #: The event's UID and the occurrence's recurrence id (an instant in UTC, a
    #: floating time as written, a day): unique for ever, the same in every file
    #: and time zone that holds the event.
    key: str
    start: datetime
    all_day: bool
    summary: str
    organizer: Person | None
    #: Attendees who did not decline (the organizer may be among them).
    attendees: tuple[Person, ...]
    #: Addresses (lower case) that declined.
    declined: frozenset[str]
    #: When it ends (DTEND, or DTSTART + DURATION); None when the event does not say.
    end: datetime | None = None
    #: The key as earlier versions made it (the recurrence id in the zone it was
    #: written in, a day or a floating time in the local zone): what they
    #: remembered as seen must still count.
    legacy_key: str = ""


@dataclass(frozen=True)
class CalendarRead:
    occurrences: list[Occurrence]
    #: Whether any event repeats (its file must be read again as time passes).
    recurring: bool
    #: The latest start of a one-off event, for knowing when a file is done.
    latest: datetime | None
    #: Events that could not be read (a broken rule, no start...): left out, the
    #: rest of the file read.
    broken: int = 0


def _moment(value: Any) -> tuple[datetime, bool]:
    """An event's start: a floating time as the local time it is, an all-day
    event from its day's first moment (by the zone's rules for that day)."""
    from wintogether.dates import local_moment

    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = local_moment(value, UTC)
        return value, False
    if isinstance(value, date):
        return local_moment(datetime.combine(value, time()), UTC), True
    raise BrokenCalendar("an event without a start")


def _address(value: Any) -> str:
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def _param(value: Any, name: str) -> str:
    params = getattr(value, "params", None) or {}
    found = params.get(name, "")
    return str(found).strip()


def _person(value: Any) -> Person | None:
    # Apple writes the person's address in an EMAIL parameter and a relay
    # address or a principal's path as the value (RFC 7986).
    email = _address(_param(value, "EMAIL"))
    if "@" not in email:
        email = _address(value)
    if "@" not in email:
        return None
    return Person(email, _param(value, "CN"))


def _values(component: Any, name: str) -> list[Any]:
    found = component.get(name)
    if found is None:
        return []
    return list(found) if isinstance(found, list) else [found]


_TIMEZONES = re.compile(rb"^BEGIN:VTIMEZONE\r?$.*?^END:VTIMEZONE\r?$", re.M | re.S | re.I)
_DTSTART = re.compile(rb"^DTSTART(?:;[^:\r\n]*)?:(\d{8})(?:T(\d{6})Z?)?\r?$", re.M | re.I)
#: More than any time zone's offset from UTC, with room to spare.
_ZONE_SLACK = timedelta(days=2)


def _past_one_off(data: bytes, start: datetime) -> datetime | None:
    """When ``data`` holds one event that does not repeat and plainly starts
    before ``start``: its start, near enough (two days of slack for its time
    zone), read without parsing the file. None when a full read is needed.

    Most files of a calendar kept for years are such events: a first scan
    skips the parsing of each."""
    events = _TIMEZONES.sub(b"", data)
    upper = events.upper()
    if upper.count(b"BEGIN:V") != 2 or b"BEGIN:VEVENT" not in upper:
        return None  # the calendar and one event, nothing else
    if any(word in upper for word in (b"RRULE", b"RDATE", b"RECURRENCE-ID")):
        return None
    found = _DTSTART.findall(events)
    if len(found) != 1 or upper.count(b"DTSTART") != 1:
        return None
    day, clock = found[0]
    try:
        moment = datetime.strptime((day + (clock or b"000000")).decode(), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    moment = moment.replace(tzinfo=UTC)
    return moment if moment + _ZONE_SLACK < start else None


def read_calendar(data: bytes, start: datetime, end: datetime) -> CalendarRead:
    """The occurrences of ``data``'s events starting in [start, end).

    An event that cannot be read (a broken rule, no start) is left out and
    counted; the file is broken only when none of its events can be read."""
    past = _past_one_off(data, start)
    if past is not None:
        return CalendarRead([], False, past)
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises many kinds on broken input
        raise BrokenCalendar(str(exc) or type(exc).__name__) from exc
    try:
        return _read(calendar, start, end)
    except BrokenCalendar:
        raise
    except Exception as exc:
        first = exc
    # Something in one event: each event (with its overrides) on its own.
    parts = _by_uid(calendar)
    found: list[Occurrence] = []
    recurring, latest, broken = False, None, 0
    for part in parts:
        try:
            read = _read(part, start, end)
        except TooManyOccurrences:
            raise
        except Exception:
            broken += 1
            continue
        found += read.occurrences
        recurring = recurring or read.recurring
        if read.latest is not None and (latest is None or read.latest > latest):
            latest = read.latest
    if broken == len(parts):
        raise BrokenCalendar(str(first) or type(first).__name__) from first
    return CalendarRead(found, recurring, latest, broken)


def _by_uid(calendar: Any) -> list[Any]:
    """One calendar per event UID (its overrides with it), each with the file's
    time zones."""
    import icalendar

    zones = list(calendar.walk("VTIMEZONE"))
    groups: dict[str, list[Any]] = {}
    for event in calendar.walk("VEVENT"):
        groups.setdefault(str(event.get("UID", "")), []).append(event)
    parts = []
    for events in groups.values():
        part = icalendar.Calendar()
        # The file's own properties too: X-WR-TIMEZONE (Google's exports) says
        # in which zone its events repeat.
        for name, value in calendar.items():
            part.add(name, value)
        for component in (*zones, *events):
            part.add_component(component)
        parts.append(part)
    return parts


def _read(calendar: Any, start: datetime, end: datetime) -> CalendarRead:
    import recurring_ical_events

    events = list(calendar.walk("VEVENT"))
    recurring = any(e.get("RRULE") is not None or e.get("RDATE") is not None for e in events)
    if any(_too_frequent(e) for e in events):
        raise TooManyOccurrences("an event repeats every minute or second")
    latest: datetime | None = None
    for event in events:
        if event.get("RRULE") is None and event.get("DTSTART") is not None:
            moment, _ = _moment(event.get("DTSTART").dt)
            latest = moment if latest is None or moment > latest else latest
    query = recurring_ical_events.of(calendar)
    # Series by series, so that a rule repeating every minute or second (a
    # broken or hostile file) stops at the limit instead of filling memory.
    found = []
    for series in query.series:
        for occurrence in series.between(start, end):
            found.append(occurrence.as_component(query.keep_recurrence_attributes))
            if len(found) > MAX_OCCURRENCES:
                raise TooManyOccurrences(f"more than {MAX_OCCURRENCES} occurrences")
    shifts = _future_shifts(events)
    occurrences = [o for o in (_occurrence(e, shifts) for e in found) if o is not None]
    return CalendarRead(occurrences, recurring, latest)


def _instant(value: Any) -> str:
    """A recurrence id as a key: an instant in UTC, a floating time as written,
    a day as its date."""
    if isinstance(value, datetime):
        return value.isoformat() if value.tzinfo is None else value.astimezone(UTC).isoformat()
    return str(value.isoformat())


def _future_shifts(events: list[Any]) -> dict[tuple[str, str], timedelta]:
    """(UID, recurrence id) of each override that changes this and every later
    occurrence (``RANGE=THISANDFUTURE``) -> how far it moves them."""
    out: dict[tuple[str, str], timedelta] = {}
    for event in events:
        rid = event.get("RECURRENCE-ID")
        if rid is None or _param(rid, "RANGE").upper() != "THISANDFUTURE":
            continue
        if event.get("DTSTART") is None:
            continue
        moved = _moment(event.get("DTSTART").dt)[0] - _moment(rid.dt)[0]
        out[(str(event.get("UID", "")).strip(), _instant(rid.dt))] = moved
    return out


def _too_frequent(event: Any) -> bool:
    """Whether a rule repeats every second or minute: no meeting does, and
    expanding one (from a start years back) takes minutes."""
    return any(
        str(freq).upper() in ("SECONDLY", "MINUTELY")
        for rule in _values(event, "RRULE")
        for freq in (rule.get("FREQ") or [])
    )


def _occurrence(
    event: Any, shifts: dict[tuple[str, str], timedelta] | None = None
) -> Occurrence | None:
    if str(event.get("STATUS", "")).strip().upper() == "CANCELLED":
        return None
    start_value = event.get("DTSTART")
    if start_value is None:
        return None
    start, all_day = _moment(start_value.dt)
    uid = str(event.get("UID", "")).strip()
    name = uid or "no-uid:" + str(event.get("SUMMARY", ""))
    recurrence = event.get("RECURRENCE-ID")
    rid: Any = recurrence.dt if recurrence is not None else start_value.dt
    legacy = f"{name}|{_moment(rid)[0].isoformat()}"
    shift = (shifts or {}).get((uid, _instant(rid))) if recurrence is not None else None
    if shift is not None:
        # Moved with every later one by an override: each keeps its own place
        # in the series (the library gives them all the override's id). Earlier
        # versions keyed them all by that id: only the override's own
        # occurrence keeps that key as its legacy one.
        # As the series writes its ids (a day, a floating time, an instant):
        # the key of an occurrence no override moved has that form too.
        original = start_value.dt - shift
        own = _instant(original) == _instant(rid)
        rid = original
        if not own:
            legacy = ""
    key = f"{name}|{_instant(rid)}"
    attendees: list[Person] = []
    declined: set[str] = set()
    for value in _values(event, "ATTENDEE"):
        person = _person(value)
        # A meeting room or a projector booked as an attendee is not a person.
        if person is None or _param(value, "CUTYPE").upper() in ("ROOM", "RESOURCE"):
            continue
        if _param(value, "PARTSTAT").upper() == "DECLINED":
            declined.add(person.email)
        else:
            attendees.append(person)
    end: datetime | None = None
    end_value = event.get("DTEND")
    if end_value is not None:
        end = _moment(end_value.dt)[0]
    elif event.get("DURATION") is not None:
        end = start + event.get("DURATION").dt
    organizer = event.get("ORGANIZER")
    summary = " ".join(str(event.get("SUMMARY", "")).split())[:MAX_SUMMARY]
    return Occurrence(
        key=key,
        start=start,
        all_day=all_day,
        summary=summary,
        organizer=_person(organizer) if organizer is not None else None,
        attendees=tuple(attendees),
        declined=frozenset(declined),
        end=end,
        legacy_key=legacy if legacy != key else "",
    )
