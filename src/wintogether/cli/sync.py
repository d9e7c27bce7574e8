"""`wt sync`: two-way exchange with a vdir that vdirsyncer syncs with CardDAV/CalDAV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wintogether.cli.common import ResultJsonFlag, emit_json, now, say, state

PANEL = "Data"


def sync(
    ctx: typer.Context,
    vdir: Annotated[
        Path | None,
        typer.Argument(
            help="The vdir folder (default: [sync] vdir in the config file).",
            show_default=False,
            file_okay=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would change; change nothing.")
    ] = False,
    force_delete: Annotated[
        bool,
        typer.Option(
            "--force-delete", help="Apply the deletions even when a whole collection was emptied."
        ),
    ] = False,
    unmatched: Annotated[
        bool,
        typer.Option(
            "--unmatched",
            help="List the to-dos made elsewhere that name no contact; sync nothing.",
        ),
    ] = False,
    attach: Annotated[
        str | None,
        typer.Option(
            "--attach",
            metavar="UID",
            help="Give the unmatched to-do UID to the contact --to names, then sync.",
        ),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", metavar="CONTACT", help="The contact for --attach.")
    ] = None,
    as_json: ResultJsonFlag = False,
) -> None:
    """Exchange contacts, promises and conversations with a vdir, both ways.

    The folder gets contacts/ (vCards), promises/ (to-dos), conversations/
    (journal entries) and history/ (ledger entries, wins and job changes, for
    your other computer), one file per item; vdirsyncer syncs them with a
    CardDAV/CalDAV server. Run `wt sync`, `vdirsyncer sync`, `wt sync`, then
    `vdirsyncer sync` once more to upload what the second run settled. When
    both sides changed an item, their changes are merged field by field; a
    field changed on both takes the later change, and the other value is kept
    on the contact's timeline. With `[sync] reminders = true`, open promises
    ring on their due day and the five most slipping relationships get a
    "Reach out to ..." to-do (reminders/); ticking one records a touch.

    Examples:

      wt sync ~/.local/share/wintogether/vdir

      wt sync --dry-run

      wt sync --unmatched

      wt sync --attach 45c1f5ca@phone --to "Dana Reyes"
    """
    from wintogether.domain.sync import SyncRefused
    from wintogether.domain.sync import sync as run_sync

    st = state(ctx)
    if vdir is None:
        vdir = st.config().sync_vdir
        if vdir is None:
            raise SyncRefused(
                "No vdir given.",
                hint='Pass the folder, or set it in the config file: [sync] vdir = "~/wt-vdir".',
            )
    if unmatched:
        from wintogether.domain.sync.unmatched import unmatched as list_unmatched

        items = list_unmatched(st.store(), vdir)
        if as_json:
            emit_json([item.to_json() for item in items])
        elif not items:
            say("No unmatched to-dos.")
        else:
            for item in items:
                typer.echo(f"{item.uid}\t{item.due_on or '-'}\t{item.summary}")
            say(f"{len(items)} to-do{'s' if len(items) != 1 else ''} for no known contact;"
                " give one to a contact with `wt sync --attach UID --to CONTACT`.")  # fmt: skip
        return
    if attach is not None or to is not None:
        if attach is None or to is None:
            raise SyncRefused("--attach and --to go together.",
                              hint='Like: wt sync --attach UID --to "Dana Reyes".')  # fmt: skip
        from wintogether.domain.sync.unmatched import attach as attach_todo

        item, name = attach_todo(st.store(), vdir, attach, to)
        say(f"Gave the to-do {item.summary!r} to {name}.")
    moment = now()
    result = run_sync(st.store(), vdir, moment, dry_run=dry_run, force_delete=force_delete)
    reminded = None
    if not dry_run:
        from wintogether.domain.sync.reminders import remind

        reminded = remind(st.store(), vdir, moment, st.config())
    if as_json:
        data = result.to_json()
        if reminded is not None:
            data["reminders"] = reminded.to_json()
        emit_json(data)
    else:
        for change in result.changes:
            if change.action == "conflict":
                say(f"Conflict: {change.kind} {change.name}: {change.detail}")
            elif change.action == "skipped":
                say(f"Skipped {change.kind} file {change.name}: {change.detail}")
            elif dry_run:
                say(f"Would have {change.action} {change.kind} {change.name}")
            elif change.notice:
                say(f"{change.kind.capitalize()} {change.name}: {change.detail}")
        for name, why in reminded.skipped if reminded else []:
            say(f"Skipped reminder file {name}: {why}")
    say(result.summary())
    if reminded is not None and reminded.summary():
        say(reminded.summary())


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(sync)
