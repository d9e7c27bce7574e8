"""Generate a realistic wintogether database at a chosen scale, deterministically.

The database is created through the real store (``open_store(create=True)``),
so it has the real schema, pragmas and migrations. Rows go in with
``executemany`` inside ONE write transaction (not journaled for undo). The
full-text triggers stay live, as in real use. The insert trigger that keeps
``contacts.last_touch_at`` is dropped for the load and recreated from its own
stored SQL after one ``UPDATE`` computes every value as the trigger would:
that trigger re-reads the contact's whole history on each insert, right for
one ``wt log`` and quadratic for a bulk load (34 s against 2.3 s of inserts at
the small scale; ``--live-triggers`` keeps it live, and a test checks both
give the same rows). The triggers that keep the per-contact standings
(store/standings.py) are dropped and recreated the same way, after one rebuild.
See docs/performance.md.

Usage::

    python benchmarks/generate.py /tmp/large.db --scale large
    python benchmarks/generate.py /tmp/tiny.db --contacts 50 --conversations 400 \\
        --promises 60 --ledger 30

Next to the database it writes ``<db>.config.toml`` (per-tag cadences, used as
``WINTOGETHER_CONFIG``) and ``<db>.json`` (what the benchmarks need: the busiest
contact's name, a word to search for, the pinned "now").

The same seed and sizes always give the same rows (uids included), so numbers
from two machines describe the same data.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import random
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_NOW = "2026-11-28T10:00:00+00:00"

SCALES: dict[str, dict[str, int]] = {
    "large": {"contacts": 10_000, "conversations": 500_000, "promises": 50_000, "ledger": 20_000},
    "small": {"contacts": 1_000, "conversations": 50_000, "promises": 5_000, "ledger": 2_000},
}

#: The contact the benchmarks show and log against: the busiest relationship.
STAR_NAME = "Dana Reyes"
STAR_COMPANY = "Northwind Traders"
#: The star's company is a big account: every 50th contact works there, up to
#: this many people (200 at the large scale), in a reporting tree five wide.
ACCOUNT_PEOPLE = 200
ACCOUNT_ROLES = ("champion", "decision-maker", "influencer", "user", "user", "blocker", "other")
#: People who left the big account (job changes), for `wt company` and `wt path`.
ACCOUNT_LEAVERS = 10
#: A word that occurs in a realistic share of notes (see NOTE_PARTS), for `wt search`.
SEARCH_WORD = "renewal"

FIRST = [
    "Aaliyah",
    "Aaron",
    "Abigail",
    "Adam",
    "Adrian",
    "Aisha",
    "Alan",
    "Alejandro",
    "Alex",
    "Alice",
    "Amara",
    "Amelia",
    "Amir",
    "Ana",
    "Andre",
    "Andrea",
    "Angela",
    "Anika",
    "Anna",
    "Anton",
    "Arjun",
    "Ava",
    "Beatriz",
    "Ben",
    "Bianca",
    "Brian",
    "Bruno",
    "Caleb",
    "Camila",
    "Carlos",
    "Carmen",
    "Caroline",
    "Chen",
    "Chloe",
    "Chris",
    "Claire",
    "Daniel",
    "David",
    "Deepa",
    "Diego",
    "Dmitri",
    "Elena",
    "Eli",
    "Elif",
    "Emma",
    "Erik",
    "Ethan",
    "Eva",
    "Fatima",
    "Felix",
    "Fiona",
    "Francesca",
    "Gabriel",
    "Grace",
    "Hannah",
    "Hassan",
    "Helen",
    "Hiro",
    "Ian",
    "Ines",
    "Isaac",
    "Isabel",
    "Ivan",
    "Jack",
    "Jade",
    "James",
    "Jana",
    "Javier",
    "Jin",
    "Joanna",
    "José",
    "Julia",
    "Kai",
    "Karen",
    "Karim",
    "Kate",
    "Kenji",
    "Laila",
    "Lars",
    "Laura",
    "Leo",
    "Lina",
    "Lucas",
    "Lucía",
    "Maya",
    "Mehmet",
    "Mei",
    "Mia",
    "Michael",
    "Mina",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Nina",
    "Noah",
    "Olga",
    "Omar",
    "Oscar",
    "Paula",
    "Pedro",
    "Priya",
    "Rafael",
    "Rania",
    "Ravi",
    "Rosa",
    "Ruth",
    "Sam",
    "Sara",
    "Sebastian",
    "Sofia",
    "Sophie",
    "Stefan",
    "Tariq",
    "Thomas",
    "Tomás",
    "Uma",
    "Valentina",
    "Victor",
    "Wei",
    "Yara",
    "Yusuf",
    "Zara",
    "Zoë",
]
LAST = [
    "Abbott",
    "Adeyemi",
    "Alvarez",
    "Andersen",
    "Bauer",
    "Becker",
    "Bianchi",
    "Brennan",
    "Brooks",
    "Campbell",
    "Castro",
    "Chandra",
    "Chen",
    "Cohen",
    "Costa",
    "Dąbrowski",
    "Davies",
    "Dubois",
    "Duarte",
    "Eriksson",
    "Evans",
    "Fischer",
    "Fitzgerald",
    "Flores",
    "Garcia",
    "Gomez",
    "Gonzalez",
    "Grant",
    "Gupta",
    "Haddad",
    "Hansen",
    "Hayes",
    "Hoffmann",
    "Hughes",
    "Ibrahim",
    "Ito",
    "Jansen",
    "Jensen",
    "Johansson",
    "Kaplan",
    "Kaur",
    "Keller",
    "Khan",
    "Kim",
    "Kowalski",
    "Kumar",
    "Larsen",
    "Laurent",
    "Lee",
    "Lindqvist",
    "Lopez",
    "Maier",
    "Martin",
    "Meyer",
    "Moreau",
    "Müller",
    "Murphy",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Nowak",
    "O'Brien",
    "O'Neil",
    "Okafor",
    "Olsen",
    "Park",
    "Patel",
    "Perez",
    "Petrov",
    "Popescu",
    "Quinn",
    "Ramos",
    "Reyes",
    "Richter",
    "Rossi",
    "Russo",
    "Santos",
    "Sato",
    "Schmidt",
    "Schneider",
    "Silva",
    "Singh",
    "Sørensen",
    "Suzuki",
    "Tanaka",
    "Torres",
    "Tran",
    "Vargas",
    "Vogel",
    "Wagner",
    "Walsh",
    "Weber",
    "Wong",
    "Yamamoto",
    "Yilmaz",
    "Zhang",
    "Zimmermann",
]
COMPANY_A = [
    "North",
    "Blue",
    "Bright",
    "Clear",
    "Summit",
    "Harbor",
    "Iron",
    "Silver",
    "Green",
    "Red",
    "Granite",
    "Cedar",
    "Pacific",
    "Atlas",
    "Polar",
    "Vertex",
    "Nimbus",
    "Copper",
    "Orbit",
    "Quantum",
    "Beacon",
    "Lumen",
    "Aurora",
    "Meridian",
    "Keystone",
]
COMPANY_B = [
    "wind",
    "field",
    "stone",
    "bridge",
    "path",
    "line",
    "point",
    "wave",
    "forge",
    "works",
    "peak",
    "river",
    "gate",
    "light",
]
COMPANY_C = [
    "Traders",
    "Labs",
    "Systems",
    "Logistics",
    "Health",
    "Analytics",
    "Consulting",
    "Foods",
    "Energy",
    "Capital",
    "Media",
    "Robotics",
    "Software",
    "Partners",
    "Bank",
    "Retail",
    "Insurance",
    "Pharma",
    "Group",
    "Studio",
]
TITLES = (
    "VP Sales",
    "Head of Procurement",
    "CTO",
    "CFO",
    "IT Director",
    "Operations Manager",
    "Founder",
    "Account Executive",
    "Product Lead",
    "Buyer",
    "Partner",
    "Head of Security",
    None,
    None,
)
HOW_MET = (
    "SaaStr 2019",
    "Web Summit",
    "cold email",
    "LinkedIn",
    "referral",
    "customer dinner",
    "trade show",
    "alumni event",
    None,
    None,
    None,
)
#: Tags and the rhythm the config gives some of them ("some per-tag cadences").
TAGS = (
    "customers",
    "customers/enterprise",
    "customers/smb",
    "prospects",
    "partners",
    "investors",
    "friends",
    "vendors",
    "alumni",
    "press",
    "conference/2024",
    "conference/2025",
)
TAG_CADENCES = {
    "customers": "monthly",
    "customers/enterprise": "2w",
    "prospects": "3w",
    "partners": "6w",
    "investors": "quarterly",
}
CADENCES = (7, 14, 30, 30, 60, 90, 90, 180, 365)
CHANNELS = ("call", "email", "meeting", "message", "social", "event", "note")
CHANNEL_WEIGHTS = (25, 30, 15, 15, 5, 3, 7)

NOTE_PARTS = (
    "Renewal talk; they need the SOC2 report before legal signs off.",
    "Quick catch-up on the pilot, usage is up 40% since the last QBR.",
    "Asked about pricing for the enterprise tier and seat minimums.",
    "Their budget cycle starts in March, so the renewal moves to Q2.",
    "Introduced me to their head of procurement, who wants a demo.",
    "Complained about the onboarding emails; promised to pass it on.",
    "Lunch near their office. Kids are starting school next month.",
    "Security questionnaire is back with three open items.",
    "Discussed the integration roadmap and the API rate limits.",
    "They are evaluating two competitors; price is not the main issue.",
    "Congratulated them on the new role. Wants to reconnect in January.",
    "Sent the case study and a draft of the mutual action plan.",
    "Champion is leaving the company; need a new sponsor.",
    "Talked through the renewal timeline and the multi-year discount.",
    "Conference hallway chat about hiring and the sales team's quota.",
    "Follow-up on the invoice dispute; finance will credit the difference.",
    "Shared notes from the board meeting, expansion is likely.",
    "Recommended a good book on negotiation; they recommended a podcast.",
    "Reference call for a prospect went well, owes nothing.",
    "Asked for a warm intro to someone at a logistics company.",
)
PROMISE_TEXTS = (
    "Send the SOC2 report",
    "Share pricing for 200 seats",
    "Intro to our solutions engineer",
    "Send the renewal quote",
    "Book a demo with procurement",
    "Send the case study",
    "Reply about the invoice credit",
    "Share the integration roadmap",
    "Send references",
    "Check in after their board meeting",
    "Send the signed order form",
    "Share the security questionnaire answers",
)
LEDGER_TEXTS = (
    ("intro", "Intro to a VP at a logistics company"),
    ("referral", "Referred a prospect from their network"),
    ("advice", "Advice on structuring a multi-year deal"),
    ("favour", "Reviewed their pitch deck"),
    ("gift", "Sent a book after the call"),
    ("deal", "Signed the renewal"),
    ("other", "Spoke on their webinar panel"),
)
KIND_WEIGHTS = (25, 20, 20, 15, 8, 7, 5)


@dataclass(frozen=True)
class Scale:
    contacts: int
    conversations: int
    promises: int
    ledger: int


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _names(rng: random.Random, count: int) -> list[str]:
    """Unique realistic names; the star contact is always first."""
    pool = [f"{first} {last}" for first in FIRST for last in LAST]
    pool = [name for name in pool if name != STAR_NAME]
    if count - 1 > len(pool):
        # More contacts than combinations: add middle initials (still realistic).
        extra = [
            f"{first} {chr(65 + i % 26)}. {last}"
            for i, (first, last) in enumerate((f, la) for f in FIRST for la in LAST)
        ]
        pool += extra
    return [STAR_NAME, *rng.sample(pool, count - 1)]


def _note(rng: random.Random) -> str:
    count = rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
    return " ".join(rng.sample(NOTE_PARTS, count))


def _suspend_touch_trigger(conn: sqlite3.Connection) -> list[str]:
    """Drop the insert trigger that keeps ``contacts.last_touch_at``; return its SQL.

    That trigger recomputes the contact's latest conversation on every
    participant row: right for one ``wt log``, quadratic for a bulk load of a
    key account's 50,000 conversations. The full-text triggers stay live. The
    trigger comes back from its own stored SQL, so the schema is unchanged.
    """
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND ("
        " (tbl_name = 'interaction_participants' AND sql LIKE '%last_touch_at%'"
        " AND sql LIKE '%AFTER INSERT%')"
        # The per-contact standings (store/standings.py): rebuilt in one pass after.
        " OR name LIKE 'standings\\_%' ESCAPE '\\')"
    ).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP TRIGGER "{name}"')
    return [sql for _, sql in rows]


def _restore_touch_trigger(conn: sqlite3.Connection, saved: list[str]) -> None:
    """Set every ``last_touch_at`` and standing in one pass (as the triggers
    would), then restore the triggers."""
    from wintogether.store import standings

    conn.execute(
        "UPDATE contacts SET last_touch_at = ("
        " SELECT max(i.happened_at) FROM interaction_participants p"
        " JOIN interactions i ON i.id = p.interaction_id WHERE p.contact_id = contacts.id)"
    )
    standings.rebuild_on(conn)
    for sql in saved:
        conn.execute(sql)


def job_change_text(title: str | None, company: str, old_company: str) -> str:
    """A job change's line as an import words it: "now VP Sales at Initech, was
    VP Sales at Initrode", and "now at Initech, was at Initrode" untitled."""
    role = f"{title} " if title else ""
    return f"now {role}at {company}, was {role}at {old_company}"


def _accounts(
    contact_rows: list[tuple[Any, ...]], stride: int, now: datetime
) -> tuple[list[tuple[Any, ...]], dict[int, tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Company records for the contacts' company texts (matched as `wt` matches them),
    each contact's (company id, role, manager), and job changes out of the big account.

    Deterministic without random draws: uids from the names, roles in turn, each
    account member reporting to the one five places up the list.
    """
    from wintogether.store.companies import company_key

    ids: dict[str, int] = {}
    companies: list[tuple[Any, ...]] = []
    columns: dict[int, tuple[Any, ...]] = {}
    members = [row[0] for row in contact_rows if row[0] % stride == 1]
    position = {cid: n for n, cid in enumerate(members)}
    for row in contact_rows:
        cid, text, created = row[0], row[3], row[11]
        company_id = None
        if text:
            key = company_key(text)
            if key not in ids:
                ids[key] = len(companies) + 1
                uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"wintogether-company:{key}"))
                companies.append((ids[key], uid, text, key, created, created))
            company_id = ids[key]
        role = manager = None
        if cid in position:
            n = position[cid]
            role = "economic-buyer" if n == 0 else ACCOUNT_ROLES[n % len(ACCOUNT_ROLES)]
            manager = members[(n - 1) // 5] if n else None
        columns[cid] = (company_id, role, manager)
    leavers = [row for row in contact_rows if row[0] % stride == 2 and row[3]]
    events = []
    for n, row in enumerate(leavers[:ACCOUNT_LEAVERS]):
        when = _iso(now - timedelta(days=30 * (n + 1)))
        old = json.dumps({"company": STAR_COMPANY, "title": row[4]})
        new = json.dumps({"company": row[3], "title": row[4]})
        uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"wintogether-leaver:{row[0]}"))
        text = job_change_text(row[4], row[3], STAR_COMPANY)
        events.append((uid, row[0], "job_change", text, old, new, when, when, when))
    return companies, columns, events


DEAL_KINDS = ("renewal", "expansion", "pilot", "migration")
DEAL_STEPS = (
    ("Discovery call", "me"),
    ("Security questionnaire returned", "them"),
    ("Send the proposal", "me"),
    ("Security review done", "them"),
    ("Legal review", "them"),
    ("Send the DPA redlines", "me"),
    ("Order form signed", "them"),
    ("Kickoff", "me"),
)


def _deals(
    rng: random.Random,
    scale: Scale,
    contact_rows: list[tuple[object, ...]],
    promises_before: int,
    now: datetime,
) -> tuple[list[tuple[object, ...]], ...]:
    """One deal per 50 contacts (the busiest contact's first), each with a plan of
    four to eight steps that wait for each other; a quarter of them closed.
    Returns the deal rows, their people, the steps' promises and the steps."""
    today = now.date()
    deals, people, promises, steps = [], [], [], []
    promise_id = promises_before
    step_id = 0
    for deal_id in range(1, max(1, scale.contacts // 50) + 1):
        first = 1 if deal_id == 1 else rng.randint(2, scale.contacts)
        company = str(contact_rows[first - 1][3] or "Northwind Traders")
        made = now - timedelta(days=rng.randint(10, 400))
        status = "open" if deal_id == 1 or rng.random() < 0.75 else rng.choice(("won", "lost"))
        target = (
            today + timedelta(days=rng.randint(10, 120))
            if status == "open"
            else made.date() + timedelta(days=rng.randint(30, 120))
        )
        closed = _iso(made + timedelta(days=rng.randint(30, 120))) if status != "open" else None
        stamp = closed or _iso(made)
        deals.append(
            (
                deal_id,
                _uid(rng),
                f"{company} {rng.choice(DEAL_KINDS)}",
                company,
                target.isoformat(),
                "SOC2-ready vendor before their audit",
                "3-year renewal, +20 seats" if rng.random() < 0.8 else None,
                status,
                closed,
                "Chose a cheaper vendor" if status == "lost" else None,
                None,
                _iso(made),
                stamp,
            )
        )
        who = [first, *rng.sample(range(2, scale.contacts + 1), rng.randint(0, 2))]
        for cid in dict.fromkeys(who):
            people.append((_uid(rng), deal_id, cid, _iso(made)))
        count = rng.randint(4, len(DEAL_STEPS))
        for position in range(1, count + 1):
            text, owner = DEAL_STEPS[position - 1]
            due = target - timedelta(days=(count - position) * rng.randint(5, 12))
            promise_id += 1
            step_id += 1
            done_at = None
            if due < today and (status != "open" or rng.random() < 0.7):
                done_at = _iso(
                    min(
                        now,
                        datetime.combine(due, made.timetz()) + timedelta(days=rng.randint(-3, 6)),
                    )
                )
            promise_status = "done" if done_at else ("cancelled" if status == "lost" else "open")
            promises.append(
                (
                    promise_id,
                    _uid(rng),
                    first,
                    text,
                    due.isoformat(),
                    owner,
                    promise_status,
                    done_at,
                    _iso(made),
                    done_at or _iso(made),
                )
            )
            steps.append(
                (
                    step_id,
                    _uid(rng),
                    deal_id,
                    promise_id,
                    position,
                    int(position in (count - 1, count)),
                    step_id - 1 if position > 1 else None,
                    _iso(made),
                )
            )
    return deals, people, promises, steps


def generate(
    path: Path,
    scale: Scale,
    *,
    seed: int = 6,
    now_text: str = DEFAULT_NOW,
    live_triggers: bool = False,
) -> dict[str, object]:
    """Create the database at ``path`` (must not exist) and return a summary."""
    from wintogether.store import open_store

    if path.exists():
        raise SystemExit(f"{path} exists; remove it first.")
    rng = random.Random(seed)
    now = datetime.fromisoformat(now_text).astimezone(UTC)
    start = now - timedelta(days=3652)
    span = (now - start).total_seconds()
    stamp = _iso(now)

    store, _ = open_store(path, create=True)
    conn = store.conn
    started = time.perf_counter()

    # -- contacts -----------------------------------------------------------
    names = _names(rng, scale.contacts)
    companies = [
        f"{rng.choice(COMPANY_A)}{rng.choice(COMPANY_B)} {rng.choice(COMPANY_C)}"
        for _ in range(max(1, scale.contacts // 6))
    ]
    created: list[datetime] = []
    contact_rows = []
    # No random draws for the account: every other row stays what it was.
    stride = scale.contacts // min(ACCOUNT_PEOPLE, max(1, scale.contacts // 50))
    for index, name in enumerate(names, start=1):
        # More contacts are added as the business grows: skew towards recent years.
        offset = span * (rng.random() ** 0.7) * 0.97
        if index == 1:
            offset = 86400.0 * 20  # the star: a customer from the first month
        when = start + timedelta(seconds=offset)
        created.append(when)
        company = STAR_COMPANY if index == 1 else rng.choice(companies)
        account = index % stride == 1
        if account:
            company = STAR_COMPANY
        if rng.random() < 0.3:
            year = rng.randint(1955, 2002)
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            birthday = (
                f"{year:04d}-{month:02d}-{day:02d}"
                if rng.random() < 0.65
                else f"--{month:02d}-{day:02d}"
            )
        else:
            birthday = None
        contact_rows.append(
            (
                index,
                _uid(rng),
                name,
                company if (rng.random() < 0.92 or account) else None,
                rng.choice(TITLES),
                rng.choice(HOW_MET),
                when.date().isoformat() if rng.random() < 0.3 else None,
                None,
                birthday,
                rng.choice(CADENCES) if rng.random() < 0.15 or index == 1 else None,
                "Prefers email; decision maker." if rng.random() < 0.1 else None,
                _iso(when),
                _iso(when),
                _iso(now - timedelta(days=rng.randint(1, 900))) if rng.random() < 0.03 else None,
            )
        )
    # Some were introduced by someone added earlier.
    contact_rows = [
        row[:7]
        + ((rng.randint(1, row[0] - 1),) if row[0] > 2 and rng.random() < 0.08 else (None,))
        + row[8:]
        for row in contact_rows
    ]
    company_rows, account_columns, leaver_events = _accounts(contact_rows, stride, now)
    contact_rows = [row + account_columns[row[0]] for row in contact_rows]
    emails, phones, urls, contact_tags = [], [], [], []
    for cid, name in enumerate(names, start=1):
        local = name.lower().replace(" ", ".").replace("'", "")
        for position in range(rng.choices((0, 1, 2), weights=(10, 75, 15))[0]):
            domain = "gmail.example" if position else f"co{cid % 997}.example"
            emails.append((_uid(rng), cid, f"{local}@{domain}", position, stamp))
        if rng.random() < 0.5:
            phones.append(
                (
                    _uid(rng),
                    cid,
                    f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                    0,
                    stamp,
                )
            )
        if rng.random() < 0.4:
            urls.append(
                (
                    _uid(rng),
                    cid,
                    "linkedin",
                    f"https://www.linkedin.com/in/{local.replace('.', '-')}-{cid}",
                    stamp,
                )
            )
        tags_here = rng.sample(
            range(1, len(TAGS) + 1), rng.choices((0, 1, 2, 3), weights=(20, 50, 25, 5))[0]
        )
        if cid == 1:
            tags_here = [1, 2]
        for tag_id in tags_here:
            contact_tags.append((_uid(rng), cid, tag_id, stamp))

    # -- conversations: a few key accounts get most of the talking ------------
    # Heavy-tailed but bounded: a key account's champion gets a few thousand
    # conversations over ten years (about one a working day), most people a few.
    weights = [min(rng.paretovariate(1.5), 200.0) for _ in names]
    weights[0] = max(weights) * 0.5  # the star: among the busiest relationships
    # Conversation times first: spread over the ten years, a little busier as
    # the business grows (about 1.25x the average rate at the end, i.e. some
    # 170 a day at the large scale); then who, among the contacts that existed
    # by then, weighted.
    order = sorted(range(scale.contacts), key=lambda i: created[i])
    created_at = [(created[i] - start).total_seconds() for i in order]
    cumulative = list(itertools.accumulate(weights[i] for i in order))
    conversations: list[tuple[float, list[int]]] = []
    for _ in range(scale.conversations):
        offset = max(span * (rng.random() ** 0.8), created_at[0])
        eligible = max(1, bisect.bisect_right(created_at, offset))
        pick = bisect.bisect_right(cumulative, rng.random() * cumulative[eligible - 1], 0, eligible)
        people = [order[min(pick, eligible - 1)] + 1]
        extra = rng.choices((0, 1, 2), weights=(85, 12, 3))[0]
        for _ in range(extra):
            other = order[rng.randrange(eligible)] + 1
            if other not in people:
                people.append(other)
        conversations.append((offset, people))
    # Logged in time order, like real use: ids grow with time.
    conversations.sort(key=lambda item: item[0])
    interaction_rows = []
    participant_rows = []
    for iid, (offset, people) in enumerate(conversations, start=1):
        when = _iso(start + timedelta(seconds=offset))
        interaction_rows.append(
            (
                iid,
                _uid(rng),
                when,
                rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0],
                _note(rng),
                when,
                when,
            )
        )
        for cid in people:
            participant_rows.append((_uid(rng), iid, cid, when))

    # -- promises: mine and theirs; kept on time, late, broken, still open ---
    promise_rows = []
    today = now.date()
    promise_sources = rng.sample(
        range(1, len(conversations) + 1), min(scale.promises, len(conversations))
    )
    promise_sources.sort()
    for iid in promise_sources:
        offset, people = conversations[iid - 1]
        made = start + timedelta(seconds=offset)
        due = made.date() + timedelta(days=rng.choice((1, 2, 3, 5, 7, 7, 14, 21, 30)))
        owner = "me" if rng.random() < 0.7 else "them"
        status, done_at, done_note = "open", None, None
        if due < today - timedelta(days=45):
            fate = rng.random()
            if fate < 0.68:  # kept on time
                status, done_at = (
                    "done",
                    made + timedelta(days=rng.uniform(0, (due - made.date()).days + 0.5)),
                )
            elif fate < 0.92:  # kept, late
                status, done_at = (
                    "done",
                    datetime.combine(due, made.timetz()) + timedelta(days=rng.randint(1, 20)),
                )
            elif fate < 0.998:  # broken, and admitted
                status, done_at, done_note = (
                    "cancelled",
                    datetime.combine(due, made.timetz()) + timedelta(days=rng.randint(1, 60)),
                    "No longer relevant",
                )
            # else: broken and forgotten, still open and long overdue
        elif due < today and rng.random() < 0.92:
            # The last six weeks: most done, some overdue and open.
            status, done_at = "done", made + timedelta(days=rng.uniform(0, 10))
        done_iso = _iso(min(done_at, now)) if done_at else None
        promise_rows.append(
            (
                _uid(rng),
                people[0],
                iid if rng.random() < 0.85 else None,
                rng.choice(PROMISE_TEXTS),
                due.isoformat(),
                owner,
                status,
                done_iso,
                done_note,
                _iso(made),
                done_iso or _iso(made),
            )
        )

    # -- ledger: favours given and received -----------------------------------
    ledger_rows = []
    for _ in range(scale.ledger):
        cid = rng.choices(range(1, scale.contacts + 1), weights=weights)[0]
        begin = (created[cid - 1] - start).total_seconds()
        when = _iso(start + timedelta(seconds=begin + (span - begin) * rng.random()))
        kind, text = rng.choices(LEDGER_TEXTS, weights=KIND_WEIGHTS)[0]
        ledger_rows.append(
            (_uid(rng), cid, rng.choice(("gave", "got")), kind, text, when, when, when)
        )
    deal_rows, deal_people, step_promises, step_rows = _deals(
        random.Random(seed + 1), scale, contact_rows, len(promise_rows), now
    )
    built = time.perf_counter() - started

    inserted = time.perf_counter()
    steps: dict[str, float] = {}

    def insert(table: str, sql: str, rows: list[tuple[object, ...]]) -> None:
        began = time.perf_counter()
        conn.executemany(sql, rows)
        steps[table] = round(time.perf_counter() - began, 2)

    # A bulk load is one big transaction: give it a page cache big enough that
    # SQLite does not spill dirty pages to the WAL half way (this connection only).
    conn.execute("PRAGMA cache_size = -262144")
    # One plain transaction, not a journaled command: ten years of made-up history
    # is nothing to `wt undo`, and journaling every row would double the file.
    with store.write_unjournaled():
        saved_triggers = [] if live_triggers else _suspend_touch_trigger(conn)
        insert(
            "companies",
            "INSERT INTO companies (id, uid, name, key, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            company_rows,
        )
        insert(
            "contacts",
            "INSERT INTO contacts (id, uid, name, company, title, how_met, met_on, introduced_by,"
            " birthday, cadence_days, notes, created_at, updated_at, archived_at, company_id,"
            " account_role, reports_to)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            contact_rows,
        )
        insert(
            "contact_events",
            "INSERT INTO contact_events (uid, contact_id, kind, text, old_value, new_value,"
            " happened_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            leaver_events,
        )
        insert(
            "contact_emails",
            "INSERT INTO contact_emails (uid, contact_id, email, position, updated_at) VALUES (?, ?, ?, ?, ?)",
            emails,
        )
        insert(
            "contact_phones",
            "INSERT INTO contact_phones (uid, contact_id, phone, position, updated_at) VALUES (?, ?, ?, ?, ?)",
            phones,
        )
        insert(
            "contact_urls",
            "INSERT INTO contact_urls (uid, contact_id, kind, url, updated_at) VALUES (?, ?, ?, ?, ?)",
            urls,
        )
        insert(
            "tags",
            "INSERT INTO tags (id, uid, name, updated_at) VALUES (?, ?, ?, ?)",
            [(i, _uid(rng), name, stamp) for i, name in enumerate(TAGS, start=1)],
        )
        insert(
            "contact_tags",
            "INSERT INTO contact_tags (uid, contact_id, tag_id, updated_at) VALUES (?, ?, ?, ?)",
            contact_tags,
        )
        insert(
            "interactions",
            "INSERT INTO interactions (id, uid, happened_at, channel, note, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            interaction_rows,
        )
        insert(
            "interaction_participants",
            "INSERT INTO interaction_participants (uid, interaction_id, contact_id, updated_at)"
            " VALUES (?, ?, ?, ?)",
            participant_rows,
        )
        insert(
            "promises",
            "INSERT INTO promises (uid, contact_id, interaction_id, text, due_on, owner, status,"
            " done_at, done_note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            promise_rows,
        )
        insert(
            "ledger",
            "INSERT INTO ledger (uid, contact_id, direction, kind, text, happened_at, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ledger_rows,
        )
        insert(
            "deals",
            "INSERT INTO deals (id, uid, title, company, target_on, they_win, we_win, status,"
            " closed_at, close_note, notes, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            deal_rows,
        )
        insert(
            "deal_people",
            "INSERT INTO deal_people (uid, deal_id, contact_id, updated_at) VALUES (?, ?, ?, ?)",
            deal_people,
        )
        insert(
            "deal_promises",
            "INSERT INTO promises (id, uid, contact_id, interaction_id, text, due_on, owner,"
            " status, done_at, done_note, created_at, updated_at)"
            " VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, NULL, ?, ?)",
            step_promises,
        )
        insert(
            "deal_steps",
            "INSERT INTO deal_steps (id, uid, deal_id, promise_id, position, milestone,"
            " after_step_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            step_rows,
        )
        if saved_triggers:
            began = time.perf_counter()
            _restore_touch_trigger(conn, saved_triggers)
            steps["last_touch_at"] = round(time.perf_counter() - began, 2)
    # No ANALYZE: databases made by `wt` have no planner statistics, and the
    # benchmarks must see the query plans real users get.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    written = time.perf_counter() - inserted

    config = path.with_name(path.name + ".config.toml")
    config.write_text(
        '[cadence]\ndefault = "90d"\n\n[cadence.tags]\n'
        + "".join(f'"{tag}" = "{every}"\n' for tag, every in TAG_CADENCES.items()),
        encoding="utf-8",
    )
    summary: dict[str, object] = {
        "db": str(path),
        "config": str(config),
        "now": now_text,
        "seed": seed,
        "contacts": scale.contacts,
        "conversations": scale.conversations,
        "participants": len(participant_rows),
        "promises": len(promise_rows),
        "open_promises": sum(1 for row in promise_rows if row[6] == "open"),
        "ledger": scale.ledger,
        "deals": len(deal_rows),
        "deal_steps": len(step_rows),
        "deal": "1" if deal_rows else None,  # by id: titles repeat across a big database
        "star": STAR_NAME,
        "star_company": STAR_COMPANY,
        "account_people": sum(1 for row in contact_rows if row[15] is not None),
        "star_conversations": sum(1 for row in participant_rows if row[2] == 1),
        "search_word": SEARCH_WORD,
        "build_seconds": round(built, 2),
        "live_triggers": live_triggers,
        "insert_steps": steps,
        "insert_seconds": round(written, 2),
        "bytes": path.stat().st_size,
    }
    path.with_name(path.name + ".json").write_text(
        json.dumps(summary, indent=2) + "\n", encoding="utf-8"
    )
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path, help="database file to create (must not exist)")
    parser.add_argument(
        "--scale", choices=sorted(SCALES), help="preset sizes (large = ten years of a busy seller)"
    )
    parser.add_argument("--contacts", type=int)
    parser.add_argument("--conversations", type=int)
    parser.add_argument("--promises", type=int)
    parser.add_argument("--ledger", type=int)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--now",
        default=os.environ.get("WINTOGETHER_NOW", DEFAULT_NOW),
        help="end of the ten years (default: $WINTOGETHER_NOW or %(default)s)",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    parser.add_argument(
        "--live-triggers",
        action="store_true",
        help="keep every trigger live during the load (slow: quadratic for busy contacts)",
    )
    args = parser.parse_args(argv)
    sizes = dict(SCALES[args.scale or "small"])
    for key in sizes:
        if getattr(args, key) is not None:
            sizes[key] = getattr(args, key)
    if sizes["contacts"] < 2 or sizes["conversations"] < 1:
        parser.error("need at least 2 contacts and 1 conversation")
    if args.force:
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    summary = generate(
        args.db, Scale(**sizes), seed=args.seed, now_text=args.now, live_triggers=args.live_triggers
    )
    summary["total_seconds"] = round(time.perf_counter() - started, 2)
    json.dump(summary, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
