"""Small helpers every subject module shares: new uids, id chunks, stored times."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from wintogether.clock import from_utc_iso, from_utc_iso_utc


def new_uid() -> str:
    return str(uuid.uuid4())


def deal_win_uid(deal_uid: str, contact_uid: str) -> str:
    """The uid of the win a won deal records for one of its people: the same on
    every computer, so that a deal won on two makes one win each, not two."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"wintogether:deal-won:{deal_uid}:{contact_uid}"))


def local_time(value: str | None) -> Any:
    """A stored timestamp as a local datetime (None stays None)."""
    return from_utc_iso(value) if value else None


def utc_time(value: str | None) -> Any:
    """A stored timestamp as an aware UTC datetime: cheaper than local time (no
    zone lookup per value) where only comparisons and dates follow."""
    return from_utc_iso_utc(value) if value else None


def chunks(items: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def id_list(ids: Iterable[int]) -> str:
    """Ids as a JSON array for ``json_each(?)``, written without the json module
    (a read that passes a few ids should not import it): ``[1,2,3]``."""
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def text_list(items: Iterable[str]) -> str:
    """Short strings as a JSON array for ``json_each(?)``: plain words (``"11-28"``)
    are written directly, anything that needs escaping by the json module."""
    words = list(items)
    if all(w.isascii() and w.isprintable() and '"' not in w and "\\" not in w for w in words):
        return "[" + ",".join(f'"{w}"' for w in words) + "]"
    import json

    return json.dumps(words)


def plain_rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
    """``sql``'s rows as plain tuples, for reads of hundreds or thousands of
    rows: a tuple costs less to make and to index than a ``sqlite3.Row``."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)
