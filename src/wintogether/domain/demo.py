"""A realistic few weeks of a seller's life, for trying the tool out.

Everything is dated relative to ``now``, so the demo always looks current, and
nothing is random: the same day gives the same database, which is what the
pictures in the README are made from. It is built through the same domain
functions the commands use, so it exercises the real rules (a conversation
resets the rhythm, a re-imported LinkedIn file records a job change…).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from wintogether.domain import contacts, conversations, deals, importing, ledger, plan, promises
from wintogether.store import Store


@dataclass(frozen=True)
class Person:
    name: str
    company: str
    title: str
    email: str
    tag: str
    every: str | None = None
    birthday_in_days: int | None = None  # from today; None: no birthday known
    birth_year: int | None = None
    met: str | None = None
    linkedin: str | None = None


# fmt: off
PEOPLE = (
    Person("Dana Reyes", "Northwind Traders", "Head of Procurement",
           "dana.reyes@northwind.example", "customers/enterprise", "2w", met="SaaStr 2024"),
    Person("José Núñez", "Contoso, Ltd.", "VP Sales", "jose@contoso.example", "customers",
           "monthly", birthday_in_days=3, birth_year=1979),
    Person("Priya Natarajan", "Fabrikam", "Chief Revenue Officer", "priya@fabrikam.example",
           "prospects", "monthly"),
    Person("Kenji Watanabe", "Litware", "CTO", "kenji@litware.example", "prospects",
           "quarterly", birthday_in_days=6),
    Person("Marcus O'Neil", "O'Neil Consulting", "Founder", "marcus@oneil-consulting.example",
           "partners", "monthly", met="Introduced half my pipeline"),
    Person("Ana Souza", "Tailspin Toys", "Account Executive", "ana@tailspin.example",
           "customers", "weekly"),
    Person("Greta Lindqvist", "Adventure Works", "Director, IT Operations",
           "greta@adventure-works.example", "customers/enterprise", "3w"),
    Person("Omar Haddad", "Wide World Importers", "Buyer", "omar.haddad@wwi.example",
           "customers", "monthly", met="Prefers calls after 3pm"),
    Person("Li Lei", "Blue Yonder Airlines", "Procurement Lead", "li.lei@blueyonder.example",
           "prospects", linkedin="https://www.linkedin.com/in/lilei"),
    Person("Jürgen Müller", "Blue Yonder Airlines", "Fleet Analytics Manager",
           "juergen.mueller@blueyonder.example", "prospects", "monthly"),
    Person("Hannah Schmidt", "Northwind Traders", "VP Finance",
           "hannah.schmidt@northwind.example", "customers/enterprise"),
    Person("Victor Lang", "Northwind Traders", "Head of IT Security",
           "victor.lang@northwind.example", "customers/enterprise"),
)

#: The Northwind account: (who, their part in it, whom they report to). Marcus
#: introduced Hannah, and lunched with Dana: the warm path into the account.
ACCOUNT: tuple[tuple[str, str, str | None], ...] = (
    ("Hannah Schmidt", "economic-buyer", None),
    ("Dana Reyes", "champion", "Hannah Schmidt"),
    ("Victor Lang", "blocker", "Hannah Schmidt"),
)

# (days ago, hour, who, others, channel, note, my follow-up: (due days later, what))
CONVERSATIONS: tuple[tuple[int, int, str, tuple[str, ...], str, str,
                           tuple[int, str] | None], ...] = (
    (41, 10, "Dana Reyes", (), "meeting",
     "Kick-off for the renewal. Security review is the gate; legal wants a DPA.",
     (7, "Send the DPA template")),
    (38, 15, "Marcus O'Neil", (), "call",
     "Marcus offered an intro to Greta at Adventure Works.", None),
    (35, 11, "Greta Lindqvist", ("Marcus O'Neil",), "meeting",
     "Intro call with Marcus. Greta runs IT ops; budget cycle starts in January.",
     (14, "Send the uptime report")),
    (30, 9, "Priya Natarajan", (), "email",
     "Priya asked for pricing for 40 seats; wants to pilot with one team first.",
     (5, "Send a pilot proposal")),
    (24, 11, "Hannah Schmidt", (), "meeting",
     "Budget review: Hannah signs off anything above 50k.", None),
    (17, 14, "Victor Lang", (), "call",
     "Security review: Victor wants SSO and audit logs before any renewal.", None),
    (26, 16, "Omar Haddad", (), "call",
     "Omar's shipment volumes doubled; interested in the analytics add-on.", None),
    (21, 14, "José Núñez", (), "call",
     "Quarterly check-in. Happy with support; wants a roadmap session.",
     (10, "Book the roadmap session")),
    (19, 10, "Kenji Watanabe", (), "event",
     "Met at the Tokyo cloud meetup. Curious about the API rate limits.", None),
    (14, 11, "Dana Reyes", (), "call",
     "Renewal talk; needs the SOC2 report before signing.", (9, "Send the SOC2 report")),
    (12, 17, "Ana Souza", (), "message",
     "Ana moved her team to the new workspace; two seats to add.", None),
    (9, 13, "Priya Natarajan", (), "meeting",
     "Pilot kick-off with her ops team. Weekly check-ins agreed.", (10, "Share pilot metrics")),
    (6, 9, "Jürgen Müller", (), "email",
     "Jürgen asked for the fleet analytics case study.", (3, "Send the case study")),
    (3, 15, "Dana Reyes", ("Marcus O'Neil",), "event",
     "Three-way lunch: Marcus pitched a joint workshop for Northwind.", None),
    (1, 10, "Omar Haddad", (), "call",
     "Walked through the add-on; he will talk to finance.", (6, "Send the add-on quote")),
)

# Follow-ups from CONVERSATIONS that were kept, and how many days after the due day.
KEPT = {
    "Send the DPA template": 0,
    "Send the uptime report": 4,
    "Send a pilot proposal": -1,
    "Book the roadmap session": 2,
}

# (days ago made, who, what they promised me, due days later, kept days after due or None)
THEIR_PROMISES: tuple[tuple[int, str, str, int, int | None], ...] = (
    (41, "Dana Reyes", "Loop in their security team", 5, 0),
    (30, "Priya Natarajan", "Confirm the pilot team", 7, -2),
    (21, "José Núñez", "Send the reference customer list", 14, None),
    (12, "Greta Lindqvist", "Share the January budget timeline", 10, None),
)

# (days ago, gave/got, who, kind, what, intro to)
LEDGER: tuple[tuple[int, str, str, str, str, str | None], ...] = (
    (140, "got", "Marcus O'Neil", "referral", "Referred me to Wide World Importers", None),
    (100, "got", "Marcus O'Neil", "referral", "Referred me to Tailspin Toys", None),
    (38, "got", "Marcus O'Neil", "intro", "Introduced me to Greta at Adventure Works", None),
    (20, "gave", "Dana Reyes", "advice", "Shared our SOC2 readiness checklist", None),
    (16, "gave", "Omar Haddad", "intro", "Introduced Omar to a customs broker", "Ana Souza"),
    (10, "got", "José Núñez", "referral", "Put me forward to Contoso's EMEA team", None),
)
# fmt: on

MY_OPEN_PROMISE = (8, "Marcus O'Neil", "Draft the workshop agenda", 9)
WIN = (
    5,
    "José Núñez",
    "Renewed two years early with the analytics add-on, at last year's price",
    "Largest renewal of the quarter",
)
#: One deal mid-plan: the buyer's security review and my DPA redlines are late.
DEAL = ("Wide World analytics add-on", "Omar Haddad", 60,
        "Shipment analytics before their peak season", "The add-on on a 2-year term")  # fmt: skip
# (days ago added, step, owner, due in days (negative: past), after step, done days ago, milestone)
PLAN: tuple[tuple[int, str, str, int, int | None, int | None, bool], ...] = (
    (30, "Send the add-on proposal", "me", -25, None, 26, False),
    (30, "Security review done", "them", -6, 1, None, False),
    (30, "Send the DPA redlines", "me", -3, None, None, False),
    (30, "Finance approval", "them", 14, 2, None, False),
    (30, "Order form signed", "them", 45, 4, None, True),
    (30, "Add-on live", "me", 60, 5, None, True),
)  # fmt: skip
#: Two days ago the seller re-imported LinkedIn: Li Lei has moved on.
LINKEDIN_AGAIN = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Li,Lei,https://www.linkedin.com/in/lilei,,Wide World Importers,Head of Procurement,"
    "15 Jul 2022\n"
)


def _at(now: datetime, days_ago: int, hour: int = 12) -> datetime:
    moment = now - timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _birthday(person: Person, now: datetime) -> str | None:
    if person.birthday_in_days is None:
        return None
    day = (now + timedelta(days=person.birthday_in_days)).date()
    return f"{person.birth_year}-{day:%m-%d}" if person.birth_year else f"--{day:%m-%d}"


def build(store: Store, now: datetime) -> None:
    """Fill an empty database with the demo's weeks, as if lived up to ``now``."""
    start = _at(now, 150, 9)
    for person in PEOPLE:
        changes = contacts.ContactChanges(
            name=person.name, company=person.company, title=person.title,
            emails=[person.email], tags=[person.tag], every=person.every,
            birthday=_birthday(person, now), met=person.met, linkedin=person.linkedin,
        )  # fmt: skip
        contacts.add(store, changes, start)
    contacts.edit(store, "Greta Lindqvist", contacts.ContactChanges(via="Marcus O'Neil"), start)
    contacts.edit(store, "Hannah Schmidt", contacts.ContactChanges(via="Marcus O'Neil"), start)
    for who, role, manager in ACCOUNT:
        contacts.edit(store, who, contacts.ContactChanges(role=role, reports_to=manager), start)

    for days_ago, direction, who, kind, text, to in LEDGER:
        ledger.record(store, _at(now, days_ago), direction=direction, contact=who, text=text,
                      kind=kind, to=to)  # fmt: skip

    for days_ago, hour, who, others, channel, note, follow_up in CONVERSATIONS:
        moment = _at(now, days_ago, hour)
        due = (moment + timedelta(days=follow_up[0])).date().isoformat() if follow_up else None
        conversations.log(
            store, moment, contact=who, note=note, with_=list(others), channel=channel,
            follow_up=due, about=follow_up[1] if follow_up else None,
        )  # fmt: skip

    for days_ago, who, text, due_in, kept_after in THEIR_PROMISES:
        made = _at(now, days_ago)
        due_day = (made + timedelta(days=due_in)).date()
        promise = promises.add(store, made, contact=who, text=text, due=due_day.isoformat(),
                               theirs=True)  # fmt: skip
        if kept_after is not None:
            kept = datetime.combine(due_day + timedelta(days=kept_after), made.timetz())
            promises.done(store, min(kept, now), promise.id)

    days_ago, who, text, due_in = MY_OPEN_PROMISE
    made = _at(now, days_ago)
    promises.add(store, made, contact=who, text=text,
                 due=(made + timedelta(days=due_in)).date().isoformat())  # fmt: skip
    for promise in promises.listing(store, now, promises.PromiseFilter(mine=True)):
        if promise.text in KEPT:
            kept = datetime.combine(promise.due_on + timedelta(days=KEPT[promise.text]),
                                    now.timetz().replace(hour=16))  # fmt: skip
            promises.done(store, min(kept, now), promise.id)

    days_ago, who, theirs, mine = WIN
    ledger.win(store, _at(now, days_ago), contact=who, theirs=theirs, mine=mine)

    _meetings(store, now)
    _deal(store, now)

    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "Connections.csv"
        export.write_text(LINKEDIN_AGAIN, encoding="utf-8")
        importing.import_file(store, export, _at(now, 2, 8), fmt="linkedin")


#: Meetings ahead, as `wt scan` would have copied them from a calendar:
#: (summary, hour (None: two hours from now), days ahead, minutes, attendees).
MEETINGS: tuple[tuple[str, int | None, int, int, tuple[tuple[str, str], ...]], ...] = (
    ("Renewal QBR", None, 0, 60, (("dana.reyes@northwind.example", "Dana Reyes"),
                                  ("marcus@oneil-consulting.example", "Marcus O'Neil"),
                                  ("sam.lee@northwind.example", "Sam Lee"))),
    ("Pilot check-in", 10, 1, 30, (("priya@fabrikam.example", "Priya Natarajan"),)),
)  # fmt: skip


def _meetings(store: Store, now: datetime) -> None:
    """The demo's calendar: a meeting later today (`wt brief`; under way when the
    demo is built late in the evening) and one tomorrow."""
    from wintogether.clock import to_utc_iso
    from wintogether.store.capture import MeetingRow, replace_meetings

    local = now.astimezone()
    rows = []
    for summary, hour, days, minutes, people in MEETINGS:
        if hour is None:  # later today: 15:00, or two hours from now when that is past
            start = local.replace(hour=15, minute=0, second=0, microsecond=0)
            if start < local + timedelta(hours=1):
                start = (local + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
            if start.date() != local.date():  # late evening: today's meeting is under way
                start = local.replace(minute=0, second=0, microsecond=0)
        else:
            start = (local + timedelta(days=days)).replace(
                hour=hour, minute=0, second=0, microsecond=0
            )
        key = f"demo-{summary.lower().replace(' ', '-')}|{start.isoformat()}"
        end = start + timedelta(minutes=minutes)
        rows.append(
            MeetingRow(
                key, "demo", to_utc_iso(start), to_utc_iso(end), False, summary, list(people)
            )
        )
    with store.write():
        replace_meetings(store, "demo", to_utc_iso(local - timedelta(days=1)), rows)


def _deal(store: Store, now: datetime) -> None:
    title, who, target_in, they_win, we_win = DEAL
    opened = _at(now, 31, 10)
    target = (now + timedelta(days=target_in)).date().isoformat()
    deal = deals.add(store, opened, title=title, with_=[who], target=target,
                     they_win=they_win, we_win=we_win)  # fmt: skip
    for days_ago, text, owner, due_in, after, done_ago, milestone in PLAN:
        due = (now + timedelta(days=due_in)).date().isoformat()
        step = plan.add_step(store, _at(now, days_ago, 11), str(deal.id), text, owner=owner,
                             due=due, after=str(after) if after else None,
                             milestone=milestone)  # fmt: skip
        if done_ago is not None:
            plan.settle_step(store, _at(now, done_ago, 15), str(deal.id), str(step.number),
                             "done", None)  # fmt: skip


def prepare(path: Path, now: datetime, *, reset: bool = False) -> bool:
    """The demo database at ``path``, built unless it is there (``reset``: thrown
    away and rebuilt). Returns whether it was built now."""
    from wintogether.store import open_store

    if reset:
        for leftover in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
    fresh = not path.exists()
    store, _ = open_store(path, create=True)
    try:
        if fresh:
            build(store, now)
    finally:
        store.close()
    return fresh
