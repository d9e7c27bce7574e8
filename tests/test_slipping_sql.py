"""The slipping list computed by the database equals the rule applied in Python.

`wt today` and `wt neglected` rank contacts in SQL (store.contacts.quiet_contacts) so as
not to load every contact; domain/cadence.py keeps the rule itself. Both must
agree on every contact, every rhythm source and every tie.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from wintogether.config import Config
from wintogether.domain import cadence
from wintogether.store import contacts as contacts_store
from wintogether.store import open_store

TAGS = ["customers", "customers/enterprise", "customers/smb", "Partners", "prospects/emea",
        "investors", "friends"]  # fmt: skip


def build(path: Path, seed: int) -> None:
    """Random contacts, tags, own rhythms, touches and archives, straight into the tables."""
    rng = random.Random(seed)
    store, _ = open_store(path, create=True)
    base = datetime(2026, 11, 28, 10, tzinfo=UTC)
    with store.write("seed"):
        store.conn.executemany(
            "INSERT INTO tags (id, uid, name, updated_at) VALUES (?, ?, ?, 'x')",
            [(i + 1, f"t{i}", name) for i, name in enumerate(TAGS)],
        )
        for n in range(400):
            created = base - timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 1440))
            touched = (created + timedelta(days=rng.randint(0, 300), hours=rng.randint(0, 23))
                       if rng.random() < 0.8 else None)  # fmt: skip
            if touched and touched > base:
                touched = base - timedelta(minutes=rng.randint(0, 60 * 24 * 3))
            stamp = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ") if d else None  # noqa: E731
            store.conn.execute(
                "INSERT INTO contacts (id, uid, name, cadence_days, last_touch_at, created_at,"
                " updated_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (n + 1, f"c{n}", rng.choice(["Ana", "ana", "Émile", "Zoë", "bob", "Bob"]) + str(n % 7),
                 rng.choice([None, None, None, 7, 14, 30, 45]), stamp(touched), stamp(created),
                 stamp(created), stamp(base) if rng.random() < 0.05 else None),
            )  # fmt: skip
            for tag_id in rng.sample(range(1, len(TAGS) + 1), rng.randint(0, 3)):
                store.conn.execute(
                    "INSERT INTO contact_tags (uid, contact_id, tag_id, updated_at)"
                    " VALUES (?, ?, ?, 'x')",
                    (f"ct{n}-{tag_id}", n + 1, tag_id),
                )
    store.close()


CONFIGS = [
    Config(),
    Config(default_cadence_days=60, tag_cadences={"customers": 30, "customers/enterprise": 14,
                                                  "partners": 42, "prospects": 21}),
    Config(default_cadence_days=10, tag_cadences={"friends": 10, "investors": 10,
                                                  "CUSTOMERS": 10}),
    # Rhythms on both sides of the default, one equal to it (store/quiet.py's
    # count: a window between each tag's bound and the default's).
    Config(default_cadence_days=60, tag_cadences={"investors": 120, "friends": 14,
                                                  "customers": 60, "partners": 200,
                                                  "customers/smb": 90}),
]  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("config", CONFIGS, ids=["defaults", "tags", "ties", "longer"])
@pytest.mark.parametrize("offset_hours", [0, 5.5, -8])
def test_sql_ranking_equals_the_rule(
    built: Callable[..., Path], seed: int, config: Config, offset_hours: float
) -> None:
    db = built(build, seed)  # each seed's database is built once, then copied
    zone = timezone(timedelta(hours=offset_hours))
    now = datetime(2026, 11, 28, 23, 30, tzinfo=UTC).astimezone(zone)
    store, _ = open_store(db)
    try:
        with store.read():
            by_sql, total = cadence.slipping_in(store, config, now)
            by_rule = cadence.slipping(contacts_store.standings(store), config, now)
            tagged_sql, _ = cadence.slipping_in(store, config, now, tag="customers")
            tagged_rule = cadence.slipping(
                contacts_store.standings(store, tag="customers"), config, now
            )
            tops = {n: cadence.slipping_in(store, config, now, top=n) for n in (1, 5, 10, 37)}
            mosts = {n: cadence.most_slipping(store, config, now, n) for n in (1, 5, 10, 37)}
            written = cadence.slipping_json(store, config, now)
    finally:
        store.close()
    assert len(by_rule) > 20  # the data really has slipping contacts
    assert by_sql == by_rule
    assert total == len(by_rule)
    assert tagged_sql == tagged_rule
    for n, (first, count) in tops.items():
        assert first == by_rule[:n]
        assert count == len(by_rule)
        assert mosts[n] == by_rule[:n]  # the same first ones, not counted
    # `wt neglected --json`: every one, written straight from the ranges' rows.
    assert written == [a.json_item() for a in by_rule]
    assert [json.loads(item) for item in written] == [a.to_json() for a in by_rule]
    sources = {a.cadence_source for a in by_rule}
    if config.tag_cadences:
        assert any(s.startswith("tag ") for s in sources)


def test_archived_contacts_never_slip(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    build(db, 9)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE contacts SET archived_at = '2026-11-01T00:00:00Z'")
    conn.commit()
    conn.close()
    store, _ = open_store(db)
    try:
        assert cadence.slipping_in(store, Config(), datetime(2026, 11, 28, tzinfo=UTC)) == ([], 0)
    finally:
        store.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("offset_hours", [0, 5.5, -8])
def test_count_adds_and_takes_away_each_tag_window(
    built: Callable[..., Path], seed: int, offset_hours: float
) -> None:
    """How many slip (store/quiet.py ``_count``): everyone without an own
    rhythm quiet past the default, plus those whose shortest rhythm tag is
    shorter and who are quiet between its bound and the default's, less those
    whose shortest is longer and who are quiet between the two. The data holds
    contacts of each kind, and of several rhythm tags; the count is that of
    the rule over every contact."""
    config = CONFIGS[3]
    default = config.default_cadence_days
    db = built(build, seed)
    zone = timezone(timedelta(hours=offset_hours))
    now = datetime(2026, 11, 28, 23, 30, tzinfo=UTC).astimezone(zone)
    store, _ = open_store(db)
    try:
        with store.read():
            standings = contacts_store.standings(store)
            totals = {cadence.slipping_in(store, config, now, top=n)[1] for n in (1, 10)}
    finally:
        store.close()
    everyone = cadence.rank(standings, config, now)
    by_tag = [a for a in everyone if a.cadence_source.startswith("tag ")]
    # added: a shorter tag's rhythm reached, the default's not
    assert any(
        a.cadence_days < default and a.cadence_days <= a.days_since < default for a in by_tag
    )
    # taken away: the default's reached, the longer tag's not
    assert any(
        a.cadence_days > default and default <= a.days_since < a.cadence_days for a in by_tag
    )
    several = [
        s for s in standings if sum(config.cadence_for_tag(t) is not None for t in s.tags) > 1
    ]
    assert several
    assert totals == {sum(a.slipping for a in everyone)}
