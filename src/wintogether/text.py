"""Text helpers every layer may use: user text made safe to show, JSON and CSV out.

Names, notes and imported fields may hold escape sequences (``\\x1b[2J``),
C1 controls (``\\x9b``) or bidirectional overrides (``\\u202e``). None of them
may reach the terminal raw: they are shown as visible escapes instead. Rich
markup is never parsed from user text: renderers pass it as ``Text`` objects.

Machine output (JSON and CSV) is identical on a terminal and in a pipe. This
module imports nothing from wintogether, so formats, domain, render and cli
can all use it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from wintogether.patterns import LazyPattern

# C0 controls except tab and newline, DEL, C1 controls, the line and paragraph
# separators, and every invisible format character (Unicode category Cf: bidi
# overrides, zero-width characters, the soft hyphen, the tag characters
# U+E0000-E007F...) that can hide or disguise text.
_UNSAFE = LazyPattern(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
_UNSAFE_WITH_NEWLINES = LazyPattern(_UNSAFE.pattern[:-1] + "\n\t]")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if char == "\n":
        return " "
    if char == "\t":
        return " "
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _plain(text: str) -> bool:
    """Printable text only (no control, format or separator character, no tab or
    newline), in any script: nothing to escape, since every character the
    patterns escape is unprintable (tests/test_output.py checks), so the pattern
    (0.7 ms to compile) is neither compiled nor run."""
    return text.isprintable()


def visible(text: str) -> str:
    """``text`` with every unsafe character shown as an escape; newlines kept."""
    return text if _plain(text) else _UNSAFE.sub(_escape, text)


def counted(count: int, word: str, plural: str | None = None) -> str:
    """``1 promise``, ``2 promises``, ``0 ledger entries`` (``plural`` when not
    the word and an s)."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


def one_line(text: str) -> str:
    """Like :func:`visible`, with newlines and tabs folded to spaces."""
    return text if _plain(text) else _UNSAFE_WITH_NEWLINES.sub(_escape, text)


def json_safe(dumped: str) -> str:
    """Escape, inside already-dumped JSON, what ``json.dumps`` leaves raw.

    ``ensure_ascii=False`` keeps names readable but emits C1 and bidi controls
    as raw characters; ``\\uXXXX`` escapes are equally valid JSON.
    """
    return dumped if _plain(dumped) else _UNSAFE.sub(_json_escape, dumped)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # beyond the first plane JSON takes a surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def for_terminal(text: str) -> str:
    """Machine output (CSV, vCard, iCalendar, JSON) as shown on a terminal:
    line ends as the terminal wants them, every unsafe character escaped as in
    tables. Files and pipes get the text unchanged."""
    return visible(text.replace("\r\n", "\n"))


#: OWASP CSV injection guidance: a cell starting with one of these is prefixed with '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)  # a number is data, not a formula: -3 stays -3
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_json(data: Any, stream: IO[str]) -> None:
    stream.write(indented_json(data, safe=True))
    stream.write("\n")


def json_string(value: str | None) -> str:
    """One string (or null) as :func:`write_json` writes it: JSON-escaped by the
    C encoder, then made safe like :func:`json_safe` (which escapes single
    characters only, so escaping each string is escaping the whole text)."""
    if value is None:
        return "null"
    text = (_encoder or _load_encoder())[0](value)
    # The encoder escapes every C0 control; what is left printable (names in any
    # script) has nothing to escape (:func:`_plain`, here inline: a dashboard
    # writes a thousand strings), without compiling the pattern.
    return text if text.isprintable() else _UNSAFE.sub(_json_escape, text)


_encoder: list[Callable[[str], str]] = []


def _load_encoder() -> list[Callable[[str], str]]:
    """The json module's C string encoder, loaded on first use (most commands
    write no JSON) and from ``_json`` itself when it is there: the one
    ``json.encoder.encode_basestring`` is, without importing the json package
    and its decoder and scanner (1 ms) only to write."""
    try:
        from _json import encode_basestring
    except ImportError:  # an interpreter without the C accelerator
        from json.encoder import encode_basestring
    _encoder.append(encode_basestring)
    return _encoder


_scanner: list[Callable[[str, int], tuple[Any, int]]] = []


def read_json(text: str) -> Any:
    """``json.loads(text)``. Well-formed JSON is read with the json module's C
    scanner taken from ``_json`` itself, as :func:`json_string` takes its
    encoder: a read that parses a few stored values (an account's job changes)
    does not import the json package (1 ms). Anything else goes to
    ``json.loads``, which raises as it does (its errors need the package)."""
    if not _scanner:
        _load_scanner()
    start = len(text) - len(text.lstrip(" \t\n\r"))
    if not text.startswith("\ufeff"):
        try:
            value, end = _scanner[0](text, start)
        except Exception:  # malformed: json.loads below says how
            end = -1
        if end >= 0 and not text[end:].lstrip(" \t\n\r"):
            return value
    import json

    return json.loads(text)


class _Decoding:
    """What the C scanner reads of a ``json.JSONDecoder()``: its defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {
        "-Infinity": float("-inf"),
        "Infinity": float("inf"),
        "NaN": float("nan"),
    }.__getitem__


def _load_scanner() -> None:
    scan: Callable[[str, int], tuple[Any, int]]
    try:
        from _json import make_scanner

        scan = make_scanner(_Decoding())  # type: ignore[arg-type]
    except ImportError:  # an interpreter without the C accelerator
        import json

        scan = json.JSONDecoder().raw_decode
    _scanner.append(scan)


def write_json_texts(texts: Iterable[str], stream: IO[str]) -> None:
    """A JSON list as :func:`write_json` writes it, from each item's own text,
    already indented as an item of the list (two spaces, no trailing newline).
    For long homogeneous lists: ``json.dumps`` with ``indent`` runs the
    pure-Python encoder, tens of milliseconds for a few thousand records."""
    body = ",\n".join(texts)
    stream.write(f"[\n{body}\n]\n" if body else "[]\n")


def write_json_list(items: Iterable[Any], stream: IO[str]) -> None:
    """The bytes :func:`write_json` writes for ``list(items)``, one item at a
    time: a list of hundreds of thousands never sits in memory whole."""
    first = True
    for item in items:
        dumped = indented_json(item, safe=True).replace("\n", "\n  ")
        stream.write(("[\n  " if first else ",\n  ") + dumped)
        first = False
    stream.write("[]\n" if first else "\n]\n")


class JsonText:
    """A value already written as :func:`indented_json` writes it (``safe``) at
    the top level: placed as is, each line indented where it lands. For the
    long, regular parts of a big result (an account's people), written from
    their figures instead of walked here piece by piece."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def json_value(value: str | int | float | bool | None) -> str:
    """One string, number, boolean or null as :func:`write_json` writes it."""
    return json_string(value) if isinstance(value, str) else _json_scalar(value)


def json_object(pairs: Iterable[tuple[str, str]], indent: str = "") -> str:
    """An object as :func:`indented_json` writes it at ``indent``, from its keys
    (plain ASCII names, written as they are) and its values already written."""
    inner = ",\n" + indent + '  "'
    body = inner.join(f'{key}": {value}' for key, value in pairs)
    return "{\n" + indent + '  "' + body + "\n" + indent + "}" if body else "{}"


def indented_json(data: Any, *, safe: bool = False) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, the same text; with
    ``safe``, that of :func:`json_safe` on it (each string made safe alone:
    only strings can hold what it escapes, and most are plain ASCII).

    With ``indent`` the json module runs its pure-Python encoder, where every
    piece of text passes up through one generator per level of nesting: an
    account of 200 people (430 kB) took longer to write than to read. This
    writes each piece once, with the module's own string and number
    spellings (C escaping, ``float.__repr__``, NaN and Infinity), keys as it
    converts them, in the same order.
    """
    string: Callable[[str], str] = json_string if safe else (_encoder or _load_encoder())[0]
    out: list[str] = []
    add = out.append

    def write(value: Any, indent: str) -> None:
        if isinstance(value, str):
            add(string(value))
        elif isinstance(value, dict):
            if not value:
                add("{}")
                return
            inner = indent + "  "
            between = ",\n" + inner
            add("{\n" + inner)
            first = True
            for key, item in value.items():
                if not first:
                    add(between)
                first = False
                add(string(key if isinstance(key, str) else _json_key(key)))
                add(": ")
                if isinstance(item, str):
                    add(string(item))
                else:
                    write(item, inner)
            add("\n" + indent + "}")
        elif isinstance(value, (list, tuple)):
            if not value:
                add("[]")
                return
            inner = indent + "  "
            between = ",\n" + inner
            add("[\n" + inner)
            first = True
            for item in value:
                if not first:
                    add(between)
                first = False
                write(item, inner)
            add("\n" + indent + "]")
        elif value.__class__ is JsonText:
            add(value.text.replace("\n", "\n" + indent) if indent else value.text)
        else:
            add(_json_scalar(value))

    write(data, "")
    return "".join(out)


def _json_scalar(value: Any) -> str:
    """A number, boolean or null as the json module spells it."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _json_float(value)
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _json_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _json_key(key: Any) -> str:
    """A key that is not a string, as the json module converts it."""
    if isinstance(key, float):
        return _json_float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


_INFINITY = float("inf")


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], stream: IO[str]) -> None:
    import csv

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
