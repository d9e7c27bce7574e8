"""The per-contact standings (store/standings.py) are kept by triggers in the
transaction of every write; whatever the writes, they equal a recomputation from
the history, and the commands that read them say exactly what the full
computation from every entry says."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Invoke
from wintogether.config import Config
from wintogether.domain import contacts, health, ledger, summary
from wintogether.models import LedgerEntry
from wintogether.render import words
from wintogether.store import Store, open_store, standings
from wintogether.store import contacts as contacts_store
from wintogether.store import ledger as ledger_store

NAMES = ["Ana Lima", "Bo Chen", "Cy Diaz", "Di Evans"]
#: Moments around the edges of the 12-month window of the pinned "now"
#: (2026-11-28 10:00 UTC), month ends, one instant used twice, one ahead of now.
MOMENTS = [
    "2026-11-28 09:00",
    "2026-11-28 09:00",
    "2026-11-01 00:00",
    "2026-10-31 23:59",
    "2026-06-15",
    "2026-01-01",
    "2025-12-01 00:00",
    "2025-11-28 10:00",
    "2025-11-28 09:59",
    "2025-11-15",
    "2025-03-01",
    "2026-12-20",
]
DAYS = ["2025-12-01", "2026-03-01", "2026-11-20", "2026-11-28", "2026-12-05", "2027-02-01"]


def check(db: Path) -> None:
    store, _ = open_store(db)
    try:
        assert standings.kept(store) == standings.recomputed(store)
        assert standings.problems(store) == []
    finally:
        store.close()


@pytest.fixture
def import_file(tmp_path: Path, wt: Invoke) -> Path:
    """A JSON export of another database: contacts with promises and a ledger."""
    other = str(tmp_path / "other.db")
    wt("--db", other, "init")
    for name in ("Eve Fox", "Gus Hale"):
        wt("--db", other, "add", name)
        wt("--db", other, "gave", name, "an intro", "--at", "2026-05-01")
        wt("--db", other, "got", name, "advice", "--at", "2026-09-01")
        wt("--db", other, "follow-up", name, "send the deck", "--due", "2026-11-20")
        wt("--db", other, "follow-up", name, "their quote", "--due", "2026-12-10", "--theirs")
    out = tmp_path / "other.json"
    wt("--db", other, "export", "--format", "json", "-o", str(out))
    return out


name = st.sampled_from(NAMES)
OPS = st.one_of(
    st.tuples(st.just("add"), name),
    st.tuples(st.just("log"), name, st.sampled_from(MOMENTS)),
    st.tuples(st.just("follow-up"), name, st.sampled_from(DAYS), st.booleans()),
    st.tuples(st.sampled_from(["done", "cancel"]), st.integers(1, 8)),
    st.tuples(st.just("snooze"), st.integers(1, 8), st.sampled_from(DAYS)),
    st.tuples(st.sampled_from(["gave", "got"]), name, st.sampled_from(MOMENTS)),
    st.tuples(st.just("win"), name),
    st.tuples(st.sampled_from(["archive", "unarchive"]), name),
    st.tuples(st.just("edit"), name),
    st.tuples(st.just("merge"), name, name),
    st.tuples(st.just("undo")),
    st.tuples(st.just("import")),
    st.tuples(st.just("forget"), name),
    st.tuples(st.just("delete conversation"), st.integers(1, 6)),
)


def run(wt: Invoke, op: tuple[object, ...], import_file: Path) -> None:
    kind = op[0]
    args: list[str]
    if kind == "add":
        args = ["add", str(op[1])]
    elif kind == "log":
        args = ["log", str(op[1]), "a call", "--at", str(op[2])]
    elif kind == "follow-up":
        args = ["follow-up", str(op[1]), "a promise", "--due", str(op[2])]
        args += ["--theirs"] if op[3] else []
    elif kind in ("done", "cancel"):
        args = [str(kind), str(op[1])]
    elif kind == "snooze":
        args = ["snooze", str(op[1]), str(op[2])]
    elif kind in ("gave", "got"):
        args = [str(kind), str(op[1]), "something", "--at", str(op[2])]
    elif kind == "win":
        args = ["win", str(op[1]), "a deal", "--mine", "a referral"]
    elif kind in ("archive", "unarchive"):
        args = [str(kind), str(op[1])]
    elif kind == "edit":
        args = ["edit", str(op[1]), "--company", "Acme"]
    elif kind == "merge":
        args = ["merge", str(op[1]), str(op[2])]
    elif kind == "undo":
        args = ["undo"]
    elif kind == "import":
        args = ["import", str(import_file)]
    elif kind == "forget":
        args = ["forget", str(op[1]), "--yes"]
    else:
        args = ["conversation", "delete", str(op[1])]
    wt(*args, ok=False, input="y\n")


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=1, max_size=25))
def test_kept_standings_equal_recomputed_after_any_writes(
    db: Path, wt: Invoke, import_file: Path, ops: list[tuple[object, ...]]
) -> None:
    # Every example starts from the same people (the fixture's database is reused).
    for person in NAMES:
        wt("add", person, ok=False)
    for op in ops:
        run(wt, op, import_file)
        check(db)


def test_triggers_follow_each_kind_of_write(db: Path, wt: Invoke, import_file: Path) -> None:
    """One of each write, checked after each (the property above, spelled out)."""
    wt("add", "Ana Lima")
    wt("add", "Bo Chen")
    steps = [
        ["follow-up", "Ana Lima", "deck", "--due", "2026-11-20"],
        ["follow-up", "Ana Lima", "quote", "--due", "2026-12-01", "--theirs"],
        ["got", "Ana Lima", "advice", "--at", "2026-03-01"],
        ["got", "Ana Lima", "an intro", "--at", "2026-06-01"],
        ["gave", "Bo Chen", "a gift", "--at", "2026-11-01"],
        ["done", "1"],
        ["snooze", "2", "2027-01-05"],
        ["merge", "Ana Lima", "Bo Chen"],
        ["undo"],
        ["import", str(import_file)],
        ["archive", "Bo Chen"],
        ["forget", "Bo Chen", "--yes"],
    ]
    for step in steps:
        wt(*step, input="y\n")
        check(db)
    store, _ = open_store(db)
    try:
        row = store.conn.execute(
            "SELECT my_open, their_open, their_first_due, ledger_last_direction, one_way_since"
            " FROM standings s JOIN contacts c ON c.id = s.contact_id WHERE c.name = 'Ana Lima'"
        ).fetchone()
        assert tuple(row) == (0, 1, "2027-01-05", "got", "2026-03-01T10:00:00Z")
        assert store.conn.execute("SELECT count(*) FROM standing_months").fetchone()[0] >= 4
    finally:
        store.close()


def test_doctor_finds_and_fix_rebuilds(dana: Path, wt: Invoke) -> None:
    wt("gave", "Dana", "an intro", "--at", "2026-10-01")
    wt("follow-up", "Dana", "deck", "--due", "2026-12-01")
    wt("log", "Dana", "a call", "--at", "2026-10-02")
    assert "the kept standings match" in wt("doctor").stdout
    conn = sqlite3.connect(dana)
    conn.execute("UPDATE standings SET my_open = 5 WHERE contact_id = 1")
    conn.execute("UPDATE standing_months SET given = 9")
    conn.execute("DELETE FROM contact_touches")
    conn.commit()
    conn.close()
    broken = wt("doctor", ok=False)
    assert broken.exit_code == 3
    assert "standings of 1 contact" in broken.stdout
    assert "monthly given/received figures of 1 contact" in broken.stdout
    assert "kept conversation times" not in broken.stdout  # checked by --full only
    full = wt("doctor", "--full", ok=False)
    assert "kept conversation times of 1 contact" in " ".join(full.stdout.split())
    assert "wt doctor --fix" in broken.stdout
    fixed = wt("doctor", "--fix")
    assert "rebuilt from the history" in fixed.stdout
    assert "the kept standings match" in wt("doctor", "--full").stdout
    check(dana)


def test_migration_fills_standings_of_an_existing_database(tmp_path: Path) -> None:
    """A database from before m013 gets its standings when it is opened."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    from wintogether.store import migrations
    from wintogether.store.connection import APPLICATION_ID

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA trusted_schema = ON")
    before = Migrations(migrations.MIGRATION_SET)
    earlier = [name for name, _ in migrations.MIGRATIONS].index("m013_standings")
    for name, function in migrations.MIGRATIONS[:earlier]:
        before(name=name)(function)
    before.apply(Database(conn))
    conn.execute(f"PRAGMA user_version = {earlier}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for n in (1, 2, 3):
        conn.execute(
            "INSERT INTO contacts (id, uid, name, created_at, updated_at)"
            " VALUES (?, ?, ?, '2025-01-01T00:00:00Z', 'x')",
            (n, f"c{n}", f"P {n}"),
        )
    rows = [
        (1, "got", "2026-01-05T10:00:00Z"),
        (1, "gave", "2026-02-05T10:00:00Z"),
        (1, "got", "2026-03-05T10:00:00Z"),
        (1, "got", "2026-03-09T10:00:00Z"),
        (2, "gave", "2025-05-05T10:00:00Z"),
    ]
    for index, (cid, direction, at) in enumerate(rows):
        conn.execute(
            "INSERT INTO ledger (uid, contact_id, direction, kind, text, happened_at,"
            " created_at, updated_at) VALUES (?, ?, ?, 'other', 'x', ?, ?, ?)",
            (f"l{index}", cid, direction, at, at, at),
        )
    conn.execute(
        "INSERT INTO promises (uid, contact_id, text, due_on, owner, status, created_at,"
        " updated_at) VALUES ('p1', 3, 'x', '2026-11-01', 'me', 'open', 'x', 'x')"
    )
    conn.close()
    store, _ = open_store(path)
    try:
        assert standings.kept(store) == standings.recomputed(store)
        kept, months = standings.kept(store)
        assert [row[:2] for row in kept] == [(1, 0), (2, 0), (3, 1)]
        assert kept[0][6:] == ("got", "2026-02-05T10:00:00Z", 2, "2026-03-05T10:00:00Z")
        assert (1, "2026-03", 0, 2) in months
    finally:
        store.close()


# -- the reads: the same answers as the full computation -------------------------

NOW = datetime(2026, 11, 28, 10, tzinfo=UTC)


@pytest.fixture(scope="module")
def busy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Many contacts, entries at window edges, ties at one instant, entries ahead:
    written once for the module, then copied for each test (see ``busy``)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WINTOGETHER_NOW", NOW.isoformat())
        path = tmp_path_factory.mktemp("busy") / "busy.db"
        _write_busy(path)
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture
def busy(tmp_path: Path, busy_file: Path) -> Iterator[Store]:
    """A copy of the busy database, opened: each test has its own."""
    path = tmp_path / "busy.db"
    shutil.copyfile(busy_file, path)
    store, _ = open_store(path)
    assert standings.kept(store) == standings.recomputed(store)
    yield store
    store.close()


def _write_busy(path: Path) -> None:
    import random

    rng = random.Random(5)
    store, _ = open_store(path, create=True)
    with store.write("seed"):
        for n in range(1, 81):
            store.conn.execute(
                "INSERT INTO contacts (id, uid, name, company, created_at, updated_at,"
                " last_touch_at, cadence_days, archived_at)"
                " VALUES (?, ?, ?, ?, '2024-01-01T00:00:00Z', 'x', ?, ?, ?)",
                (
                    n,
                    f"c{n}",
                    rng.choice(["Ana", "ana", "Zoë", "Bo"]) + f" {n % 30}",
                    rng.choice(["Acme", "Globex", None]),
                    rng.choice([None, "2026-09-01T00:00:00Z", "2026-11-01T00:00:00Z"]),
                    rng.choice([None, None, 30, 60]),
                    rng.choice([None] * 5 + ["2026-01-01T00:00:00Z"]),
                ),
            )
        for tag_id, tag in enumerate(["customers", "customers/emea", "partners"], start=1):
            store.conn.execute(
                "INSERT INTO tags (id, uid, name, updated_at) VALUES (?, ?, ?, 'x')",
                (tag_id, f"t{tag_id}", tag),
            )
        for n in range(1, 81, 2):
            store.conn.execute(
                "INSERT INTO contact_tags (uid, contact_id, tag_id, updated_at)"
                " VALUES (?, ?, ?, 'x')",
                (f"ct{n}", n, rng.choice([1, 2, 3])),
            )
        for m in range(700):
            when = NOW - timedelta(days=rng.randint(-20, 420), minutes=rng.randint(0, 1440))
            if rng.random() < 0.1:
                when = NOW - timedelta(days=100)  # one instant: ties by id
            store.conn.execute(
                "INSERT INTO ledger (uid, contact_id, direction, kind, text, happened_at,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, 'x', ?, 'x', 'x')",
                (f"l{m}", rng.randint(1, 80), rng.choice(["gave", "got", "got"]),
                 rng.choice(["intro", "advice"]), when.strftime("%Y-%m-%dT%H:%M:%SZ")),
            )  # fmt: skip
        for m in range(150):
            due = (NOW - timedelta(days=rng.randint(-30, 400))).date().isoformat()
            store.conn.execute(
                "INSERT INTO promises (uid, contact_id, text, due_on, owner, status,"
                " created_at, updated_at) VALUES (?, ?, 'x', ?, ?, ?, 'x', 'x')",
                (f"p{m}", rng.randint(1, 80), due, rng.choice(["me", "them"]),
                 rng.choice(["open", "open", "done", "cancelled"])),
            )  # fmt: skip
        for m in range(30):
            when = NOW - timedelta(days=rng.randint(0, 400))
            store.conn.execute(
                "INSERT INTO wins (uid, contact_id, theirs, mine, happened_at, created_at,"
                " updated_at) VALUES (?, ?, 'a', 'b', ?, 'x', 'x')",
                (f"w{m}", rng.randint(1, 80), when.strftime("%Y-%m-%dT%H:%M:%SZ")),
            )
    assert standings.kept(store) == standings.recomputed(store)
    store.close()


MOMENTS_NOW = [NOW, NOW + timedelta(days=33), NOW - timedelta(days=45, hours=3)]


@pytest.mark.parametrize("now", MOMENTS_NOW, ids=["now", "later", "earlier"])
@pytest.mark.parametrize("stretch", [30, 90])
def test_ledger_figures_equal_the_entries(
    busy: Store, now: datetime, stretch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    since, until = ledger._window_start(now), now.strftime("%Y-%m-%dT%H:%M:%SZ")
    kept = sorted(standings.ledger_figures(busy, since, until), key=lambda f: f.contact.id)
    raw = sorted(standings._raw_figures(busy, since, until, None), key=lambda f: f.contact.id)
    assert kept == raw
    assert any(f.tied for f in kept) or now != NOW
    some = [f.contact.id for f in raw[::3]] + [79, 80]
    for few in (0, 1000):  # everyone's pass, filtered; each one's rows by index
        monkeypatch.setattr(standings, "_FEW", few)
        assert sorted(
            standings.ledger_figures(busy, since, until, contact_ids=some),
            key=lambda f: f.contact.id,
        ) == [f for f in raw if f.contact.id in some]


@pytest.mark.parametrize("now", MOMENTS_NOW, ids=["now", "later", "earlier"])
@pytest.mark.parametrize("stretch", [30, 90])
def test_balance_page_equals_every_balance(busy: Store, now: datetime, stretch: int) -> None:
    config = Config(one_sided_after_days=stretch)
    full = ledger.balances(busy, config, now)
    for limit in (1, 7, 50, 1000):
        view, total = ledger.balance_page(busy, config, now, None, limit)
        assert total == len(full.rows)
        assert [r.to_json(words) for r in view.rows] == [
            r.to_json(words) for r in full.rows[:limit]
        ]


@pytest.mark.parametrize("now", MOMENTS_NOW, ids=["now", "later", "earlier"])
@pytest.mark.parametrize("stretch", [30, 90])
@pytest.mark.parametrize(
    "only",
    [{}, {"tag": "customers"}, {"company": "acme"}, {"archived": True}],
    ids=["all", "tag", "company", "archived"],
)
@pytest.mark.parametrize("slack", [50, 0], ids=["slack", "no-slack"])
def test_attention_ranking_equals_full_health(
    busy: Store,
    now: datetime,
    stretch: int,
    only: dict[str, object],
    slack: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No slack: every tie with the last wanted place makes the ranking keep more.
    monkeypatch.setattr(contacts_store, "_SLACK", slack)
    config = Config(
        one_sided_after_days=stretch,
        tag_cadences={"customers": 14, "customers/emea": 45, "partners": 20},
    )
    full, total = contacts.listing_page(busy, config, now, sort="attention", **only)  # type: ignore[arg-type]
    assert total == len(full) > 3
    for limit in (1, 10, 50, 1000):
        rows, count = contacts.listing_page(
            busy,
            config,
            now,
            sort="attention",
            limit=limit,
            **only,  # type: ignore[arg-type]
        )
        assert count == total
        assert [r.to_json(words) for r in rows] == [r.to_json(words) for r in full[:limit]]


def _became_one_sided_reference(
    store: Store,
    config: Config,
    start: datetime,
    end: datetime,
    window_start: str,
    every: list[LedgerEntry] | None = None,
) -> list[tuple[int, str | None, object]]:
    """The rule over every entry, as the summary computed it before the standings.
    ``every``: all the ledger's entries oldest first, read once by a caller that
    asks for many windows (those from ``window_start`` on are the same list, in
    the same order, as reading them from it)."""
    if every is None:
        entries = ledger_store.entries(store, since=window_start, newest_first=False)
    else:
        since = datetime.strptime(window_start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        entries = [e for e in every if e.happened_at >= since]
    out = []
    for cid, own in health.by_contact(entries).items():
        before = health.balance(own, cid, start, config.one_sided_after_days)
        after = health.balance(own, cid, end, config.one_sided_after_days)
        if after.one_sided and after.one_sided != before.one_sided and after.one_sided_since:
            out.append((own[0].contact, after))
    out.sort(key=lambda o: o[0].name.casefold())
    return [(ref.id, words.one_sided_text(bal), bal.to_json(words)) for ref, bal in out]


@pytest.mark.parametrize(
    "span",
    [
        dict(month=True),
        dict(week=True),
        dict(last_week=True),
        dict(since="2026-06-01", until="2026-09-30"),
    ],
    ids=["month", "week", "last-week", "past"],
)
@pytest.mark.parametrize("stretch", [30, 90])
def test_became_one_sided_equals_the_full_rule(
    busy: Store, span: dict[str, object], stretch: int
) -> None:
    config = Config(one_sided_after_days=stretch)
    period = summary.period(NOW, config, **span)  # type: ignore[arg-type]
    result = summary.summarise(busy, config, NOW, period)
    start = datetime.combine(period.first, datetime.min.time(), tzinfo=UTC)
    end = min(datetime.combine(period.last + timedelta(days=1), datetime.min.time(), UTC), NOW)
    window_start = (start - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    expected = _became_one_sided_reference(busy, config, start, end, window_start)
    got = [
        (o.contact.id, words.one_sided_text(o.balance), o.balance.to_json(words))
        for o in result.became_one_sided
    ]
    assert got == expected


@pytest.mark.parametrize("stretch", [1, 30, 90])
def test_became_one_sided_over_many_periods(busy: Store, stretch: int) -> None:
    """Periods of a day to two months, ending from a year ago to weeks ahead: the
    runs left unchecked at the start (begun a stretch before it) never change
    the answer."""
    config = Config(one_sided_after_days=stretch)
    every = ledger_store.entries(busy, newest_first=False)
    found = 0
    for back in range(-30, 400, 23):
        for days in (1, 7, 31, 62):
            end = NOW - timedelta(days=back, hours=back % 24)
            start = end - timedelta(days=days)
            window_start = (start - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
            expected = _became_one_sided_reference(busy, config, start, end, window_start, every)
            if (back, days) == (-30, 1):  # as with the entries read for this window alone
                assert expected == _became_one_sided_reference(
                    busy, config, start, end, window_start
                )
            listed, count = summary._became_one_sided(busy, config, start, end, window_start)
            got = [
                (o.contact.id, words.one_sided_text(o.balance), o.balance.to_json(words))
                for o in listed
            ]
            assert got == expected and count == len(expected), (back, days)
            found += len(got)
            # A table's first few by name (with any tied with the last), all
            # counted: where the list is longer than what a table shows.
            for shown in [1 + (back + days) % 3][: len(expected) > 1]:
                first, count = summary._became_one_sided(
                    busy, config, start, end, window_start, shown
                )
                assert count == len(expected), (back, days, shown)
                assert len(first) >= min(shown, len(expected))
                assert [o.contact.id for o in first] == [e[0] for e in expected[: len(first)]]
                if len(first) > shown:  # only ties with the last go past it
                    names = {o.contact.name.casefold() for o in first[shown - 1 :]}
                    assert len(names) == 1, (back, days, shown)
    assert found > 20


def test_attention_ranking_grows_linearly_with_tagged_contacts(tmp_path: Path) -> None:
    """Tag rhythms are looked up per contact: twice the tagged contacts, about
    twice the work (a join that lost its index scanned every tag per contact)."""
    config = Config(tag_cadences={"customers": 30, "partners": 42})

    def steps(count: int) -> int:
        store, _ = open_store(tmp_path / f"t{count}.db", create=True)
        try:
            with store.write("seed"):
                for tag_id, tag in ((1, "customers"), (2, "partners")):
                    store.conn.execute(
                        "INSERT INTO tags (id, uid, name, updated_at) VALUES (?, ?, ?, 'x')",
                        (tag_id, f"t{tag_id}", tag),
                    )
                for n in range(1, count + 1):
                    store.conn.execute(
                        "INSERT INTO contacts (id, uid, name, created_at, updated_at)"
                        " VALUES (?, ?, ?, '2026-01-01T00:00:00Z', 'x')",
                        (n, f"c{n}", f"P {n}"),
                    )
                    store.conn.execute(
                        "INSERT INTO contact_tags (uid, contact_id, tag_id, updated_at)"
                        " VALUES (?, ?, ?, 'x')",
                        (f"ct{n}", n, 1 + n % 2),
                    )
            done = 0

            def tick() -> int:
                nonlocal done
                done += 1
                return 0

            store.conn.set_progress_handler(tick, 1000)
            rows, total = contacts.listing_page(store, config, NOW, sort="attention", limit=5)
            store.conn.set_progress_handler(None, 1000)
            assert total == count and len(rows) == 5
            return done
        finally:
            store.close()

    small, large = steps(400), steps(1600)
    assert large < small * 6, (small, large)


def test_writes_cost_the_same_however_long_the_run(tmp_path: Path) -> None:
    """A ledger entry or a promise finds the turn and the run's start by index:
    logging the 2,000th entry in one direction costs what the 200th did (a
    bulk import of a long one-way history stays linear)."""
    store, _ = open_store(tmp_path / "run.db", create=True)
    try:
        with store.write("seed"):
            store.conn.execute(
                "INSERT INTO contacts (id, uid, name, created_at, updated_at)"
                " VALUES (1, 'c1', 'Ana', '2026-01-01T00:00:00Z', 'x')"
            )
        done = 0

        def tick() -> int:
            nonlocal done
            done += 1
            return 0

        def batch(start: int, count: int) -> int:
            nonlocal done
            done = 0
            store.conn.set_progress_handler(tick, 100)
            with store.write("batch"):
                for n in range(start, start + count):
                    store.conn.execute(
                        "INSERT INTO ledger (uid, contact_id, direction, kind, text, happened_at,"
                        " created_at, updated_at) VALUES (?, 1, 'got', 'other', 'x', ?, 'x', 'x')",
                        (f"l{n}", f"2026-01-01T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z"),
                    )
                    store.conn.execute(
                        "INSERT INTO promises (uid, contact_id, text, due_on, owner, status,"
                        " created_at, updated_at) VALUES (?, 1, 'x', '2026-02-01', 'me', 'done',"
                        " 'x', 'x')",
                        (f"p{n}",),
                    )
            store.conn.set_progress_handler(None, 100)
            return done

        first = batch(0, 200)
        batch(200, 1800)
        later = batch(2000, 200)
        assert later < first * 2, (first, later)
        assert standings.problems(store) == []
    finally:
        store.close()
