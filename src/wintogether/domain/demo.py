"""A realistic few weeks of a seller's life, for trying the tool out.

Everything is dated relative to ``now``, so the demo always looks current, and
nothing is random: the same day gives the same database, which is what the
screenshots in the README are made from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from wintogether.domain import contacts, conversations, promises
from wintogether.store import Store


@dataclass(frozen=True)
class Person:
    name: str
    company: str
    title: str
    email: str
    tags: tuple[str, ...]
    every: str | None = None
    birthday_in_days: int | None = None  # relative to today; None: no birthday
    birth_year: int | None = None
    met: str | None = None


PEOPLE = (
    Person(
        "Dana Reyes",
        "Northwind Traders",
        "Head of Procurement",
        "dana.reyes@northwind.example",
        ("customers/enterprise",),
        "2w",
        met="SaaStr 2024",
    ),
    Person(
        "José Núñez",
        "Contoso, Ltd.",
        "VP Sales",
        "jose@contoso.example",
        ("customers",),
        "monthly",
        birthday_in_days=3,
        birth_year=1979,
    ),
    Person(
        "Priya Natarajan",
        "Fabrikam",
        "Chief Revenue Officer",
        "priya@fabrikam.example",
        ("prospects",),
        "monthly",
    ),
    Person(
        "Kenji Watanabe",
        "Litware",
        "CTO",
        "kenji@litware.example",
        ("prospects",),
        "quarterly",
        birthday_in_days=6,
    ),
    Person(
        "Marcus O'Neil",
        "O'Neil Consulting",
        "Founder",
        "marcus@oneil-consulting.example",
        ("partners",),
        "monthly",
        met="Introduced half my pipeline",
    ),
    Person(
        "Ana Souza",
        "Tailspin Toys",
        "Account Executive",
        "ana@tailspin.example",
        ("customers",),
        "weekly",
    ),
    Person(
        "Greta Lindqvist",
        "Adventure Works",
        "Director, IT Operations",
        "greta@adventure-works.example",
        ("customers/enterprise",),
        "3w",
    ),
    Person(
        "Omar Haddad",
        "Wide World Importers",
        "Buyer",
        "omar.haddad@wwi.example",
        ("customers",),
        "monthly",
        met="Calls after 3pm",
    ),
    Person(
        "Li Lei",
        "Blue Yonder Airlines",
        "Procurement Lead",
        "li.lei@blueyonder.example",
        ("prospects",),
        None,
    ),
    Person(
        "Jürgen Müller",
        "Blue Yonder Airlines",
        "Fleet Analytics Manager",
        "juergen.mueller@blueyonder.example",
        ("prospects",),
        "monthly",
    ),
)

# (days ago, hour, who, others, channel, note, my follow-up: (due in days from then, text))
CONVERSATIONS: tuple[
    tuple[int, int, str, tuple[str, ...], str, str, tuple[int, str] | None], ...
] = (
    (
        41,
        10,
        "Dana Reyes",
        (),
        "meeting",
        "Kick-off for the renewal. Security review is the gate; legal wants a DPA.",
        (7, "Send the DPA template"),
    ),
    (
        38,
        15,
        "Marcus O'Neil",
        (),
        "call",
        "Marcus offered an intro to Greta at Adventure Works.",
        None,
    ),
    (
        35,
        11,
        "Greta Lindqvist",
        ("Marcus O'Neil",),
        "meeting",
        "Intro call with Marcus. Greta runs IT ops, budget cycle starts in January.",
        (14, "Send the uptime report"),
    ),
    (
        30,
        9,
        "Priya Natarajan",
        (),
        "email",
        "Priya asked for pricing for 40 seats; wants to pilot with one team first.",
        (5, "Send a pilot proposal"),
    ),
    (
        26,
        16,
        "Omar Haddad",
        (),
        "call",
        "Omar's shipment volumes doubled; interested in the analytics add-on.",
        None,
    ),
    (
        21,
        14,
        "José Núñez",
        (),
        "call",
        "Quarterly check-in. Happy with support; wants a roadmap session.",
        (10, "Book the roadmap session"),
    ),
    (
        19,
        10,
        "Kenji Watanabe",
        (),
        "event",
        "Met at the Tokyo cloud meetup. Curious about the API rate limits.",
        None,
    ),
    (
        14,
        11,
        "Dana Reyes",
        (),
        "call",
        "Renewal talk; needs the SOC2 report before signing.",
        (9, "Send the SOC2 report"),
    ),
    (
        12,
        17,
        "Ana Souza",
        (),
        "message",
        "Ana moved her team to the new workspace; two seats to add.",
        None,
    ),
    (
        9,
        13,
        "Priya Natarajan",
        (),
        "meeting",
        "Pilot kick-off with her ops team. Weekly check-ins agreed.",
        (10, "Share pilot metrics"),
    ),
    (
        6,
        9,
        "Jürgen Müller",
        (),
        "email",
        "Jürgen asked for the fleet analytics case study.",
        (3, "Send the case study"),
    ),
    (
        3,
        15,
        "Dana Reyes",
        ("Marcus O'Neil",),
        "event",
        "Three-way lunch: Marcus pitched a joint workshop for Northwind.",
        None,
    ),
    (
        1,
        10,
        "Omar Haddad",
        (),
        "call",
        "Walked through the add-on; he will talk to finance.",
        (6, "Send the add-on quote"),
    ),
)

# (days ago made, who, text, due in days from then, theirs, settled: (days after due, done?))
PROMISES: tuple[tuple[int, str, str, int, bool, tuple[int, bool] | None], ...] = (
    (41, "Dana Reyes", "Loop in their security team", 5, True, (0, True)),
    (30, "Priya Natarajan", "Confirm the pilot team", 7, True, (-2, True)),
    (21, "José Núñez", "Send the reference customer list", 14, True, None),
    (12, "Greta Lindqvist", "Share the January budget timeline", 10, True, None),
    (8, "Marcus O'Neil", "Draft the workshop agenda", 9, False, None),
)

# Promises from CONVERSATIONS settled: (who, days after due it was kept; None = still open)
KEPT = {
    "Send the DPA template": 0,
    "Send the uptime report": 4,
    "Send a pilot proposal": -1,
    "Book the roadmap session": 2,
}


def _at(now: datetime, days_ago: int, hour: int) -> datetime:
    return (now - timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0, microsecond=0)


def build(store: Store, now: datetime) -> None:
    """Fill an empty database with the demo's weeks, as if lived up to ``now``."""
    start = _at(now, 45, 9)
    for person in PEOPLE:
        birthday = None
        if person.birthday_in_days is not None:
            day = (now + timedelta(days=person.birthday_in_days)).date()
            birthday = f"{person.birth_year}-{day:%m-%d}" if person.birth_year else f"--{day:%m-%d}"
        contacts.add(
            store,
            contacts.ContactChanges(
                name=person.name,
                company=person.company,
                title=person.title,
                emails=[person.email],
                tags=list(person.tags),
                every=person.every,
                birthday=birthday,
                met=person.met,
            ),
            start,
        )
    contacts.edit(store, "Greta Lindqvist", contacts.ContactChanges(via="Marcus O'Neil"), start)

    for days_ago, hour, who, others, channel, note, follow_up in CONVERSATIONS:
        moment = _at(now, days_ago, hour)
        due_text = None
        about = None
        if follow_up:
            due_text = (moment + timedelta(days=follow_up[0])).date().isoformat()
            about = follow_up[1]
        conversations.log(
            store,
            moment,
            contact=who,
            note=note,
            with_=list(others),
            channel=channel,
            follow_up=due_text,
            about=about,
        )

    for days_ago, who, text, due_in, theirs, settled in PROMISES:
        moment = _at(now, days_ago, 12)
        due_day = (moment + timedelta(days=due_in)).date()
        made = promises.add(
            store, moment, contact=who, text=text, due=due_day.isoformat(), theirs=theirs
        )
        if settled:
            when = datetime.combine(due_day + timedelta(days=settled[0]), moment.timetz())
            promises.done(store, min(when, now), made.id)

    for promise in promises.listing(store, now, promises.PromiseFilter(mine=True)):
        if promise.text in KEPT:
            when = datetime.combine(
                promise.due_on + timedelta(days=KEPT[promise.text]), now.timetz().replace(hour=16)
            )
            promises.done(store, min(when, now), promise.id)
