"""`give_first` ranks from per-contact figures computed in SQL; the result must be
exactly what the full balances (domain/health.py, as `wt balance` computes them)
say."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from wintogether.config import Config
from wintogether.domain import ledger
from wintogether.render import words
from wintogether.store import open_store

NOW = datetime(2026, 11, 28, 10, tzinfo=UTC)


def build(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    store, _ = open_store(path, create=True)
    with store.write("seed"):
        for n in range(120):
            store.conn.execute(
                "INSERT INTO contacts (id, uid, name, created_at, updated_at)"
                " VALUES (?, ?, ?, '2024-01-01T00:00:00Z', 'x')",
                (n + 1, f"c{n}", rng.choice(["Ana", "ana", "Émile", "Zoë", "Bob"]) + f" {n}"),
            )
        for m in range(900):
            when = NOW - timedelta(days=rng.randint(-5, 500), minutes=rng.randint(0, 1440))
            if rng.random() < 0.05:  # same instant as another entry: ties by id
                when = NOW - timedelta(days=100)
            store.conn.execute(
                "INSERT INTO ledger (uid, contact_id, direction, kind, text, happened_at,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, 'x', ?, '2024-01-01T00:00:00Z', 'x')",
                (f"l{m}", rng.randint(1, 120), rng.choice(["gave", "got", "got"]),
                 rng.choice(["intro", "referral", "advice"]),
                 when.strftime("%Y-%m-%dT%H:%M:%SZ")),
            )  # fmt: skip
    store.close()


def reference(store: object, config: Config, limit: int) -> list[ledger.GiveFirst]:
    """The rule over every balance, as it was before the SQL ranking."""
    out = []
    for row in ledger.balances(store, config, NOW).rows:  # type: ignore[arg-type]
        bal = row.balance
        if (bal.one_sided == "receiving" and words.one_sided_text(bal)) or bal.net < 0:
            out.append(ledger.GiveFirst(row.contact, bal, bal.net))
    return out[:limit]


def said(rows: list[ledger.GiveFirst]) -> list[tuple[object, str, int]]:
    """Who, in which words, and by how much: what the dashboard shows."""
    return [(g.contact, words.give_first_reason(g.balance), g.net) for g in rows]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("stretch", [30, 90, 200])
def test_sql_ranking_equals_full_balances(
    built: Callable[..., Path], seed: int, stretch: int
) -> None:
    db = built(build, seed)  # each seed's database is built once, then copied
    config = Config(one_sided_after_days=stretch)
    store, _ = open_store(db)
    try:
        for limit in (1, 2, 5, 40, 1000):
            expected = reference(store, config, limit)
            assert len(expected) >= min(limit, 10)
            assert said(ledger.give_first(store, config, NOW, limit)) == said(expected)
    finally:
        store.close()


@pytest.mark.parametrize("seed", [1, 2])
def test_enough_receiving_ranks_only_them(built: Callable[..., Path], seed: int) -> None:
    """With at least ``top`` contacts receiving, only their figures are summed;
    with fewer, everyone's are (the path above compares both with the rule)."""
    from wintogether.store import standings

    db = built(build, seed)
    store, _ = open_store(db)
    window = ("2025-11-28T10:00:00Z", "2026-11-28T10:00:00Z", "2026-08-30T10:00:00Z")
    try:
        everyone, _ = standings.ranked_figures(store, *window, 1000)
        receiving = [row for row in everyone if row[3]]
        assert 5 <= len(receiving) < len(everyone)
        few = standings._receiving_first(store, *window, 5)
        assert few is not None and all(row[3] for row in few)
        full, _ = standings.ranked_figures(store, *window, 5, owing_only=True)
        assert sorted(few, key=lambda r: r[0].id) == sorted(full, key=lambda r: r[0].id)
        assert standings._receiving_first(store, *window, len(receiving) + 1) is None
        # `wt balance`'s page: the same rows and count as ranking everyone.
        for top in (1, 5, len(receiving), len(receiving) + 1, 1000):
            page, counted = standings.ranked_page(store, *window, top)
            ranked, total = standings.ranked_figures(store, *window, top)
            assert counted == total == len(everyone)
            assert sorted(page, key=lambda r: r[0].id) == sorted(ranked, key=lambda r: r[0].id)
    finally:
        store.close()


@pytest.mark.parametrize("analyzed", [False, True], ids=["as-created", "analyzed"])
def test_receiving_first_reads_index_ranges(built: Callable[..., Path], analyzed: bool) -> None:
    """Those receiving are one range of ``standings_receiving`` (m021) and each
    one's year two covering ranges of ``ledger_contact_direction`` (given,
    received, each bounded by the window): no lookup of each contact's
    standings row, no read of the ledger's rows, no pass over the standings or
    the ledger, no temporary B-tree to group them; before and after ANALYZE."""
    from wintogether.store import standings

    db = built(build, 1)
    store, _ = open_store(db)
    try:
        if analyzed:
            store.conn.execute("ANALYZE")
        window = ("2025-11-28T10:00:00Z", "2026-11-28T10:00:00Z", "2026-08-30T10:00:00Z")
        named = {"since": window[0], "until": window[1], "cutoff": window[2], "skip": 4}
        plan = [
            row[3]
            for row in store.conn.execute(f"EXPLAIN QUERY PLAN {standings._RECEIVING_FIRST}", named)
        ]
        assert any(
            line.startswith("SEARCH s USING COVERING INDEX standings_receiving") for line in plan
        ), plan
        counts = [line for line in plan if re.match(r"(SCAN|SEARCH) l\b", line)][-2:]
        assert len(counts) == 2 and all(
            line == "SEARCH l USING COVERING INDEX ledger_contact_direction"
            " (contact_id=? AND direction=? AND happened_at>? AND happened_at<?)"
            for line in counts
        ), plan
        assert not any(re.match(r"SCAN (s|standings|ledger|l|m)\b", line) for line in plan), plan
        assert not any("GROUP BY" in line for line in plan), plan
        assert standings._receiving_first(store, *window, 5) is not None
    finally:
        store.close()
