"""Reading CSV exports by header name, and writing our own CSV export.

Rows come back keyed by the header's lower-cased column names with their line
numbers, so the per-format readers never depend on column order. Ragged rows
and an unterminated quote are reported as problems with line numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any

from wintogether.formats import ExportRecords, Problem
from wintogether.formats.detect import csv_header

Row = dict[str, str]
_LONE_CR = re.compile(r"\r(?!\n)")
_CR_MARK = "\ue000"
_UNSPLIT = ("a quoted field is never closed", "unreadable CSV")


def rows(text: str, problems: list[Problem]) -> Iterator[tuple[int, Row]]:
    """(line number, row) for every data row after the header row."""
    found = csv_header(text)
    if found is None:
        problems.append(Problem("line 1", "no header row found"))
        return
    header_index, header = found
    keys = [h.casefold() for h in header]
    # A lone CR (not part of CRLF) inside a field is data, not a line break:
    # hide it from the csv module and put it back in each value.
    source = _LONE_CR.sub(_CR_MARK, _after_line(text, header_index + 1))
    # The csv module refuses fields over 128 KB by default; notes may be up to
    # 1 MB (checked, with a clear message, by the import), so allow more here.
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))
    reader = csv.reader(io.StringIO(source, newline=""), strict=True)
    first_line = header_index + 2
    while True:
        start = first_line + reader.line_num
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(Problem(f"line {start}", _csv_reason(exc)))
            return
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(keys):
            extra = fields[len(keys) :]
            if len(fields) < len(keys) or any(f.strip() for f in extra):
                problems.append(
                    Problem(
                        f"line {start}",
                        f"{len(fields)} fields where the header has {len(keys)}",
                    )
                )
                continue
        yield (
            start,
            {key: value.replace(_CR_MARK, "\r") for key, value in zip(keys, fields, strict=False)},
        )


def unread(problems: list[Problem]) -> int:
    """Rows the CSV layer could not split into fields (they never reached a reader)."""
    return sum(1 for p in problems if p.reason.startswith(_UNSPLIT) or "fields where" in p.reason)


def _after_line(text: str, index: int) -> str:
    position = 0
    for _ in range(index):
        newline = text.find("\n", position)
        if newline < 0:
            return ""
        position = newline + 1
    return text[position:]


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text or "EOF" in text:
        return "a quoted field is never closed (unterminated quote)"
    return f"unreadable CSV ({text})"


def get(row: Row, *names: str) -> str | None:
    """The first non-blank value among the named columns."""
    for name in names:
        value = row.get(name.casefold())
        if value is not None and value.strip():
            return value.strip()
    return None


def join_name(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


_TAG_SPACE = re.compile(r"[\s,]+")


def as_tag(label: str) -> str | None:
    """A label or category as a single-word tag ("Key accounts" → "Key-accounts")."""
    cleaned = _TAG_SPACE.sub("-", label.strip(" \t\r\n,")).strip("/")
    return cleaned or None


def tags_from(values: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        tag = as_tag(value)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    return out


def is_linkedin(url: str) -> bool:
    return "linkedin.com/" in url.casefold()


def clean_url(url: str) -> str:
    cleaned = url.strip().rstrip("/")
    if cleaned and not re.match(r"^[a-z][a-z0-9+.-]*:", cleaned, re.IGNORECASE):
        cleaned = "https://" + cleaned
    return cleaned


_ISO = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})$")


def birthday(text: str | None) -> str | None:
    """``YYYY-MM-DD`` or ``--MM-DD`` from the forms exports use; ``None`` if unreadable
    or outside the accepted years (``dates.MIN_YEAR`` to ``dates.MAX_YEAR``).

    Accepted: ISO with or without dashes, vCard 4 ``--MMDD``/``--MM-DD``, US
    ``M/D/YYYY`` (Outlook), Apple's 1604 "no year" placeholder.
    """
    if not text:
        return None
    value = text.strip()
    try:
        match = _NO_YEAR.match(value)
        if match:
            month, day = int(match.group(1)), int(match.group(2))
            date(2000, month, day)
            return f"--{month:02d}-{day:02d}"
        match = _ISO.match(value)
        if match:
            year, month, day = (int(g) for g in match.groups())
            if year in (1604, 1900) and "1604" in value[:4]:
                date(2000, month, day)
                return f"--{month:02d}-{day:02d}"
            return _in_range(date(year, month, day))
        match = _US.match(value)
        if match:
            month, day, year = (int(g) for g in match.groups())
            if year == 0 or month == 0:
                return None  # Outlook writes 0/0/00 for "none"
            if year < 100:
                year += 1900 if year > 30 else 2000
            return _in_range(date(year, month, day))
    except ValueError:
        return None
    return None


def _in_range(day: date) -> str | None:
    from wintogether.dates import MAX_YEAR, MIN_YEAR

    return day.isoformat() if MIN_YEAR <= day.year <= MAX_YEAR else None


def linkedin_date(text: str | None) -> str | None:
    """``12 Mar 2024`` (LinkedIn's Connected On) as ``2024-03-12``."""
    if not text:
        return None
    for pattern in ("%d %b %Y", "%d-%b-%y", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return _in_range(datetime.strptime(text.strip(), pattern).date())
        except ValueError:
            continue
    return None


def multi(value: str | None) -> list[str]:
    """Google's ``a ::: b`` multi-value cells as a list."""
    if not value:
        return []
    return [v.strip() for v in value.split(":::") if v.strip()]


CONTACT_COLUMNS = (
    "uid", "name", "company", "title", "emails", "phones", "linkedin", "urls", "tags",
    "how_met", "met_on", "birthday", "cadence_days", "notes", "last_touch_at",
    "created_at", "updated_at", "archived_at", "account_role", "reports_to",
)  # fmt: skip
CONVERSATION_COLUMNS = ("uid", "happened_at", "channel", "participants", "note")


def export(stream: IO[str], records: ExportRecords) -> None:
    """Contacts, or with ``--what conversations`` the conversations, one per row."""
    if records.what == "conversations":
        names = records.contact_names()
        write_conversations(stream, records.conversations(), names)
    else:
        write_contacts(stream, records.contact_rows())


def write_contacts(stream: IO[str], contacts: Iterable[dict[str, Any]]) -> None:
    """Contacts as CSV; every cell passes the formula-injection guard."""
    from wintogether.text import csv_cell

    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(CONTACT_COLUMNS)
    for contact in contacts:
        urls = contact.get("urls") or []
        row = dict(contact)
        row["linkedin"] = next((u["url"] for u in urls if u["kind"] == "linkedin"), None)
        row["urls"] = [u["url"] for u in urls if u["kind"] != "linkedin"]
        writer.writerow([csv_cell(row.get(col)) for col in CONTACT_COLUMNS])


def write_conversations(
    stream: IO[str], conversations: Iterable[dict[str, Any]], names: dict[str, str]
) -> None:
    from wintogether.text import csv_cell

    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(CONVERSATION_COLUMNS)
    for conv in conversations:
        row = dict(conv)
        row["participants"] = [names.get(uid, uid) for uid in conv["participants"]]
        writer.writerow([csv_cell(row.get(col)) for col in CONVERSATION_COLUMNS])
