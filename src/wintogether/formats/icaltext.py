"""iCalendar content lines written as text (RFC 5545), for a file written whole.

The plan sent to a buyer (`wt plan DEAL --format ics`) is a handful of
VTODOs with text, dates and UTC stamps: writing those lines needs TEXT
escaping, line folding and CRLF, not the icalendar library, whose import
costs more than the rest of the command. The lines are the ones the library
writes (same property order, escaping and folding, byte for byte; a test
checks it), with one difference: a backslash followed by ``N`` in the text
is written as an escaped backslash, so it reads back as written (the library
turns it into a line break).

Reading iCalendar, and the to-do files sync patches, still go through the
icalendar library (formats/ics.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

#: Octets per physical line, line break excluded: the library folds before
#: reaching 75, so a line holds at most 74 octets (plus the leading space of a
#: continuation line).
LIMIT = 75


def escape(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11): backslash, semicolon, comma,
    and any line break (CRLF, LF or CR) as ``\\n``."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded into physical lines joined by CRLF and a space.

    Folds count UTF-8 octets and fall between characters, never inside one;
    a backslash (or ``^``) that would end a physical line moves to the next,
    so an escape is not split (as the icalendar library does).
    """
    if len(line) < LIMIT and line.isascii():
        return line
    lines: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        length = 1 if char < "\x80" else len(char.encode("utf-8"))
        if current and size + length >= LIMIT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                lines.append("".join(current))
                current, size = [carried], 1
            else:
                lines.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += length
    if current:
        lines.append("".join(current))
    return "\r\n ".join(lines)


def stamp(moment: datetime) -> str:
    """A DATE-TIME value in UTC (``20261128T000000Z``)."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def day(value: date) -> str:
    """A DATE value (``20261128``)."""
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


class Writer:
    """Content lines gathered in order; ``text()`` is the file (CRLF after every line)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def raw(self, name: str, value: str) -> None:
        """A property whose value is written as given (dates, stamps, fixed words)."""
        self.lines.append(fold(f"{name}:{value}"))

    def text(self, name: str, value: str) -> None:
        """A TEXT property: ``value`` escaped."""
        self.lines.append(fold(f"{name}:{escape(value)}"))

    def begin(self, component: str) -> None:
        self.lines.append(f"BEGIN:{component}")

    def end(self, component: str) -> None:
        self.lines.append(f"END:{component}")

    def result(self) -> str:
        return "\r\n".join(self.lines) + "\r\n"
