"""In a pipe, the views written without Rich (render/plain.py) say what Rich
said: line for line where the screen is wide enough, the same characters when
columns wrap (Rich cuts a word too long for its column with "…"; the plain
writer breaks it instead, so it may say more, never less), and no line is
wider than the screen."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Invoke
from wintogether.render.plain import (
    TooWide,
    _first_word_fits,
    _narrowed,
    _wrap_ascii,
    _wrap_words,
    cell_len,
    table,
    timeline,
    wrap,
)

VIEWS = [
    ("today",),
    ("contacts",),
    ("contacts", "--limit", "0"),
    ("neglected",),
    ("followups",),
    ("followups", "--all"),
    ("search", "renewal"),
    ("search", "soc2"),
    ("history", "--since", "30 days ago"),
    ("balance",),
    ("balance", "dana"),
    ("dupes",),
]


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {"folder": tmp_path_factory.mktemp("demo")}


@pytest.fixture
def demo(isolated: Path, wt: Invoke, demo_copy: dict[str, Path], monkeypatch: Any) -> Path:
    built = demo_copy.get("built")
    if built is None:
        path = Path(wt("demo", "--path").stdout.strip())
        wt("--db", str(path), "add", "José Nunez", "--company", "Contoso, Ltd.", "--force")
        demo_copy["built"] = demo_copy["folder"] / "demo.db"
        shutil.copyfile(path, demo_copy["built"])
    else:
        path = isolated / "demo.db"
        shutil.copyfile(built, path)
    monkeypatch.setenv("WINTOGETHER_DB", str(path))
    return path


def drawn_by_rich(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Make every command draw its pipe output with Rich, as before render/plain.py."""
    from wintogether.cli import common

    original = common.emit_table

    def rich_only(ctx: Any, build: Any, *, plain: bool = False, pipe: Any = None) -> None:
        original(ctx, build, plain=plain)

    modules = [
        m
        for name, m in list(sys.modules.items())
        if name.startswith("wintogether.cli.") and getattr(m, "emit_table", None) is original
    ]
    for module in modules:
        monkeypatch.setattr(module, "emit_table", rich_only)

    def undo() -> None:
        for module in modules:
            monkeypatch.setattr(module, "emit_table", original)

    return undo


#: Views written without Rich only where the layout is exactly Rich's (else Rich
#: draws them): the same bytes at every width.
EXACT_VIEWS = [
    ("summary",),
    ("summary", "--month"),
    ("summary", "--last-week"),
    ("show", "dana"),
    ("show", "hannah"),
    ("show", "#2"),
    ("show", "#13"),
]


@pytest.mark.parametrize("width", [250, 80, 60, 24])
def test_summary_and_show_in_a_pipe_are_what_rich_wrote(
    demo: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    restore = drawn_by_rich(monkeypatch)
    before = {args: wt(*args).stdout for args in EXACT_VIEWS}
    restore()
    for args in EXACT_VIEWS:
        after = wt(*args).stdout
        assert "Timeline" in after or "measure" in after, args
        assert after == before[args], args


def characters(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace() and c != "…")


@pytest.mark.parametrize("width", [250, 80, 60])
def test_plain_writer_says_what_rich_said(
    demo: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    restore = drawn_by_rich(monkeypatch)
    before = {args: wt(*args).stdout for args in VIEWS}
    restore()
    identical = 0
    for args in VIEWS:
        after = wt(*args).stdout
        assert after.strip(), args
        assert max(cell_len(line) for line in after.splitlines()) <= width, args
        assert "\x1b" not in after
        if width == 250:
            assert after == before[args], args
        # Nothing Rich showed is missing; Rich's "…" may stand for more.
        assert not characters(before[args]) - characters(after), args
        identical += after == before[args]
    assert identical >= len(VIEWS) // 2  # most views do not wrap even at 60 columns


def test_wrap_and_table_layout() -> None:
    assert wrap("one two three", 7) == ["one two", "three"]
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert wrap("a\nb c", 10) == ["a", "b c"]
    assert wrap("", 5) == [""]
    assert table(["id", "name"], [["#1", "Dana"], ["#22", "José Núñez"]], 80) == [
        "id   name",
        "#1   Dana",
        "#22  José Núñez",
    ]
    # Too wide: the widest column wraps, the others keep their width.
    assert table(["a", "b"], [["x", "long words here"]], 13, title="T") == [
        "T",
        "a  b",
        "x  long words",
        "   here",
    ]
    # Words wrap whole while every column can still hold its longest word: the
    # widest column gives way only down to that, then the next one does.
    assert table(
        ["id", "tags", "note"],
        [["#1", "customers/enterprise", "a rather long note about the renewal"]],
        50,
    ) == [
        "id  tags                  note",
        "#1  customers/enterprise  a rather long note about",
        "                          the renewal",
    ]
    assert table(["tags", "note"], [["customers/enterprise", "one two three four"]], 30) == [
        "tags                  note",
        "customers/enterprise  one two",
        "                      three",
        "                      four",
    ]
    # Only when the words cannot fit are they broken, so nothing is lost.
    assert table(["a", "b"], [["abcdefgh", "ijklmnop"]], 12) == [
        "a      b",
        "abcde  ijklm",
        "fgh    nop",
    ]
    # As Rich lays a table out (fit=True): columns compared with their padding,
    # tied widest columns give way together; right-aligned numbers.
    assert table(["n", "a", "b"], [["10", "aaaa bbbb", "cccc dddd"]], 17, fit=True) == [
        "n   a      b",
        "10  aaaa   cccc",
        "    bbbb   dddd",
    ]
    assert table(["measure", "count"], [["People", "7"]], 80, right=(1,)) == [
        "measure  count",
        "People       7",
    ]
    with pytest.raises(TooWide):  # Rich would cut the column that cannot wrap
        table(["a", "b"], [["x" * 10, "y"]], 8, no_wrap=(0,), fit=True)
    with pytest.raises(TooWide):  # Rich would cut the word with "…"
        table(["a", "b"], [["x", "abcdefghijkl"]], 8, fit=True)
    assert cell_len("日本") == 4
    assert cell_len("José") == cell_len("Jose\u0301") == 4
    assert cell_len("a\u200bb→日") == 5


def test_cell_len_counts_each_character_as_unicodedata_says() -> None:
    """Only the characters beyond ASCII are looked at (a translation drops the
    others): the sum over every character is the same, on random text."""
    import random
    import unicodedata

    def one(char: str) -> int:
        if char in "\u200b\u200c\u200d\u2060\ufeff" or unicodedata.combining(char):
            return 0
        return 2 if unicodedata.east_asian_width(char) in "WF" else 1

    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(
            chr(rng.choice([rng.randint(0, 127), rng.randint(128, 0x2FFFF)]))
            for _ in range(rng.randint(0, 12))
        )
        assert cell_len(text) == sum(one(char) for char in text), repr(text)
    # Every character around U+0300, where the Latin letters (decided without
    # unicodedata) give way to the combining marks.
    for code in range(128, 0x400):
        assert cell_len(chr(code)) == one(chr(code)), hex(code)
    # And the views' own characters, known without unicodedata.
    from wintogether.render.plain import _OWN_CHARACTERS

    for char in _OWN_CHARACTERS:
        assert cell_len(char) == one(char) == 1, char


@settings(max_examples=600, deadline=None)
@given(
    st.text(alphabet="ab-. \t\x0b\x1c\xa0é·", min_size=1, max_size=60),
    st.integers(min_value=1, max_value=15),
)
def test_ascii_wrap_by_position_is_the_word_by_word_wrap(text: str, width: int) -> None:
    """Paragraphs of one-cell characters are wrapped by position (the common
    case, fast), also when indented (an account's health lines) as long as
    the indent and first word fit; the lines are the ones the word-by-word
    wrap writes, and what `wrap` returns either way."""
    slow: list[str] = []
    _wrap_words(text, width, slow)
    assert wrap(text, width) == (slow if len(text) > width else [text])
    if len(text) <= width or not _first_word_fits(text, width):
        return
    fast: list[str] = []
    _wrap_ascii(text, width, fast)
    assert fast == slow


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Sat 21 Nov 00:01  ", "Mon 3 Jan 2022 10:00  ", "日 10:00  "]),
            st.sampled_from(["call    ", "promise ", "job     "]),
            st.text(alphabet="ab é日\n ", min_size=1, max_size=40),
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(min_value=1, max_value=60),
)
def test_timeline_is_the_general_table(lines: list[tuple[str, str, str]], width: int) -> None:
    """History's timeline skips the general table's measuring; the lines are the same."""
    assert timeline(lines, width) == table(
        ["", "", ""], lines, width, no_wrap=(0, 1), gap=0, show_header=False, grid=True
    )


def test_contacts_in_a_pipe_keep_tags_whole_at_80_columns(
    demo: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = wt("contacts", "--plain").stdout
    assert "customers/enterprise" in out
    assert "terprise" not in out.replace("customers/enterprise", "")
    assert max(cell_len(line) for line in out.splitlines()) <= 80


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="ab-. \t\x0b\x1c\né→\xa0\u2003日\u0301\u200b", min_size=0, max_size=60),
    st.integers(min_value=-1, max_value=15),
)
def test_wrap_of_one_paragraph_of_single_cells_is_the_paragraph_wrap(text: str, width: int) -> None:
    """`wrap` takes a note of one paragraph whose characters are one cell each
    (ASCII, accents, arrows, non-ASCII spaces: most notes) straight to the
    position wrap; the lines are those of the paragraph by paragraph wrap (wide
    characters and marks included, which go the word by word way)."""
    cells = max(width, 1)
    expected: list[str] = []
    for paragraph in text.split("\n"):
        if cell_len(paragraph) <= cells:
            expected.append(paragraph)
        else:
            _wrap_words(paragraph, cells, expected)
    assert wrap(text, width) == expected


def test_history_lines_name_each_person_as_a_conversation_line_does() -> None:
    """`history` makes each name safe once for the whole timeline; its lines
    are those of conversation_line (names with control characters, repeated,
    in several conversations and days, included)."""
    from datetime import UTC, date, datetime

    from wintogether.dates import format_day
    from wintogether.domain.history import History, HistoryEntry
    from wintogether.models import ContactRef, Conversation
    from wintogether.render.plain import conversation_line, history, sections, timeline

    dana, odd = ContactRef(1, "Dana Reyes"), ContactRef(2, "Bo\x1b[31m\nby", "X")
    people = [[dana], [dana, odd], [], [odd], [odd, dana]]
    entries = []
    for i, who in enumerate(people):
        at = datetime(2026, 11, 20 + i // 2, 9 + i, tzinfo=UTC)
        note = f"Call {i}\x07 about the renewal and what comes next" * (i + 1)
        conv = Conversation(i + 1, f"u{i}", at, "call", note, who, at)
        entries.append(HistoryEntry(at, "conversation", conversation=conv))
    result = History(date(2026, 11, 20), date(2026, 11, 28), entries)
    today = date(2026, 11, 28)
    for width in (36, 80, 200):
        expected = sections(
            [
                format_day(day, today),
                *timeline(
                    [
                        conversation_line(
                            e.conversation,  # type: ignore[arg-type]
                            today,
                            when=f"{format_day(day, today)} {e.at.hour:02d}:{e.at.minute:02d}  ",
                        )
                        for e in day_entries
                    ],
                    width,
                ),
            ]
            for day, day_entries in result.days()
        )
        assert history(result, today, width) == expected


def test_text_of_writes_one_newline_after_each_line() -> None:
    from wintogether.render.plain import text_of

    for lines in ([], [""], ["a"], ["a", "", "b → c", "  "], ["x"] * 1000):
        assert text_of(lines) == "".join(line + "\n" for line in lines)


def _narrowed_cell_by_cell(
    widths: list[int], floors: list[int], no_wrap: tuple[int, ...], excess: int
) -> tuple[list[int], int]:
    """The columns give way as first written: one cell at a time."""
    trial = list(widths)
    left = excess
    while left > 0:
        shrinkable = [
            i for i in range(len(trial)) if i not in no_wrap and trial[i] > max(floors[i], 1)
        ]
        if not shrinkable:
            break
        top = max(trial[i] for i in shrinkable)
        trial[next(i for i in shrinkable if trial[i] == top)] -= 1
        left -= 1
    return trial, max(left, 0)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 40), st.integers(0, 45)), min_size=1, max_size=7),
    st.sets(st.integers(0, 6), max_size=3),
    st.integers(-3, 200),
)
def test_columns_give_way_by_level_as_cell_by_cell(
    columns: list[tuple[int, int]], no_wrap: set[int], excess: int
) -> None:
    """Narrowing a table's columns by level ends where taking one cell at a
    time from the widest (the first of equals) ends, floors and unwrappable
    columns included, and leaves the same cells untaken."""
    widths = [width for width, _ in columns]
    floors = [floor for _, floor in columns]
    fixed = tuple(sorted(no_wrap))
    assert _narrowed(widths, floors, fixed, excess) == _narrowed_cell_by_cell(
        widths, floors, fixed, excess
    )
