"""Our own JSON export: everything, versioned, written as a stream.

Shape (version 1)::

    {"format": "wintogether", "version": 1, "exported_at": "...Z",
     "contacts": [...], "conversations": [...], "promises": [...],
     "ledger": [...], "events": [...]}

Records refer to each other by uid, never by local id, so a file imports into
any database. Each section is written record by record from a database
cursor: the export is never built whole in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from wintogether.errors import InvalidValue
from wintogether.formats import Card, Problem, ReadResult

FORMAT = "wintogether"
VERSION = 1
SECTIONS = ("contacts", "conversations", "promises", "ledger", "events")


def write(
    stream: IO[str], exported_at: str, sections: Iterable[tuple[str, Iterable[dict[str, Any]]]]
) -> None:
    from wintogether.render.safe import json_safe

    stream.write(
        f'{{\n  "format": "{FORMAT}",\n  "version": {VERSION},\n'
        f'  "exported_at": {json.dumps(exported_at)}'
    )
    for name, records in sections:
        stream.write(f',\n  "{name}": [')
        first = True
        for record in records:
            stream.write("\n    " if first else ",\n    ")
            stream.write(json_safe(json.dumps(record, ensure_ascii=False, sort_keys=True)))
            first = False
        stream.write("\n  ]" if not first else "]")
    stream.write("\n}\n")


def read(text: str) -> ReadResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidValue(f"Not valid JSON (line {exc.lineno}, column {exc.colno}).") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidValue(
            'This JSON file is not a wintogether export (no "format": "wintogether").'
        )
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise InvalidValue(
            f"This export is version {version}; this program reads up to {VERSION}.",
            hint="Upgrade wintogether.",
        )
    problems: list[Problem] = []
    cards: list[Card] = []
    contacts = data.get("contacts") or []
    if not isinstance(contacts, list):
        raise InvalidValue('"contacts" must be a list.')
    for index, item in enumerate(contacts, 1):
        position = f"contact {index}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            problems.append(Problem(position, "not a contact with a name"))
            continue
        try:
            cards.append(_card(item, position))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            problems.append(Problem(position, f"unreadable ({exc})"))
    for name in SECTIONS[1:]:
        section = data.get(name) or []
        if not isinstance(section, list) or not all(isinstance(r, dict) for r in section):
            raise InvalidValue(f'"{name}" must be a list of records.')
    return ReadResult(cards, problems, len(contacts), bundle=data)


def _strs(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    return value


def _opt(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value


def _card(item: dict[str, Any], position: str) -> Card:
    urls = item.get("urls") or []
    linkedin = next((u["url"] for u in urls if u.get("kind") == "linkedin"), None)
    return Card(
        position=position,
        name=item["name"],
        company=_opt(item.get("company")),
        title=_opt(item.get("title")),
        emails=_strs(item.get("emails")),
        phones=_strs(item.get("phones")),
        linkedin=linkedin,
        urls=[u["url"] for u in urls if u.get("kind") != "linkedin"],
        tags=_strs(item.get("tags")),
        birthday=_opt(item.get("birthday")),
        met_on=_opt(item.get("met_on")),
        how_met=_opt(item.get("how_met")),
        notes=_opt(item.get("notes")),
        uid=_opt(item.get("uid")),
        extras=[(str(k), str(v)) for k, v in item.get("extras") or []],
        record=item,
    )
