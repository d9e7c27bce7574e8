"""Decoding a file's bytes, and the content checks formats/registry.py uses to
recognise a format."""

from __future__ import annotations

import codecs
import csv
import io
import re

from wintogether.errors import InvalidValue

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_VCARD_START = re.compile(rb"^(\xef\xbb\xbf)?\s*begin\s*:\s*vcard", re.IGNORECASE)

#: Every LinkedIn Connections.csv since 2018 has these; URL and Email Address
#: come and go, and a "Notes:" preamble may come first.
LINKEDIN_HEADER = {"first name", "last name", "connected on"}
GOOGLE_HEADERS = (
    {"organization name", "labels"},
    {"e-mail 1 - value", "labels"},
    {"first name", "organization title"},
    {"given name", "family name", "group membership"},
    {"name", "given name", "family name"},
)
OUTLOOK_HEADERS = (
    {"e-mail address", "job title"},
    {"e-mail address", "first name", "last name"},
    {"job title", "mobile phone"},
)
#: How far down a CSV file the header row may be (LinkedIn puts a preamble first).
HEADER_SCAN_LINES = 20


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Text of a file: UTF-8 (with or without BOM) or UTF-16 with a BOM.

    Anything else is an error suggesting ``--encoding`` rather than a guess:
    a wrong guess would silently store mangled names. DOS's end-of-file mark
    (Ctrl-Z) after the last line is not part of the text.
    """
    text = _decode(data, name, encoding)
    return text[:-1] if text.endswith("\x1a") else text


def _decode(data: bytes, name: str, encoding: str | None) -> str:
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InvalidValue(
                f"Unknown encoding '{encoding}'.", hint="Like utf-8 or latin-1."
            ) from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InvalidValue(f"{name} is not valid {encoding} (byte {exc.start}).") from exc
        return text.removeprefix("\ufeff")
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise InvalidValue(f"{name} starts like UTF-16 but is not valid UTF-16.") from exc
    if _looks_utf16(data[:4096]):
        if not _texty(data[:4096]):
            raise _not_text(name)
        raise InvalidValue(
            f"{name} looks like UTF-16 without a byte-order mark.",
            hint="Pass --encoding utf-16-le (Windows) or --encoding utf-16-be.",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _VCARD_START.match(data[:4096]):
            # vCards say their charset per property (2.1 CHARSET=, 8-bit
            # quoted-printable): keep the bytes and let the vCard reader decode
            # each value by its declared charset, UTF-8 or Windows-1252.
            return data.decode("utf-8-sig", "surrogateescape")
        if _binary(data[:4096]):
            raise _not_text(name) from None
        raise InvalidValue(
            f"{name} is not UTF-8 (invalid byte at offset {exc.start}).",
            hint="If it is Latin-1 or Windows-1252, pass --encoding latin-1 or --encoding cp1252.",
        ) from exc


def _not_text(name: str) -> InvalidValue:
    return InvalidValue(
        f"{name} is not a text file (a program, an image or an archive?).",
        hint="Import a CSV, vCard or JSON export.",
    )


#: Bytes a text file in an 8-bit encoding hardly holds: C0 controls but tab,
#: line feed, vertical tab (FileMaker's line break in a field), form feed,
#: carriage return, DOS's end-of-file mark and escape.
_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26, 27))
#: How files that are not text begin: images, PDF, archives, programs, SQLite.
_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF",
    b"MZ", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"SQLite format 3\0", b"BZh", b"7z\xbc\xaf",
    b"Rar!",
)  # fmt: skip


def _binary(head: bytes) -> bool:
    """A known binary format's first bytes, or one byte in ten a control no
    text has (a stray NUL or two, padding after an interrupted copy, is not)."""
    if head.startswith(_MAGIC):
        return True
    return len(head.translate(None, delete=_CONTROLS)) < 0.9 * len(head)


def _texty(head: bytes) -> bool:
    """Whether ``head`` reads as text in UTF-16 either way round (not a binary
    file's NULs): nearly every character printable or a line break."""
    for codec in ("utf-16-le", "utf-16-be"):
        text = head[: len(head) // 2 * 2].decode(codec, "replace")
        good = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        if text and good >= 0.95 * len(text):
            return True
    return False


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM: text in it has a NUL in every other byte, not one stray NUL."""
    if len(head) < 2:
        return False
    nuls = max(head[0::2].count(0), head[1::2].count(0))
    return nuls * 4 >= len(head)


def csv_header(text: str) -> tuple[int, list[str]] | None:
    """The (0-based line index, fields) of the first line that looks like a header."""
    lines = text.split("\n", HEADER_SCAN_LINES)[:HEADER_SCAN_LINES]
    for index, raw in enumerate(lines):
        line = raw.rstrip("\r")
        if "," not in line:
            continue
        try:
            fields = next(csv.reader(io.StringIO(line)))
        except (csv.Error, StopIteration):
            continue
        names = {f.strip().casefold() for f in fields}
        if _kind_of(names):
            return index, [f.strip() for f in fields]
    return None


def _kind_of(names: set[str]) -> str | None:
    kinds = _kinds_of(names)
    return kinds[0] if kinds else None


def _kinds_of(names: set[str]) -> list[str]:
    """Every kind of CSV whose header these column names are, the likeliest first."""
    kinds = []
    if names >= LINKEDIN_HEADER:
        kinds.append("linkedin")
    if any(h <= names for h in GOOGLE_HEADERS):
        kinds.append("google")
    if any(h <= names for h in OUTLOOK_HEADERS):
        kinds.append("outlook")
    return kinds


def csv_kinds(text: str) -> list[str]:
    """Every kind of CSV (``linkedin``, ``google``, ``outlook``) the header row
    fits, the likeliest first; [] when it fits none."""
    if is_json(text) or is_vcard(text):
        return []
    found = csv_header(text)
    return _kinds_of({f.casefold() for f in found[1]}) if found else []


def is_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def is_vcard(text: str) -> bool:
    return re.match(r"begin\s*:\s*vcard", text.lstrip()[:4096], re.IGNORECASE) is not None


def csv_kind(text: str) -> str | None:
    """``linkedin``, ``google`` or ``outlook`` from the CSV header row, or None
    (also for JSON and vCard text, whatever lines they hold)."""
    if is_json(text) or is_vcard(text):
        return None
    found = csv_header(text)
    return _kind_of({f.casefold() for f in found[1]}) if found else None
