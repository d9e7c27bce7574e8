"""Whatever a name or note holds, the Markdown and HTML writers keep it text."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from wintogether.models import ContactRef, LedgerEntry, Win
from wintogether.render.base import make_console
from wintogether.render.ledger import ledger_line, win_line
from wintogether.render.summary_html import h
from wintogether.render.summary_md import md

TEXT = st.lists(
    st.sampled_from([*"ab |#[]()<>*_`\\:!&;'\"=\n\x1b\x9b\u202e", "javascript:", "JavaScript :"]),
    max_size=30,
).map("".join)
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def unescaped(text: str, char: str) -> bool:
    """Whether ``char`` appears without a backslash escaping it."""
    return re.search(r"(?<!\\)(?:\\\\)*" + re.escape(char), text) is not None


@given(TEXT)
def test_markdown_text_is_inert(text: str) -> None:
    out = md(text)
    assert "\n" not in out
    for char in "|[]<>*_`#":
        assert not unescaped(out, char), (text, out)
    assert not re.search(r"(?i)javascript:", out)
    assert "\x1b" not in out
    assert "\x9b" not in out


@given(TEXT)
def test_html_text_is_inert(text: str) -> None:
    out = h(text)
    assert "<" not in out
    assert ">" not in out
    assert '"' not in out
    assert "\x1b" not in out


@given(TEXT, TEXT)
def test_ledger_lines_never_emit_raw_escapes(name: str, text: str) -> None:
    person = ContactRef(1, name or "x")
    entry = LedgerEntry(1, "u", person, "gave", "intro", text or "x", NOW, NOW, person)
    win = Win(1, "u", person, text or "x", name or "y", NOW, NOW)
    buffer = io.StringIO()
    console = make_console(buffer, plain=True, width=80)
    console.print(ledger_line(entry, NOW.date()))
    console.print(win_line(win, NOW.date()))
    out = buffer.getvalue()
    assert "\x1b" not in out
    assert "\x9b" not in out
    assert "\u202e" not in out


@given(st.text(alphabet=st.characters(max_codepoint=0x300)) | st.text())
def test_plain_ascii_skips_the_pattern_and_nothing_else(text: str) -> None:
    """``visible``, ``one_line`` and ``json_safe`` leave printable ASCII alone
    without compiling their pattern; everything else is escaped by it as before."""
    from wintogether import text as t

    unsafe = re.compile(t._UNSAFE.pattern)
    with_newlines = re.compile(t._UNSAFE_WITH_NEWLINES.pattern)
    assert t.visible(text) == unsafe.sub(t._escape, text)
    assert t.one_line(text) == with_newlines.sub(t._escape, text)
    assert t.json_safe(text) == unsafe.sub(t._json_escape, text)
    assert t.visible("a\x1b[2Jb\x7f") == "a\\x1b[2Jb\\x7f"
    assert t.one_line("a\tb\nc") == "a b c"
