"""When each contact's quiet began, kept (store/quiet.py): by triggers in the
transaction of every write, equal to a recomputation whatever the writes; and
the slipping list read from it equals the rule, ties included, whatever the
config says from one run to the next (nothing kept depends on it)."""

from __future__ import annotations

import io
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Invoke
from test_slipping_sql import CONFIGS, build
from test_standings import NAMES, OPS, import_file, run
from wintogether.config import Config
from wintogether.domain import cadence
from wintogether.models import ContactRef
from wintogether.store import Store, open_store, quiet
from wintogether.store import contacts as contacts_store
from wintogether.text import write_json, write_json_texts

__all__ = ["import_file"]  # the fixture, shared with test_standings


def check(db: Path) -> None:
    store, _ = open_store(db)
    try:
        assert quiet.kept(store) == quiet.recomputed(store)
        assert quiet.problems(store) == []
    finally:
        store.close()


name = st.sampled_from(NAMES)
RHYTHM_OPS = st.one_of(
    OPS,
    st.tuples(st.just("tag"), name, st.sampled_from(["customers", "partners", "friends"])),
    st.tuples(st.just("untag"), name, st.sampled_from(["customers", "partners", "friends"])),
    st.tuples(st.just("every"), name, st.sampled_from(["10d", "2w", "3m"])),
    st.tuples(st.just("clear"), name, st.sampled_from(["tags", "cadence"])),
)


def run_rhythm(wt: Invoke, db: Path, op: tuple[object, ...], import_file: Path) -> None:
    if op[0] == "tag":
        wt("edit", str(op[1]), "--tag", str(op[2]), ok=False)
    elif op[0] == "untag":
        wt("edit", str(op[1]), "--untag", str(op[2]), ok=False)
    elif op[0] == "every":
        wt("edit", str(op[1]), "--every", str(op[2]), ok=False)
    elif op[0] == "clear":
        wt("edit", str(op[1]), "--clear", str(op[2]), ok=False)
    else:
        run(wt, op, import_file)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(RHYTHM_OPS, min_size=1, max_size=20))
def test_kept_quiet_days_equal_recomputed_after_any_writes(
    db: Path, wt: Invoke, import_file: Path, ops: list[tuple[object, ...]]
) -> None:
    for person in NAMES:
        wt("add", person, ok=False)
    for op in ops:
        run_rhythm(wt, db, op, import_file)
        check(db)


def test_each_kind_of_write_is_followed(db: Path, wt: Invoke) -> None:
    steps = [
        ["add", "Ana Lima", "--tag", "customers"],
        ["add", "Bo Chen", "--tag", "partners"],
        ["edit", "Ana Lima", "--tag", "partners"],
        ["edit", "Ana Lima", "--untag", "partners"],
        ["edit", "Bo Chen", "--every", "2w"],
        ["log", "Bo Chen", "a call", "--at", "2026-10-01"],
        ["archive", "Ana Lima"],
        ["unarchive", "Ana Lima"],
        ["merge", "Ana Lima", "Bo Chen"],
        ["undo"],
        ["edit", "Bo Chen", "--clear", "cadence"],
        ["forget", "Bo Chen", "--yes"],
    ]
    for step in steps:
        wt(*step, input="y\n")
        check(db)
    store, _ = open_store(db)
    try:
        contacts, tags = quiet.kept(store)
        ana = store.conn.execute("SELECT id FROM contacts WHERE name = 'Ana Lima'").fetchone()[0]
        assert [row[:3] for row in contacts] == [(ana, 1, None)]
        customers = store.conn.execute("SELECT id FROM tags WHERE name = 'customers'").fetchone()
        assert [row[:2] for row in tags] == [(ana, customers[0])]
    finally:
        store.close()


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("config", CONFIGS, ids=["defaults", "tags", "ties", "longer"])
@pytest.mark.parametrize("offset_hours", [0, 5.5, -8])
def test_ranges_ranking_equals_the_rule(
    built: object, seed: int, config: Config, offset_hours: float
) -> None:
    db = built(build, seed)  # type: ignore[operator]
    zone = timezone_of(offset_hours)
    now = datetime(2026, 11, 28, 23, 30, tzinfo=UTC).astimezone(zone)
    store, _ = open_store(db)
    try:
        with store.read():
            by_rule = cadence.slipping(contacts_store.standings(store), config, now)
            by_kept, total = cadence.slipping_in(store, config, now)
            kept = quiet.quiet_contacts(
                store,
                today=now.date(),
                default_days=config.default_cadence_days,
                tag_days=cadence.tag_days(store, config),
            )
            tops = {n: cadence.slipping_in(store, config, now, top=n) for n in (1, 5, 10, 37)}
    finally:
        store.close()
    assert len(by_rule) > 20
    assert by_kept == by_rule
    assert total == len(by_rule)
    assert kept is not None and kept[1] == total  # the ranges were read, not a pass
    for n, (first, count) in tops.items():
        assert first == by_rule[:n]
        assert count == len(by_rule)


def timezone_of(hours: float) -> object:
    from datetime import timezone

    return timezone(timedelta(hours=hours))


def test_ties_past_the_rows_read_are_all_ranked(tmp_path: Path) -> None:
    """Forty contacts quiet the same days with the same rhythm: the first five
    by name, whichever rows the index gives first."""
    db = tmp_path / "ties.db"
    store, _ = open_store(db, create=True)
    try:
        with store.write("seed"):
            for n in range(40):
                store.conn.execute(
                    "INSERT INTO contacts (uid, name, last_touch_at, created_at, updated_at)"
                    " VALUES (?, ?, ?, '2025-01-01T00:00:00Z', 'x')",
                    (f"u{n}", f"P{(n * 7) % 40:02d}", f"2026-06-01T{n % 24:02d}:00:00Z"),
                )
            store.conn.execute(
                "INSERT INTO contacts (uid, name, last_touch_at, created_at, updated_at)"
                " VALUES ('late', 'Zed', '2026-05-01T00:00:00Z', '2025-01-01T00:00:00Z', 'x')"
            )
        now = datetime(2026, 11, 28, 10, tzinfo=UTC)
        with store.read():
            first, total = cadence.slipping_in(store, Config(), now, top=5)
            rule = cadence.slipping(contacts_store.standings(store), Config(), now)
    finally:
        store.close()
    assert total == 41
    assert first == rule[:5]
    assert [a.contact.name for a in first] == ["Zed", "P00", "P01", "P02", "P03"]


def test_a_config_change_between_runs_is_followed(db: Path, wt: Invoke) -> None:
    config = Path(os.environ["WINTOGETHER_CONFIG"])
    wt("add", "Ana Lima", "--tag", "customers")
    wt("log", "Ana Lima", "a call", "--at", "2026-10-20")
    wt("add", "Bo Chen")
    wt("log", "Bo Chen", "a call", "--at", "2026-10-10")
    config.write_text('[cadence]\ndefault = "45d"\n')
    assert wt("neglected", "--plain").stdout.count("last talked") == 1  # Bo only
    config.write_text('[cadence]\ndefault = "90d"\n[cadence.tags]\ncustomers = "2w"\n')
    out = wt("neglected", "--json").stdout
    assert '"name": "Ana Lima"' in out and "Bo Chen" not in out
    assert '"cadence_source": "tag customers"' in out
    config.write_text('[cadence]\ndefault = "90d"\n[cadence.tags]\ncustomers = "60d"\n')
    assert "Nobody is slipping" in wt("neglected").stderr
    check(db)


def test_doctor_finds_and_fix_rebuilds(dana: Path, wt: Invoke) -> None:
    assert "the kept standings match" in wt("doctor").stdout
    conn = sqlite3.connect(dana)
    conn.execute("UPDATE contact_quiet SET quiet = 3 WHERE contact_id = 1")
    conn.commit()
    conn.close()
    broken = wt("doctor", ok=False)
    assert broken.exit_code == 3
    assert "kept quiet days of 1 contact" in broken.stdout
    assert "rebuilt from the history" in wt("doctor", "--fix").stdout
    assert "the kept standings match" in wt("doctor").stdout
    check(dana)


@pytest.mark.parametrize(
    "ref",
    [
        ContactRef(1, "Ana Lima", None),
        ContactRef(22, 'Zoë "Z" \\ Müller', "Émile & Co"),
        ContactRef(3, "bidi \u202e evil \x1b[2J \x7f \x9b \u200b", "tab\there\nnewline"),
        ContactRef(4, "emoji 🎉 \U000e0041", ""),
    ],
)
@pytest.mark.parametrize(
    ("days", "rhythm", "source", "talked"),
    [(675, 7, "contact", True), (0, 30, "default", True), (12, 14, "tag zoë\u202e", False)],
)
def test_json_items_are_the_bytes_of_write_json(
    ref: ContactRef, days: int, rhythm: int, source: str, talked: bool
) -> None:
    a = cadence.Attention(ref, days, rhythm, source, days / rhythm, talked)
    whole, items = io.StringIO(), io.StringIO()
    write_json([a.to_json(), a.to_json()], whole)
    write_json_texts([a.json_item(), cadence.json_item(ref, days, rhythm, source, talked)], items)
    assert items.getvalue() == whole.getvalue()
    empty, none = io.StringIO(), io.StringIO()
    write_json([], empty)
    write_json_texts([], none)
    assert none.getvalue() == empty.getvalue()


def _seed_tied(
    tmp_path: Path,
    names: list[str],
    count: int,
    suffixes: int,
    archive_every: int,
    promised: tuple[int, ...],
) -> Store:
    """A new database of ``count`` contacts named from ``names`` (a number after
    each), imported at one moment and never talked to, every ``archive_every``-th
    archived (from the 3rd; 0: none), a broken promise to each of ``promised``."""
    store, _ = open_store(tmp_path / "day.db", create=True)
    with store.write("seed"):
        for n in range(count):
            archived = "x" if archive_every and n % archive_every == 3 else None
            store.conn.execute(
                "INSERT INTO contacts (uid, name, created_at, updated_at, archived_at)"
                " VALUES (?, ?, '2026-11-28T09:00:00Z', 'x', ?)",
                (f"u{n}", names[n % len(names)] + f" {n % suffixes}", archived),
            )
        for n in promised:
            store.conn.execute(
                "INSERT INTO promises (uid, contact_id, owner, text, due_on, status,"
                " created_at, updated_at) VALUES (?, ?, 'me', 'x', '2026-11-20', 'open',"
                " 'x', 'x')",
                (f"p{n}", n),
            )
    return store


def _attention_pages_match(
    tmp_path: Path,
    names: list[str],
    count: int,
    limits: tuple[int, ...],
    *,
    suffixes: int,
    archive_every: int = 0,
) -> None:
    """``count`` contacts named from ``names`` (a number after each), imported at
    one moment and never talked to, three with a broken promise, some archived:
    every page of the attention ranking is the full ranking's first rows."""
    from wintogether.domain import contacts

    store = _seed_tied(tmp_path, names, count, suffixes, archive_every, (5, 50, 99))
    try:
        now = datetime(2026, 11, 28, 10, tzinfo=UTC)
        config = Config()
        full, total = contacts.listing_page(store, config, now, sort="attention")
        assert total == sum(1 for n in range(count) if not archive_every or n % archive_every != 3)
        for limit in limits:
            rows, shown = contacts.listing_page(store, config, now, sort="attention", limit=limit)
            assert shown == total
            assert [r.contact.id for r in rows] == [r.contact.id for r in full[:limit]]
    finally:
        store.close()


def test_attention_page_with_everyone_tied(tmp_path: Path) -> None:
    """A first day: everyone imported at one moment, never talked, all tied; a
    few with a broken promise. The page is the full ranking's first rows."""
    names = ["ana", "Émile", "Zoë", "bob", "Bob", "éva"]
    _attention_pages_match(tmp_path, names, 120, (1, 3, 4, 50, 119), suffixes=17)


def test_attention_page_of_thousands_tied_reads_names_in_order(tmp_path: Path) -> None:
    """Many tied with the last place: the page reads names in the index's order
    (store/contacts.py ``_first_by_name``) and still shows the full ranking's
    first rows, names beyond ASCII (casefolded anywhere: "ß" is "ss") included."""
    names = ["ana", "Émile", "Zoë", "bob", "Bob", "éva", "Straße", "strasse", "SS", "ßa",
             "Ölaf", "ärne", "a\x00b", "ZED", "zed", "İlker", "ǅemal", "Ana"]  # fmt: skip
    _attention_pages_match(
        tmp_path, names, 800, (1, 3, 4, 50, 120, 400), suffixes=7, archive_every=97
    )


def test_attention_page_of_everyone_alike_is_the_ranges_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When every active contact has the default rhythm and the same days quiet
    (store/quiet.py ``uniform``), the page is taken without reading each one's
    figures: the same rows as the ranges give, bonus and names beyond ASCII
    included; a contact with a rhythm of its own, or talked to, ends the shortcut."""
    from wintogether.domain import contacts

    names = ["ana", "Émile", "Straße", "strasse", "ßa", "Bob", "bob", "İlker", "zed"]
    store = _seed_tied(tmp_path, names, 700, 11, 89, (5, 50, 93, 99))  # 93 is archived
    try:
        now = datetime(2026, 11, 28, 10, tzinfo=UTC)
        config = Config()
        alike = quiet.uniform
        taken: list[object] = []
        ranked_alike = contacts_store._ranked_alike
        monkeypatch.setattr(
            contacts_store,
            "_ranked_alike",
            lambda *a, **k: taken.append(ranked_alike(*a, **k)) or taken[-1],
        )

        def pages() -> list[tuple[list[int], int]]:
            out = []
            for limit in (1, 2, 3, 4, 50, 120):
                rows, total = contacts.listing_page(
                    store, config, now, sort="attention", limit=limit
                )
                out.append(([r.contact.id for r in rows], total))
            return out

        seen: list[object] = []
        for change in (None, "cadence_days = 30", "last_touch_at = '2026-10-01T10:00:00Z'"):
            if change:
                with store.write("change"):
                    store.conn.execute(f"UPDATE contacts SET {change} WHERE id = 400")
            seen.clear()
            monkeypatch.setattr(quiet, "uniform", lambda *a, **k: seen.append(1) or alike(*a, **k))
            shortcut = pages()
            monkeypatch.setattr(quiet, "uniform", lambda *a, **k: None)
            assert shortcut == pages()
            assert seen
            assert any(taken) == (change is None)
            taken.clear()
            with store.read():
                found = alike(store, today=now.date(), tag_days=[])
            assert (found is None) == (change is not None)
    finally:
        store.close()


def test_attention_walk_stops_only_past_every_tie(tmp_path: Path) -> None:
    """The attention page walks contacts coldest first and stops once the
    attention met, with the largest bonus anyone can have (my broken promises
    to one contact, and one for a receiving run), stays below the page's last
    attention: contacts further on whose bonus lifts them to a tie with the
    last place are still met, and the page is the full ranking's first rows at
    every size (here four tie at 4.0, the quietest-but-one first by name)."""
    from wintogether.domain import contacts

    now = datetime(2026, 11, 28, 10, tzinfo=UTC)
    # Weekly rhythm: (name, days quiet, broken promises, receiving); scores
    # 4.0, 3+1, 2+2, 1+2+1 (all tied), then 0.5+2+1 and 0.
    people = [
        ("Person 4", 28, 0, False),
        ("Person 3", 21, 1, False),
        ("Person 2", 14, 2, False),
        ("Person 1", 7, 2, True),
        ("Person 0", 3.5, 2, True),
        ("Person 5", 0, 0, False),
    ]
    store, _ = open_store(tmp_path / "walk.db", create=True)
    try:
        with store.write("seed"):
            for n, (name, days, broken, receiving) in enumerate(people, start=1):
                created = (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
                store.conn.execute(
                    "INSERT INTO contacts (id, uid, name, cadence_days, created_at, updated_at)"
                    " VALUES (?, ?, ?, 7, ?, 'x')",
                    (n, f"u{n}", name, created),
                )
                for m in range(broken):
                    store.conn.execute(
                        "INSERT INTO promises (uid, contact_id, owner, text, due_on, status,"
                        " created_at, updated_at) VALUES (?, ?, 'me', 'x', '2026-11-20', 'open',"
                        " 'x', 'x')",
                        (f"p{n}-{m}", n),
                    )
                for month in (3, 5, 7) if receiving else ():  # received for months
                    at = (now - timedelta(days=30 * month)).strftime("%Y-%m-%dT%H:%M:%SZ")
                    store.conn.execute(
                        "INSERT INTO ledger (uid, contact_id, direction, kind, text,"
                        " happened_at, created_at, updated_at)"
                        " VALUES (?, ?, 'got', 'advice', 'x', ?, 'x', 'x')",
                        (f"l{n}-{month}", n, at),
                    )
        config = Config()
        full, total = contacts.listing_page(store, config, now, sort="attention")
        scores = [(r.contact.name, r.health.score if r.health else None) for r in full]
        assert scores[:4] == [("Person 1", 4.0), ("Person 2", 4.0), ("Person 3", 4.0),
                              ("Person 4", 4.0)]  # fmt: skip
        for limit in range(1, len(people) + 1):
            rows, shown = contacts.listing_page(store, config, now, sort="attention", limit=limit)
            assert shown == total == len(people)
            assert [r.contact.id for r in rows] == [r.contact.id for r in full[:limit]], limit
    finally:
        store.close()
