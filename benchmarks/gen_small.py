"""Generate a large, deterministic wintogether database for timing.

    python benchmarks/gen_small.py /tmp/big.db --contacts 10000 --conversations 500000

Same seed, same database. Conversations spread over three years up to
2026-11-28 (the test suite's fixed "now"), with promises, ledger entries and
wins. Triggers are dropped during the bulk insert and recreated afterwards;
the derived column and the full-text indexes are then rebuilt in one pass each,
which gives the same result as inserting row by row, much faster.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from wintogether.store import connect

END = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
SPAN_DAYS = 3 * 365
CHANNELS = ("call", "email", "meeting", "message", "social", "event", "note")
FIRST = [
    "Dana",
    "Marcus",
    "Priya",
    "Wei",
    "Olu",
    "Sven",
    "Ana",
    "Jonas",
    "Mei",
    "Omar",
    "Lena",
    "Tariq",
    "Ines",
    "Kofi",
    "Yuki",
    "Ravi",
]
LAST = [
    "Reyes",
    "O'Neil",
    "Patel",
    "Chen",
    "Adeyemi",
    "Larsen",
    "Costa",
    "Berg",
    "Tanaka",
    "Haddad",
    "Novak",
    "Khan",
    "Silva",
]
COMPANIES = [
    "Northwind",
    "Initech",
    "Globex",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Acme",
    "Tyrell",
    "Soylent",
    "AT&T",
]
WORDS = [
    "renewal",
    "pricing",
    "budget",
    "security",
    "review",
    "contract",
    "pilot",
    "rollout",
    "onboarding",
    "demo",
    "proposal",
    "discount",
    "quarter",
    "forecast",
    "champion",
    "procurement",
    "legal",
    "integration",
    "roadmap",
    "feedback",
    "intro",
    "referral",
    "lunch",
    "conference",
    "webinar",
    "upgrade",
    "expansion",
    "churn",
    "risk",
    "timeline",
    "stakeholder",
    "approval",
    "signature",
    "invoice",
    "support",
    "ticket",
    "migration",
    "trial",
    "workshop",
    "training",
    "adoption",
    "dashboard",
    "report",
    "benchmark",
    "partner",
    "reseller",
]
RARE = ["soc2", "gdpr", "hipaa", "kubernetes", "snowflake"]
KINDS = ("intro", "referral", "advice", "favour", "gift", "deal", "other")


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def note(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    if rng.random() < 0.02:
        words.insert(rng.randrange(len(words)), rng.choice(RARE))
    return " ".join(words).capitalize() + "."


def generate(path: Path, contacts: int, conversations: int, seed: int) -> None:
    rng = random.Random(seed)
    if path.exists():
        sys.exit(f"{path} exists; remove it first.")
    connection, _ = connect(path, create=True)
    conn = connection.conn
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    started = time.perf_counter()
    with connection.write():
        for name, _sql in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        stamp = iso(END - timedelta(days=SPAN_DAYS + 30))
        conn.executemany(
            "INSERT INTO tags (id, uid, name, updated_at) VALUES (?, ?, ?, ?)",
            [
                (i + 1, str(uuid.UUID(int=rng.getrandbits(128))), t, stamp)
                for i, t in enumerate(["customers", "partners", "prospects", "investors"])
            ],
        )
        contact_rows = []
        tag_rows = []
        for cid in range(1, contacts + 1):
            created = END - timedelta(days=rng.randint(30, SPAN_DAYS + 30))
            contact_rows.append(
                (
                    cid,
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    f"{rng.choice(FIRST)} {rng.choice(LAST)} {cid}",
                    rng.choice(COMPANIES),
                    rng.choice(["CTO", "VP Sales", "Buyer", "Founder", None]),
                    rng.choice([None, None, 14, 30, 90]),
                    iso(created),
                    iso(created),
                )
            )
            tag_rows.append(
                (str(uuid.UUID(int=rng.getrandbits(128))), cid, rng.randint(1, 4), stamp)
            )
        conn.executemany(
            "INSERT INTO contacts (id, uid, name, company, title, cadence_days, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            contact_rows,
        )
        conn.executemany(
            "INSERT INTO contact_tags (uid, contact_id, tag_id, updated_at) VALUES (?, ?, ?, ?)",
            tag_rows,
        )
        # Chronological ids, as a real database grows.
        moments = sorted(
            END - timedelta(seconds=rng.randint(0, SPAN_DAYS * 86400)) for _ in range(conversations)
        )
        batch: list[tuple[object, ...]] = []
        people: list[tuple[object, ...]] = []
        for iid, moment in enumerate(moments, 1):
            at = iso(moment)
            batch.append(
                (
                    iid,
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    at,
                    rng.choice(CHANNELS),
                    note(rng),
                    at,
                    at,
                )
            )
            first = rng.randint(1, contacts)
            people.append((str(uuid.UUID(int=rng.getrandbits(128))), iid, first, at))
            if rng.random() < 0.15:
                other = rng.randint(1, contacts)
                if other != first:
                    people.append((str(uuid.UUID(int=rng.getrandbits(128))), iid, other, at))
            if len(batch) >= 50_000:
                _flush(conn, batch, people)
        _flush(conn, batch, people)
        promise_rows = []
        for pid in range(1, conversations // 25 + 1):
            created = END - timedelta(seconds=rng.randint(0, SPAN_DAYS * 86400))
            due = (created + timedelta(days=rng.randint(1, 21))).date()
            status = "open"
            done_at = None
            if due < END.date() or rng.random() < 0.2:
                roll = rng.random()
                if roll < 0.75:
                    status = "done"
                    done = datetime.combine(due, created.timetz()) + timedelta(
                        days=rng.randint(-3, 5)
                    )
                    done_at = iso(max(created, min(done, END)))
                elif roll < 0.85:
                    status = "cancelled"
                    done_at = iso(min(created + timedelta(days=2), END))
            promise_rows.append(
                (
                    pid,
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    rng.randint(1, contacts),
                    " ".join(rng.choices(WORDS, k=5)),
                    due.isoformat(),
                    "me" if rng.random() < 0.7 else "them",
                    status,
                    done_at,
                    iso(created),
                    iso(created),
                )
            )
        conn.executemany(
            "INSERT INTO promises (id, uid, contact_id, text, due_on, owner, status, done_at,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            promise_rows,
        )
        ledger_rows = []
        for lid in range(1, contacts // 2 + 1):
            at = iso(END - timedelta(seconds=rng.randint(0, SPAN_DAYS * 86400)))
            ledger_rows.append(
                (
                    lid,
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    rng.randint(1, contacts),
                    rng.choice(("gave", "got")),
                    rng.choice(KINDS),
                    " ".join(rng.choices(WORDS, k=6)),
                    at,
                    at,
                    at,
                )
            )
        conn.executemany(
            "INSERT INTO ledger (id, uid, contact_id, direction, kind, text, happened_at,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ledger_rows,
        )
        conn.execute(
            "UPDATE contacts SET last_touch_at = (SELECT max(i.happened_at)"
            " FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id"
            " WHERE p.contact_id = contacts.id)"
        )
        for table in ("contacts", "interactions", "promises", "ledger", "wins"):
            conn.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")
        for _name, sql in triggers:
            conn.execute(sql)
    conn.execute("ANALYZE")
    connection.close()
    print(
        f"{path}: {contacts} contacts, {conversations} conversations"
        f" in {time.perf_counter() - started:.0f}s",
        file=sys.stderr,
    )


def _flush(conn: object, batch: list[tuple[object, ...]], people: list[tuple[object, ...]]) -> None:
    conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO interactions (id, uid, happened_at, channel, note, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        batch,
    )
    conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO interaction_participants (uid, interaction_id, contact_id, updated_at)"
        " VALUES (?, ?, ?, ?)",
        people,
    )
    batch.clear()
    people.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--conversations", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    generate(args.path, args.contacts, args.conversations, args.seed)


if __name__ == "__main__":
    main()
