"""Items on either side: compared field by field, described, serialised, read from the store."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from wintogether.domain.sync.scan import sha256_hex
from wintogether.records import dataclass
from wintogether.store import Store
from wintogether.store import sync as ss


def _fold(values: list[str]) -> list[str]:
    return sorted(v.casefold() for v in values)


#: Per table, the columns that stay in each database; every other column of
#: these tables travels (tests/test_sync_travel.py checks both): a row's local
#: id, its time of last change here (each database stamps its own), and a
#: contact's last touch (recomputed from the conversations that travel).
LOCAL_ONLY = {
    # company_id: each database links the company name (which travels) to its
    # own company record, as every write of the name does.
    "contacts": {"id", "updated_at", "last_touch_at", "company_id"},
    "ledger": {"id", "updated_at"},
    "wins": {"id", "updated_at"},
    "contact_events": {"id", "updated_at"},
    # A company's name travels on the cards (and its aliases in history/): each
    # database makes its own record of it, with its own uid and creation date.
    "companies": {"id", "uid", "key", "created_at", "updated_at"},
    "interactions": {"id", "updated_at"},
    "promises": {"id", "updated_at"},
    # company_id: as for a contact, each database links the deal's company
    # name to its own company record.
    "deals": {"id", "updated_at", "company_id"},
    "deal_steps": {"id", "updated_at"},
    "plan_templates": {"id", "updated_at"},
}

#: A contact's fields only wintogether has (carried as X-WINTOGETHER- properties).
_OWN_FIELDS = (
    "how_met",
    "met_on",
    "introduced_by",
    "cadence_days",
    "created_at",
    "archived_at",
    "account_role",
    "reports_to",
)


#: A record's uid and the times of its row, not compared (each database has its own).
_STAMPS = ("uid", "created_at", "updated_at")

#: How a history record is named in a report.
_HISTORY_NAMES = {
    "ledger": "ledger entry",
    "wins": "win",
    "events": "timeline entry",
    "companies": "company",
    "deals": "deal",
    "deal_steps": "plan step",
    "plan_templates": "plan template",
}


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


#: Fields holding lists: merged value by value, not replaced whole.
_LISTS = frozenset(
    {"emails", "phones", "urls", "tags", "participants", "aliases", "people", "merged"}
)
#: Lists whose values either side may add without the other knowing of the field
#: yet (a base from before it existed), or of the item (a company's other names,
#: each merged into it on another computer before the two had a file for it in
#: common): then the two sides' values, together.
_GROWING = frozenset({"merged", "aliases"})
#: Fields one side may lack while the other has them (when a to-do was done
#: and the note said of it: another app writes no note, one ticked the to-do
#: with no date): the value, wherever it is. Two dates: the first.
_EITHER = frozenset({"done_at", "done_note"})
#: List fields compared without case (an email, a tag, a company's other name).
_FOLDED = frozenset({"emails", "tags", "aliases"})


def _fields(kind: str, item: dict[str, Any], from_db: bool) -> dict[str, Any]:
    """The fields both sides must agree on, as values (not yet made comparable).

    A contact's fields only wintogether has are left out of a card from
    another app (it says nothing of them)."""
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
        fields = {
            "name": item["name"],
            "company": item["company"] or None,
            "title": item["title"] or None,
            "birthday": item["birthday"] or None,
            "notes": item["notes"] or None,
            "emails": list(item["emails"]),
            "phones": list(item["phones"]),
            "linkedin": linkedin or None,
            "urls": list(web),
            "tags": list(item["tags"]),
        }
        if own is not None:  # a card from another app says nothing of these
            fields.update({key: _text(own.get(key)) for key in _OWN_FIELDS})
            # Whom the contact merged (`wt merge`): another device merges them too.
            if from_db:
                from wintogether.formats.vcard import merged_uids

                fields["merged"] = merged_uids(item["extras"])
            else:
                fields["merged"] = list(item.get("merged") or [])
        return fields
    if kind == "promise":
        keys = ("text", "due_on", "owner", "status", "contact", "done_at", "done_note")
        return {k: item[k] for k in keys}
    if kind == "history":
        from wintogether.domain.sync.scan import record_fields

        names = [k for k in record_fields(item["section"]) if k not in _STAMPS]
        return {"section": item["section"], **{k: item.get(k) for k in names}}
    return {
        "happened_at": item["happened_at"],
        "channel": item["channel"],
        "note": item["note"],
        "participants": list(item["participants"]),
    }


def _comparable(key: str, value: Any) -> Any:
    """One field's value in the shape both sides compare."""
    if key in _LISTS:
        return _fold(value) if key in _FOLDED else sorted(value)
    if key == "note" and isinstance(value, str):
        return value.strip()
    return value


def _canonical(kind: str, item: dict[str, Any], from_db: bool) -> dict[str, Any]:
    """The fields both sides must agree on, in one comparable shape."""
    return _agreed(_fields(kind, item, from_db))


def _agreed(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields (as :func:`_fields` gives them) in the shape both sides compare."""
    return {k: _comparable(k, v) for k, v in fields.items()}


def _digest(canonical: dict[str, Any]) -> str:
    """A short fingerprint of a version's fields (the same on every machine)."""
    import json

    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
    return sha256_hex(text.encode("utf-8"))[:24]


_UNKNOWN = object()


@dataclass
class _Merged:
    """The outcome of a three-way merge."""

    fields: dict[str, Any]
    #: Fields changed differently on both sides: (field, losing value, kept value).
    conflicts: list[tuple[str, Any, Any]]


def _merge(
    mine: dict[str, Any],
    theirs: dict[str, Any],
    base: dict[str, Any] | None,
    ours: dict[str, Any] | None,
    theirs_later: bool,
    theirs_from_ours: bool = False,
) -> _Merged:
    """Merge this database's fields (``mine``) with the file's (``theirs``).

    ``base`` is what both last agreed on; ``ours`` what this database last wrote
    into the file (while no other version was seen). A field the file still
    holds as we wrote it, or a file derived from what we wrote
    (``theirs_from_ours``), was not changed there since; otherwise the file's
    change is measured from ``base``. A field changed on one side only takes
    that side's value; a list (emails, phones, tags, participants...) takes
    the values added on either side and loses those removed on either; a field
    changed differently on both sides is a conflict, and the later side's value
    (``theirs_later``) is kept. With no base, every field that differs is a
    conflict. A field the base does not know (the file may predate it) keeps
    this database's value.
    """
    merged: dict[str, Any] = {}
    conflicts: list[tuple[str, Any, Any]] = []
    for key, mine_value in mine.items():
        if key not in theirs:  # the file says nothing of it (a card from another app)
            merged[key] = mine_value
            continue
        theirs_value: Any = theirs[key]
        m, t = _comparable(key, mine_value), _comparable(key, theirs_value)
        if m == t:
            merged[key] = mine_value
            continue
        if key in _EITHER and (m is None or t is None):
            merged[key] = mine_value if t is None else theirs_value
            continue
        if key == "done_at":  # done on both sides: done when it was first done
            merged[key] = min(mine_value, theirs_value)
            continue
        if key in _GROWING and (base is None or key not in base):
            both: dict[str, Any] = {}
            for value in sorted([*mine_value, *theirs_value]):
                both.setdefault(value.casefold() if key in _FOLDED else value, value)
            merged[key] = list(both.values())
            continue
        b: Any = _UNKNOWN
        if ours is not None and key in ours and (theirs_from_ours or ours[key] == t):
            b = ours[key]
        elif base is not None:
            b = base.get(key, t)
        if b is _UNKNOWN:
            pass
        elif m == b:
            merged[key] = theirs_value
            continue
        elif t == b:
            merged[key] = mine_value
            continue
        elif key in _LISTS:
            merged[key] = _merge_list(key, mine_value, theirs_value, b)
            continue
        if theirs_later:
            merged[key] = theirs_value
            conflicts.append((key, mine_value, theirs_value))
        else:
            merged[key] = mine_value
            conflicts.append((key, theirs_value, mine_value))
    return _Merged(merged, conflicts)


def _merge_list(key: str, mine: list[str], theirs: list[str], base: list[str]) -> list[str]:
    """Mine, less what the file removed from the base, plus what it added."""

    def norm(value: str) -> str:
        return value.casefold() if key in _FOLDED else value

    was = set(base)
    has_theirs = {norm(v) for v in theirs}
    removed = {v for v in was if v not in has_theirs}
    out = [v for v in mine if norm(v) not in removed]
    have = {norm(v) for v in out}
    for value in theirs:
        if norm(value) not in was and norm(value) not in have:
            out.append(value)
            have.add(norm(value))
    return out


def _describe(kind: str, item: dict[str, Any], from_db: bool) -> str:
    """One line with the fields of a version."""
    return _describe_fields(_fields(kind, item, from_db).items())


def _describe_fields(pairs: Any) -> str:
    """``key: value; ...`` of (field, value) pairs, empty values left out."""
    parts = []
    for key, value in pairs:
        if value in (None, [], ""):
            shown = "(none)"
        else:
            shown = ", ".join(value) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {' '.join(shown.split())}")
    return "; ".join(parts)


def _display(kind: str, item: dict[str, Any]) -> str:
    if kind == "contact":
        return str(item["name"])
    if kind == "promise":
        return str(item["text"])
    if kind == "history":
        from wintogether.formats.vjournal import record_summary

        label = _HISTORY_NAMES[item["section"]]
        text = " ".join(record_summary(item["section"], item).split())
        if text.lower().startswith(f"{label}: "):  # "deal: Northwind renewal", not twice
            text = text[len(label) + 2 :]
        return f"{label}: {text[:80]}"
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

    if kind == "history":
        return vjournal.record_text(record["section"], _public(record))
    return vjournal.journal_text(record)


#: The mark a rewritten file carries: the fingerprint of the version it replaced
#: (the version it was derived from), so the database that wrote that version
#: knows the new one already holds its changes.
BASE_MARK = "X-WINTOGETHER-BASE"
#: The versions before that one, newest first (each the fingerprint of its
#: fields and change time, see :func:`version_token`): a file rewritten twice
#: on one computer before the other synced again still says that it grew from
#: the version the other one wrote.
LINEAGE_MARK = "X-WINTOGETHER-LINEAGE"
#: How many versions back a file remembers.
LINEAGE_LENGTH = 12
_MARK_LINE = re.compile(
    rf"^(?:{BASE_MARK}|{LINEAGE_MARK})[;:][^\n]*\n?", re.MULTILINE | re.IGNORECASE
)
_END = re.compile(r"^END:V(CARD|TODO|JOURNAL)\r?$", re.MULTILINE)


def version_token(canonical: dict[str, Any], stamp: str | None) -> str:
    """A version's fingerprint with its change time: two versions with the same
    fields written at different times (a change taken back) differ."""
    return _digest({"fields": canonical, "at": stamp})


def _with_mark(text: str, parent: str | None, lineage: list[str] | None = None) -> str:
    """``text`` with its base mark set to ``parent`` (or removed), and the
    lineage mark to ``lineage``."""
    text = _MARK_LINE.sub("", text)
    match = _END.search(text)
    if parent is None or match is None:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    marks = f"{BASE_MARK}:{parent}{newline}"
    if lineage:
        marks += f"{LINEAGE_MARK}:{','.join(lineage)}{newline}"
    return f"{text[: match.start()]}{marks}{text[match.start() :]}"


def _public(record: dict[str, Any]) -> dict[str, Any]:
    """A history record as it travels: without its row's local ids (a template's
    steps as one JSON text)."""
    from wintogether.domain.sync.scan import LOCAL_FIELDS

    local = {"id", "contact_id", "section", *LOCAL_FIELDS.get(record["section"], ())}
    out = {k: v for k, v in record.items() if k not in local}
    if record["section"] == "plan_templates":
        import json

        out["steps"] = json.dumps(out["steps"], ensure_ascii=False, sort_keys=True)
    return out


def _write_text(kind: str, record: dict[str, Any], base: bytes | None) -> str:
    """What to write for ``record``: the file we have (``base``) patched, so that
    what another app keeps in it survives (formats/patch.py), or a new file.
    A patched file carries the fingerprint of the version it replaces."""
    if base is None:
        return _serialise(kind, record)
    from wintogether.domain.sync.scan import _parse

    text = base.decode("utf-8-sig", errors="replace")
    try:
        theirs = _parse(kind, base)
    except Exception:  # the file we have no longer parses: write ours whole
        return _serialise(kind, record)
    canonical = _canonical(kind, theirs, False)
    parent = _digest(canonical)
    lineage = [version_token(canonical, theirs.get("modified"))]
    lineage += [t for t in theirs.get("lineage") or [] if t not in lineage]
    del lineage[LINEAGE_LENGTH:]
    if kind == "contact":
        from wintogether.formats import vcard

        return _with_mark(
            vcard.patch_card(text, record, _differing(kind, theirs, record)), parent, lineage
        )
    if kind == "promise":
        from wintogether.formats import ics

        return _with_mark(ics.patch_todo(text, record), parent, lineage)
    from wintogether.formats import vjournal

    if kind == "history":
        return _with_mark(
            vjournal.patch_record(text, record["section"], _public(record)), parent, lineage
        )
    return _with_mark(vjournal.patch_journal(text, record), parent, lineage)


def _records(store: Store, kind: str, ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    reader: Callable[..., Any] = {
        "contact": ss.contact_records,
        "promise": ss.promise_records,
        "conversation": ss.conversation_records,
        "history": ss.history_records,
    }[kind]
    return {record["id"]: record for record in reader(store, ids)}
