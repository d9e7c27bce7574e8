"""The summary, search, history and health queries use indexes, not table scans.

Every statement the domain runs is captured with a trace callback and given to
``EXPLAIN QUERY PLAN``; a full scan of a table that grows with use (conversations,
participants, promises, ledger, wins, contact events) fails the test. The contacts table is read
whole on purpose (the slipping list ranks everyone).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from factory import Factory
from wintogether.config import Config
from wintogether.domain import contacts, history, search, summary
from wintogether.domain import ledger as ledger_domain
from wintogether.domain.ledger import give_first
from wintogether.store import open_store, reports

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
GROWING = (
    "interactions",
    "interaction_participants",
    "promises",
    "ledger",
    "wins",
    "contact_events",
)


def plans(db: Path, run: Callable[..., object]) -> list[tuple[str, str]]:
    store, _ = open_store(db)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        run(store)
    finally:
        store.conn.set_trace_callback(None)
    out = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"):
            out.append((sql, row[3]))
    store.close()
    return out


@pytest.fixture
def filled(dana: Path) -> Path:
    with Factory(dana) as make:
        make.log("dana", "Renewal call", at="2026-11-24")
        make.promise("dana", "Send renewal quote", due="2026-11-25")
        make.gave("dana", "Renewal advice", kind="advice")
        make.win("dana", "Renewal", mine="Renewal")
    return dana


@pytest.mark.parametrize(
    "run",
    [
        lambda s: summary.summarise(
            s, Config(), NOW, summary.period(NOW, Config()), with_rows=True
        ),
        lambda s: search.search(s, "renewal"),
        # A common word: only its newest matches are ranked.
        lambda s: reports.search(s, '"renewal"', 1, candidates=1),
        lambda s: history.history(s, NOW),
        lambda s: history.history(s, NOW, limit=50),
        lambda s: history.history(s, NOW, tag="customers", limit=50),
        lambda s: history.history(s, NOW, contact="dana"),
        lambda s: history.history(s, NOW, kind="job_change"),
        lambda s: give_first(s, Config(), NOW),
        lambda s: contacts.listing(s, Config(), NOW, sort="attention"),
        lambda s: contacts.listing_page(s, Config(), NOW, limit=50),
        lambda s: ledger_domain.balances(s, Config(), NOW),
        lambda s: contacts.profile(s, "dana", Config(), NOW),
    ],
    ids=[
        "summary",
        "search",
        "search_common_word",
        "history",
        "history_screenful",
        "history_tag",
        "history_contact",
        "history_job_changes",
        "give_first",
        "contacts_by_attention",
        "contacts_screenful",
        "balance",
        "show",
    ],
)
def test_no_full_scans_of_growing_tables(filled: Path, run: Callable[..., object]) -> None:
    found = plans(filled, run)
    assert found, "no statements were traced"
    scans = [
        (sql, detail)
        for sql, detail in found
        if detail.startswith("SCAN ")
        and detail.split()[1] in GROWING
        and "VIRTUAL TABLE" not in detail
    ]
    assert scans == []


def test_balance_groups_the_window_as_it_reads_it(filled: Path) -> None:
    """`wt balance` ranks everyone's 12-month sums: the window's month rows and
    partial months' entries are grouped as they are read (a co-routine), not
    first copied into a table of their own."""
    found = plans(filled, lambda s: ledger_domain.balance_page(s, Config(), NOW, None, 50))
    details = [detail for sql, detail in found if "standing_months" in sql]
    assert details, "the ranking read no standing months"
    assert "CO-ROUTINE win" in details, details
    assert "MATERIALIZE win" not in details, details


def test_a_tag_keeps_the_conversations_of_the_range_read_by_time(filled: Path) -> None:
    """`wt history --tag T`: the conversations of the range are read from the
    index by time and each is checked by its people's tags; not every
    conversation anyone tagged ever had listed first and then each looked up
    (160 ms for a month in ten years of notes)."""
    found = plans(filled, lambda s: history.history(s, NOW, tag="customers", limit=50))
    reading = [detail for sql, detail in found if "FROM interactions i" in sql]
    assert reading, "no conversations were read"
    assert any("interactions_happened" in detail for detail in reading), reading
    assert not any("SEARCH i USING INTEGER PRIMARY KEY" in detail for detail in reading), reading
