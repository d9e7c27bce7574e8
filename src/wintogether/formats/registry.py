"""Every file format in one list: its name, label, file extensions, how its
content is recognised, and whether `wt import` reads it or `wt export` writes it.

A format is one module in formats/ plus one line in :data:`FORMATS`. A module
that reads has ``read(text) -> ReadResult``; one that writes has
``export(stream, records)`` (see :class:`wintogether.formats.ExportRecords`).
Modules are imported only when used: detection needs none of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from wintogether.errors import InvalidValue
from wintogether.formats.detect import csv_kind, is_json, is_vcard


@dataclass(frozen=True)
class FileFormat:
    name: str
    label: str
    #: "r": `wt import` reads it; "w": `wt export` writes it; "rw": both.
    does: str
    extensions: tuple[str, ...] = ()
    #: True when a file's (decoded) text is in this format; None: never guessed.
    recognise: Callable[[str], bool] | None = None
    #: The module in formats/ (default: the name).
    module: str = ""

    @property
    def reads(self) -> bool:
        return "r" in self.does

    @property
    def writes(self) -> bool:
        return "w" in self.does

    def load(self) -> ModuleType:
        return importlib.import_module(f"wintogether.formats.{self.module or self.name}")


def _csv(kind: str) -> Callable[[str], bool]:
    return lambda text: csv_kind(text) == kind


#: In the order help and errors list them; the first that recognises a file wins.
FORMATS = (
    FileFormat("linkedin", "LinkedIn connections", "r", (".csv",), _csv("linkedin")),
    FileFormat("google", "Google Contacts", "r", (".csv",), _csv("google")),
    FileFormat("outlook", "Outlook contacts", "r", (".csv",), _csv("outlook")),
    FileFormat("vcard", "vCard", "rw", (".vcf", ".vcard"), is_vcard),
    FileFormat("json", "wintogether JSON", "rw", (".json",), is_json, module="jsonfile"),
    FileFormat("csv", "CSV", "w", (".csv",), module="csvfile"),
    FileFormat("ics", "iCalendar", "w", (".ics",)),
    FileFormat("md", "Markdown", "w", (".md",)),
)

#: Formats ``wt import`` reads.
IMPORT_FORMATS = tuple(f.name for f in FORMATS if f.reads)
#: Formats ``wt export`` writes: JSON (everything) first.
EXPORT_FORMATS = ("json", *(f.name for f in FORMATS if f.writes and f.name != "json"))
_BY_NAME = {f.name: f for f in FORMATS}


def reader(name: str) -> FileFormat:
    found = _BY_NAME.get(name)
    if found is None or not found.reads:
        raise InvalidValue(f"Unknown format '{name}'.", hint=f"Use {', '.join(IMPORT_FORMATS)}.")
    return found


def writer(name: str) -> FileFormat:
    found = _BY_NAME.get(name)
    if found is None or not found.writes:
        raise InvalidValue(f"Unknown format '{name}'.", hint=f"Use {', '.join(EXPORT_FORMATS)}.")
    return found


def recognise(text: str) -> FileFormat | None:
    """The format a file's text is in, from its content alone, or None."""
    return next((f for f in FORMATS if f.recognise and f.recognise(text)), None)
