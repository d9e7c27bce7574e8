"""Items on either side: compared field by field, described, serialised, read from the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wintogether.store import Store
from wintogether.store import sync as ss


def _fold(values: list[str]) -> list[str]:
    return sorted(v.casefold() for v in values)


#: A contact's fields only wintogether has (carried as X-WINTOGETHER- properties).
_OWN_FIELDS = ("how_met", "met_on", "introduced_by", "cadence_days", "created_at", "archived_at")


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _same(kind: str, theirs: dict[str, Any], record: dict[str, Any]) -> bool:
    """Whether a file's item and a row's record say the same, field by field
    (a field the file does not carry at all is not a difference)."""
    return not _differing(kind, theirs, record)


def _differing(kind: str, theirs: dict[str, Any], record: dict[str, Any]) -> set[str]:
    """The fields in which a file's item (``theirs``) and a row's record differ."""
    old, new = _canonical(kind, theirs, False), _canonical(kind, record, True)
    return {key for key in new if key in old and old[key] != new[key]}


def _canonical(kind: str, item: dict[str, Any], from_db: bool) -> dict[str, Any]:
    """The fields both sides must agree on, in one comparable shape."""
    if kind == "contact":
        if from_db:
            urls = item["urls"]
            linkedin = next((u["url"] for u in urls if u["kind"] == "linkedin"), None)
            web = [u["url"] for u in urls if u["kind"] != "linkedin"]
        else:
            linkedin, web = item["linkedin"], item["urls"]
        if from_db:
            own: dict[str, Any] | None = {key: item[key] for key in _OWN_FIELDS}
        else:
            own = item.get("ours")
        canonical = {
            "name": item["name"],
            "company": item["company"] or None,
            "title": item["title"] or None,
            "birthday": item["birthday"] or None,
            "notes": item["notes"] or None,
            "emails": _fold(item["emails"]),
            "phones": sorted(item["phones"]),
            "linkedin": linkedin or None,
            "urls": sorted(web),
            "tags": _fold(item["tags"]),
        }
        if own is not None:  # a card from another app says nothing of these
            canonical.update({key: _text(own.get(key)) for key in _OWN_FIELDS})
        return canonical
    if kind == "promise":
        keys = ("text", "due_on", "owner", "status", "contact")
        return {k: item[k] for k in keys}
    return {
        "happened_at": item["happened_at"],
        "channel": item["channel"],
        "note": item["note"].strip(),
        "participants": sorted(item["participants"]),
    }


def _describe(kind: str, item: dict[str, Any], from_db: bool) -> str:
    """One line with the fields of a version (the loser of a conflict is kept as this)."""
    fields = _canonical(kind, item, from_db)
    parts = []
    for key, value in fields.items():
        if value in (None, [], ""):
            continue
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {' '.join(shown.split())}")
    return "; ".join(parts)


def _display(kind: str, item: dict[str, Any]) -> str:
    if kind == "contact":
        return str(item["name"])
    if kind == "promise":
        return str(item["text"])
    note = str(item["note"]).strip().splitlines()
    return note[0][:80] if note else ""


def _serialise(kind: str, record: dict[str, Any]) -> str:
    if kind == "contact":
        from wintogether.formats import vcard

        # 3.0: what phones read best; uids stay plain (no urn:uuid:).
        return vcard.card_text(record, "3.0", ours=True)
    if kind == "promise":
        from wintogether.formats import ics

        return ics.promise_todo_text(record)
    from wintogether.formats import vjournal

    return vjournal.journal_text(record)


def _write_text(kind: str, record: dict[str, Any], base: bytes | None) -> str:
    """What to write for ``record``: the file we have (``base``) patched, so that
    what another app keeps in it survives (formats/patch.py), or a new file."""
    if base is None:
        return _serialise(kind, record)
    from wintogether.domain.sync.scan import _parse

    text = base.decode("utf-8-sig", errors="replace")
    try:
        theirs = _parse(kind, base)
    except Exception:  # the file we have no longer parses: write ours whole
        return _serialise(kind, record)
    if kind == "contact":
        from wintogether.formats import vcard

        return vcard.patch_card(text, record, _differing(kind, theirs, record))
    if kind == "promise":
        from wintogether.formats import ics

        return ics.patch_todo(text, record)
    from wintogether.formats import vjournal

    return vjournal.patch_journal(text, record)


def _records(store: Store, kind: str, ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    reader: Callable[..., Any] = {
        "contact": ss.contact_records,
        "promise": ss.promise_records,
        "conversation": ss.conversation_records,
    }[kind]
    return {record["id"]: record for record in reader(store, ids)}
