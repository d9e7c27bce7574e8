"""The hot queries use indexes: none reads a whole big table.

The queries are not copied here: the real domain functions run against a
generated database with a trace callback, and every SELECT they issue is put
through EXPLAIN QUERY PLAN. A plan that SCANs interactions, their participants,
promises or the ledger fails, except an index walk in order that stops at a
LIMIT (the timeline of a very busy contact). The trigger that keeps
contacts.last_touch_at runs on every `wt log`, so its query is checked too.
Plans are checked as `wt` creates databases (no planner statistics) and after
ANALYZE, which must not turn a search into a scan.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from wintogether.clock import now
from wintogether.config import Config
from wintogether.domain import (
    accounts,
    contacts,
    conversations,
    ledger,
    paths,
    promises,
    summary,
    today,
)
from wintogether.store import Store, open_store, reports
from wintogether.store import accounts as accounts_store
from wintogether.store import conversations as conversations_store
from wintogether.store import promises as promises_store

ROOT = Path(__file__).resolve().parent.parent
GENERATE = ROOT / "benchmarks" / "generate.py"
BIG_TABLES = {"interactions", "interaction_participants", "promises", "ledger", "contact_touches"}
#: The body of the trigger that keeps contacts.last_touch_at (run by every `wt log`).
TOUCH_QUERY = (
    "SELECT max(i.happened_at) FROM interaction_participants p"
    " JOIN interactions i ON i.id = p.interaction_id WHERE p.contact_id = 1"
)


def generate_db(path: Path, *args: str) -> Path:
    """A small realistic database from benchmarks/generate.py (the real generator)."""
    subprocess.run(
        [sys.executable, str(GENERATE), str(path), *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return path


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Big enough that the busiest contact takes the "walk newest first" plan
    # and a quiet one the "fetch and sort" plan.
    return generate_db(
        tmp_path_factory.mktemp("plans") / "plans.db",
        "--contacts",
        "200",
        "--conversations",
        "4000",
        "--promises",
        "1500",
        "--ledger",
        "100",
    )


def _aliases(sql: str) -> dict[str, str]:
    """Alias (or table name) → table, from the FROM/JOIN clauses."""
    out: dict[str, str] = {}
    for table, alias in re.findall(
        r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(?!WHERE|JOIN|ON|LEFT|ORDER|GROUP|USING)(\w+))?",
        sql,
        flags=re.IGNORECASE,
    ):
        out[table] = table
        if alias:
            out[alias] = table
    return out


def full_scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    """Plan lines that read a whole big table."""
    names = _aliases(sql)
    bounded = re.search(r"\bLIMIT\s+\d+\s*$", sql.strip(), flags=re.IGNORECASE) is not None
    bad = []
    for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"):
        detail = row[3]
        # "SEARCH t USING INDEX x" with no "(col=?)" walks the index unconstrained
        # (the min/max optimisation): as bad as a scan when nothing matches.
        match = re.match(r"SCAN (\w+)", detail) or re.match(r"SEARCH (\w+) USING [^(]*$", detail)
        if not match or names.get(match.group(1), match.group(1)) not in BIG_TABLES:
            continue
        if bounded and "INDEX" in detail:
            continue  # walks an index in the wanted order and stops at LIMIT
        bad.append(detail)
    return bad


@pytest.fixture
def traced(generated: Path, tmp_path: Path) -> Iterator[tuple[Store, list[str]]]:
    copy = tmp_path / "copy.db"
    copy.write_bytes(generated.read_bytes())
    store, _ = open_store(copy)
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    yield store, seen
    store.conn.set_trace_callback(None)
    store.close()


def _selects(seen: list[str]) -> list[str]:
    return sorted({s for s in seen if s.lstrip().upper().startswith("SELECT")})


#: Rhythms for the generator's tags, so the ranking reads each contact's tags.
RHYTHMS = Config(tag_cadences={"customers": 30, "prospects": 21, "partners": 42})

COMMANDS: dict[str, Callable[[Store], object]] = {
    "today": lambda store: today.dashboard(store, Config(), now()),
    # A table's dashboard: the due promises' keys from the index, ten read in full.
    "today table": lambda store: today.dashboard(store, Config(), now(), promises_shown=10),
    "neglected": lambda store: today.neglected(store, Config(), now(), limit=10),
    "show busiest": lambda store: contacts.profile(store, "Dana Reyes", Config(), now()),
    "show quiet": lambda store: contacts.profile(store, "#150", Config(), now()),
    "followups": lambda store: promises.listing(store, now(), promises.PromiseFilter()),
    "followups overdue": lambda store: promises.listing(
        store, now(), promises.PromiseFilter(overdue=True, mine=True)
    ),
    # Ranked from the kept standings (store/standings.py), not from every entry.
    "balance": lambda store: ledger.balance_page(store, Config(), now(), None, 50),
    "contacts attention": lambda store: contacts.listing_page(
        store, Config(), now(), sort="attention", limit=50
    ),
    "summary month": lambda store: summary.summarise(
        store, Config(), now(), summary.period(now(), Config(), month=True)
    ),
    "summary week": lambda store: summary.summarise(
        store, Config(), now(), summary.period(now(), Config())
    ),
    # The account views: a company's people and their conversations per month,
    # the warm paths ranked by conversations this year (store/touches.py).
    "company": lambda store: accounts.account(store, "Northwind Traders", Config(), now()),
    "path company": lambda store: paths.find_path(store, "Northwind Traders", 30, now(), 20),
    "path contact": lambda store: paths.find_path(store, "Dana Reyes", 30, now(), None),
    "companies": lambda store: accounts.companies(store, Config(), now()),
    # With tag rhythms, each contact's rhythm is looked up by its own tags.
    "neglected tag rhythms": lambda store: today.neglected(store, RHYTHMS, now(), limit=10),
    "today tag rhythms": lambda store: today.dashboard(store, RHYTHMS, now()),
    "contacts attention tag rhythms": lambda store: contacts.listing_page(
        store, RHYTHMS, now(), sort="attention", limit=50
    ),
    "log": lambda store: conversations.log(
        store, now(), contact="Dana Reyes", note="Quick call", follow_up="2026-12-04"
    ),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("analyzed", [False, True], ids=["as-created", "analyzed"])
def test_hot_queries_use_indexes(
    traced: tuple[Store, list[str]], command: str, analyzed: bool
) -> None:
    store, seen = traced
    if analyzed:
        store.conn.execute("ANALYZE")
    seen.clear()
    COMMANDS[command](store)
    queries = _selects(seen)
    assert queries, f"{command} issued no SELECT: the trace is not working"
    if command == "log":
        queries.append(TOUCH_QUERY)
    problems = {sql: scans for sql in queries if (scans := full_scans(store.conn, sql))}
    assert not problems, f"{command} reads a whole big table: {problems}"


@pytest.mark.parametrize("analyzed", [False, True], ids=["as-created", "analyzed"])
def test_slipping_reads_each_contacts_own_tags(
    traced: tuple[Store, list[str]], analyzed: bool
) -> None:
    """Who is slipping with a tag looks up the tags of each contact by the
    (contact, tag) index, and ranks without reading the tags of everyone grouped
    in a temporary tree."""
    store, seen = traced
    if analyzed:
        store.conn.execute("ANALYZE")
    seen.clear()
    today.neglected(store, RHYTHMS, now(), limit=10, tag="customers")
    ranking = next(s for s in seen if "contact_tags" in s and "slip" in s)
    plan = [r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {ranking}")]
    # The filter finds the tag's contacts by tag; the rhythms read each one's tags.
    tags = [
        line for line in plan if re.match(r"(SCAN|SEARCH) ct\b", line) and "(tag_id=?)" not in line
    ]
    assert tags and all(
        line.startswith("SEARCH ct USING COVERING INDEX") and "(contact_id=?)" in line
        for line in tags
    ), plan
    assert not any("GROUP BY" in line for line in plan), plan


@pytest.mark.parametrize("analyzed", [False, True], ids=["as-created", "analyzed"])
def test_slipping_reads_one_index_range_per_rhythm(
    traced: tuple[Store, list[str]], analyzed: bool
) -> None:
    """Who is slipping (no tag) reads the kept quiet days (store/quiet.py): each
    rhythm's range by its index, each contact's few tags by its key; never a
    pass over the contacts or their tags."""
    store, seen = traced
    if analyzed:
        store.conn.execute("ANALYZE")
    seen.clear()
    today.neglected(store, RHYTHMS, now(), limit=10)
    reads = [s for s in seen if "contact_quiet" in s or "tag_quiet" in s]
    assert len(reads) > 3
    for sql in reads:
        plan = [r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert not any(re.match(r"SCAN (q|c|ct|contacts|contact_tags)\b", line) for line in plan), (
            sql,
            plan,
        )
        ranges = [line for line in plan if re.match(r"SEARCH q\b", line)]
        assert all("_due (" in line for line in ranges), (sql, plan)


def test_timeline_plans_are_the_intended_ones(traced: tuple[Store, list[str]]) -> None:
    """A contact's latest conversations, the busiest's as a quiet one's, are the
    newest end of their range in the kept touches: no walk, no sort of their history."""
    store, seen = traced
    busy = conversations_store.conversations_for_contact(store, 1, 5)
    quiet_id = store.conn.execute(
        "SELECT contact_id FROM interaction_participants GROUP BY contact_id"
        " ORDER BY count(*), contact_id LIMIT 1"
    ).fetchone()[0]
    quiet = conversations_store.conversations_for_contact(store, quiet_id, 5)
    latest = [s for s in seen if "FROM contact_touches WHERE contact_id" in s]
    assert len(latest) == 2
    for sql in latest:
        plan = " | ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "SEARCH contact_touches USING PRIMARY KEY (contact_id=?)" in plan, plan
        assert "interactions_happened" not in plan, plan
    # Both give the newest conversations first, as the old single plan did.
    for contact_id, got in ((1, busy), (quiet_id, quiet)):
        expected = [
            row[0]
            for row in store.conn.execute(
                "SELECT i.id FROM interactions i JOIN interaction_participants p"
                " ON p.interaction_id = i.id WHERE p.contact_id = ?"
                " ORDER BY i.happened_at DESC, i.id DESC LIMIT 5",
                (contact_id,),
            )
        ]
        assert [c.id for c in got] == expected
        assert expected


def test_newest_promises_and_weekly_trends_read_only_what_they_show(
    traced: tuple[Store, list[str]],
) -> None:
    """`wt show`'s newest promises stop at the limit in (contact, created_at)
    order (m016) instead of sorting all of a key account's promises; the
    summary's trend reads done promises by done_at, not every done promise."""
    store, seen = traced
    newest = promises_store.promises_for_contact(store, 1, 5)
    sql = next(s for s in seen if "ORDER BY p.created_at DESC" in s)
    plan = " | ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert "promises_contact_created" in plan and "TEMP B-TREE" not in plan, plan
    expected = [
        row[0]
        for row in store.conn.execute(
            "SELECT id FROM promises WHERE contact_id = 1 ORDER BY created_at DESC, id DESC LIMIT 5"
        )
    ]
    assert [p.id for p in newest] == expected and expected
    seen.clear()
    reports.promises_done_moments(store, "2026-09-01T00:00:00Z", "2026-11-28T00:00:00Z")
    plan = " | ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {seen[-1]}"))
    assert "promises_done" in plan, plan
    spans = ["2026-10-01T00:00:00Z", "2026-10-15T00:00:00Z", "2026-11-01T00:00:00Z"]
    counts = reports.conversations_per_span(store, spans)
    assert counts == [
        store.conn.execute(
            "SELECT count(*) FROM interactions WHERE happened_at >= ? AND happened_at < ?",
            (start, end),
        ).fetchone()[0]
        for start, end in pairwise(spans)
    ]
    assert sum(counts) > 0


def _assert_open_promises_by_contact(store: Store, seen: list[str]) -> None:
    """The promises read went through the index of open promises by contact."""
    sql = next(s for s in seen if "FROM promises p" in s)
    plan = " | ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert "promises_open_contact" in plan, plan


def test_open_promises_of_a_contact_read_only_the_open_ones(
    traced: tuple[Store, list[str]],
) -> None:
    """`wt show`'s open promises read the index of open promises by contact, not
    every promise the busiest contact ever had; the same promises, in due order."""
    store, seen = traced
    for owner in (None, "me"):
        seen.clear()
        got = promises_store.promises(store, contact_id=1, owner=owner)
        _assert_open_promises_by_contact(store, seen)
        expected = [
            row[0]
            for row in store.conn.execute(
                "SELECT id FROM promises WHERE contact_id = 1 AND status = 'open'"
                " AND (? IS NULL OR owner = ?) ORDER BY due_on, id",
                (owner, owner),
            )
        ]
        assert [p.id for p in got] == expected and expected


def test_an_accounts_open_promises_read_only_theirs(traced: tuple[Store, list[str]]) -> None:
    """`wt company`'s open promises seek each person's in the index of open
    promises by contact, not every open promise of the file; the same promises,
    in due order."""
    store, seen = traced
    ids = [row[0] for row in store.conn.execute("SELECT id FROM contacts WHERE id % 3 = 1")]
    seen.clear()
    got = accounts_store.open_promises(store, ids)
    _assert_open_promises_by_contact(store, seen)
    expected = [
        row[0]
        for row in store.conn.execute(
            "SELECT id FROM promises WHERE status = 'open' AND contact_id % 3 = 1"
            " ORDER BY due_on, id"
        )
    ]
    assert [p.id for p in got] == expected and expected


@pytest.mark.parametrize("analyzed", [False, True], ids=["as-created", "analyzed"])
def test_account_views_read_conversations_by_person_and_time(
    traced: tuple[Store, list[str]], analyzed: bool
) -> None:
    """`wt company` and `wt path` count conversations from one range of the kept
    touches per person (contact, time), never through every conversation's row."""
    store, seen = traced
    if analyzed:
        store.conn.execute("ANALYZE")
    seen.clear()
    accounts.account(store, "Northwind Traders", Config(), now())
    paths.find_path(store, "Northwind Traders", 30, now(), 20)
    reads = [sql for sql in _selects(seen) if "contact_touches" in sql]
    assert len(reads) >= 2  # conversations per month; conversations this year, by tier
    for sql in reads:
        plan = [row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert any(
            re.match(
                r"SEARCH contact_touches USING PRIMARY KEY \(contact_id=\? AND happened_at>\?\)", p
            )
            for p in plan
        ), plan
    assert not any("interactions" in sql for sql in _selects(seen) if "count(" in sql)


def test_account_lists_rank_everyone_and_load_only_what_they_show(
    traced: tuple[Store, list[str]],
) -> None:
    """`wt companies` walks the people at a company coldest first through the
    kept quiet ranges (store/accounts.py ``coldest_companies``), figures only
    the companies that can be shown and finds who is the warmest there by index
    (no pass over every contact's tags); `wt path` ranks a tier by points and
    loads only the lines shown. Both give exactly the first rows of the whole
    list."""
    from wintogether.render import words

    store, seen = traced
    everything = accounts.companies(store, Config(), now())
    seen.clear()
    shown, total = accounts.companies_page(store, Config(), now(), limit=5)
    assert total == len(everything) > 5
    assert [r.to_json() for r in shown] == [r.to_json() for r in everything[:5]]
    people = [sql for sql in seen if "FROM scored ORDER BY id" in sql]
    assert len(people) == 1
    plan = [row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {people[0]}")]
    assert any("USING INDEX contacts_company (company_id=?)" in p for p in plan), plan
    assert not any(p.startswith("SCAN c") for p in plan), plan
    walked = [sql for sql in seen if "ORDER BY q.quiet" in sql]
    assert len(walked) > 3
    for sql in walked:
        plan = [row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert any(p.startswith("SEARCH q USING") and "_due (" in p for p in plan), (sql, plan)
        assert not any(re.match(r"SCAN (q|c)\b", p) for p in plan), (sql, plan)
        assert not any("TEMP B-TREE" in p for p in plan), (sql, plan)
    figured = [sql for sql in seen if "GROUP BY company_id ORDER BY name" in sql]
    assert len(figured) == 1 and "json_each" in figured[0]  # the companies shown only
    assert len([sql for sql in seen if "SELECT" in sql]) <= len(walked) + 10
    for by in ("name", "people"):
        first, _ = accounts.companies_page(store, Config(), now(), sort=by, limit=3)
        whole = accounts.companies(store, Config(), now(), sort=by)
        assert [r.to_json() for r in first] == [r.to_json() for r in whole[:3]]

    for target in ("Northwind Traders", "Dana Reyes"):
        full = paths.find_path(store, target, 30, now(), None)
        for limit in (1, 3, 7):
            cut = paths.find_path(store, target, 30, now(), limit)
            assert cut.to_json(words)["paths"] == full.to_json(words)["paths"][:limit]
            assert cut.total is None or cut.total == full.total


def test_the_scan_detector_catches_a_scan(traced: tuple[Store, list[str]]) -> None:
    """The check itself can fail: an unindexed filter on a big table is reported."""
    store, _ = traced
    assert full_scans(store.conn, "SELECT * FROM interactions i WHERE i.note LIKE '%x%'")
    assert full_scans(store.conn, "SELECT count(*) FROM ledger")
    assert not full_scans(store.conn, "SELECT * FROM interactions WHERE id = 3")


def test_busy_contact_timeline_reads_a_bounded_number_of_rows(
    traced: tuple[Store, list[str]],
) -> None:
    """Showing the busiest contact does not read their whole history."""
    store, _ = traced
    steps = 0

    def count(*_: object) -> int:
        nonlocal steps
        steps += 1
        return 0

    total = store.conn.execute("SELECT count(*) FROM interactions").fetchone()[0]
    mine = conversations_store.count_conversations_for_contact(store, 1)
    assert mine * mine > total * 5, "the generated busiest contact is not busy enough"
    store.conn.set_progress_handler(count, 100)
    try:
        conversations_store.conversations_for_contact(store, 1, 5)
    finally:
        store.conn.set_progress_handler(None, 100)
    bounded = steps
    steps = 0
    store.conn.set_progress_handler(count, 100)
    try:
        conversations_store.select(
            store,
            "WHERE i.id IN (SELECT interaction_id FROM interaction_participants"
            " WHERE contact_id = ?) ORDER BY i.happened_at DESC, i.id DESC LIMIT 5",
            (1,),
        )
    finally:
        store.conn.set_progress_handler(None, 100)
    assert bounded < steps, (bounded, steps)


def test_generated_promises_cover_every_fate(generated: Path) -> None:
    conn = sqlite3.connect(generated)
    today_ = date(2026, 11, 28).isoformat()
    fates = {
        "on time": "status = 'done' AND substr(done_at, 1, 10) <= due_on",
        "late": "status = 'done' AND substr(done_at, 1, 10) > due_on",
        "broken": "status = 'cancelled'",
        "open overdue": f"status = 'open' AND due_on < '{today_}'",
        "open ahead": f"status = 'open' AND due_on >= '{today_}'",
        "theirs": "owner = 'them'",
    }
    for fate, where in fates.items():
        assert conn.execute(f"SELECT count(*) FROM promises WHERE {where}").fetchone()[0], fate
    conn.close()


def test_birthdays_coming_up_seek_their_days(traced: tuple[Store, list[str]]) -> None:
    """Whose birthday falls on these days: one seek per day in the index of
    birthdays' "MM-DD" endings (m019), not a scan of every contact; and the
    same people as that scan."""
    from wintogether.store import contacts as contacts_store
    from wintogether.store import dashboard

    store, seen = traced
    days = [f"{month:02d}-{day:02d}" for month in (2, 11, 12) for day in range(1, 32)]
    for lookup in (
        lambda: dashboard.birthday_people(store, days),
        lambda: contacts_store.standings(store, birthdays_on=days),
    ):
        seen.clear()
        lookup()
        sql = next(s for s in seen if "substr(birthday, -5)" in s)
        plan = " | ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "contacts_birthday_day" in plan and "SCAN c" not in plan, plan
    found = {ref.id for ref, _ in dashboard.birthday_people(store, days)}
    expected = {
        row[0]
        for row in store.conn.execute(
            "SELECT id FROM contacts NOT INDEXED WHERE archived_at IS NULL"
            f" AND substr(birthday, -5) IN ({', '.join('?' for _ in days)})",
            days,
        )
    }
    assert found == expected and expected


def test_summary_counts_read_indexes_only(traced: tuple[Store, list[str]]) -> None:
    """The summary's counts over a period (m020) come from index ranges alone:
    the ledger's ways and kinds, the conversations' channels, the done
    promises' times and the people reached (the kept touches by time), with
    no lookup of each row; and they equal the counts from the rows."""
    store, seen = traced
    start, end = "2026-09-01T00:00:00Z", "2026-11-28T00:00:00Z"
    spans = [start, "2026-10-15T00:00:00Z", end]
    ledger = reports.ledger_per_span(store, spans)
    kinds = reports.ledger_kinds_between(store, start, end)
    counts = reports.conversation_counts(store, start, end)
    reports.promises_done_moments(store, start, end)
    covering = {
        "FROM ledger WHERE happened_at": "COVERING INDEX ledger_happened_way",
        "GROUP BY channel ORDER BY channel": "COVERING INDEX interactions_happened_channel",
        "FROM promises WHERE done_at": "COVERING INDEX promises_done_counted",
        "FROM contact_touches WHERE happened_at": "COVERING INDEX contact_touches_happened",
    }
    for needle, index in covering.items():
        sqls = [s for s in seen if needle in s]
        assert sqls, needle
        for sql in sqls:
            plan = " | ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert index in plan, (needle, plan)
    rows = store.conn.execute
    for i, (a, b) in enumerate(pairwise(spans)):
        for way in ("gave", "got"):
            expected = rows(
                "SELECT count(*) FROM ledger NOT INDEXED"
                " WHERE happened_at >= ? AND happened_at < ? AND direction = ?",
                (a, b, way),
            ).fetchone()[0]
            assert ledger[way][i] == expected
    assert sorted(kinds) == sorted(
        tuple(row)
        for row in rows(
            "SELECT direction, kind, count(*) FROM ledger NOT INDEXED"
            " WHERE happened_at >= ? AND happened_at < ? GROUP BY 1, 2",
            (start, end),
        )
    )
    people = rows(
        "SELECT c.id, c.name, c.company, count(*) AS n FROM interactions i"
        " JOIN interaction_participants p ON p.interaction_id = i.id"
        " JOIN contacts c ON c.id = p.contact_id"
        " WHERE i.happened_at >= ? AND i.happened_at < ?"
        " GROUP BY c.id ORDER BY n DESC, c.name COLLATE NOCASE, c.id",
        (start, end),
    ).fetchall()
    assert counts.people == [tuple(row) for row in people] and people


def test_summary_top_people_are_the_first_of_all(traced: tuple[Store, list[str]]) -> None:
    """A table's busiest people reached (only they are looked up) are the first
    of the full list, ties at the cut included, and the count is all of them."""
    store, _ = traced
    for start, end in (
        ("2026-09-01T00:00:00Z", "2026-11-28T00:00:00Z"),
        ("2026-11-20T00:00:00Z", "2026-11-28T00:00:00Z"),
        ("2030-01-01T00:00:00Z", "2030-02-01T00:00:00Z"),
    ):
        full = reports.conversation_counts(store, start, end)
        assert full.people_reached == len(full.people)
        for limit in (1, 3, 20, 100_000):
            top = reports.conversation_counts(store, start, end, people_limit=limit)
            assert top.people == full.people[:limit]
            assert top.people_reached == len(full.people)
            assert (top.total, top.by_channel) == (full.total, full.by_channel)
