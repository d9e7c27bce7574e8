"""Relationship health on hand-computed examples (the clock is pinned)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from conftest import Invoke, write_config
from wintogether.config import Config
from wintogether.domain.health import balance, word_record
from wintogether.models import ContactRef, LedgerEntry, Promise
from wintogether.render.words import balance_text, count_kinds, one_sided_text, word_record_text

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
DANA = ContactRef(1, "Dana Reyes")


def promise(
    due: date, status: str = "open", done: datetime | None = None, owner: str = "me", pid: int = 1
) -> Promise:
    return Promise(
        id=pid,
        uid=f"u{pid}",
        contact=DANA,
        conversation_id=None,
        text="x",
        due_on=due,
        owner=owner,
        status=status,
        done_at=done,
        done_note=None,
        created_at=NOW - timedelta(days=400),
    )


def entry(
    direction: str, days_ago: int, kind: str = "referral", contact: ContactRef = DANA
) -> LedgerEntry:
    at = NOW - timedelta(days=days_ago)
    return LedgerEntry(1, "u", contact, direction, kind, "t", at, at)


def test_word_record_on_time_late_broken_at_the_edges() -> None:
    yesterday = TODAY - timedelta(days=1)
    promises = [
        # done on the due day, at the last minute: on time
        promise(date(2026, 11, 20), "done", datetime(2026, 11, 20, 23, 59, tzinfo=UTC)),
        # done the day after: late by 1 day
        promise(date(2026, 11, 20), "done", datetime(2026, 11, 21, 0, 1, tzinfo=UTC)),
        # done 5 days after: late by 5
        promise(date(2026, 11, 1), "done", datetime(2026, 11, 6, 9, 0, tzinfo=UTC)),
        # done early, due next week: on time already
        promise(date(2026, 12, 5), "done", datetime(2026, 11, 27, 9, 0, tzinfo=UTC)),
        # open, due yesterday: broken
        promise(yesterday),
        # open, due today: not broken yet, not counted
        promise(TODAY),
        # cancelled: neither kept nor broken
        promise(date(2026, 11, 10), "cancelled", datetime(2026, 11, 9, tzinfo=UTC)),
        # due more than 12 months ago: outside the window
        promise(TODAY - timedelta(days=366)),
        # theirs: not mine
        promise(yesterday, owner="them"),
    ]
    mine = word_record(promises, "me", TODAY)
    assert (mine.kept_on_time, mine.kept_late, mine.broken, mine.cancelled) == (2, 2, 1, 1)
    assert mine.late_days == (1, 5)
    assert mine.due == 5
    assert word_record_text(mine) == (
        "I kept 2 of 5 on time; 2 kept late (up to 5 days late); 1 broken (overdue and still open)"
    )
    theirs = word_record(promises, "them", TODAY)
    assert (theirs.due, theirs.broken) == (1, 1)
    assert word_record_text(theirs).startswith("they kept 0 of 1 on time")


def test_kept_and_due_from_narrow_rows_counts_as_the_word_records() -> None:
    """wt path ranks a big account's people from narrow promise rows
    (health.kept_and_due): the same counts as both word records together."""
    import random

    from wintogether.domain.health import kept_and_due

    rng = random.Random(19)
    for _ in range(300):
        promises = []
        for pid in range(rng.randrange(0, 8)):
            due = TODAY + timedelta(days=rng.randrange(-380, 20))
            status = rng.choice(["open", "done", "cancelled"])
            done = None
            if status != "open" and rng.random() < 0.9:
                done = datetime.combine(due, datetime.min.time(), UTC) + timedelta(
                    hours=rng.randrange(-72, 72)
                )
            promises.append(promise(due, status, done, rng.choice(["me", "them"]), pid))
        rows = [(1, p.owner, p.status, p.due_on, p.done_at) for p in promises]
        mine, theirs = word_record(promises, "me", TODAY), word_record(promises, "them", TODAY)
        assert kept_and_due(rows, TODAY) == (
            mine.kept_on_time + theirs.kept_on_time,
            mine.due + theirs.due,
        )


def test_word_record_without_promises_says_so() -> None:
    assert (
        word_record_text(word_record([], "me", TODAY))
        == "no promises fell due in the last 12 months"
    )


def test_one_sided_threshold_is_inclusive() -> None:
    # Received twice, the first 90 days ago, never given since: one-sided at 90 days.
    entries = [entry("got", 90), entry("got", 10, "intro")]
    flagged = balance(entries, 1, NOW, 90)
    assert flagged.one_sided == "receiving"
    assert flagged.one_sided_since == date(2026, 8, 30)
    assert one_sided_text(flagged) == (
        "one-sided: you have received 2 things (1 intro, 1 referral) and given nothing since"
        " August; give something back (an intro, a referral, advice)"
    )
    # 89 days: not yet.
    assert balance([entry("got", 89)], 1, NOW, 90).one_sided is None
    # A stricter threshold flags it.
    assert balance([entry("got", 89)], 1, NOW, 30).one_sided == "receiving"


def test_giving_back_resets_the_run_and_other_contacts_do_not_count() -> None:
    marcus = ContactRef(2, "Marcus")
    entries = [
        entry("got", 200),
        entry("got", 150),
        entry("gave", 20, "advice"),
        entry("got", 5),
        entry("got", 300, contact=marcus),
    ]
    result = balance(entries, 1, NOW, 90)
    assert result.one_sided is None
    assert (result.given_total, result.received_total, result.net) == (1, 3, -2)
    assert (
        balance_text(result) == "gave 1 piece of advice, received 3 referrals in the last 12 months"
    )


def test_only_giving_is_one_sided_too_and_old_entries_fall_out() -> None:
    entries = [entry("got", 400), entry("gave", 120, "intro"), entry("gave", 100, "intro")]
    result = balance(entries, 1, NOW, 90)
    assert result.one_sided == "giving"
    assert result.received_total == 0  # the entry 400 days ago is outside 12 months
    assert "you have given 2 intros and received nothing since July" in (
        one_sided_text(result) or ""
    )


def test_count_kinds_words() -> None:
    assert count_kinds({}) == "nothing"
    assert count_kinds({"referral": 3}) == "3 referrals"
    assert count_kinds({"advice": 1}) == "1 piece of advice"


def test_show_explains_health_in_words(dana: Path, wt: Invoke, tmp_path: Path) -> None:
    write_config(
        tmp_path,
        '[cadence.tags]\ncustomers = "2w"\n[health]\none_sided_after = "30d"\n',
    )
    wt("log", "dana", "Call", "--at", "2026-11-08T10:00")
    wt("got", "dana", "Referral to Initech", "--kind", "referral", "--at", "2026-10-01")
    wt("follow-up", "dana", "Send deck", "--due", "2026-11-20")
    shown = wt("--plain", "show", "dana")
    assert "last talked 20 days ago, every 2 weeks (tag customers)" in shown.stdout
    assert "I kept 0 of 1 on time; 1 broken (overdue and still open)" in shown.stdout
    assert "you have received 1 referral and given nothing since October" in shown.stdout
    data = json.loads(wt("show", "dana", "--json").stdout)
    health = data["health"]
    assert health["in_touch"]["cadence_days"] == 14
    assert health["in_touch"]["cadence_source"] == "tag customers"
    assert health["in_touch"]["days_since_last_touch"] == 20
    assert health["my_word"]["broken"] == 1
    assert health["balance"]["one_sided"] == "receiving"
    assert health["balance"]["one_sided_since"] == "2026-10-01"
    # attention 20/14 + 1 broken promise + 1 one-sided receiving
    assert health["score"] == pytest.approx(20 / 14 + 2, abs=1e-3)


def test_contacts_sort_attention_uses_health(dana: Path, wt: Invoke) -> None:
    # Both talked to today; only Marcus has a broken promise: he comes first.
    wt("log", "dana", "Hi")
    wt("log", "marcus", "Hi")
    wt("follow-up", "marcus", "Send terms", "--due", "2026-11-27")
    rows = json.loads(wt("contacts", "--sort", "attention", "--json").stdout)
    assert [r["name"] for r in rows] == ["Marcus O'Neil", "Dana Reyes"]
    assert rows[0]["health"]["my_word"]["broken"] == 1
    # The plain listing carries no health (it is only computed for this sort).
    assert "health" not in json.loads(wt("contacts", "--json").stdout)[0]


def test_config_rejects_a_bad_threshold_and_week_start(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    write_config(tmp_path, '[health]\none_sided_after = "soon"\n')
    run = wt("balance", ok=False)
    assert run.exit_code == 1
    assert "health.one_sided_after" in run.stderr
    write_config(tmp_path, '[summary]\nweek_start = "funday"\n')
    run = wt("summary", ok=False)
    assert run.exit_code == 1
    assert "week_start" in run.stderr
    assert run.stdout == ""


def test_config_defaults() -> None:
    config = Config()
    assert (config.one_sided_after_days, config.week_start) == (90, 0)
