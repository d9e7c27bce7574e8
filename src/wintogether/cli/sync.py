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
    as_json: ResultJsonFlag = False,
) -> None:
    """Exchange contacts, promises and conversations with a vdir, both ways.

    The folder gets contacts/ (vCards), promises/ (to-dos) and conversations/
    (journal entries), one file per item; vdirsyncer syncs them with a
    CardDAV/CalDAV server. Run `wt sync`, `vdirsyncer sync`, `wt sync`, then
    `vdirsyncer sync` once more to upload what the second run settled. When
    both sides changed an item, the later change wins and the other version is
    kept on the contact's timeline.

    Examples:

      wt sync ~/.local/share/wintogether/vdir

      wt sync --dry-run
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
    result = run_sync(st.store(), vdir, now(), dry_run=dry_run, force_delete=force_delete)
    if as_json:
        emit_json(result.to_json())
    else:
        for change in result.changes:
            if change.action == "conflict":
                say(f"Conflict: {change.kind} {change.name}: {change.detail}")
            elif change.action == "skipped":
                say(f"Skipped {change.kind} file {change.name}: {change.detail}")
            elif dry_run:
                say(f"Would have {change.action} {change.kind} {change.name}")
    say(result.summary())


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(sync)
