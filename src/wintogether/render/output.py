"""Machine output: JSON and CSV, identical on a terminal and in a pipe."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from wintogether.render.safe import json_safe

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
    stream.write(json_safe(json.dumps(data, ensure_ascii=False, indent=2)))
    stream.write("\n")


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
