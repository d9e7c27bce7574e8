"""Birthdays coming up: who, when, and the age they turn when the year is known."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from wintogether.dates import birthday_age, next_birthday
from wintogether.frozen import Frozen
from wintogether.models import ContactRef

BIRTHDAY_WINDOW_DAYS = 7


class Birthday(Frozen):
    """A birthday coming up: whose, on which day, in how many days, and the age
    turned when the year is known. Written out (frozen.py): the dashboard and
    the summary make one at every run."""

    _fields = ("contact", "on", "in_days", "turns")
    contact: ContactRef
    on: date
    in_days: int
    turns: int | None

    def __init__(self, contact: ContactRef, on: date, in_days: int, turns: int | None) -> None:
        self._set(contact=contact, on=on, in_days=in_days, turns=turns)

    def to_json(self) -> dict[str, Any]:
        return {
            "contact": self.contact.to_json(),
            "date": self.on.isoformat(),
            "in_days": self.in_days,
            "turns": self.turns,
        }


def birthdays(
    standings: list[Any], today: date, window: int = BIRTHDAY_WINDOW_DAYS
) -> list[Birthday]:
    return birthdays_of([(s.contact, s.birthday) for s in standings], today, window)


def birthdays_of(
    people: Iterable[tuple[ContactRef, str | None]],
    today: date,
    window: int = BIRTHDAY_WINDOW_DAYS,
) -> list[Birthday]:
    """The birthdays of ``people`` (contact, stored birthday) in the ``window``
    days from ``today``, soonest first, then by name."""
    out = []
    for contact, birthday in people:
        if not birthday:
            continue
        upcoming = next_birthday(birthday, today)
        in_days = (upcoming - today).days
        if in_days <= window:
            out.append(Birthday(contact, upcoming, in_days, birthday_age(birthday, upcoming)))
    out.sort(key=lambda b: (b.in_days, b.contact.name.casefold()))
    return out


def birthday_days(today: date, window: int = BIRTHDAY_WINDOW_DAYS) -> list[str]:
    """The "MM-DD" of every day in the window, and 02-29 when 28 February is in
    it (a leap-day birthday is kept on the 28th in other years): what a stored
    birthday must end with to possibly fall in the window."""
    days = [(today + timedelta(days=n)).strftime("%m-%d") for n in range(window + 1)]
    return days + (["02-29"] if "02-28" in days else [])
