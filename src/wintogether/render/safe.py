"""Making user text safe to show on a terminal.

Names, notes and imported fields may hold escape sequences (``\\x1b[2J``),
C1 controls (``\\x9b``) or bidirectional overrides (``\\u202e``). None of them
may reach the terminal raw: they are shown as visible escapes instead. Rich
markup is never parsed from user text: renderers pass it as ``Text`` objects.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the Unicode
# bidirectional and zero-width formatting characters that can disguise text.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
_UNSAFE_WITH_NEWLINES = re.compile(_UNSAFE.pattern[:-1] + "\n\t]")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if char == "\n":
        return " "
    if char == "\t":
        return " "
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character shown as an escape; newlines kept."""
    return _UNSAFE.sub(_escape, text)


def one_line(text: str) -> str:
    """Like :func:`visible`, with newlines and tabs folded to spaces."""
    return _UNSAFE_WITH_NEWLINES.sub(_escape, text)


def json_safe(dumped: str) -> str:
    """Escape, inside already-dumped JSON, what ``json.dumps`` leaves raw.

    ``ensure_ascii=False`` keeps names readable but emits C1 and bidi controls
    as raw characters; ``\\uXXXX`` escapes are equally valid JSON.
    """
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", dumped)
