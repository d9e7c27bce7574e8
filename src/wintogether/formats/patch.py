"""Rewriting a vCard or iCalendar item by patching the version we received.

A phone (or another app) writes properties wintogether does not read: PHOTO,
ADR, NICKNAME, TEL and EMAIL TYPE parameters, ``itemN.`` groups with their
``X-ABLabel``, a to-do's RRULE, PRIORITY and VALARM. Writing a fresh file
after a local edit would strip them from the phone too. So an item we send is
the item we received, patched: the lines of the properties we own are
replaced by ours only where our value differs, and every other line (with its
parameters, group, folding and line ending) is kept byte for byte.

Lines are handled as text, never parsed into values and serialised again, so
a binary PHOTO travels exactly as it came.

``patch`` takes the received text and our own freshly written text and:

* keeps every line of the received item, in order, except
* the properties named in ``replace`` (fields whose value changed): their
  lines are replaced by ours, in the place of the first one;
* the list properties in ``lists`` (EMAIL, TEL, URL): a received line is kept
  when its value is still one of ours, dropped when it is not (with the
  ``X-ABLabel`` of its ``itemN.`` group), and our values that are new are
  added;
* the properties ``ours`` says are always ours (REV, LAST-MODIFIED, our X-
  marks): the received ones go, ours are added.

Only the first BEGIN:VCARD / VTODO / VJOURNAL component is patched; lines of
nested components (a VALARM) and of the calendar around it are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Normalises a list property's value for matching ("is this value still ours?").
Normaliser = Callable[[str], str]


@dataclass
class Line:
    """One logical (unfolded) property line and the physical lines it came as."""

    raw: list[str]
    group: str
    name: str  # upper case
    value: str  # as written (escaped)

    @property
    def head(self) -> str:
        """The group, name and parameters, as written."""
        logical = self.raw[0] + "".join(part[1:] for part in self.raw[1:])
        return _head_value(logical)[0]


def _split(text: str) -> tuple[str, list[Line]]:
    newline = "\r\n" if "\r\n" in text else "\n"
    physical = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while physical and physical[-1] == "":
        physical.pop()
    lines: list[Line] = []
    for row in physical:
        if row[:1] in (" ", "\t") and lines:
            lines[-1].raw.append(row)
            continue
        lines.append(Line([row], "", "", ""))
    for line in lines:
        logical = line.raw[0] + "".join(part[1:] for part in line.raw[1:])
        head, value = _head_value(logical)
        name = head.split(";", 1)[0]
        group, _, bare = name.rpartition(".")
        line.group, line.name, line.value = group.upper(), bare.strip().upper(), value
    return newline, lines


def _head_value(logical: str) -> tuple[str, str]:
    """Split ``NAME;PARAM="a:b":value`` at the first colon outside quotes."""
    quoted = False
    for index, char in enumerate(logical):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return logical[:index], logical[index + 1 :]
    return logical, ""


def unescape(value: str) -> str:
    """A text value without its backslash escapes."""
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append("\n" if following in ("n", "N") else following)
        else:
            out.append(char)
    return "".join(out)


def _component(lines: list[Line], component: str) -> tuple[int, int]:
    """The index range (BEGIN line, END line) of the first ``component``."""
    begin = next(
        (i for i, line in enumerate(lines) if line.name == "BEGIN" and line.value.strip().upper()
         == component), -1,
    )  # fmt: skip
    if begin < 0:
        return -1, -1
    depth = 0
    for index in range(begin, len(lines)):
        line = lines[index]
        if line.name == "BEGIN":
            depth += 1
        elif line.name == "END":
            depth -= 1
            if depth == 0:
                return begin, index
    return begin, -1


def patch(
    base: str,
    ours: str,
    component: str,
    *,
    replace: set[str],
    lists: dict[str, Normaliser],
    ours_always: Callable[[str], bool],
    fixes: dict[str, Callable[[Line, Line], str]] | None = None,
) -> str:
    """``base`` patched with ``ours`` (see the module docstring).

    ``fixes`` adjusts one of our replacement lines from the received one (the
    ORG unit a phone keeps after the company's name). Returns ``ours`` when
    ``base`` holds no ``component`` to patch.
    """
    newline, base_lines = _split(base)
    _, our_lines = _split(ours)
    start, end = _component(base_lines, component)
    our_start, our_end = _component(our_lines, component)
    if start < 0 or end < 0 or our_start < 0 or our_end < 0:
        return ours
    mine = [
        line for line in _top_level(our_lines, our_start, our_end)
        if line.name not in ("BEGIN", "END", "VERSION", "UID")
    ]  # fmt: skip
    wanted: dict[str, set[str]] = {}
    for line in mine:
        normalise = lists.get(line.name)
        if normalise is not None:
            wanted.setdefault(_family(line.name, lists), set()).add(normalise(line.value))
    fixes = fixes or {}
    top = {id(line) for line in _top_level(base_lines, start, end)}
    out: list[Line] = []
    placed: set[str] = set()
    kept: set[tuple[str, str]] = set()  # list values kept from the base (family, value)
    dropped_groups: set[str] = set()
    live_groups: set[str] = set()
    for index, line in enumerate(base_lines):
        if index <= start or index >= end or id(line) not in top:
            out.append(line)
            continue
        name = line.name
        if name in replace:
            if name not in placed:
                for new in mine:
                    if new.name == name:
                        fix = fixes.get(name)
                        out.append(Line(fold(fix(new, line)), "", name, "") if fix else new)
                placed.add(name)
            continue
        if name in lists:
            family = _family(name, lists)
            value = lists[name](line.value)
            if value in wanted.get(family, set()) and (family, value) not in kept:
                kept.add((family, value))
                out.append(line)
                if line.group:
                    live_groups.add(line.group)
            elif line.group:
                dropped_groups.add(line.group)
            continue
        if ours_always(name):
            continue
        out.append(line)
    # Our lines that had no place in the base go before the END line.
    extra: list[Line] = []
    for new in mine:
        name = new.name
        if name in replace and name not in placed:
            extra.append(new)
        elif name in lists:
            family = _family(name, lists)
            value = lists[name](new.value)
            if (family, value) not in kept:
                kept.add((family, value))
                extra.append(new)
        elif ours_always(name):
            extra.append(new)
    orphans = dropped_groups - live_groups
    result: list[str] = []
    for line in out:
        if line.group in orphans and line.name == "X-ABLABEL":
            continue  # the label of a value that is gone
        if line is base_lines[end]:
            for new in extra:
                result.extend(new.raw)
        result.extend(line.raw)
    return newline.join(result) + newline


def _family(name: str, lists: dict[str, Normaliser]) -> str:
    """List properties sharing one normaliser are one family (URL, X-SOCIALPROFILE)."""
    normalise = lists[name]
    return min(other for other, fn in lists.items() if fn is normalise)


def _top_level(lines: list[Line], start: int, end: int) -> list[Line]:
    """The component's own property lines, not those of components nested in it."""
    out: list[Line] = []
    depth = 0
    for line in lines[start + 1 : end]:
        if line.name == "BEGIN":
            depth += 1
        elif line.name == "END":
            depth -= 1
        elif depth == 0:
            out.append(line)
    return out


def fold(logical: str, width: int = 75) -> list[str]:
    """A logical line folded into physical lines of at most ``width`` octets."""
    out: list[str] = []
    current, size = "", 0
    for char in logical:
        length = len(char.encode("utf-8"))
        if size + length > width:
            out.append(current)
            current, size = " ", 1
        current += char
        size += length
    out.append(current)
    return out


def split_component(value: str) -> tuple[str, str]:
    """``first;rest`` split at the first unescaped semicolon (rest may be empty)."""
    index = 0
    while index < len(value):
        if value[index] == "\\":
            index += 2
            continue
        if value[index] == ";":
            return value[:index], value[index + 1 :]
        index += 1
    return value, ""
