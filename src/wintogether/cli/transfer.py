"""Data commands: import, export, dupes, merge."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wintogether.cli.common import (
    Format,
    FormatOption,
    JsonFlag,
    ResultJsonFlag,
    complete_contact,
    data_out,
    emit_csv,
    emit_json,
    emit_rows,
    emit_table,
    now,
    output_format,
    say,
    shown_limit,
    state,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from wintogether.domain.dupes import Pair

PANEL = "Data"
#: Likely duplicate pairs a table shows unless --limit says otherwise.
DUPES_LIMIT = 50
#: Show a progress bar on a terminal for imports at least this big.
PROGRESS_FROM = 500


class ImportFormat(enum.StrEnum):
    linkedin = "linkedin"
    google = "google"
    outlook = "outlook"
    vcard = "vcard"
    json = "json"


class ExportFormat(enum.StrEnum):
    json = "json"
    csv = "csv"
    vcard = "vcard"
    ics = "ics"
    md = "md"


def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="The file to import.", show_default=False, dir_okay=False)
    ],
    source: Annotated[
        ImportFormat | None,
        typer.Option("--from", help="The file's format; detected from its content when absent."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would change; change nothing.")
    ] = False,
    tag: Annotated[
        str | None, typer.Option("--tag", help="Tag every imported contact, e.g. linkedin.")
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="The file's text encoding when not UTF-8/UTF-16, e.g. latin-1."
        ),
    ] = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the readable rows, skip the broken ones.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Refuse the file if any row has no name, instead of skipping it."
        ),
    ] = False,
    fmt: FormatOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Import contacts from LinkedIn, Google, Outlook, a vCard file or a wintogether export.

    Rows match existing contacts by uid, email, LinkedIn URL, then exact name
    with the same company; a match fills empty fields and adds emails, phones
    and tags, never blanking what you filled in. A new company or title is
    recorded as a job change. Two rows of one file are never merged into one
    contact. Rows without a name are skipped and counted (--strict refuses the
    file instead). The whole import is one transaction: all or nothing.
    Importing the same file again changes nothing.

    Examples:

      wt import Connections.csv --dry-run

      wt import contacts.vcf --tag phone

      wt import google.csv --from google --encoding latin-1
    """
    from wintogether.domain.importing import import_file

    st = state(ctx)
    fmt_ = output_format(fmt, as_json)
    store = st.store()
    progress = _Progress()
    try:
        result = import_file(
            store,
            file,
            now(),
            fmt=source.value if source else None,
            dry_run=dry_run,
            tag=tag,
            encoding=encoding,
            skip_invalid=skip_invalid,
            strict=strict,
            progress=progress.advance,
            on_total=progress.start,
        )
    finally:
        progress.stop()
    from wintogether.render.columns import IMPORT_PLAN

    data = result.to_json() if fmt_ is Format.json else None
    if emit_rows(fmt_, IMPORT_PLAN, result.decisions, data=data):
        say(result.summary())
        return
    if dry_run:
        from wintogether.render.plain import plain_requested
        from wintogether.render.transfer import import_plan_lines, import_plan_view

        if plain_requested(st.plain):
            for line in import_plan_lines(result):
                print(line)
        else:
            emit_table(ctx, lambda plain: import_plan_view(result, plain=plain))
    else:
        for decision in result.job_changes:
            say(f"Job change: {decision.name}: {decision.job_change}")
        for problem in result.problems:
            say(f"Skipped {problem}")
    if fmt_ is not Format.json:
        for notice in result.notices:
            say(f"Note: {notice}")
    say(result.summary())


class _Progress:
    """A Rich progress bar on stderr, only on a terminal and only for big files."""

    def __init__(self) -> None:
        self.bar: object | None = None
        self.task: object | None = None

    def start(self, total: int, what: str = "Importing") -> None:
        self.stop()
        if total < PROGRESS_FROM or not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import Progress

        bar = Progress(console=Console(file=sys.stderr), transient=True)
        bar.start()
        self.task = bar.add_task(what, total=total)
        self.bar = bar

    def advance(self, done: int) -> None:
        if self.bar is not None and done % 100 == 0:
            self.bar.update(self.task, completed=done)  # type: ignore[attr-defined]

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()  # type: ignore[attr-defined]
            self.bar = None


def export(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="json (everything), csv, vcard, ics or md."),
    ] = ExportFormat.json,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout."),
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option("--contact", help="Only this contact.", autocompletion=complete_contact),
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only contacts with this tag.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only what changed or happened since DATE.")
    ] = None,
    what: Annotated[
        str, typer.Option("--what", help="For csv: contacts (default) or conversations.")
    ] = "contacts",
    vcard_version: Annotated[
        str, typer.Option("--vcard-version", help="vCard version: 4.0 (default) or 3.0.")
    ] = "4.0",
    split: Annotated[
        Path | None,
        typer.Option("--split", help="vcard: one UID.vcf per contact into this folder."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing output file.")
    ] = False,
    alarms: Annotated[
        bool,
        typer.Option(
            "--alarms",
            help="ics: each to-do rings on its due day at [sync] reminder_time (09:00).",
        ),
    ] = False,
) -> None:
    """Export your data: JSON (everything, re-importable), CSV, vCard, iCalendar or Markdown.

    JSON holds contacts, conversations, promises, the ledger and job changes,
    and imports into an empty database with nothing lost. ICS holds open
    promises as to-dos and birthdays as yearly events.

    Examples:

      wt export -o backup.json

      wt export --format vcard --split ~/.contacts/wintogether

      wt export --format ics -o promises.ics

      wt export --format ics --alarms -o promises.ics

      wt export --format csv --what conversations --since "30 days ago"
    """
    from wintogether.domain.export import ExportSelection, export_split
    from wintogether.domain.export import export as run_export
    from wintogether.errors import UserError
    from wintogether.render.words import exported_words

    st = state(ctx)
    store = st.store()
    sel = ExportSelection(contact=contact, tag=tag, since=since)
    alarm_at = None
    if alarms:
        from datetime import time

        from wintogether.config import clock_time

        hour, minute = clock_time(st.config().sync_reminder_time) or (9, 0)
        alarm_at = time(hour, minute)
    if split is not None:
        if fmt is not ExportFormat.vcard or output is not None:
            raise UserError(
                "--split writes vCards into a folder: use it with --format vcard, without -o."
            )
        count = export_split(store, split, now(), sel, vcard_version=vcard_version, force=force)
        say(f"Wrote {count} vCard{'s' if count != 1 else ''} into {split}.")
        return
    if output is None or str(output) == "-":
        with data_out() as out:
            counts = run_export(
                store, out, fmt.value, now(), sel, what=what, vcard_version=vcard_version,
                alarm_at=alarm_at,
            )  # fmt: skip
        say(f"Exported {exported_words(counts)}.")
        return
    from wintogether.files import atomic_open

    with atomic_open(output, database=st.db_path, overwrite=force) as handle:
        counts = run_export(
            store, handle, fmt.value, now(), sel, what=what, vcard_version=vcard_version,
            alarm_at=alarm_at,
        )  # fmt: skip
    say(f"Exported {exported_words(counts)} to {output}.")


def dupes(
    ctx: typer.Context,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            help=f"Show at most N; 0 for all. [default: {DUPES_LIMIT} in a table, all in json/csv]",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonFlag = False,
) -> None:
    """List likely duplicates: same email, same LinkedIn profile, same or near-identical names.

    The same name (accents and punctuation ignored) counts whatever the
    companies; near-identical names count at the same company.

    Examples:

      wt dupes

      wt merge 12 31 --dry-run
    """
    fmt_ = output_format(fmt, as_json)
    # A table shows a screenful: drawing every pair of a large import takes Rich minutes.
    top = shown_limit(limit, fmt_, DUPES_LIMIT)
    if top is None:
        # Every pair, written as it is found: a large import has hundreds of
        # thousands, too many to hold as objects.
        from wintogether.domain.dupes import find_all

        every = find_all(state(ctx).store())
        if fmt_ is not Format.table:  # the column specs only for JSON and CSV
            from wintogether.render.columns import DUPES

            if fmt_ is Format.csv:
                emit_csv(DUPES.names(), DUPES.csv_rows(every))
                return
            with data_out() as out:
                from wintogether.text import write_json_list

                write_json_list(map(DUPES.record, every), out)
            return
        from wintogether.domain.dupes import AllPairs
        from wintogether.render.plain import plain_requested

        if plain_requested(state(ctx).plain):
            # Written as it goes: a large import's table has hundreds of
            # thousands of rows (a terminal gets Rich's, below).
            found = AllPairs(state(ctx).store())
            if not found:
                say("No likely duplicates.")
                return
            from wintogether.render.plain import dupes_lines, screen_width

            for line in dupes_lines(lambda: found, screen_width()):
                sys.stdout.write(line + "\n")
            count = len(found)
            say(
                f"{count} likely duplicate pair{'s' if count != 1 else ''}; "
                "`wt merge KEEP OTHER --dry-run` shows a merge first."
            )
            return
        pairs: list[Pair] = list(every)
        total: int | None = len(pairs)
    else:
        from wintogether.domain.dupes import find_page

        pairs, total = find_page(state(ctx).store(), top)
        if fmt_ is not Format.table:
            from wintogether.render.columns import DUPES

            emit_rows(fmt_, DUPES, pairs)
            return
    if not pairs:
        say("No likely duplicates.")
    else:

        def build(plain: bool) -> RenderableType:
            from wintogether.render.transfer import dupes_table

            return dupes_table(pairs, plain=plain)

        def pipe(width: int) -> list[str]:
            from wintogether.render.plain import dupes_table

            return dupes_table(pairs, width)

        emit_table(ctx, build, pipe=pipe)
        if total is None:
            say(
                "… and more: `wt dupes --limit 0` lists them all"
                " (comparing every name takes a while)."
            )
            counted = f"{len(pairs)} likely duplicate pairs shown"
        else:
            if total > len(pairs):
                say(f"… and {total - len(pairs)} more: `wt dupes --limit 0` shows all.")
            counted = f"{total} likely duplicate pair{'s' if total != 1 else ''}"
        say(f"{counted}; `wt merge KEEP OTHER --dry-run` shows a merge first.")


def merge(
    ctx: typer.Context,
    keep: Annotated[
        str, typer.Argument(help="The contact to keep.", autocompletion=complete_contact)
    ],
    other: Annotated[
        str,
        typer.Argument(
            help="The duplicate to merge into it and remove.", autocompletion=complete_contact
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show the result; change nothing.")
    ] = False,
    as_json: ResultJsonFlag = False,
) -> None:
    """Merge a duplicate into another contact, losing nothing.

    Conversations, promises, ledger entries, job changes, tags, emails, phones
    and links move over; the keeper's empty fields are filled, both notes are
    kept, and the duplicate is removed. `wt sync` carries the merge: another
    computer syncing the same folder merges the two there as well.

    Examples:

      wt merge "Dana Reyes" 31 --dry-run

      wt merge 12 31
    """
    from wintogether.domain.dupes import merge as run_merge

    plan = run_merge(state(ctx).store(), keep, other, now(), dry_run=dry_run)
    if as_json:
        emit_json(plan.to_json())
    else:
        from wintogether.render.transfer import merge_view

        emit_table(ctx, lambda plain: merge_view(plan, plain=plain))
    verb = "Would merge" if dry_run else "Merged"
    say(
        f"{verb} {plan.other.name} (#{plan.other.id}) into {plan.keep.name} (#{plan.keep.id})."
        + (" Nothing changed." if dry_run else "")
    )


def register(app: typer.Typer) -> None:
    app.command("import", rich_help_panel=PANEL)(import_)
    app.command(rich_help_panel=PANEL)(export)
    app.command(rich_help_panel=PANEL)(dupes)
    app.command(rich_help_panel=PANEL)(merge)
