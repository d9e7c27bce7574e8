"""Imports: reading files into contacts, matching and merging them (exports: domain/export.py).

The steps, one module each: read.py (detect, parse, check, clean), match.py (find
the known contact, merge), plan.py (decide per card), write.py (write the rows);
import_file below runs them, the writing in one transaction.

Import rules, in order of importance:

* nothing is written until the whole file has been read and checked; the
  import is one transaction, so it lands whole or not at all;
* a row matches an existing contact by uid, then email, then LinkedIn URL,
  then exact name with the same company; rows earlier in the same file count;
* a match never loses anything the user filled in: empty fields are filled,
  emails, phones, URLs and tags are added, notes are kept;
* a new company or title for a known contact is a job change: the contact is
  updated and the change recorded on their timeline;
* the same file twice adds and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from wintogether.clock import to_utc_iso
from wintogether.domain.importing.plan import _plan
from wintogether.domain.importing.read import MAX_FILE_BYTES, _clean_card, read_file
from wintogether.domain.importing.result import (
    Decision,
    ImportRefused,
    ImportResult,
    skipped_text,
)
from wintogether.domain.importing.write import _write, _write_companies, _write_history
from wintogether.domain.text import check_tags
from wintogether.errors import InvalidValue
from wintogether.formats import Card, Problem
from wintogether.store import Store
from wintogether.store import importing as import_store

__all__ = [
    "MAX_FILE_BYTES",
    "Decision",
    "ImportRefused",
    "ImportResult",
    "import_file",
    "read_file",
]


def import_file(
    store: Store,
    path: Path,
    now: datetime,
    *,
    fmt: str | None = None,
    dry_run: bool = False,
    tag: str | None = None,
    encoding: str | None = None,
    skip_invalid: bool = False,
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int, str], None] | None = None,
) -> ImportResult:
    """Import (or, with ``dry_run``, plan) one file; all or nothing.

    Rows without a name are left out and counted; ``strict`` refuses the file
    instead.
    """
    extra_tag = check_tags([tag])[0] if tag else None
    fmt, result = read_file(path, fmt, encoding, on_total=on_total, progress=progress)
    problems = list(result.problems)
    cards: list[Card] = []
    for card in result.cards:
        try:
            cards.append(_clean_card(card, extra_tag))
        except InvalidValue as exc:
            problems.append(Problem(card.position, exc.message))
    if problems and not (dry_run or skip_invalid):
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise ImportRefused(
            f"{path.name}: {len(problems)} unreadable row{'s' if len(problems) != 1 else ''}"
            f" ({shown}{more}). Nothing was imported.",
            hint="See them all with --dry-run; fix the file, or pass --skip-invalid to import "
            "the rest.",
        )
    if result.skipped and strict and not dry_run:
        raise ImportRefused(
            f"{path.name}: {skipped_text(result.skipped).removeprefix('skipped ')}. "
            "Nothing was imported (--strict).",
            hint="Without --strict these rows are skipped and the rest imported.",
        )
    if not cards:
        raise ImportRefused(
            f"{path.name} has {result.records} row{'s' if result.records != 1 else ''} but none "
            "could be read: nothing was imported."
            if result.records
            else f"{path.name} holds no contacts: nothing was imported."
        )
    stamp = to_utc_iso(now)
    history: dict[str, int] = {}
    joined: list[tuple[str, str]] = []
    if dry_run:
        with store.read():
            if result.bundle is not None:
                from wintogether.store.companies import record_merges

                records = result.bundle.get("companies")
                joined = record_merges(store, records if isinstance(records, list) else [])
            steps = _plan(store, cards)
    else:
        # A copy of the database as it was, before anything of the file is written.
        from wintogether.store.backup import backup_before, settle_backup

        made = backup_before(store, "before-import", rotate_now=False)
        with store.write(f"import {path.name}", name="import"):
            if result.bundle is not None:
                # Companies first: their aliases decide which record each
                # contact's company text links to, and what is a job change.
                joined = _write_companies(store, result.bundle, stamp)
            steps = _plan(store, cards)
            if on_total is not None:
                on_total(len(steps), "Importing")
            ids = _write(store, steps, stamp, progress)
            if result.bundle is not None:
                history = _write_history(store, steps, ids, result.bundle, stamp)
            added, updated, skipped = (
                sum(1 for s in steps if s.decision.action == a) for a in ("add", "update", "skip")
            )
            changed = bool(added or updated or any(history.values()) or joined)
            if changed:
                import_store.record_import(store, fmt, path.name, (added, updated, skipped), stamp)
        # Anything the journal saw counts too (an introducer or a role a JSON
        # export brings to people otherwise unchanged).
        settle_backup(store, made, changed or store.last_write_changed)
    notices = list(result.notices)
    for merged, into in joined:
        # A name of one company in the file is another company here: the two
        # are one from now on (as the file's database merged them).
        notices.append(
            Problem(
                path.name,
                f"the companies {merged!r} and {into!r} {'would be' if dry_run else 'are'}"
                f" merged into {into!r}, as in the file (`wt undo` takes it back).",
            )
        )
    namesakes = [s.decision.name for s in steps if s.namesake]
    if namesakes:
        # Matched by email, LinkedIn profile or name and company only: the same
        # name at another company (or none) may be the same person.
        shown = ", ".join(namesakes[:3]) + (
            f" and {len(namesakes) - 3} more" if len(namesakes) > 3 else ""
        )
        notices.append(
            Problem(
                path.name,
                f"{len(namesakes)} added {'has' if len(namesakes) == 1 else 'have'} the name of"
                f" someone you had ({shown}): `wt dupes` shows likely duplicates,"
                " `wt merge KEEP OTHER` joins two.",
            )
        )
    return ImportResult(
        fmt,
        path.name,
        dry_run,
        [s.decision for s in steps],
        problems,
        result.records,
        history,
        skipped_rows=list(result.skipped),
        notices=notices,
    )
