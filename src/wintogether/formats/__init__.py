"""File formats: one reader or writer per format, plus content detection.

Readers turn a file's text into :class:`Card` records (plain values, nothing
written) and report each row or card they cannot read by its position, so the
domain layer can refuse the whole import before anything is stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Any, Protocol

# Processed at their first instance (wintogether.records): `wt plan DEAL
# --format ics` writes with formats/icaltext.py and reads no file, so it makes
# none of these and need not import the dataclasses module.
from wintogether.records import dataclass, field

# Which formats exist, what each reads or writes and how a file is recognised:
# formats/registry.py (IMPORT_FORMATS and EXPORT_FORMATS are there).


@dataclass
class Card:
    """One person as a file describes them, before matching."""

    position: str  # "line 5", "card 3 (line 20)": where to look in the file
    name: str = ""
    company: str | None = None
    title: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    linkedin: str | None = None
    urls: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    birthday: str | None = None  # YYYY-MM-DD or --MM-DD
    met_on: str | None = None  # YYYY-MM-DD
    how_met: str | None = None
    notes: str | None = None
    uid: str | None = None
    #: Fields we do not model (vCard X- properties...), kept as (key, value).
    extras: list[tuple[str, str]] = field(default_factory=list)
    #: Our own JSON export: the whole record (timestamps, cadence, introducer).
    record: dict[str, Any] | None = None


@dataclass
class Problem:
    """A row or card that cannot be read, and why."""

    position: str
    reason: str

    def __str__(self) -> str:
        return f"{self.position}: {self.reason}"


@dataclass
class ReadResult:
    cards: list[Card]
    problems: list[Problem]
    #: Rows or cards the file holds, read or not (0 only for an empty file).
    records: int
    #: Our own JSON export carries more than contacts; see formats.jsonfile.
    bundle: dict[str, object] | None = None
    #: Rows with nothing to name a contact by: left out and counted, not fatal.
    skipped: list[Problem] = field(default_factory=list)
    #: Things read but worth saying: a charset guessed, a damaged photo left out.
    notices: list[Problem] = field(default_factory=list)


class ExportRecords(Protocol):
    """What a writer may take from the database: plain records from one
    consistent snapshot (domain/export.py provides them, and counts by kind
    what a writer takes). Each writing module has ``export(stream, records)``."""

    now: datetime
    exported_at: str  # ``now`` as UTC ISO text
    what: str  # "contacts" or "conversations" (CSV)
    vcard_version: str
    #: iCalendar: each open promise's to-do rings at this local time on its due day.
    alarm_at: time | None

    def contacts(self) -> Iterator[dict[str, Any]]:
        """Contacts without local ids or derived values (they do not travel)."""

    def contact_rows(self) -> Iterator[dict[str, Any]]:
        """Contacts as stored, derived values included (a spreadsheet wants them)."""

    def contact_names(self) -> dict[str, str]:
        """Each contact's name by uid (for conversations' participants); not counted."""

    def conversations(self) -> Iterator[dict[str, Any]]: ...

    def promises(self) -> Iterator[dict[str, Any]]:
        """Promises in the selection, without their contact's name."""

    def open_promises(self) -> Iterator[dict[str, Any]]:
        """Open promises of the selected contacts, whenever made, with names."""

    def birthdays(self) -> Iterator[dict[str, Any]]:
        """Contacts as stored, those with a birthday."""

    def ledger(self) -> Iterator[dict[str, Any]]: ...

    def wins(self) -> Iterator[dict[str, Any]]: ...

    def events(self) -> Iterator[dict[str, Any]]: ...

    def companies(self) -> Iterator[dict[str, Any]]:
        """The company records of the selected contacts, with their aliases."""

    def deals(self) -> Iterator[dict[str, Any]]: ...

    def deal_steps(self) -> Iterator[dict[str, Any]]: ...

    def plan_templates(self) -> Iterator[dict[str, Any]]: ...

    def capture_never(self) -> Iterator[dict[str, Any]]:
        """Whom capture never proposes (a whole export only); not counted."""

    def capture_reviewed(self) -> Iterator[dict[str, Any]]:
        """The keys of meetings and mail already proposed (a whole export only)."""
