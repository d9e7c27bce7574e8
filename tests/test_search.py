"""Search: ranked, highlighted, and every text a valid query."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Invoke, WrittenOnce
from factory import Factory
from wintogether.domain.search import quote


@pytest.fixture
def notes(dana: Path, written_once: WrittenOnce) -> Path:
    """Notes, a promise, an intro, a win and a hostile name to search (written by
    the first test, copied for the others)."""
    return written_once("test_search notes", lambda: _write_notes(dana))


def _write_notes(dana: Path) -> Path:
    with Factory(dana) as make:
        make.log("dana", "Renewal talk: AT&T wants SOC2; renewal by Q1", at="2026-11-20")
        make.log("marcus", "Lunch; mentioned a renewal", at="2026-11-21")
        make.promise("dana", "Send the SOC2 report", due="fri")
        make.gave("dana", "Intro to the security team at Globex", kind="intro")
        make.win("marcus", "Closed the Globex pilot", mine="Case study")
        make.contact("[bold red]Mallory[/]", company="Evil \x1b[2J Corp")
    return dana


@pytest.mark.parametrize(
    "query",
    [
        "AT&T",
        "O'Neil",
        "-x",
        '"',
        "NOT",
        "*",
        "AND OR NEAR",
        "(",
        "a:b",
        "^",
        "\\",
        "'",
        "🙂",
        'renewal"',
        "NOT renewal",
        "x*y",
        "%",
        "_",
        "col:renewal",
    ],
)
def test_hostile_queries_never_fail(notes: Path, wt: Invoke, query: str) -> None:
    run = wt("search", "--", query)
    assert run.exit_code == 0
    assert "Traceback" not in run.stderr
    assert run.stdout or run.stderr.strip() == "No matches."
    data = json.loads(wt("search", "--json", "--", query).stdout)
    assert isinstance(data, list)


def test_punctuated_words_are_found(notes: Path, wt: Invoke) -> None:
    hits = json.loads(wt("search", "AT&T", "--json").stdout)
    assert [(h["source"], h["id"]) for h in hits] == [("conversation", 1)]
    hits = json.loads(wt("search", "O'Neil", "--json").stdout)
    # His company O'Neil Consulting comes first, then he does.
    assert [h["source"] for h in hits] == ["company", "contact"]
    assert hits[0]["snippet"] == "O'Neil Consulting"
    assert hits[1]["contact"]["name"] == "Marcus O'Neil"


def test_ranked_across_sources_with_highlights(notes: Path, wt: Invoke) -> None:
    hits = json.loads(wt("search", "renewal", "--json").stdout)
    # The note that says "renewal" twice ranks above the one that says it once.
    assert [(h["source"], h["id"]) for h in hits] == [("conversation", 1), ("conversation", 2)]
    assert hits[0]["rank"] <= hits[1]["rank"]
    first = hits[0]
    spans = [first["snippet"][a:b] for a, b in first["highlights"]]
    assert spans == ["Renewal", "renewal"]
    assert first["contact"]["name"] == "Dana Reyes"
    hits = json.loads(wt("search", "globex", "--json").stdout)
    assert {h["source"] for h in hits} == {"ledger", "win"}
    hits = json.loads(wt("search", "soc2", "--json").stdout)
    assert {h["source"] for h in hits} == {"conversation", "promise"}


def test_all_words_must_match_and_prefix_star(notes: Path, wt: Invoke) -> None:
    hits = json.loads(wt("search", "renewal", "lunch", "--json").stdout)
    assert [h["id"] for h in hits] == [2]
    hits = json.loads(wt("search", "renew*", "--json").stdout)
    assert len(hits) == 2
    assert json.loads(wt("search", "renew", "--json").stdout) == []


def test_terminal_output_is_safe_and_marks_matches(notes: Path, wt: Invoke) -> None:
    out = wt("search", "mallory").stdout
    assert "[bold red]**Mallory**[/]" in out
    assert "\x1b" not in out
    out = wt("search", "evil").stdout
    assert "\\x1b[2J" in out
    assert "\x1b" not in out


def test_empty_query_is_a_user_error(notes: Path, wt: Invoke) -> None:
    for args in ((), ("",), ("   ",)):
        run = wt("search", *args, ok=False)
        assert run.exit_code == 1
        assert run.stdout == ""
        assert run.stderr.startswith("Error: Nothing to search for.")


def test_no_matches_exits_zero(notes: Path, wt: Invoke) -> None:
    run = wt("search", "zebra")
    assert run.stdout == ""
    assert run.stderr == "No matches.\n"


def test_contacts_added_after_migration_are_searchable(notes: Path, wt: Invoke) -> None:
    wt("add", "Zoë Quartermaine")
    hits = json.loads(wt("search", "zoe", "--json").stdout)
    assert [h["contact"]["name"] for h in hits] == ["Zoë Quartermaine"]


def test_quote_form() -> None:
    assert quote('say "hi" NOT') == '"say" """hi""" "NOT"'
    assert quote("renew*") == '"renew"*'
    assert quote('* " -') is None


def test_search_in_a_real_process(notes: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "wintogether", "search", "AT&T"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0
    assert "**AT&T**" in run.stdout
    assert run.stderr == ""


def _conversation_ranking(db: Path, match: str, since: int = 0) -> list[int]:
    """Every matching conversation, best bm25 first, from rowid ``since`` up."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH ?"
            " AND rowid >= ? ORDER BY rank, rowid",
            (match, since),
        ).fetchall()
    finally:
        conn.close()
    return [row[0] for row in rows]


def test_a_common_word_is_ranked_among_its_newest_matches(
    dana: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above CANDIDATES matches, only the newest are ranked (the best of them
    first); at or below it, every match is, as before."""
    from wintogether.domain import search as search_domain
    from wintogether.store import open_store

    with Factory(dana) as make:
        for day in range(1, 31):
            # Older notes say "renewal" more often, so bm25 prefers them.
            note = " ".join(["renewal"] * (1 + (30 - day) // 10) + ["call", "notes"] * day)
            make.log("dana", note, at=f"2026-10-{day:02d}")
    everything = _conversation_ranking(dana, '"renewal"')
    assert len(everything) == 30
    store, _ = open_store(dana)
    try:
        monkeypatch.setattr(search_domain, "CANDIDATES", 1_000)
        found = search_domain.search(store, "renewal", limit=5)
        assert [r.id for r in found if r.source == "conversation"] == everything[:5]
        monkeypatch.setattr(search_domain, "CANDIDATES", 10)
        newest = sorted(everything)[-10:]
        found = search_domain.search(store, "renewal", limit=10)
        ids = [r.id for r in found if r.source == "conversation"]
        assert ids == _conversation_ranking(dana, '"renewal"', since=newest[0])
        assert set(ids) == set(newest)
        assert ids != everything[:10]  # the older, better matches were not ranked
    finally:
        store.close()


def test_a_word_character_is_what_the_pattern_calls_one() -> None:
    """A query's token is searched for when it holds a character of a word:
    the same characters as the regular expression ``\\w``, in every script."""
    import re

    from wintogether.domain.search import _has_word

    word = re.compile(r"\w")
    for code in range(0x30000):
        char = chr(code)
        assert _has_word(char) == bool(word.search(char)), hex(code)
    assert not _has_word("*-&'") and _has_word("AT&T") and _has_word("_")
