"""Trust commands: backup, doctor, undo, forget."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wintogether.cli.common import (
    ResultJsonFlag,
    complete_contact,
    emit_json,
    say,
    state,
    write_out,
)
from wintogether.paths import expand

PANEL = "Data"


def backup(
    ctx: typer.Context,
    dest: Annotated[
        Path | None,
        typer.Argument(
            help="File or folder to write the copy to. [default: backups/ beside the database]",
            show_default=False,
        ),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(
            "--keep",
            help="How many copies to keep in the default folder "
            "(also $WINTOGETHER_BACKUPS_KEEP or [backup] keep). [default: 10]",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace DEST if it exists.")] = False,
    as_json: ResultJsonFlag = False,
) -> None:
    """Write a consistent, checked, private copy of the database.

    Prints the path of the copy. Restore by replacing the database file with a
    copy while no wt command is running (see the "Your data" guide).

    Examples:

      wt backup

      wt backup ~/safe/clients-2026-11-28.db
    """
    from wintogether.domain import safety

    result = safety.backup(
        state(ctx).store(),
        expand(dest, "DEST") if dest else None,
        keep=keep,
        overwrite=force,
    )
    if as_json:
        emit_json(result.to_json())
        return
    write_out(f"{result.path}\n")
    say(f"Backed up to {result.path} ({result.size:,} bytes, integrity ok)")
    if result.removed:
        say(f"Removed {len(result.removed)} older backup(s)")


def doctor(
    ctx: typer.Context,
    as_json: ResultJsonFlag = False,
    compact: Annotated[
        bool,
        typer.Option("--compact", help="Also VACUUM the file and truncate the write-ahead log."),
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="The full integrity check: also that every index matches its table, and"
            " the conversation times kept per person (slower).",
        ),
    ] = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Rebuild the kept standings (open promises, ledger runs and months,"
            " conversation times per person) when they differ from the history.",
        ),
    ] = False,
) -> None:
    """Check the database: integrity, search index, schema, permissions, location.

    By default the integrity check is SQLite's quick check (seconds on years of
    data); `--full` also checks every index against its table.

    Exits 0 when healthy (warnings allowed), 3 when not.

    Examples:

      wt doctor

      wt doctor --json

      wt doctor --full

      wt doctor --fix
    """
    from wintogether.cli.common import now
    from wintogether.domain import safety
    from wintogether.errors import DatabaseCorrupt

    try:
        store = state(ctx).store()
    except DatabaseCorrupt as exc:
        report = safety.unopenable(state(ctx).db_path, exc.message)
        if as_json:
            emit_json(report.to_json())
        else:
            from wintogether.render.safety import doctor_lines

            print("\n".join(doctor_lines(report)))
        raise typer.Exit(3) from None
    if compact and not safety.compact(store):
        say("Another command kept the write-ahead log open; it was not truncated.")
    report = safety.doctor(store, now(), full=full, fix=fix)
    if as_json:
        emit_json(report.to_json())
    else:
        from wintogether.render.safety import doctor_lines

        print("\n".join(doctor_lines(report)))
    if not report.healthy:
        raise typer.Exit(3)


def undo(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would be undone; change nothing.")
    ] = False,
    as_json: ResultJsonFlag = False,
) -> None:
    """Undo the most recent change (add, edit, log, done, …) as one unit.

    Run it again to undo the change before that. An undo is not itself undone
    by the next `wt undo`. After `wt forget` or `wt config set`, which cannot
    be undone, it says so and changes nothing.

    Examples:

      wt undo

      wt undo --dry-run
    """
    from wintogether.domain import safety
    from wintogether.render.safety import undone_line

    result = safety.undo(state(ctx).store(), dry_run=dry_run)
    if as_json:
        emit_json(result.to_json())
        return
    say(undone_line(result))


def forget(
    ctx: typer.Context,
    contact: Annotated[
        str,
        typer.Argument(
            help="Who: a name, part of a name, an email or an id (#12).",
            autocompletion=complete_contact,
            show_default=False,
        ),
    ],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (for scripts).")
    ] = False,
    as_json: ResultJsonFlag = False,
) -> None:
    """Remove a person and everything only about them, for good.

    Deletes the contact, conversations only with them, their promises and
    ledger entries, their history in the change journal, then compacts the
    file so their text is gone from it. Cannot be undone; `wt archive` is the
    gentle option.

    Examples:

      wt forget "Dana Reyes"

      wt forget '#12' --yes
    """
    from wintogether.cli.common import stdin_is_terminal
    from wintogether.domain import safety
    from wintogether.errors import UserError
    from wintogether.render.safety import forget_question, forgotten_lines

    store = state(ctx).store()
    scope = safety.forget_scope(store, contact)
    if not yes:
        if not stdin_is_terminal():
            raise UserError(
                "Refusing to forget without confirmation: no terminal to ask on.",
                hint="Add --yes to confirm in a script.",
            )
        question = forget_question(
            scope.name,
            scope.contact_id,
            len(scope.solo_conversations),
            scope.shared_conversations,
            scope.promises,
        )
        if not typer.confirm(question, default=False, err=True):
            say("Nothing was changed.")
            raise typer.Exit(1)
    result = safety.forget(store, scope.contact_id)
    if as_json:
        emit_json(result.to_json())
        return
    for line in forgotten_lines(result):
        say(line)


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(backup)
    app.command(rich_help_panel=PANEL)(doctor)
    app.command(rich_help_panel=PANEL)(undo)
    app.command(rich_help_panel=PANEL)(forget)
