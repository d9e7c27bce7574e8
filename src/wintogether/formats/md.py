"""Markdown export: a contacts table safe to paste into a report or wiki."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wintogether.formats import ExportRecords

_LINK = re.compile(r"(?i)javascript:")


def cell(value: object) -> str:
    """Text safe inside a Markdown table cell.

    Pipes and backslashes are escaped, HTML angle brackets neutralised (no
    ``<script>``), a leading ``#`` cannot start a heading, ``javascript:``
    cannot become a link, and newlines fold to spaces.
    """
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("[", "\\[").replace("]", "\\]")
    text = _LINK.sub("javascript&#58;", text)
    if text.startswith("#"):
        text = "\\" + text
    return text


def export(stream: IO[str], records: ExportRecords) -> None:
    write(stream, "Contacts", records.contacts())


def write(stream: IO[str], title: str, contacts: Iterable[dict[str, Any]]) -> None:
    from wintogether.text import one_line

    stream.write(f"# {title}\n\n")
    stream.write("| name | company | title | email | phone | tags | birthday |\n")
    stream.write("|---|---|---|---|---|---|---|\n")
    for contact in contacts:
        cells = [
            contact["name"],
            contact.get("company"),
            contact.get("title"),
            contact.get("emails"),
            contact.get("phones"),
            contact.get("tags"),
            contact.get("birthday"),
        ]
        stream.write("| " + " | ".join(one_line(cell(v)) for v in cells) + " |\n")
