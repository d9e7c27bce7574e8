"""Our own JSON export: everything, versioned, written as a stream.

Shape (version 1)::

    {"format": "wintogether", "version": 1, "exported_at": "...Z",
     "contacts": [...], "conversations": [...], "promises": [...],
     "ledger": [...], "wins": [...], "events": [...], "companies": [...]}

Records refer to each other by uid, never by local id, so a file imports into
any database. Each section is written record by record from a database
cursor: the export is never built whole in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from wintogether.dates import DATE_RANGE, MAX_CADENCE_DAYS
from wintogether.errors import InvalidValue
from wintogether.formats import Card, ExportRecords, Problem, ReadResult
from wintogether.models import ACCOUNT_ROLES, CHANNELS, OWNERS, STATUSES

FORMAT = "wintogether"
VERSION = 1
SECTIONS = (
    "contacts",
    "conversations",
    "promises",
    "ledger",
    "wins",
    "events",
    "companies",
    "deals",
    "deal_steps",
    "plan_templates",
    "capture_never",
    "capture_reviewed",
)


def export(stream: IO[str], records: ExportRecords) -> None:
    """Everything: contacts, conversations, promises, ledger, wins, events, companies."""
    write(
        stream,
        records.exported_at,
        [
            ("contacts", records.contacts()),
            ("conversations", records.conversations()),
            ("promises", records.promises()),
            ("ledger", records.ledger()),
            ("wins", records.wins()),
            ("events", records.events()),
            ("companies", records.companies()),
            ("deals", records.deals()),
            ("deal_steps", records.deal_steps()),
            ("plan_templates", records.plan_templates()),
            # What capture already proposed, and whom it never proposes: the
            # same meetings are not proposed again on another machine.
            ("capture_never", records.capture_never()),
            ("capture_reviewed", records.capture_reviewed()),
        ],
    )


def write(
    stream: IO[str], exported_at: str, sections: Iterable[tuple[str, Iterable[dict[str, Any]]]]
) -> None:
    from wintogether.text import json_safe

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
        if not isinstance(section, list):
            raise InvalidValue(f'"{name}" must be a list of records.')
        kept = []
        for index, record in enumerate(section, 1):
            reason = check_record(name, record)
            if reason:
                problems.append(Problem(f"{_SINGULAR[name]} {index}", reason))
            else:
                kept.append(record)
        data[name] = kept  # only readable records reach the database
    return ReadResult(cards, problems, len(contacts), bundle=data)


_SINGULAR = {
    "capture_never": "never-proposed person",
    "capture_reviewed": "reviewed capture item",
    "conversations": "conversation",
    "promises": "promise",
    "ledger": "ledger entry",
    "wins": "win",
    "events": "event",
    "companies": "company",
    "deals": "deal",
    "deal_steps": "plan step",
    "plan_templates": "plan template",
}
_TEXT = ("uid", "created_at", "updated_at")
_REQUIRED: dict[str, tuple[str, ...]] = {
    "conversations": (*_TEXT, "happened_at", "channel", "note"),
    "promises": (*_TEXT, "contact", "text", "due_on", "owner", "status"),
    "ledger": (*_TEXT, "contact", "direction", "kind", "text", "happened_at"),
    "wins": (*_TEXT, "contact", "theirs", "mine", "happened_at"),
    "events": (*_TEXT, "contact", "kind", "text", "happened_at"),
    "companies": (*_TEXT, "name"),
    "deals": (*_TEXT, "title", "status"),
    "deal_steps": ("uid", "updated_at", "deal", "promise"),
    "plan_templates": (*_TEXT, "name"),
    "capture_never": ("contact",),
    "capture_reviewed": ("key",),
}
_CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "conversations": {"channel": CHANNELS},
    "promises": {"owner": OWNERS, "status": STATUSES},
    "deals": {"status": ("open", "won", "lost", "dropped")},
    "ledger": {
        "direction": ("gave", "got"),
        "kind": ("intro", "referral", "advice", "favour", "gift", "deal", "other"),
    },
}


def _template_steps(steps: Any) -> bool:
    if not isinstance(steps, list):
        return False
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            return False
        after = step.get("after")
        # A step may wait for any other step of the list, listed before or
        # after it (a plan's numbers need not follow its order); a loop is
        # left out when the template is applied.
        if not (
            isinstance(step.get("text"), str)
            and step["text"].strip()
            and step.get("owner") in OWNERS
            and isinstance(step.get("days_before"), int)
            and (after is None or (isinstance(after, int) and 0 <= after < len(steps)))
            and after != index
        ):
            return False
    return True


def check_record(section: str, record: Any) -> str | None:
    """Why a history record cannot be imported, or ``None`` when it can."""
    if not isinstance(record, dict):
        return "not a record"
    for key in _REQUIRED[section]:
        if not isinstance(record.get(key), str) or not record[key].strip():
            return f"missing or empty {key}"
    for key in ("created_at", "updated_at", "happened_at", "done_at", "closed_at"):
        if record.get(key) is not None and not _is_time(record[key]):
            return (
                f"{key} '{record[key]}' is not a UTC timestamp like 2026-11-28T10:00:00Z"
                f" ({DATE_RANGE})"
            )
    if section == "promises" and not _is_day(record["due_on"]):
        return f"due_on '{record['due_on']}' is not a date like 2026-12-04 ({DATE_RANGE})"
    target = record.get("target_on") if section == "deals" else None
    if target is not None and not (isinstance(target, str) and _is_day(target)):
        return f"target_on '{target}' is not a date like 2027-01-31"
    if section == "deals" and not (
        isinstance(record.get("people", []), list)
        and all(isinstance(p, str) for p in record.get("people", []))
    ):
        return "people must be a list of contact uids"
    if section == "plan_templates" and not _template_steps(record.get("steps")):
        return "steps must be a list of {text, owner, days_before, milestone, after}"
    for key, allowed in _CHOICES.get(section, {}).items():
        if record[key] not in allowed:
            return f"{key} '{record[key]}' is not one of {', '.join(allowed)}"
    if section == "conversations" and not (
        isinstance(record.get("participants"), list)
        and all(isinstance(p, str) for p in record["participants"])
    ):
        return "participants must be a list of contact uids"
    if section == "companies" and not (
        isinstance(record.get("aliases", []), list)
        and all(isinstance(a, str) for a in record.get("aliases", []))
    ):
        return "aliases must be a list of names"
    return None


def _is_time(value: Any) -> bool:
    from wintogether.dates import is_stored

    return is_stored(value, "stamp")


def _is_day(value: Any) -> bool:
    from wintogether.dates import is_stored

    return is_stored(value, "day")


def _birthday(value: str | None) -> str | None:
    from wintogether.formats.csvfile import birthday

    if value is None:
        return None
    parsed = birthday(value)
    if parsed is None:
        raise ValueError(f"birthday '{value}' is not YYYY-MM-DD or --MM-DD")
    return parsed


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
    for key in ("created_at", "updated_at", "archived_at"):
        if item.get(key) is not None and not _is_time(item[key]):
            raise ValueError(f"{key} is not a UTC timestamp like 2026-11-28T10:00:00Z")
    if item.get("met_on") is not None and not _is_day(item["met_on"]):
        raise ValueError(f"met_on is not a date like 2026-12-04 ({DATE_RANGE})")
    cadence = item.get("cadence_days")
    if cadence is not None and (
        not isinstance(cadence, int) or isinstance(cadence, bool) or cadence < 1
    ):
        raise ValueError("cadence_days must be a positive whole number")
    if cadence is not None and cadence > MAX_CADENCE_DAYS:
        raise ValueError(f"cadence_days is over {MAX_CADENCE_DAYS:,} days (9999 years)")
    role = item.get("account_role")
    if role is not None and role not in ACCOUNT_ROLES:
        raise ValueError(f"account_role '{role}' is not one of {', '.join(ACCOUNT_ROLES)}")
    for key in ("reports_to", "introduced_by", "company_uid"):
        if item.get(key) is not None and not isinstance(item[key], str):
            raise ValueError(f"{key} must be a uid")
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
        birthday=_birthday(_opt(item.get("birthday"))),
        met_on=_opt(item.get("met_on")),
        how_met=_opt(item.get("how_met")),
        notes=_opt(item.get("notes")),
        uid=_opt(item.get("uid")),
        extras=[(str(k), str(v)) for k, v in item.get("extras") or []],
        record=item,
    )
