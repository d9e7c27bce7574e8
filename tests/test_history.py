"""The global timeline and its filters."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Invoke
from factory import Factory


@pytest.fixture
def story(dana: Path) -> Path:
    with Factory(dana) as make:
        make.log("dana", "Old call", channel="call", at="2026-10-01T09:00")
        make.log("dana", "Discovery call", channel="call", at="2026-11-02T09:00")
        make.log("marcus", "Partner email", channel="email", at="2026-11-15T09:00")
        make.log("marcus", "QBR", with_=["dana"], channel="meeting", at="2026-11-20T15:00")
        make.promise("dana", "Send =SUM(A1) sheet", due="fri")
        make.gave("marcus", "Pricing advice", kind="advice", at="2026-11-10T12:00")
        make.got("dana", "Referral to Marcus", kind="referral", to="marcus", at="2026-11-12T12:00")
        make.win("dana", "Faster rollout", mine="Renewal", at="2026-11-25T12:00")
    return dana


def kinds(wt: Invoke, *args: str) -> list[tuple[str, str]]:
    data = json.loads(wt("history", "--json", *args).stdout)
    return [(e["kind"], e["at"][:10]) for e in data["entries"]]


def test_default_range_is_the_last_30_days_oldest_first(story: Path, wt: Invoke) -> None:
    data = json.loads(wt("history", "--json").stdout)
    assert (data["since"], data["until"]) == ("2026-10-29", "2026-11-28")
    assert [(e["kind"], e["at"][:10]) for e in data["entries"]] == [
        ("conversation", "2026-11-02"),
        ("ledger", "2026-11-10"),
        ("ledger", "2026-11-12"),
        ("conversation", "2026-11-15"),
        ("conversation", "2026-11-20"),
        ("win", "2026-11-25"),
        ("promise", "2026-11-28"),
    ]


def test_since_and_until(story: Path, wt: Invoke) -> None:
    assert len(kinds(wt, "--since", "2026-09-01")) == 8
    assert kinds(wt, "--until", "2026-11-14") == [
        ("conversation", "2026-11-02"),
        ("ledger", "2026-11-10"),
        ("ledger", "2026-11-12"),
    ]
    # --until is inclusive of the whole day
    assert kinds(wt, "--since", "2026-11-20", "--until", "2026-11-20") == [
        ("conversation", "2026-11-20")
    ]


def test_contact_filter_includes_intros_and_group_meetings(story: Path, wt: Invoke) -> None:
    assert kinds(wt, "--contact", "marcus") == [
        ("ledger", "2026-11-10"),
        ("ledger", "2026-11-12"),
        ("conversation", "2026-11-15"),
        ("conversation", "2026-11-20"),
    ]


def test_tag_filter(story: Path, wt: Invoke) -> None:
    assert kinds(wt, "--tag", "customers") == [
        ("conversation", "2026-11-02"),
        ("ledger", "2026-11-12"),
        ("conversation", "2026-11-20"),
        ("win", "2026-11-25"),
        ("promise", "2026-11-28"),
    ]


def test_channel_and_kind_filters(story: Path, wt: Invoke) -> None:
    assert kinds(wt, "--channel", "call") == [("conversation", "2026-11-02")]
    assert kinds(wt, "--kind", "ledger") == [("ledger", "2026-11-10"), ("ledger", "2026-11-12")]
    assert kinds(wt, "--kind", "gave") == [("ledger", "2026-11-10")]
    assert kinds(wt, "--kind", "got") == [("ledger", "2026-11-12")]
    assert kinds(wt, "--kind", "win") == [("win", "2026-11-25")]
    assert kinds(wt, "--kind", "promise") == [("promise", "2026-11-28")]
    assert kinds(wt, "--kind", "promise", "--contact", "marcus") == []


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--channel", "call", "--kind", "ledger"), "--channel applies to conversations only"),
        (("--since", "2026-11-20", "--until", "2026-11-01"), "--since is after --until"),
        (("--kind", "gossip"), "Unknown kind 'gossip'"),
        (("--channel", "pigeon"), "Unknown channel 'pigeon'"),
        (("--contact", "nobody"), "No contact matches 'nobody'"),
        (("--since", "not a date"), "date"),
    ],
)
def test_bad_filters(story: Path, wt: Invoke, args: tuple[str, ...], needle: str) -> None:
    run = wt("history", *args, ok=False)
    assert run.exit_code == 1
    assert needle in run.stderr
    assert run.stdout == ""


def test_plain_text_is_grouped_by_day_and_csv_is_guarded(story: Path, wt: Invoke) -> None:
    out = wt("--plain", "history").stdout
    lines = out.splitlines()
    assert lines[0] == "Mon 2 Nov"
    assert "Tue 10 Nov" in lines
    assert any(
        line.startswith("Sat 28 Nov 10:00  promise I will: Send =SUM(A1) sheet") for line in lines
    )
    rows = list(csv.reader(io.StringIO(wt("history", "--format", "csv").stdout)))
    assert rows[0] == ["at", "kind", "id", "people", "text"]
    promise = next(r for r in rows if r[1] == "promise")
    assert promise[4] == "Send =SUM(A1) sheet"  # not at the start: no guard needed
    win = next(r for r in rows if r[1] == "win")
    assert win[4] == "they gained: Faster rollout; I gained: Renewal"
    intro = next(r for r in rows if r[1] == "ledger" and r[2] == "2")
    assert intro[3] == "Dana Reyes; Marcus O'Neil"


def test_nothing_in_range(story: Path, wt: Invoke) -> None:
    run = wt("history", "--since", "2025-01-01", "--until", "2025-01-31")
    assert run.stdout == ""
    assert run.stderr == "Nothing happened in that range.\n"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.datetimes(
                min_value=datetime(1, 1, 3),
                max_value=datetime(9999, 12, 28),
                timezones=st.just(UTC),
            ),
            st.integers(-14 * 60, 14 * 60),
            st.sampled_from(["conversation", "promise", "ledger", "deal"]),
            st.integers(1, 4),
        ),
        max_size=40,
    )
)
def test_entries_in_order_as_sorted_by_their_local_times(
    raw: list[tuple[datetime, int, str, int]],
) -> None:
    """History orders its entries on their UTC instants (each local time read
    from the database has a time zone object of its own): the order of the
    plain sort on the local times, ties (the same deal opened and closed at
    once) kept in the order given."""
    from wintogether.domain.history import HistoryEntry, _in_order
    from wintogether.models import ContactRef, Promise

    entries = []
    for moment, minutes, kind, id_ in raw:
        at = moment.astimezone(timezone(timedelta(minutes=minutes)))  # a zone object each
        item = Promise(id_, "u", ContactRef(1, "A"), None, "t", date(2026, 1, 1), "me", "open",
                       None, None, at)  # fmt: skip
        entries.append(HistoryEntry(at, kind, promise=item))
    expected = sorted(entries, key=lambda e: (e.at, e.kind, e.item.id))
    assert [id(e) for e in _in_order(entries)] == [id(e) for e in expected]


@pytest.fixture
def busy(dana: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two months of every kind, many at the same minute (ties across kinds and
    within one), promises made at many moments, and a tagged third person."""
    import random

    chance = random.Random(16)
    with Factory(dana) as make:
        make.contact("Priya Shah", company="Initech", tags=["customers"])
        people = ["dana", "marcus", "priya"]
        for i in range(160):
            day = date(2026, 10, 1) + timedelta(days=chance.randrange(58))
            at = f"{day.isoformat()}T{chance.choice(['09:00', '09:00', '13:30', '17:45'])}"
            who = chance.choice(people)
            what = chance.randrange(10)
            if what < 4:
                others = [p for p in people if p != who and chance.random() < 0.3]
                channel = chance.choice(["call", "email", "meeting"])
                make.log(who, f"Talk {i}", with_=others, channel=channel, at=at)
            elif what < 6:
                # A promise is dated by when it was made: the clock at that moment.
                monkeypatch.setenv("WINTOGETHER_NOW", f"{at}:00+00:00")
                make.promise(who, f"Promise {i}", due="2026-12-20", theirs=what == 5)
                monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-28T10:00:00+00:00")
            elif what < 9:
                to = chance.choice([p for p in people if p != who])
                if chance.random() < 0.5:
                    make.gave(who, f"Gave {i}", at=at)
                else:
                    make.got(who, f"Intro {i}", kind="referral", to=to, at=at)
            else:
                make.win(who, f"Win {i}", mine="More", at=at)
    return dana


#: Every filter, and ranges that cut the stretch at both ends.
LIMITED_FILTERS: list[dict[str, str]] = [
    {},
    {"since": "2026-09-01"},
    {"since": "2026-11-20", "until": "2026-11-25"},
    {"contact": "marcus", "since": "2026-09-01"},
    {"tag": "customers", "since": "2026-09-01"},
    {"channel": "email", "since": "2026-09-01"},
    {"kind": "promise", "since": "2026-09-01"},
    {"kind": "conversation"},
    {"kind": "got", "since": "2026-09-01"},
    {"kind": "ledger", "since": "2026-09-01"},
    {"kind": "got", "contact": "marcus", "since": "2026-09-01"},
    {"kind": "ledger", "tag": "customers", "since": "2026-09-01"},
    {"kind": "win", "contact": "dana", "since": "2026-09-01"},
]


def test_a_limited_timeline_is_the_newest_of_the_whole_and_counts_the_rest(busy: Path) -> None:
    """`wt history` in a table reads only the newest conversations, promises
    made and ledger entries: whatever the filters and the limit, it lists exactly the last entries
    of the whole timeline and counts exactly the ones before them."""
    from wintogether.clock import now
    from wintogether.domain.history import history
    from wintogether.store import open_store

    store, _ = open_store(busy)
    try:
        for filters in LIMITED_FILTERS:
            whole = history(store, now(), **filters)  # type: ignore[arg-type]
            assert len(whole.entries) > 3, f"{filters} leaves too little to limit"
            assert whole.earlier == 0
            keys = [(e.kind, e.item.id) for e in whole.entries]
            for limit in (1, 2, 3, 7, 20, 50, len(keys) - 1, len(keys), len(keys) + 5):
                part = history(store, now(), limit=limit, **filters)  # type: ignore[arg-type]
                got = [(e.kind, e.item.id) for e in part.entries]
                assert got == keys[-limit:], (filters, limit)
                assert part.earlier == max(0, len(keys) - limit), (filters, limit)
                assert (part.since, part.until) == (whole.since, whole.until)
    finally:
        store.close()


def test_a_table_shows_the_newest_fifty_and_says_how_to_see_all(busy: Path, wt: Invoke) -> None:
    everything = json.loads(wt("history", "--since", "2026-09-01", "--json").stdout)["entries"]
    assert len(everything) == 160
    run = wt("--plain", "history", "--since", "2026-09-01")
    assert run.stderr == "… and 110 earlier: add --limit 0 to show them all.\n"
    shown = [line for line in run.stdout.splitlines() if "#" in line]
    assert len(shown) == 50
    newest = everything[-1]
    assert f"#{newest['id']}" in shown[-1]
    whole = wt("--plain", "history", "--since", "2026-09-01", "--limit", "0")
    assert whole.stderr == ""
    assert len([line for line in whole.stdout.splitlines() if "#" in line]) == 160
    # The table's last lines are the whole timeline's last lines.
    assert whole.stdout.endswith(run.stdout.split("\n", 1)[1])
    assert len(json.loads(wt("history", "--since", "2026-09-01", "--json", "-n", "5").stdout)[
        "entries"]) == 5  # fmt: skip
